"""Read-side helpers for routes: one record by id (404 otherwise), and paging for list endpoints
(one query, a whitelist of sort keys, a total count)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from irpatrol.api.deps import PageParams
from irpatrol.api.schemas import Page
from irpatrol.errors import NotFound, ParameterError


def get_record[M](session: Session, model: type[M], record_id: int, **options: Any) -> M:
    """The ``model`` row with that id (``options`` go to ``Session.get``); NotFound
    ("no <model> <id>") otherwise."""
    record = session.get(model, record_id, **options)
    if record is None:
        raise NotFound(f"no {model.__name__.lower()} {record_id}")
    return record


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


def paginate[T: BaseModel](
    session: Session,
    stmt: Select[Any],
    page: PageParams,
    item: type[T],
    *,
    columns: Mapping[str, Any],
    default_sort: str = "id",
) -> Page[T]:
    """One page of ``stmt`` (one entity per row), each row read into ``item``."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.scalars(
        stmt.order_by(*order_by(page.sort, columns, default_sort)).offset(page.offset).limit(page.per_page)
    ).all()
    return Page[item].model_validate(  # type: ignore[valid-type]
        {"items": list(rows), "total": total, "page": page.page, "per_page": page.per_page},
        from_attributes=True,
    )
