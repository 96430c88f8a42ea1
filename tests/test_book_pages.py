"""Pages written by the build: placeholders from the parameters, the data appendix, the run manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ai_culture_report import manifest, pipeline
from ai_culture_report.appendix import render_data_appendix
from ai_culture_report.data import Snapshot
from ai_culture_report.errors import ReportError
from ai_culture_report.params import validate

from conftest import REPO

PARAMS = validate(["EE", "LV"], "EU27_2020", 2012, 2020, "the test region", "Test")


def test_placeholders_take_the_parameters():
    text = "# {{ book_title }}\n{{Region_name}} ({{ country_names }}) against the {{aggregate_name}}, {glue:text}`k`."
    filled = pipeline.fill_placeholders(text, PARAMS, Path("x.md"))
    assert filled.startswith("# Can AI and culture become a Test area of strength?")
    assert "The test region (Estonia and Latvia) against the EU27" in filled
    assert "{glue:text}`k`" in filled  # MyST roles are left alone


def test_unknown_placeholder_is_an_error():
    with pytest.raises(ReportError, match="unknown placeholder"):
        pipeline.fill_placeholders("{{ regoin_name }}", PARAMS, Path("intro.md"))


def test_data_appendix_lists_each_dataset_with_source_and_coverage(fixture_snapshot):
    snapshot = Snapshot(root=fixture_snapshot, registry=fixture_snapshot / "datapackage.json")
    params = validate(["DK", "SE", "IS"], "EU27_2020", 2011, 2025, "three countries", "Test")
    text = render_data_appendix(snapshot, params)
    assert "### Cultural employment share (fixture)" in text
    assert "`cult_emp_sex`" in text and "Creative Commons Attribution 4.0" in text
    assert "years 2017–2019" in text and "not covered: Iceland" in text


def test_manifest_keeps_its_date_while_nothing_changes(tmp_path, monkeypatch):
    content = {"parameters": PARAMS.as_dict(), "parameter_file": "x.yml", "git_commit": "abc",
               "lock_file_sha256": "0" * 64, "snapshot_checksums": {"a": "1"}, "packages": {"python": "3.11"}}
    manifest.write_manifest(tmp_path, content)
    path = tmp_path / "appendix" / "run-manifest.json"
    saved = json.loads(path.read_text())
    saved["build_date"] = "2000-01-01"
    path.write_text(json.dumps(saved, indent=1, sort_keys=True) + "\n")
    manifest.write_manifest(tmp_path, content)
    assert json.loads(path.read_text())["build_date"] == "2000-01-01"
    manifest.write_manifest(tmp_path, {**content, "git_commit": "def"})
    assert json.loads(path.read_text())["build_date"] != "2000-01-01"
    assert "| Git commit | `def` |" in (tmp_path / "appendix" / "_manifest.md").read_text()


def test_manifest_names_the_installed_versions():
    versions = manifest.package_versions()
    assert versions["jupyter-book"].startswith("1.")
    assert versions["python"].startswith("3.")


def test_preview_includes_the_notebooks_other_pages_paste_from():
    # intro.md, conclusions.md and the summaries paste the synthesis's numbers.
    assert Path("chapters/synthesis.ipynb") in pipeline.glue_dependencies(REPO)
