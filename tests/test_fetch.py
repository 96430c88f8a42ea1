"""The Eurostat fetcher, offline: parsers on answers in Eurostat's formats, the new-snapshot writer, failures.

No test reaches the internet. Answers come from tests/fixtures/eurostat/ (made by the
project, invented values) through a fake session; the retry and cache tests talk to
a throwaway HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import socket
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import pytest
import requests
import urllib3.exceptions

from ai_culture_report import fetch
from ai_culture_report.data import Registry
from ai_culture_report.errors import ChecksumMismatch

from conftest import FIXTURES, REPO

EUROSTAT = FIXTURES / "eurostat"
REGISTRY = REPO / "data" / "datapackage.json"
FIXED_NOW = datetime(2026, 12, 1, 8, 30, tzinfo=timezone.utc)


def answer(name: str) -> bytes:
    return (EUROSTAT / name).read_bytes()


def fixture_json(name: str) -> dict:
    return json.loads(answer(name))


def snapshot_file(path: str) -> fetch.SnapshotFile:
    return next(f for f in fetch.SNAPSHOT_FILES if f.path == path)


def cell(frame: pd.DataFrame, **codes) -> pd.Series:
    keep = pd.Series(True, index=frame.index)
    for column, value in codes.items():
        keep &= frame[column] == value
    rows = frame[keep]
    assert len(rows) == 1, f"expected one row for {codes}, found {len(rows)}"
    return rows.iloc[0]


# --------------------------------------------------------------------------- JSON-stat

def test_jsonstat_cells_are_placed_on_their_dimension_codes():
    observations = fetch.parse_jsonstat(answer("isoc_eb_ai.json"), "isoc_eb_ai")
    frame = observations.frame
    assert observations.dimensions == ("freq", "size_emp", "nace_r2", "indic_is", "unit", "geo")
    assert list(frame.columns[-3:]) == ["year", "value", "flag"]
    assert cell(frame, indic_is="E_AI_TANY", geo="SE", year=2024)[["value", "flag"]].tolist() == ["19.75", "b"]
    assert cell(frame, indic_is="E_AI_TPVSG", geo="EU27_2020", year=2025)["value"] == "6.25"
    # The confidential cell (status c, value null) is left out, as the snapshot drops unpublished values.
    assert frame[(frame.indic_is == "E_AI_ADOWN") & (frame.geo == "DK")].empty
    assert len(frame) == 13
    assert observations.last_update == "2026-06-15T11:00:00+0200"
    assert observations.title == "Artificial intelligence by size class of enterprise"
    assert observations.label("geo", "EU27_2020") == "European Union - 27 countries (from 2020)"


def test_jsonstat_value_as_array_or_object_gives_the_same_observations():
    dense = fixture_json("cult_emp_sex.json")  # value and status are arrays with nulls
    sparse = dict(dense)
    sparse["value"] = {str(i): v for i, v in enumerate(dense["value"]) if v is not None}
    sparse["status"] = {str(i): s for i, s in enumerate(dense["status"]) if s}
    from_array = fetch.parse_jsonstat(json.dumps(dense), "cult_emp_sex").frame
    from_object = fetch.parse_jsonstat(sparse, "cult_emp_sex").frame
    pd.testing.assert_frame_equal(from_array, from_object)
    assert cell(from_array, sex="T", unit="PC_EMP", geo="DK", year=2023)["flag"] == "b"
    assert from_array[(from_array.geo == "IS") & (from_array.year == 2023)].empty  # null in the array


def test_jsonstat_single_category_dimension_may_omit_its_index():
    document = fixture_json("isoc_sks_itspt.json")
    del document["dimension"]["freq"]["category"]["index"]
    assert len(fetch.parse_jsonstat(document, "isoc_sks_itspt").frame) == 12


def test_jsonstat_rejects_periods_that_are_not_years():
    document = fixture_json("isoc_sks_itspt.json")
    document["dimension"]["time"]["category"]["index"] = {"2024-Q1": 0, "2024-Q2": 1}
    with pytest.raises(fetch.MalformedResponse, match="'2024-Q1' is not a year"):
        fetch.parse_jsonstat(document, "isoc_sks_itspt")


def test_jsonstat_rejects_a_cell_outside_the_cube():
    document = fixture_json("isoc_sks_itspt.json")
    document["value"]["999"] = 1.0
    with pytest.raises(fetch.MalformedResponse, match="'999' outside the 12 cells"):
        fetch.parse_jsonstat(document, "isoc_sks_itspt")


def test_jsonstat_rejects_a_value_array_of_the_wrong_length():
    document = fixture_json("cult_emp_sex.json")
    document["value"] = document["value"][:-1]
    with pytest.raises(fetch.MalformedResponse, match="35 cells but the dimensions make 36"):
        fetch.parse_jsonstat(document, "cult_emp_sex")


# --------------------------------------------------------------------------- SDMX-CSV

def test_sdmx_csv_2_with_label_columns_matches_the_jsonstat_answer():
    from_csv = fetch.parse_sdmx_csv(answer("isoc_eb_ai.sdmx2.csv"), "isoc_eb_ai")
    from_json = fetch.parse_jsonstat(answer("isoc_eb_ai.json"), "isoc_eb_ai")
    pd.testing.assert_frame_equal(from_csv.frame, from_json.frame)
    assert from_csv.dimensions == from_json.dimensions
    assert from_csv.label("indic_is", "E_AI_TPVSG") == from_json.label("indic_is", "E_AI_TPVSG")
    assert from_csv.title == "Artificial intelligence by size class of enterprise"
    assert from_csv.last_update is None  # SDMX-CSV 2.0 carries no update time


def test_sdmx_csv_1_matches_jsonstat_and_reads_the_last_update():
    columns = ["sex", "unit", "geo", "year"]
    from_csv = fetch.parse_sdmx_csv(answer("cult_emp_sex.sdmx1.csv"), "cult_emp_sex")
    from_json = fetch.parse_jsonstat(answer("cult_emp_sex.json"), "cult_emp_sex")
    pd.testing.assert_frame_equal(
        from_csv.frame.sort_values(columns).reset_index(drop=True),
        from_json.frame.sort_values(columns).reset_index(drop=True),
    )
    assert from_csv.last_update == "20/05/25 23:00:00"
    assert from_csv.labels == {}  # codes only: no label columns in this layout


@pytest.mark.parametrize(
    ("name", "data_format", "error", "message"),
    [
        ("malformed_truncated.json", fetch.JSONSTAT, fetch.MalformedResponse, "not valid JSON"),
        ("malformed_size_mismatch.json", fetch.JSONSTAT, fetch.MalformedResponse,
         "'geo' lists 2 categories but \"size\" says 3"),
        ("empty_dataset.json", fetch.JSONSTAT, fetch.EmptyResponse, "no observation with a value"),
        ("error_response.json", fetch.JSONSTAT, fetch.EurostatHTTPError, "filter values are not valid"),
        ("maintenance_page.html", fetch.JSONSTAT, fetch.MalformedResponse, "not valid JSON"),
        ("empty.sdmx1.csv", fetch.SDMX_CSV, fetch.EmptyResponse, "no observation with a value"),
        ("malformed_bad_value.sdmx1.csv", fetch.SDMX_CSV, fetch.MalformedResponse, "'n/a', which is not a number"),
        ("malformed_ragged.sdmx1.csv", fetch.SDMX_CSV, fetch.MalformedResponse, "line 3 has 7 fields"),
        ("maintenance_page.html", fetch.SDMX_CSV, fetch.MalformedResponse, "not SDMX-CSV; it starts with: <!DOCTYPE"),
        ("isoc_eb_ai.json", fetch.SDMX_CSV, fetch.MalformedResponse, "not SDMX-CSV"),
    ],
)
def test_broken_answers_raise_a_clear_error_naming_the_dataset(name, data_format, error, message):
    with pytest.raises(error) as raised:
        fetch.parse(data_format, answer(name), "some_dataset")
    assert str(raised.value).startswith("some_dataset: ")
    assert message in str(raised.value)


@pytest.mark.parametrize("data_format", fetch.FORMATS)
def test_an_empty_body_is_an_empty_response(data_format):
    with pytest.raises(fetch.EmptyResponse, match="empty answer"):
        fetch.parse(data_format, b"", "cult_emp_sex")


def test_sdmx_csv_with_an_unknown_header_is_refused():
    with pytest.raises(fetch.MalformedResponse, match="does not start with DATAFLOW or STRUCTURE"):
        fetch.parse_sdmx_csv("geo,time,value\nDK,2024,1.0\n", "isoc_sks_itspt")


# --------------------------------------------------------------------------- tidy rows

def test_enterprise_ai_rows_follow_the_snapshot_conventions():
    observations = fetch.parse_jsonstat(answer("isoc_eb_ai.json"), "isoc_eb_ai")
    rows = fetch.tidy_rows(snapshot_file("ai/eurostat_isoc_eb_ai__E_AI_TANY_ge10.csv"), observations, "URL")
    assert list(rows.columns) == fetch.TIDY_COLUMNS
    assert set(rows.indicator) == {"E_AI_TANY"} and set(rows.unit) == {"PC_ENT"}
    assert set(rows.breakdown) == {"size_emp=GE10;nace_r2=C10-S951_X_K"}
    assert set(rows.source_dataset) == {"Eurostat isoc_eb_ai"} and set(rows.found_at) == {"URL"}
    assert list(zip(rows.geo, rows.year)) == [
        ("DK", 2024), ("DK", 2025), ("EU27_2020", 2024), ("EU27_2020", 2025), ("SE", 2024), ("SE", 2025)
    ]
    assert cell(rows, geo="SE", year=2024)["flag"] == "b"


def test_one_download_is_cut_into_the_three_cultural_employment_files():
    observations = fetch.parse_jsonstat(answer("cult_emp_sex.json"), "cult_emp_sex")
    share = fetch.tidy_rows(snapshot_file("culture/eurostat_cult_emp_share.csv"), observations, "URL")
    levels = fetch.tidy_rows(snapshot_file("culture/eurostat_cult_emp_thousands.csv"), observations, "URL")
    by_sex = fetch.tidy_rows(snapshot_file("culture/eurostat_cult_emp_by_sex.csv"), observations, "URL")
    assert "breakdown" not in share.columns
    assert set(share.indicator) == {"cultural_employment_share_of_total_employment"}
    assert set(levels.indicator) == {"cultural_employment_persons"} and set(levels.unit) == {"THS_PER"}
    assert set(share.source_dataset) == {"Eurostat cult_emp_sex (sex=T)"}
    assert cell(share, geo="DK", year=2023)[["value", "flag"]].tolist() == ["4.3", "b"]
    assert set(by_sex.indicator) == {
        "cultural_employment_persons_female", "cultural_employment_persons_male",
        "cultural_employment_share_of_total_employment_female", "cultural_employment_share_of_total_employment_male",
    }
    female = cell(by_sex, indicator="cultural_employment_persons_female", geo="EU27_2020", year=2023)
    assert female[["value", "source_dataset"]].tolist() == ["3800.2", "Eurostat cult_emp_sex (sex=F)"]


def test_individuals_files_keep_eurostat_labels_and_the_last_update():
    observations = fetch.parse_jsonstat(answer("isoc_ai_iaiu.json"), "isoc_ai_iaiu")
    rows = fetch.tidy_rows(snapshot_file("ai/eurostat_isoc_ai_iaiu__genai_use_individuals_2025.csv"),
                           observations, "URL")
    row = cell(rows, indicator="Use of generative AI tools: in the last 3 months", unit="Percentage of individuals",
               geo="DK", breakdown="ind_type=All individuals")
    assert row["value"] == "20.25"
    assert row["source_dataset"] == "Eurostat isoc_ai_iaiu (last update 2025-12-16T11:00:00+0100)"
    assert set(rows.breakdown) == {"ind_type=All individuals", "ind_type=Individuals, 16 to 24 years old"}
    assert set(rows[rows.breakdown.str.contains("16 to 24") & rows.geo.eq("DK")].flag) == {"u"}


def test_a_labelled_file_from_a_codes_only_answer_says_how_to_get_labels():
    text = "DATAFLOW,LAST UPDATE,freq,ind_type,indic_is,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n" \
           "ESTAT:ISOC_AI_IAIU(1.0),16/12/25 11:00:00,A,IND_TOTAL,I_GAI3,PC_IND,DK,2025,20.25,\n"
    observations = fetch.parse_sdmx_csv(text, "isoc_ai_iaiu")
    with pytest.raises(fetch.MalformedResponse, match="--format jsonstat"):
        fetch.tidy_rows(snapshot_file("ai/eurostat_isoc_ai_iaiu__genai_use_individuals_2025.csv"), observations, "U")


def test_an_unexpected_extra_dimension_is_refused_rather_than_merged():
    document = fixture_json("isoc_sks_itspt.json")
    document["id"].insert(1, "sex")
    document["size"].insert(1, 2)
    document["dimension"]["sex"] = {"label": "Sex", "category": {"index": {"F": 0, "M": 1}}}
    document["value"] = {str(i): 1.0 for i in range(24)}
    document["status"] = {}
    observations = fetch.parse_jsonstat(document, "isoc_sks_itspt")
    with pytest.raises(fetch.MalformedResponse, match="dimension 'sex' has several values \\(F, M\\)"):
        fetch.tidy_rows(snapshot_file("ai/eurostat_isoc_sks_itspt__ict_specialists.csv"), observations, "URL")


def test_a_filter_dimension_missing_from_the_answer_is_reported():
    observations = fetch.parse_jsonstat(answer("isoc_sks_itspt.json"), "cult_emp_age")
    with pytest.raises(fetch.MalformedResponse, match="no dimension 'age'"):
        fetch.tidy_rows(snapshot_file("culture/eurostat_cult_emp_by_age.csv"), observations, "URL")


def test_every_file_has_the_columns_the_registry_records():
    """The registry's schemas were inferred from the current snapshot: same names, same order."""
    registry = Registry.read(REGISTRY)
    for snapshot_entry in fetch.SNAPSHOT_FILES:
        fields = next(r.fields for r in registry.resources.values() if r.path == snapshot_entry.path)
        assert snapshot_entry.columns == [f["name"] for f in fields], snapshot_entry.path


