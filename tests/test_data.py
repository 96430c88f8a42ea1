"""The data layer: locating, verifying and typing the snapshot, with clear errors."""

from __future__ import annotations

import hashlib
import json
import pandas as pd
import pytest

from ai_culture_report import data
from ai_culture_report.errors import (
    ChecksumMismatch,
    DataFileMissing,
    SchemaMismatch,
    SnapshotNotFound,
    UnknownResource,
)

from conftest import REPO, needs_snapshot, run_build

CSV = "culture/eurostat_cult_emp_share.csv"


def snapshot_at(root):
    return data.Snapshot(root=root, registry=root / "datapackage.json")


def rewrite(root, text: str) -> None:
    """Replace the fixture CSV and register its new checksum, so only the schema check can object."""
    (root / CSV).write_text(text, encoding="utf-8")
    registry = json.loads((root / "datapackage.json").read_text())
    registry["resources"][0]["hash"] = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    (root / "datapackage.json").write_text(json.dumps(registry))


def test_load_returns_typed_frame(fixture_snapshot):
    frame = snapshot_at(fixture_snapshot).load("share")
    assert list(frame.columns[:5]) == ["indicator", "unit", "geo", "year", "value"]
    assert str(frame["year"].dtype) == "Int64"
    assert frame["value"].dtype == float
    assert frame.loc[frame.geo.eq("DK") & frame.year.eq(2017), "flag"].item() == "b"
    assert frame["flag"].isna().sum() == 9  # empty flags stay missing, not ""


def test_missing_snapshot_directory_says_where_and_how(tmp_path):
    snapshot = data.Snapshot(root=tmp_path / "nowhere", registry=REPO / "tests/fixtures/snapshot/datapackage.json")
    with pytest.raises(SnapshotNotFound) as error:
        snapshot.load("share")
    assert str(tmp_path / "nowhere") in str(error.value)
    assert "REPORT_DATA_DIR" in str(error.value)


def test_missing_file(fixture_snapshot):
    (fixture_snapshot / CSV).unlink()
    with pytest.raises(DataFileMissing, match="missing from the snapshot"):
        snapshot_at(fixture_snapshot).load("share")


def test_checksum_mismatch_names_file_expected_and_actual(fixture_snapshot):
    path = fixture_snapshot / CSV
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_text(path.read_text().replace("4.3", "9.9"))
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(ChecksumMismatch) as error:
        snapshot_at(fixture_snapshot).load("share")
    message = str(error.value)
    assert str(path) in message and expected in message and actual in message


def test_missing_column(fixture_snapshot):
    original = (fixture_snapshot / CSV).read_text().splitlines()
    without_value = [",".join(c for i, c in enumerate(line.split(",")) if i != 4) for line in original]
    rewrite(fixture_snapshot, "\n".join(without_value) + "\n")
    with pytest.raises(SchemaMismatch, match="missing column.*value"):
        snapshot_at(fixture_snapshot).load("share")


def test_mistyped_column_names_column_and_value(fixture_snapshot):
    text = (fixture_snapshot / CSV).read_text().replace(",SE,2018,4.6,", ",SE,2018,n/a,")
    rewrite(fixture_snapshot, text)
    with pytest.raises(SchemaMismatch) as error:
        snapshot_at(fixture_snapshot).load("share")
    assert "'value'" in str(error.value) and "'n/a'" in str(error.value) and "number" in str(error.value)


def test_fractional_year_is_not_an_integer(fixture_snapshot):
    rewrite(fixture_snapshot, (fixture_snapshot / CSV).read_text().replace(",PL,2019,", ",PL,2019.5,"))
    with pytest.raises(SchemaMismatch, match="'year' should hold integer"):
        snapshot_at(fixture_snapshot).load("share")


def test_unknown_dataset_lists_known_ones(fixture_snapshot):
    with pytest.raises(UnknownResource, match="Known datasets: share"):
        snapshot_at(fixture_snapshot).load("shares")


def test_verify_all_reports_each_problem(fixture_snapshot):
    snapshot = snapshot_at(fixture_snapshot)
    assert snapshot.verify_all() == []
    (fixture_snapshot / CSV).write_text("changed\n")
    problems = snapshot.verify_all()
    assert len(problems) == 1 and "does not match the registry" in problems[0]


def test_data_dir_variable_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("REPORT_DATA_DIR", str(tmp_path))
    assert data.default_snapshot_dir() == tmp_path.resolve()
    monkeypatch.delenv("REPORT_DATA_DIR")
    assert data.default_snapshot_dir() == REPO / "data"
    assert (data.default_snapshot_dir() / "SHA256SUMS").is_file()  # the snapshot ships with the project


def test_expand_breakdown_unpacks_pairs():
    frame = pd.DataFrame({"breakdown": ["size_emp=GE10;nace_r2=J", None, "ind_type=All individuals"]})
    expanded = data.expand_breakdown(frame)
    assert expanded.loc[0, "nace_r2"] == "J" and expanded.loc[0, "size_emp"] == "GE10"
    assert pd.isna(expanded.loc[1, "size_emp"])
    assert expanded.loc[2, "ind_type"] == "All individuals"


def test_vintage_segments_follow_the_source_copy(fixture_snapshot):
    frame = snapshot_at(fixture_snapshot).load("share")
    segments = data.vintage_segments(frame)
    assert set(segments) == {"2017–2018", "2019–2019"}
    assert (segments[frame.year <= 2018] == "2017–2018").all()


def test_every_registered_file_says_who_published_it_and_how_to_credit_it():
    for resource in data.default_snapshot().registry.resources.values():
        assert resource.publisher and resource.attribution, resource.name
        assert resource.licence or resource.licence_statement, resource.name  # a licence, or words on its absence


@needs_snapshot
def test_every_registered_csv_loads_with_its_schema():
    snapshot = data.default_snapshot()
    for name, resource in snapshot.registry.resources.items():
        if resource.path.endswith(".csv"):
            assert len(snapshot.load(name)) > 0, name


def test_build_without_snapshot_fails_clearly(tmp_path):
    result = run_build("--stage-root", str(tmp_path / "stage"), env_extra={"REPORT_DATA_DIR": str(tmp_path / "none")})
    assert result.returncode == 2
    assert "does not exist" in result.stdout and "REPORT_DATA_DIR" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "content, expected",
    [
        ('countries: ["DK", "XX"]\n', "Unknown country code(s) in 'countries': XX"),
        ('countries: ["DK"]\nyear_start: 2020\nyear_end: 2015\n', "Impossible year range"),
        ('countries: ["DK"]\ncomparison_aggregate: EU99\n', "Unknown comparison aggregate"),
        ("countries: [DK, NO]\n", "YAML reads a bare NO"),
        ('countries: ["DK"]\nyears: 2020\n', "unknown key(s) years"),
    ],
)
def test_build_rejects_bad_parameters(tmp_path, content, expected):
    params = tmp_path / "bad.yml"
    params.write_text(content)
    result = run_build("--params", str(params), "--stage-root", str(tmp_path / "stage"))
    assert result.returncode == 2
    assert expected in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "stage").exists() or not any((tmp_path / "stage").rglob("*.ipynb"))
