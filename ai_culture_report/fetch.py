"""Refresh the Eurostat files of the data snapshot from Eurostat's dissemination API.

The snapshot (``data/``, or another named by ``REPORT_DATA_DIR``) is frozen third-party data. This module
downloads the Eurostat datasets the book reads, with the filters the chapters
need, and writes them as a NEW snapshot folder in the same tidy schema
(``indicator, unit, geo, year, [breakdown,] value, flag, source_dataset,
found_at``), with ``SHA256SUMS``, ``PROVENANCE.md`` and ``provenance.json``.
Files it cannot download (other publishers, numbers quoted in texts) are copied
unchanged from the current snapshot, so the new folder is complete.

Two response formats are understood, both documented by Eurostat:

- JSON-stat 2.0 from the Statistics API (the default: it filters by dimension
  name, so no knowledge of the dimension order is needed, and it carries the
  labels and the dataset's ``updated`` time)::

      https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/<code>?format=JSON&lang=EN&sinceTimePeriod=2021&geo=DK&geo=FI

- SDMX-CSV from the SDMX 2.1 API (``format=SDMX-CSV``; Eurostat documents this
  as the SDMX-CSV 1.0 flat layout with ``DATAFLOW`` and ``LAST UPDATE``
  columns). The parser also reads the SDMX-CSV 2.0 layout (``STRUCTURE,
  STRUCTURE_ID[, STRUCTURE_NAME]``, with or without label columns) that the
  SDMX 3.0 API and some copies in the snapshot's ``raw/`` folder use::

      https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/<code>/<key>?format=SDMX-CSV&startPeriod=2021

Nothing here runs at import time, and nothing touches the network unless
:func:`refresh_snapshot` is called with a real session.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from .data import Registry, apply_schema, read_sha256sums, sha256_of, write_sha256sums  # noqa: F401 (re-exported)
from .errors import ChecksumMismatch, DataFileMissing, ReportError

EUROSTAT_HOST = "ec.europa.eu"
STATISTICS_API = "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data"
SDMX_API = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data"
JSONSTAT = "jsonstat"
SDMX_CSV = "sdmx-csv"
FORMATS = (JSONSTAT, SDMX_CSV)

# Eurostat updates its database twice a day (11:00 and 23:00 CET), so a cached
# answer older than half a day may already be stale.
CACHE_LIFETIME = timedelta(hours=12)
# (connect, read) seconds: connecting is quick or hopeless; a large extraction may take a while.
DEFAULT_TIMEOUT = (10.0, 120.0)
RETRIED_STATUSES = (429, 500, 502, 503, 504)

# Files every refresh writes itself; never copied from the previous snapshot.
WRITTEN_BY_REFRESH = frozenset({"SHA256SUMS", "PROVENANCE.md", "provenance.json"})

TIDY_COLUMNS = ["indicator", "unit", "geo", "year", "breakdown", "value", "flag", "source_dataset", "found_at"]


# --------------------------------------------------------------------------- errors

class FetchError(ReportError):
    """Refreshing the snapshot failed; the message says why and what still works."""


class OfflineError(FetchError):
    """Eurostat's server cannot be reached at all (no network, DNS failure, refused connection)."""


class EurostatHTTPError(FetchError):
    """Eurostat answered, but with an HTTP error."""


class MalformedResponse(FetchError):
    """The answer is not the JSON-stat or SDMX-CSV the fetcher asked for, or not the expected structure."""


class EmptyResponse(FetchError):
    """The answer is well-formed but holds no observation for the query."""


class SnapshotExists(FetchError):
    """The output folder already holds files: a snapshot is never overwritten."""


# --------------------------------------------------------------------------- parsed responses

@dataclass(frozen=True)
class Observations:
    """The observations of one Eurostat response, independent of its format.

    ``frame`` has one column per dimension (its codes, as strings), then
    ``year`` (int), ``value`` (the number as Eurostat wrote it) and ``flag``
    (Eurostat's observation status, "" when none). Observations without a value
    (not available, confidential) are left out, as in the snapshot.
    """

    dataset: str
    dimensions: tuple[str, ...]
    frame: pd.DataFrame
    labels: Mapping[str, Mapping[str, str]]
    last_update: str | None
    title: str | None

    def label(self, dimension: str, code: str) -> str:
        try:
            return self.labels[dimension][code]
        except KeyError:
            raise MalformedResponse(
                f"{self.dataset}: the response gives no label for {dimension}={code}, and the snapshot file "
                "records Eurostat's labels; download it as JSON-stat (--format jsonstat), which carries them."
            ) from None


_YEAR = re.compile(r"^\d{4}$")
_SDMX_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_@$\-]*$")


def _year_of(period: str, dataset: str) -> int:
    if not _YEAR.match(period):
        raise MalformedResponse(
            f"{dataset}: time period {period!r} is not a year; the snapshot files hold annual data only."
        )
    return int(period)


def _check_number(text: str, dataset: str, where: str) -> str:
    try:
        float(text)
    except ValueError:
        raise MalformedResponse(f"{dataset}: {where} has the value {text!r}, which is not a number.") from None
    return text


def _observation_frame(dimensions: Sequence[str], rows: list[tuple], dataset: str) -> pd.DataFrame:
    columns = [*dimensions, "year", "value", "flag"]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        raise EmptyResponse(f"{dataset}: Eurostat returned no observation with a value for this query.")
    frame["year"] = frame["year"].astype(int)
    return frame