# --------------------------------------------------------------------------- URLs

def test_statistics_url_repeats_a_dimension_for_each_code():
    url = urlsplit(fetch.ENTERPRISE_AI.statistics_url())
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{fetch.STATISTICS_API}/isoc_eb_ai"
    parameters = parse_qsl(url.query)
    assert ("format", "JSON") in parameters and ("sinceTimePeriod", "2021") in parameters
    assert [code for name, code in parameters if name == "indic_is"][:2] == ["E_AI_TANY", "E_AI_TAR"]
    assert ("nace_r2", "C10-S951_X_K") in parameters


def test_sdmx_url_puts_the_key_in_dimension_order_or_asks_for_the_whole_dataset():
    with_key = fetch.ENTERPRISE_AI.sdmx_url()
    assert with_key.startswith(f"{fetch.SDMX_API}/isoc_eb_ai/.GE10.C10-S951_X_K.E_AI_TANY+E_AI_TAR+")
    assert with_key.endswith("+E_AI_EC+E_AI_ADOWN.PC_ENT.?format=SDMX-CSV&startPeriod=2021")
    assert fetch.ICT_SPECIALISTS.sdmx_url() == f"{fetch.SDMX_API}/isoc_sks_itspt?format=SDMX-CSV&startPeriod=2014"


