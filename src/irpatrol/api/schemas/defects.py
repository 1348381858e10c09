"""Bodies of findings, defects and hazards (with their photos)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from irpatrol.api.schemas.common import ReadModel


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
