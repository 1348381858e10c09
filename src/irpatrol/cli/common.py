"""Helpers shared by the CLI modules: one translation of IrPatrolError into an exit code, JSON
lines, the common options and the data folder."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from irpatrol.errors import IrPatrolError


def handles_errors[**P, R](fn: Callable[P, R]) -> Callable[P, R]:
    """Turn an IrPatrolError into one line on stderr (``irpatrol: <file>: <reason>``) and exit code
    ``exc.exit_code`` (2 for bad input), never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except IrPatrolError as exc:
            typer.echo(f"irpatrol: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper


def print_json_line(obj: Any) -> None:
    """One JSON object on one line of stdout (NaN → null, datetimes → ISO 8601)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=_default, allow_nan=False) + "\n")


def _default(o: Any) -> Any:
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "tolist"):
        return o.tolist()
    if hasattr(o, "__fspath__"):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def base_url(host: str, port: int) -> str:
    """The address a person opens for a server listening on ``host``:``port`` (a wildcard address
    shown as 127.0.0.1, an IPv6 address in brackets)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


LangOpt = Annotated[str, typer.Option("--lang", help="en or zh.")]
ModelOpt = Annotated[str, typer.Option("--model", help="Drone model (WPML enumeration), e.g. M30T.")]


def data_dir() -> Path:
    """The data folder of the settings built from the environment (photos, reports' thumbnails)."""
    from irpatrol.config import get_settings

    return get_settings().data_dir
