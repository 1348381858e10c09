"""The one decorator of the analysis's compiled kernels (numba): machine code built on a kernel's
first call and kept on disk for the next processes (docs/architecture.md; docs/detector.md,
thirty-third pass)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numba


def kernel[F: Callable[..., Any]](fn: F) -> F:
    """``fn`` compiled without the Python interpreter's lock (``numba.njit(nogil=True)``), its
    machine code cached on disk (``cache=True``: beside the module in ``__pycache__``, else in the
    user's cache folder, else in ``NUMBA_CACHE_DIR``). Where none of those can be written (a
    read-only install run by a user with no writable home), numba refuses to cache and would make
    the import fail: the kernel is then compiled again in each process (about a second a kernel on
    its first call), and the analysis still runs."""
    try:
        compiled = numba.njit(cache=True, nogil=True)(fn)
    except RuntimeError as e:
        if "no locator available" not in str(e):
            raise
        compiled = numba.njit(nogil=True)(fn)
    return cast(F, compiled)  # called as the function it compiles
