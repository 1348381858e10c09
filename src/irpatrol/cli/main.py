"""The ``irpatrol`` command. Each feature's module adds its commands through ``register(app)``."""

from __future__ import annotations

import typer

from irpatrol.cli import acceptance, analyze, diagnose, registry, reports, schedule, server, simulate, thermal
from irpatrol.config import get_settings
from irpatrol.reports.timefmt import use_zone

__all__ = ["FEATURES", "app"]

app = typer.Typer(
    name="irpatrol",
    help="Drone infrared inspection of power distribution lines.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

FEATURES = (thermal, analyze, diagnose, registry, simulate, schedule, reports, server, acceptance)
"""Feature modules under irpatrol.cli, in help order. Each defines register(app: typer.Typer)."""

for _module in FEATURES:
    _module.register(app)


@app.callback()
def _root() -> None:
    """irpatrol: radiometry, diagnosis, defect registry and patrol scheduling for IR line patrols."""
    settings = get_settings()
    settings.use_standards()  # rule sets of one's own (IRPATROL_STANDARDS_DIRS) by name
    use_zone(settings.timezone)  # the zone reports show times in (IRPATROL_TIMEZONE)


if __name__ == "__main__":  # pragma: no cover
    app()
