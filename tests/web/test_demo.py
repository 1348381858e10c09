"""``irpatrol demo`` never replaces a database that holds real patrols unless told to."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from irpatrol.config import Settings
from irpatrol.db import make_engine, session_factory, upgrade
from irpatrol.demo import build_demo
from irpatrol.errors import Conflict
from irpatrol.registry.model import Patrol


def test_demo_refuses_to_replace_real_data(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    engine = make_engine(settings.effective_database_url)
    upgrade(settings.effective_database_url, engine=engine)
    with session_factory(engine)() as session:
        session.add(Patrol(date=date(2026, 5, 1), note="night patrol of feeder 12"))
        session.commit()
    engine.dispose()
    with pytest.raises(Conflict, match="not demo data"):
        build_demo(settings, log=lambda _m: None)
    assert not (tmp_path / "demo").exists()
