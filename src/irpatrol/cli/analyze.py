"""``irpatrol analyze FILE…``: hotspots with their references and grades, as text, JSON or PNGs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from irpatrol.analysis.annotate import Mark, annotate_png
from irpatrol.cli.common import handles_errors, print_json_line
from irpatrol.conditions import Conditions
from irpatrol.errors import InputError, IrPatrolError, ParameterError
from irpatrol.pipeline import Examination, Finding, check_names, examine
from irpatrol.radiometry import read


def _severity(f: Finding) -> int:
    """Outline colour level 0–3 from the diagnosis' grade level (0 = no defect)."""
    level = f.diagnosis.to_dict().get("grade_level")
    return max(0, min(3, level)) if isinstance(level, int) else 1


def _num(v: float | None, unit: str, fmt: str = ".1f") -> str:
    return "–" if v is None else f"{v:{fmt}} {unit}"


def _text(path: Path, ex: Examination) -> list[str]:
    n = len(ex.hotspots)
    lines = [f"{path}: {ex.width}×{ex.height}, T0 {ex.t0_c:.1f} °C ({ex.t0_source}), "
             f"{n} hotspot{'s' if n != 1 else ''} [{ex.standard}, {ex.device}]"]
    for i, f in enumerate(ex.hotspots, 1):
        h, d = f.hotspot, f.diagnosis.to_dict()
        lines.append(
            f"  #{i} bbox {h.bbox} T1 {h.t_max_c:.1f} °C at {h.max_xy}  "
            f"T2 {_num(h.t2_c, '°C')} ({h.t2_source})  ΔT {_num(h.delta_t_k, 'K')}  "
            f"τ {_num(h.rise_k, 'K')}  δ {_num(h.delta_pct, '%')}  "
            f"→ {d.get('grade')} {d.get('grade_zh') or ''}"
        )
        if d.get("unrated_reason"):
            lines.append(f"     unrated: {d['unrated_reason']}" + ("; review" if d.get("review") else ""))
        flags = list(dict.fromkeys([*(d.get("flags") or []), *h.flags]))
        extra = [f"rule {d['rule']}" if d.get("rule") else "",
                 f"clause {d['clause']}" if d.get("clause") else "",
                 f"flags {', '.join(flags)}" if flags else "",
                 f"trusted target ≥ {1000 * h.min_target_m:.0f} mm" if h.min_target_m else ""]
        if any(extra):
            lines.append("     " + "; ".join(e for e in extra if e))
    return lines


def _label(f: Finding) -> str:
    h = f.hotspot
    dt = "" if h.delta_t_k is None else f" dT {h.delta_t_k:.1f} K"
    return f"T1 {h.t_max_c:.1f}°C{dt} {f.grade}"


def _annotation_name(path: Path, taken: set[str]) -> str:
    """The annotated PNG's file name for ``path``: ``<stem>.annotated.png``, or ``<stem>-2…`` when an
    earlier file of the same run had that name (DJI names every flight's frames DJI_0001_R.JPG…, so
    frames of two folders would otherwise overwrite each other). Adds the name to ``taken``."""
    name, k = f"{path.stem}.annotated.png", 1
    while name in taken:
        k += 1
        name = f"{path.stem}-{k}.annotated.png"
    taken.add(name)
    return name


def _write_annotation(directory: Path, name: str, celsius: Any, ex: Examination, palette: str) -> Path:
    marks = [Mark(f.hotspot.contour, _label(f), _severity(f)) for f in ex.hotspots]
    references = {f.hotspot.t2_bbox: f.hotspot.t2_c for f in ex.hotspots if f.hotspot.t2_bbox is not None}
    for (x, y, w, h), t2 in references.items():
        corners = np.array([[x, y], [x + w - 1, y], [x + w - 1, y + h - 1], [x, y + h - 1]])
        marks.append(Mark(corners, f"T2 {t2:.1f}°C", severity=0))
    out = directory / name
    try:
        directory.mkdir(parents=True, exist_ok=True)
        out.write_bytes(annotate_png(celsius, marks, palette=palette))
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), source=str(out)) from exc
    return out


