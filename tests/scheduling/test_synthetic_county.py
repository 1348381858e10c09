from __future__ import annotations

import numpy as np
import pytest

from irpatrol.errors import ParameterError
from irpatrol.scheduling.core.county import SPAN_M, TAKEOFF_OFFSET_M, generate
from irpatrol.scheduling.core.index import CountyIndex


def test_sizes_match_the_request(small_county):
    c = small_county
    assert len(c.poles) == 600 and len(c.feeders) == 6 and len(c.areas) == 2 and len(c.crews) == 3
    assert sum(len(f.pole_ids) for f in c.feeders) == 600
    assert {p.feeder_id for p in c.poles} == {f.id for f in c.feeders}
    assert len(c.weather) == 30 * 2


def test_same_seed_same_county_other_seed_other_county():
    assert generate(300, 3, 1, 1, seed=5) == generate(300, 3, 1, 1, seed=5)
    assert generate(300, 3, 1, 1, seed=5).poles != generate(300, 3, 1, 1, seed=6).poles


def test_poles_are_in_line_order_with_realistic_spans(small_county):
    index = CountyIndex.of(small_county)
    for f in small_county.feeders:
        seqs = [small_county.poles[index.pole_at[p]].seq for p in f.pole_ids]
        assert seqs == list(range(len(f.pole_ids)))
        xy = index.pole_xy[[index.pole_at[p] for p in f.pole_ids]]
        span = np.hypot(*np.diff(xy, axis=0).T)
        # main line and laterals: consecutive poles within a lateral are one span apart
        assert np.median(span) == pytest.approx(np.mean(SPAN_M), rel=0.1)
        assert (span >= SPAN_M[0] - 0.5).all()


def test_takeoff_points_lie_beside_the_line(small_county):
    index = CountyIndex.of(small_county)
    from irpatrol.scheduling.core.geo import distances

    d = distances(index.takeoff_xy, index.pole_xy).min(axis=1)
    assert (d <= TAKEOFF_OFFSET_M[1] + 1.0).all()
    assert np.median(d) > 50.0


def test_forecast_has_no_fly_days(county):
    bad = [w for w in county.weather if w.rain or w.wind_m_s > 10.0]
    assert 0.1 < len(bad) / len(county.weather) < 0.45


@pytest.mark.parametrize("args", [(10, 6, 2, 1), (600, 1, 2, 1), (600, 6, 2, 0), (600, 6, 0, 1)])
def test_impossible_counties_are_refused(args):
    with pytest.raises(ParameterError, match="county needs"):
        generate(*args)


def test_seed_sized_county_has_27_pilots_in_crews_of_two_or_three():
    # scheduling.md §5: 7,800 poles, 27 pilots, 3 areas; standards.md §5: a crew is pilot + observer
    c = generate(7800, 60, 3, 13, seed=0)
    sizes = [len(k.members) for k in c.crews]
    assert len(c.poles) == 7800 and len(c.areas) == 3 and sum(sizes) == 27
    assert sorted(sizes) == [2] * 12 + [3] and min(sizes) >= 2
    names = [m for k in c.crews for m in k.members]
    assert len(set(names)) == 27
    assert {k.area for k in c.crews} == {a.id for a in c.areas}


def test_other_crew_counts_get_two_pilots_each_and_a_solo_crew_is_refused():
    assert [len(k.members) for k in generate(300, 3, 1, 4, seed=1).crews] == [2, 2, 2, 2]
    assert [len(k.members) for k in generate(300, 3, 1, 4, seed=1, pilots=10).crews] == [3, 3, 2, 2]
    with pytest.raises(ParameterError, match="pilots ≥ 2 × crews"):
        generate(300, 3, 1, 4, seed=1, pilots=7)
