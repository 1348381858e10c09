"""JPEG marker-segment walking (pure, bounds-checked).

A JPEG is ``FFD8`` then segments ``FF xx <u16 BE length incl. itself> payload`` until ``FFDA``
(start of scan). Only the header part is walked; entropy-coded data is never scanned.
"""

from __future__ import annotations

from dataclasses import dataclass

from irpatrol.errors import ThermalFormatError


@dataclass(frozen=True)
class Segment:
    """One marker segment: ``marker`` is the second byte (0xE1 for APP1); ``payload`` excludes the length."""

    marker: int
    offset: int
    payload: bytes


def segments(data: bytes) -> list[Segment]:
    """Marker segments from SOI up to (not including) SOS. Raises ThermalFormatError when broken."""
    if data[:2] != b"\xff\xd8":
        raise ThermalFormatError("not a JPEG (no SOI marker)")
    out: list[Segment] = []
    pos = 2
    n = len(data)
    while pos + 4 <= n:
        if data[pos] != 0xFF:
            raise ThermalFormatError(f"JPEG marker expected at byte {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker == 0xD9:
            break
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2 or pos + 2 + length > n:
            raise ThermalFormatError(
                f"JPEG segment 0x{marker:02X} at byte {pos} runs past the end of the file"
            )
        out.append(Segment(marker, pos, bytes(data[pos + 4 : pos + 2 + length])))
        if marker == 0xDA:
            break
        pos += 2 + length
    return out


OTHER_MAKERS = (b"HIKMICRO", b"HIKVISION", b"Hikvision", b"GUIDE", b"Guide", b"InfiRay", b"INFIRAY")
"""EXIF Make values of makers whose radiometric JPEGs also use APP3/APP4 but are not DJI's."""


def thermal_kind(data: bytes) -> str:
    """``jpeg-flir`` (APP1 ``FLIR\\0``), ``jpeg-dji`` (DJI APP3 raw / APP4 params), ``jpeg-vendor``
    (InfiRay IJPEG, whose APP2 header precedes APP3/APP4 data, or another maker's EXIF Make:
    :mod:`.vendors` names them), or ``jpeg``."""
    segs = segments(data)
    if any(s.marker == 0xE1 and s.payload[:5] == b"FLIR\0" for s in segs):
        return "jpeg-flir"
    if any(s.marker == 0xE2 and s.payload[4:10] == b"IJPEG\0" for s in segs):
        return "jpeg-vendor"
    has_app3 = any(s.marker == 0xE3 for s in segs)
    has_app4 = any(s.marker == 0xE4 for s in segs)
    if has_app3 or has_app4:
        make = b""
        for s in segs:
            if s.marker == 0xE1 and s.payload[:6] == b"Exif\0\0":
                make = s.payload[:400]
                break
        if b"DJI" in make:
            return "jpeg-dji"
        if any(m in make for m in OTHER_MAKERS):
            return "jpeg-vendor"
        if has_app3 and has_app4:
            return "jpeg-dji"
    return "jpeg"
