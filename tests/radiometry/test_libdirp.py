"""The libdirp back-end's ctypes calls, against a stand-in library compiled here from C.

DJI's libdirp cannot be shipped or downloaded, so the stand-in implements the nine ``dirp_*``
functions of ``dirp_api.h`` that :class:`LibdirpBackend` calls, with made-up but checkable values
(a 4×3 frame whose temperatures depend on the parameters set). This pins the marshalling —
structure layouts, buffer sizes, the kept R-JPEG buffer, error codes, parameter round trip —
and the selection per run; it does not and cannot show agreement with DJI's real library.
"""

from __future__ import annotations

import pickle
import shutil
import subprocess
from pathlib import Path

import flir_build as fb
import numpy as np
import pytest

from irpatrol.errors import ParameterError, ThermalFormatError
from irpatrol.radiometry import ReadOptions, decode, dji

STAND_IN = r"""
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#pragma pack(push, 1)
typedef struct { int32_t width, height; } res_t;
typedef struct { uint32_t rjpeg, header, curve; } ver_t;
typedef struct { float distance, humidity, emissivity, reflection, ambient_temp; } params_t;
typedef struct { float min, max; } range_t;
typedef struct { range_t distance, humidity, emissivity, reflection, ambient_temp; } ranges_t;
#pragma pack(pop)
typedef struct { const uint8_t *data; int32_t size; params_t p; } handle_t;

int32_t dirp_create_from_rjpeg(const uint8_t *data, int32_t size, void **ph) {
    if (size < 4 || data[0] != 0xFF || data[1] != 0xD8) return -7;
    handle_t *h = calloc(1, sizeof *h);
    h->data = data; h->size = size;
    h->p = (params_t){5.0f, 70.0f, 0.95f, 23.0f, 25.0f};
    *ph = h; return 0;
}
int32_t dirp_destroy(void *h) { free(h); return 0; }
int32_t dirp_get_rjpeg_resolution(void *h, res_t *r) { r->width = 4; r->height = 3; return 0; }
int32_t dirp_get_rjpeg_version(void *h, ver_t *v) {
    v->rjpeg = 1; v->header = 0x0300; v->curve = 2; return 0;
}
int32_t dirp_get_measurement_params(void *h, params_t *p) { *p = ((handle_t *)h)->p; return 0; }
int32_t dirp_set_measurement_params(void *h, const params_t *p) {
    if (p->emissivity < 0.1f || p->emissivity > 1.0f) return -3;
    ((handle_t *)h)->p = *p; return 0;
}
int32_t dirp_get_measurement_params_range(void *h, ranges_t *r) {
    *r = (ranges_t){{1, 25}, {20, 100}, {0.1f, 1}, {-40, 500}, {-40, 80}}; return 0;
}
int32_t dirp_measure_ex(void *hv, float *t, int32_t size) {
    handle_t *h = hv;
    if (size != 12 * 4) return -8;
    for (int i = 0; i < 12; i++)
        t[i] = h->p.reflection + 0.5f * i + 100.0f * (h->p.emissivity - 0.95f)
             + (h->data[h->size - 1] == 0xD9);  /* reads the kept R-JPEG buffer: +1 */
    return 0;
}
int32_t dirp_get_original_raw(void *h, uint16_t *raw, int32_t size) {
    if (size != 12 * 2) return -8;
    for (int i = 0; i < 12; i++) raw[i] = 1000 + i;
    return 0;
}
"""


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build the stand-in library")
    folder = tmp_path_factory.mktemp("dirp")
    (folder / "dirp.c").write_text(STAND_IN)
    lib = folder / "libdirp.so"
    subprocess.run([cc, "-shared", "-fPIC", "-O1", "-o", str(lib), str(folder / "dirp.c")], check=True)
    return lib


DJI_JPEG = fb.plain_jpeg(fb.exif_app1("DJI", "M3T"), fb.segment(0xE3, b"\0" * 64))


def test_decode_through_the_selected_backend(stand_in: Path) -> None:
    backend = dji.backend_named("libdirp", str(stand_in))
    t = dji.decode(DJI_JPEG, backend)
    assert t.details["backend"] == "libdirp" and t.details["rjpeg_version"] == [1, 0x0300, 2]
    np.testing.assert_allclose(t.celsius, (24.0 + 0.5 * np.arange(12)).reshape(3, 4), atol=1e-5)
    np.testing.assert_array_equal(t.raw, (1000 + np.arange(12)).reshape(3, 4))
    assert (t.params.distance_m, t.params.humidity, t.params.reflected_c) == (5.0, 70.0, 23.0)
    assert t.params.atmospheric_c == 25.0 and t.details["param_ranges"]["emissivity"] == [
        pytest.approx(0.1),
        1.0,
    ]
    again = t.with_params(emissivity=0.85, reflected_c=10.0)
    np.testing.assert_allclose(again.celsius, (1.0 + 0.5 * np.arange(12)).reshape(3, 4), atol=1e-4)


def test_backend_choice_reaches_the_sniffing_decoder(stand_in: Path) -> None:
    from irpatrol.radiometry import jpeg_segments

    if jpeg_segments.thermal_kind(DJI_JPEG) != "jpeg-dji":
        pytest.fail("the constructed DJI JPEG must sniff as DJI")
    t = decode(DJI_JPEG, ReadOptions(dji_backend=dji.backend_named("libdirp", str(stand_in))))
    assert t.details["backend"] == "libdirp"


def test_library_errors_are_named(stand_in: Path) -> None:
    backend = dji.backend_named("libdirp", str(stand_in))
    with pytest.raises(ThermalFormatError, match=r"^libdirp open: R-JPEG parse error$"):
        backend.open(b"GIF89a")
    t = dji.decode(DJI_JPEG, backend)
    with pytest.raises(
        ParameterError, match=r"emissivity 0\.05 is outside the camera's accepted range 0\.1–1"
    ):
        t.with_params(emissivity=0.05)


def test_backend_pickles_by_path_for_worker_processes(stand_in: Path) -> None:
    backend = dji.backend_named("libdirp", str(stand_in))
    copy = pickle.loads(pickle.dumps(backend))
    assert copy.path == backend.path and copy.open(DJI_JPEG).celsius.shape == (3, 4)


def test_library_without_the_dirp_calls_is_refused(tmp_path: Path) -> None:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    (tmp_path / "other.c").write_text("int other(void) { return 1; }\n")
    lib = tmp_path / "libother.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(lib), str(tmp_path / "other.c")], check=True)
    with pytest.raises(
        ParameterError, match=r"is not DJI's libdirp \(no dirp_create_from_rjpeg, dirp_destroy"
    ):
        dji.backend_named("libdirp", str(lib))
