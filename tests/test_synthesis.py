"""Synthesis measures: indices against a reference, the scoreboard, quadrants and their sensitivity."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from ai_culture_report import prose, synthesis
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


# --------------------------------------------------------------------------- the test that can fail

def index_table(values: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """An index table with the two headline indicators: {geo: (culture index, AI index)}; NaN = no data."""
    rows = [{"geo": geo, "dimension": dim, "index": value}
            for geo, pair in values.items() for dim, value in zip(synthesis.HEADLINE, pair) if not math.isnan(value)]
    return pd.DataFrame(rows)


# A: the selection (A1, A2); B beats their median on both, C only on culture, D on neither; E lacks AI.
HEADLINES = index_table({"A1": (1.2, 2.0), "A2": (1.4, 1.6), "B": (1.5, 1.9), "C": (1.6, 0.9),
                         "D": (0.8, 0.7), "E": (1.0, math.nan)})


def test_standing_ranks_the_selection_among_all_countries_with_data():
    culture = synthesis.standing(HEADLINES, "culture_employment", ["A1", "A2", "X"])
    assert culture.n_countries == 6 and culture.missing == ("X",)
    assert dict(culture.ranks) == {"A2": 3, "A1": 4}  # C 1.6 and B 1.5 above A2
    assert culture.group_median == pytest.approx(1.3)
    assert (culture.others, culture.others_below) == (4, 2)  # D and E below 1.3
    assert culture.percentile == pytest.approx(50)
    ai = synthesis.standing(HEADLINES, "ai_enterprises", ["A1", "E"])
    assert ai.missing == ("E",) and ai.ranks == (("A1", 1),) and ai.n_countries == 5


def test_ties_share_a_rank():
    tied = index_table({"P": (1.0, 1.0), "Q": (1.0, 1.0), "R": (2.0, 2.0)})
    assert dict(synthesis.standing(tied, "culture_employment", ["P", "Q"]).ranks) == {"P": 2, "Q": 2}


def test_countries_beating_the_selection_on_both():
    assert synthesis.countries_beating(HEADLINES, ["A1", "A2"]) == ("B",)
    # a single country is its own median: A2 (1.4, 1.6) is beaten on both by B only (C is below on AI)
    assert synthesis.countries_beating(HEADLINES, ["A2"]) == ("B",)
    assert synthesis.countries_beating(HEADLINES, ["D"]) == ("A1", "A2", "B", "C")
    assert synthesis.countries_beating(HEADLINES, ["E"]) == ()  # no data on both: nothing to beat


def exact_share(frame: pd.DataFrame, chosen: list[str]) -> float:
    """The share of all groups of the selection's size that do at least as well, by enumeration."""
    target = frame.loc[chosen].median()
    groups = list(combinations(frame.index, len(chosen)))
    return sum(bool((frame.loc[list(g)].median() >= target).all()) for g in groups) / len(groups)


def test_random_groups_approach_the_exact_share():
    frame = synthesis.headline_frame(HEADLINES)
    result = synthesis.random_groups(HEADLINES, ["A1", "A2", "E"], draws=20_000, seed=7)
    assert (result.size, result.pool) == (2, 5)  # E has no AI figure: not in the group, not in the pool
    assert result.selection == pytest.approx((1.3, 1.8))
    assert len(result.medians) == 20_000
    assert result.share == pytest.approx(exact_share(frame, ["A1", "A2"]), abs=0.01)


def test_random_groups_are_repeatable_and_seeded():
    first = synthesis.random_groups(HEADLINES, ["D", "C"], draws=500, seed=1)
    again = synthesis.random_groups(HEADLINES, ["D", "C"], draws=500, seed=1)
    other = synthesis.random_groups(HEADLINES, ["D", "C"], draws=500, seed=2)
    assert first.as_good == again.as_good and first.medians.equals(again.medians)
    assert not first.medians.equals(other.medians)


def test_random_groups_for_one_country_and_for_none():
    single = synthesis.random_groups(HEADLINES, ["B"], draws=5_000, seed=3)
    # only B itself is at least as good as B on both: one country in five
    assert single.size == 1 and single.share == pytest.approx(0.2, abs=0.02)
    assert synthesis.random_groups(HEADLINES, ["E"], draws=10, seed=3) is None
    assert synthesis.stands_out(None) is None


