"""Diagnosis cost: grading one reading by the rule sets, against a hard-coded baseline, on one core.

The baseline is what one would otherwise write inline: an if/elif chain with the DL/T 664-2016
Table H.1 line-connector numbers typed into the code (no provenance, no guards, no load correction,
one device). The ratio is the price of rules-as-data with every number traced. The per-frame figure
assumes 10 hotspots per frame, against the 10 ms per-frame analysis budget of issue 3. Each figure
is the best of REPEAT passes over N readings (the machine is shared, so the minimum is the stable one).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from irpatrol.conditions import Conditions
from irpatrol.diagnosis import catalogue, diagnose, load_ruleset
from irpatrol.diagnosis.loader import _shipped

N = 5000
REPEAT = 5


def hard_coded(hot_c: float, ref_c: float, ambient_c: float) -> str:
    """DL/T 664-2016 Table H.1, line connectors, typed in (the baseline)."""
    rise = hot_c - ambient_c
    delta = (hot_c - ref_c) / rise * 100 if rise > 0 else 0.0
    if hot_c > 130 or (rise >= 10 and delta >= 95):
        return "critical"
    if hot_c > 90 or (rise >= 10 and delta >= 80):
        return "serious"
    if hot_c - ref_c > 15:
        return "general"
    return "none"


def _readings() -> list[tuple[float, float, float]]:
    rng = random.Random(664)
    out = []
    for _ in range(N):
        ambient = rng.uniform(-5, 35)
        hot = ambient + rng.uniform(0.5, 120)
        out.append((hot, hot - rng.uniform(0, hot - ambient), ambient))
    return out


def _per_call_us(fn: Callable[[], object], calls: int) -> float:
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) / calls * 1e6)
    return min(times)


def main() -> None:
    readings = _readings()
    kinds = [c.kind for c in catalogue()]
    load_ruleset("dlt664-2016")
    load_ruleset("neta-mts")
    cond = Conditions(wind_m_s=2.0, humidity_pct=60.0)

    def base() -> None:
        for h, r, a in readings:
            hard_coded(h, r, a)

    def one_kind(std: str) -> Callable[[], None]:
        def run() -> None:
            for h, r, a in readings:
                diagnose(std, "parallel-groove-clamp", hot_c=h, ref_c=r, ambient_c=a, conditions=cond)
        return run

    def all_kinds() -> None:
        for i, (h, r, a) in enumerate(readings):
            diagnose("dlt664-2016", kinds[i % len(kinds)], hot_c=h, ref_c=r, ambient_c=a,
                     load_current_a=60.0, rated_current_a=100.0, conditions=cond)

    def parse() -> None:
        for _ in range(20):
            _shipped.cache_clear()
            load_ruleset("dlt664-2016")

    t_base = _per_call_us(base, N)
    rows = [
        ("hard-coded H.1 if/elif (baseline)", t_base),
        ("diagnose dlt664-2016 clamp", _per_call_us(one_kind("dlt664-2016"), N)),
        ("diagnose neta-mts clamp", _per_call_us(one_kind("neta-mts"), N)),
        ("diagnose dlt664-2016 all kinds + load corr.", _per_call_us(all_kinds, N)),
    ]
    print(f"{'case':46} {'µs/reading':>11} {'× baseline':>11} {'ms/frame (10 spots)':>20}")
    for name, us in rows:
        print(f"{name:46} {us:11.2f} {us / t_base:11.1f} {us * 10 / 1000:20.3f}")
    parse_ms = _per_call_us(parse, 20) / 1000
    print(f"{'load_ruleset dlt664-2016 (cold parse+validate)':46} {parse_ms * 1000:11.0f} "
          f"{'':>11} {'once per process':>20}")


if __name__ == "__main__":
    main()
