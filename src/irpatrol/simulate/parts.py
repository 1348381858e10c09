"""Real sizes (m) of the 10 kV pole-top parts the generator draws (docs/physics.md §7).

Typical catalogue figures of Chinese 10 kV distribution hardware; a part is drawn at
size / pixel footprint (distance × IFOV), so the same clamp is 8 px long at 10 m and 2 px at 30 m.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    """Length along the part's axis and width across it (m)."""

    length_m: float
    width_m: float


POLE_TOP_DIAMETER_M = 0.19
"""Top diameter of a 10 kV concrete pole (Φ190 mm, GB/T 4623 series, 1:75 taper)."""
CROSSARM = Size(1.5, 0.063)
"""Straight crossarm, angle steel ∠63×6, 1.5 m (typical 10 kV line design drawings)."""
PHASE_SPACING_M = 0.7
"""Horizontal spacing of phases on a 10 kV crossarm; drop-out fuses ≥ 0.7 m apart (installation rule)."""
PIN_INSULATOR = Size(0.20, 0.14)
"""Porcelain pin / post insulator P-15, PS-15 class: about 0.2 m high, sheds 0.14 m across."""
CONDUCTOR_DIAMETER_M = 0.0135
"""Bare stranded aluminium conductor of 95 mm² class (LGJ-95: 13.7 mm)."""
PARALLEL_GROOVE_CLAMP = Size(0.10, 0.06)
"""Aluminium parallel-groove clamp (JB / JBL class), about 100 × 60 mm seen from the side."""
STRAIN_CLAMP = Size(0.22, 0.05)
"""Bolted strain clamp (NLD-2 class), about 0.22 m long."""
STRAIN_STRING = Size(0.45, 0.13)
"""Strain insulator string of a 10 kV line: two discs or a composite strain insulator, ≈ 0.45 m."""
TERMINAL_CLAMP = Size(0.10, 0.06)
"""Equipment terminal clamp (SY / SL class), about 100 × 60 mm."""
DISCONNECTOR_BLADE = Size(0.45, 0.05)
"""Blade of a single-pole outdoor 10 kV disconnector (GW9-10 class): ≈ 0.45 m, copper strips."""
DISCONNECTOR_CONTACT = Size(0.08, 0.07)
"""The jaw (static contact) the blade closes into, ≈ 80 × 70 mm."""
DISCONNECTOR_POST = Size(0.20, 0.12)
"""Each of the two post insulators of the disconnector."""
FUSE_TUBE = Size(0.32, 0.035)
"""Fuse tube of a 10 kV drop-out fuse (RW12 / HRW class), epoxy glass, ≈ 0.32 m × 35 mm."""
FUSE_CONTACT = Size(0.08, 0.05)
"""The upper (duckbill) contact of the drop-out fuse, ≈ 80 × 50 mm."""
FUSE_INSULATOR = Size(0.30, 0.09)
"""The fuse's support insulator behind the tube."""
FUSE_TILT_DEG = 25.0
"""The fuse tube hangs 25° ± 2° from the vertical so it drops when the element melts."""
ARRESTER = Size(0.28, 0.09)
"""10 kV metal-oxide arrester, polymer housed (HY5WS-17/50 class): ≈ 0.28 m high, sheds 90 mm."""
TRANSFORMER_TANK = Size(1.0, 0.8)
"""Pole-mounted distribution transformer tank (≈ 200 kVA): about 1.0 m wide, 0.8 m high."""
BUSHING = Size(0.30, 0.10)
"""10 kV porcelain bushing on the tank lid: ≈ 0.3 m high, sheds 0.1 m."""
BUSHING_SPACING_M = 0.30
"""Spacing of the three HV bushings on the lid."""
