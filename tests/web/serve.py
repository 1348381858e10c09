"""Start the app for the browser tests: ``create_app`` from the environment's settings, served by
uvicorn on ``--port``. If ``create_app`` does not mount the pages yet, they are installed here."""

from __future__ import annotations

import argparse

import uvicorn

from irpatrol.api.app import create_app
from irpatrol.config import Settings
from irpatrol.web.views import install


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_app(Settings())
    if not any(getattr(r, "path", "") == "/ui/login" for r in app.routes):
        install(app)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
