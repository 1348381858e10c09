"""Bodies of patrols, images, uploads and ingest jobs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from irpatrol.api.schemas.common import ReadModel
from irpatrol.registry.patrols import WEATHER_RANGES


def _weather_field(name: str, description: str) -> Any:
    """An optional number of :data:`irpatrol.registry.patrols.WEATHER_RANGES` ``name``, bounds included."""
    lo, hi = WEATHER_RANGES[name]
    return Field(default=None, ge=lo, le=hi, allow_inf_nan=False, description=description)


class PatrolCreate(BaseModel):
    """A patrol entered by hand: the patrol of ``crew`` on ``date`` is created, or updated with
    the feeders, weather and load currents given (ingest finds it by the same date and crew)."""

    date: date
    feeders: list[str] = Field(min_length=1, max_length=100, description="Feeder names flown")
    crew: str | None = Field(default=None, max_length=200)
    ambient_c: float | None = Field(default=None, ge=-60, le=60)
    humidity_pct: float | None = Field(default=None, ge=0, le=100)
    wind_m_s: float | None = Field(default=None, ge=0, le=60)
    rain: bool = False
    load_current_a: dict[str, float] | None = Field(
        default=None, description="Load current per feeder name (A)"
    )


class PatrolRead(ReadModel):
    """A patrol."""

    id: int
    date: date
    crew_id: int | None
    drone_id: int | None
    ambient_c: float | None
    humidity_pct: float | None
    wind_m_s: float | None
    rain: bool
    km_flown: float
    note: str | None
    created_at: datetime


class PatrolFeederRead(BaseModel):
    """A feeder flown in a patrol and its load current then (A)."""

    name: str
    load_current_a: float | None


class PatrolDetail(BaseModel):
    """A patrol with its feeders, counts and km flown (same keys as the CLI's patrol summary)."""

    id: int
    date: date
    crew: str | None
    feeders: list[PatrolFeederRead]
    ambient_c: float | None
    humidity_pct: float | None
    wind_m_s: float | None
    rain: bool
    km_flown: float
    images: int
    rejected: int
    findings: int
    poles_inspected: int


class ImageRead(ReadModel):
    """A stored camera image."""

    id: int
    sha256: str
    original_name: str
    patrol_id: int | None
    status: str
    reason: str | None
    camera: str | None
    source_format: str | None
    width: int | None
    height: int | None
    lat: float | None
    lon: float | None
    captured_at: datetime | None
    pole_id: int | None
    pole_distance_m: float | None
    t_max_c: float | None
    t_min_c: float | None


class ImageFindingRef(ReadModel):
    """A finding of an image, in short."""

    id: int
    grade: str
    t_max_c: float


class ImageDetail(ImageRead):
    """An image with its capture parameters, gimbal and findings."""

    params: dict[str, Any] | None
    alt_m: float | None
    gimbal_yaw: float | None
    gimbal_pitch: float | None
    gimbal_roll: float | None
    findings: list[ImageFindingRef]


class UploadedFile(BaseModel):
    """A file written to the upload folder."""

    name: str
    size: int
    sha256: str


class UploadBatch(BaseModel):
    """Files uploaded into one batch folder; ``POST /ingest`` with ``batch`` analyses them."""

    batch: str
    files: list[UploadedFile]


class IngestRequest(BaseModel):
    """Start ingesting an upload batch (or a folder under the data folder). The weather entered here
    is the patrol's and wins over what the images' metadata recorded (ambient temperature and
    humidity are taken from the images only where none is given); each value is audited with its
    source (``weather-entered`` or ``weather-from-images``)."""

    batch: str | None = Field(default=None, max_length=64, description="Batch returned by POST /images")
    folder: str | None = Field(
        default=None, max_length=500, description="Folder relative to the server's data folder"
    )
    feeder: str = Field(min_length=1, max_length=200)
    date: date
    crew: str | None = Field(default=None, max_length=200)
    ambient_c: float | None = _weather_field("ambient_c", "Ambient temperature during the flight (°C)")
    humidity_pct: float | None = _weather_field("humidity_pct", "Relative humidity (%)")
    wind_m_s: float | None = _weather_field("wind_m_s", "Wind speed (m/s); DL/T 664 wants ≤ 5 m/s")
    rain: bool = Field(default=False, description="Rain, snow or fog during the flight")
    load_current_a: float | None = _weather_field(
        "load_current_a", "Load current of the feeder flown (A); no camera file records it"
    )


class JobRead(ReadModel):
    """A background job and its progress."""

    id: int
    kind: str
    status: str = Field(description="queued | running | done | failed")
    params: dict[str, Any]
    done: int
    total: int | None
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
