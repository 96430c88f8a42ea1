"""The on-disk cache: equal results, found again for equal inputs, recomputed when code or data change."""

from __future__ import annotations

import importlib
import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from ai_culture_report import cache, data

MODULE = '''
from ai_culture_report.cache import cached

CALLS = []

@cached(resources=("some_dataset",))
def total(frame, column):
    CALLS.append(column)
    return frame[column].sum() * FACTOR

FACTOR = {factor}
'''


@pytest.fixture
def cached_module(tmp_path, monkeypatch):
    """A module with one cached function, written to disk so that a test can edit its code."""
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    digests = {"some_dataset": "a" * 64}
    monkeypatch.setattr(data, "resource", lambda name: SimpleNamespace(sha256=digests[name]))
    source = tmp_path / "cached_example.py"
    source.write_text(MODULE.format(factor=1))
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("cached_example")
    yield SimpleNamespace(module=module, source=source, digests=digests)
    sys.modules.pop("cached_example", None)


def frame():
    return pd.DataFrame({"x": np.arange(10), "y": np.arange(10) * 2.5})


def test_a_cached_call_returns_the_same_result_without_recomputing(cached_module):
    first = cached_module.module.total(frame(), "y")
    again = cached_module.module.total(frame(), "y")  # an equal frame, another object
    assert first == again == frame()["y"].sum()
    assert cached_module.module.CALLS == ["y"]
    cached_module.module.total(frame().assign(y=1.0), "y")  # other values: computed
    assert cached_module.module.CALLS == ["y", "y"]


def test_a_changed_input_digest_invalidates_the_entry(cached_module):
    cached_module.module.total(frame(), "x")
    cached_module.digests["some_dataset"] = "b" * 64
    cached_module.module.total(frame(), "x")
    assert cached_module.module.CALLS == ["x", "x"]


def test_changed_code_invalidates_the_entry(cached_module):
    assert cached_module.module.total(frame(), "x") == 45
    cached_module.source.write_text(MODULE.format(factor=2))
    module = importlib.reload(cached_module.module)
    assert module.total(frame(), "x") == 90


def test_the_cache_can_be_turned_off(cached_module, monkeypatch):
    monkeypatch.setenv(cache.CACHE_VARIABLE, "off")
    cached_module.module.total(frame(), "x")
    cached_module.module.total(frame(), "x")
    assert cached_module.module.CALLS == ["x", "x"]
    assert cache.location() is None


def test_cached_centrality_equals_the_uncached(tmp_path, monkeypatch):
    import networkx as nx

    from ai_culture_report import networks

    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    graph = nx.gnm_random_graph(50, 120, seed=4)
    first = networks.centrality(graph, k=10, seed=1, repeats=2)
    again = networks.centrality(graph, k=10, seed=1, repeats=2)
    pd.testing.assert_frame_equal(first, again)
    monkeypatch.setenv(cache.CACHE_VARIABLE, "off")
    pd.testing.assert_frame_equal(first, networks.centrality(graph, k=10, seed=1, repeats=2))
    assert any((tmp_path / "cache").rglob("output.pkl"))
