"""Visible photos taken with the thermal images: pairing at ingest and where the store keeps them.

Drone thermal payloads write a separate visible JPEG per shot beside the thermogram: DJI H20T and
M30T ``DJI_<time>_<n>_T.JPG`` with ``…_W.JPG`` (wide) and ``…_Z.JPG`` (zoom), Mavic 3T ``…_V.JPG``;
the irpatrol flight simulator ``IRP_00001.tiff`` with ``IRP_00001_V.JPG``. A JPEG whose name ends
in ``_V``, ``_W`` or ``_Z`` is the visible photo of the image in the same folder named ``<base>_T.*``
or ``<base>.*``; paired photos are not ingested as images of their own (a photo with no thermal
partner still is, and is rejected as not radiometric, as before). When a shot has several, the
wide-angle or plain visible one is kept (V, then W, then Z).

The data folder keeps a photo under the content address of its thermal image, in a store of its
own beside the image store: ``visible/<sha[:2]>/<sha>.jpg`` (no database column: the pair is found
from ``Image.sha256``; the image store keeps only recorded images). A photo embedded in the thermal
file itself (FLIR R-JPEG) comes first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from irpatrol.registry.filestore import write_atomically

if TYPE_CHECKING:
    from irpatrol.registry.model import Image

TAGS = ("V", "W", "Z")
"""Visible-photo name tags in order of preference."""
_VISIBLE = re.compile(r"^(?P<base>.+)_(?P<tag>[VWZ])$", re.IGNORECASE)
_JPEG = (".jpg", ".jpeg")
VISIBLE_FOLDER = "visible"
"""Folder under the data folder holding the paired photos."""
_SHA = re.compile(r"[0-9a-f]{64}")


def split_visible(paths: Sequence[Path]) -> tuple[list[Path], dict[Path, Path]]:
    """``paths`` without the visible photos that have a thermal partner among them, and the map
    thermal file → its visible photo. Order is kept."""
    by_stem = {(p.parent, p.stem.lower()): p for p in paths}
    pairs: dict[Path, Path] = {}
    taken: set[Path] = set()
    for p in sorted(paths, key=lambda q: _rank(q)):
        m = _VISIBLE.match(p.stem)
        if m is None or p.suffix.lower() not in _JPEG:
            continue
        base = m["base"].lower()
        partner = by_stem.get((p.parent, base + "_t")) or by_stem.get((p.parent, base))
        if partner is None or _VISIBLE.match(partner.stem) or partner == p:
            continue
        taken.add(p)
        pairs.setdefault(partner, p)
    return [p for p in paths if p not in taken], pairs


def _rank(p: Path) -> tuple[int, str]:
    m = _VISIBLE.match(p.stem)
    return (TAGS.index(m["tag"].upper()) if m else len(TAGS), str(p))


def visible_relpath(thermal_sha: str) -> str:
    """Where the photo of the thermal image with content address ``thermal_sha`` is kept, relative
    to the data folder (POSIX)."""
    if not _SHA.fullmatch(thermal_sha):
        raise ValueError(f"not a SHA-256 content address: {thermal_sha!r}")
    return str(PurePosixPath(VISIBLE_FOLDER, thermal_sha[:2], thermal_sha + ".jpg"))


def store_visible(data_dir: Path, thermal_sha: str, data: bytes) -> str:
    """Copy the visible photo of the thermal image ``thermal_sha`` into the data folder (atomic;
    skipped when the same size is already there). Returns its path relative to ``data_dir``.
    Raises OSError."""
    rel = visible_relpath(thermal_sha)
    final = data_dir / rel
    try:
        if final.stat().st_size == len(data):
            return rel
    except FileNotFoundError:
        pass
    write_atomically(final, [data])
    return rel


def stored_visible(image: Image, data_dir: Path) -> Path | None:
    """The stored visible photo of ``image``, or None when it has none."""
    if not image.sha256 or not _SHA.fullmatch(image.sha256):
        return None
    path = data_dir / visible_relpath(image.sha256)
    return path if path.is_file() else None


def visible_jpeg(image: Image, data_dir: Path, embedded: bytes | None) -> bytes | None:
    """The image's visible photo: the one embedded in its file, else the stored paired one."""
    if embedded:
        return embedded
    path = stored_visible(image, data_dir)
    try:
        return path.read_bytes() if path is not None else None
    except OSError:
        return None
