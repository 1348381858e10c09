"""The one settings object, read from the environment (prefix ``IRPATROL_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings. Every field can be set by ``IRPATROL_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="IRPATROL_", extra="ignore")

    data_dir: Path = Path("data")
    """Folder for the embedded database, stored images and generated files."""
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
