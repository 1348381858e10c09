"""``irpatrol thermal read | render | export``: temperatures, pictures and exports of camera files."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer

from irpatrol.cli.common import handles_errors, print_json_line
from irpatrol.errors import IrPatrolError, ParameterError

OVERRIDES_HELP = "Override the file's embedded value"


def register(app: typer.Typer) -> None:
    """Add the ``thermal`` group to the irpatrol command."""
    thermal = typer.Typer(help="Read, render and export radiometric images.", no_args_is_help=True)
    thermal.command("read")(read)
    thermal.command("render")(render)
    thermal.command("export")(export)
    app.add_typer(thermal, name="thermal")


def _round(v: float | None, digits: int) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), digits)


def summary(name: str, t: Any, distance_source: str = "embedded") -> dict[str, Any]:
    """The ``thermal read --json`` object of one frame (temperatures in °C, distances in m)."""
    import numpy as np

    c = t.celsius
    finite = c[np.isfinite(c)]
    stats = (
        (float(finite.min()), float(finite.max()), float(finite.mean(dtype=np.float64)))
        if finite.size
        else (None, None, None)
    )
    p, m = t.params, t.meta
    gps, gimbal = m.gps, m.gimbal
    return {
        "file": name,
        "frame": t.frame,
        "camera": t.camera or None,
        "make": m.make,
        "model": m.model,
        "source_format": t.source_format,
        "width": t.width,
        "height": t.height,
        "t_min_c": _round(stats[0], 4),
        "t_max_c": _round(stats[1], 4),
        "t_mean_c": _round(stats[2], 4),
        "t_center_c": _round(t.center_c, 4),
        "emissivity": _round(p.emissivity, 6),
        "distance_m": _round(p.distance_m, 6),
        "distance_source": distance_source,
        "reflected_c": _round(p.reflected_c, 6),
        "humidity": _round(p.humidity, 6),
        "atmospheric_c": _round(p.atmospheric_c, 6),
        "lat": gps.lat if gps else None,
        "lon": gps.lon if gps else None,
        "alt_m": gps.alt_m if gps else None,
        "rel_alt_m": gps.rel_alt_m if gps else None,
        "gimbal_yaw": gimbal.yaw if gimbal else None,
        "gimbal_pitch": gimbal.pitch if gimbal else None,
        "gimbal_roll": gimbal.roll if gimbal else None,
        "lrf_distance_m": m.lrf_distance_m,
        "captured_at": m.captured_at.isoformat() if m.captured_at else None,
        "plugin": t.details.get("plugin"),
        **_validity(t),
    }


def _validity(t: Any) -> dict[str, Any]:
    """``flags`` (``outside-calibrated-range`` when any pixel is outside the camera's stated range
    or RawValueRange), the calibrated range (°C) and how many pixels lie outside it."""
    from irpatrol.radiometry import validity

    outside = validity.outside_count(t)
    rng = validity.calibrated_range_c(t)
    return {
        "flags": [validity.OUTSIDE_CALIBRATED_RANGE] if outside else [],
        "calibrated_range_c": None if rng is None else [_round(rng[0], 4), _round(rng[1], 4)],
        "outside_calibrated_px": outside,
        "raw_byte_order": t.details.get("raw_byte_order"),
        "byte_order_evidence": t.details.get("byte_order_evidence"),
        "tiff_scale_k": t.details.get("scale_k"),
    }


_TEXT_ROWS = (
    (
        "temperature",
        (
            ("min", "t_min_c", " °C"),
            ("max", "t_max_c", " °C"),
            ("mean", "t_mean_c", " °C"),
            ("centre", "t_center_c", " °C"),
        ),
    ),
    (
        "parameters",
        (
            ("emissivity", "emissivity", ""),
            ("distance", "distance_m", " m"),
            ("reflected", "reflected_c", " °C"),
            ("humidity", "humidity", " %"),
            ("atmospheric", "atmospheric_c", " °C"),
        ),
    ),
    (
        "position",
        (("lat", "lat", ""), ("lon", "lon", ""), ("alt", "alt_m", " m"), ("rel. alt", "rel_alt_m", " m")),
    ),
    ("gimbal", (("yaw", "gimbal_yaw", "°"), ("pitch", "gimbal_pitch", "°"), ("roll", "gimbal_roll", "°"))),
    ("rangefinder", (("", "lrf_distance_m", " m"),)),
    ("time", (("", "captured_at", ""),)),
)

SUFFIXES = frozenset({".jpg", ".jpeg", ".tif", ".tiff", ".fff", ".seq", ".csq"})
"""File name endings ``thermal read DIR`` picks up (case-insensitive); the content decides the format."""


def _text_block(s: dict[str, Any]) -> str:
    """The human-readable form of one :func:`summary`: a title line, then one line per group."""

    def value(key: str, unit: str) -> str:
        v = s[key]
        return "–" if v is None else f"{v:g}{unit}" if isinstance(v, float) else f"{v}{unit}"

    frame = f" frame {s['frame']}" if s["frame"] else ""
    camera = s["camera"] or "unknown camera"
    lines = [f"{s['file']}{frame}: {camera} ({s['source_format']}), {s['width']}×{s['height']}"]
    for title, fields in _TEXT_ROWS:
        if all(s[key] is None for _, key, _ in fields) and title in ("gimbal", "rangefinder"):
            continue
        parts = [f"{label} {value(key, unit)}".strip() for label, key, unit in fields]
        lines.append(f"  {title:<12} " + "  ".join(parts))
    if s.get("flags"):
        rng = s.get("calibrated_range_c")
        within = f" {rng[0]:g}…{rng[1]:g} °C" if rng else ""
        lines.append(
            f"  {'validity':<12} {', '.join(s['flags'])}: {s['outside_calibrated_px']} px outside{within}"
        )
    return "\n".join(lines)


def _with_overrides(t: Any, overrides: dict[str, float | None], use_lrf: bool) -> tuple[Any, str]:
    """The frame recomputed with the user's parameters, and where its distance came from
    (``option``, ``rangefinder`` or ``embedded``)."""
    changes = {k: v for k, v in overrides.items() if v is not None}
    source = "option" if "distance_m" in changes else "embedded"
    if use_lrf and source == "embedded" and t.meta.lrf_distance_m is not None:
        changes["distance_m"] = t.meta.lrf_distance_m
        source = "rangefinder"
    if not changes:
        return t, source
    if t.recalibrator is None:
        raise ParameterError(f"{t.source_format} data holds temperatures only; parameters cannot be changed")
    return t.with_params(**changes), source


def expand(paths: list[Path]) -> list[Path]:
    """Files to read: each file as given; each folder walked (sorted, recursively) for the
    :data:`SUFFIXES` endings."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            out.append(path)
    return out


