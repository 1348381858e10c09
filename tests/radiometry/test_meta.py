"""JPEG EXIF/XMP metadata: checked against Pillow's own EXIF reader and hand-built files."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image

from irpatrol.radiometry.jpeg_meta import parse_exif_datetime, read_meta

JPEGS = [
    "dji_h20t_dirp.jpg",
    "dji_m30t_iirp.jpg",
    "dji_m3td_hirp.jpg",
    "dji_xt2_flir_core.jpg",
    "dji_xtr_flir_core.jpg",
    "flir_ax8.jpg",
    "flir_unknown_model_320x240.jpg",
]


def _pillow_degrees(dms: tuple[float, float, float], ref: str) -> float:
    deg = float(dms[0]) + float(dms[1]) / 60 + float(dms[2]) / 3600
    return -deg if ref in ("S", "W") else deg


@pytest.mark.parametrize("name", JPEGS)
def test_make_model_time_and_gps_agree_with_pillow(samples: Path, name: str) -> None:
    data = (samples / name).read_bytes()
    meta = read_meta(data)
    exif = Image.open(io.BytesIO(data)).getexif()
    assert meta.make == exif[271].strip("\0 ")
    assert meta.model == exif[272].strip("\0 ")
    taken = exif.get_ifd(0x8769).get(0x9003) or exif.get(0x0132)
    assert meta.captured_at is not None
    assert meta.captured_at.replace(microsecond=0, tzinfo=None) == datetime.strptime(
        taken.replace("-", ":"), "%Y:%m:%d %H:%M:%S"
    )
    gps = exif.get_ifd(0x8825)
    if 2 in gps and 4 in gps:
        assert meta.gps is not None
        assert meta.gps.lat == pytest.approx(_pillow_degrees(gps[2], gps[1]), abs=1e-9)
        assert meta.gps.lon == pytest.approx(_pillow_degrees(gps[4], gps[3]), abs=1e-9)
    else:
        assert meta.gps is None


def _xmp_by_lxml(data: bytes) -> dict[str, float]:
    """drone-dji attributes parsed with lxml (an independent XML reader)."""
    start, end = data.index(b"<x:xmpmeta"), data.index(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")
    root = etree.fromstring(data[start:end])
    ns = "{http://www.dji.com/drone-dji/1.0/}"
    out: dict[str, float] = {}
    for element in root.iter():
        for key, value in element.attrib.items():
            if key.startswith(ns):
                out[key[len(ns) :]] = float(value)
    return out


@pytest.mark.parametrize("name", ["dji_xt2_flir_core.jpg", "dji_xtr_flir_core.jpg"])
def test_dji_xmp_altitudes_and_gimbal_agree_with_lxml(samples: Path, name: str) -> None:
    data = (samples / name).read_bytes()
    meta, xmp = read_meta(data), _xmp_by_lxml(data)
    assert meta.gps is not None and meta.gimbal is not None
    assert meta.gps.alt_m == xmp["AbsoluteAltitude"] and meta.gps.rel_alt_m == xmp["RelativeAltitude"]
    assert (meta.gimbal.yaw, meta.gimbal.pitch, meta.gimbal.roll) == (
        xmp["GimbalYawDegree"],
        xmp["GimbalPitchDegree"],
        xmp["GimbalRollDegree"],
    )


def test_southern_western_position_is_negative(samples: Path) -> None:
    meta = read_meta((samples / "dji_xtr_flir_core.jpg").read_bytes())
    assert meta.gps is not None and meta.gps.lat < 0 and meta.gps.lon < 0


def test_tsdk_samples_without_gps_say_so(samples: Path) -> None:
    meta = read_meta((samples / "dji_m3t_iirp.jpg").read_bytes())
    assert meta.gps is None and meta.gimbal is None and meta.lrf_distance_m is None


def _jpeg(exif: Image.Exif, xmp: bytes | None = None) -> bytes:
    buf = io.BytesIO()
    kwargs = {"xmp": xmp} if xmp else {}
    Image.new("RGB", (8, 8)).save(buf, "JPEG", exif=exif.tobytes(), **kwargs)
    return buf.getvalue()


def _xmp(**props: str) -> bytes:
    attrs = " ".join(f'drone-dji:{k}="{v}"' for k, v in props.items())
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/" '
        f"{attrs}/></rdf:RDF></x:xmpmeta>"
    ).encode()


def test_offset_time_gives_an_aware_datetime_and_xmp_fallbacks() -> None:
    exif = Image.Exif()
    exif[271], exif[272] = "DJI", "M30T"
    sub = exif.get_ifd(0x8769)
    sub[0x9003], sub[0x9011], sub[0x9291] = "2024:05:01 10:20:30", "+08:00", "25"
    xmp = _xmp(
        GpsLatitude="22.5",
        GpsLongtitude="114.25",
        AbsoluteAltitude="+120.5",
        RelativeAltitude="+60.2",
        GimbalYawDegree="-45.1",
        GimbalPitchDegree="-90.0",
        GimbalRollDegree="0.0",
        LRFStatus="Normal",
        LRFTargetDistance="35.75",
    )
    meta = read_meta(_jpeg(exif, xmp))
    assert meta.captured_at == datetime(2024, 5, 1, 10, 20, 30, 250000, tzinfo=timezone(timedelta(hours=8)))
    assert meta.gps is not None
    assert (meta.gps.lat, meta.gps.lon, meta.gps.alt_m, meta.gps.rel_alt_m) == (22.5, 114.25, 120.5, 60.2)
    assert meta.gimbal is not None and meta.gimbal.yaw == -45.1
    assert meta.lrf_distance_m == 35.75


def test_rangefinder_distance_needs_a_normal_status() -> None:
    meta = read_meta(_jpeg(Image.Exif(), _xmp(LRFStatus="TooFar", LRFTargetDistance="0.0")))
    assert meta.lrf_distance_m is None


def test_exif_gps_below_sea_level() -> None:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "S", (33.0, 30.0, 36.0), "E", (151.0, 12.0, 0.0)
    gps[5], gps[6] = b"\x01", 12.5
    meta = read_meta(_jpeg(exif))
    assert meta.gps is not None
    assert meta.gps.lat == pytest.approx(-33.51) and meta.gps.lon == pytest.approx(151.2)
    assert meta.gps.alt_m == pytest.approx(-12.5)


@pytest.mark.parametrize(
    ("text", "subsec", "offset", "expected"),
    [
        ("2020-06-23 15:17:15", None, None, datetime(2020, 6, 23, 15, 17, 15)),
        (
            "2020:06:23 15:17:15",
            "5",
            "-03:30",
            datetime(2020, 6, 23, 15, 17, 15, 500000, tzinfo=timezone(-timedelta(hours=3, minutes=30))),
        ),
        ("0000:00:00 00:00:00", None, None, None),
        ("garbage", None, None, None),
        (None, None, None, None),
        ("2020:02:30 10:00:00", None, None, None),
    ],
)
def test_exif_datetime_forms(
    text: str | None, subsec: str | None, offset: str | None, expected: datetime | None
) -> None:
    assert parse_exif_datetime(text, subsec, offset) == expected


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_never_raises_on_arbitrary_bytes(blob: bytes) -> None:
    meta = read_meta(b"\xff\xd8\xff\xe1" + (len(blob) + 8).to_bytes(2, "big") + b"Exif\0\0" + blob)
    assert meta.lrf_distance_m is None  # no XMP, so no rangefinder reading
    assert read_meta(blob).captured_at is None or blob[:2] == b"\xff\xd8"


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_never_raises_on_damaged_exif(samples: Path, data: st.DataObject) -> None:
    original = bytearray((samples / "dji_xtr_flir_core.jpg").read_bytes()[:4096])
    for _ in range(data.draw(st.integers(1, 8))):
        original[data.draw(st.integers(0, len(original) - 1))] = data.draw(st.integers(0, 255))
    meta = read_meta(bytes(original))
    if meta.gps is not None:
        assert -90 <= meta.gps.lat <= 90 and -180 <= meta.gps.lon <= 180
    assert meta.make is None or isinstance(meta.make, str)
