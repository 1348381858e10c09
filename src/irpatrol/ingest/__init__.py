"""Ingest: camera files of a flight into a patrol of the registry (an adapter beside the registry).

* :mod:`.discovery` — which files are camera files (by content) and their visible photos;
* :mod:`.analyse` — one file: decode, match to a pole, examine (no database);
* :mod:`.pool` — the worker processes that hash, store and analyse;
* :mod:`.record` — one image written with its findings and defects in one transaction;
* :mod:`.run` — :func:`ingest_folder`, the whole run; :mod:`.result` its summary;
* :mod:`.jobs` — ingest jobs with progress, run in-process (SQLite) or by ``irpatrol worker``
  processes (PostgreSQL queue).
"""

from irpatrol.ingest.result import IngestResult
from irpatrol.ingest.run import ingest_folder

__all__ = ["IngestResult", "ingest_folder"]
