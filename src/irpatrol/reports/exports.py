"""Every export format, registered once: ``EXPORTERS[format]`` gives its media type, its file name
suffix and its writer for each kind of document it can render. The API, the CLI and the web pages
all export through :func:`export`, and list what they offer with :func:`formats`, so a new format
is one entry here plus its writer (a function ``(session, query, lang) -> bytes``).

Kinds of document and the query that chooses one:

============  ===================  =================================================
kind          query                content
============  ===================  =================================================
``ledger``    :class:`LedgerQuery`  defects matching filters (the ledger's columns)
``feeder``    :class:`FeederQuery`  a feeder's open and recently closed defects
``period``    :class:`PeriodQuery`  the patrols and defects between two dates
``patrol``    :class:`RecordQuery`  one patrol's report
``site``      :class:`RecordQuery`  one work site's supervision report
``acceptance``:class:`RecordQuery`  one acceptance project's report
============  ===================  =================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from irpatrol.errors import InputError
from irpatrol.reports import fieldwork, scope, service

__all__ = [
    "EXPORTERS",
    "KMZ_MEDIA_TYPE",
    "XLSX_MEDIA_TYPE",
    "ExportFile",
    "Exporter",
    "FeederQuery",
    "LedgerQuery",
    "PeriodQuery",
    "RecordQuery",
    "export",
    "formats",
    "media_types",
    "report_file",
]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KMZ_MEDIA_TYPE = "application/vnd.google-earth.kmz"


@dataclass(frozen=True)
class LedgerQuery:
    """The defects of the ledger: the registry's defect filters and a sort key."""

    filters: service.Filters = None
    sort: str = "-grade"

    @property
    def stem(self) -> str:
        return f"irpatrol-ledger-{datetime.now(UTC).strftime('%Y%m%d-%H%M')}"


@dataclass(frozen=True)
class FeederQuery:
    """One feeder, with the defects closed in the last ``closed_days`` days; images from
    ``data_dir`` (for the formats that show them)."""

    feeder_id: int
    closed_days: int = 90
    data_dir: Path | None = None

    @property
    def stem(self) -> str:
        return f"irpatrol-feeder-{self.feeder_id}"


@dataclass(frozen=True)
class PeriodQuery:
    """The days ``date_from`` to ``date_to`` (inclusive, local), optionally one area."""

    date_from: date
    date_to: date
    area: str | None = None
    data_dir: Path | None = None

    def __post_init__(self) -> None:
        scope.check_period(self.date_from, self.date_to)  # refused before anything is read

    @property
    def stem(self) -> str:
        return f"irpatrol-period-{self.date_from}-{self.date_to}"


@dataclass(frozen=True)
class RecordQuery:
    """One record (a patrol, a work site, an acceptance project) by id."""

    kind: str
    record_id: int
    data_dir: Path | None = None

    @property
    def stem(self) -> str:
        prefix = "irpatrol-" if self.kind == "patrol" else ""
        return f"{prefix}{self.kind}-{self.record_id}"


Writer = Callable[[Session, Any, str], bytes]
"""``(session, query, lang) -> bytes``: one kind of document in one format."""


@dataclass(frozen=True)
class Exporter:
    """One export format: its media type, its file name suffix and a writer per kind of document."""

    media_type: str
    suffix: str
    writers: Mapping[str, Writer]


@dataclass(frozen=True)
class ExportFile:
    """A rendered export: its bytes, media type and the file name offered for download."""

    data: bytes
    media_type: str
    filename: str


def _ledger_xlsx(session: Session, q: LedgerQuery, lang: str) -> bytes:
    return service.ledger_xlsx(session, lang=lang, filters=q.filters, sort=q.sort)


def _ledger_csv(session: Session, q: LedgerQuery, lang: str) -> bytes:
    return service.ledger_csv(session, lang=lang, filters=q.filters, sort=q.sort)


def _feeder_pdf(session: Session, q: FeederQuery, lang: str) -> bytes:
    report = service.feeder_report(session, q.feeder_id, closed_days=q.closed_days, data_dir=q.data_dir)
    return service.scope_pdf(report, lang)


def _feeder_xlsx(session: Session, q: FeederQuery, lang: str) -> bytes:
    report = service.feeder_report(session, q.feeder_id, closed_days=q.closed_days)
    return service.scope_xlsx(session, report, lang)


def _period_pdf(session: Session, q: PeriodQuery, lang: str) -> bytes:
    report = service.period_report(session, q.date_from, q.date_to, area=q.area, data_dir=q.data_dir)
    return service.scope_pdf(report, lang)


def _period_xlsx(session: Session, q: PeriodQuery, lang: str) -> bytes:
    report = service.period_report(session, q.date_from, q.date_to, area=q.area)
    return service.scope_xlsx(session, report, lang)


def _patrol_pdf(session: Session, q: RecordQuery, lang: str) -> bytes:
    return service.patrol_pdf(session, q.record_id, lang=lang, data_dir=q.data_dir)


def _fieldwork(writer: Callable[..., bytes]) -> Writer:
    def write(session: Session, q: RecordQuery, lang: str) -> bytes:
        return writer(session, q.record_id, lang, data_dir=q.data_dir)

    return write


EXPORTERS: dict[str, Exporter] = {
    "pdf": Exporter("application/pdf", "pdf", {
        "feeder": _feeder_pdf,
        "period": _period_pdf,
        "patrol": _patrol_pdf,
        "site": _fieldwork(fieldwork.site_pdf),
        "acceptance": _fieldwork(fieldwork.acceptance_pdf),
    }),
    "xlsx": Exporter(XLSX_MEDIA_TYPE, "xlsx", {
        "ledger": _ledger_xlsx,
        "feeder": _feeder_xlsx,
        "period": _period_xlsx,
        "site": _fieldwork(fieldwork.site_xlsx),
        "acceptance": _fieldwork(fieldwork.acceptance_xlsx),
    }),
    "csv": Exporter("text/csv; charset=utf-8", "csv", {"ledger": _ledger_csv}),
}
"""Format → media type, file name suffix and writers; the one table of export formats."""


def formats(kind: str) -> tuple[str, ...]:
    """The formats a ``kind`` of document can be exported as, in the table's order."""
    return tuple(fmt for fmt, exporter in EXPORTERS.items() if kind in exporter.writers)


def media_types(kind: str) -> tuple[str, ...]:
    """The media types (without parameters) of ``kind``'s formats, for an OpenAPI description."""
    return tuple(EXPORTERS[fmt].media_type.split(";")[0] for fmt in formats(kind))


def report_file(
    session: Session, kind: str, record_id: int, fmt: str, lang: str, *, data_dir: Path | None
) -> ExportFile:
    """The report of one record (``kind`` ``patrol``, ``site`` or ``acceptance``) as ``fmt``."""
    return export(session, kind, fmt, RecordQuery(kind, record_id, data_dir), lang)


def export(session: Session, kind: str, fmt: str, query: Any, lang: str) -> ExportFile:
    """``kind`` chosen by ``query`` as ``fmt`` in ``lang``; InputError naming the formats there are
    for a format that does not render this kind."""
    exporter = EXPORTERS.get(fmt)
    writer = exporter.writers.get(kind) if exporter else None
    if exporter is None or writer is None:
        raise InputError(f"report format {fmt!r}: one of {', '.join(formats(kind))}")
    return ExportFile(writer(session, query, lang), exporter.media_type, f"{query.stem}.{exporter.suffix}")
