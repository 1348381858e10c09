"""A scratch PostgreSQL schema for benchmarks (shared by the bench scripts)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from irpatrol import db


@contextmanager
def postgres_url() -> Iterator[str | None]:
    """A URL whose search_path is a fresh schema, dropped afterwards; None when no server is configured
    (``IRPATROL_BENCH_POSTGRES_URL`` or ``IRPATROL_TEST_POSTGRES_URL``)."""
    base = os.environ.get("IRPATROL_BENCH_POSTGRES_URL") or os.environ.get("IRPATROL_TEST_POSTGRES_URL")
    if not base:
        yield None
        return
    with db.scratch_schema(base, "irp_bench") as url:
        yield url
