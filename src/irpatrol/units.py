"""Units and array aliases shared by the whole project.

Temperatures are °C unless a name says ``_k`` (kelvin). Distances are metres, times seconds,
humidity a percentage 0–100.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

KELVIN_OFFSET = 273.15
"""0 °C in kelvin (SI)."""

CelsiusArray: TypeAlias = npt.NDArray[np.float32]
"""H×W float32 temperatures in °C."""
RawArray: TypeAlias = npt.NDArray[np.uint16]
"""H×W camera counts."""
Mask: TypeAlias = npt.NDArray[np.bool_]
"""H×W boolean mask."""


def c_to_k(t_c: float) -> float:
    """°C → K."""
    return t_c + KELVIN_OFFSET


def k_to_c(t_k: float) -> float:
    """K → °C."""
    return t_k - KELVIN_OFFSET
