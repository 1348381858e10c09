"""Constructed files for each case of issue 11, built on the fly (tests/radiometry/flir_build.py):
FLIR raw byte order by evidence, the ``outside-calibrated-range`` flag, JPEG-LS raw, CSQ/SEQ
streaming, FLIR radiometric TIFF count scales, and the makers irpatrol names but does not decode.
Every failure message is pinned here.
"""

from __future__ import annotations

import io
from pathlib import Path

import flir_build as fb
import numpy as np
import pytest
import tifffile

from irpatrol.errors import ParameterError, ThermalFormatError, UnsupportedCamera
from irpatrol.radiometry import ReadOptions, decode, iter_frames, read, read_frames, validity

# --- byte order of a RawData PNG --------------------------------------------------------------------


@pytest.mark.parametrize(("layout", "order"), [("png-le", "little"), ("png-be", "big")])
def test_png_raw_byte_order_is_taken_from_the_file(layout: str, order: str) -> None:
    """An EX320-style PNG in PNG's own (big-endian) order reads as right as the usual swapped one."""
    truth = fb.scene()
    data = fb.rjpeg(fb.flir_frame(fb.counts_of(truth), layout))
    t = decode(data)
    assert t.details["raw_byte_order"] == order
    assert t.details["byte_order_evidence"] == "smoothness"
    np.testing.assert_allclose(t.celsius, truth, atol=0.05)
    assert validity.reading_flags(t) == []


@pytest.mark.parametrize(("layout", "order"), [("png-le", "little"), ("png-be", "big")])
def test_raw_value_range_decides_before_smoothness(layout: str, order: str) -> None:
    """Noise frames look equally rough in both orders; the file's RawValueRange decides."""
    rng = np.random.default_rng(3)
    counts = rng.integers(14000, 15000, (40, 50), dtype=np.uint16)
    data = fb.rjpeg(fb.flir_frame(counts, layout, raw_range=(12000, 17000)))
    t = decode(data)
    assert (t.details["raw_byte_order"], t.details["byte_order_evidence"]) == (order, "raw-value-range")
    np.testing.assert_array_equal(t.raw, counts)


def test_plausibility_decides_a_flat_frame() -> None:
    """A flat frame has no texture and no RawValueRange: only one order gives temperatures in the
    camera's range."""
    counts = np.full((30, 40), fb.counts_of(np.array([30.0]))[0], dtype=np.uint16)  # swapped: 494 °C
    t = decode(fb.rjpeg(fb.flir_frame(counts, "png-be")))
    assert (t.details["raw_byte_order"], t.details["byte_order_evidence"]) == ("big", "plausibility")
    assert float(t.celsius.mean()) == pytest.approx(30.0, abs=0.05)


def test_big_endian_fff_record_with_png_in_png_order() -> None:
    truth = fb.scene(seed=5)
    data = fb.rjpeg(fb.flir_frame(fb.counts_of(truth), "png-be", order="<"))
    np.testing.assert_allclose(decode(data).celsius, truth, atol=0.05)


# --- outside-calibrated-range -------------------------------------------------------------------------


