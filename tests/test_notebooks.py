"""Committed notebooks: no outputs, one parameters cell whose defaults are the published parameters."""

from __future__ import annotations

import ast
import json

import pytest
import yaml

from ai_culture_report.params import PARAMETER_KEYS, load_params

from conftest import REPO

NOTEBOOKS = sorted((REPO / "chapters").glob("*.ipynb"))


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_there_are_chapter_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs(path):
    for cell in cells(path):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_defaults_equal_the_published_parameters(path):
    tagged = [c for c in cells(path) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
    values = {}
    for node in ast.parse("".join(tagged[0]["source"])).body:
        if isinstance(node, ast.Assign):
            values[node.targets[0].id] = ast.literal_eval(node.value)
    published = load_params(REPO / "params" / "nordic.yml").as_dict()
    for key in PARAMETER_KEYS:
        assert values.get(key) == published[key], f"{path.name}: {key}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_in_the_table_of_contents(path):
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = {c["file"] for part in toc["parts"] for c in part["chapters"]}
    assert path.relative_to(REPO).with_suffix("").as_posix() in files
