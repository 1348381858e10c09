"""Which files of a folder are camera files: chosen by their content, paired with their visible photos.

A file is a candidate when the decoders' own sniffing (:func:`irpatrol.radiometry.sniff`, on the
file's first :data:`HEAD_BYTES`) names a container it knows — JPEG (radiometric or not: the decoder
tells which), FLIR FFF/SEQ/CSQ, TIFF, or whatever a new decoder's sniffing adds — whatever the file
is called: a renamed or extension-less camera
file is ingested. A file whose name claims a camera format (:data:`CAMERA_SUFFIXES`) but whose
content is none of them is a candidate too, with its reason, so the ingest records it as rejected
(kept in the image store as the evidence) instead of silently skipping it. Anything else (ground
truth JSON, notes, logs) is not looked at. Hidden files are ignored.

Visible photos: drone thermal payloads write a separate visible JPEG per shot beside the
thermogram: DJI H20T and M30T ``DJI_<time>_<n>_T.JPG`` with ``…_W.JPG`` (wide) and ``…_Z.JPG``
(zoom), Mavic 3T ``…_V.JPG``; the irpatrol flight simulator ``IRP_00001.tiff`` with
``IRP_00001_V.JPG``. A JPEG whose name ends in ``_V``, ``_W`` or ``_Z`` is the visible photo of the
image in the same folder named ``<base>_T.*`` or ``<base>.*``; paired photos are not ingested as
images of their own (a photo with no thermal partner still is, and is rejected as not
radiometric). When a shot has several, the wide-angle or plain visible one is kept (V, then W,
then Z). The content store keeps it under its thermal image's address
(:func:`irpatrol.registry.store.store_visible`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from irpatrol import radiometry
from irpatrol.errors import InputError, ThermalFormatError

CAMERA_SUFFIXES = frozenset({".jpg", ".jpeg", ".tif", ".tiff", ".fff", ".seq", ".csq", ".rjpeg"})
"""Names that claim a camera file (case-insensitive): such a file is never skipped silently."""
UNKNOWN = "unknown"
"""What :func:`irpatrol.radiometry.sniff` names content that is no camera file."""
HEAD_BYTES = 4096
"""Bytes read to sniff a file (the container's signature; the decoder reads the whole file)."""
TAGS = ("V", "W", "Z")
"""Visible-photo name tags in order of preference."""
_VISIBLE = re.compile(r"^(?P<base>.+)_(?P<tag>[VWZ])$", re.IGNORECASE)
_JPEG = (".jpg", ".jpeg")


@dataclass(frozen=True)
class Candidate:
    """A file an ingest takes: its path, its visible photo (when paired) and, for a file whose name
    claims a camera format its content does not have, the reason it is rejected."""

    path: Path
    photo: Path | None = None
    reason: str | None = None


@dataclass
class Discovery:
    """The files an ingest takes (in path order) and those it left alone."""

    candidates: list[Candidate] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)


def sniff_file(path: Path) -> str:
    """The container :func:`irpatrol.radiometry.sniff` names from the file's head (``unknown`` for
    an unreadable file: the worker reports why). A JPEG whose head ends inside a segment is a
    ``jpeg`` (its kind is the decoder's to decide)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return UNKNOWN
    try:
        return radiometry.sniff(head)
    except ThermalFormatError:
        return "jpeg" if head[:2] == b"\xff\xd8" else UNKNOWN


def choose(paths: Iterable[Path], *, listed: bool = False) -> Discovery:
    """Sort ``paths`` into candidates (module doc) and ignored files, pairing visible photos.
    ``listed``: the caller named these files (an upload), so none is ignored: a file that is no
    camera file is a candidate with its reason whatever its name."""
    found = Discovery()
    kept: list[tuple[Path, str | None]] = []
    for path in sorted(paths):
        if sniff_file(path) != UNKNOWN:
            kept.append((path, None))
        elif listed or path.suffix.lower() in CAMERA_SUFFIXES:
            reason = "not a camera file: the content is no JPEG, FLIR FFF/SEQ/CSQ or TIFF"
            kept.append((path, f"{reason} (named {path.name})"))
        else:
            found.ignored.append(path)
    reasons = dict(kept)
    thermal, photos = split_visible([p for p, _ in kept])
    found.candidates = [Candidate(p, photos.get(p), reasons[p]) for p in thermal]
    return found


def discover(folder: Path) -> Discovery:
    """The camera files in ``folder`` (recursively; hidden files ignored). InputError when
    ``folder`` is not a folder."""
    if not folder.is_dir():
        raise InputError("not a folder", source=str(folder))
    return choose(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def image_files(folder: Path) -> list[Path]:
    """The camera files of ``folder`` (:func:`discover`), visible photos left out, in path order."""
    return [c.path for c in discover(folder).candidates]


def split_visible(paths: Sequence[Path]) -> tuple[list[Path], dict[Path, Path]]:
    """``paths`` without the visible photos that have a thermal partner among them, and the map
    thermal file → its visible photo. Order is kept."""
    by_stem = {(p.parent, p.stem.lower()): p for p in paths}
    pairs: dict[Path, Path] = {}
    taken: set[Path] = set()
    for p in sorted(paths, key=_rank):
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
