"""The drift report between two snapshot folders the tests build in tmp_path (invented values)."""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import replace

import pytest

from ai_culture_report import drift
from ai_culture_report.data import Registry
from ai_culture_report.errors import DataFileMissing, ReportError, SchemaMismatch
from ai_culture_report.params import validate

from conftest import REPO

REGISTRY = Registry.read(REPO / "data" / "datapackage.json")
PARAMS = validate(["DK", "FI", "IS"], "EU27_2020", 2011, 2025, region_name="the test countries")

SHARE = "culture/eurostat_cult_emp_share.csv"
AI_USE = "ai/eurostat_isoc_eb_ai__E_AI_TANY_ge10.csv"
SHARE_HEADER = "indicator,unit,geo,year,value,flag,source_dataset,found_at\n"
AI_HEADER = "indicator,unit,geo,year,breakdown,value,flag,source_dataset,found_at\n"


def share_rows(*rows) -> str:
    return SHARE_HEADER + "".join(
        f"cultural_employment_share_of_total_employment,PC_EMP,{geo},{year},{value},{flag},"
        f"Eurostat cult_emp_sex (sex=T),test\n"
        for geo, year, value, flag in rows
    )


def ai_rows(*rows) -> str:
    return AI_HEADER + "".join(
        f"E_AI_TANY,PC_ENT,{geo},{year},size_emp=GE10;nace_r2=C10-S951_X_K,{value},,Eurostat isoc_eb_ai,test\n"
        for geo, year, value in rows
    )