def test_files_that_keep_labels_are_always_downloaded_as_jsonstat():
    assert fetch.GENERATIVE_AI_USE.format_for(fetch.SDMX_CSV) == fetch.JSONSTAT
    assert fetch.ENTERPRISE_AI.format_for(fetch.SDMX_CSV) == fetch.SDMX_CSV


# --------------------------------------------------------------------------- the snapshot writer

class FakeResponse:
    def __init__(self, content: bytes, status_code: int = 200):
        self.content, self.status_code, self.from_cache = content, status_code, False


class FakeEurostat:
    """Serves fixture answers by dataset code; ``failures`` maps a code to an answer file or an exception."""

    def __init__(self, failures=None, sdmx=None):
        self.failures, self.sdmx, self.urls = failures or {}, sdmx or {}, []

    def get(self, url, timeout=None):
        self.urls.append(url)
        code = re.search(r"/data/([a-z0-9_]+)", url).group(1)
        planned = self.failures.get(code)
        if isinstance(planned, BaseException):
            raise planned
        if planned is not None:
            return FakeResponse(answer(planned))
        if "/sdmx/" in url:
            return FakeResponse(answer(self.sdmx[code]))
        return FakeResponse(answer(f"{code}.json"))


def write_files(root, files: dict[str, str]) -> None:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    lines = [f"{hashlib.sha256((root / p).read_bytes()).hexdigest()}  {p}\n" for p in sorted(files)]
    (root / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


@pytest.fixture
def current_snapshot(tmp_path):
    """A tiny 'current' snapshot: one Eurostat file the fetcher replaces, two files it must copy."""
    root = tmp_path / "current"
    write_files(root, {
        "README.md": "# A tiny snapshot for the tests\n",
        "culture/eurostat_cult_emp_share.csv":
            "indicator,unit,geo,year,value,flag,source_dataset,found_at\n"
            "cultural_employment_share_of_total_employment,PC_EMP,DK,2018,3.9,,Eurostat cult_emp_sex (sex=T),old\n",
        "culture/national_cci_headlines_text.csv":
            "indicator,unit,geo,year,value,flag,source_dataset,found_at\nx,PC,SE,2016,3.1,rounded_text,y,z\n",
    })
    return root


def refresh(out, current, session, **options):
    return fetch.refresh_snapshot(out, current, session, registry=Registry.read(REGISTRY), now=lambda: FIXED_NOW,
                                  **options)


def test_refresh_writes_a_complete_verified_snapshot(tmp_path, current_snapshot):
    session, out, printed = FakeEurostat(), tmp_path / "new", []
    result = refresh(out, current_snapshot, session, progress=lambda text, end="\n": printed.append(text + end))

    assert len(session.urls) == 7  # one request per dataset, however many files it feeds
    lines = "".join(printed).splitlines()
    assert lines[0] == "fetching cult_emp_sex (1/7)… 30 rows"
    assert lines[6] == "fetching isoc_sks_itspt (7/7)… 12 rows"
    assert lines[7].startswith("copied 2 files")
    for entry in fetch.SNAPSHOT_FILES:
        assert (out / entry.path).is_file(), entry.path
    for copied in ("README.md", "culture/national_cci_headlines_text.csv"):
        assert (out / copied).read_bytes() == (current_snapshot / copied).read_bytes()

    sums = fetch.read_sha256sums(out)
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(sums) == on_disk
    assert all(hashlib.sha256((out / p).read_bytes()).hexdigest() == digest for p, digest in sums.items())

    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["created_at"] == "2026-12-01T08:30:00Z"
    entries = {item["path"]: item for item in provenance["files"]}
    share = entries["culture/eurostat_cult_emp_share.csv"]
    assert share["status"] == "refreshed" and share["dataset"] == "cult_emp_sex"
    assert share["dataset_last_update"] == "2025-05-20T23:00:00+0200"
    assert share["retrieved_at"].endswith("Z") and share["from_cache"] is False and share["rows"] == 5
    written = pd.read_csv(out / share["path"], dtype=str, keep_default_na=False)
    assert set(written.found_at) == {share["url"]}
    assert share["url"].startswith(f"{fetch.STATISTICS_API}/cult_emp_sex?")
    assert entries["README.md"]["status"] == "copied"
    markdown = (out / "PROVENANCE.md").read_text()
    assert "`culture/national_cci_headlines_text.csv` — copied unchanged from" in markdown
    assert "| `culture/eurostat_cult_emp_share.csv` | cult_emp_sex | 5 | 2025-05-20T23:00:00+0200 |" in markdown
    assert result.out == out.resolve() and len(result.refreshed) == 11 and len(result.copied) == 2
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_refresh_into_an_existing_empty_folder(tmp_path, current_snapshot):
    out = tmp_path / "empty"
    out.mkdir()
    refresh(out, current_snapshot, FakeEurostat())
    assert (out / "SHA256SUMS").is_file()


def test_refresh_never_writes_into_a_folder_that_holds_files(tmp_path, current_snapshot):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    session = FakeEurostat()
    with pytest.raises(fetch.SnapshotExists, match="never overwritten"):
        refresh(out, current_snapshot, session)
    assert session.urls == []
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(
    "failure",
    [
        "malformed_truncated.json",
        "error_response.json",
        requests.exceptions.ConnectionError("connection reset by peer"),
    ],
)
def test_a_failed_download_leaves_nothing_behind(tmp_path, current_snapshot, failure):
    out = tmp_path / "new"
    session = FakeEurostat(failures={"isoc_eb_ai": failure})  # the third of seven downloads
    with pytest.raises(fetch.FetchError):
        refresh(out, current_snapshot, session)
    assert len(session.urls) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current"]


def test_a_refreshed_snapshot_can_itself_be_refreshed(tmp_path, current_snapshot):
    first = refresh(tmp_path / "first", current_snapshot, FakeEurostat()).out
    second = refresh(tmp_path / "second", first, FakeEurostat()).out
    entries = json.loads((second / "provenance.json").read_text())["files"]
    # The first refresh's own provenance is replaced, not carried along as a copied data file.
    assert not {"PROVENANCE.md", "provenance.json"} & {e["path"] for e in entries}
    assert {e["path"] for e in entries if e["status"] == "copied"} == {
        "README.md", "culture/national_cci_headlines_text.csv"
    }


def test_a_damaged_current_snapshot_is_not_copied(tmp_path, current_snapshot):
    (current_snapshot / "README.md").write_text("changed after the checksums were taken\n")
    with pytest.raises(ChecksumMismatch, match="README.md"):
        refresh(tmp_path / "new", current_snapshot, FakeEurostat())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current"]


def test_sdmx_route_writes_the_same_rows_as_the_jsonstat_route(tmp_path, current_snapshot):
    chosen = [f for f in fetch.SNAPSHOT_FILES
              if f.query in (fetch.CULTURAL_EMPLOYMENT_BY_SEX, fetch.ENTERPRISE_AI, fetch.GENERATIVE_AI_USE)]
    sdmx_session = FakeEurostat(sdmx={"cult_emp_sex": "cult_emp_sex.sdmx1.csv", "isoc_eb_ai": "isoc_eb_ai.sdmx2.csv"})
    by_sdmx = refresh(tmp_path / "sdmx", current_snapshot, sdmx_session, files=chosen, data_format=fetch.SDMX_CSV)
    by_json = refresh(tmp_path / "json", current_snapshot, FakeEurostat(), files=chosen)
    assert [urlsplit(u).path.split("/")[4] for u in sdmx_session.urls] == ["sdmx", "sdmx", "statistics"]
    for entry in chosen:
        left = pd.read_csv(by_sdmx.out / entry.path, dtype=str, keep_default_na=False).drop(columns="found_at")
        right = pd.read_csv(by_json.out / entry.path, dtype=str, keep_default_na=False).drop(columns="found_at")
        pd.testing.assert_frame_equal(left, right, obj=entry.path)


def test_a_refreshed_file_must_keep_the_current_columns(tmp_path, current_snapshot):
    path = current_snapshot / "culture/eurostat_cult_emp_share.csv"
    path.write_text("indicator,unit,geo,year,breakdown,value,flag,source_dataset,found_at\n")
    files = fetch.read_sha256sums(current_snapshot)
    write_files(current_snapshot, {p: (current_snapshot / p).read_text() for p in files})
    with pytest.raises(fetch.FetchError, match="the current snapshot has indicator, unit, geo, year, breakdown"):
        refresh(tmp_path / "new", current_snapshot, FakeEurostat())


# --------------------------------------------------------------------------- HTTP: errors, offline, retries, cache

def test_an_http_error_is_explained_with_eurostats_own_words():
    session = type("S", (), {"get": lambda self, url, timeout=None: FakeResponse(answer("error_response.json"), 404)})()
    with pytest.raises(fetch.EurostatHTTPError) as raised:
        fetch.download(session, "https://example.invalid/data/x")
    message = str(raised.value)
    assert "HTTP 404" in message and "filter values are not valid" in message and "may be wrong" in message


def _name_resolution_failure() -> requests.exceptions.ConnectionError:
    reason = urllib3.exceptions.NameResolutionError(
        "ec.europa.eu", None, socket.gaierror(-2, "Name or service not known")
    )
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/eurostat", reason=reason))


def load_cli():
    spec = importlib.util.spec_from_file_location("fetch_data_cli", REPO / "scripts" / "fetch_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_offline_run_prints_one_line_exits_non_zero_and_writes_nothing(tmp_path, current_snapshot, monkeypatch,
                                                                      capsys):
    def no_network(self, url, **kwargs):
        raise _name_resolution_failure()

    monkeypatch.setattr(requests.Session, "get", no_network)
    out = tmp_path / "new"
    code = load_cli().main(["--out", str(out), "--from", str(current_snapshot), "--no-cache"])
    captured = capsys.readouterr()
    assert code == 1
    error_lines = captured.err.strip().splitlines()
    assert len(error_lines) == 1 and "Traceback" not in captured.err
    assert captured.out == "fetching cult_emp_sex (1/7)… \n"  # the open progress line is closed first
    assert error_lines[0].startswith("error: cannot reach ec.europa.eu: Failed to resolve 'ec.europa.eu'")
    assert "offline" in error_lines[0] and str(current_snapshot) in error_lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current"]


def test_cli_refuses_an_existing_snapshot(tmp_path, current_snapshot, capsys):
    code = load_cli().main(["--out", str(current_snapshot), "--from", str(current_snapshot), "--no-cache"])
    assert code == 1
    assert "never overwritten" in capsys.readouterr().err


class LocalServer:
    """An HTTP server on 127.0.0.1 answering from a script of (status, body) pairs; the last one repeats."""

    def __init__(self, script):
        self.script, self.hits = list(script), 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                status, body = server.script[min(server.hits, len(server.script) - 1)]
                server.hits += 1
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/data/isoc_sks_itspt?format=JSON"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def local_server():
    servers = []

    def start(script):
        servers.append(LocalServer(script))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_busy_answers_are_retried_with_back_off_until_one_succeeds(local_server):
    busy = (503, b'{"error": {"status": 503, "label": "busy"}}')
    server = local_server([busy, busy, (200, answer("isoc_sks_itspt.json"))])
    got = fetch.download(fetch.build_session(None, retries=3, backoff=0.01), server.url, timeout=(2, 5))
    assert server.hits == 3
    assert fetch.parse_jsonstat(got.content, "isoc_sks_itspt").last_update == "2025-10-01T23:00:00+0200"


def test_retries_give_up_with_the_last_answer_explained(local_server):
    server = local_server([(503, b'{"error": {"status": 503, "label": "Service temporarily unavailable"}}')])
    with pytest.raises(fetch.EurostatHTTPError, match="HTTP 503 .*Service temporarily unavailable.*try again later"):
        fetch.download(fetch.build_session(None, retries=2, backoff=0.01), server.url, timeout=(2, 5))
    assert server.hits == 3  # the first try and two retries


def test_the_cache_answers_a_repeated_request_without_the_server(local_server, tmp_path):
    server = local_server([(200, answer("isoc_sks_itspt.json"))])
    session = fetch.build_session(tmp_path / "cache", retries=0)
    first = fetch.download(session, server.url, timeout=(2, 5))
    time.sleep(1.1)  # retrieval times have a resolution of one second
    second = fetch.download(session, server.url, timeout=(2, 5))
    assert server.hits == 1
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.content == first.content
    # A cached answer is dated when Eurostat served it, not when it was read from the cache.
    assert second.retrieved_at == first.retrieved_at
