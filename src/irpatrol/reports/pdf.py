"""The patrol report as PDF: HTML from a Jinja2 template, laid out by WeasyPrint.

WeasyPrint (Pango/HarfBuzz) embeds subsets of the system's Noto CJK fonts (Debian's
fonts-noto-cjk, installed by ``scripts/system-deps.sh``), so Chinese text is both shown and
extractable from the PDF.
"""

from __future__ import annotations

import base64
from datetime import datetime

from jinja2 import Environment, PackageLoader, select_autoescape

from irpatrol import figures
from irpatrol.reports.content import REPORT_META_KEYS, PatrolReport
from irpatrol.reports.labels import grade_label, label, status_label
from irpatrol.reports.ledger import component_name
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
        lang=lang,
        t=lambda key: label(key, lang),
        grade=lambda g: grade_label(g, lang),
        defect_grade=lambda g: label(f"defect_{g}", lang),
        status=lambda s: status_label(s, lang),
        component=lambda k: component_name(k, lang),
        num=_num,
        when=_when,
        data_uri=_data_uri,
        by_grade=_count_by_grade(report),
        zone=zone_label(lang),
        meta_keys=[k for k in REPORT_META_KEYS if k != "report_no"],
        why=lambda facts: explain(facts, lang) if facts is not None else [],
        wl=lambda key: why_label(key, lang),
    )


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


def _count_by_grade(report: PatrolReport) -> dict[str, int]:
    counts = {"critical": 0, "serious": 0, "general": 0}
    for d in report.defects:
        counts[d.grade] = counts.get(d.grade, 0) + 1
    return counts
