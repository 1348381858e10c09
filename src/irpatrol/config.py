"""The one settings object, read from the environment (prefix ``IRPATROL_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings. Every field can be set by ``IRPATROL_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="IRPATROL_", extra="ignore", populate_by_name=True)

    data_dir: Path = Path("data")
    """Folder for the embedded database, stored images and generated files. Ingested images are
    copied into ``<data_dir>/images/<sha[:2]>/<sha256><suffix>`` (content-addressed store; see
    :mod:`irpatrol.registry.ingest`); every machine running ingest workers must share it."""
    database_url: str | None = None
    """SQLAlchemy URL; default: SQLite file ``<data_dir>/irpatrol.sqlite``."""
    samples_dir: Path | None = None
    """Where the real camera sample files are (tests); default ``../shared/data/thermal-samples``."""
    match_radius_m: float = 60.0
    """Images farther than this from every pole of the patrol's feeders stay unmatched (m)."""
    upload_limit_bytes: int = 200 * 1024 * 1024
    """Largest accepted upload (bytes)."""
    secret_key: str = "irpatrol-dev-secret-change-me"
    """Key that signs session cookies and tokens."""
    tile_url: str | None = None
    """Optional map tile URL template for the web map (none: no tiles, works offline)."""
    default_standard: str = "dlt664-2016"
    """Rule set used when none is named."""

    # Defect repair deadlines by grade (issue 4: "critical 24 h, serious 30 days, general by the next
    # cycle; configurable"). Source of the figures: Q/GDW 1519-2014 distribution O&M rules as
    # summarised in shared/domain/standards.md §4.4 — a critical (危急) defect is eliminated or
    # controlled within 24 h, a serious (严重) one within 30 days, a general (一般) one with the next
    # maintenance plan, here the next half-yearly inspection cycle (180 days).
    deadline_critical_h: Annotated[float, Field(gt=0)] = 24.0
    """Hours allowed to repair a critical defect (``IRPATROL_DEADLINE_CRITICAL_H``)."""
    deadline_serious_days: Annotated[
        float,
        Field(
            gt=0,
            validation_alias=AliasChoices("IRPATROL_DEADLINE_SERIOUS_DAYS", "IRPATROL_DEADLINE_SERIOUS_D"),
        ),
    ] = 30.0
    """Days allowed to repair a serious defect (``IRPATROL_DEADLINE_SERIOUS_DAYS``; the older name
    ``IRPATROL_DEADLINE_SERIOUS_D`` still works)."""
    deadline_general_days: Annotated[
        float,
        Field(
            gt=0,
            validation_alias=AliasChoices("IRPATROL_DEADLINE_GENERAL_DAYS", "IRPATROL_DEADLINE_GENERAL_D"),
        ),
    ] = 180.0
    """Days allowed to repair a general defect, i.e. until the next inspection cycle
    (``IRPATROL_DEADLINE_GENERAL_DAYS``; the older name ``IRPATROL_DEADLINE_GENERAL_D`` still works)."""

    @property
    def effective_database_url(self) -> str:
        """The configured URL or the embedded SQLite file under the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'irpatrol.sqlite').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests build their own ``Settings``)."""
    return Settings()
