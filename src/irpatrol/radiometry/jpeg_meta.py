"""Camera, position, attitude and time from a JPEG's EXIF and DJI XMP (pure, tolerant).

Sources:

* EXIF 2.32 (CIPA DC-008-2019): IFD0 ``Make`` (0x010F), ``Model`` (0x0110), ``DateTime``
  (0x0132), the Exif IFD (pointer 0x8769) with ``DateTimeOriginal`` (0x9003),
  ``OffsetTimeOriginal`` (0x9011), ``SubSecTimeOriginal`` (0x9291), and the GPS IFD (pointer
  0x8825) with ``GPSLatitudeRef``/``GPSLatitude`` (1/2), ``GPSLongitudeRef``/``GPSLongitude`` (3/4),
  ``GPSAltitudeRef``/``GPSAltitude`` (5/6; m, ref 1 = below sea level).
* The TIFF 6.0 IFD layout those tags live in (tag, type, count, value-or-offset; 12 bytes each).
* DJI's XMP namespace ``drone-dji`` (Adobe XMP in an APP1 ``http://ns.adobe.com/xap/1.0/``
  segment): ``AbsoluteAltitude``, ``RelativeAltitude`` (m), ``GimbalYawDegree``,
  ``GimbalPitchDegree``, ``GimbalRollDegree`` (°), ``LRFTargetDistance`` (m, used only with
  ``LRFStatus="Normal"``), ``GpsLatitude``/``GpsLongitude`` (° WGS-84; some firmware spells it
  ``GpsLongtitude``) as a fallback when the EXIF GPS IFD is absent.

Every reader here is tolerant: a missing, truncated or nonsensical tag gives None; no exception
leaves :func:`read_meta`. The same IFD and XMP helpers serve :mod:`irpatrol.radiometry.tiff`.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

from irpatrol.radiometry.thermogram import GeoPosition, Gimbal, ImageMeta

__all__ = ["IfdValue", "meta_from_tags", "read_exif_tiff", "read_meta", "read_xmp_fields", "xmp_packet"]

IfdValue = str | bytes | tuple[float, ...]
"""A decoded IFD value: ASCII as str, BYTE/UNDEFINED as bytes, other numbers (rationals divided)
as a tuple of floats."""

EXIF_HEADER = b"Exif\0\0"
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\0"

TAG_MAKE, TAG_MODEL, TAG_DATETIME = 0x010F, 0x0110, 0x0132
TAG_EXIF_IFD, TAG_GPS_IFD = 0x8769, 0x8825
TAG_DATETIME_ORIGINAL, TAG_OFFSET_TIME_ORIGINAL, TAG_SUBSEC_ORIGINAL = 0x9003, 0x9011, 0x9291
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON, GPS_ALT_REF, GPS_ALT = 1, 2, 3, 4, 5, 6

_MAX_IFD_ENTRIES = 512
"""More entries than this in one IFD means a corrupt directory (real files carry < 100)."""

# TIFF 6.0 §2 field types: type → (struct code, size of one value).
_TYPES: dict[int, tuple[str, int]] = {
    1: ("B", 1),
    2: ("s", 1),
    3: ("H", 2),
    4: ("I", 4),
    5: ("II", 8),
    6: ("b", 1),
    7: ("s", 1),
    8: ("h", 2),
    9: ("i", 4),
    10: ("ii", 8),
    11: ("f", 4),
    12: ("d", 8),
}


# --- JPEG segments (lenient walk: stops at the first broken marker instead of raising) ------------


def _app1_payloads(data: bytes) -> Iterator[memoryview]:
    """APP1 payloads of the JPEG header, in file order; stops quietly where the structure breaks."""
    view = memoryview(data)
    n = len(data)
    pos = 2 if data[:2] == b"\xff\xd8" else n
    while pos + 4 <= n and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):
            return
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2:
            return
        if marker == 0xE1:
            yield view[pos + 4 : min(pos + 2 + length, n)]
        pos += 2 + length


# --- TIFF IFDs -------------------------------------------------------------------------------------


def _read_ifd(tiff: bytes, offset: int, endian: str) -> dict[int, IfdValue]:
    """Tags of the IFD at ``offset`` of a TIFF byte string; unreadable entries are skipped."""
    out: dict[int, IfdValue] = {}
    if offset < 8 or offset + 2 > len(tiff):
        return out
    (count,) = struct.unpack_from(endian + "H", tiff, offset)
    for k in range(min(count, _MAX_IFD_ENTRIES)):
        entry = offset + 2 + 12 * k
        if entry + 12 > len(tiff):
            break
        tag, typ, n = struct.unpack_from(endian + "HHI", tiff, entry)
        value = _ifd_value(tiff, entry, typ, n, endian)
        if value is not None:
            out[tag] = value
    return out


def _ifd_value(tiff: bytes, entry: int, typ: int, n: int, endian: str) -> IfdValue | None:
    if typ not in _TYPES or n == 0:
        return None
    code, size = _TYPES[typ]
    total = size * n
    where = entry + 8 if total <= 4 else struct.unpack_from(endian + "I", tiff, entry + 8)[0]
    if where + total > len(tiff):
        return None
    raw = tiff[where : where + total]
    if typ == 2:
        return raw.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
    if typ in (1, 7):  # BYTE and UNDEFINED: kept as bytes (GPSAltitudeRef, ExifVersion, XMP)
        return bytes(raw)
    nums = struct.unpack(endian + code * n, raw)
    if typ in (5, 10):
        pairs = zip(nums[0::2], nums[1::2], strict=True)
        return tuple(num / den if den else math.nan for num, den in pairs)
    return tuple(float(v) for v in nums)


def read_exif_tiff(tiff: bytes) -> tuple[dict[int, IfdValue], dict[int, IfdValue], dict[int, IfdValue]]:
    """(IFD0, Exif IFD, GPS IFD) tags of a TIFF-structured byte string (EXIF payload or TIFF file).

    Empty dicts where a directory is absent or unreadable; never raises on bad content.
    """
    try:
        endian = {b"II": "<", b"MM": ">"}.get(bytes(tiff[:2]))
        if endian is None or len(tiff) < 8:
            return {}, {}, {}
        (ifd0_off,) = struct.unpack_from(endian + "I", tiff, 4)
        ifd0 = _read_ifd(tiff, ifd0_off, endian)
        exif = _read_ifd(tiff, _pointer(ifd0.get(TAG_EXIF_IFD)), endian)
        gps = _read_ifd(tiff, _pointer(ifd0.get(TAG_GPS_IFD)), endian)
        return ifd0, exif, gps
    except (struct.error, ValueError, OverflowError):
        return {}, {}, {}


def _pointer(value: IfdValue | None) -> int:
    if isinstance(value, tuple) and value and math.isfinite(value[0]):
        return int(value[0])
    return 0


# --- values ----------------------------------------------------------------------------------------


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
    if isinstance(value, str):
        value = value.strip("\0 ")
        return value or None
    return None


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _dms(value: object, ref: object, negative_ref: str) -> float | None:
    """Degrees from an EXIF (degrees, minutes, seconds) rational triple and its N/S or E/W ref."""
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    deg = value[0] + value[1] / 60.0 + value[2] / 3600.0
    if not math.isfinite(deg):
        return None
    return -deg if _text(ref) == negative_ref else deg


def _gps_altitude(gps: dict[int, IfdValue]) -> float | None:
    alt = gps.get(GPS_ALT)
    if not isinstance(alt, tuple) or len(alt) != 1 or not math.isfinite(alt[0]):
        return None
    ref = gps.get(GPS_ALT_REF)
    below = (isinstance(ref, tuple) and ref[:1] == (1.0,)) or (isinstance(ref, bytes) and ref[:1] == b"\x01")
    return -alt[0] if below else alt[0]


_DATETIME = re.compile(r"(\d{4})[:\-](\d{2})[:\-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"([+\-])(\d{2}):?(\d{2})")


def parse_exif_datetime(text: object, subsec: object = None, offset: object = None) -> datetime | None:
    """EXIF ``YYYY:MM:DD HH:MM:SS`` (dashes accepted: the H20T writes them), sub-seconds and
    ``±HH:MM`` offset (EXIF 2.31 OffsetTime*) → datetime, timezone-aware when an offset is given."""
    s = _text(text)
    m = _DATETIME.match(s) if s else None
    if m is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(g) for g in m.groups())
        t = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    digits = _text(subsec)
    if digits and digits.isdigit():
        t = t.replace(microsecond=int((digits + "000000")[:6]))
    off = _text(offset)
    om = _OFFSET.fullmatch(off) if off else None
    if om is not None:
        minutes = int(om.group(2)) * 60 + int(om.group(3))
        if minutes < 24 * 60:
            sign = -1 if om.group(1) == "-" else 1
            t = t.replace(tzinfo=timezone(timedelta(minutes=sign * minutes)))
    return t


# --- XMP -------------------------------------------------------------------------------------------

_XMP_ATTR = re.compile(rb"drone-dji:(\w+)\s*=\s*\"([^\"]*)\"")
_XMP_ELEM = re.compile(rb"<drone-dji:(\w+)>([^<]*)</drone-dji:")


def read_xmp_fields(xmp: bytes) -> dict[str, str]:
    """``drone-dji:`` properties of an XMP packet (attribute or element form) as strings."""
    fields: dict[str, str] = {}
    for pattern in (_XMP_ATTR, _XMP_ELEM):
        for name, value in pattern.findall(xmp):
            fields.setdefault(name.decode("ascii"), value.decode("utf-8", "replace").strip())
    return fields


def _number(fields: dict[str, str], *names: str) -> float | None:
    for name in names:
        try:
            v = float(fields[name])
        except (KeyError, ValueError):
            continue
        if math.isfinite(v):
            return v
    return None


def xmp_packet(meta: ImageMeta, *, band_name: str | None = "LWIR") -> bytes:
    """An XMP packet with the ``drone-dji`` fields of ``meta`` that :func:`read_xmp_fields` reads
    back, plus ``Camera:BandName`` (the MicaSense/Pix4D camera namespace that ODM reads to tell a
    thermal band)."""
    props: dict[str, float | str] = {}
    if meta.gps is not None:
        props["GpsLatitude"] = meta.gps.lat
        props["GpsLongitude"] = meta.gps.lon
        if meta.gps.alt_m is not None:
            props["AbsoluteAltitude"] = meta.gps.alt_m
        if meta.gps.rel_alt_m is not None:
            props["RelativeAltitude"] = meta.gps.rel_alt_m
    if meta.gimbal is not None:
        for axis in ("yaw", "pitch", "roll"):
            v = getattr(meta.gimbal, axis)
            if v is not None:
                props[f"Gimbal{axis.capitalize()}Degree"] = v
    if meta.lrf_distance_m is not None:
        props["LRFStatus"] = "Normal"
        props["LRFTargetDistance"] = meta.lrf_distance_m
    attrs = "".join(
        f'\n   drone-dji:{k}="{v if isinstance(v, str) else repr(float(v))}"' for k, v in props.items()
    )
    band = f'\n   Camera:BandName="{band_name}"' if band_name else ""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '   xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/"\n'
        f'   xmlns:Camera="http://pix4d.com/camera/1.0/"{band}{attrs}/>\n'
        ' </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>'
    ).encode()


# --- assembly --------------------------------------------------------------------------------------


def meta_from_tags(
    ifd0: dict[int, IfdValue], exif: dict[int, IfdValue], gps: dict[int, IfdValue], xmp: dict[str, str]
) -> ImageMeta:
    """ImageMeta from decoded EXIF directories and ``drone-dji`` XMP fields.

    Position: EXIF GPS latitude/longitude, else XMP ``GpsLatitude``/``GpsLongitude``; (0, 0) and
    out-of-range coordinates count as "no fix". Altitude: XMP ``AbsoluteAltitude`` (DJI writes it
    with more digits than EXIF), else EXIF ``GPSAltitude``.
    """
    lat = _dms(gps.get(GPS_LAT), gps.get(GPS_LAT_REF), "S")
    lon = _dms(gps.get(GPS_LON), gps.get(GPS_LON_REF), "W")
    if lat is None or lon is None:
        lat, lon = (
            _number(xmp, "GpsLatitude", "Latitude"),
            _number(xmp, "GpsLongitude", "GpsLongtitude", "Longitude"),
        )
    position: GeoPosition | None = None
    if (
        lat is not None
        and lon is not None
        and -90 <= lat <= 90
        and -180 <= lon <= 180
        and (lat, lon) != (0, 0)
    ):
        alt = _number(xmp, "AbsoluteAltitude")
        position = GeoPosition(
            lat=lat,
            lon=lon,
            alt_m=alt if alt is not None else _gps_altitude(gps),
            rel_alt_m=_number(xmp, "RelativeAltitude"),
        )
    yaw, pitch, roll = (_number(xmp, f"Gimbal{a}Degree") for a in ("Yaw", "Pitch", "Roll"))
    gimbal = Gimbal(yaw=yaw, pitch=pitch, roll=roll) if (yaw, pitch, roll) != (None, None, None) else None
    lrf = _number(xmp, "LRFTargetDistance") if xmp.get("LRFStatus", "").lower() == "normal" else None
    captured = parse_exif_datetime(
        exif.get(TAG_DATETIME_ORIGINAL) or ifd0.get(TAG_DATETIME),
        exif.get(TAG_SUBSEC_ORIGINAL),
        exif.get(TAG_OFFSET_TIME_ORIGINAL),
    )
    return ImageMeta(
        make=_text(ifd0.get(TAG_MAKE)),
        model=_text(ifd0.get(TAG_MODEL)),
        gps=position,
        gimbal=gimbal,
        captured_at=captured,
        lrf_distance_m=lrf if lrf is not None and lrf > 0 else None,
    )


def read_meta(data: bytes) -> ImageMeta:
    """Make, model, GPS, gimbal, capture time and rangefinder distance of a JPEG.

    Reads only the header segments (EXIF and XMP in APP1); the image is never decoded. Missing
    or broken tags give None fields; never raises on bad content.
    """
    ifd0: dict[int, IfdValue] = {}
    exif: dict[int, IfdValue] = {}
    gps: dict[int, IfdValue] = {}
    xmp: dict[str, str] = {}
    try:
        for payload in _app1_payloads(data):
            head = bytes(payload[:29])
            if head.startswith(EXIF_HEADER) and not ifd0:
                ifd0, exif, gps = read_exif_tiff(bytes(payload[6:]))
            elif head == XMP_HEADER and not xmp:
                xmp = read_xmp_fields(bytes(payload[29:]))
        return meta_from_tags(ifd0, exif, gps, xmp)
    except Exception:  # metadata is best effort by contract
        return ImageMeta()
