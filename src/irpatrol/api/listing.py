"""Read-side helpers for routes: one record by id (404 otherwise), and a page of a list endpoint
through the registry's one search/sort/paginate helper (:mod:`irpatrol.registry.listing`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import Session

from irpatrol.api.schemas import Page
from irpatrol.errors import NotFound
from irpatrol.registry.listing import PageRequest, Sorting, search_page

__all__ = ["get_record", "paginate"]


def get_record[M](session: Session, model: type[M], record_id: int, **options: Any) -> M:
    """The ``model`` row with that id (``options`` go to ``Session.get``); NotFound
    ("no <model> <id>") otherwise."""
    record = session.get(model, record_id, **options)
    if record is None:
        raise NotFound(f"no {model.__name__.lower()} {record_id}")
    return record


def paginate[T: BaseModel](
    session: Session,
    stmt: Select[Any],
    page: PageRequest,
    item: type[T],
    *,
    columns: Mapping[str, Any],
    default_sort: str = "id",
) -> Page[T]:
    """One page of ``stmt`` (one entity per row) sorted by ``columns`` (the id breaks ties), each
    row read into ``item``."""
    sorting = Sorting(columns=columns, default=default_sort, tiebreak=columns.get("id"))
    found = search_page(session, stmt, page, sorting)
    return Page[item].model_validate(  # type: ignore[valid-type]
        {"items": found.items, "total": found.total, "page": found.page, "per_page": found.per_page},
        from_attributes=True,
    )
