"""An on-disk cache for work that does not depend on the report's parameters.

``@cached()`` stores a function's results with :class:`joblib.Memory`, so the notebooks of one build, its
nbval re-runs and the variants of a sweep compute such work once. A result is found again only for

* the same arguments (joblib hashes their content: a data frame by its values, not by its identity);
* the same code: the SHA-256 of the file that defines the function and of every package module that file
  imports, directly or not (:func:`codedeps.module_closure`), so an edit of any helper it may call
  invalidates its entries;
* the same data: for ``resources=("name", ...)``, the registry's SHA-256 of each resource the function
  reads itself (the digest ``data.load`` checks the file against, listed in ``data/SHA256SUMS``);
* the same ``versions`` (say, of a compiled library whose output the function returns).

The folder is ``.cache/joblib`` in the repository, or ``$AI_CULTURE_REPORT_CACHE``; ``off`` turns the cache
off. joblib writes each entry to a temporary file and renames it, so notebooks running at once can share it.
"""

from __future__ import annotations

import functools
import inspect
import os
from pathlib import Path

import joblib

from . import data
from .codedeps import module_closure

CACHE_VARIABLE = "AI_CULTURE_REPORT_CACHE"
DEFAULT_LOCATION = Path(__file__).resolve().parents[1] / ".cache" / "joblib"


def location() -> Path | None:
    """The cache folder, or None when ``$AI_CULTURE_REPORT_CACHE`` is ``off``."""
    value = os.environ.get(CACHE_VARIABLE, "").strip()
    if value.lower() in {"off", "0", "none"}:
        return None
    return Path(value).expanduser() if value else DEFAULT_LOCATION


@functools.lru_cache(maxsize=None)
def _memory(folder: str) -> joblib.Memory:
    return joblib.Memory(folder, verbose=0)


def code_files(func) -> list[Path]:
    """The file that defines ``func`` and the package modules it imports, transitively."""
    defining = Path(inspect.getsourcefile(func)).resolve()
    return sorted({defining, *module_closure({func.__module__})})


def code_digest(func) -> list[str]:
    """SHA-256 of each of :func:`code_files` (a file is hashed again only when it changed)."""
    return [data.current_sha256(path) for path in code_files(func)]


def data_digests(resources) -> dict[str, str]:
    """The registry's SHA-256 of each named resource."""
    return {name: data.resource(name).sha256 for name in resources}


def cached(resources=(), versions=()):
    """Decorator: keep the function's results on disk, keyed as the module docstring says."""
    def decorate(func):
        def stored(_key, *args, **kwargs):  # joblib hashes ``_key`` with the arguments
            return func(*args, **kwargs)
        # joblib files entries by module and name: give each cached function its own folder.
        stored.__module__, stored.__name__, stored.__qualname__ = func.__module__, func.__name__, func.__qualname__

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            folder = location()
            if folder is None:
                return func(*args, **kwargs)
            key = {"code": code_digest(func), "data": data_digests(resources), "versions": list(versions)}
            return _memory(str(folder)).cache(stored)(key, *args, **kwargs)

        wrapper.uncached = func
        return wrapper
    return decorate
