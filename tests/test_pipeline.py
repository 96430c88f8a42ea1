"""The whole pipeline: papermill executes every chapter, nbval passes, Jupyter Book builds with -W."""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml

from ai_culture_report import forkserver
from ai_culture_report import pipeline as build

from conftest import REPO, run_build

pytestmark = pytest.mark.pipeline


def toc_files():
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


def test_every_chapter_is_executed_validated_and_rendered(built_book):
    log = built_book["log"]
    notebooks = sorted((REPO / "chapters").glob("*.ipynb"))
    for notebook in notebooks:
        assert f"executed chapters/{notebook.name}" in log
        executed = nbformat.read(built_book["root"] / "stage" / "nordic" / "chapters" / notebook.name, as_version=4)
        injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert injected and '"DK"' in injected[0].source.replace("'", '"'), notebook.name
    total = len(notebooks)
    for notebook in notebooks:  # one line per notebook: [variant done/total elapsed] executed, then validated
        assert re.search(rf"^\[nordic +\d+/{total} +[\d.]+ s\] executed chapters/{re.escape(notebook.name)} in "
                         rf"[\d.]+ s, nbval passed in [\d.]+ s", log, re.MULTILINE), notebook.name
    counts = [int(n) for n in re.findall(rf"^\[nordic +(\d+)/{total} ", log, re.MULTILINE)]
    assert counts == list(range(1, total + 1))
    # a forked kernel that took itself for a stand-alone one would print its connection details here
    for noise in ("without encryption", "KeyboardInterrupt", "Traceback", "connect another client"):
        assert noise not in log, noise
    assert ("kernels forked from a warm server" in log) == forkserver.enabled()
    for page in toc_files():
        assert (built_book["html"] / f"{page}.html").exists(), page


def test_rebuild_with_nothing_changed_executes_nothing(built_book):
    result = run_build("--stage-root", str(built_book["root"]))
    assert result.returncode == 0, result.stdout[-3000:]
    assert "executed chapters/" not in result.stdout
    assert result.stdout.count("inputs unchanged, not executed") == len(list((REPO / "chapters").glob("*.ipynb")))
    assert "nbval passed" not in result.stdout
    assert "is up to date" in result.stdout


def test_published_pages_contain_no_cdn_or_remote_assets(built_book):
    for page in built_book["html"].rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        remote = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(https?:)?//[^"]+"', text)
        remote = [r for r in re.findall(r'<(?:script|img|iframe)[^>]+src="((?:https?:)?//[^"]+)"', text)]
        remote += re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="((?:https?:)?//[^"]+)"', text)
        assert not remote, f"{page.name} loads {remote}"


def test_failing_notebook_is_named_with_its_cell_and_leaves_nothing(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise ValueError('bad data')")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    source, target = tmp_path / "broken.ipynb", tmp_path / "out" / "broken.ipynb"
    target.parent.mkdir()
    nbformat.write(notebook, source)
    outcome = build.execute_notebook(str(source), str(target), {}, str(tmp_path))
    assert outcome["ok"] is False
    assert outcome["cell"] == 2 and "ValueError: bad data" in outcome["error"]
    assert list(target.parent.iterdir()) == []


def test_publish_replaces_the_old_html_only_when_complete(tmp_path):
    built, target = tmp_path / "built", tmp_path / "site" / "html"
    built.mkdir()
    (built / "index.html").write_text("new")
    target.mkdir(parents=True)
    (target / "index.html").write_text("old")
    (target / "stale.html").write_text("old page")
    build.publish(built, target)
    assert (target / "index.html").read_text() == "new" and not (target / "stale.html").exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["html"]


def test_preview_table_of_contents_keeps_only_the_chosen_chapter():
    notebooks = sorted((REPO / "chapters").glob("*.ipynb"))
    chosen = notebooks[0].relative_to(REPO)
    toc = yaml.safe_load(build.filtered_toc((REPO / "_toc.yml").read_text(), [chosen]))
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert chosen.with_suffix("").as_posix() in files
    assert not any(f.startswith("chapters/") and f != chosen.with_suffix("").as_posix() and
                   (REPO / f"{f}.ipynb").exists() for f in files)


def test_only_the_parameters_a_notebook_declares_are_injected(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell('countries = ["DK"]\nas_of = None  # the date (YYYY-MM-DD)\n'
                                                'random_seed: int = 42', metadata={"tags": ["parameters"]}),
                      nbformat.v4.new_code_cell("other = 1")]
    path = tmp_path / "chapter.ipynb"
    nbformat.write(notebook, path)
    # as_of survives the comment papermill's inspector cannot parse; 'other' is not a parameter
    assert build.declared_parameters(path) == {"countries", "as_of", "random_seed"}
