"""The one settings object, read from the environment (prefix ``IRPATROL_``)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from irpatrol.diagnosis.loader import set_search_path
from irpatrol.errors import ParameterError


class Settings(BaseSettings):
    """Runtime settings. Every field can be set by ``IRPATROL_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="IRPATROL_", extra="ignore", populate_by_name=True)

    data_dir: Path = Path("data")
    """Folder for the embedded database, stored images and generated files. Ingested images are
    copied into ``<data_dir>/images/<sha[:2]>/<sha256><suffix>`` (content-addressed store; see
    :mod:`irpatrol.registry.store`); every machine running ingest workers must share it."""
    database_url: str | None = None
    """SQLAlchemy URL; default: SQLite file ``<data_dir>/irpatrol.sqlite``."""
    samples_dir: Path | None = None
    """Where the real camera sample files are (tests); default ``../shared/data/thermal-samples``."""
    timezone: str = "Asia/Shanghai"
    """IANA zone reports and pages show times in (``IRPATROL_TIMEZONE``; an unknown name falls back
    to Asia/Shanghai). The edges hand it to :func:`irpatrol.reports.timefmt.use_zone`."""
    match_radius_m: float = 60.0
    """Images farther than this from every pole of the patrol's feeders stay unmatched (m)."""
    upload_limit_bytes: int = 200 * 1024 * 1024
    """Largest accepted upload (bytes)."""
    secret_key: str | None = None
    """Key that signs session cookies and tokens (``IRPATROL_SECRET_KEY``, at least 32 characters).
    When unset, a random key is generated on first start and kept in ``<data_dir>/secret_key``
    (mode 0600); see :func:`ensure_secret_key`. The old public default is refused."""
    cookie_secure: bool | None = None
    """Send the session cookie with ``Secure`` (``IRPATROL_COOKIE_SECURE``); unset: on when the
    request came over HTTPS (directly or as ``X-Forwarded-Proto`` from a trusted proxy)."""
    tile_url: str | None = None
    """Optional map tile URL template for the web map (none: no tiles, works offline)."""
    default_standard: str = "dlt664-2016"
    """Rule set used when none is named."""
    standards_dirs: str = ""
    """Folders of rule files of one's own (``IRPATROL_STANDARDS_DIRS``, separated by ``os.pathsep``):
    ``<folder>/<name>.toml`` is the rule set ``name`` everywhere a shipped one can be named
    (a new standard is one TOML file; format: :mod:`irpatrol.diagnosis.loader`)."""

    @property
    def standards_folders(self) -> tuple[Path, ...]:
        """:attr:`standards_dirs` as paths (empty entries dropped)."""
        return tuple(Path(p) for p in self.standards_dirs.split(os.pathsep) if p.strip())

    def use_standards(self) -> None:
        """Put :attr:`standards_folders` on the rule-set loader's search path (edges call this)."""
        set_search_path(self.standards_folders)

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


KNOWN_DEFAULT_KEYS = frozenset({"irpatrol-dev-secret-change-me"})
"""Keys published in the source code of earlier versions: never accepted."""
MIN_SECRET_KEY_LENGTH = 32
SECRET_KEY_FILE = "secret_key"


class InsecureSecretKey(ParameterError):
    """The configured secret key is a published default or too short."""


def ensure_secret_key(settings: Settings) -> str:
    """The key that signs tokens: ``settings.secret_key`` when set (refused when it is a published
    default or shorter than 32 characters), else the one in ``<data_dir>/secret_key``, generated
    there (256 random bits, mode 0600) on first start. The key is stored on ``settings``."""
    import os
    import secrets

    key = settings.secret_key
    if key is None:
        path = settings.data_dir / SECRET_KEY_FILE
        if not path.exists():
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another worker made it first
                pass
            else:
                with os.fdopen(fd, "w") as out:
                    out.write(secrets.token_urlsafe(32))
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        key = path.read_text().strip()
        if not key:
            raise InsecureSecretKey(f"{path} is empty: delete it to have a new key generated")
    if key in KNOWN_DEFAULT_KEYS:
        raise InsecureSecretKey("IRPATROL_SECRET_KEY is the published default key: set a random one, "
                                "or unset it to have one generated in the data folder")
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise InsecureSecretKey(
            f"IRPATROL_SECRET_KEY is too short: at least {MIN_SECRET_KEY_LENGTH} characters"
        )
    settings.secret_key = key
    return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests build their own ``Settings``)."""
    return Settings()
