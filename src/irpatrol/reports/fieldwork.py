"""Acceptance and work-site reports (PDF through WeasyPrint, Excel through openpyxl), in English or
Chinese: registry in, file bytes out, for the CLI, the API and the web app.

The acceptance report has the project, the checklist with every item's result and evidence
(photos as thumbnails), the failed items with their rectification, and signature lines for the
inspector, reviewer and approver. The site report has the ticket, the required safety measures and
what was seen, and every violation with its photo and workflow state. Their formats are
registered in :mod:`irpatrol.reports.exports`.
"""

from __future__ import annotations

import base64
import io
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy.orm import Session

from irpatrol.acceptance import service as acceptance
from irpatrol.db import utcnow
from irpatrol.registry.model import Photo
from irpatrol.reports.excel import _cell
from irpatrol.reports.fieldwork_labels import flabel
from irpatrol.reports.labels import label
from irpatrol.reports.service import has_demo_data
from irpatrol.supervision import service as supervision
from irpatrol.supervision.violations import load_catalogue

THUMB_PX = 420
"""Longest side of a photo thumbnail in a report (px)."""
RESULT_FILLS = {"fail": "F8B4B4", "pending": "FFF3B0", "waived": "DDDDFF", "pass": "D5F5D5"}
"""Excel background of a result cell (RGB hex)."""

