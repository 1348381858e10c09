"""FLIR FFF container: the APP1 chunk join, the header, the record directory and the records.

Layout (ExifTool ``Image/ExifTool/FLIR.pm`` v12.57, ``ProcessFLIR`` and the ``FLIR::*`` tables;
``shared/domain/radiometry.md`` §1):

* R-JPEG: APP1 segments starting ``FLIR\\0``, then 0x01, the chunk index and the last chunk index;
  the payloads after those 8 bytes, joined in chunk-index order, form one FFF blob.
* FFF header (0x40 bytes): ``FFF\\0``/``AFF\\0``, creator string[16] at 0x04, u32 version at 0x14
  (100–199; its byte order is the header's), u32 directory offset at 0x18, u32 entry count at 0x1c.
* Directory entry (0x20 bytes): u16 type, u16 subtype, u32 version, u32 index id, u32 offset (from
  the FFF start), u32 length, u32 parent, u32 object number, u32 checksum. Type 0 = empty.
* Each record starts with a u16 byte-order marker (2 or 3): read in the header's order, a value
  ≥ 0x100 means the record uses the other order.

A SEQ file is FFF blobs end to end. Every offset, length and count is checked against the data
before use; anything out of bounds raises ThermalFormatError.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from irpatrol.errors import ThermalFormatError
from irpatrol.radiometry import jpeg_segments

__all__ = [
    "CAMERA_INFO",
    "EMBEDDED_IMAGE",
    "GPS_INFO",
    "RAW_DATA",
    "FffFrame",
    "Record",
    "iter_blobs",
    "join_app1",
    "parse_frame",
    "split_frames",
]

RAW_DATA = 0x01
EMBEDDED_IMAGE = 0x0E
CAMERA_INFO = 0x20
GPS_INFO = 0x2B
"""Record types (ExifTool ``FLIR::FFF`` table)."""

HEADER_SIZE = 0x40
ENTRY_SIZE = 0x20
MAX_RECORDS = 4096
"""More directory entries than this is taken as corruption (real files carry about 14)."""

_MAGICS = (b"FFF\0", b"AFF\0")
MAX_FRAME_BYTES = 256 * 1024 * 1024
"""A single FFF frame larger than this is taken as corruption (a 1280×1024 frame is ~3 MB)."""
_SCAN_CHUNK = 1 << 20
"""Bytes read at a time while looking for the next frame's magic (1 MiB)."""


@dataclass(frozen=True)
class Record:
    """One directory entry: record ``type``/``subtype``/``version`` and where its bytes are."""

    type: int
    subtype: int
    version: int
    offset: int
    length: int


@dataclass(frozen=True, eq=False)
class FffFrame:
    """A parsed FFF blob starting at ``data[base]``: header byte order (``<`` or ``>``), directory.

    Record offsets are relative to ``base`` (the blob's first byte), as in the file.
    """

    data: bytes
    base: int
    byte_order: str
    magic: str
    creator: str
    version: int
    directory_end: int
    records: tuple[Record, ...]

    @property
    def end(self) -> int:
        """Size of the blob: first byte (relative to ``base``) after the header, directory and records."""
        return max([self.directory_end, *(r.offset + r.length for r in self.records)])

    def find(self, rtype: int) -> Record | None:
        """The first record of type ``rtype``, or None."""
        return next((r for r in self.records if r.type == rtype), None)

    def payload(self, rec: Record) -> bytes:
        """The bytes of ``rec`` (bounds were checked when the directory was parsed)."""
        start = self.base + rec.offset
        return self.data[start : start + rec.length]

    def record_order(self, rec: Record) -> str:
        """Byte order of ``rec`` from its u16 marker at +0 (ExifTool: toggle if the value is ≥ 0x100)."""
        if rec.length < 2:
            raise ThermalFormatError(f"FFF record 0x{rec.type:02x} is {rec.length} bytes, too short")
        (marker,) = struct.unpack_from(self.byte_order + "H", self.data, self.base + rec.offset)
        if marker < 0x100:
            return self.byte_order
        return "<" if self.byte_order == ">" else ">"


