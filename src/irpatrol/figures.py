"""One home for how figures are written: distances, percentages, counts and days.

Every page, report and command that shows a figure formats it here, from the stored value, once:
a figure rounded twice can change (the demo's 5.33534 km was stored in the statistics as 5.335,
which then printed "5.33" beside the patrol page's "5.34"). Rounding is to the nearest on the
exact stored (binary) value, ties to even — what Python's ``format`` and ``round()`` do — so a
figure here agrees with one an export wrote with ``round(value, digits)``.

Precisions (digits after the point): km 2 (10 m, finer than a span between poles), percentages 1,
days 1, temperatures and temperature differences 1 (°C / K, the resolution DL/T 664-2016 readings
are reported to). Pure functions, no I/O.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

KM_DIGITS = 2
"""km: 0.01 km = 10 m."""
PCT_DIGITS = 1
"""%: one decimal."""
DAYS_DIGITS = 1
"""days: one decimal (2.4 h)."""
MISSING = "—"
"""Shown for a figure that is not known (None)."""


def rounded(value: float | int, digits: int) -> Decimal:
    """``value`` rounded to ``digits`` decimals from its exact stored value (as ``round()``)."""
    try:
        d = Decimal(float(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError(f"not a number: {value!r}") from None
    if not d.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    q = d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    return q.copy_abs() if q.is_zero() else q  # never "-0.0"


def number(value: float | int | None, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals ("—" when None)."""
    if value is None:
        return MISSING
    return f"{rounded(value, digits):.{digits}f}"


def km(value: float | None) -> str:
    """A distance in km (value in km) to 10 m: ``5.34``."""
    return number(value, KM_DIGITS)


def pct(value: float | None) -> str:
    """A percentage (value in %, 0–100) with its sign: ``12.5 %``."""
    return MISSING if value is None else f"{number(value, PCT_DIGITS)} %"


def share(part: float, whole: float) -> float | None:
    """``part`` / ``whole`` × 100 (%), None when ``whole`` is 0."""
    return 100.0 * part / whole if whole else None


def pct_change(now: float | None, before: float | None) -> float | None:
    """(``now`` − ``before``) / ``before`` × 100 (%) from the unrounded figures; None when there
    is no earlier figure to compare with (missing or 0)."""
    if now is None or before is None or before == 0:
        return None
    return 100.0 * (now - before) / before


def signed_pct(value: float | None) -> str:
    """A change in % with its sign: ``+1.2 %``, ``−0.1 %``, ``±0.0 %``."""
    if value is None:
        return MISSING
    q = rounded(value, PCT_DIGITS)
    if q.is_zero():
        return f"±{q:.{PCT_DIGITS}f} %"
    return f"{'+' if q > 0 else '−'}{q.copy_abs():.{PCT_DIGITS}f} %"


def signed(value: float | None, digits: int) -> str:
    """A difference with its sign: ``+0.01``, ``−3``, ``±0.00``."""
    if value is None:
        return MISSING
    q = rounded(value, digits)
    sign = "±" if q.is_zero() else ("+" if q > 0 else "−")
    return f"{sign}{q.copy_abs():.{digits}f}"


def days(value: float | None) -> str:
    """A duration in days to 0.1 day."""
    return number(value, DAYS_DIGITS)


def count(value: int | None) -> str:
    """A count, as an integer ("—" when None)."""
    return MISSING if value is None else str(int(value))