def test_reading_outside_the_camera_range_is_flagged_in_radiometry_json_and_analysis(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from irpatrol.cli.main import app
    from irpatrol.pipeline import examine

    truth = fb.scene(hot_c=300.0)  # camera range −20…150 °C
    path = tmp_path / "hot.jpg"
    path.write_bytes(fb.rjpeg(fb.flir_frame(fb.counts_of(truth), "png-le")))
    t = read(path)
    assert validity.calibrated_range_c(t) == pytest.approx((-20.0, 150.0), abs=1e-3)
    hot_px = int((truth > 150).sum())
    assert validity.outside_count(t) == hot_px and validity.reading_flags(t) == ["outside-calibrated-range"]

    import json

    result = CliRunner().invoke(app, ["thermal", "read", "--json", str(path)])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    assert obj["flags"] == ["outside-calibrated-range"] and obj["outside_calibrated_px"] == hot_px
    assert obj["calibrated_range_c"] == [-20.0, 150.0]
    text = CliRunner().invoke(app, ["thermal", "read", str(path)]).stdout
    assert f"validity     outside-calibrated-range: {hot_px} px outside -20…150 °C" in text

    exam = examine(t)
    assert exam.hotspots, "the 300 °C disc is a hotspot"
    hottest = exam.hotspots[0]
    assert "outside-calibrated-range" in hottest.hotspot.flags
    assert "outside-calibrated-range" in hottest.diagnosis.to_dict()["flags"]
    assert exam.to_dict()["conditions"]["calibrated_range_c"] == pytest.approx((-20.0, 150.0), abs=1e-3)


def test_raw_value_range_narrows_the_calibrated_range() -> None:
    truth = fb.scene(hot_c=60.0)
    counts = fb.counts_of(truth)
    top = int(fb.counts_of(np.array([40.0]))[0])
    t = decode(fb.rjpeg(fb.flir_frame(counts, "raw", raw_range=(1000, top))))
    lo, hi = validity.calibrated_range_c(t)  # type: ignore[misc]
    assert hi == pytest.approx(40.0, abs=0.05) and lo == -20.0
    assert validity.outside_count(t) == int((counts > top).sum()) > 0


def test_inside_the_range_no_flag() -> None:
    t = decode(fb.rjpeg(fb.flir_frame(fb.counts_of(fb.scene()), "raw")))
    assert validity.reading_flags(t) == [] and validity.outside_count(t) == 0


def test_conditions_flag_hot_or_ambient_outside_the_range() -> None:
    from irpatrol.conditions import FLAG_TEXT, INVALIDATING, Conditions, validity_flags

    cond = Conditions(calibrated_range_c=(-20.0, 150.0))
    assert validity_flags(cond, hot_c=151.0, ambient_c=20.0) == ["outside-calibrated-range"]
    assert validity_flags(cond, hot_c=60.0, ambient_c=-30.0) == ["outside-calibrated-range", "low-ambient"]
    assert validity_flags(cond, hot_c=150.0, ambient_c=20.0) == []
    assert validity_flags(Conditions(), hot_c=1e4, ambient_c=20.0) == []
    assert "outside-calibrated-range" in FLAG_TEXT and "outside-calibrated-range" in INVALIDATING


# --- JPEG-LS raw, CSQ and SEQ streaming ---------------------------------------------------------------


def test_jpeg_ls_raw_in_an_rjpeg() -> None:
    truth = fb.scene(seed=2)
    t = decode(fb.rjpeg(fb.flir_frame(fb.counts_of(truth), "jpeg-ls")))
    assert t.details["raw_layout"] == "jpeg-ls"
    np.testing.assert_array_equal(t.raw, fb.counts_of(truth))
    np.testing.assert_allclose(t.celsius, truth, atol=0.05)


def test_other_jpeg_raw_is_named() -> None:
    counts = fb.counts_of(fb.scene())
    record = bytearray(fb.raw_data(counts, "raw"))
    body = b"\xff\xd8" + fb.segment(0xC3, b"\x10" + b"\0" * 10) + fb.TINY_SCAN
    record = record[:0x20] + body
    data = fb.rjpeg(fb.fff([(0x01, bytes(record)), (0x20, fb.camera_info())]))
    with pytest.raises(
        UnsupportedCamera,
        match=r"RawData is a JPEG stream \(SOF marker 0xFFC3\), not JPEG-LS: not supported yet",
    ):
        decode(data)


def _csq(tmp_path: Path, n: int, *, broken_at: int | None = None) -> tuple[Path, list[np.ndarray]]:
    truths = [fb.scene(seed=i, hot_c=40.0 + i) for i in range(n)]
    frames = [fb.flir_frame(fb.counts_of(t), "jpeg-ls") for t in truths]
    if broken_at is not None:
        frames[broken_at] = frames[broken_at][:0x40] + b"\xff" * 64  # directory beyond the file
    path = tmp_path / "video.csq"
    path.write_bytes(b"".join(frames))
    return path, truths


def test_csq_streams_frame_by_frame(tmp_path: Path) -> None:
    path, truths = _csq(tmp_path, 4)
    frames = list(iter_frames(path))
    assert [(t.frame, t.source_format) for t in frames] == [(i, "flir-csq") for i in range(4)]
    for t, truth in zip(frames, truths, strict=True):
        np.testing.assert_allclose(t.celsius, truth, atol=0.05)


def test_csq_frames_before_a_broken_one_are_delivered_first(tmp_path: Path) -> None:
    """Streaming: frames 0–2 come out before frame 3's (forged, 8 GB) directory is read."""
    path, _ = _csq(tmp_path, 4, broken_at=3)
    seen: list[int] = []
    with pytest.raises(
        ThermalFormatError,
        match=r"frame 3 \(byte \d+\): FFF frame declares 8589934590 bytes \(more than 268435456\)",
    ) as err:
        for t in iter_frames(path):
            seen.append(t.frame)
    assert seen == [0, 1, 2] and err.value.source == str(path)


def test_thermal_read_csq_json_one_object_per_frame(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from irpatrol.cli.main import app

    path, _ = _csq(tmp_path, 3)
    result = CliRunner().invoke(app, ["thermal", "read", "--json", str(path)])
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["frame"], o["source_format"]) for o in objects] == [(i, "flir-csq") for i in range(3)]
    assert [o["t_max_c"] for o in objects] == pytest.approx([40.0, 41.0, 42.0], abs=0.05)


