"""iCalendar (RFC 5545) file per crew: one VEVENT per crew day, from the day's start to its end
(local floating time, §3.3.5 form #1), listing sorties and takeoff points.

Written by hand: CRLF line ends (§3.1), lines folded at 75 octets (§3.1), TEXT escaping of
backslash, semicolon, comma and newline (§3.3.11), a stable UID per crew day, DTSTAMP in UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from irpatrol.scheduling.core.model import CrewDay


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


def crew_calendar(crew: str, crew_days: Sequence[CrewDay], stamp: datetime) -> bytes:
    """The .ics of ``crew``'s days; ``stamp`` (UTC) becomes DTSTAMP."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//irpatrol//patrol plan//EN", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_escape('irpatrol ' + crew)}"]
    for cd in sorted((c for c in crew_days if c.crew == crew), key=lambda c: c.day):
        desc = "\n".join(
            f"{s.id}: takeoff {s.takeoff.id} at {_local(cd.day, s.start_s)[9:13]}, "
            f"{len(s.visits)} poles ({s.visits[0].pole_id}…{s.visits[-1].pole_id}), {s.flight_s} s"
            for s in cd.sorties)
        feeders = ", ".join(sorted({seg.feeder_id for seg in cd.segments}))
        summary = f"IR patrol {cd.area}: {len(cd.sorties)} sorties, feeders {feeders}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{cd.day:%Y%m%d}-{_escape(crew)}@irpatrol",
            f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
            f"DTSTART:{_local(cd.day, cd.start_s)}",
            f"DTEND:{_local(cd.day, cd.end_s)}",
            f"SUMMARY:{_escape(summary)}",
            f"LOCATION:{_escape(cd.takeoffs[0].id if cd.sorties else cd.area)}",
            f"DESCRIPTION:{_escape(desc)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(x) for x in lines) + "\r\n").encode()
