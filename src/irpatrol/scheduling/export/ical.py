"""iCalendar (RFC 5545) file per crew: one VEVENT per crew day, from the day's start to its end
in the county's time zone (``DTSTART;TZID=…``, §3.3.5 form #3, with a ``VTIMEZONE`` built from the
IANA zone when its offset is constant over the events, as for Asia/Shanghai; otherwise in UTC,
form #2), listing sorties and takeoff points; days planned without a forecast say "weather
unknown" in their summary.

Written by hand: CRLF line ends (§3.1), lines folded at 75 octets (§3.1), TEXT escaping of
backslash, semicolon, comma and newline (§3.3.11), a stable UID per crew day, DTSTAMP in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from irpatrol.errors import ParameterError
from irpatrol.scheduling.core.model import CrewDay

DEFAULT_TZ = "Asia/Shanghai"
"""Time zone of the crews' working hours when none is given (China Standard Time, UTC+8)."""


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold to ≤ 75 octets per line (RFC 5545 §3.1), continuation lines start with a space."""
    out: list[str] = []
    cur = b""
    for ch in line:
        b = ch.encode()
        if len(cur) + len(b) > (75 if not out else 74):
            out.append(cur.decode())
            cur = b""
        cur += b
    out.append(cur.decode())
    return "\r\n ".join(out)


def _local(day: date, seconds: int) -> str:
    t = datetime.combine(day, time()) + timedelta(seconds=seconds)
    return t.strftime("%Y%m%dT%H%M%S")


def _minutes(day: date, zone: ZoneInfo) -> int:
    """UTC offset (min) of ``zone`` at noon of ``day``."""
    off = datetime.combine(day, time(12), zone).utcoffset()
    return int(off.total_seconds() // 60) if off is not None else 0


def _offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def crew_calendar(crew: str, crew_days: Sequence[CrewDay], stamp: datetime, *, tz: str = DEFAULT_TZ,
                  weather_unknown: Callable[[date], bool] | None = None) -> bytes:
    """The .ics of ``crew``'s days in time zone ``tz`` (IANA name); ``stamp`` (UTC) becomes
    DTSTAMP; ``weather_unknown(day)`` marks days planned without a forecast."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ParameterError(f"unknown time zone {tz!r} (an IANA name such as Asia/Shanghai)") from None
    days = sorted((c for c in crew_days if c.crew == crew), key=lambda c: c.day)
    offsets = {_minutes(cd.day, zone) for cd in days} or {_minutes(stamp.date(), zone)}
    fixed = len(offsets) == 1
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//irpatrol//patrol plan//EN", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_escape('irpatrol ' + crew)}", f"X-WR-TIMEZONE:{tz}"]
    if fixed:
        off = _offset(next(iter(offsets)))
        lines += ["BEGIN:VTIMEZONE", f"TZID:{tz}", "BEGIN:STANDARD", "DTSTART:19700101T000000",
                  f"TZOFFSETFROM:{off}", f"TZOFFSETTO:{off}", "END:STANDARD", "END:VTIMEZONE"]

    def when(name: str, day: date, seconds: int) -> str:
        if fixed:
            return f"{name};TZID={tz}:{_local(day, seconds)}"
        t = (datetime.combine(day, time(), zone) + timedelta(seconds=seconds)).astimezone(UTC)
        return f"{name}:{t:%Y%m%dT%H%M%SZ}"

    for cd in days:
        desc = "\n".join(
            f"{s.id}: takeoff {s.takeoff.id} at {_local(cd.day, s.start_s)[9:13]}, "
            f"{len(s.visits)} poles ({s.visits[0].pole_id}…{s.visits[-1].pole_id}), {s.flight_s} s"
            for s in cd.sorties)
        feeders = ", ".join(sorted({seg.feeder_id for seg in cd.segments}))
        summary = f"IR patrol {cd.area}: {len(cd.sorties)} sorties, feeders {feeders}"
        if weather_unknown is not None and weather_unknown(cd.day):
            summary += " (weather unknown: planned on climatology)"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{cd.day:%Y%m%d}-{_escape(crew)}@irpatrol",
            f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
            when("DTSTART", cd.day, cd.start_s),
            when("DTEND", cd.day, cd.end_s),
            f"SUMMARY:{_escape(summary)}",
            f"LOCATION:{_escape(cd.takeoffs[0].id if cd.sorties else cd.area)}",
            f"DESCRIPTION:{_escape(desc)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(x) for x in lines) + "\r\n").encode()