def _decode(content: bytes | str) -> str:
    if isinstance(content, bytes):
        # utf-8-sig: Eurostat's CSV downloads may start with a byte-order mark.
        return content.decode("utf-8-sig")
    return content.removeprefix("\ufeff")


def _preview(text: str) -> str:
    head = " ".join(text.strip().split())[:80]
    return head or "(nothing)"


def eurostat_error_text(document) -> str | None:
    """The explanation in a Eurostat error body (``{"error": {...}}`` or a list of them), if any."""
    if not isinstance(document, dict) or "error" not in document:
        return None
    errors = document["error"]
    errors = errors if isinstance(errors, list) else [errors]
    texts = []
    for item in errors:
        if isinstance(item, dict):
            texts.append(str(item.get("label") or item.get("message") or item.get("status") or item))
        else:
            texts.append(str(item))
    return "; ".join(texts) or "no explanation given"


def _jsonstat_document(content: bytes | str | dict, dataset: str) -> dict:
    """The answer as a JSON-stat 2.x dataset whose ``id``, ``size`` and ``dimension`` agree; else why not."""
    if isinstance(content, dict):
        document = content
    else:
        text = _decode(content)
        if not text.strip():
            raise EmptyResponse(f"{dataset}: Eurostat sent an empty answer instead of a JSON-stat dataset.")
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise MalformedResponse(
                f"{dataset}: the answer is not valid JSON ({error.msg}, line {error.lineno}); "
                f"it starts with: {_preview(text)}"
            ) from None
    refusal = eurostat_error_text(document)
    if refusal is not None:
        raise EurostatHTTPError(f"{dataset}: Eurostat refused the query: {refusal}")
    if not isinstance(document, dict) or document.get("class") != "dataset":
        raise MalformedResponse(f"{dataset}: the answer is not a JSON-stat dataset (no \"class\": \"dataset\").")
    version = str(document.get("version", ""))
    if not version.startswith("2."):
        raise MalformedResponse(f"{dataset}: expected JSON-stat version 2.x, the answer says {version or 'nothing'}.")

    ids, sizes, dimensions = document.get("id"), document.get("size"), document.get("dimension")
    if not isinstance(ids, list) or not isinstance(sizes, list) or not isinstance(dimensions, dict):
        raise MalformedResponse(f"{dataset}: the JSON-stat answer lacks its \"id\", \"size\" or \"dimension\".")
    if len(ids) != len(sizes) or not all(isinstance(s, int) and s >= 0 for s in sizes):
        raise MalformedResponse(f"{dataset}: \"id\" and \"size\" do not describe the same dimensions.")
    return document


def _jsonstat_categories(document: dict, dataset: str) -> tuple[list[list[str]], dict[str, dict[str, str]]]:
    """Each dimension's category codes in index order, and their labels by dimension."""
    codes_by_dimension: list[list[str]] = []
    labels: dict[str, dict[str, str]] = {}
    for dimension, size in zip(document["id"], document["size"]):
        category = (document["dimension"].get(dimension) or {}).get("category")
        if not isinstance(category, dict):
            raise MalformedResponse(f"{dataset}: dimension {dimension!r} has no categories.")
        codes = _category_codes(category, dataset, dimension)
        if len(codes) != size:
            raise MalformedResponse(
                f"{dataset}: dimension {dimension!r} lists {len(codes)} categories but \"size\" says {size}."
            )
        codes_by_dimension.append(codes)
        labels[dimension] = {str(k): str(v) for k, v in (category.get("label") or {}).items()}
    return codes_by_dimension, labels


def parse_jsonstat(content: bytes | str | dict, dataset: str) -> Observations:
    """Observations of a JSON-stat 2.0 dataset response (``value`` and ``status`` as object or array)."""
    document = _jsonstat_document(content, dataset)
    ids, sizes = document["id"], document["size"]
    codes_by_dimension, labels = _jsonstat_categories(document, dataset)
    time_dimension = _time_dimension(document, ids, dataset)
    total = int(np.prod(sizes, dtype=np.int64)) if sizes else 0
    positions, values = _jsonstat_cells(document.get("value"), total, dataset)
    statuses = _jsonstat_statuses(document.get("status"), total, dataset)

    other = [d for d in ids if d != time_dimension]
    rows = []
    if positions:
        coordinates = np.unravel_index(np.asarray(positions, dtype=np.int64), sizes)
        for cell, (position, value) in enumerate(zip(positions, values)):
            codes = {d: codes_by_dimension[i][coordinates[i][cell]] for i, d in enumerate(ids)}
            year = _year_of(codes[time_dimension], dataset)
            rows.append((*(codes[d] for d in other), year, value, statuses.get(position, "")))
    frame = _observation_frame(other, rows, dataset)
    return Observations(
        dataset=dataset,
        dimensions=tuple(other),
        frame=frame,
        labels=labels,
        last_update=document.get("updated"),
        title=document.get("label"),
    )


def _category_codes(category: dict, dataset: str, dimension: str) -> list[str]:
    index = category.get("index")
    if index is None:
        # JSON-stat allows a single-category dimension to give only its label.
        label = category.get("label") or {}
        if len(label) == 1:
            return [str(next(iter(label)))]
        raise MalformedResponse(f"{dataset}: dimension {dimension!r} has no category index.")
    if isinstance(index, list):
        return [str(code) for code in index]
    if isinstance(index, dict):
        ordered = sorted(index.items(), key=lambda item: item[1])
        if [position for _, position in ordered] != list(range(len(ordered))):
            raise MalformedResponse(f"{dataset}: the category positions of {dimension!r} are not 0, 1, 2, …")
        return [str(code) for code, _ in ordered]
    raise MalformedResponse(f"{dataset}: the category index of {dimension!r} is neither a list nor an object.")


