"""Times as the county reads them: in the configured zone (an IANA name, default Asia/Shanghai —
Beijing time), with the zone named where a report needs it.

The zone is configured by the edges (API app, CLI, ASGI, demo) from ``Settings.timezone``
(``IRPATROL_TIMEZONE``) through :func:`use_zone`; nothing here reads the environment.
The registry stores UTC; a naive value (SQLite drops the zone) is taken as UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"

_configured: str = DEFAULT_TIMEZONE


@lru_cache(maxsize=8)
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def use_zone(name: str | None) -> None:
    """Configure the zone reports and pages show times in (edges call this with
    ``Settings.timezone``); an empty name means Asia/Shanghai."""
    global _configured
    _configured = name or DEFAULT_TIMEZONE


def zone_name() -> str:
    """The configured zone's IANA name (an unknown name falls back to Asia/Shanghai)."""
    return str(_zone(_configured))


def zone() -> tzinfo:
    """The configured zone."""
    return _zone(zone_name())


def local(value: datetime | None) -> datetime | None:
    """``value`` in the configured zone (naive values are UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone())


def local_text(value: datetime | None, with_time: bool = True) -> str:
    """``YYYY-MM-DD HH:MM`` (or the date alone) in the configured zone; "—" when unknown."""
    v = local(value)
    if v is None:
        return "—"
    return v.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def zone_label(lang: str = "en") -> str:
    """The zone as a report names it: "Asia/Shanghai (UTC+08:00)"; 北京时间 in Chinese for Shanghai."""
    now = datetime.now(zone())
    offset = now.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    if lang == "zh" and zone_name() in ("Asia/Shanghai", "Asia/Chongqing", "PRC"):
        return f"北京时间 ({utc})"
    return f"{zone_name()} ({utc})"