def test_a_leading_group_stands_out_and_an_average_one_does_not():
    rng = np.random.default_rng(0)
    many = {f"C{i}": tuple(rng.uniform(0.5, 1.5, 2)) for i in range(30)}
    many.update({"L1": (2.0, 2.0), "L2": (1.9, 2.1), "L3": (2.1, 1.9)})
    table = index_table(many)
    leaders = synthesis.random_groups(table, ["L1", "L2", "L3"], draws=5_000, seed=4)
    average = synthesis.random_groups(table, ["C0", "C1", "C2"], draws=5_000, seed=4)
    assert synthesis.stands_out(leaders) and leaders.share < 0.01
    assert not synthesis.stands_out(average)
    assert synthesis.countries_beating(table, ["L1", "L2", "L3"]) == ()


def test_the_biased_horizon_indicator_is_not_compared_across_countries():
    assert "research_network" not in synthesis.DIMENSION_BY_KEY
    assert all("Horizon" not in d.label for d in synthesis.DIMENSIONS)


def test_each_indicator_has_one_reference_and_a_reason():
    refs = synthesis.references(synthesis.indices(TABLE, PARAMS)).set_index("dimension")
    assert refs.loc["culture_employment", "reference"] == "EU27 (2020 composition)"
    assert refs.loc["ai_publications", "reference"].startswith("median")
    assert refs.loc["ai_publications", "why"] != refs.loc["culture_employment", "why"]
    assert refs.index.is_unique


# --------------------------------------------------------------------------- the chapter's findings

def chapter_findings(countries=("DK", "IS"), draws=2_000):
    from ai_culture_report.chapters import synthesis as chapter

    params = validate(list(countries), "EU27_2020", 2011, 2025, "two countries", "Test", random_draws=draws)
    later = pd.DataFrame(columns=["geo", "indicator", "year", "value", "unit"])
    return chapter, chapter.findings(chapter.Inputs(params=params, table=TABLE, later_culture=later))


def test_findings_place_the_selection_and_say_who_cannot_be_placed():
    chapter, found = chapter_findings()
    assert found.placed == ("DK",) and found.unplaced == ("IS",)  # Iceland has no AI figure
    assert found.strong == ("DK",) and found.others_strong == ()  # PL is below on both
    assert found.beating == () and found.random.size == 1 and found.random.pool == 2
    assert found.random.draws == 2_000 and found.random.seed == found.params.random_groups_seed
    values = chapter.glue_values(found)
    assert values["unplaced_names"] == "Iceland" and values["beating_names"] == "none"
    assert values["random_share"] == chapter.share_text(found.random.as_good / 2_000)
    assert "as are no other country" not in chapter.verdict(found)


def test_every_value_the_pages_paste_is_short():
    chapter, found = chapter_findings(("DK", "IS", "PL"))
    long = {k: v for k, v in {**chapter.glue_values(found), **chapter.localised_values(found)}.items()
            if len(v.split()) > 12}
    assert not long


def test_a_selection_without_data_on_both_is_not_tested():
    chapter, found = chapter_findings(("IS",))
    assert found.random is None and found.placed == ()
    values = chapter.glue_values(found)
    assert values["random_share"] == "not computed" and values["test_outcome"].startswith("cannot be tested")
    assert "cannot test" in chapter.verdict(found) and "Iceland" in chapter.verdict(found)


def test_the_ranks_say_of_how_many_and_why_a_selection_has_none():
    chapter, found = chapter_findings(("DK", "IS"))
    culture = found.standing(chapter.QUADRANT_X)
    values = chapter.glue_values(found)
    assert values["culture_ranks"] == f"{chapter.ranks_text(culture)} (of {culture.n_countries})"
    chapter, alone = chapter_findings(("IS",))  # Iceland has no AI figure
    ai = alone.standing(chapter.QUADRANT_Y)
    values = chapter.glue_values(alone)
    assert values["ai_ranks"] == f"no selected country has data ({ai.n_countries} others have)"
    assert values["ai_percentile"] == "not applicable (no selected country has data)"
    assert "no data" not in values["ai_ranks"] + values["ai_percentile"]


def test_share_text_keeps_small_shares_visible():
    from ai_culture_report.chapters.synthesis import share_text

    assert share_text(0.0009) == "0.09%"
    assert share_text(0.25) == "25.0%"