def test_seq_of_raw_frames_streams_from_a_file(tmp_path: Path) -> None:
    truths = [fb.scene(seed=i) for i in range(3)]
    path = tmp_path / "a.seq"
    path.write_bytes(b"".join(fb.flir_frame(fb.counts_of(t), "raw", order="<") for t in truths))
    frames = read_frames(path)
    assert [t.source_format for t in frames] == ["flir-seq"] * 3
    np.testing.assert_allclose(frames[2].celsius, truths[2], atol=0.05)


def test_empty_sequence_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.seq"
    path.write_bytes(b"FFF\0")
    with pytest.raises(ThermalFormatError, match="shorter than its 0x40-byte header"):
        read(path)


# --- FLIR radiometric TIFF: LZW/Deflate and the count scale -----------------------------------------


def _flir_tiff(
    kelvin: np.ndarray, scale: float, *, model: str = "Duo Pro R", compression: str = "lzw"
) -> bytes:
    buf = io.BytesIO()
    counts = np.rint(kelvin / scale).astype(np.uint16)
    tifffile.imwrite(
        buf, counts, compression=compression, predictor=True,
        extratags=[(271, "s", 0, "FLIR", True), (272, "s", 0, model, True)],
    )  # fmt: skip
    return buf.getvalue()


@pytest.mark.parametrize("compression", ["lzw", "zlib"])
@pytest.mark.parametrize("scale", [0.04, 0.01])
def test_flir_radiometric_tiff_scale_from_camera_and_values(scale: float, compression: str) -> None:
    truth = fb.scene()
    t = decode(_flir_tiff(truth + fb.K, scale, compression=compression))
    assert t.details["scale_k"] == scale and t.details["scale_source"] == "camera-model+plausibility"
    np.testing.assert_allclose(t.celsius, truth, atol=scale / 2 + 1e-3)


def test_unknown_camera_at_004_k_needs_the_option() -> None:
    truth = fb.scene()
    data = _flir_tiff(truth + fb.K, 0.04, model="Other")
    with pytest.raises(
        UnsupportedCamera,
        match=r"^uint16 TIFF of an unknown camera: count scale unknown \(median value \d+ is plausible only"
        r" at 0.04 K per count, and the camera model is not one known to write that scale\);"
        r" give --tiff-scale 0.04 or --tiff-scale 0.01$",
    ):
        decode(data)
    t = decode(data, ReadOptions(tiff_scale_k=0.04))
    assert t.details["scale_source"] == "option"
    np.testing.assert_allclose(t.celsius, truth, atol=0.03)


def test_tiff_scale_option_is_checked() -> None:
    with pytest.raises(
        ParameterError, match=r"^--tiff-scale must be 0\.04 or 0\.01 \(K per count\), got 0\.1"
    ):
        decode(_flir_tiff(fb.scene() + fb.K, 0.04), ReadOptions(tiff_scale_k=0.1))


