"""``irpatrol thermal read | render | export``: temperatures, pictures and exports of camera files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from irpatrol.cli.common import handles_errors, print_json_line
from irpatrol.cli.thermal_summary import summary
from irpatrol.cli.thermal_summary import text_block as _text_block
from irpatrol.errors import IrPatrolError, ParameterError

OVERRIDES_HELP = "Override the file's embedded value"


def register(app: typer.Typer) -> None:
    """Add the ``thermal`` group to the irpatrol command."""
    thermal = typer.Typer(help="Read, render and export radiometric images.", no_args_is_help=True)
    thermal.command("read")(read)
    thermal.command("render")(render)
    thermal.command("export")(export)
    app.add_typer(thermal, name="thermal")


SUFFIXES = frozenset({".jpg", ".jpeg", ".tif", ".tiff", ".fff", ".seq", ".csq"})
"""File name endings ``thermal read DIR`` picks up (case-insensitive); the content decides the format."""


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


EmissivityOpt = Annotated[float | None, typer.Option(help=f"{OVERRIDES_HELP} (0–1].")]
DistanceOpt = Annotated[float | None, typer.Option(help=f"{OVERRIDES_HELP}: object distance, m.")]
ReflectedOpt = Annotated[float | None, typer.Option(help=f"{OVERRIDES_HELP}: reflected temperature, °C.")]
HumidityOpt = Annotated[float | None, typer.Option(help=f"{OVERRIDES_HELP}: relative humidity, %.")]
AtmosphericOpt = Annotated[float | None, typer.Option(help=f"{OVERRIDES_HELP}: air temperature, °C.")]
UseLrfOpt = Annotated[
    bool,
    typer.Option("--use-lrf", help="Use the laser-rangefinder distance (DJI XMP) where the file has one."),
]
TiffScaleOpt = Annotated[
    float | None,
    typer.Option(
        "--tiff-scale",
        help="K per count of a uint16 kelvin-count TIFF: 0.04 (FLIR Duo Pro R / Vue Pro R) or 0.01"
        " (high-resolution mode); default: from the camera model and the values.",
    ),
]
DjiBackendOpt = Annotated[
    str,
    typer.Option(
        "--dji-backend", help="DJI R-JPEG back-end: dji-thermal-cli (default) or libdirp (DJI's own SDK)."
    ),
]
DirpLibOpt = Annotated[
    Path | None,
    typer.Option(
        "--dirp-lib", help="Path of DJI's libdirp.so for --dji-backend libdirp (or IRPATROL_DIRP_LIB)."
    ),
]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Files read in parallel (processes).")]
ProgressOpt = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress", help="Progress lines on stderr (default: when stderr is a terminal)."
    ),
]


@handles_errors
def read(
    files: Annotated[
        list[Path], typer.Argument(help="Radiometric JPEG, FFF/SEQ/CSQ or TIFF files, or folders to walk.")
    ],
    json: Annotated[bool, typer.Option("--json", help="One JSON object per frame, one per line.")] = False,
    emissivity: EmissivityOpt = None,
    distance: DistanceOpt = None,
    reflected: ReflectedOpt = None,
    humidity: HumidityOpt = None,
    atmospheric: AtmosphericOpt = None,
    use_lrf: UseLrfOpt = False,
    tiff_scale: TiffScaleOpt = None,
    dji_backend: DjiBackendOpt = "dji-thermal-cli",
    dirp_lib: DirpLibOpt = None,
    jobs: JobsOpt = 1,
    progress: ProgressOpt = None,
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
    report = _ReadReport(json, sys.stderr.isatty() if progress is None else progress, len(paths))
    if _read_files(paths, options, overrides, use_lrf, jobs, report):
        raise typer.Exit(2)


class _ReadReport:
    """Where ``thermal read`` writes: each frame's summary on stdout (JSON lines or text blocks),
    failures and (when ``show``) progress lines on stderr."""

    def __init__(self, json: bool, show: bool, total: int) -> None:
        self.json, self.show, self.total = json, show, total

    def emit(self, s: dict[str, Any]) -> None:
        if self.json:
            print_json_line(s)
        else:
            typer.echo(_text_block(s))

    def done(self, i: int, path: Path, frames: int, error: str | None) -> None:
        if error is not None:
            typer.echo(f"irpatrol: {path}: {error}", err=True)
        if self.show:
            what = "failed" if error is not None else f"{frames} frame{'s' if frames != 1 else ''}"
            typer.echo(f"[{i}/{self.total}] {path}: {what}", err=True)


def _read_files(
    paths: list[Path], options: Any, overrides: dict[str, float | None], use_lrf: bool, jobs: int,
    report: _ReadReport,
) -> int:
    """Read ``paths`` in order (streamed one by one, or by ``jobs`` processes), reporting each frame
    and each file; the number of files that failed."""
    failed = 0
    if jobs == 1 or len(paths) < 2:
        for i, path in enumerate(paths, 1):
            count = 0

            def counted(s: dict[str, Any]) -> None:
                nonlocal count
                count += 1
                report.emit(s)

            error = _stream_one(path, options, overrides, use_lrf, counted)
            failed += error is not None
            report.done(i, path, count, error)
    else:
        for i, (path, (summaries, error)) in enumerate(
            zip(paths, _parallel(paths, options, overrides, use_lrf, jobs), strict=True), 1
        ):
            for s in summaries:
                report.emit(s)
            failed += error is not None
            report.done(i, path, len(summaries), error)
    return failed


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