def join_app1(jpeg: bytes) -> bytes:
    """The FFF blob of a FLIR R-JPEG: APP1 ``FLIR\\0`` payloads joined in chunk-index order.

    Raises ThermalFormatError when there is no FLIR APP1 segment, when chunk counts disagree, or
    when a chunk is missing or repeated.
    """
    chunks: dict[int, bytes] = {}
    last: int | None = None
    for seg in jpeg_segments.segments(jpeg):
        if seg.marker != 0xE1 or seg.payload[:5] != b"FLIR\0":
            continue
        if len(seg.payload) < 8:
            raise ThermalFormatError(f"FLIR APP1 segment at byte {seg.offset} is shorter than its header")
        index, count = seg.payload[6], seg.payload[7]
        if last is None:
            last = count
        if count != last or index > last:
            raise ThermalFormatError(f"FLIR APP1 chunk {index} of {count + 1} disagrees with {last + 1}")
        if index in chunks:
            raise ThermalFormatError(f"FLIR APP1 chunk {index} appears twice")
        chunks[index] = seg.payload[8:]
    if last is None:
        raise ThermalFormatError("JPEG has no FLIR APP1 segment")
    missing = [i for i in range(last + 1) if i not in chunks]
    if missing:
        raise ThermalFormatError(f"FLIR APP1 chunks missing: {missing[:5]} of {last + 1}")
    return b"".join(chunks[i] for i in range(last + 1))


def _header_order(data: bytes, base: int) -> str:
    """``>`` or ``<``: whichever makes the u32 version at 0x14 lie in 100–199 (ExifTool ``ProcessFLIR``)."""
    for order in (">", "<"):
        (version,) = struct.unpack_from(order + "I", data, base + 0x14)
        if 100 <= version < 200:
            return order
    raise ThermalFormatError("FFF header version is not 100–199 in either byte order")


def parse_frame(data: bytes, base: int = 0) -> FffFrame:
    """Parse the FFF blob starting at ``data[base]``: header, directory, bounds of every record.

    Records may extend to the end of ``data`` (a SEQ's later frames are not yet known here).
    """
    size = len(data) - base
    if size < HEADER_SIZE:
        raise ThermalFormatError(f"FFF blob is {max(size, 0)} bytes, shorter than its 0x40-byte header")
    if data[base : base + 4] not in _MAGICS:
        raise ThermalFormatError("FFF blob does not start with FFF\\0 or AFF\\0")
    order = _header_order(data, base)
    version, dir_offset, count = struct.unpack_from(order + "III", data, base + 0x14)
    if count > MAX_RECORDS:
        raise ThermalFormatError(f"FFF directory declares {count} records (more than {MAX_RECORDS})")
    if dir_offset < HEADER_SIZE or dir_offset + count * ENTRY_SIZE > size:
        raise ThermalFormatError(
            f"FFF directory (offset {dir_offset}, {count} entries) lies outside the {size}-byte blob"
        )
    records = []
    for i in range(count):
        rtype, subtype, rversion, _index, offset, length = struct.unpack_from(
            order + "HHIIII", data, base + dir_offset + i * ENTRY_SIZE
        )
        if rtype == 0:
            continue
        if offset < HEADER_SIZE or offset + length > size:
            raise ThermalFormatError(
                f"FFF record {i} (type 0x{rtype:02x}) at {offset}+{length} lies outside the {size}-byte blob"
            )
        records.append(Record(rtype, subtype, rversion, offset, length))
    creator = data[base + 4 : base + 20].split(b"\0", 1)[0].decode("latin-1")
    magic = data[base : base + 3].decode("ascii")
    directory_end = dir_offset + count * ENTRY_SIZE
    return FffFrame(data, base, order, magic, creator, version, directory_end, tuple(records))


