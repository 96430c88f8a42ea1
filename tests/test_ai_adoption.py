"""Tests of the AI adoption logic (ai_culture_report.ai_adoption, ai_charts and the two AI chapters): tiny made-up
frames, and on the snapshot that text and charts read the same findings."""

import math

import pandas as pd
import pytest

from types import SimpleNamespace

from ai_culture_report import ai_adoption as ai
from ai_culture_report import ai_charts, prose
from ai_culture_report.chapters import ai_enterprises as enterprises
from ai_culture_report.chapters import ai_people_skills as people
from ai_culture_report.params import group_label, validate

from conftest import needs_snapshot

GE10 = "size_emp=GE10;nace_r2=C10-S951_X_K"


def tidy_rows(rows, indicator="E_AI_TANY", breakdown=GE10, unit="PC_ENT"):
    """Rows of (geo, year, value[, flag]) in the snapshot's tidy layout."""
    records = []
    for row in rows:
        geo, year, value, *rest = row
        records.append({"indicator": indicator, "unit": unit, "geo": geo, "year": year, "breakdown": breakdown,
                        "value": value, "flag": rest[0] if rest else None, "source_dataset": "test",
                        "found_at": "test"})
    frame = pd.DataFrame(records)
    frame["year"] = frame["year"].astype("Int64")
    frame["flag"] = frame["flag"].astype("string")
    return frame


# --- selection and breaks ---------------------------------------------------------------------------------------

def test_select_filters_indicator_years_and_breakdown_keys():
    frame = pd.concat([
        tidy_rows([("AA", 2021, 10.0), ("AA", 2025, 30.0)], breakdown="nace_r2=J;size_emp=GE10"),
        tidy_rows([("AA", 2021, 5.0)], breakdown="nace_r2=ICT;size_emp=GE10"),
        tidy_rows([("AA", 2021, 1.0)], indicator="E_AI_TTM", breakdown="nace_r2=J;size_emp=GE10"),
    ])
    out = ai.select(frame, "E_AI_TANY", year_end=2024, nace_r2="J")
    assert out[["geo", "year", "value"]].values.tolist() == [["AA", 2021, 10.0]]
    assert out["year"].dtype == "int64"


def test_breaks_come_from_the_flag_column_not_from_a_list_of_countries():
    frame = ai.tidy(tidy_rows([("SE", 2023, 10.0, "b"), ("SE", 2024, 25.0), ("FR", 2023, 6.0, "bu"),
                               ("DK", 2023, 15.0, "u")]))
    found = ai.breaks(frame)
    assert found.values.tolist() == [["FR", 2023], ["SE", 2023]]
    assert ai.breaks(frame, ["DK", "SE"]).values.tolist() == [["SE", 2023]]
    assert ai.describe_breaks(found) == ["France (2023)", "Sweden (2023)"]


# --- change, rank, aggregate ------------------------------------------------------------------------------------

def test_change_between_gives_points_ratio_growth_and_marks_a_break_inside_the_period():
    frame = ai.tidy(tidy_rows([
        ("AA", 2021, 10.0), ("AA", 2023, 12.0, "b"), ("AA", 2025, 40.0),
        ("BB", 2021, 20.0), ("BB", 2025, 25.0),
        ("CC", 2023, 5.0), ("CC", 2025, 7.0),  # no start year: left out
    ]))
    change = ai.change_between(frame, 2021, 2025).set_index("geo")
    assert list(change.index) == ["AA", "BB"]
    assert change.loc["AA", "pp_change"] == pytest.approx(30.0)
    assert change.loc["AA", "ratio"] == pytest.approx(4.0)
    assert change.loc["AA", "annual_growth_percent"] == pytest.approx((4.0 ** 0.25 - 1) * 100)
    assert bool(change.loc["AA", "break_in_between"]) is True
    assert bool(change.loc["BB", "break_in_between"]) is False


