"""Synthesis measures: indices against a reference, the scoreboard, quadrants and their sensitivity."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ai_culture_report import synthesis
from ai_culture_report.chapters.synthesis import comma
from ai_culture_report.params import local_country_name, validate

PARAMS = validate(["DK", "IS"], "EU27_2020", 2011, 2025, "two countries", "Test")


def table(rows):
    return pd.DataFrame(rows, columns=["geo", "year", "value", "dimension"])


TABLE = table([
    # culture: EU28 before 2019, EU27 after; DK above both, PL below
    ("DK", 2018, 4.0, "culture_employment"), ("EU28", 2018, 3.5, "culture_employment"),
    ("DK", 2022, 4.5, "culture_employment"), ("EU27_2020", 2022, 3.8, "culture_employment"),
    ("PL", 2022, 2.9, "culture_employment"), ("IS", 2022, 5.6, "culture_employment"),
    # AI: Iceland absent
    ("DK", 2024, 30.0, "ai_enterprises"), ("DK", 2025, 42.0, "ai_enterprises"),
    ("PL", 2024, 5.0, "ai_enterprises"), ("PL", 2025, 8.0, "ai_enterprises"),
    ("EU27_2020", 2024, 13.5, "ai_enterprises"), ("EU27_2020", 2025, 20.0, "ai_enterprises"),
    # publications: no aggregate, reference is the median country
    ("DK", 2020, 700.0, "ai_publications"), ("PL", 2020, 100.0, "ai_publications"),
    ("IS", 2020, 500.0, "ai_publications"),
])


def test_reference_is_the_aggregate_or_its_predecessor():
    assert synthesis.reference_value(TABLE, "culture_employment", 2022, PARAMS) == (3.8, "EU27 (2020 composition)")
    value, label = synthesis.reference_value(TABLE, "culture_employment", 2018, PARAMS)
    assert value == 3.5 and label.startswith("EU28")


def test_reference_falls_back_to_the_median_country():
    value, label = synthesis.reference_value(TABLE, "ai_publications", 2020, PARAMS)
    assert value == 500.0 and label == "median of 3 European countries"
    value, label = synthesis.reference_value(TABLE, "culture_employment", 2022, PARAMS, reference="median")
    assert value == pytest.approx(4.5) and "median" in label


def test_indices_use_the_latest_year_and_skip_aggregates():
    index = synthesis.indices(TABLE, PARAMS)
    dk_ai = index[(index.geo == "DK") & (index.dimension == "ai_enterprises")].iloc[0]
    assert dk_ai.year == 2025 and dk_ai["index"] == pytest.approx(2.1)
    assert not index.geo.isin(["EU27_2020", "EU28"]).any()


def test_scoreboard_keeps_missing_cells_visible():
    board = synthesis.scoreboard(synthesis.indices(TABLE, PARAMS), PARAMS)
    assert len(board) == len(PARAMS.countries) * len(synthesis.DIMENSIONS)
    iceland_ai = board[(board.geo == "IS") & (board.dimension == "ai_enterprises")].iloc[0]
    assert math.isnan(iceland_ai.value) and iceland_ai.label == "Enterprises using AI"


def test_quadrants_need_both_indices():
    quads = synthesis.quadrants(synthesis.indices(TABLE, PARAMS)).set_index("geo")
    assert quads.loc["DK", "quadrant"] == "strong in both"
    assert quads.loc["PL", "quadrant"] == "below reference in both"
    assert "IS" not in quads.index


@pytest.mark.parametrize("culture, ai, expected", [
    (1.2, 0.8, "cultural strength, AI below reference"),
    (0.8, 1.2, "AI strength, culture below reference"),
    (1.0, 1.0, "strong in both"),
])
def test_quadrant_names(culture, ai, expected):
    assert synthesis.quadrant_name(culture, ai) == expected


def test_sensitivity_covers_every_year_pair_and_reference():
    result = synthesis.sensitivity(TABLE, PARAMS)
    denmark = result[result.geo == "DK"]
    # 2 culture years x 2 AI years x 2 references
    assert len(denmark) == 8
    assert set(denmark.quadrant) == {"strong in both"}
    assert set(result[result.geo == "IS"].quadrant) == {"no data"}


def test_nordic_number_style_and_local_names():
    assert comma("4.5%") == "4,5\u00a0%"
    assert comma("1,234.5") == "1\u202f234,5"
    assert local_country_name("IS", "is") == "Ísland"
    assert local_country_name("FI", "fi") == "Suomi"


def test_a_year_range_without_the_source_gives_no_index_and_no_quadrant():
    early = validate(["DK", "IS"], "EU27_2020", 2000, 2005, "two countries", "Test")
    assert synthesis.latest_common_year(TABLE, "culture_employment", early) is None
    index = synthesis.indices(TABLE, early)
    assert index.empty and "dimension" in index.columns
    board = synthesis.scoreboard(index, early)
    assert board["value"].isna().all() and len(board) == 2 * len(synthesis.DIMENSIONS)
    assert synthesis.sensitivity(TABLE, early).empty