def split_frames(data: bytes) -> list[FffFrame]:
    """The FFF frames of a .fff (one) or .seq (several, end to end) file.

    Each frame is parsed from its magic; the next frame is the next ``FFF\\0``/``AFF\\0`` at or
    after the end of the current frame's records, so a magic inside pixel data is never taken
    for a frame. A frame that cannot be parsed raises ThermalFormatError naming its index and
    byte offset.
    """
    frames: list[FffFrame] = []
    start = 0
    while start < len(data):
        try:
            frame = parse_frame(data, start)
        except ThermalFormatError as exc:
            raise ThermalFormatError(f"frame {len(frames)} (byte {start}): {exc.message}") from exc
        frames.append(frame)
        start = _next_magic(data, start + frame.end)
    return frames


def _next_magic(data: bytes, pos: int) -> int:
    """Position of the next ``FFF\\0`` or ``AFF\\0`` at or after ``pos``; len(data) when there is none."""
    found = [p for p in (data.find(m, pos) for m in _MAGICS) if p >= 0]
    return min(found) if found else len(data)


def _frame_extent(stream: BinaryIO, pos: int) -> int:
    """Bytes of the FFF frame at ``pos``: header, directory and the farthest record end, read
    from the header and directory alone (the pixels are not read)."""
    stream.seek(pos)
    head = stream.read(HEADER_SIZE)
    if len(head) < HEADER_SIZE:
        raise ThermalFormatError(f"FFF blob is {len(head)} bytes, shorter than its 0x40-byte header")
    if head[:4] not in _MAGICS:
        raise ThermalFormatError("FFF blob does not start with FFF\\0 or AFF\\0")
    order = _header_order(head, 0)
    _version, dir_offset, count = struct.unpack_from(order + "III", head, 0x14)
    if count > MAX_RECORDS:
        raise ThermalFormatError(f"FFF directory declares {count} records (more than {MAX_RECORDS})")
    if dir_offset < HEADER_SIZE:
        raise ThermalFormatError(f"FFF directory offset {dir_offset} lies inside the header")
    stream.seek(pos + dir_offset)
    directory = stream.read(count * ENTRY_SIZE)
    if len(directory) < count * ENTRY_SIZE:
        raise ThermalFormatError(
            f"FFF directory (offset {dir_offset}, {count} entries) lies outside the file"
        )
    end = dir_offset + count * ENTRY_SIZE
    for i in range(count):
        rtype, *_ids, offset, length = struct.unpack_from(order + "HHIIII", directory, i * ENTRY_SIZE)
        if rtype != 0:
            end = max(end, offset + length)
    if end > MAX_FRAME_BYTES:
        raise ThermalFormatError(f"FFF frame declares {end} bytes (more than {MAX_FRAME_BYTES})")
    return end


def _next_magic_in(stream: BinaryIO, pos: int) -> int | None:
    """Position of the next ``FFF\\0``/``AFF\\0`` at or after ``pos`` in ``stream``; None at the end."""
    stream.seek(pos)
    carry = b""
    start = pos
    while True:
        chunk = stream.read(_SCAN_CHUNK)
        if not chunk:
            return None
        window = carry + chunk
        found = [p for p in (window.find(m) for m in _MAGICS) if p >= 0]
        if found:
            return start + min(found)
        carry = window[-3:]
        start += len(window) - len(carry)


def iter_blobs(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(byte offset, bytes) of each FFF frame of a .fff/.seq/.csq stream, one frame in memory at a time.

    Each frame's size comes from its header and directory; the next frame is the next magic at or
    after its end (as :func:`split_frames`), so a file of any length streams with the memory of one
    frame. A frame that cannot be delimited raises ThermalFormatError naming its index and offset.
    """
    pos: int | None = 0
    index = 0
    while pos is not None:
        try:
            size = _frame_extent(stream, pos)
            stream.seek(pos)
            blob = stream.read(size)
            parse_frame(blob)  # bounds of every record against what the file really holds
        except ThermalFormatError as exc:
            raise ThermalFormatError(f"frame {index} (byte {pos}): {exc.message}") from exc
        yield pos, blob
        index += 1
        pos = _next_magic_in(stream, pos + size)