def test_ranks_each_year_ranks_countries_only_and_counts_peers_per_year():
    frame = ai.tidy(tidy_rows([
        ("DK", 2021, 20.0), ("FI", 2021, 20.0), ("SE", 2021, 10.0), ("EU27_2020", 2021, 50.0),
        ("DK", 2023, 5.0), ("SE", 2023, 9.0),
    ]))
    ranks = ai.ranks_each_year(frame)
    assert "EU27_2020" not in set(ranks["geo"])
    y21 = ranks[ranks["year"] == 2021].set_index("geo")
    assert y21["rank"].to_dict() == {"DK": 1, "FI": 1, "SE": 3}  # a tie shares the best rank
    assert set(y21["n_ranked"]) == {3}
    y23 = ranks[ranks["year"] == 2023].set_index("geo")
    assert y23["rank"].to_dict() == {"SE": 1, "DK": 2}
    assert set(y23["n_ranked"]) == {2}


def test_against_aggregate_gives_gap_and_specialisation_index_per_year():
    frame = ai.tidy(tidy_rows([("DK", 2025, 40.0), ("EU27_2020", 2025, 20.0), ("DK", 2024, 30.0)]))
    out = ai.against_aggregate(frame, "EU27_2020").set_index(["geo", "year"])
    assert out.loc[("DK", 2025), "gap_to_aggregate"] == pytest.approx(20.0)
    assert out.loc[("DK", 2025), "index_to_aggregate"] == pytest.approx(2.0)
    assert math.isnan(out.loc[("DK", 2024), "index_to_aggregate"])  # no aggregate that year: stays missing


def test_leaders_skip_the_selection_and_aggregates_and_break_ties_by_code():
    frame = ai.tidy(tidy_rows([("NO", 2025, 56.0), ("DK", 2025, 48.0), ("CH", 2025, 47.0), ("EE", 2025, 47.0),
                               ("EU27_2020", 2025, 99.0), ("MT", 2025, 46.0)]))
    assert ai.leaders(frame, 3) == ["NO", "DK", "CH"]
    assert ai.leaders(frame, 3, exclude=["NO", "DK"]) == ["CH", "EE", "MT"]


# --- enterprises ------------------------------------------------------------------------------------------------

def test_most_used_technology_and_tie_goes_to_eurostat_order():
    frame = ai.tidy(pd.concat([
        tidy_rows([("DK", 2025, 12.0)], indicator="E_AI_TML"),
        tidy_rows([("DK", 2025, 12.0)], indicator="E_AI_TTM"),
        tidy_rows([("DK", 2025, 3.0)], indicator="E_AI_TPVSG"),
        tidy_rows([("DK", 2025, 60.0)], indicator="E_AI_TX"),  # 'no AI' is not a technology
    ]))
    label, value = ai.most_used_technology(frame, "DK", 2025)
    assert (label, value) == (ai.TECHNOLOGIES["E_AI_TTM"], 12.0)
    assert ai.most_used_technology(frame, "FI", 2025) == (None, pytest.approx(math.nan, nan_ok=True))
    ordered = ai.technology_frame(frame)
    assert list(ordered["indicator"]) == ["E_AI_TTM", "E_AI_TML", "E_AI_TPVSG"]


def test_adoption_funnel_puts_considered_over_non_users_and_own_over_users():
    any_ai = ai.tidy(tidy_rows([("AA", 2025, 20.0), ("BB", 2025, 50.0)]))
    considered = ai.tidy(pd.concat([
        tidy_rows([("AA", 2025, 8.0), ("BB", 2025, 5.0)], indicator="E_AI_EC"),
        tidy_rows([("AA", 2025, 4.0)], indicator="E_AI_ADOWN"),
    ]))
    funnel = ai.adoption_funnel(any_ai, considered, 2025).set_index("geo")
    assert funnel.loc["AA", "considered_share_of_non_users"] == pytest.approx(10.0)  # 8 of the 80% not using
    assert funnel.loc["AA", "own_developed_share_of_users"] == pytest.approx(20.0)   # 4 of the 20% using
    assert funnel.loc["BB", "considered_share_of_non_users"] == pytest.approx(10.0)
    assert math.isnan(funnel.loc["BB", "own_developed"])
    assert math.isnan(funnel.loc["BB", "own_developed_share_of_users"])