def _time_dimension(document: dict, ids: list, dataset: str) -> str:
    for candidate in ("time", "TIME_PERIOD"):
        if candidate in ids:
            return candidate
    declared = ((document.get("role") or {}).get("time")) or []
    if len(declared) == 1 and declared[0] in ids:
        return declared[0]
    raise MalformedResponse(f"{dataset}: the answer has no time dimension (dimensions: {', '.join(map(str, ids))}).")


def _jsonstat_cells(value, total: int, dataset: str) -> tuple[list[int], list[str]]:
    """Flat positions and number texts of the non-missing cells."""
    if isinstance(value, list):
        if len(value) != total:
            raise MalformedResponse(
                f"{dataset}: \"value\" has {len(value)} cells but the dimensions make {total}."
            )
        items = enumerate(value)
    elif isinstance(value, dict):
        items = []
        for key, number in value.items():
            if not str(key).isdigit() or int(key) >= total:
                raise MalformedResponse(f"{dataset}: \"value\" has a cell {key!r} outside the {total} cells.")
            items.append((int(key), number))
        items.sort()
    elif value is None:
        raise MalformedResponse(f"{dataset}: the JSON-stat answer has no \"value\".")
    else:
        raise MalformedResponse(f"{dataset}: \"value\" is neither a list nor an object.")
    positions, texts = [], []
    for position, number in items:
        if number is None:
            continue
        if isinstance(number, bool) or not isinstance(number, (int, float, str)):
            raise MalformedResponse(f"{dataset}: cell {position} holds {number!r}, which is not a number.")
        # str() of a parsed JSON number keeps Eurostat's digits (3.8 stays "3.8", 171 stays "171").
        texts.append(_check_number(str(number), dataset, f"cell {position}"))
        positions.append(position)
    return positions, texts


def _jsonstat_statuses(status, total: int, dataset: str) -> dict[int, str]:
    if status is None:
        return {}
    if isinstance(status, str):
        return {position: status for position in range(total)}
    if isinstance(status, list):
        return {i: str(s) for i, s in enumerate(status) if s}
    if isinstance(status, dict):
        if not all(str(key).isdigit() for key in status):
            raise MalformedResponse(f"{dataset}: \"status\" has keys that are not cell positions.")
        return {int(key): str(s) for key, s in status.items() if s}
    raise MalformedResponse(f"{dataset}: \"status\" is neither text, a list nor an object.")


def _sdmx_header(header: list[str], dataset: str) -> tuple[int, bool, dict[str, tuple[int, int | None]]]:
    """An SDMX-CSV header read: how many leading columns describe the dataflow, whether each component column
    is followed by one of its labels, and each component's column (and label column)."""
    if header[:1] == ["DATAFLOW"]:
        leading = 2 if header[1:2] == ["LAST UPDATE"] else 1
    elif header[:2] == ["STRUCTURE", "STRUCTURE_ID"]:
        leading = 2
        while leading < len(header) and header[leading] in ("STRUCTURE_NAME", "ACTION"):
            leading += 1
    else:
        raise MalformedResponse(
            f"{dataset}: the CSV header does not start with DATAFLOW or STRUCTURE,STRUCTURE_ID "
            f"(it starts with {', '.join(header[:3])})."
        )
    # With labels, SDMX-CSV 2.0 follows every component column with a column of its labels,
    # headed by the component's name ("geo,Geopolitical entity (reporting),…").
    paired = "STRUCTURE_NAME" in header[:leading]
    components: dict[str, tuple[int, int | None]] = {}
    position = leading
    while position < len(header):
        name = header[position]
        if not _SDMX_ID.match(name):
            raise MalformedResponse(f"{dataset}: unexpected column {name!r} in the SDMX-CSV header.")
        label_position = position + 1 if paired and position + 1 < len(header) else None
        components[name] = (position, label_position)
        position += 2 if paired else 1
    for required in ("TIME_PERIOD", "OBS_VALUE"):
        if required not in components:
            raise MalformedResponse(f"{dataset}: the SDMX-CSV answer has no {required} column.")
    return leading, paired, components


def parse_sdmx_csv(content: bytes | str, dataset: str) -> Observations:
    """Observations of an SDMX-CSV answer (layout 1.0 ``DATAFLOW,…`` or 2.0 ``STRUCTURE,STRUCTURE_ID,…``)."""
    text = _decode(content)
    if not text.strip():
        raise EmptyResponse(f"{dataset}: Eurostat sent an empty answer instead of SDMX-CSV.")
    if text.lstrip()[:1] in ("<", "{", "["):
        raise MalformedResponse(f"{dataset}: the answer is not SDMX-CSV; it starts with: {_preview(text)}")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    leading, paired, components = _sdmx_header(header, dataset)
    names = list(components)
    dimensions = names[: names.index("TIME_PERIOD")]
    if "geo" not in dimensions:
        raise MalformedResponse(f"{dataset}: the SDMX-CSV answer has no geo dimension.")

    labels: dict[str, dict[str, str]] = {d: {} for d in dimensions}
    rows, last_updates, titles = [], set(), set()
    value_at, _ = components["OBS_VALUE"]
    time_at, _ = components["TIME_PERIOD"]
    flag_at = components.get("OBS_FLAG", (None, None))[0]
    update_at = header.index("LAST UPDATE") if "LAST UPDATE" in header[:leading] else None
    title_at = header.index("STRUCTURE_NAME") if paired else None
    for line_number, record in enumerate(reader, start=2):
        if not record:
            continue
        if len(record) != len(header):
            raise MalformedResponse(
                f"{dataset}: line {line_number} has {len(record)} fields but the header has {len(header)}."
            )
        if update_at is not None:
            last_updates.add(record[update_at])
        if title_at is not None:
            titles.add(record[title_at])
        value = record[value_at].strip()
        if not value:
            continue  # not available or confidential: absent, as in the snapshot
        for dimension in dimensions:
            at, label_at = components[dimension]
            if label_at is not None and record[label_at]:
                labels[dimension][record[at]] = record[label_at]
        rows.append((
            *(record[components[d][0]] for d in dimensions),
            _year_of(record[time_at], dataset),
            _check_number(value, dataset, f"line {line_number}"),
            record[flag_at].strip() if flag_at is not None else "",
        ))
    frame = _observation_frame(dimensions, rows, dataset)
    return Observations(
        dataset=dataset,
        dimensions=tuple(dimensions),
        frame=frame,
        labels={d: m for d, m in labels.items() if m},
        last_update="; ".join(sorted(u for u in last_updates if u)) or None,
        title="; ".join(sorted(t for t in titles if t)) or None,
    )


