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



def test_a_cached_function_is_keyed_by_the_package_modules_it_imports(monkeypatch):
    """geocode's hub_places folds names with a helper of hubs.py: an edit there must change its key."""
    from ai_culture_report import geocode

    files = {p.name for p in cache.code_files(geocode.hub_places)}
    assert {"geocode.py", "hubs.py", "data.py"} <= files and "synthesis.py" not in files
    before = cache.code_digest(geocode.hub_places)
    real = data.current_sha256
    monkeypatch.setattr(data, "current_sha256", lambda path: "0" * 64 if path.name == "hubs.py" else real(path))
    after = cache.code_digest(geocode.hub_places)
    assert after != before and sum(a != b for a, b in zip(before, after)) == 1


def test_located_hubs_are_the_same_from_the_cache_and_without_it(tmp_path, monkeypatch):
    from ai_culture_report import geocode

    addresses = pd.DataFrame({"hub_id": ["a", "b", "c"], "geo": ["SE", "DK", "NO"],
                              "city": ["Göteborg", "København", "Nowhere-in-particular"],
                              "city_derived": [None, None, None]})
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    first, again = geocode.hub_places(addresses), geocode.hub_places(addresses)
    monkeypatch.setenv(cache.CACHE_VARIABLE, "off")
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, geocode.hub_places(addresses))
    assert list(first["located"]) == [True, True, False] and first.loc[2, "match"] == "unknown"


def test_the_extract_network_is_computed_once_and_equals_the_uncached(tmp_path, monkeypatch):
    """Every variant and nbval re-run of the networks chapter finds the network in the cache, keyed by the
    extract's files (hashing the 75 000-row table as an argument took longer than the search)."""
    from ai_culture_report import research
    from ai_culture_report.chapters import research_networks as chapter

    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    first = chapter.extract_network()
    monkeypatch.setattr(chapter, "network", lambda *_: pytest.fail("the network was computed again"))
    again = chapter.extract_network()
    monkeypatch.undo()
    monkeypatch.setenv(cache.CACHE_VARIABLE, "off")
    beneficiaries = research.beneficiaries(chapter.extract_participations(data.load(chapter.PROJECTS)))
    uncached = chapter.network(beneficiaries)
    for frame in (first, again):
        pd.testing.assert_frame_equal(frame, uncached)
        assert frame.attrs == uncached.attrs and uncached.attrs["edges"] > 0
