"""The thermal camera figures (payloads.py) against what the cameras write into their own images:
the EXIF of DJI Thermal SDK sample R-JPEGs (../shared/data/thermal-samples, see its README)."""

from __future__ import annotations

import math

import pytest
from PIL import Image

from irpatrol.scheduling.core.payloads import CAMERAS, DRONE_PAYLOAD
from sample_files import samples_dir

SAMPLE = {"M30T": "dji_m30t_girp.jpg", "H20T": "dji_h20t_dirp.jpg", "M3T": "dji_m3t_iirp.jpg",
          "M4T": "dji_m4t_iirp.jpg"}


@pytest.mark.parametrize("payload", sorted(SAMPLE))
def test_focal_lengths_and_resolution_match_the_cameras_own_exif(payload):
    path = samples_dir() / SAMPLE[payload]
    if not path.exists():
        pytest.skip(f"sample {path} not present")
    with Image.open(path) as im:
        exif = im.getexif()
        sub = exif.get_ifd(0x8769)
        size = im.size
    cam = CAMERAS[payload]
    assert float(sub[0x920A]) == pytest.approx(cam.focal_mm)  # FocalLength
    assert float(sub[0xA405]) == pytest.approx(cam.equiv_35mm)  # FocalLengthIn35mmFilm
    assert size == (cam.width_px, cam.height_px)


@pytest.mark.parametrize("cam", CAMERAS.values(), ids=lambda c: c.payload)
def test_pitch_agrees_with_the_equivalent_focal_length_and_the_published_dfov_is_wider(cam):
    assert cam.dfov_deg == pytest.approx(cam.equiv_dfov_deg, abs=1.0)
    assert cam.published_dfov_deg is None or cam.published_dfov_deg >= cam.dfov_deg - 0.1
    assert cam.ifov_rad == pytest.approx(cam.pitch_um / cam.focal_mm / 1000)
    assert math.isclose(math.tan(math.radians(cam.hfov_deg / 2)) / math.tan(math.radians(cam.vfov_deg / 2)),
                        cam.width_px / cam.height_px)


def test_every_drone_model_has_a_camera():
    assert set(DRONE_PAYLOAD.values()) <= set(CAMERAS)