def parse(data_format: str, content: bytes | str, dataset: str) -> Observations:
    if data_format == JSONSTAT:
        return parse_jsonstat(content, dataset)
    if data_format == SDMX_CSV:
        return parse_sdmx_csv(content, dataset)
    raise ValueError(f"unknown format {data_format!r}; choose one of {', '.join(FORMATS)}")


# --------------------------------------------------------------------------- what to download

@dataclass(frozen=True)
class DatasetQuery:
    """One download: a Eurostat dataset with the dimension filters the chapters need."""

    dataset: str
    filters: Mapping[str, tuple[str, ...]]
    since_year: int
    # Dimension order of the SDMX key, where a real Eurostat file showed it; None = no key,
    # the SDMX route then downloads the whole dataset and filters it here.
    sdmx_key_order: tuple[str, ...] | None = None
    # The snapshot file keeps Eurostat's labels, which only the JSON-stat answer carries.
    needs_labels: bool = False

    def statistics_url(self) -> str:
        parameters = [("format", "JSON"), ("lang", "EN"), ("sinceTimePeriod", str(self.since_year))]
        parameters += [(dimension, code) for dimension, codes in self.filters.items() for code in codes]
        return f"{STATISTICS_API}/{self.dataset}?{urlencode(parameters)}"

    def sdmx_url(self) -> str:
        parameters = urlencode([("format", "SDMX-CSV"), ("startPeriod", str(self.since_year))])
        if self.sdmx_key_order is None:
            return f"{SDMX_API}/{self.dataset}?{parameters}"
        key = ".".join("+".join(self.filters.get(dimension, ())) for dimension in self.sdmx_key_order)
        return f"{SDMX_API}/{self.dataset}/{key}?{parameters}"

    def format_for(self, preferred: str) -> str:
        return JSONSTAT if self.needs_labels else preferred

    def url(self, data_format: str) -> str:
        return self.statistics_url() if data_format == JSONSTAT else self.sdmx_url()


@dataclass(frozen=True)
class RowText:
    """The descriptive columns of one tidy row."""

    indicator: str
    unit: str
    breakdown: str | None
    source_dataset: str


@dataclass(frozen=True)
class SnapshotFile:
    """One tidy file of the snapshot, cut from the observations of a query."""

    path: str
    query: DatasetQuery
    describe: Callable[[Mapping[str, str], Observations], RowText]
    # Dimensions whose values the file keeps apart (geo and time always are). Any other
    # dimension must hold a single value, or rows would silently collide.
    varying: tuple[str, ...]
    subset: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    has_breakdown: bool = True

    @property
    def columns(self) -> list[str]:
        return [c for c in TIDY_COLUMNS if self.has_breakdown or c != "breakdown"]


# Naming conventions of the existing snapshot files (see its provenance files).
_CULTURAL_EMPLOYMENT_MEASURE = {
    "PC_EMP": "cultural_employment_share_of_total_employment",
    "THS_PER": "cultural_employment_persons",
}
_SEX_WORD = {"F": "female", "M": "male"}
AGE_GROUPS = ("TOTAL", "Y15-29", "Y30-39", "Y40-49", "Y50-59", "Y60-64", "Y_GE65")
AI_TECHNOLOGIES = (
    "E_AI_TAR", "E_AI_TGE2", "E_AI_TGE3", "E_AI_TIR", "E_AI_TML", "E_AI_TNLG",
    "E_AI_TPA", "E_AI_TPVSG", "E_AI_TSR", "E_AI_TTM", "E_AI_TX",
)
ALL_ACTIVITIES_EXCEPT_FINANCE = "C10-S951_X_K"
INDIVIDUAL_GROUPS = ("IND_TOTAL", "Y16_24")  # all individuals; individuals aged 16 to 24


def _cultural_employment_total(row, observations) -> RowText:
    return RowText(_CULTURAL_EMPLOYMENT_MEASURE[row["unit"]], row["unit"], None, "Eurostat cult_emp_sex (sex=T)")


def _cultural_employment_by_sex(row, observations) -> RowText:
    indicator = f"{_CULTURAL_EMPLOYMENT_MEASURE[row['unit']]}_{_SEX_WORD[row['sex']]}"
    return RowText(indicator, row["unit"], None, f"Eurostat cult_emp_sex (sex={row['sex']})")


