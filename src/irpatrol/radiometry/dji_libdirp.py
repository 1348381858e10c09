"""DJI R-JPEGs through DJI's own Thermal SDK library (``libdirp``), which the user provides.

DJI distributes ``libdirp.so`` / ``libdirp.dll`` with its Thermal SDK under its own licence, so
irpatrol cannot ship it; :class:`LibdirpBackend` loads the copy the user names and implements
:class:`~irpatrol.radiometry.dji.DjiBackend` with it through ctypes. Calls and structures follow
DJI's ``dirp_api.h`` (TSDK v1.4 and later; all structures ``#pragma pack(1)``):

* ``int32 dirp_create_from_rjpeg(const uint8 *data, int32 size, DIRP_HANDLE *ph)``, ``dirp_destroy(h)``;
* ``dirp_get_rjpeg_resolution(h, {int32 width, height})``;
* ``dirp_get_rjpeg_version(h, {uint32 rjpeg, header, curve})``;
* ``dirp_get/set_measurement_params(h, {float distance, humidity, emissivity, reflection,
  ambient_temp})`` (m, %, 0–1, °C, °C);
* ``dirp_get_measurement_params_range(h, {float min, max} × 5)`` in the same field order;
* ``dirp_measure_ex(h, float *temp_image, int32 size_bytes)``: °C per pixel;
* ``dirp_get_original_raw(h, uint16 *raw, int32 size_bytes)``.

Every call returns 0 on success or a negative ``dirp_ret_code_e``. The R-JPEG buffer must stay
valid while the handle lives (the header says so), so it is kept referenced until
``dirp_destroy``. The library is not known to be thread-safe: calls are serialised by a lock.
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path
from typing import Any

import numpy as np

from irpatrol.errors import ParameterError, ThermalFormatError, UnsupportedCamera
from irpatrol.radiometry.dji import AmbientSource, DjiFrame, ParamRanges
from irpatrol.radiometry.thermogram import CaptureParams
from irpatrol.units import CelsiusArray

__all__ = ["REQUIRED_SYMBOLS", "LibdirpBackend"]

REQUIRED_SYMBOLS = (
    "dirp_create_from_rjpeg",
    "dirp_destroy",
    "dirp_get_rjpeg_resolution",
    "dirp_get_rjpeg_version",
    "dirp_get_measurement_params",
    "dirp_set_measurement_params",
    "dirp_get_measurement_params_range",
    "dirp_measure_ex",
    "dirp_get_original_raw",
)
"""The ``dirp_*`` functions the back-end calls; a library without one of them is refused by name."""

_ERRORS = {
    -1: "malloc error", -2: "NULL pointer input", -3: "invalid parameters", -4: "invalid RAW in R-JPEG",
    -5: "invalid header in R-JPEG", -6: "invalid curve LUT in R-JPEG", -7: "R-JPEG parse error",
    -8: "wrong size input", -9: "invalid handle", -10: "wrong input image format",
    -11: "wrong output image format", -12: "unsupported function", -13: "preliminary conditions not met",
    -14: "SDK activation failed",
}  # fmt: skip
"""``dirp_ret_code_e`` (dirp_api.h)."""

_FIELDS = ("distance", "humidity", "emissivity", "reflection", "ambient_temp")
_OURS = ("distance_m", "humidity", "emissivity", "reflected_c", "atmospheric_c")


class _Resolution(ctypes.Structure):
    _pack_ = 1
    _fields_ = (("width", ctypes.c_int32), ("height", ctypes.c_int32))


class _Version(ctypes.Structure):
    _pack_ = 1
    _fields_ = (("rjpeg", ctypes.c_uint32), ("header", ctypes.c_uint32), ("curve", ctypes.c_uint32))


class _Params(ctypes.Structure):
    _pack_ = 1
    _fields_ = tuple((name, ctypes.c_float) for name in _FIELDS)


class _Range(ctypes.Structure):
    _pack_ = 1
    _fields_ = (("min", ctypes.c_float), ("max", ctypes.c_float))


class _Ranges(ctypes.Structure):
    _pack_ = 1
    _fields_ = tuple((name, _Range) for name in _FIELDS)


def _load(path: str) -> ctypes.CDLL:
    """The library at ``path`` with the argument types of every call; ParameterError naming the
    path when it is missing, cannot be loaded or is not libdirp."""
    if not Path(path).is_file():
        raise ParameterError(f"DJI libdirp back-end: no library at {path}")
    try:
        lib = ctypes.CDLL(path)
    except OSError as exc:
        raise ParameterError(f"DJI libdirp back-end: cannot load {path} ({exc})") from exc
    missing = [name for name in REQUIRED_SYMBOLS if not hasattr(lib, name)]
    if missing:
        raise ParameterError(f"DJI libdirp back-end: {path} is not DJI's libdirp (no {', '.join(missing)})")
    handle = ctypes.c_void_p
    sigs: dict[str, tuple[Any, ...]] = {
        "dirp_create_from_rjpeg": (ctypes.c_char_p, ctypes.c_int32, ctypes.POINTER(handle)),
        "dirp_destroy": (handle,),
        "dirp_get_rjpeg_resolution": (handle, ctypes.POINTER(_Resolution)),
        "dirp_get_rjpeg_version": (handle, ctypes.POINTER(_Version)),
        "dirp_get_measurement_params": (handle, ctypes.POINTER(_Params)),
        "dirp_set_measurement_params": (handle, ctypes.POINTER(_Params)),
        "dirp_get_measurement_params_range": (handle, ctypes.POINTER(_Ranges)),
        "dirp_measure_ex": (handle, ctypes.POINTER(ctypes.c_float), ctypes.c_int32),
        "dirp_get_original_raw": (handle, ctypes.POINTER(ctypes.c_uint16), ctypes.c_int32),
    }
    for name, args in sigs.items():
        fn = getattr(lib, name)
        fn.argtypes = list(args)
        fn.restype = ctypes.c_int32
    return lib


class LibdirpBackend:
    """:class:`~irpatrol.radiometry.dji.DjiBackend` on the user's copy of DJI's ``libdirp``.

    ``LibdirpBackend(path)`` loads the library at once (ParameterError naming the path when it
    is missing or not libdirp). Instances pickle by path, so ``thermal read --jobs`` workers load
    their own copy.
    """

    name = "libdirp"

    def __init__(self, path: str) -> None:
        self.path = str(path)
        self._lib = _load(self.path)
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (LibdirpBackend, (self.path,))

    def _check(self, ret: int, what: str) -> None:
        if ret != 0:
            reason = _ERRORS.get(ret, f"error {ret}")
            if ret in (-4, -5, -6, -7, -10):
                raise ThermalFormatError(f"libdirp {what}: {reason}")
            if ret == -3:
                raise ParameterError(f"libdirp {what}: {reason}")
            raise UnsupportedCamera(f"libdirp {what}: {reason}")

    def _with_handle(self, data: bytes, work: Any) -> Any:
        lib = self._lib
        handle = ctypes.c_void_p()
        buf = ctypes.create_string_buffer(bytes(data), len(data))  # alive until dirp_destroy
        with self._lock:
            self._check(lib.dirp_create_from_rjpeg(buf, len(data), ctypes.byref(handle)), "open")
            try:
                return work(lib, handle)
            finally:
                lib.dirp_destroy(handle)

    @staticmethod
    def _measure(lib: Any, h: Any, width: int, height: int, check: Any) -> CelsiusArray:
        out = np.empty((height, width), dtype=np.float32)
        ptr = out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        check(lib.dirp_measure_ex(h, ptr, out.nbytes), "measure")
        return out

    def open(self, data: bytes) -> DjiFrame:
        def work(lib: Any, h: Any) -> DjiFrame:
            res, ver, params, ranges = _Resolution(), _Version(), _Params(), _Ranges()
            self._check(lib.dirp_get_rjpeg_resolution(h, ctypes.byref(res)), "resolution")
            if not (0 < res.width <= 8192 and 0 < res.height <= 8192):
                raise ThermalFormatError(f"libdirp reports a {res.width}×{res.height} frame")
            self._check(lib.dirp_get_rjpeg_version(h, ctypes.byref(ver)), "version")
            self._check(lib.dirp_get_measurement_params(h, ctypes.byref(params)), "parameters")
            self._check(lib.dirp_get_measurement_params_range(h, ctypes.byref(ranges)), "parameter ranges")
            celsius = self._measure(lib, h, res.width, res.height, self._check)
            raw = np.empty((res.height, res.width), dtype=np.uint16)
            ptr = raw.ctypes.data_as(ctypes.POINTER(ctypes.c_uint16))
            self._check(lib.dirp_get_original_raw(h, ptr, raw.nbytes), "raw frame")
            return _frame(data, celsius, raw, params, ranges, ver)

        frame: DjiFrame = self._with_handle(data, work)
        return frame

    def measure(self, data: bytes, params: CaptureParams) -> CelsiusArray:
        def work(lib: Any, h: Any) -> CelsiusArray:
            res, sdk = _Resolution(), _Params()
            self._check(lib.dirp_get_rjpeg_resolution(h, ctypes.byref(res)), "resolution")
            self._check(lib.dirp_get_measurement_params(h, ctypes.byref(sdk)), "parameters")
            sdk.distance, sdk.emissivity = params.distance_m, params.emissivity
            sdk.reflection = params.reflected_c
            if params.humidity is not None:
                sdk.humidity = params.humidity
            if params.atmospheric_c is not None:
                sdk.ambient_temp = params.atmospheric_c
            ret = lib.dirp_set_measurement_params(h, ctypes.byref(sdk))
            if ret != 0:
                raise ParameterError(f"the DJI SDK rejected the parameters: {_ERRORS.get(ret, ret)}")
            celsius: CelsiusArray = self._measure(lib, h, res.width, res.height, self._check)
            return celsius

        result: CelsiusArray = self._with_handle(data, work)
        return result


def _frame(
    data: bytes, celsius: CelsiusArray, raw: Any, params: _Params, ranges: _Ranges, ver: _Version
) -> DjiFrame:
    """The DjiFrame of what libdirp reported; the plugin name as libdirp chooses it (camera model,
    then the APP4 header tag), read by the ``dji_thermal_cli`` port."""
    from dji_thermal_cli import tsdk

    plugin = tsdk.plugin_name(tsdk.jpeg.segments(data))
    rng: ParamRanges = {}
    for theirs, ours in zip(_FIELDS, _OURS, strict=True):
        r = getattr(ranges, theirs)
        rng[ours] = (float(r.min), float(r.max))
    ambient: AmbientSource = "own"
    if rng["atmospheric_c"] == (0.0, 0.0):
        ambient = "none"
    elif plugin == "iirp" and ver.header < 0x0300:
        ambient = "reflected"
    p = CaptureParams(
        emissivity=float(params.emissivity),
        distance_m=float(params.distance),
        reflected_c=float(params.reflection),
        atmospheric_c=float(params.ambient_temp) if ambient == "own" else None,
        humidity=float(params.humidity),
    )
    return DjiFrame(
        celsius=celsius, raw=raw, params=p, ranges=rng, plugin=plugin, ambient=ambient,
        details={"rjpeg_version": [int(ver.rjpeg), int(ver.header), int(ver.curve)], "libdirp": True},
    )  # fmt: skip