def _dji_backend(name: str, lib: Path | None) -> Any:
    """The DJI back-end chosen for this run (``--dji-backend``, ``--dirp-lib`` / IRPATROL_DIRP_LIB)."""
    import os

    from irpatrol.radiometry import dji

    lib_path = str(lib) if lib is not None else os.environ.get("IRPATROL_DIRP_LIB") or None
    return dji.backend_named(name, lib_path)


def _read_one(path: Path, options: Any, overrides: dict[str, float | None], use_lrf: bool) -> Any:
    """(summaries, error): the ``--json`` objects of every frame of one file, or the reason it
    cannot be read. Runs in a worker process with ``--jobs``."""
    from irpatrol.radiometry import iter_frames

    out: list[dict[str, Any]] = []
    try:
        for t in iter_frames(path, options):
            frame, distance_source = _with_overrides(t, overrides, use_lrf)
            out.append(summary(str(path), frame, distance_source))
    except IrPatrolError as exc:
        return out, exc.message if exc.source else str(exc)
    return out, None


def _stream_one(
    path: Path, options: Any, overrides: dict[str, float | None], use_lrf: bool, emit: Any
) -> str | None:
    """Read one file frame by frame, emitting each summary as soon as it is decoded (a long CSQ
    or SEQ is never held whole); the reason on failure."""
    from irpatrol.radiometry import iter_frames

    try:
        for t in iter_frames(path, options):
            frame, distance_source = _with_overrides(t, overrides, use_lrf)
            emit(summary(str(path), frame, distance_source))
    except IrPatrolError as exc:
        return exc.message if exc.source else str(exc)
    return None


