"""Request and response bodies of the HTTP API (``XCreate`` in, ``XRead`` out, ``Page[XRead]``),
one module per domain; every body is importable from here.

Units follow the project: °C for temperatures (``_c``), K for differences (``_k``), metres,
seconds, percent for humidity; times are ISO 8601 UTC.
"""

from __future__ import annotations

from irpatrol.api.schemas.assets import (
    AreaRead,
    Deleted,
    FeederRead,
    ImportResult,
    PoleRead,
)
from irpatrol.api.schemas.common import (
    Page,
    ReadModel,
)
from irpatrol.api.schemas.defects import (
    ComponentRef,
    DefectCreate,
    DefectDetail,
    DefectEventRead,
    DefectFindingRead,
    DefectRead,
    FindingDetail,
    FindingRead,
    HazardCreate,
    HazardDetail,
    HazardRead,
    PhotoRead,
    RecomputeRequest,
    TransitionRequest,
)
from irpatrol.api.schemas.patrols import (
    ImageDetail,
    ImageFindingRef,
    ImageRead,
    IngestRequest,
    JobRead,
    PatrolCreate,
    PatrolDetail,
    PatrolFeederRead,
    PatrolRead,
    UploadBatch,
    UploadedFile,
)
from irpatrol.api.schemas.stats import (
    AutoPrecisionRead,
    PatrolPrecision,
    PlanDetail,
    PlanRead,
    PrecisionFigure,
    StatsRead,
)
from irpatrol.api.schemas.users import (
    PasswordChange,
    SessionsEnded,
    Token,
    UserCreate,
    UserRead,
    UserUpdate,
)

__all__ = [
    "AreaRead",
    "AutoPrecisionRead",
    "ComponentRef",
    "DefectCreate",
    "DefectDetail",
    "DefectEventRead",
    "DefectFindingRead",
    "DefectRead",
    "Deleted",
    "FeederRead",
    "FindingDetail",
    "FindingRead",
    "HazardCreate",
    "HazardDetail",
    "HazardRead",
    "ImageDetail",
    "ImageFindingRef",
    "ImageRead",
    "ImportResult",
    "IngestRequest",
    "JobRead",
    "Page",
    "PasswordChange",
    "PatrolCreate",
    "PatrolDetail",
    "PatrolFeederRead",
    "PatrolPrecision",
    "PatrolRead",
    "PhotoRead",
    "PlanDetail",
    "PlanRead",
    "PoleRead",
    "PrecisionFigure",
    "ReadModel",
    "RecomputeRequest",
    "SessionsEnded",
    "StatsRead",
    "Token",
    "TransitionRequest",
    "UploadBatch",
    "UploadedFile",
    "UserCreate",
    "UserRead",
    "UserUpdate",
]
