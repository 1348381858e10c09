"""The component kinds found on a 10 kV distribution pole, with English and Chinese names.

Which rule rows apply to a kind is data: every row of a rule file lists the kinds it covers
(``devices``), so a user's own rule file maps its rows the same way. The catalogue holds what
does not depend on a standard: the names, the heating mechanism that DL/T 664-2016 §9 uses to
choose between Table H.1 (current heating, 电流致热型) and Table I.1 (voltage heating, 电压致热型),
and the part class (contact or bolted connection) that selects a GB/T 11022 temperature limit.
Kinds and groupings follow ../shared/domain/standards.md §1.5, §1.6 and §4.3 (per-pole IR content).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from irpatrol.errors import InputError

Heating = Literal["current", "voltage", "both"]
"""DL/T 664-2016 §9: current-heating (I²R at joints), voltage-heating (dielectric loss, leakage)."""


@dataclass(frozen=True)
class Component:
    """One component kind.

    Attributes:
        kind: kebab-case name used by the CLI, the API and the rule files.
        name_en / name_zh: display names.
        heating: the heating mechanism of its typical defects (DL/T 664-2016 §9).
        category: defect category (standards.md §4.5: fitting, conductor, insulator, pole-equipment).
        part: GB/T 11022 part class ("contact", "bolted-connection") or "" when no limit applies.
    """

    kind: str
    name_en: str
    name_zh: str
    heating: Heating
    category: str
    part: str = ""

    def to_dict(self) -> dict[str, str]:
        """Plain dict for JSON."""
        return asdict(self)


_COMPONENTS: tuple[Component, ...] = (
    Component("strain-clamp", "strain clamp", "耐张线夹", "current", "fitting", "bolted-connection"),
    Component("parallel-groove-clamp", "parallel-groove clamp", "并沟线夹", "current", "fitting",
              "bolted-connection"),
    Component("t-clamp", "T-clamp", "T型线夹", "current", "fitting", "bolted-connection"),
    Component("splice-sleeve", "splice sleeve", "接续管", "current", "fitting", "bolted-connection"),
    Component("terminal-clamp", "terminal clamp", "设备线夹", "current", "fitting", "bolted-connection"),
    Component("apparatus-terminal", "apparatus terminal connection", "电器设备与金属部件的连接", "current",
              "pole-equipment", "bolted-connection"),
    Component("disconnector-head", "disconnector rotating head", "隔离开关转头", "current", "pole-equipment",
              "contact"),
    Component("disconnector-blade", "disconnector blade and jaw", "隔离开关刀口", "current", "pole-equipment",
              "contact"),
    Component("dropout-fuse", "drop-out fuse", "跌落式熔断器", "current", "pole-equipment", "contact"),
    Component("surge-arrester", "surge arrester (metal-oxide)", "氧化锌避雷器", "voltage", "pole-equipment"),
    Component("porcelain-insulator", "porcelain insulator", "瓷绝缘子", "voltage", "insulator"),
    Component("composite-insulator", "composite insulator", "合成绝缘子", "voltage", "insulator"),
    Component("transformer-bushing", "pole-mounted transformer bushing", "柱上变压器套管", "both",
              "pole-equipment", "bolted-connection"),
    Component("transformer-tank", "pole-mounted transformer tank", "柱上变压器箱体", "current",
              "pole-equipment"),
    Component("cable-termination", "cable termination", "电缆终端", "voltage", "pole-equipment"),
    Component("conductor", "bare conductor", "导线", "current", "conductor"),
    Component("breaker-contact", "breaker / recloser contacts", "断路器触头", "current", "pole-equipment",
              "contact"),
    Component("current-transformer", "current transformer (cast resin)", "电流互感器", "both",
              "pole-equipment"),
    Component("voltage-transformer", "voltage transformer (cast resin)", "电压互感器", "voltage",
              "pole-equipment"),
    Component("shunt-capacitor", "shunt capacitor", "并联电容器", "both", "pole-equipment"),
)

KINDS: tuple[str, ...] = tuple(c.kind for c in _COMPONENTS)
"""Every valid kind, in catalogue order."""


def catalogue() -> tuple[Component, ...]:
    """All component kinds, in catalogue order."""
    return _COMPONENTS


def component(kind: str) -> Component:
    """The component of this kind; InputError listing the valid kinds when unknown."""
    for c in _COMPONENTS:
        if c.kind == kind:
            return c
    raise InputError(f"unknown device kind {kind!r}; valid kinds: {', '.join(KINDS)}")