def _cultural_employment_by_age(row, observations) -> RowText:
    indicator = f"{_CULTURAL_EMPLOYMENT_MEASURE[row['unit']]}_age_{row['age']}"
    return RowText(indicator, row["unit"], None, f"Eurostat cult_emp_age (age={row['age']})")


def _enterprise_ai(row, observations) -> RowText:
    breakdown = f"size_emp={row['size_emp']};nace_r2={row['nace_r2']}"
    return RowText(row["indic_is"], row["unit"], breakdown, "Eurostat isoc_eb_ai")


def _enterprise_ai_by_activity(row, observations) -> RowText:
    # This file of the snapshot names the activity first, and the dataset's title in brackets.
    breakdown = f"nace_r2={row['nace_r2']};size_emp={row['size_emp']}"
    source = f"Eurostat isoc_eb_ain2 ({observations.title})" if observations.title else "Eurostat isoc_eb_ain2"
    return RowText(row["indic_is"], row["unit"], breakdown, source)


def _individuals_generative_ai(row, observations) -> RowText:
    # These files keep Eurostat's labels, not codes, and the dataset's last update.
    source = f"Eurostat {observations.dataset}"
    if observations.last_update:
        source += f" (last update {observations.last_update})"
    return RowText(
        observations.label("indic_is", row["indic_is"]),
        observations.label("unit", row["unit"]),
        f"ind_type={observations.label('ind_type', row['ind_type'])}",
        source,
    )


def _ict_specialists(row, observations) -> RowText:
    return RowText("ICT specialists in employment (total)", row["unit"], "", "Eurostat isoc_sks_itspt")


# Years start where the current snapshot's files start, so a refresh compares like with like;
# geographies are not restricted, so variant books (other countries) find their data too.
CULTURAL_EMPLOYMENT_BY_SEX = DatasetQuery(
    "cult_emp_sex", {"sex": ("T", "F", "M"), "unit": ("PC_EMP", "THS_PER")}, since_year=2011,
)
CULTURAL_EMPLOYMENT_BY_AGE = DatasetQuery(
    "cult_emp_age", {"age": AGE_GROUPS, "unit": ("PC_EMP", "THS_PER")}, since_year=2011,
)
ENTERPRISE_AI = DatasetQuery(
    "isoc_eb_ai",
    {
        "size_emp": ("GE10",),
        "nace_r2": (ALL_ACTIVITIES_EXCEPT_FINANCE,),
        "unit": ("PC_ENT",),
        "indic_is": ("E_AI_TANY", *AI_TECHNOLOGIES, "E_AI_EC", "E_AI_ADOWN"),
    },
    since_year=2021,
    # Order seen in an SDMX-CSV 2.0 copy of isoc_eb_ai (raw/ShintaroIwai_harbor_task).
    sdmx_key_order=("freq", "size_emp", "nace_r2", "indic_is", "unit", "geo"),
)
ENTERPRISE_AI_BY_ACTIVITY = DatasetQuery(
    "isoc_eb_ain2",
    {
        "size_emp": ("GE10",),
        "nace_r2": ("J", "ICT"),
        "unit": ("PC_ENT",),
        "indic_is": ("E_AI_TANY", *AI_TECHNOLOGIES),
    },
    since_year=2021,
)
GENERATIVE_AI_USE = DatasetQuery("isoc_ai_iaiu", {"ind_type": INDIVIDUAL_GROUPS}, since_year=2025, needs_labels=True)
GENERATIVE_AI_REASONS_NOT_USED = DatasetQuery(
    "isoc_ai_iaiuxr", {"ind_type": INDIVIDUAL_GROUPS}, since_year=2025, needs_labels=True,
)
ICT_SPECIALISTS = DatasetQuery("isoc_sks_itspt", {"unit": ("PC_EMP", "THS_PER")}, since_year=2014)

SNAPSHOT_FILES: tuple[SnapshotFile, ...] = (
    SnapshotFile("culture/eurostat_cult_emp_share.csv", CULTURAL_EMPLOYMENT_BY_SEX, _cultural_employment_total,
                 varying=(), subset={"sex": ("T",), "unit": ("PC_EMP",)}, has_breakdown=False),
    SnapshotFile("culture/eurostat_cult_emp_thousands.csv", CULTURAL_EMPLOYMENT_BY_SEX, _cultural_employment_total,
                 varying=(), subset={"sex": ("T",), "unit": ("THS_PER",)}, has_breakdown=False),
    SnapshotFile("culture/eurostat_cult_emp_by_sex.csv", CULTURAL_EMPLOYMENT_BY_SEX, _cultural_employment_by_sex,
                 varying=("sex", "unit"), subset={"sex": ("F", "M")}, has_breakdown=False),
    SnapshotFile("culture/eurostat_cult_emp_by_age.csv", CULTURAL_EMPLOYMENT_BY_AGE, _cultural_employment_by_age,
                 varying=("age", "unit"), has_breakdown=False),
    SnapshotFile("ai/eurostat_isoc_eb_ai__E_AI_TANY_ge10.csv", ENTERPRISE_AI, _enterprise_ai,
                 varying=(), subset={"indic_is": ("E_AI_TANY",)}),
    SnapshotFile("ai/eurostat_isoc_eb_ai__ai_technologies_ge10_nordic_eu27.csv", ENTERPRISE_AI, _enterprise_ai,
                 varying=("indic_is",), subset={"indic_is": AI_TECHNOLOGIES}),
    SnapshotFile("ai/eurostat_isoc_eb_ai__considered_and_own_developed_2025.csv", ENTERPRISE_AI, _enterprise_ai,
                 varying=("indic_is",), subset={"indic_is": ("E_AI_EC", "E_AI_ADOWN")}),
    SnapshotFile("ai/eurostat_isoc_eb_ain2__ai_use_nace_J_and_ICT_by_country.csv", ENTERPRISE_AI_BY_ACTIVITY,
                 _enterprise_ai_by_activity, varying=("indic_is", "nace_r2")),
    SnapshotFile("ai/eurostat_isoc_ai_iaiu__genai_use_individuals_2025.csv", GENERATIVE_AI_USE,
                 _individuals_generative_ai, varying=("indic_is", "unit", "ind_type")),
    SnapshotFile("ai/eurostat_isoc_ai_iaiuxr__genai_reasons_not_used_2025.csv", GENERATIVE_AI_REASONS_NOT_USED,
                 _individuals_generative_ai, varying=("indic_is", "unit", "ind_type")),
    SnapshotFile("ai/eurostat_isoc_sks_itspt__ict_specialists.csv", ICT_SPECIALISTS, _ict_specialists,
                 varying=("unit",)),
)


