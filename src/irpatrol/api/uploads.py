"""Multipart uploads streamed straight to a folder, with a limit on the request size.

The request body is fed chunk by chunk to python-multipart's parser (in a worker thread, so
disk writes never block the event loop); each file part is written to ``<folder>/<name>.part``
as it arrives and renamed when complete, so memory use stays at one chunk and nothing beyond
``limit`` bytes is ever read (UploadTooLarge → 413).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from irpatrol.api.errors import UploadTooLarge
from irpatrol.api.schemas import UploadedFile
from irpatrol.errors import InputError

MAX_FIELD_BYTES = 64 * 1024
"""Largest non-file form field accepted."""
MAX_FILES = 10_000
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
BATCH_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
"""What an upload batch name may look like (it becomes a folder name)."""


def batch_folder(data_dir: Path, batch: str) -> Path:
    """The folder of upload batch ``batch`` under ``data_dir/uploads``."""
    if not re.fullmatch(BATCH_PATTERN, batch):
        raise InputError(f"invalid batch name {batch!r}: 1–64 letters, digits, '_' or '-'")
    return data_dir / "uploads" / batch


def folder_inside(data_dir: Path, relative: str) -> Path:
    """``data_dir/relative`` when it stays inside ``data_dir`` (InputError otherwise)."""
    if "\x00" in relative:
        raise InputError("folder name contains a NUL character")
    root = data_dir.resolve()
    try:
        path = (root / relative).resolve()
    except (OSError, ValueError, RuntimeError) as exc:
        raise InputError(f"invalid folder {relative!r}: {exc}") from None
    if path != root and root not in path.parents:
        raise InputError(f"folder {relative!r} is outside the data folder")
    return path


def safe_name(filename: str) -> str:
    """A file name without folders or unusual characters (never empty or hidden)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip("._") or "upload"
    return cleaned[:200]


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None
    handle: IO[bytes] | None = None
    path: Path | None = None
    size: int = 0
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)
    data: bytearray = field(default_factory=bytearray)


class _Receiver:
    """Parser callbacks writing file parts into ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[UploadedFile] = []
        self.fields: dict[str, str] = {}
        self.part = _Part()
        self._header_name = b""
        self._header_value = b""
        self._partial: list[Path] = []

    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self.part.headers[self._header_name.lower()] = self._header_value
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.part.headers.get(b"content-disposition", b""))
        if b"name" not in options:
            raise InputError("multipart part without a name in Content-Disposition")
        self.part.name = options[b"name"].decode("utf-8", "replace")
        if b"filename" in options:
            if len(self.files) >= MAX_FILES:
                raise InputError(f"too many files in one upload (at most {MAX_FILES})")
            self.part.filename = options[b"filename"].decode("utf-8", "replace")
            path = self._free_path(safe_name(self.part.filename))
            self.part.path = path
            self.part.handle = path.with_name(path.name + ".part").open("wb")
            self._partial.append(path.with_name(path.name + ".part"))

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self.part.handle is not None:
            self.part.handle.write(chunk)
            self.part.digest.update(chunk)
            self.part.size += len(chunk)
        else:
            if len(self.part.data) + len(chunk) > MAX_FIELD_BYTES:
                raise InputError(f"form field {self.part.name!r} longer than {MAX_FIELD_BYTES} bytes")
            self.part.data.extend(chunk)

    def on_part_end(self) -> None:
        part = self.part
        if part.handle is None or part.path is None:
            self.fields[part.name] = part.data.decode("utf-8", "replace")
            return
        part.handle.close()
        part.path.with_name(part.path.name + ".part").replace(part.path)
        self._partial.remove(part.path.with_name(part.path.name + ".part"))
        self.files.append(UploadedFile(name=part.path.name, size=part.size, sha256=part.digest.hexdigest()))

    def _free_path(self, name: str) -> Path:
        path = self.folder / name
        stem, suffix = path.stem, path.suffix
        n = 1
        while path.exists() or path.with_name(path.name + ".part").exists():
            path = self.folder / f"{stem}-{n}{suffix}"
            n += 1
        return path

    def abort(self) -> None:
        """Close and remove the file being written (called on any error)."""
        if self.part.handle is not None and not self.part.handle.closed:
            self.part.handle.close()
        for partial in self._partial:
            partial.unlink(missing_ok=True)


async def receive_files(
    request: Request, folder: Path, *, limit: int
) -> tuple[list[UploadedFile], dict[str, str]]:
    """Stream the multipart body of ``request`` into ``folder``; the files written and the
    other form fields. UploadTooLarge past ``limit`` bytes, InputError for a malformed body."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in options:
        raise InputError("expected a multipart/form-data body with a boundary")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise UploadTooLarge(f"upload of {declared} bytes exceeds the limit of {limit} bytes")
    folder.mkdir(parents=True, exist_ok=True)
    receiver = _Receiver(folder)
    parser = MultipartParser(
        options[b"boundary"],
        {
            "on_part_begin": receiver.on_part_begin,
            "on_part_data": receiver.on_part_data,
            "on_part_end": receiver.on_part_end,
            "on_header_field": receiver.on_header_field,
            "on_header_value": receiver.on_header_value,
            "on_header_end": receiver.on_header_end,
            "on_headers_finished": receiver.on_headers_finished,
        },
    )
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise UploadTooLarge(f"upload exceeds the limit of {limit} bytes")
            await run_in_threadpool(parser.write, chunk)  # file writes off the event loop
        await run_in_threadpool(parser.finalize)
    except Exception as exc:
        receiver.abort()
        if isinstance(exc, InputError):
            raise
        raise InputError(f"malformed multipart body ({type(exc).__name__}: {exc})") from exc
    return receiver.files, receiver.fields


def multipart_openapi(field_name: str, *, many: bool, description: str) -> dict[str, object]:
    """``openapi_extra`` describing a streamed multipart body with file field ``field_name``."""
    file_schema: dict[str, object] = {"type": "string", "format": "binary"}
    schema = {"type": "array", "items": file_schema} if many else file_schema
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {field_name: schema}, "required": [field_name]}
                }
            },
        }
    }