_env = Environment(
    loader=PackageLoader("irpatrol.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _t(lang: str) -> Any:
    def t(key: str) -> str:
        v = flabel(key, lang)
        return label(key, lang) if v == key else v

    return t


def thumbnail(photo: Photo | None, data_dir: Path | None) -> str | None:
    """A data URI of a JPEG/PNG thumbnail of ``photo`` (a radiometric file rendered in the iron
    palette), None when there is no file."""
    if photo is None or data_dir is None:
        return None
    from PIL import Image as PILImage

    path = Path(photo.path) if Path(photo.path).is_absolute() else data_dir / photo.path
    try:
        if path.suffix.lower() in (".tif", ".tiff"):
            from irpatrol import radiometry
            from irpatrol.radiometry.render import render_png

            png = render_png(radiometry.read(path).celsius, colorbar=True)
            img: PILImage.Image = PILImage.open(io.BytesIO(png))
        else:
            img = PILImage.open(path)
        img = img.convert("RGB")
        img.thumbnail((THUMB_PX, THUMB_PX))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=80)
    except Exception:  # a missing or unreadable file leaves the report without that picture
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def _when(v: datetime | None) -> str:
    return "—" if v is None else v.strftime("%Y-%m-%d %H:%M")


# --- acceptance --------------------------------------------------------------------------------


def acceptance_context(session: Session, project_id: int, lang: str, data_dir: Path | None) -> dict[str, Any]:
    """Everything the acceptance report shows."""
    p = acceptance.get_project(session, project_id)
    checklist = acceptance.checklist_of(p)
    items: list[dict[str, Any]] = []
    for it in p.items:
        spec = checklist.item(it.code)
        ev = [
            {
                "kind": e.kind,
                "value": e.value,
                "unit": e.unit,
                "t_max_c": e.t_max_c,
                "t_ref_c": e.t_ref_c,
                "grade": e.grade,
                "note": e.note,
                "img": thumbnail(e.photo, data_dir),
            }
            for e in it.evidence
        ]
        items.append({"item": it, "spec": spec, "evidence": ev, "pole": it.pole.number if it.pole else None})
    failed = [row for row in items if row["item"].rectifications or row["item"].result == "fail"]
    return {
        "p": p,
        "checklist": checklist,
        "items": items,
        "failed": failed,
        "decision": acceptance.decision(p),
        "generated": utcnow(),
        "demo": has_demo_data(session),
    }


def acceptance_html(
    session: Session, project_id: int, lang: str = "en", *, data_dir: Path | None = None
) -> str:
    """The acceptance report as one self-contained HTML document."""
    ctx = acceptance_context(session, project_id, lang, data_dir)
    return _env.get_template("acceptance_report.html").render(**ctx, lang=lang, t=_t(lang), when=_when)


def acceptance_pdf(
    session: Session, project_id: int, lang: str = "en", *, data_dir: Path | None = None
) -> bytes:
    """The acceptance report of a project as PDF."""
    return _pdf(acceptance_html(session, project_id, lang, data_dir=data_dir))


def acceptance_xlsx(
    session: Session, project_id: int, lang: str = "en", *, data_dir: Path | None = None
) -> bytes:
    """The acceptance report as an Excel workbook: the checklist results and the rectifications."""
    ctx = acceptance_context(session, project_id, lang, None)
    t, p = _t(lang), ctx["p"]
    wb = Workbook()
    ws = wb.active
    ws.title = t("items")[:31]
    ws.append(
        [
            t("project"),
            p.name,
            t("kind_of_work"),
            ctx["checklist"].name(lang),
            t("checklist_version"),
            p.checklist_version,
            t("status_of"),
            t(f"project_{p.status}"),
        ]
    )
    ws.append([])
    heads = [
        t("pole"),
        t("item"),
        t("what_to_check"),
        t("method"),
        t("criterion"),
        t("result"),
        t("item_evidence"),
        t("note"),
        t("why"),
    ]
    ws.append(heads)
    for c in ws[3]:
        c.font = Font(bold=True)
    for row in ctx["items"]:
        it, spec = row["item"], row["spec"]
        ev = "; ".join(_evidence_text(e) for e in row["evidence"])
        ws.append(
            [
                _cell(v)
                for v in (
                    row["pole"] or t("whole_project"),
                    it.code,
                    spec.what(lang),
                    t(f"method_{spec.method}"),
                    spec.criterion(lang),
                    t(f"result_{it.result}"),
                    ev,
                    it.note or "",
                    it.reason or "",
                )
            ]
        )
        fill = RESULT_FILLS.get(it.result)
        if fill:
            ws.cell(row=ws.max_row, column=6).fill = PatternFill("solid", fgColor=fill)
    for col, width in zip("ABCDEFGHI", (10, 20, 30, 16, 40, 10, 30, 24, 24), strict=True):
        ws.column_dimensions[col].width = width
    for r in ws.iter_rows(min_row=4):
        for c in r:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws2 = wb.create_sheet(t("rectifications")[:31])
    ws2.append(
        [
            t("pole"),
            t("item"),
            t("rectification"),
            t("assignee"),
            t("rect_deadline"),
            t("status_of"),
            t("recheck"),
            t("hazard"),
        ]
    )
    for c in ws2[1]:
        c.font = Font(bold=True)
    for row in ctx["failed"]:
        for r in row["item"].rectifications:
            ws2.append(
                [
                    _cell(v)
                    for v in (
                        row["pole"] or "",
                        row["item"].code,
                        r.description,
                        r.assignee,
                        r.deadline.isoformat(),
                        t(f"rect_{r.status}"),
                        f"{r.rechecked_by or ''} {_when(r.rechecked_at)} {r.recheck_note or ''}",
                        f"#{r.hazard_id}" if r.hazard_id else "",
                    )
                ]
            )
    if ctx["demo"]:
        ws.oddFooter.center.text = label("demo_banner", lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _evidence_text(e: dict[str, Any]) -> str:
    parts = [e["kind"]]
    if e["value"] is not None:
        parts.append(f"{e['value']:g} {e['unit'] or ''}".strip())
    if e["t_max_c"] is not None:
        parts.append(f"T1 {e['t_max_c']:.1f} °C")
    if e["grade"]:
        parts.append(f"grade {e['grade']}")
    return " ".join(parts)


# --- work sites --------------------------------------------------------------------------------


def site_context(session: Session, site_id: int, lang: str, data_dir: Path | None) -> dict[str, Any]:
    """Everything the site report shows."""
    site = supervision.get_site(session, site_id)
    cat = load_catalogue()
    measures = [
        {"m": m, "name": cat.measure(m.kind).name(lang), "img": thumbnail(m.photo, data_dir)}
        for m in site.measures
    ]
    violations = [
        {"v": v, "name": cat.type(v.type).name(lang), "img": thumbnail(v.photo, data_dir)}
        for v in site.violations
    ]
    return {
        "site": site,
        "measures": measures,
        "violations": violations,
        "generated": utcnow(),
        "demo": has_demo_data(session),
    }


def site_html(session: Session, site_id: int, lang: str = "en", *, data_dir: Path | None = None) -> str:
    """The site report as one self-contained HTML document."""
    ctx = site_context(session, site_id, lang, data_dir)
    return _env.get_template("site_report.html").render(**ctx, lang=lang, t=_t(lang), when=_when)


def site_pdf(session: Session, site_id: int, lang: str = "en", *, data_dir: Path | None = None) -> bytes:
    """The supervision report of a work site as PDF."""
    return _pdf(site_html(session, site_id, lang, data_dir=data_dir))


def site_xlsx(session: Session, site_id: int, lang: str = "en", *, data_dir: Path | None = None) -> bytes:
    """The site report as an Excel workbook: measures and violations."""
    ctx = site_context(session, site_id, lang, None)
    t, site = _t(lang), ctx["site"]
    wb = Workbook()
    ws = wb.active
    ws.title = t("safety_measures")[:31]
    ws.append(
        [
            t("ticket_no"),
            site.ticket_no,
            t("feeder"),
            site.feeder.name if site.feeder else "",
            t("time_window"),
            f"{_when(site.starts_at)} – {_when(site.ends_at)}",
        ]
    )
    ws.append([])
    ws.append([t("measure"), t("pole"), t("status_of"), t("observer"), t("observed_at")])
    for row in ctx["measures"]:
        m = row["m"]
        ws.append(
            [
                _cell(v)
                for v in (
                    row["name"],
                    m.pole.number if m.pole else "",
                    t(f"measure_{m.status}"),
                    m.observer or "",
                    _when(m.observed_at),
                )
            ]
        )
    ws2 = wb.create_sheet(t("violations")[:31])
    ws2.append(
        [
            "#",
            t("violation_type"),
            t("status_of"),
            t("observed_at"),
            t("observer"),
            t("position"),
            t("description"),
            t("why"),
        ]
    )
    for row in ctx["violations"]:
        v = row["v"]
        pos = f"{v.lat:.6f}, {v.lon:.6f}" if v.lat is not None and v.lon is not None else ""
        ws2.append(
            [
                _cell(x)
                for x in (
                    v.id,
                    row["name"],
                    t(f"v_{v.status}"),
                    _when(v.observed_at),
                    v.observer or "",
                    pos,
                    v.description or "",
                    v.reason or "",
                )
            ]
        )
    for sheet in (ws, ws2):
        for col in "ABCDEFGH":
            sheet.column_dimensions[col].width = 22
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