def queries_of(files: Sequence[SnapshotFile]) -> list[DatasetQuery]:
    """The distinct downloads behind ``files``, in order of first use (one request per dataset)."""
    queries: list[DatasetQuery] = []
    for snapshot_file in files:
        if snapshot_file.query not in queries:
            queries.append(snapshot_file.query)
    return queries


# --------------------------------------------------------------------------- from observations to tidy rows

def select(observations: Observations, criteria: Mapping[str, Sequence[str]], since_year: int) -> pd.DataFrame:
    """The observations matching every ``dimension -> codes`` criterion, from ``since_year`` on.

    The server already filtered a JSON-stat query; filtering again here makes the
    result independent of the route (the SDMX route may download a whole dataset).
    """
    frame = observations.frame
    keep = frame["year"] >= since_year
    for dimension, codes in criteria.items():
        if dimension not in frame.columns:
            raise MalformedResponse(
                f"{observations.dataset}: the answer has no dimension {dimension!r} "
                f"(it has {', '.join(observations.dimensions)}); Eurostat may have changed the dataset's structure."
            )
        keep &= frame[dimension].isin(codes)
    return frame[keep]


def tidy_rows(snapshot_file: SnapshotFile, observations: Observations, found_at: str) -> pd.DataFrame:
    """The rows of ``snapshot_file`` in the snapshot's tidy schema, sorted."""
    query = snapshot_file.query
    criteria = {**query.filters, **snapshot_file.subset}
    chosen = select(observations, criteria, query.since_year)
    if chosen.empty:
        raise EmptyResponse(
            f"{observations.dataset}: no observation for {snapshot_file.path} "
            f"({_describe_criteria(criteria)}, from {query.since_year})."
        )
    kept_apart = {"geo", *snapshot_file.varying}
    for dimension in observations.dimensions:
        if dimension in kept_apart:
            continue
        values = sorted(chosen[dimension].unique())
        if len(values) > 1:
            raise MalformedResponse(
                f"{observations.dataset}: dimension {dimension!r} has several values ({', '.join(values)}) "
                f"that {snapshot_file.path} has no column for; Eurostat may have changed the dataset's structure."
            )
    records = []
    for row in chosen.to_dict("records"):
        text = snapshot_file.describe(row, observations)
        records.append({
            "indicator": text.indicator,
            "unit": text.unit,
            "geo": row["geo"],
            "year": int(row["year"]),
            "breakdown": text.breakdown or "",
            "value": row["value"],
            "flag": row["flag"],
            "source_dataset": text.source_dataset,
            "found_at": found_at,
        })
    frame = pd.DataFrame.from_records(records, columns=TIDY_COLUMNS)
    key = ["indicator", "unit", "breakdown", "geo", "year"]
    duplicated = frame.duplicated(key, keep=False)
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise MalformedResponse(
            f"{observations.dataset}: two observations for {first['indicator']} {first['geo']} {first['year']} "
            f"in {snapshot_file.path}."
        )
    frame = frame.sort_values(key, kind="stable").reset_index(drop=True)
    return frame[snapshot_file.columns]


def _describe_criteria(criteria: Mapping[str, Sequence[str]]) -> str:
    return ", ".join(f"{d}={'+'.join(codes)}" for d, codes in criteria.items()) or "no filter"


# --------------------------------------------------------------------------- HTTP

