"""The ``irpatrol`` command. Each feature's module adds its commands through ``register(app)``."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="irpatrol",
    help="Drone infrared inspection of power distribution lines.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Feature modules under irpatrol.cli, in help order. Each defines register(app: typer.Typer).
FEATURES = ["thermal", "analyze", "diagnose", "registry", "simulate", "schedule", "reports", "server", "web",
            "acceptance"]

for _name in FEATURES:
    try:
        _module = importlib.import_module(f"irpatrol.cli.{_name}")
    except ModuleNotFoundError as _exc:  # a feature not built yet
        if _exc.name != f"irpatrol.cli.{_name}":
            raise
        continue
    _module.register(app)


@app.callback()
def _root() -> None:
    """irpatrol: radiometry, diagnosis, defect registry and patrol scheduling for IR line patrols."""


if __name__ == "__main__":  # pragma: no cover
    app()
