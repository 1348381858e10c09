"""What every request and response body shares: the ORM-read base, the page of a list and
the field types used across domains."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["viewer", "pilot", "analyst", "admin"]
Language = Literal["en", "zh"]
ShortText = Field(min_length=1, max_length=200)


class ReadModel(BaseModel):
    """Base of response bodies read from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


class Page[T](BaseModel):
    """One page of a list: ``items`` plus the ``total`` count over all pages."""

    items: list[T]
    total: int = Field(description="Items matching the filters, over all pages")
    page: int
    per_page: int