def build_session(cache_dir: Path | None = None, retries: int = 4, backoff: float = 1.0,
                  cache_lifetime: timedelta = CACHE_LIFETIME):
    """A requests session with retries and exponential back-off, cached on disk unless ``cache_dir`` is None.

    urllib3 retries connection failures, read failures and the answers Eurostat
    gives when busy (429, 5xx), waiting ``backoff`` × 2ⁿ seconds (at most a
    minute) between tries and honouring a Retry-After header.
    """
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    if cache_dir is None:
        session = requests.Session()
    else:
        import requests_cache

        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        session = requests_cache.CachedSession(
            str(Path(cache_dir) / "eurostat"),
            backend="sqlite",
            expire_after=cache_lifetime,
            allowable_codes=(200,),
            stale_if_error=False,  # an expired answer is never passed off as a fresh download
        )
    retry = Retry(
        total=retries,
        # A machine without network fails every connection: two retries ride out a blip
        # without making the "offline" message wait through the whole back-off.
        connect=min(retries, 2),
        read=retries,
        status=retries,
        backoff_factor=backoff,
        backoff_max=60,
        status_forcelist=RETRIED_STATUSES,
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # the last error answer reaches download(), which explains it
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = "ai-culture-report/fetch_data (reproducible research report)"
    return session


@dataclass(frozen=True)
class Download:
    url: str
    content: bytes
    retrieved_at: str  # when Eurostat served it (for a cached answer: when it was first downloaded)
    from_cache: bool


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _connection_reason(error: Exception) -> str:
    """The useful end of a requests/urllib3 connection error ("Failed to resolve 'ec.europa.eu' (…)")."""
    reason = error.args[0] if error.args else error
    reason = getattr(reason, "reason", reason)
    # urllib3 prefixes the connection ("HTTPSConnection(host=..., port=443): "), which says nothing new.
    return re.sub(r"^(?:None|\w+\([^)]*\)): ", "", str(reason))


def download(session, url: str, timeout=DEFAULT_TIMEOUT, snapshot_in_use: Path | str | None = None) -> Download:
    """GET ``url``; every failure becomes a :class:`FetchError` with a one-line explanation."""
    import requests

    keeps = f"; the book keeps using the snapshot in {snapshot_in_use}" if snapshot_in_use else ""
    try:
        response = session.get(url, timeout=timeout)
    except requests.exceptions.ConnectionError as error:  # includes DNS failures and connect timeouts
        raise OfflineError(
            f"cannot reach {EUROSTAT_HOST}: {_connection_reason(error)} — this machine appears to be offline{keeps}."
        ) from None
    except requests.exceptions.Timeout:
        raise FetchError(
            f"{EUROSTAT_HOST} did not answer within {timeout[1] if isinstance(timeout, tuple) else timeout} s "
            f"for {url}; try again later{keeps}."
        ) from None
    except requests.exceptions.RequestException as error:
        raise FetchError(f"the request to {url} failed: {error}{keeps}.") from None
    if response.status_code != 200:
        raise EurostatHTTPError(_http_error_message(response, url))
    from_cache = bool(getattr(response, "from_cache", False))
    created = getattr(response, "created_at", None) if from_cache else None
    return Download(
        url=url,
        content=response.content,
        retrieved_at=_utc_text(created or datetime.now(timezone.utc)),
        from_cache=from_cache,
    )


def _http_error_message(response, url: str) -> str:
    detail = None
    try:
        detail = eurostat_error_text(json.loads(response.content))
    except (ValueError, TypeError):
        pass
    if detail is None:
        text = re.sub(r"<[^>]+>", " ", response.content.decode("utf-8", "replace") if response.content else "")
        detail = " ".join(text.split())[:200] or "no explanation given"
    hint = ""
    if response.status_code in (400, 404):
        hint = " A dataset code or filter value may be wrong, or Eurostat may have renamed it."
    elif response.status_code in RETRIED_STATUSES:
        hint = " Eurostat is busy or down; try again later."
    return f"Eurostat answered HTTP {response.status_code} for {url}: {detail}.{hint}"


# --------------------------------------------------------------------------- writing a new snapshot

@dataclass(frozen=True)
class FileRecord:
    """Provenance of one file of the new snapshot."""

    path: str
    status: str  # "refreshed" or "copied"
    sha256: str
    dataset: str | None = None
    url: str | None = None
    data_format: str | None = None
    retrieved_at: str | None = None
    from_cache: bool | None = None
    dataset_last_update: str | None = None
    rows: int | None = None
    copied_from: str | None = None


@dataclass(frozen=True)
class RefreshResult:
    out: Path
    files: tuple[FileRecord, ...]

    @property
    def refreshed(self) -> list[FileRecord]:
        return [f for f in self.files if f.status == "refreshed"]

    @property
    def copied(self) -> list[FileRecord]:
        return [f for f in self.files if f.status == "copied"]


def check_output_folder(out: Path) -> None:
    """Refuse to write into anything but a new or empty folder: a snapshot is never overwritten."""
    if out.exists() and not out.is_dir():
        raise SnapshotExists(f"{out} exists and is not a folder; choose a new folder for the snapshot.")
    if out.is_dir() and any(out.iterdir()):
        raise SnapshotExists(
            f"{out} already exists and is not empty; a snapshot is never overwritten. Choose a new folder."
        )
    if not out.parent.is_dir():
        raise FetchError(f"The parent folder {out.parent} of {out} does not exist.")


def _first_line_columns(path: Path) -> list[str] | None:
    if not path.is_file():
        return None
    with open(path, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle), None)


def _write_tidy(frame: pd.DataFrame, target: Path, reference: Path, registry: Registry | None, path: str) -> None:
    """Write ``frame`` as the snapshot does and check it against the current file's columns and the registry."""
    current_columns = _first_line_columns(reference)
    if current_columns is not None and current_columns != list(frame.columns):
        raise FetchError(
            f"{path}: the refreshed file would have the columns {', '.join(frame.columns)}, "
            f"the current snapshot has {', '.join(current_columns)}."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False, encoding="utf-8", lineterminator="\n")
    if registry is not None:
        fields = next((r.fields for r in registry.resources.values() if r.path == path), None)
        if fields:
            # Read back exactly as the book's loader reads, so the book will accept the file.
            written = pd.read_csv(target, dtype=str, keep_default_na=False, na_values=[""])
            apply_schema(written, fields, label=f"Refreshed {path}")


