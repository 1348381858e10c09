"""A scratch PostgreSQL schema for benchmarks (shared by bench/ingest.py and bench/defect_list.py)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from irpatrol import db


@contextmanager
def postgres_url() -> Iterator[str | None]:
    """A URL whose search_path is a fresh schema, dropped afterwards; None when no server is configured
    (``IRPATROL_BENCH_POSTGRES_URL`` or ``IRPATROL_TEST_POSTGRES_URL``)."""
    base = os.environ.get("IRPATROL_BENCH_POSTGRES_URL") or os.environ.get("IRPATROL_TEST_POSTGRES_URL")
    if not base:
        yield None
        return
    schema = f"irp_bench_{uuid.uuid4().hex[:8]}"
    admin = db.make_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
