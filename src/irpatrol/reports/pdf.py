"""The patrol report as PDF: HTML from a Jinja2 template, laid out by WeasyPrint.

WeasyPrint (Pango/HarfBuzz) embeds subsets of the system's Noto CJK fonts (Debian's
fonts-noto-cjk, installed by ``scripts/system-deps.sh``), so Chinese text is both shown and
extractable from the PDF.
"""

from __future__ import annotations

import base64
from datetime import datetime

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from irpatrol import figures
from irpatrol.registry.grades import defect_grades
from irpatrol.reports.content import REPORT_META_KEYS, DefectSection, PatrolReport
from irpatrol.reports.labels import grade_label, label, status_label
from irpatrol.reports.ledger import component_name
from irpatrol.reports.minimap import minimap_svg
from irpatrol.reports.scope import ScopeReport
from irpatrol.reports.system_text import system_text
from irpatrol.reports.timefmt import local_text, zone_label
from irpatrol.reports.why import explain, why_label

_env = Environment(
    loader=PackageLoader("irpatrol.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def patrol_html(report: PatrolReport, lang: str = "en") -> str:
    """The report as one self-contained HTML document (images inline as data URIs)."""
    template = _env.get_template("patrol_report.html")
    return template.render(
        r=report,
        footer=css_text(f"{label('report_title', lang)} · {label('patrol', lang)} {report.patrol_id}"),
        **_helpers(report.defects, lang),
    )


def scope_html(report: ScopeReport, lang: str = "en") -> str:
    """A feeder or period report as one self-contained HTML document."""
    return _env.get_template("scope_report.html").render(
        r=report, title=scope_title(report, lang), footer=css_text(scope_title(report, lang)),
        **_helpers(report.defects, lang),
    )


def scope_pdf(report: ScopeReport, lang: str = "en") -> bytes:
    """The PDF feeder or period report of ``report`` with labels in ``lang``."""
    from weasyprint import HTML

    return HTML(string=scope_html(report, lang)).write_pdf()


def scope_title(report: ScopeReport, lang: str = "en") -> str:
    """"Feeder report — 10kV Qingshan Line" or "Period report 2026-01-01 – 2026-01-31 · East"."""
    if report.kind == "feeder":
        return f"{label('feeder_report', lang)} — {report.feeder}"
    period = f"{report.date_from.isoformat() if report.date_from else ''} – " \
             f"{report.date_to.isoformat() if report.date_to else ''}"
    return f"{label('period_report', lang)} {period}" + (f" · {report.area}" if report.area else "")


def css_text(text: str) -> Markup:
    """``text`` safe inside a CSS string in the page's ``<style>`` (the page footer): quotes,
    backslashes and ``<`` escaped the CSS way, line breaks as spaces."""
    out = []
    for ch in text:
        if ch in '\\"<>&':
            out.append(f"\\{ord(ch):x} ")
        elif ch in "\r\n\f":
            out.append(" ")
        else:
            out.append(ch)
    return Markup("".join(out))


def _helpers(defects: object, lang: str) -> dict[str, object]:
    """What every report template uses: labels in ``lang`` and the formatting helpers."""
    return dict(
        lang=lang,
        t=lambda key: label(key, lang),
        grade=lambda g: grade_label(g, lang),
        defect_grade=lambda g: label(f"defect_{g}", lang),
        status=lambda s: status_label(s, lang),
        component=lambda k: component_name(k, lang),
        num=_num,
        when=_when,
        data_uri=_data_uri,
        by_grade=_count_by_grade(defects),  # type: ignore[arg-type]
        zone=zone_label(lang),
        meta_keys=[k for k in REPORT_META_KEYS if k != "report_no"],
        why=lambda facts: explain(facts, lang) if facts is not None else [],
        wl=lambda key: why_label(key, lang),
        minimap=lambda d: _minimap_uri(d, lang),
        sys_text=lambda s: system_text(s, lang),
    )


def _minimap_uri(d: DefectSection, lang: str) -> str | None:
    """The defect's small offline map (:mod:`.minimap`) as an SVG data URI, or None."""
    svg = minimap_svg(d.map_poles, d.pole, lang) if d.map_poles and d.pole else None
    return None if svg is None else _data_uri(svg.encode("utf-8"), "image/svg+xml")


def patrol_pdf(report: PatrolReport, lang: str = "en") -> bytes:
    """The PDF patrol report of ``report`` with labels in ``lang`` (``en`` or ``zh``)."""
    from weasyprint import HTML  # heavy import, only when a PDF is made

    return HTML(string=patrol_html(report, lang)).write_pdf()


def _num(value: float | None, digits: int = 1, unit: str = "") -> str:
    """``value`` written by :func:`irpatrol.figures.number` (the pages' rule), then ``unit``."""
    if value is None:
        return "—"
    return f"{figures.number(value, digits)}{(' ' + unit) if unit else ''}"


def _when(value: datetime | None, with_time: bool = True) -> str:
    """In the configured zone (``IRPATROL_TIMEZONE``, default Asia/Shanghai), named on the cover."""
    return local_text(value, with_time)


def _data_uri(data: bytes | None, mime: str) -> str | None:
    return None if not data else f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _count_by_grade(defects: list[DefectSection]) -> dict[str, int]:
    counts = dict.fromkeys(defect_grades(), 0)
    for d in defects:
        counts[d.grade] = counts.get(d.grade, 0) + 1
    return counts
