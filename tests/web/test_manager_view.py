"""The manager's view (issue 14): dashboard filters that every card follows, defect ageing, one
figure for one quantity on the dashboard, the stats JSON and text, the patrol page and the report,
and the map's flight-track and defects-by-grade layers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from web_registry import pages_over, seed, sign_in

from irpatrol.config import Settings
from irpatrol.registry import stats
from irpatrol.registry.model import Area, Crew, Defect, Feeder, Image, Patrol, PatrolFeeder, Pole

KM_TRAP = 5.33549
"""A patrol length that reads 5.34 km, but 5.33 km when first stored to 3 decimals (5.335) and
rounded again — what the dashboard did beside the patrol page's 5.34."""
AGES = {"critical": [2], "serious": [10, 45], "general": [100, 400]}
"""Days since detection of the open defects of the second feeder, by grade."""


def _extra(session: Session) -> dict[str, int]:
    """A second area, feeder and crew with a positioned patrol of KM_TRAP km, open defects of
    known ages (three past their deadline) and a closed (verified) one."""
    today = date.today()
    now = datetime.now(UTC)
    area = Area(name="West district")
    feeder = Feeder(name="10kV Hexi Line", area=area, length_m=900.0)
    crew = Crew(name="Crew West")
    poles = [Pole(feeder=feeder, number=f"W{i}", seq=i, lat=30.1 + i * 0.001, lon=120.1 + i * 0.001)
             for i in range(1, 5)]
    session.add_all([area, feeder, crew, *poles])
    session.flush()
    patrol = Patrol(date=today, km_flown=KM_TRAP, crew_id=crew.id, note="west patrol")
    session.add_all([patrol, PatrolFeeder(patrol=patrol, feeder=feeder, load_current_a=120.0)])
    session.flush()
    for i, pole in enumerate(poles[:3]):
        session.add(Image(sha256=f"w{i:063d}", original_name=f"W_{i}.tiff", patrol_id=patrol.id,
                          status="analysed", pole_id=pole.id, lat=pole.lat + 0.0001, lon=pole.lon,
                          captured_at=now - timedelta(minutes=10 - i)))
    n = 0
    for grade, ages in AGES.items():
        for age in ages:
            found = now - timedelta(days=age, hours=1)
            deadline = found + timedelta(days={"critical": 1, "serious": 30, "general": 365}[grade])
            session.add(Defect(kind="thermal", grade=grade, status="confirmed", pole=poles[n % 4],
                               found_at=found, deadline=deadline))
            n += 1
    session.add(Defect(kind="thermal", grade="serious", status="verified", pole=poles[0],
                       found_at=now - timedelta(days=5), repaired_at=now - timedelta(days=1),
                       deadline=now + timedelta(days=20)))
    session.commit()
    return {"west_patrol": patrol.id}