def test_sector_against_all_gives_gap_and_ratio_for_common_years_only():
    sector = ai.tidy(tidy_rows([("AA", 2024, 60.0), ("AA", 2025, 80.0, "b")], breakdown="nace_r2=J;size_emp=GE10"))
    everyone = ai.tidy(tidy_rows([("AA", 2025, 40.0), ("AA", 2021, 10.0)]))
    out = ai.sector_against_all(sector, everyone)
    assert out[["geo", "year"]].values.tolist() == [["AA", 2025]]
    assert out["sector_gap"].iloc[0] == pytest.approx(40.0)
    assert out["sector_index"].iloc[0] == pytest.approx(2.0)
    assert out["sector_flag"].iloc[0] == "b"


# --- people -----------------------------------------------------------------------------------------------------

def genai_rows(rows):
    records = []
    for geo, purpose, unit, age, value, flag in rows:
        records.append({"indicator": ai.GENAI_PREFIX + purpose, "unit": unit, "geo": geo, "year": 2025,
                        "breakdown": f"ind_type={age}", "value": value, "flag": flag, "source_dataset": "t",
                        "found_at": "t"})
    frame = pd.DataFrame(records)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def test_genai_frame_splits_purpose_denominator_and_age_and_reads_the_reliability_flag():
    raw = genai_rows([
        ("AA", "for professional (work) purposes", "Percentage of individuals", "All individuals", 20.0, None),
        ("AA", "in the last 3 months", "Percentage of individuals who used internet in the last 3 months",
         "Individuals, 16 to 24 years old", 70.0, "u"),
        ("AA", "something new", "A new unit", "Individuals, 65 to 74 years old", 1.0, None),
    ])
    frame = ai.genai_frame(raw).sort_values("value")
    assert frame["measure"].tolist() == ["something new", "work", "any purpose"]
    assert frame["denominator"].tolist() == ["A new unit", "individuals", "internet users"]
    assert frame["age_group"].tolist() == ["Individuals, 65 to 74 years old", "all individuals", "aged 16–24"]
    assert frame["low_reliability"].tolist() == [False, False, True]


def test_identical_measures_finds_countries_whose_two_purposes_are_the_same_in_every_age_group():
    unit = "Percentage of individuals"
    raw = genai_rows([
        ("SE", "for professional (work) purposes", unit, "All individuals", 21.0, None),
        ("SE", "for formal education", unit, "All individuals", 21.0, None),
        ("SE", "for professional (work) purposes", unit, "Individuals, 16 to 24 years old", 11.2, None),
        ("SE", "for formal education", unit, "Individuals, 16 to 24 years old", 11.2, None),
        ("DK", "for professional (work) purposes", unit, "All individuals", 27.0, None),
        ("DK", "for formal education", unit, "All individuals", 27.0, None),
        ("DK", "for professional (work) purposes", unit, "Individuals, 16 to 24 years old", 22.0, None),
        ("DK", "for formal education", unit, "Individuals, 16 to 24 years old", 56.0, None),
    ])
    assert ai.identical_measures(ai.genai_frame(raw), "work", "formal education") == ["SE"]


def test_ict_per_thousand_divides_thousands_by_population_for_matching_years():
    ict = tidy_rows([("AA", 2024, 45.0), ("AA", 2023, 40.0)], indicator="ICT specialists", unit="THS_PER",
                    breakdown=None)
    share = tidy_rows([("AA", 2024, 9.0)], indicator="ICT specialists", unit="PC_EMP", breakdown=None)
    population = tidy_rows([("AA", 2024, 1_500_000)], indicator="SP.POP.TOTL", unit="persons", breakdown=None)
    out = ai.ict_per_thousand(pd.concat([ict, share]), population)
    assert out[["geo", "year"]].values.tolist() == [["AA", 2024]]
    assert out["per_thousand"].iloc[0] == pytest.approx(30.0)


# --- scoreboard -------------------------------------------------------------------------------------------------