def test_implausible_counts_name_the_option() -> None:
    data = _flir_tiff(np.full((8, 8), 40.0), 0.04)  # 1000 counts: 40 K or 10 K
    with pytest.raises(
        UnsupportedCamera,
        match=r"FLIR Duo Pro R: count scale unknown \(median value 1000 gives no plausible temperature"
        r" at 0.04 K or 0.01 K per count\); give --tiff-scale 0.04 or --tiff-scale 0.01",
    ):
        decode(data)


def test_cli_tiff_scale_option(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from irpatrol.cli.main import app

    path = tmp_path / "duo.tif"
    path.write_bytes(_flir_tiff(fb.scene() + fb.K, 0.04, model="Other"))
    runner = CliRunner()
    refused = runner.invoke(app, ["thermal", "read", "--json", str(path)])
    assert refused.exit_code == 2 and "give --tiff-scale 0.04 or --tiff-scale 0.01" in refused.stderr
    ok = runner.invoke(app, ["thermal", "read", "--json", "--tiff-scale", "0.04", str(path)])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["tiff_scale_k"] == 0.04


# --- makers named, not called non-radiometric --------------------------------------------------------


def test_infiray_ijpeg_is_named_by_maker_and_layout() -> None:
    factory = fb.segment(0xE4, b"\1\0\0\0" + b"\0" * 200)  # APP4 factory block: must not look like DJI
    data = fb.plain_jpeg(fb.ijpeg_app2(), fb.segment(0xE3, b"\0" * 2000), factory)
    with pytest.raises(UnsupportedCamera) as err:
        decode(data)
    assert str(err.value) == (
        "InfiRay IJPEG radiometric JPEG: not supported yet (IJPEG 1.0.0.0: IR image 256×192 format 2"
        " 16 bpp (98304 bytes), temperature data 256×192 format 2 16 bpp (98304 bytes), 2000 bytes in"
        " APP3; no public description of the temperature data's unit)"
    )


def test_hikmicro_with_own_segments_is_named() -> None:
    own = (fb.segment(0xE3, b"\x01" * 4000), fb.segment(0xE4, b"\x02" * 1000))  # APP3 + APP4, not DJI
    data = fb.plain_jpeg(fb.exif_app1("HIKMICRO", "M11"), *own)
    with pytest.raises(
        UnsupportedCamera,
        match=r"^HIKMICRO radiometric JPEG: not supported yet \(maker's own layout: 5000 bytes in APP3, APP4;"
        r" no public description to decode it by\)$",
    ):
        decode(data)


def test_guide_with_trailer_is_named() -> None:
    data = fb.plain_jpeg(fb.exif_app1("Guide"), trailer=b"\x02" * 4096)
    with pytest.raises(
        UnsupportedCamera,
        match=r"^Guide radiometric JPEG: not supported yet \(maker's own layout: 4096 bytes after the"
        r" image's end; no public description to decode it by\)$",
    ):
        decode(data)


def test_maker_jpeg_without_extra_data_is_plain() -> None:
    data = fb.plain_jpeg(fb.exif_app1("HIKMICRO"))
    with pytest.raises(ThermalFormatError) as err:
        decode(data)
    assert not isinstance(err.value, UnsupportedCamera)
    assert str(err.value) == (
        "HIKMICRO JPEG without radiometric data (no APP segment or trailer beyond EXIF/XMP/ICC)"
    )


def test_unknown_maker_jpeg_keeps_the_old_message() -> None:
    with pytest.raises(ThermalFormatError, match=r"^JPEG without radiometric data \(no FLIR APP1"):
        decode(fb.plain_jpeg(fb.exif_app1("Canon")))


def test_undecidable_flat_frame_falls_back_to_little_endian() -> None:
    """25 °C reads 3338 counts; swapped, 2573 counts read 6.6 °C: both plausible, no texture, no
    RawValueRange, so nothing decides and the most common order is used, and said to be a default."""
    counts = np.full((30, 40), fb.counts_of(np.array([25.0]))[0], dtype=np.uint16)
    t = decode(fb.rjpeg(fb.flir_frame(counts, "png-le")))
    assert (t.details["raw_byte_order"], t.details["byte_order_evidence"]) == ("little", "default")
