"""Issue 12 #15: ``POST /findings/{id}/recompute`` gave a 500 "float division by zero".

Cause, found with the property test below on the core: an emissivity of 5e-324 (the smallest
positive float, which ``gt=0`` let through) times an atmospheric transmission below 1 (a long
distance) underflows to 0.0, and ``radiometry.planck._linear_terms`` divided Python floats by it.
The API now keeps ε ≥ 0.01, and the core refuses the underflow with a ParameterError.

Every division on the recompute path is driven to its edge here, through the core (any ε in (0, 1],
distance, reflected temperature, patrol ambient T0 equal to the hotspot T1, load current 0, any
rated current, any wind) and through HTTP on SQLite and PostgreSQL (edge and random bodies, T1 == T0
from the patrol's ambient temperature, load current 0, a rated current of 0 stored by hand): the
answer is a result or a clear error, never a 5xx.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from database import BACKENDS, migrated_settings
from irpatrol import db, radiometry
from irpatrol.api.app import create_app
from irpatrol.conditions import Conditions
from irpatrol.config import Settings, ensure_secret_key
from irpatrol.errors import IrPatrolError
from irpatrol.ingest import ingest_folder
from irpatrol.pipeline import examine
from irpatrol.registry import assets, auth
from irpatrol.registry.model import Feeder, Finding, Patrol, PatrolFeeder
from irpatrol.simulate.flight import FlightSpec, HotSpec, PoleSpot, write_flight

POLES = [PoleSpot("N1", 30.1, 120.2), PoleSpot("N2", 30.1008, 120.2005)]
PROPERTY = settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def _flight(folder: Path) -> Path:
    write_flight(folder, "F-EDGE", POLES, FlightSpec(width=160, height=128),
                 [HotSpec.parse("N1:parallel-groove-clamp:40")])
    return folder


@pytest.fixture(scope="module")
def thermogram(tmp_path_factory: pytest.TempPathFactory) -> radiometry.Thermogram:
    folder = _flight(tmp_path_factory.mktemp("edge-flight"))
    return radiometry.read(sorted(folder.glob("*.tif*"))[0])


@PROPERTY
@given(
    emissivity=st.none() | st.floats(min_value=0, max_value=1, exclude_min=True),
    distance_m=st.none() | st.floats(min_value=0, max_value=10_000),
    reflected_c=st.none() | st.floats(min_value=-273.15, max_value=2000, exclude_min=True, exclude_max=True),
    ambient_c=st.none() | st.floats(min_value=-60, max_value=2000),
    load_a=st.none() | st.floats(min_value=0, max_value=10_000),
    rated_a=st.none() | st.floats(min_value=0, max_value=10_000, exclude_min=True),
    wind_m_s=st.none() | st.floats(min_value=0, max_value=60),
)
@example(emissivity=5e-324, distance_m=5503.0, reflected_c=None, ambient_c=None, load_a=None, rated_a=None,
         wind_m_s=None)  # the landed tree's ZeroDivisionError
@example(emissivity=None, distance_m=0.0, reflected_c=None, ambient_c=None, load_a=0.0, rated_a=1e-300,
         wind_m_s=0.0)
def test_core_recompute_never_fails_with_anything_but_a_clear_error(
    thermogram: radiometry.Thermogram, emissivity: float | None, distance_m: float | None,
    reflected_c: float | None, ambient_c: float | None, load_a: float | None, rated_a: float | None,
    wind_m_s: float | None,
) -> None:
    try:
        changed = thermogram.with_params(emissivity=emissivity, distance_m=distance_m,
                                         reflected_c=reflected_c)
        conditions = Conditions(load_current_a=load_a, rated_current_a=rated_a, wind_m_s=wind_m_s)
        exam = examine(changed, standard="dlt664-2016", device="parallel-groove-clamp", ambient_c=ambient_c,
                       conditions=conditions, ambient_source="patrol")
        for match in exam.hotspots:
            match.diagnosis.to_dict()
    except IrPatrolError:
        pass  # a clear error naming the problem (ParameterError, InputError)


def test_core_t1_equal_to_t0_leaves_delta_undefined(thermogram: radiometry.Thermogram) -> None:
    """T0 (the patrol's ambient) equal to the hottest pixel T1: τ = 0 and δ = (T1 − T2)/(T1 − T0)
    is undefined (None), not a division by zero."""
    hottest = float(thermogram.celsius.max())
    exam = examine(thermogram, standard="dlt664-2016", device="parallel-groove-clamp", ambient_c=hottest,
                   conditions=Conditions(), ambient_source="patrol")
    for match in exam.hotspots:
        d = match.diagnosis.to_dict()
        assert match.hotspot.t0_c == pytest.approx(hottest) or match.hotspot.t0_c is None
        assert d.get("grade") is not None


@pytest.fixture(scope="module", params=BACKENDS)
def edge_api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
             ) -> Iterator[tuple[TestClient, dict[str, str], Settings, int]]:
    """An analyst's client over an ingested simulated flight (a test database of its own on each
    backend, :func:`database.migrated_settings`); the id of its hottest finding."""
    data_dir = tmp_path_factory.mktemp(f"edge-{request.param}")
    with migrated_settings(request.param, data_dir, sqlite_template) as cfg:
        yield from _edge_api(cfg)


def _edge_api(cfg: Settings) -> Iterator[tuple[TestClient, dict[str, str], Settings, int]]:
    poles = cfg.data_dir / "poles.csv"
    poles.write_text("feeder,pole,lat,lon\n" + "".join(f"F-EDGE,{p.number},{p.lat},{p.lon}\n" for p in POLES))
    with db.session_scope(cfg) as session:
        analyst = auth.add_user(session, "edge-analyst", role="analyst", password="edge-password-Q7")
        token = auth.start_session(session, analyst, ensure_secret_key(cfg))
        assets.import_assets(session, poles)
    ingest_folder(db.session_factory(db.engine_for(cfg)), _flight(cfg.data_dir / "flight"), feeder="F-EDGE",
                  date="2026-07-14", settings=cfg, workers=1)
    with db.session_scope(cfg) as session:
        hottest = session.scalars(select(Finding).order_by(Finding.t_max_c.desc())).first()
        assert hottest is not None
        finding_id = hottest.id
    with TestClient(create_app(cfg)) as client:
        yield client, {"Authorization": f"Bearer {token}"}, cfg, finding_id


EDGE_BODIES = [
    {}, {"emissivity": 0.01}, {"emissivity": 1.0}, {"distance_m": 0.0}, {"distance_m": 10_000.0},
    {"reflected_c": -100.0}, {"reflected_c": 1000.0},
    {"emissivity": 0.01, "distance_m": 10_000.0, "reflected_c": 1000.0},
    {"emissivity": 0.01, "distance_m": 10_000.0, "reflected_c": -100.0},
    {"emissivity": 5e-324, "distance_m": 5503.0}, {"emissivity": 0.0}, {"distance_m": -0.0},
    {"emissivity": 0.5, "reflected_c": 1000.0},  # every pixel below the Planck curve (NaN)
]


def _recompute(client: TestClient, bearer: dict[str, str], finding_id: int, body: dict[str, float]) -> int:
    r = client.post(f"/findings/{finding_id}/recompute", json=body, headers=bearer)
    assert r.status_code < 500, (body, r.status_code, r.text)
    if r.status_code == 422:
        assert r.json()["detail"], r.text  # names the problem
    return r.status_code


@pytest.mark.parametrize("body", EDGE_BODIES, ids=[str(b) for b in EDGE_BODIES])
def test_recompute_edges_over_http(edge_api: tuple[TestClient, dict[str, str], Settings, int],
                                   body: dict[str, float]) -> None:
    client, bearer, _, finding_id = edge_api
    status = _recompute(client, bearer, finding_id, body)
    if body.get("emissivity") in (5e-324, 0.0):
        assert status == 422


def test_recompute_with_t1_equal_to_t0_no_load_and_no_rated_current(
    edge_api: tuple[TestClient, dict[str, str], Settings, int],
) -> None:
    """The patrol's ambient temperature set to the finding's T1 (τ = 0, δ undefined), a load current of
    0 A, and a rated current of 0 stored by hand (the forms refuse it): still no 5xx."""
    client, bearer, cfg, finding_id = edge_api
    with db.session_scope(cfg) as session:
        finding = session.get(Finding, finding_id)
        assert finding is not None and finding.image.patrol_id is not None
        patrol = session.get(Patrol, finding.image.patrol_id)
        assert patrol is not None
        patrol.ambient_c = finding.t_max_c
        feeder = session.scalars(select(Feeder).where(Feeder.name == "F-EDGE")).one()
        link = session.scalars(select(PatrolFeeder).where(PatrolFeeder.patrol_id == patrol.id)).first()
        if link is not None:
            link.load_current_a = 0.0
        feeder.rated_current_a = 0.0
    for body in ({}, {"emissivity": 0.95}, {"distance_m": 0.0}):
        _recompute(client, bearer, finding_id, body)
    with db.session_scope(cfg) as session:
        session.scalars(select(Feeder).where(Feeder.name == "F-EDGE")).one().rated_current_a = 400.0
    assert _recompute(client, bearer, finding_id, {"emissivity": 0.9}) == 200


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(body=st.fixed_dictionaries({}, optional={
    "emissivity": st.floats(min_value=0, max_value=1),
    "distance_m": st.floats(min_value=0, max_value=10_000),
    "reflected_c": st.floats(min_value=-273.15, max_value=2000),
}))
def test_recompute_random_bodies_over_http(edge_api: tuple[TestClient, dict[str, str], Settings, int],
                                           body: dict[str, float]) -> None:
    client, bearer, _, finding_id = edge_api
    _recompute(client, bearer, finding_id, body)