def test_scoreboard_keeps_missing_countries_ranks_among_countries_and_marks_doubtful_values():
    frame = pd.DataFrame({"geo": ["DK", "FI", "SE", "EU27_2020"], "value": [40.0, 20.0, 30.0, 25.0]})
    indicators = [ai.Indicator("use", "Use", 2025, frame, doubtful=frozenset({"SE"}))]
    board = ai.scoreboard(indicators, ["DK", "IS", "SE", "EU27_2020"], "EU27_2020").set_index("geo")
    assert board.loc["DK", "rank"] == 1 and board.loc["SE", "rank"] == 2
    assert board.loc["DK", "n_ranked"] == 3  # the aggregate is not a peer
    assert board.loc["DK", "index_to_aggregate"] == pytest.approx(1.6)
    assert board.loc["DK", "gap_to_aggregate"] == pytest.approx(15.0)
    assert math.isnan(board.loc["IS", "value"]) and pd.isna(board.loc["IS", "rank"])
    assert bool(board.loc["SE", "doubtful"]) and not bool(board.loc["DK", "doubtful"])


def test_scoreboard_summary_names_strongest_and_weakest_and_leaves_doubtful_values_aside():
    params = validate(["DK", "SE"], "EU27_2020", 2011, 2025, "the test region", "Test")
    indicators = [
        ai.Indicator("a", "Alpha", 2025, pd.DataFrame({"geo": ["DK", "SE", "EU27_2020"], "value": [30.0, 10.0, 20.0]})),
        ai.Indicator("b", "Beta", 2025, pd.DataFrame({"geo": ["DK", "SE", "EU27_2020"], "value": [11.0, 50.0, 10.0]}),
                     doubtful=frozenset({"SE"})),
    ]
    board = ai_charts.scoreboard_frame(params, indicators)
    summary = ai.scoreboard_summary(board, params.countries).set_index("geo")
    assert (summary.loc["DK", "strongest"], summary.loc["DK", "weakest"]) == ("Alpha", "Beta")
    assert summary.loc["DK", "strongest_index"] == pytest.approx(1.5)
    assert summary.loc["SE", "strongest"] == "Alpha" and summary.loc["SE", "n_compared"] == 1  # beta (5×) left aside
    assert (int(summary["n_above"].sum()), int(summary["n_compared"].sum())) == (2, 3)
    # The colour grammar: above / at or below the aggregate, the aggregate itself is the reference.
    position = board.set_index(["geo", "indicator"])["position"]
    assert position[("DK", "a")] == "above the EU27" and position[("SE", "a")] == "at or below the EU27"
    assert position[("EU27_2020", "a")] == "reference"


def test_latest_against_counts_the_selected_countries_above_the_aggregate_once():
    frame = tidy_rows([("DK", 2024, 10.0), ("DK", 2025, 40.0), ("FI", 2025, 15.0), ("SE", 2025, 25.0),
                       ("EU27_2020", 2025, 19.95)])
    latest = ai.latest_against(ai.tidy(frame), ["FI", "IS", "DK", "SE"], "EU27_2020")
    assert latest.year == 2025 and latest.values == (("DK", 40.0), ("SE", 25.0), ("FI", 15.0))
    assert latest.n_above == 2 and latest.aggregate == pytest.approx(19.95)
    assert latest.leader == ("DK", 40.0) and math.isnan(latest.value("IS"))
    assert ai.latest_against(ai.tidy(frame).iloc[0:0], ["DK"], "EU27_2020").year is None


# --- text helpers -----------------------------------------------------------------------------------------------

def test_text_helpers():
    assert prose.count_phrase(4, 4) == "all 4"
    assert prose.count_phrase(0, 3) == "none of the 3"
    assert prose.count_phrase(2, 3) == "2 of 3"
    assert prose.count_phrase(2, 2) == "both"
    assert prose.count_phrase(1, 1) == "1 of 1"
    assert prose.count_of_group(3, 4, "Nordic countries") == "3 of 4 Nordic countries with data"
    assert prose.count_of_group(0, 0, "Alpine countries") == "none of the Alpine countries"
    assert prose.absent(["Iceland"], "the data") == "Iceland is not in the data."
    assert prose.absent(["Liechtenstein", "Switzerland"], "the data") == \
        "Liechtenstein and Switzerland are not in the data."
    assert prose.absent([], "the data") == ""
    assert ai_charts.wrap_label("Information and communication: using AI", 20) == \
        "Information and|communication: using|AI"
    assert ai.survey_gaps([2021, 2023, 2024, 2025]) == [2022]
    # rounded as Vega's formats round (the binary value), so labels, tooltips and text agree
    assert ai_charts.format_value(19.95) == f"{19.95:.1f}%"
    assert ai_charts.format_value(math.nan) == "no data"


