"""A worker's resident memory (issue 14: at most 80 MB per worker after the benchmarks).

glibc's malloc gives threads their own arenas (up to eight per core) and keeps what Python frees
in them; with gunicorn's threads that is several MB per worker that no request needs. Two arenas
are plenty under the GIL, and every TRIM_EVERY requests malloc_trim hands the free pages back.
Elsewhere (musl, macOS) this does nothing."""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools

from flask import Flask

M_ARENA_MAX = -8  # mallopt parameter (malloc.h)
ARENAS = 2
TRIM_EVERY = 1000


def _glibc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def init_app(app: Flask) -> None:
    libc = _glibc()
    if libc is None:
        return
    libc.mallopt(M_ARENA_MAX, ARENAS)  # before gunicorn starts the worker's threads
    requests = itertools.count(1)  # next() on a count is atomic under the GIL

    @app.teardown_request
    def _trim(_error=None) -> None:
        if next(requests) % TRIM_EVERY == 0:
            libc.malloc_trim(0)