def _bbox(text: str | None) -> tuple[int, int, int, int] | None:
    if text is None:
        return None
    try:
        x, y, w, h = (int(v) for v in text.split(","))
    except ValueError:
        raise ParameterError(f"--reference must be x,y,w,h in pixels, got {text!r}") from None
    return x, y, w, h


Num = float | None
"""An optional number option."""


def register(app: typer.Typer) -> None:
    """Add ``irpatrol analyze``."""

    @app.command("analyze")
    @handles_errors
    def analyze(
        files: Annotated[list[Path], typer.Argument(help="Radiometric images (R-JPEG, FFF/SEQ, TIFF).")],
        standard: Annotated[str, typer.Option(help="Rule set: dlt664-2016, neta-mts …")] = "dlt664-2016",
        device: Annotated[str, typer.Option(help="Component kind.")] = "parallel-groove-clamp",
        ambient: Annotated[Num, typer.Option(help="Ambient T0 (°C); default: background median.")] = None,
        wind: Annotated[Num, typer.Option(help="Wind speed (m/s).")] = None,
        humidity: Annotated[Num, typer.Option(help="Relative humidity (%).")] = None,
        rain: Annotated[bool, typer.Option("--rain", help="Rain, snow or fog at the time.")] = False,
        load_current: Annotated[Num, typer.Option(help="Load current (A).")] = None,
        rated_current: Annotated[Num, typer.Option(help="Rated current (A).")] = None,
        default_emissivity: Annotated[bool, typer.Option(
            "--default-emissivity", help="The camera's default emissivity was used.")] = False,
        reference: Annotated[str | None, typer.Option(help="T2 region x,y,w,h (px), not automatic.")] = None,
        ifov: Annotated[Num, typer.Option(
            help="Camera pixel IFOV (mrad) for the trusted target size; default: known cameras.")] = None,
        json_out: Annotated[bool, typer.Option("--json", help="One JSON object per file.")] = False,
        annotate: Annotated[Path | None, typer.Option(help="Write annotated PNGs into this folder.")] = None,
        palette: Annotated[str, typer.Option(help="Palette of the annotated PNGs.")] = "iron",
        heating: Annotated[str | None, typer.Option(
            help="current or voltage: the table for parts that have both (DL/T 664 H.1 or I.1); "
                 "default: from each hotspot's thermal pattern.")] = None,
        detector: Annotated[str, typer.Option(
            help="auto (aerial frames by their line structure, close-ups by warm regions), "
                 "structure or regions.")] = "auto",
    ) -> None:
        """Find hotspots, choose T2 and T0, and grade each by the standard."""
        check_names(standard, device)
        conditions = Conditions(wind_m_s=wind, humidity_pct=humidity, rain=rain, load_current_a=load_current,
                                rated_current_a=rated_current, default_emissivity=default_emissivity)
        ref_bbox = _bbox(reference)
        failed = 0
        taken: set[str] = set()  # annotated PNG names of this run
        for path in files:
            try:
                thermogram = read(path)
                ex = examine(thermogram, standard=standard, device=device, ambient_c=ambient,
                             conditions=conditions, reference_bbox=ref_bbox, ifov_mrad=ifov, heating=heating,
                             detector=detector)
                png = annotate and _write_annotation(
                    annotate, _annotation_name(path, taken), thermogram.celsius, ex, palette)
            except IrPatrolError as exc:
                failed += 1
                source = "" if exc.source else f"{path}: "
                typer.echo(f"irpatrol: {source}{exc}", err=True)
                continue
            if json_out:
                extra = {"annotated": str(png)} if png else {}
                print_json_line({"file": str(path), **ex.to_dict(), **extra})
            else:
                typer.echo("\n".join(_text(path, ex) + ([f"  annotated: {png}"] if png else [])))
        if failed:
            raise typer.Exit(2)