def test_group_label_and_fixed_country_colours_follow_the_parameters():
    params = validate(["EE", "LV", "LT"], "EU27_2020", 2011, 2025, "the Baltic states", "Baltic")
    assert group_label(params) == "Baltic countries"
    scale = ai_charts.name_scale(params, ["LT", "EE", "EU27_2020"])
    assert scale.domain == ["Estonia", "Lithuania", ai.geo_name("EU27_2020")]
    full = ai_charts.name_scale(params, ["EE", "LV", "LT"])
    assert full.range[0] == scale.range[0] and full.range[2] == scale.range[1]  # Lithuania keeps its colour
    anonymous = validate(["PT", "PL"], "EA", 2011, 2025)
    assert group_label(anonymous) == "selected countries"
    alone = validate(["IS"], region_name="Iceland", region_short="Icelandic")
    assert group_label(alone) == "selected countries (Iceland)"


def test_empty_inputs_keep_their_columns():
    # With no row (a year range before the surveys), filters must still return frames with their columns.
    empty = pd.DataFrame({"geo": pd.Series(dtype=object), "year": pd.Series(dtype=int),
                          "value": pd.Series(dtype=float)})
    assert list(ai.countries_only(empty).columns) == ["geo", "year", "value"]
    board = ai.scoreboard([], ["DK"], "EU27_2020")
    assert board.empty and board["doubtful"].dtype == bool
    assert list(board[~board["doubtful"]].columns) == list(board.columns)


# --- private investment in AI per inhabitant -------------------------------------------------------------------

def test_investment_per_inhabitant_divides_by_the_same_year_and_keeps_projections_apart():
    investment = pd.DataFrame({
        "Entity": ["Greece", "Greece", "Greece", "Utopia", "Europe", "Sweden"],
        "Code": ["GRC", "GRC", "GRC", "XXX", "OWID_EUR", "SWE"],
        "Year": [2020, 2021, 2022, 2021, 2021, 2021],
        "All": [100, 300, pd.NA, 50, 9999, 80],
        "All (projected) (Projected)": [pd.NA, 300, 600, pd.NA, pd.NA, pd.NA],
    })
    population = tidy_rows([("EL", 2020, 10), ("EL", 2021, 20), ("EU27_2020", 2021, 1000)],
                           indicator="SP.POP.TOTL", unit="PERSONS", breakdown="")
    out = ai.investment_per_inhabitant(investment, population)
    # Greece's code becomes EL; Sweden (no population), Utopia (not a country) and OWID's aggregate are left out.
    assert out[["geo", "year", "value", "projected", "population_year"]].values.tolist() == [
        ["EL", 2020, 10.0, False, 2020],
        ["EL", 2021, 15.0, False, 2021],  # recorded and projected both given: the recorded amount, as data
        ["EL", 2022, 30.0, True, 2021],  # projection only: over the latest population, marked projected
    ]


def test_iso3_codes_map_to_the_reports_geo_codes():
    assert ai.geo_of_iso3("GRC") == "EL"
    assert ai.geo_of_iso3("GBR") == "UK"
    assert ai.geo_of_iso3("ISL") == "IS"
    assert ai.geo_of_iso3("OWID_EUR") is None
    assert ai.geo_of_iso3(None) is None


