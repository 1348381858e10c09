"""Bodies of the asset registry: areas, feeders, poles and their import."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from irpatrol.api.schemas.common import ReadModel


class FeederRead(ReadModel):
    """A feeder (10 kV line)."""

    id: int
    name: str
    area_id: int | None
    voltage_kv: float
    length_m: float | None
    rated_current_a: float | None
    urban: bool | None
    external_id: str | None


class PoleRead(ReadModel):
    """A pole of a feeder."""

    id: int
    feeder_id: int
    number: str
    seq: int
    lat: float
    lon: float
    pole_type: str | None
    external_id: str | None


class ImportResult(BaseModel):
    """What an asset import did (as the import service reports it)."""

    summary: dict[str, Any]


class AreaRead(BaseModel):
    """A service area with its number of feeders."""

    id: int
    name: str
    feeders: int


class Deleted(BaseModel):
    """A deletion that was carried out and recorded in the audit log with its reason."""

    kind: str
    id: int
    reason: str
