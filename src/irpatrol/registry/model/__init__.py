"""The inspection registry as ORM classes (SQLAlchemy 2.0 typed declarative).

Assets: Area → Feeder → Pole → Component. Resources: Crew, Pilot, Drone. A Patrol flies feeders
(PatrolFeeder keeps the load current of each at the time) and brings Images; analysing an image
gives Findings; a graded Finding opens or joins a Defect whose life is a list of DefectEvents.
Hazards are corridor threats. Photos are evidence for defects and hazards. Users and the
AuditLog record who changed what. Plans keep scheduling results as JSON; TakeoffPoints and
WeatherForecasts (one per day and area) are scheduling inputs.

Units: temperatures °C (``_c``), temperature differences K (``_k``), lengths/distances m,
durations s, currents A, voltages kV, angles degrees, humidity %. Times are timezone-aware UTC.
Statuses and grades are plain strings whose allowed values live in :mod:`irpatrol.registry.workflow`.

One module per domain (``assets``, ``planning``, ``inspection``, ``defects``, ``accounts``,
``acceptance``, ``supervision``; ``common`` for what every table shares); import the classes from
this package, which re-exports them all.
"""

from irpatrol.db import Base as Base  # the declarative base, for callers that import it from here
from irpatrol.registry.model.acceptance import (
    AcceptanceEvidence,
    AcceptanceItem,
    AcceptancePole,
    AcceptanceProject,
    Rectification,
)
from irpatrol.registry.model.accounts import AuditLog, AuthSession, Job, LoginFailure, User
from irpatrol.registry.model.assets import Area, Component, Crew, CrewMember, Drone, Feeder, Pilot, Pole
from irpatrol.registry.model.common import DEFAULT_COMPONENT_KIND, SQLITE_NO_ID_REUSE, Timestamped
from irpatrol.registry.model.defects import Defect, DefectEvent, Hazard, Photo
from irpatrol.registry.model.inspection import Finding, Image, Patrol, PatrolFeeder
from irpatrol.registry.model.planning import Plan, TakeoffPoint, WeatherForecast
from irpatrol.registry.model.supervision import SiteMeasure, SiteViolation, WorkSite, WorkSitePole

__all__ = [
    "DEFAULT_COMPONENT_KIND",
    "SQLITE_NO_ID_REUSE",
    "AcceptanceEvidence",
    "AcceptanceItem",
    "AcceptancePole",
    "AcceptanceProject",
    "Area",
    "AuditLog",
    "AuthSession",
    "Component",
    "Crew",
    "CrewMember",
    "Defect",
    "DefectEvent",
    "Drone",
    "Feeder",
    "Finding",
    "Hazard",
    "Image",
    "Job",
    "LoginFailure",
    "Patrol",
    "PatrolFeeder",
    "Photo",
    "Pilot",
    "Plan",
    "Pole",
    "Rectification",
    "SiteMeasure",
    "SiteViolation",
    "TakeoffPoint",
    "Timestamped",
    "User",
    "WeatherForecast",
    "WorkSite",
    "WorkSitePole",
]
