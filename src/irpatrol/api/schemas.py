"""Request and response bodies of the HTTP API (``XCreate`` in, ``XRead`` out, ``Page[XRead]``).

Units follow the project: °C for temperatures (``_c``), K for differences (``_k``), metres,
seconds, percent for humidity; times are ISO 8601 UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

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


# --- auth and users -----------------------------------------------------------------------------


class Token(BaseModel):
    """A bearer token: send it as ``Authorization: Bearer <access_token>``."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires")
    username: str
    role: Role


class UserCreate(BaseModel):
    """A new user."""

    username: str = Field(min_length=1, max_length=64, pattern=r"^\S+$")
    password: str = Field(min_length=8, max_length=256)
    role: Role = "viewer"
    language: Language = "en"


class PasswordChange(BaseModel):
    """A new password for the signed-in user, with the current one as proof."""

    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=8, max_length=256)


class SessionsEnded(BaseModel):
    """How many sessions were ended."""

    ended: int


class UserUpdate(BaseModel):
    """Changes to a user; fields left out stay as they are. Only an admin may change ``role`` or
    ``active`` or another user; anyone may change their own ``language``."""

    role: Role | None = None
    active: bool | None = Field(default=None, description="False: cannot sign in, tokens stop working")
    language: Language | None = None


class UserRead(ReadModel):
    """A user (never the password hash)."""

    id: int
    username: str
    role: str
    language: str
    active: bool
    created_at: datetime


# --- assets -------------------------------------------------------------------------------------


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


# --- patrols and images -------------------------------------------------------------------------


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


# --- jobs ---------------------------------------------------------------------------------------


class IngestRequest(BaseModel):
    """Start ingesting an upload batch (or a folder under the data folder)."""

    batch: str | None = Field(default=None, max_length=64, description="Batch returned by POST /images")
    folder: str | None = Field(
        default=None, max_length=500, description="Folder relative to the server's data folder"
    )
    feeder: str = Field(min_length=1, max_length=200)
    date: date
    crew: str | None = Field(default=None, max_length=200)


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


# --- findings, defects, hazards -----------------------------------------------------------------


class FindingRead(ReadModel):
    """A hotspot in an image and its diagnosis."""

    id: int
    image_id: int
    pole_id: int | None
    component_id: int | None
    defect_id: int | None
    bbox_x: int
    bbox_y: int
    bbox_w: int
    bbox_h: int
    max_x: int | None
    max_y: int | None
    t_max_c: float
    t_mean_c: float | None
    t_ref_c: float | None
    t_ref_source: str | None
    t_ambient_c: float | None
    delta_t_k: float | None
    rise_k: float | None
    delta_pct: float | None
    corrected_delta_t_k: float | None
    standard: str | None
    device: str | None
    grade: str
    rule: str | None
    clause: str | None
    confidence: str | None
    flags: list[str] | None
    created_at: datetime


class FindingDetail(FindingRead):
    """A finding with the full diagnosis and the capture parameters of its last recompute."""

    diagnosis: dict[str, Any] | None
    params: dict[str, Any] | None = Field(description="Parameters set by the last recompute, if any")


class RecomputeRequest(BaseModel):
    """New capture parameters for a finding's image; unset ones keep their value."""

    # the bounds of registry.findings (EMISSIVITY_RANGE …), the same as the viewer's preview
    emissivity: float | None = Field(default=None, ge=0.01, le=1, allow_inf_nan=False)
    distance_m: float | None = Field(default=None, ge=0, le=10_000, allow_inf_nan=False)
    reflected_c: float | None = Field(default=None, ge=-100, le=1000, allow_inf_nan=False)


class ComponentRef(BaseModel):
    """A component named by its catalogue kind and phase."""

    kind: str
    phase: str | None


class DefectRead(BaseModel):
    """A defect as listed (same keys as ``irpatrol defects list --json``)."""

    id: int
    kind: str
    grade: str
    status: str
    pole_id: int | None
    pole: str | None = Field(description="Pole number")
    feeder: str | None = Field(description="Feeder name")
    component: ComponentRef | None
    found_at: datetime
    deadline: datetime | None
    overdue: bool
    last_t_max_c: float | None
    last_delta_t_k: float | None
    description: str | None


class DefectEventRead(BaseModel):
    """One entry in a defect's history: a status change, a finding joining it, or a note."""

    model_config = ConfigDict(populate_by_name=True)

    at: datetime
    event: str
    from_status: str | None = Field(alias="from")
    to_status: str | None = Field(alias="to")
    user: str | None
    comment: str | None
    reason: str | None
    finding_id: int | None
    t_max_c: float | None
    delta_t_k: float | None


class DefectFindingRead(BaseModel):
    """A finding that is evidence of a defect (its temperature history)."""

    id: int
    image_id: int
    grade: str
    t_max_c: float
    delta_t_k: float | None
    rule: str | None
    clause: str | None
    origin: str | None = Field(
        default=None, description="None: found by the analysis; manual: marked by hand"
    )
    verdict: str | None = Field(
        default=None,
        description="The analyst's verdict on an automatic finding: real, wrong_component, reflection, "
        "background, duplicate (None: not decided)",
    )


class PhotoRead(BaseModel):
    """A photo kept as evidence; download it from ``url`` (``GET /photos/{id}``)."""

    id: int
    path: str = Field(description="Where the file is kept (relative paths are under the data folder)")
    caption: str | None
    sha256: str | None = None
    lat: float | None = None
    lon: float | None = None
    taken_at: datetime | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        """The API path of the photo's file."""
        return f"/photos/{self.id}"