@handles_errors
def read(
    files: Annotated[
        list[Path], typer.Argument(help="Radiometric JPEG, FFF/SEQ/CSQ or TIFF files, or folders to walk.")
    ],
    json: Annotated[bool, typer.Option("--json", help="One JSON object per frame, one per line.")] = False,
    emissivity: Annotated[float | None, typer.Option(help=f"{OVERRIDES_HELP} (0–1].")] = None,
    distance: Annotated[float | None, typer.Option(help=f"{OVERRIDES_HELP}: object distance, m.")] = None,
    reflected: Annotated[
        float | None, typer.Option(help=f"{OVERRIDES_HELP}: reflected temperature, °C.")
    ] = None,
    humidity: Annotated[float | None, typer.Option(help=f"{OVERRIDES_HELP}: relative humidity, %.")] = None,
    atmospheric: Annotated[float | None, typer.Option(help=f"{OVERRIDES_HELP}: air temperature, °C.")] = None,
    use_lrf: Annotated[
        bool,
        typer.Option(
            "--use-lrf", help="Use the laser-rangefinder distance (DJI XMP) where the file has one."
        ),
    ] = False,
    tiff_scale: Annotated[
        float | None,
        typer.Option(
            "--tiff-scale",
            help="K per count of a uint16 kelvin-count TIFF: 0.04 (FLIR Duo Pro R / Vue Pro R) or 0.01"
            " (high-resolution mode); default: from the camera model and the values.",
        ),
    ] = None,
    dji_backend: Annotated[
        str,
        typer.Option(
            "--dji-backend", help="DJI R-JPEG back-end: dji-thermal-cli (default) or libdirp (DJI's own SDK)."
        ),
    ] = "dji-thermal-cli",
    dirp_lib: Annotated[
        Path | None,
        typer.Option(
            "--dirp-lib", help="Path of DJI's libdirp.so for --dji-backend libdirp (or IRPATROL_DIRP_LIB)."
        ),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Files read in parallel (processes).")] = 1,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress", help="Progress lines on stderr (default: when stderr is a terminal)."
        ),
    ] = None,
) -> None:
    """Temperatures (min, max, mean, centre), parameters, GPS, time and validity flags of each file.

    Folders are walked for .jpg/.tif/.fff/.seq/.csq files. A file that cannot be read gets one
    line on stderr; the others are still read; exit code 2. Output keeps the order of the files.
    """
    import sys

    from irpatrol.radiometry import ReadOptions

    overrides = {
        "emissivity": emissivity,
        "distance_m": distance,
        "reflected_c": reflected,
        "humidity": humidity,
        "atmospheric_c": atmospheric,
    }
    if tiff_scale is not None and tiff_scale not in (0.04, 0.01):
        raise ParameterError(f"--tiff-scale must be 0.04 or 0.01 (K per count), got {tiff_scale:g}")
    options = ReadOptions(tiff_scale_k=tiff_scale, dji_backend=_dji_backend(dji_backend, dirp_lib))
    paths = expand(files)
    show = sys.stderr.isatty() if progress is None else progress
    total = len(paths)

    def emit(s: dict[str, Any]) -> None:
        if json:
            print_json_line(s)
        else:
            typer.echo(_text_block(s))

    def done(i: int, path: Path, frames: int, error: str | None) -> None:
        if error is not None:
            typer.echo(f"irpatrol: {path}: {error}", err=True)
        if show:
            what = "failed" if error is not None else f"{frames} frame{'s' if frames != 1 else ''}"
            typer.echo(f"[{i}/{total}] {path}: {what}", err=True)

    failed = 0
    if jobs == 1 or total < 2:
        for i, path in enumerate(paths, 1):
            count = 0

            def counted(s: dict[str, Any]) -> None:
                nonlocal count
                count += 1
                emit(s)

            error = _stream_one(path, options, overrides, use_lrf, counted)
            failed += error is not None
            done(i, path, count, error)
    else:
        for i, (path, (summaries, error)) in enumerate(
            zip(paths, _parallel(paths, options, overrides, use_lrf, jobs), strict=True), 1
        ):
            for s in summaries:
                emit(s)
            failed += error is not None
            done(i, path, len(summaries), error)
    if failed:
        raise typer.Exit(2)


def _parallel(
    paths: list[Path], options: Any, overrides: dict[str, float | None], use_lrf: bool, jobs: int
) -> Any:
    """Results of :func:`_read_one` for each path, in order, from ``jobs`` worker processes.

    Workers fork from a clean forkserver process that has preloaded the decoders (as ingest does),
    never from this process, whose BLAS/codec threads make a plain fork unsafe; elsewhere they spawn.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["irpatrol.cli.thermal", "irpatrol.radiometry"])
    else:  # pragma: no cover - Windows, macOS default
        context = multiprocessing.get_context("spawn")  # type: ignore[assignment]
    work = partial(_read_one, options=options, overrides=overrides, use_lrf=use_lrf)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        yield from pool.map(work, paths)


@handles_errors
def render(
    file: Annotated[Path, typer.Argument(help="Radiometric image.")],
    out: Annotated[Path, typer.Option("--out", help="PNG file to write.")],
    palette: Annotated[
        str, typer.Option(help="iron, rainbow, white-hot, black-hot, lava or arctic.")
    ] = "iron",
    isotherm: Annotated[float | None, typer.Option(help="Paint pixels above this temperature, °C.")] = None,
    t_min: Annotated[float | None, typer.Option("--min", help="Colour scale bottom, °C.")] = None,
    t_max: Annotated[float | None, typer.Option("--max", help="Colour scale top, °C.")] = None,
    colorbar: Annotated[bool, typer.Option(help="Draw the colour bar with its °C scale.")] = True,
) -> None:
    """Render the temperatures of FILE as a false-colour PNG."""
    from irpatrol.radiometry import read, render

    png = render.render_png(
        read(file).celsius, palette, t_min=t_min, t_max=t_max, isotherm_c=isotherm, colorbar=colorbar
    )
    _write(out, png)


@handles_errors
def export(
    file: Annotated[Path, typer.Argument(help="Radiometric image.")],
    to: Annotated[str, typer.Option("--to", help="tiff, npy or csv.")],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
) -> None:
    """Write the temperatures of FILE as float32 °C (the TIFF keeps camera, GPS and time)."""
    from irpatrol.radiometry import export as exporter
    from irpatrol.radiometry import read

    if to not in exporter.FORMATS:
        raise ParameterError(f"unknown export format {to!r}; choose one of {', '.join(exporter.FORMATS)}")
    _write(out, exporter.export_bytes(read(file), to))


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise ParameterError(f"cannot write {path}: {exc.strerror or exc}") from exc
