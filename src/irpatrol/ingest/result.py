"""What an ingest run did: counts, the rejected files with their reasons, and the patrol it filled."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Progress = Callable[[int, int], None]
"""``progress(done, total)``, called once per file."""

COUNTS = (
    "analysed",
    "rejected",
    "unmatched",
    "findings",
    "defects_opened",
    "defects_joined",
    "defects_verified",
)
"""The counts one recorded image adds to (summed over the run)."""


@dataclass
class IngestResult:
    """What a run did (counts) and the patrol it filled. ``km_flown`` in km, ``elapsed_s`` in s."""

    patrol_id: int
    files: int = 0
    skipped: int = 0
    analysed: int = 0
    rejected: int = 0
    unmatched: int = 0
    unreadable: int = 0
    findings: int = 0
    defects_opened: int = 0
    defects_joined: int = 0
    defects_verified: int = 0
    km_flown: float = 0.0
    elapsed_s: float = 0.0
    rejected_files: list[tuple[str, str]] = field(default_factory=list)

    @property
    def images_per_s(self) -> float:
        """Images recorded (analysed or rejected) per second of the run."""
        done = self.analysed + self.rejected
        return done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def add(self, other: IngestResult) -> None:
        """Add the :data:`COUNTS` and rejected files of ``other`` (one image's) to these."""
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rejected_files.extend(other.rejected_files)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: every count, ``rejected_files`` as ``{file, reason}`` and ``images_per_s``."""
        d = dict(self.__dict__)
        d["rejected_files"] = [{"file": f, "reason": r} for f, r in self.rejected_files]
        d["images_per_s"] = round(self.images_per_s, 2)
        return d