class DefectDetail(DefectRead):
    """A defect with its history, evidence and the statuses it may move to."""

    events: list[DefectEventRead]
    findings: list[DefectFindingRead]
    photos: list[PhotoRead]
    allowed: list[str] = Field(description="Statuses this defect may be moved to")


class DefectCreate(BaseModel):
    """A defect seen on site (structural, other, or thermal without an image), logged by hand.
    Position: ``lat``/``lon``, else the pole's."""

    kind: Literal["thermal", "structural", "other"] = "structural"
    grade: Literal["general", "serious", "critical"]
    pole_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    description: str = Field(min_length=1, max_length=2000)


class TransitionRequest(BaseModel):
    """Move a defect or hazard to another status (``reason`` required to reject or reopen)."""

    to: str = Field(min_length=1, max_length=40, description="Target status")
    comment: str | None = Field(default=None, max_length=2000)
    reason: str | None = Field(default=None, max_length=2000)
    verdict: str | None = Field(
        default=None,
        max_length=40,
        description="Defects only: the verdict on its automatic findings. Confirming records real; "
        "rejecting a defect with automatic findings needs wrong_component, reflection, background or "
        "duplicate (it serves as the reason when none is given)",
    )


class HazardCreate(BaseModel):
    """A corridor hazard logged by a pilot or analyst. The grade follows from the clearance and the
    required distance when both are given; otherwise give ``grade``. Position: ``lat``/``lon`` or
    the pole's."""

    kind: Literal["vegetation", "building", "foreign_object", "crossing", "construction", "other"]
    grade: Literal["none", "general", "serious", "critical"] | None = None
    pole_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    clearance_m: float | None = Field(default=None, ge=0, le=1000, description="Measured clearance (m)")
    required_m: float | None = Field(default=None, gt=0, le=1000, description="Required distance (m)")
    description: str | None = Field(default=None, max_length=2000)
    observed_at: datetime | None = None


class HazardRead(BaseModel):
    """A corridor hazard (same keys as ``irpatrol hazards list --json``)."""

    id: int
    kind: str
    grade: str
    status: str
    pole_id: int | None
    feeder_id: int | None
    lat: float | None
    lon: float | None
    clearance_m: float | None
    required_m: float | None
    description: str | None
    observed_at: datetime | None
    reported_by: str | None
    reason: str | None


class HazardDetail(HazardRead):
    """A hazard with its photos."""

    photos: list[PhotoRead]


class PrecisionFigure(BaseModel):
    """The detector's precision over a group of automatic findings, as the analysts judged them."""

    precision: float | None = Field(description="real / decided; None when nothing was decided")
    real: int = Field(description="Automatic findings confirmed real")
    decided: int = Field(description="Automatic findings confirmed or rejected")
    pending: int = Field(description="Automatic findings in a defect, not yet decided")
    rejected_by_reason: dict[str, int] = Field(
        description="Rejected findings by reason: wrong_component, reflection, background, duplicate"
    )


class PatrolPrecision(PrecisionFigure):
    """The precision of one patrol's automatic findings."""

    patrol_id: int
    date: str | None


class AutoPrecisionRead(BaseModel):
    """The detector's precision (``auto_precision`` of ``irpatrol stats --json``): overall, by the
    detector's device kind, and by patrol."""

    overall: PrecisionFigure
    by_device: dict[str, PrecisionFigure]
    by_patrol: list[PatrolPrecision]


class StatsRead(BaseModel):
    """Statistics of a selection (same keys as ``irpatrol stats --json``); counts, km flown,
    coverage %, defects by grade and status, overdue, mean time to repair (days), and the same
    figures a year earlier with the change when a period is given."""

    model_config = ConfigDict(extra="allow")

    images: int
    rejected: int
    findings: int
    defects: int
    poles_inspected: int
    poles_total: int
    km_flown: float
    coverage_pct: float
    defects_by_grade: dict[str, int]
    defects_by_status: dict[str, int]
    overdue: int
    mttr_days: float | None
    period: dict[str, str] | None
    filters: dict[str, Any]
    previous_year: dict[str, Any] | None
    change: dict[str, float] | None
    auto_precision: AutoPrecisionRead | None = None
    change_pct: dict[str, float | None] | None = None
    """(current − previous) / previous × 100 (%), None where the previous figure is 0."""
    open_by_grade: dict[str, int] | None = None
    """Defects open now, found by the end of the period, by grade."""
    ageing: dict[str, Any] | None = None
    """Those open defects by days since found (buckets 0-7, 8-30, 31-90, >90), the oldest, and
    how many are past their deadline (``as_of``: when the ages were counted)."""
    figures: dict[str, Any] | None = None
    """The shown figures as text (km to 10 m, % to 0.1), rounded once from the stored values —
    the same text the dashboard and the reports show."""


# --- plans --------------------------------------------------------------------------------------


class PlanRead(ReadModel):
    """A stored patrol plan (without its result)."""

    id: int
    name: str
    status: str
    created_by: str | None
    period_start: date | None
    period_end: date | None
    created_at: datetime


class PlanDetail(PlanRead):
    """A plan with its parameters and result."""

    params: dict[str, Any] | None
    result: dict[str, Any] | None
