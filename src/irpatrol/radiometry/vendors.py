"""Radiometric JPEGs of makers irpatrol does not decode: named by maker and layout, not called
non-radiometric (pure).

* **InfiRay IJPEG** (P2 Pro and other InfiRay-SDK cameras): an APP2 segment whose payload holds
  ``IJPEG\\0`` at byte 4, then (ExifTool ``InfiRay.pm`` v1.00, table ``InfiRay::Version``, all
  little-endian) u8[4] version at 0x00, u64 IRDataSize at 0x20, u16 IRDataFormat, IRImageWidth,
  IRImageHeight at 0x28/0x2a/0x2c, u8 IRImageBpp at 0x2e, u64 TempDataSize at 0x30, u16
  TempDataFormat, TempImageWidth, TempImageHeight at 0x38/0x3a/0x3c, u8 TempImageBpp at 0x3e; the
  image and temperature data follow in APP3 segments (ExifTool "InfiRay ImagingData"). ExifTool's
  tables describe this header and the APP4–APP9 parameter blocks, but no public description says
  how TempData counts become temperatures, so the file is identified and refused rather than
  decoded by a guess.
* **HIKMICRO** and **Guide** radiometric JPEGs: recognised by the EXIF ``Make``; their raw data
  sits in the makers' own APP segments or after the image's EOI, in layouts with no public
  description. The message names what the file holds (segments, trailer bytes).
"""

from __future__ import annotations

import struct
from collections import Counter
from dataclasses import dataclass

from irpatrol.radiometry import jpeg_meta
from irpatrol.radiometry.jpeg_segments import Segment

__all__ = ["VendorJpeg", "identify"]

_IJPEG_SIGNATURE = b"IJPEG\0"
_STANDARD_APP = {
    0xE0: (b"JFIF\0", b"JFXX\0"),
    0xE1: (b"Exif\0\0", b"http://ns.adobe.com/xap/1.0/\0", b"http://ns.adobe.com/xmp/extension/\0"),
    0xE2: (b"ICC_PROFILE\0", b"MPF\0"),
    0xED: (b"Photoshop 3.0\0",),
    0xEE: (b"Adobe",),
}
"""APP segments every ordinary JPEG may carry (JFIF, EXIF, XMP, ICC, MPF, Photoshop, Adobe)."""

_MAKERS = (("hikmicro", "HIKMICRO"), ("hikvision", "HIKMICRO"), ("guide", "Guide"))
"""EXIF Make substring (lower case) → maker name used in messages."""


@dataclass(frozen=True)
class VendorJpeg:
    """A JPEG identified as a maker's own radiometric (or plain) format.

    Attributes:
        maker: ``InfiRay``, ``HIKMICRO`` or ``Guide``.
        layout: the layout's name (``IJPEG``; empty for a maker's own unnamed layout).
        radiometric: whether the file carries data beyond an ordinary JPEG's.
        detail: what was found, for the message (sizes, segments, trailer bytes).
    """

    maker: str
    layout: str
    radiometric: bool
    detail: str

    def message(self) -> str:
        if not self.radiometric:
            return f"{self.maker} JPEG without radiometric data ({self.detail})"
        name = " ".join(p for p in (self.maker, self.layout) if p)
        return f"{name} radiometric JPEG: not supported yet ({self.detail})"


def _ijpeg(payload: bytes, segs: list[Segment]) -> VendorJpeg:
    """The IJPEG version header read per ExifTool ``InfiRay::Version``."""
    detail = "IJPEG header too short to read"
    if len(payload) >= 0x3F:
        version = ".".join(str(b) for b in payload[:4])
        ir_size, ir_fmt, ir_w, ir_h, ir_bpp = struct.unpack_from("<QHHHB", payload, 0x20)
        t_size, t_fmt, t_w, t_h, t_bpp = struct.unpack_from("<QHHHB", payload, 0x30)
        app3 = sum(len(s.payload) for s in segs if s.marker == 0xE3)
        detail = (
            f"IJPEG {version}: IR image {ir_w}×{ir_h} format {ir_fmt} {ir_bpp} bpp ({ir_size} bytes),"
            f" temperature data {t_w}×{t_h} format {t_fmt} {t_bpp} bpp ({t_size} bytes),"
            f" {app3} bytes in APP3; no public description of the temperature data's unit"
        )
    return VendorJpeg("InfiRay", "IJPEG", True, detail)


def _extras(data: bytes, segs: list[Segment]) -> tuple[Counter[str], int, int]:
    """(non-standard APP segments by name, their bytes, bytes after the image's EOI)."""
    names: Counter[str] = Counter()
    size = 0
    for s in segs:
        if not 0xE0 <= s.marker <= 0xEF:
            continue
        if any(s.payload.startswith(sig) for sig in _STANDARD_APP.get(s.marker, ())):
            continue
        names[f"APP{s.marker - 0xE0}"] += 1
        size += len(s.payload)
    trailer = 0
    sos = next((s for s in segs if s.marker == 0xDA), None)
    if sos is not None:
        eoi = data.find(b"\xff\xd9", sos.offset)
        if eoi >= 0:
            trailer = len(data) - (eoi + 2)
    return names, size, trailer


def identify(data: bytes, segs: list[Segment]) -> VendorJpeg | None:
    """The maker's format of a JPEG that has no FLIR or DJI records, or None when it is not one
    of the makers above. ``segs``: the header segments (:func:`jpeg_segments.segments`)."""
    for s in segs:
        if s.marker == 0xE2 and s.payload[4:10] == _IJPEG_SIGNATURE:
            return _ijpeg(s.payload, segs)
    make = jpeg_meta.read_meta(data).make or ""
    maker = next((name for key, name in _MAKERS if key in make.lower()), None)
    if maker is None:
        return None
    names, size, trailer = _extras(data, segs)
    if not names and trailer < 1024:
        return VendorJpeg(maker, "", False, "no APP segment or trailer beyond EXIF/XMP/ICC")
    parts = [f"{n} {name}" if n > 1 else name for name, n in sorted(names.items())]
    where = []
    if parts:
        where.append(f"{size} bytes in {', '.join(parts)}")
    if trailer >= 1024:
        where.append(f"{trailer} bytes after the image's end")
    detail = f"maker's own layout: {'; '.join(where)}; no public description to decode it by"
    return VendorJpeg(maker, "", True, detail)