def _download_files(staging: Path, current: Path, session, data_format: str, registry: Registry | None,
                    files: Sequence[SnapshotFile], timeout, report) -> list[FileRecord]:
    """Download each query once and write the tidy files made from it into ``staging``; one record a file."""
    records: list[FileRecord] = []
    queries = queries_of(files)
    for number, query in enumerate(queries, start=1):
        data_format_used = query.format_for(data_format)
        url = query.url(data_format_used)
        report(f"fetching {query.dataset} ({number}/{len(queries)})… ", end="")
        got = download(session, url, timeout=timeout, snapshot_in_use=current)
        observations = parse(data_format_used, got.content, query.dataset)
        rows = 0
        for snapshot_file in (f for f in files if f.query == query):
            frame = tidy_rows(snapshot_file, observations, found_at=url)
            target = staging / snapshot_file.path
            _write_tidy(frame, target, current / snapshot_file.path, registry, snapshot_file.path)
            rows += len(frame)
            records.append(FileRecord(
                path=snapshot_file.path, status="refreshed", sha256=sha256_of(target),
                dataset=query.dataset, url=url, data_format=data_format_used,
                retrieved_at=got.retrieved_at, from_cache=got.from_cache,
                dataset_last_update=observations.last_update, rows=len(frame),
            ))
        report(f"{rows} rows" + (" (from the cache)" if got.from_cache else ""))
    return records


def _copy_other_files(staging: Path, current: Path, current_sums: dict[str, str],
                      refreshed: set[str]) -> list[FileRecord]:
    """Copy every file of ``current`` that was not refreshed into ``staging``, each checked against its digest."""
    records = []
    for relative, digest in sorted(current_sums.items()):
        if relative in refreshed or relative in WRITTEN_BY_REFRESH:
            continue  # a previous refresh's provenance is replaced, not carried over as data
        source = current / relative
        if not source.is_file():
            raise DataFileMissing(f"{relative} is listed in {current / 'SHA256SUMS'} but missing from {current}.")
        if sha256_of(source) != digest:
            raise ChecksumMismatch(
                f"{source} does not match {current / 'SHA256SUMS'}; it is not copied into a new snapshot."
            )
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        records.append(FileRecord(path=relative, status="copied", sha256=digest, copied_from=str(source)))
    return records


def refresh_snapshot(
    out: Path,
    current: Path,
    session,
    *,
    data_format: str = JSONSTAT,
    registry: Registry | None = None,
    files: Sequence[SnapshotFile] = SNAPSHOT_FILES,
    timeout=DEFAULT_TIMEOUT,
    progress: Callable[..., None] | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> RefreshResult:
    """Download ``files`` into a new snapshot folder ``out``, completing it with copies from ``current``.

    Everything is written into a hidden sibling folder that is renamed to
    ``out`` only when complete; on any failure it is removed, so no
    half-written snapshot is ever left behind. ``progress(text, end="\n")``
    is called like ``print``: a line is opened before each download and
    finished with its row count.
    """
    if data_format not in FORMATS:
        raise ValueError(f"unknown format {data_format!r}; choose one of {', '.join(FORMATS)}")
    out, current = Path(out).resolve(), Path(current).resolve()
    check_output_folder(out)
    current_sums = read_sha256sums(current)
    report = progress or (lambda text, end="\n": None)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        records = _download_files(staging, current, session, data_format, registry, files, timeout, report)
        refreshed = {record.path for record in records}
        records += _copy_other_files(staging, current, current_sums, refreshed)
        report(f"copied {len(records) - len(refreshed)} files the fetcher does not refresh from {current}")

        created = _utc_text(now())
        ordered = tuple(sorted(records, key=lambda r: r.path))
        (staging / "provenance.json").write_text(
            provenance_json(ordered, created, current, data_format), encoding="utf-8"
        )
        (staging / "PROVENANCE.md").write_text(provenance_markdown(ordered, created, current), encoding="utf-8")
        write_sha256sums(staging)
        if out.is_dir():
            out.rmdir()  # it was checked to be empty
        os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return RefreshResult(out=out, files=ordered)


def provenance_json(records: Sequence[FileRecord], created: str, current: Path, data_format: str) -> str:
    document = {
        "created_at": created,
        "created_by": "python scripts/fetch_data.py (ai_culture_report.fetch)",
        "requested_format": data_format,
        "previous_snapshot": str(current),
        "files": [{k: v for k, v in vars(record).items() if v is not None} for record in records],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def provenance_markdown(records: Sequence[FileRecord], created: str, current: Path) -> str:
    refreshed = [r for r in records if r.status == "refreshed"]
    copied = [r for r in records if r.status == "copied"]
    lines = [
        "# Provenance of this snapshot",
        "",
        f"Written {created} by `python scripts/fetch_data.py` from Eurostat's dissemination API. "
        f"The files listed under *Refreshed* were downloaded at the time given; every other file was copied "
        f"unchanged from the previous snapshot `{current}`, whose README and provenance files still describe them. "
        "`found_at` in each refreshed file is the exact API address that was read. Machine-readable: "
        "`provenance.json`. Checksums: `SHA256SUMS`.",
        "",
        "## Refreshed from Eurostat",
        "",
        "| file | dataset | rows | Eurostat's last update | retrieved (UTC) | address |",
        "|---|---|---|---|---|---|",
    ]
    for record in refreshed:
        retrieved = record.retrieved_at + (" (cached)" if record.from_cache else "")
        lines.append(
            f"| `{record.path}` | {record.dataset} | {record.rows} | {record.dataset_last_update or 'not stated'} "
            f"| {retrieved} | <{record.url}> |"
        )
    lines += ["", "## Copied unchanged from the previous snapshot", ""]
    lines += [
        f"- `{record.path}` — copied unchanged from `{record.copied_from}` (the fetcher does not download it)."
        for record in copied
    ]
    return "\n".join(lines) + "\n"
