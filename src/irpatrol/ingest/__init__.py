"""Ingest: camera files of a flight into a patrol of the registry (an adapter beside the registry).

* :mod:`.discovery` — which files are camera files (by content) and their visible photos;
* :mod:`.analyse` — one file: decode, match to a pole, examine (no database);
* :mod:`.pool` — the worker processes that hash, store and analyse;
* :mod:`.record` — one image written with its findings and defects in one transaction;
* :mod:`.run` — :func:`ingest_folder`, the whole run; :mod:`.result` its summary;
* :mod:`.jobs` — ingest jobs with progress, run in-process (SQLite) or by ``irpatrol worker``
  processes (PostgreSQL queue).

:func:`ingest_folder` and :class:`IngestResult` are imported when first asked for: the workers import
:mod:`.analyse` and :mod:`.pool`, which need no database, and importing :mod:`.run` (SQLAlchemy and
the registry's model) took each ingest's forkserver 1.0 s of its 1.3 s start on a 2-core CI machine
(with bytecode compiled; 2 s of 3 s without).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from irpatrol.ingest.result import IngestResult
    from irpatrol.ingest.run import ingest_folder

__all__ = ["IngestResult", "ingest_folder"]

_HOMES = {"IngestResult": "irpatrol.ingest.result", "ingest_folder": "irpatrol.ingest.run"}


def __getattr__(name: str) -> Any:
    """The names of ``__all__``, imported from their modules when first asked for (module doc)."""
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value  # asked once
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
