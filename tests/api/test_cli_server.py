"""``irpatrol users add`` and ``irpatrol worker`` (CLI of cli/server.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from irpatrol import db
from irpatrol.cli.main import app
from irpatrol.config import Settings, get_settings
from irpatrol.registry import auth


@pytest.fixture
def embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """An embedded (SQLite) database in a fresh, empty data folder, named by the environment."""
    monkeypatch.setenv("IRPATROL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("IRPATROL_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def test_users_add_creates_a_user_who_can_sign_in(embedded: Settings) -> None:
    result = CliRunner().invoke(
        app,
        [
            "users",
            "add",
            "li.wei",
            "--role",
            "analyst",
            "--password",
            "plum-kettle-49",
            "--language",
            "zh",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["username"] == "li.wei" and shown["role"] == "analyst" and shown["language"] == "zh"
    with db.session_scope(embedded) as session:
        user = auth.authenticate(session, "li.wei", "plum-kettle-49")
        assert user.password_hash.startswith("$argon2id$")


def test_users_add_prompts_for_the_password(embedded: Settings) -> None:
    result = CliRunner().invoke(
        app, ["users", "add", "zhang", "--role", "viewer"], input="long-enough\nlong-enough\n"
    )
    assert result.exit_code == 0, result.output
    with db.session_scope(embedded) as session:
        assert auth.authenticate(session, "zhang", "long-enough").role == "viewer"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "root", "--password", "plum-kettle-49"], "unknown role"),
        (["--role", "viewer", "--password", "short"], "too short"),
        (["--role", "viewer", "--password", "plum-kettle-49", "--language", "fr"], "unknown language"),
    ],
)
def test_users_add_refuses_bad_values_in_one_line(embedded: Settings, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["users", "add", "someone", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_users_add_refuses_a_taken_name(embedded: Settings) -> None:
    args = ["users", "add", "dup", "--role", "viewer", "--password", "plum-kettle-49"]
    assert CliRunner().invoke(app, args).exit_code == 0
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "already exists" in result.stderr


def test_worker_needs_postgresql(embedded: Settings) -> None:
    result = CliRunner().invoke(app, ["worker", "--once"])
    assert result.exit_code == 2
    assert "needs PostgreSQL" in result.stderr