def test_charts_show_the_numbers_the_text_glues():
    chapter, found = chapter_findings(("DK", "PL", "IS"))
    values = chapter.glue_values(found)
    quadrant = chapter.quadrant_chart(found)
    median = quadrant.data[quadrant.data.role == chapter.MEDIAN_ROLE].iloc[0]
    assert (median.culture_index, median.ai_index) == pytest.approx(found.random.selection)
    assert values["n_strong_both"] in quadrant.title and values["beating_phrase"] in quadrant.title
    random = chapter.random_chart(found)
    assert random.title.startswith(values["random_share"]) and random.data.groups.sum() == found.random.draws
    board = chapter.scoreboard_chart(found).data.set_index(["geo", "dimension"])
    low = prose.percent(board.loc[("PL", "culture_employment"), "value"])
    assert values["culture_range"].startswith(f"{low} (Poland)")
    sensitivity = chapter.sensitivity_chart(found).data
    assert set(sensitivity[sensitivity.geo == "IS"].position) == {"no data"}  # not drawn like a failure


def test_quadrant_labels_move_left_of_a_crowded_point_and_never_overlap():
    from ai_culture_report.chapters.synthesis import (LABEL_CHAR_WIDTH, LABEL_LINE, LABEL_OFFSET, MEDIAN_ROLE,
                                                      OTHER_ROLE, quadrant_label_sides)

    # Malta sits just right of Lithuania, Slovenia just right of Malta: Lithuania's and Malta's labels go left.
    points = pd.DataFrame({"culture_index": [1.0, 1.1, 1.12, 2.0, 1.5, 0.5],
                           "ai_index": [1.0, 1.0, 1.0, 2.0, 1.5, 0.6],
                           "label": ["Lithuania", "MT", "SI", "Far away", "group median", ""],
                           "role": ["selected", OTHER_ROLE, OTHER_ROLE, "selected", MEDIAN_ROLE, OTHER_ROLE]})
    sides = quadrant_label_sides(points)
    assert sides == ["left", "left", "right", "left", "right", None]  # "Far away" is at the right edge
    x = (points.culture_index - 0.4) / 1.6 * 560  # the scale Vega rounds out to 0.4-2.0
    boxes = [(x[i] + LABEL_OFFSET if side == "right" else x[i] - LABEL_OFFSET - LABEL_CHAR_WIDTH * len(label),
              LABEL_CHAR_WIDTH * len(label), points.ai_index[i])
             for i, (side, label) in enumerate(zip(sides, points.label)) if side]
    for a, b in combinations(boxes, 2):
        same_line = abs(a[2] - b[2]) * 420 / 1.4 < LABEL_LINE  # and to 0.6-2.0
        assert not (same_line and a[0] < b[0] + b[1] and b[0] < a[0] + a[1]), (a, b)


def test_later_changes_are_listed_briefly():
    chapter, found = chapter_findings()
    later = pd.DataFrame({"geo": ["DK", "DK"], "indicator": chapter.LATER_CHANGES[:1] * 2, "year": [2023, 2024],
                          "value": [-7.1, 12.0], "unit": ["PCH_PRE", "THS_PER"]})
    found = chapter.findings(chapter.Inputs(params=found.params, table=TABLE, later_culture=later))
    assert chapter.later_culture_text(found) == "Denmark −7.1% (2023), +12 thousand (2024)"


def test_the_europe_map_colours_every_country_with_data_and_outlines_the_selection():
    from ai_culture_report.chapters import synthesis as chapter
    from ai_culture_report.params import validate

    params = validate(["DK", "FI", "IS", "NO", "SE"], region_name="the Nordic countries", region_short="Nordic")
    found = chapter.findings(chapter.load(params))
    figure = chapter.europe_map(found)
    rows = found.index[found.index.dimension == "ai_enterprises"]
    assert len(figure.data) == len(rows) and set(figure.data.geo) == set(rows.geo)
    above = [g for g in params.countries if g in set(rows.geo) and rows.set_index("geo").loc[g, "index"] > 1]
    assert f"{len(above)} Nordic countries with data" in figure.title or "all" in figure.title
    assert "Iceland" not in set(figure.data.name)  # no Eurostat AI figure for Iceland: grey, named in the notes
    assert any("Iceland" in note for note in figure.notes)
    assert any("EuroGeographics" in note for note in figure.notes)