def test_statistics_iceland_rows_join_a_range_and_appear_only_when_iceland_is_selected():
    statice = tidy_rows([("IS", 2024, 40), ("IS", 2024, 20), ("IS", 2024, 21)], indicator="x", breakdown="")
    statice["indicator"] = ["enterprises using AI", "enterprises using AI (lower bound of the range given)",
                            "enterprises using AI (upper bound of the range given)"]
    statice["breakdown"] = ["size_emp=GE1", "size_emp=1-9", "size_emp=1-9"]
    rows = ai.iceland_rows(statice, 2011, 2025)
    assert rows[["what", "size", "share"]].values.tolist() == [
        ["Enterprises using AI", "1 or more employees", "40"], ["Enterprises using AI", "1–9 employees", "20–21"]]
    assert ai.iceland_rows(statice, 2011, 2020).empty
    with_iceland = SimpleNamespace(params=validate(["IS", "NO"], "EU27_2020", 2011, 2025), iceland=rows)
    table = enterprises.iceland_table(with_iceland)
    assert "not comparable" in table.title and any("1–9 employees" in n for n in table.notes)
    without = SimpleNamespace(params=validate(["NO"], "EU27_2020", 2011, 2025), iceland=rows)
    assert "not among the selected countries" in enterprises.iceland_table(without)._repr_html_()


# --- on the snapshot: text and charts read the same findings --------------------------------------------------

@needs_snapshot
def test_glued_values_are_the_chart_data_rounded_the_same_way():
    params = validate(["DK", "FI", "IS", "NO", "SE"], "EU27_2020", 2011, 2025, "the Nordic countries", "Nordic")
    found = enterprises.findings(enterprises.load(params))
    glued = enterprises.glue_values(found)
    use = enterprises.use_chart(found).data.set_index(["geo", "year"])
    year = int(glued["use_year"])
    # EU27 19.95%: the text and the chart's label are the same string (they used to read 20.0% and 19.9%).
    assert glued["use_agg"] == use.loc[("EU27_2020", year), "label"] == prose.percent(use.loc[("EU27_2020", year),
                                                                                               "value"])
    assert glued["use_agg"] in enterprises.use_chart(found).title
    assert f"{prose.percent(use.loc[('EU27_2020', year), 'value'])}" in enterprises.use_chart(found).description
    leader = use.loc[(found.use.leader[0], year)]
    assert glued["use_leader_sentence"].endswith(f"{leader['label']}.")
    people_found = people.findings(people.load(params))
    people_glued = people.glue_values(people_found)
    inputs = people.load(params)
    purposes = people.purposes_chart(people_found, inputs).data
    row = purposes[(purposes["geo"] == people_found.purposes["formal education"].leader[0])
                   & (purposes["measure"] == "formal education") & (purposes["age_group"] == "all individuals")]
    assert people_glued["education_value"] == row["label"].iloc[0]
    finland = purposes[(purposes["geo"] == "FI") & (purposes["measure"] == "formal education")
                       & (purposes["age_group"] == "all individuals")]
    assert finland["label"].iloc[0] == prose.percent(finland["value"].iloc[0])  # 11.45: one rounding, in text and chart
    assert "Finland (all people): " in people.purposes_chart(people_found, inputs).description
    assert f"formal education {finland['label'].iloc[0]}" in people.purposes_chart(people_found, inputs).description


@needs_snapshot
def test_growth_is_stated_in_points_and_relative_terms_and_people_data_are_one_year():
    params = validate(["DK", "FI", "IS", "NO", "SE"], "EU27_2020", 2011, 2025, "the Nordic countries", "Nordic")
    found = enterprises.findings(enterprises.load(params))
    change = found.change.set_index("geo")
    glued = enterprises.glue_values(found)
    selected = change[change["role"] == "selected"]
    faster = int((selected["ratio"] > change.loc["EU27_2020", "ratio"]).sum())
    more_points = int((selected["pp_change"] > change.loc["EU27_2020", "pp_change"]).sum())
    assert glued["change_ratio_count"].startswith(prose.count_phrase(faster, len(selected)))
    assert glued["change_points_count"].startswith(prose.count_phrase(more_points, len(selected)))
    assert glued["change_agg_ratio"] == prose.ratio(change.loc["EU27_2020", "ratio"])
    people_found = people.findings(people.load(params))
    assert people.glue_values(people_found)["genai_one_year"] == (
        "a single year" if len(people_found.genai_years) == 1 else f"{len(people_found.genai_years)} years")
