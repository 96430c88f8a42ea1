"""The data package: Frictionless accepts it, it describes the files beside it, and a refresh is adopted whole."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
import yaml

from ai_culture_report import registry
from ai_culture_report.data import read_sha256sums, sha256_of

from conftest import REPO

DATA = REPO / "data"
CSV = "culture/eurostat_cult_emp_share.csv"
# The project's own files in data/: everything else there is a third-party file listed in SHA256SUMS.
OWN_FILES = {"README.md", "SHA256SUMS", "datapackage.json", "sources.yml", "context_events.yml"}


@pytest.fixture(scope="module")
def regenerated():
    """The registry as scripts/make_registry.py would write it from data/ now."""
    return registry.build_registry(DATA, DATA / "sources.yml")


def test_frictionless_validator_accepts_the_shipped_package():
    report = registry.validate_package(DATA / "datapackage.json")
    errors = [error.message for task in report.tasks for error in task.errors] + \
             [error.message for error in report.errors]
    assert report.valid, errors[:10]
    assert len(report.tasks) == len(json.loads((DATA / "datapackage.json").read_text())["resources"])


def test_committed_registry_is_what_the_files_say(regenerated):
    committed = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    assert committed == regenerated, "data/ changed: run python scripts/make_registry.py and review the diff"


def test_readme_licence_table_is_current(regenerated):
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert registry.readme_with_table(readme, regenerated) == readme
    for resource in regenerated["resources"]:
        assert f"`{resource['path']}`" in readme
    for path in registry.unstated_licences(regenerated):
        assert f"`{path}`" in readme.split("Files whose publisher states no licence:")[1]


def test_every_shipped_file_is_listed_with_its_checksum():
    sums = read_sha256sums(DATA)
    shipped = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file()}
    assert shipped - OWN_FILES == set(sums), "every third-party file in data/ has its line in SHA256SUMS"
    for relative, digest in sums.items():
        assert sha256_of(DATA / relative) == digest, relative
    registered = {r["path"] for r in json.loads((DATA / "datapackage.json").read_text())["resources"]}
    assert registered <= set(sums)


def test_schema_follows_the_header_order_even_when_fields_hold_commas(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('geo,year,note,value\nDK,2024,"as quoted (rounded, \'estimated\')",2.2\nFI,2023,,3.1\n')
    fields = registry.describe_schema(path)["fields"]
    assert [f["name"] for f in fields] == ["geo", "year", "note", "value"]
    assert [f["type"] for f in fields] == ["string", "integer", "string", "number"]


def test_unstated_licence_is_left_out_not_null():
    assert registry.licence_descriptor({"id": None, "title": None, "url": None}) is None
    assert registry.licence_descriptor({"id": None, "title": "as listed", "url": None}) is None
    assert registry.licence_descriptor({"id": "CC0-1.0", "title": None, "url": None}) == {"name": "CC0-1.0"}


def small_snapshot(root, text="indicator,geo,year,value\nshare,DK,2021,4.1\nshare,FI,2021,3.9\n"):
    """A one-file snapshot with its sources.yml and README, as data/ is laid out."""
    (root / "culture").mkdir(parents=True)
    (root / CSV).write_text(text)
    (root / "SHA256SUMS").write_text(f"{hashlib.sha256(text.encode()).hexdigest()}  {CSV}\n")
    sources = {
        "attribution_templates": {"CC-BY-4.0": "Source: {source}.", "none": "Ask {source}."},
        "resources": [{"name": "share", "path": CSV, "title": "Share", "publisher": "Eurostat",
                       "dataset_code": "cult_emp_sex", "licence": {"id": "CC-BY-4.0", "title": "CC BY 4.0",
                                                                   "url": "https://creativecommons.org/licenses/by/4.0/"}}],
    }
    (root / "sources.yml").write_text(yaml.safe_dump(sources))
    (root / "README.md").write_text(f"# data\n\n{registry.README_START}\n{registry.README_END}\n")
    return root


def test_a_null_licence_is_what_frictionless_rejects(tmp_path):
    """The validator the tests rely on does object to what the old registry wrote."""
    root = small_snapshot(tmp_path / "data")
    package = registry.write_registry(root, root / "sources.yml", root / "datapackage.json")
    package["resources"][0]["licenses"] = [{"name": None, "path": None, "title": None}]
    (root / "datapackage.json").write_text(json.dumps(package))
    assert not registry.validate_package(root / "datapackage.json").valid


def test_adopt_copies_changed_files_and_regenerates_the_registry(tmp_path):
    data_dir = small_snapshot(tmp_path / "data")
    registry.write_registry(data_dir, data_dir / "sources.yml", data_dir / "datapackage.json", data_dir / "README.md")
    new = small_snapshot(tmp_path / "new", text="indicator,geo,year,value\nshare,DK,2021,4.1\nshare,FI,2021,4.0\n")
    (new / "PROVENANCE.md").write_text("# Provenance of this snapshot\n")
    outcome = registry.adopt_snapshot(new, data_dir, data_dir / "sources.yml", progress=lambda *a: None)
    assert outcome == {CSV: "changed", "provenance/latest_refresh.md": "added"}
    assert (data_dir / CSV).read_text() == (new / CSV).read_text()
    package = json.loads((data_dir / "datapackage.json").read_text())
    assert package["resources"][0]["hash"] == f"sha256:{sha256_of(new / CSV)}"
    assert read_sha256sums(data_dir)["provenance/latest_refresh.md"] == sha256_of(data_dir / "provenance/latest_refresh.md")
    assert "`culture/eurostat_cult_emp_share.csv` | Eurostat | CC BY 4.0 | Source: Eurostat (cult_emp_sex). |" in \
        (data_dir / "README.md").read_text()
    assert registry.validate_package(data_dir / "datapackage.json").valid


def test_adopt_changes_nothing_when_the_new_snapshot_is_corrupt(tmp_path):
    data_dir = small_snapshot(tmp_path / "data")
    registry.write_registry(data_dir, data_dir / "sources.yml", data_dir / "datapackage.json", data_dir / "README.md")
    before = {p.name: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}
    new = tmp_path / "new"
    shutil.copytree(data_dir, new)
    (new / CSV).write_text("indicator,geo,year,value\nshare,DK,2021,9.9\n")  # not what its SHA256SUMS says
    with pytest.raises(ValueError, match="does not match"):
        registry.adopt_snapshot(new, data_dir, data_dir / "sources.yml", progress=lambda *a: None)
    assert {p.name: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()} == before
    assert not list(tmp_path.glob(".adopt-*")), "no staging folder is left behind"