def write_snapshot(root, files: dict[str, str]):
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    sums = "".join(f"{hashlib.sha256((root / p).read_bytes()).hexdigest()}  {p}\n" for p in sorted(files))
    (root / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return root


@pytest.fixture
def snapshots(tmp_path):
    old = write_snapshot(tmp_path / "old", {
        SHARE: share_rows(("DK", 2021, 4.0, ""), ("DK", 2022, 4.5, ""), ("FI", 2022, 4.6, ""),
                          ("IS", 2022, 5.6, ""), ("EU27_2020", 2022, 3.8, "")),
        AI_USE: ai_rows(("DK", 2025, 42.03), ("FI", 2025, 37.82), ("EU27_2020", 2025, 19.95)),
        "README.md": "old readme\n",
        "culture/only_in_old.csv": "a\n1\n",
    })
    new = write_snapshot(tmp_path / "new", {
        SHARE: share_rows(("DK", 2021, 4.0, ""), ("DK", 2022, 4.4, ""), ("DK", 2023, 4.7, "b"),
                          ("FI", 2022, 4.6, ""), ("EU27_2020", 2022, 3.8, ""), ("EU27_2020", 2023, 3.9, ""),
                          # after year_end (2025): must not become the headline
                          ("FI", 2026, 9.9, "")),
        AI_USE: ai_rows(("DK", 2025, 42.03), ("FI", 2025, 38.02), ("EU27_2020", 2025, 19.95)),
        "README.md": "old readme\n",
        "culture/only_in_new.csv": "a\n1\n",
    })
    return old, new


def change_for(report, key, geo):
    return next(c for c in report.changes if c.headline.key == key and c.geo == geo)


def test_headline_numbers_are_classified_and_measured(snapshots):
    report = drift.compare_snapshots(*snapshots, REGISTRY, PARAMS)

    dk = change_for(report, "cultural_employment_share", "DK")
    assert dk.status == "newer year"
    assert (dk.before.year, dk.after.year, dk.after.flag) == (2022, 2023, "b")
    assert dk.change == pytest.approx(0.2) and dk.revision == pytest.approx(-0.1)

    assert change_for(report, "cultural_employment_share", "FI").status == "unchanged"  # 2026 is past year_end
    assert change_for(report, "cultural_employment_share", "IS").status == "disappeared"
    assert change_for(report, "cultural_employment_share", "EU27_2020").status == "newer year"

    fi_ai = change_for(report, "enterprise_ai_use", "FI")
    assert fi_ai.status == "revised" and fi_ai.change == pytest.approx(0.2)
    assert change_for(report, "enterprise_ai_use", "DK").status == "unchanged"
    assert change_for(report, "enterprise_ai_use", "IS").status == "missing"

    assert {(c.headline.key, c.geo) for c in report.moved} == {
        ("cultural_employment_share", "DK"), ("cultural_employment_share", "IS"),
        ("cultural_employment_share", "EU27_2020"), ("enterprise_ai_use", "FI"),
    }
    # One entry per headline and geography: the selected countries and the aggregate.
    assert len(report.changes) == len(drift.HEADLINES) * 4


def test_files_are_compared_by_checksum(snapshots):
    report = drift.compare_snapshots(*snapshots, REGISTRY, PARAMS)
    assert report.files_changed == [AI_USE, SHARE]
    assert report.files_added == ["culture/only_in_new.csv"]
    assert report.files_removed == ["culture/only_in_old.csv"]
    assert report.files_unchanged == 1  # README.md


def test_the_markdown_report_says_what_moved_and_by_how_much(snapshots):
    text = drift.render_markdown(drift.compare_snapshots(*snapshots, REGISTRY, PARAMS))
    assert text.startswith("# Data drift between two snapshots\n")
    assert "## Headline numbers that moved (4 of 24)" in text
    assert ("| Cultural employment, % of total employment | Denmark | 4.50 in 2022 | 4.70 (b) in 2023 "
            "| newer year, +0.20 points against 2022; 2022 revised −0.10 points |") in text
    assert "| Enterprises using AI, % of enterprises (10+ persons employed) | Finland | 37.82 in 2025 " \
           "| 38.02 in 2025 | revised +0.20 points |" in text
    assert "| Cultural employment, % of total employment | Iceland | 5.60 in 2022 | — | no longer in the snapshot |" \
        in text
    assert "- Enterprises using AI, % of enterprises (10+ persons employed): no value for Iceland" in text
    assert "2 changed, 1 added, 1 removed, 1 unchanged (compared by sha256)." in text
    unchanged_section = text.split("## Unchanged")[1].split("##")[0]
    assert "Denmark: 42.03 in 2025" in unchanged_section and "Finland: 4.60 in 2022" in unchanged_section


def test_a_snapshot_without_registry_is_verified_by_its_own_sums(snapshots):
    _, new = snapshots
    snapshot, how = drift.open_snapshot(new, REGISTRY)
    assert how == "verified against its own SHA256SUMS (not the registry)"
    frame = snapshot.load(drift.resource_name_for(snapshot, SHARE))
    assert str(frame["year"].dtype) == "Int64" and frame["value"].dtype == float


def test_a_snapshot_matching_the_registry_is_verified_against_it(snapshots):
    old, _ = snapshots
    sums = {line.split()[1]: line.split()[0] for line in (old / "SHA256SUMS").read_text().splitlines()}
    registry = Registry(path=REGISTRY.path, resources={
        name: replace(resource, sha256=sums[resource.path])
        for name, resource in REGISTRY.resources.items() if resource.path in sums
    })
    _, how = drift.open_snapshot(old, registry)
    assert how.startswith("matches the registry")


def test_a_file_changed_after_its_checksum_was_taken_stops_the_comparison(snapshots):
    old, new = snapshots
    with open(new / SHARE, "a", encoding="utf-8") as handle:
        handle.write(share_rows(("SE", 2023, 5.0, "")).split("\n", 1)[1])
    with pytest.raises(ReportError, match=f"NEW snapshot .*not matching its SHA256SUMS \\(first: {SHARE}\\)"):
        drift.compare_snapshots(old, new, REGISTRY, PARAMS)


def test_a_file_that_breaks_the_schema_is_refused_by_the_books_loader(snapshots):
    old, new = snapshots
    write_snapshot(new, {SHARE: share_rows(("DK", 2023, "n/a", "")), AI_USE: (new / AI_USE).read_text()})
    with pytest.raises(SchemaMismatch, match="'value' should hold number values"):
        drift.compare_snapshots(old, new, REGISTRY, PARAMS)


def test_a_folder_without_sha256sums_cannot_be_compared(snapshots):
    old, new = snapshots
    (new / "SHA256SUMS").unlink()
    with pytest.raises(DataFileMissing, match="has no SHA256SUMS"):
        drift.compare_snapshots(old, new, REGISTRY, PARAMS)


def test_cli_writes_the_report_to_a_file(snapshots, tmp_path, capsys):
    params = tmp_path / "test.yml"
    params.write_text('countries: ["DK", "FI", "IS"]\ncomparison_aggregate: EU27_2020\nyear_start: 2011\n'
                      "year_end: 2025\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("fetch_data_cli", REPO / "scripts" / "fetch_data.py")
    cli = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli)
    target = tmp_path / "drift.md"
    code = cli.main(["--compare", *map(str, snapshots), "--params", str(params), "--report", str(target)])
    assert code == 0
    assert "4 headline numbers moved" in capsys.readouterr().out
    assert target.read_text(encoding="utf-8") == drift.render_markdown(
        drift.compare_snapshots(*snapshots, REGISTRY, PARAMS)
    )