@pytest.fixture(scope="module")
def mgr(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[tuple[TestClient, dict[str, int], sessionmaker[Session]]]:
    data_dir = tmp_path_factory.mktemp("mgr")
    settings = Settings(data_dir=data_dir, upload_limit_bytes=2_000_000)
    with pages_over(settings, sqlite_template) as (client, sessions):
        with sessions() as session:
            ids = seed(session, data_dir)
            ids |= _extra(session)
        sign_in(client)
        yield client, ids, sessions


def _by_id(html: str, element_id: str) -> str:
    m = re.search(rf'id="{re.escape(element_id)}"[^>]*>(.*?)</', html, re.S)
    assert m is not None, f"no #{element_id}"
    return re.sub(r"<[^>]+>", "", m.group(1)).strip()


def test_figures_round_once_from_the_stored_value() -> None:
    from irpatrol import figures

    assert figures.km(KM_TRAP) == "5.34" and figures.km(round(KM_TRAP, 3)) == "5.33"  # twice: wrong
    assert figures.pct(12.25) == "12.2 %" and figures.pct(None) == "—"  # ties to even, like round()
    assert figures.number(-0.04, 1) == "0.0"  # never "-0.0"
    assert figures.signed_pct(figures.pct_change(5.33534, 5.34152)) == "−0.1 %"
    assert figures.signed_pct(0.04) == "±0.0 %" and figures.pct_change(3, 0) is None
    for v in (0.125, 2.675, 1.005, 5.335, 1e6 / 3):
        assert figures.number(v, 2) == f"{v:.2f}" == f"{round(v, 2):.2f}"  # agrees with exports' round()


def test_one_figure_on_dashboard_stats_cli_patrol_page_and_report(
    mgr: tuple[TestClient, dict[str, int], sessionmaker[Session]], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, ids, sessions = mgr
    dash = client.get("/ui/", params={"crew": "Crew West"}).text
    with sessions() as session:
        s = json.loads(json.dumps(stats.compute(session, selection=stats.StatsFilter.of(
            period=str(date.today().year), crew="Crew West"))))
        from irpatrol.reports.content import patrol_report
        from irpatrol.reports.pdf import patrol_html

        report = patrol_html(patrol_report(session, ids["west_patrol"]), "en")
    patrol_page = client.get(f"/ui/patrols/{ids['west_patrol']}").text
    patrol_list = client.get("/ui/patrols").text

    from typer.testing import CliRunner

    import irpatrol.cli.registry as cli_registry
    from irpatrol.cli.main import app

    monkeypatch.setattr(cli_registry, "factory", lambda: sessions)
    cli = CliRunner().invoke(app, ["stats", "--crew", "Crew West", "--start", f"{date.today().year}-01-01"])
    assert cli.exit_code == 0, cli.stderr

    assert _by_id(dash, "kpi-km") == "5.34"
    assert s["figures"]["km_flown"] == "5.34"
    assert re.search(r"km_flown\s+5\.34 km", cli.stdout)
    assert re.search(r"<dd>5\.34</dd>", patrol_page) and ">5.34</td>" in patrol_list
    assert re.search(r"<td>5\.34</td>", report)
    for page in (dash, patrol_page, patrol_list, report, cli.stdout):
        assert "5.33" not in page


def test_dashboard_filters_are_kept_in_the_url_and_every_card_follows(
    mgr: tuple[TestClient, dict[str, int], sessionmaker[Session]]
) -> None:
    client, _ids, _ = mgr
    everywhere = client.get("/ui/").text
    west = client.get("/ui/", params={"area": "West district", "start": f"{date.today().year}-01-01",
                                      "end": date.today().isoformat()}).text
    east = client.get("/ui/", params={"feeder": "10kV Qingshan Line"}).text
    # the form shows the selection it was given (a GET form: the URL holds it)
    assert re.search(r'<option selected>West district</option>', west)
    assert f'name="start" value="{date.today().year}-01-01"' in west
    assert 'id="dash-filter"' in west and 'method="get"' in west
    # open defects: 5 in the west (ages 2…400 days), 1 in the east, 6 everywhere
    opened = (_by_id(west, "kpi-open"), _by_id(east, "kpi-open"), _by_id(everywhere, "kpi-open"))
    assert opened == ("5", "1", "6")
    assert (_by_id(west, "kpi-km"), _by_id(east, "kpi-km")) == ("5.34", "1.20")
    assert (_by_id(west, "kpi-hazards"), _by_id(east, "kpi-hazards")) == ("0", "1")
    # the tables list only the selected area's feeders; the alerts only its defects
    assert "10kV Hexi Line" in west and "10kV Qingshan Line" not in west.split('id="coverage-feeder"')[1]
    assert "Qingshan" not in west.split('id="alerts"')[1].split('id="ageing"')[0]
    chart = json.loads(re.search(r'id="dash-data">(.*?)</script>', west, re.S).group(1))  # type: ignore[union-attr]
    assert chart["by_grade"] == [1, 2, 2] and chart["km"][-1] == 5.34
    assert 'id="not-filtered-note"' in west and 'id="not-filtered-note"' not in everywhere


def test_defect_ageing_on_dashboard_and_in_stats(
    mgr: tuple[TestClient, dict[str, int], sessionmaker[Session]]
) -> None:
    client, _ids, sessions = mgr
    with sessions() as session:
        a = stats.compute(session, selection=stats.StatsFilter.of(feeder="10kV Hexi Line"))["ageing"]
    counts = {k: b["count"] for k, b in a["buckets"].items()}
    assert counts == {"0-7": 1, "8-30": 1, "31-90": 1, ">90": 2}
    assert a["buckets"][">90"]["by_grade"] == {"critical": 0, "serious": 0, "general": 2}
    assert a["open"] == 5 and a["oldest"]["age_days"] == 400 and a["oldest"]["grade"] == "general"
    # past the deadline: critical (2 d, 1-day deadline), serious (45 d, 30-day), general (400 d, 365-day)
    assert a["overdue"] == 3
    page = client.get("/ui/", params={"feeder": "10kV Hexi Line"}).text
    assert [_by_id(page, f"age-{i}") for i in range(1, 5)] == ["1", "1", "1", "2"]
    assert _by_id(page, "age-total") == "5" and _by_id(page, "age-overdue") == "3"
    assert "400 days since found" in page


def test_a_filter_that_cannot_be_read_is_named_not_a_500(
    mgr: tuple[TestClient, dict[str, int], sessionmaker[Session]]
) -> None:
    client, _ids, _ = mgr
    r = client.get("/ui/", params={"feeder": "no such line"})
    assert r.status_code == 200 and "There is no feeder named &#39;no such line&#39;." in r.text
    r = client.get("/ui/", params={"start": "2026-05-01", "end": "2026-01-01"})
    assert r.status_code == 200 and "The period ends before it starts." in r.text
    r = client.get("/ui/", params={"start": "yesterday"})
    assert r.status_code == 200 and 'id="filter-error"' in r.text


def test_stats_filter_is_one_home() -> None:
    f = stats.StatsFilter.of(start="2026-01-01", end="2026-03-31", area=" ", feeder="F1", crew="")
    assert f == stats.StatsFilter(stats.Period(date(2026, 1, 1), date(2026, 3, 31)), None, "F1", None)
    assert stats.StatsFilter.of(period="2026-Q1") .period == f.period
    with pytest.raises(Exception, match="not both"):
        stats.StatsFilter.of(period="2026", start="2026-01-01")
    assert stats.age_bucket(0) == "0-7" and stats.age_bucket(8) == "8-30" and stats.age_bucket(91) == ">90"


def test_map_has_flight_tracks_and_defects_by_grade(
    mgr: tuple[TestClient, dict[str, int], sessionmaker[Session]]
) -> None:
    client, ids, _ = mgr
    page = client.get("/ui/map").text
    layers = json.loads(re.search(r'id="map-layers">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    (track,) = layers["tracks"]  # the seeded east patrol has no positions: no line
    assert track[0] == ids["west_patrol"] and len(track[2]) == 3
    assert [p[0] for p in track[2]] == sorted(p[0] for p in track[2])  # capture order: north-east
    grades = [d[2] for d in layers["defects"]]
    assert sorted(grades) == sorted(["critical", "serious", "serious", "general", "general", "serious"])
    assert grades[-1] == "critical"  # worst drawn last, on top
    assert layers["labels"]["tracks"] == "Flight tracks" and layers["labels"]["grades"]["critical"]
    js = (Path(__file__).resolve().parents[2] / "src/irpatrol/web/static/js/map_layers.js").read_text()
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js


def test_filtered_dashboard_and_map_show_no_english_in_chinese(
    mgr: tuple[TestClient, dict[str, int], sessionmaker[Session]]
) -> None:
    from test_translations import _english_words, visible_text

    client, _ids, _ = mgr
    sign_in(client, "viewer1")  # reads Chinese
    try:
        data = {"West", "Hexi", "Crew", "west"}  # the seeded names
        for path, params in (("/ui/", {"area": "West district", "crew": "Crew West"}),
                             ("/ui/", {"feeder": "X9"}),
                             ("/ui/", {"start": "2026-05-01", "end": "2026-01-01"}), ("/ui/map", {})):
            r = client.get(path, params=params)
            assert r.status_code == 200
            leaked = _english_words(visible_text(r.text)) - data
            assert not leaked, f"{path} {params}: {sorted(leaked)}"
        labels = json.loads(re.search(r'id="map-layers">(.*?)</script>',  # type: ignore[union-attr]
                                      client.get("/ui/map").text, re.S).group(1))["labels"]
        assert not _english_words(" ".join(v for v in labels.values() if isinstance(v, str) and "/" not in v))
    finally:
        sign_in(client)
