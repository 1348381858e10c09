"""Read-side paging for list endpoints: one query, a whitelist of sort keys, a total count."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from irpatrol.api.deps import PageParams
from irpatrol.errors import ParameterError


def order_by(sort: str | None, columns: Mapping[str, Any], default: str) -> list[ColumnElement[Any]]:
    """ORDER BY terms for ``sort`` (``field`` or ``-field``, comma-separated), with the id as a
    final tie-breaker; ParameterError naming the allowed fields for anything else."""
    terms: list[ColumnElement[Any]] = []
    for part in (sort or default).split(","):
        key = part.strip()
        descending = key.startswith("-")
        key = key.lstrip("-+")
        if key not in columns:
            raise ParameterError(f"cannot sort by {key!r}; one of {', '.join(sorted(columns))}")
        column = columns[key]
        terms.append(column.desc() if descending else column.asc())
    if "id" in columns:
        terms.append(columns["id"].asc())
    return terms


def paginate(
    session: Session,
    stmt: Select[Any],
    page: PageParams,
    *,
    columns: Mapping[str, Any],
    default_sort: str = "id",
) -> dict[str, Any]:
    """``{"items", "total", "page", "per_page"}`` for ``stmt`` (one entity per row)."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.scalars(
        stmt.order_by(*order_by(page.sort, columns, default_sort)).offset(page.offset).limit(page.per_page)
    ).all()
    return {"items": list(rows), "total": total, "page": page.page, "per_page": page.per_page}
