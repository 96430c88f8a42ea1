"""The benchmark's new scenarios, without running a build: the log parsing, the module edit, the sweep's
variants and tables, the scenario order, and a two-worker LocalCluster whose workers import the copy."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest
import yaml

from ai_culture_report.params import load_params

from conftest import REPO

spec = importlib.util.spec_from_file_location("benchmark", REPO / "scripts" / "benchmark.py")
benchmark = importlib.util.module_from_spec(spec)
spec.loader.exec_module(benchmark)


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "repo"
    for folder in ("ai_culture_report", "chapters", "params"):
        shutil.copytree(REPO / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__", "_build"))
    shutil.copy2(REPO / "_toc.yml", target / "_toc.yml")
    return target


def test_executed_notebooks_are_read_from_the_build_log():
    log = ("[nordic  1/10   12.0 s] executed chapters/b.ipynb in 6.1 s, nbval passed in 5.8 s\n"
           "[nordic  2/10   13.0 s] chapters/c.ipynb: inputs unchanged, not executed\n"
           "[baltic  3/10   19.0 s] executed chapters/a.ipynb in 6.0 s\n")
    assert benchmark.executed_notebooks(log) == ["chapters/a.ipynb", "chapters/b.ipynb"]


def test_editing_a_chapter_module_names_the_notebooks_that_import_it(copy):
    path = copy / benchmark.EDITED_MODULE
    before = path.read_text()
    assert benchmark.edit_module(copy, 1) == ["chapters/future_roles.ipynb"]
    assert path.read_text().startswith(before) and path.read_text() != before


def test_sweeps_get_temporary_variants_when_params_has_too_few(copy):
    files = benchmark.sweep_params(copy, 4)
    assert len(files) == len(set(files)) == 4
    countries = [tuple(load_params(f).countries) for f in files]  # each a valid parameter file
    assert len(set(countries)) == 4
    assert benchmark.sweep_params(copy, 1) == files[:1]
    assert yaml.safe_load(files[-1].read_text())["year_start"] == load_params(copy / "params/nordic.yml").year_start


def test_sweep_table_reports_time_per_variant_and_the_ratio_to_one_variant():
    rows = [{"scheduler": "local", "variants": n, "seconds": s, "per_variant": s / n, "peak": 100.0 * n,
             "cpu": 50.0 + 30.0 * n} for n, s in ((1, 100.0), (2, 130.0), (4, 180.0))]
    lines = benchmark.sweep_lines(rows)
    assert lines[2].startswith("| local processes | 1 | 100.0 | 100.0 | 1.00× | 80.0 |")
    assert "| 4 | 180.0 | 45.0 | 1.80× | 170.0 | 400 |" in lines[4]
    # CPU grows by 30 core-s a variant over 50 shared: four variants would need 2 × 30 shared to stay within 2×
    (sharing,) = [line for line in lines if line.startswith("- local processes")]
    assert "adds 30.0 core-s" in sharing and "leaves 50.0 core-s of one variant's 80.0" in sharing
    assert "at least 60.0 core-s" in sharing
    dask = [{**row, "scheduler": "dask"} for row in rows]  # its workers' CPU time is not counted: no split
    assert not [line for line in benchmark.sweep_lines(rows + dask) if line.startswith("- two-worker")]


def test_children_cpu_time_counts_a_finished_command():
    before = benchmark.children_cpu_seconds()
    subprocess.run([sys.executable, "-c", "sum(i * i for i in range(3_000_000))"], check=True)
    assert benchmark.children_cpu_seconds() - before > 0.05


def test_the_module_scenario_builds_first_and_reports_what_re_executed(copy, tmp_path, monkeypatch):
    calls = []

    def fake_measure(command, cwd, env, helpers=None):
        calls.append(command)
        executed = "chapters/future_roles.ipynb" if len(calls) > 1 else "chapters/synthesis.ipynb"
        return 1.0, 10.0, f"[nordic 1/1 1.0 s] executed {executed} in 1.0 s\n"

    monkeypatch.setattr(benchmark, "measure", fake_measure)
    results, edits = {"module": []}, {}
    benchmark.build_scenarios(copy, tmp_path, ["build"], 1, {"module"}, results, edits)
    assert len(calls) == 4  # clean, unchanged and one notebook first: the module edit rebuilds on them
    assert results == {"module": [(1.0, 10.0)]}
    assert edits["module"] == [["chapters/future_roles.ipynb"]] and edits["expected"] == edits["module"][0]
    args = SimpleNamespace(runs=1, scenarios=["module"])
    text = " ".join(benchmark.report_lines(args, 2, ["a"], {"module": (1.0, 10.0)}, edits, None, []))
    assert "exactly the notebooks that import it" in text


def test_each_dask_sweep_gets_a_cluster_whose_workers_use_its_own_empty_cache(copy, tmp_path, monkeypatch):
    clusters, measured = [], []

    class FakeCluster:
        def __init__(self, env):
            self.env, self.closed, self.address = env, False, f"tcp://fake-{len(clusters)}"
            clusters.append(self)

        def processes(self):
            return []

        def close(self):
            self.closed = True

    def fake_measure(command, cwd, env, helpers=None):
        measured.append((command, env))
        return 1.0, 10.0, ""

    monkeypatch.setattr(benchmark, "LocalDask", FakeCluster)
    monkeypatch.setattr(benchmark, "measure", fake_measure)
    rows = benchmark.sweep_table(copy, tmp_path, ["build"], 1, sizes=(1, 2), schedulers=("dask",))
    assert [r["variants"] for r in rows] == [1, 2] and len(clusters) == 2
    for cluster, (command, env) in zip(clusters, measured):
        # the workers run the kernels: they must write to the cache this sweep starts empty, not an earlier one
        assert cluster.env["AI_CULTURE_REPORT_CACHE"] == env["AI_CULTURE_REPORT_CACHE"] and cluster.closed
        assert command[command.index("--scheduler") + 1] == cluster.address
    assert clusters[0].env["AI_CULTURE_REPORT_CACHE"] != clusters[1].env["AI_CULTURE_REPORT_CACHE"]


def test_the_local_cluster_has_two_workers_that_import_the_copy(copy):
    from distributed import Client

    cluster = benchmark.LocalDask(benchmark.environment(copy))
    try:
        with Client(cluster.address) as client:
            assert len(client.scheduler_info()["workers"]) == 2
            found = client.submit(lambda: __import__("ai_culture_report").__file__, pure=False).result()
        assert found.startswith(str(copy))
        assert len(cluster.processes()) >= 2
        # The scheduler runs in this process and unpickles tasks that name the copy's functions.
        assert str(copy) in sys.path
    finally:
        cluster.close()
    assert str(copy) not in sys.path


def test_the_floor_is_the_steps_of_a_one_at_a_time_build_over_the_cores_plus_sphinx():
    log = ("[nordic  1/2   8.0 s] executed chapters/a.ipynb in 5.0 s, nbval passed in 3.0 s\n"
           "[nordic  2/2  12.0 s] executed chapters/b.ipynb in 4.0 s\n"
           "  [nordic] HTML built in 6.0 s\n")
    assert benchmark.floor_seconds(log, 2) == (12.0, 6.0, 12.0)
    assert benchmark.longest_execution(log) == ("chapters/a.ipynb", 5.0)
    args = SimpleNamespace(runs=1, scenarios=["clean", "floor"])
    text = " ".join(benchmark.report_lines(args, 2, ["a", "b"], {"clean": (18.0, 1.0)}, {}, None, [],
                                           [12.0, 6.0, 12.0]))
    assert "12.0 / 2 + 6.0 = 12.0 s" in text and "1.50× that" in text
