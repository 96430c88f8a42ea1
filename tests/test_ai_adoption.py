"""Tests of the AI adoption logic (ai_culture_report.ai_adoption and its chapter helpers) on tiny made-up frames."""

import math

import pandas as pd
import pytest

from ai_culture_report import ai_adoption as ai
from ai_culture_report.chapters import ai_adoption as chapter
from ai_culture_report.params import validate

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


def test_summary_sentences_name_strongest_and_weakest_and_leave_doubtful_values_aside():
    params = validate(["DK", "SE"], "EU27_2020", 2011, 2025, "the test region", "Test")
    indicators = [
        ai.Indicator("a", "Alpha", 2025, pd.DataFrame({"geo": ["DK", "SE", "EU27_2020"], "value": [30.0, 10.0, 20.0]})),
        ai.Indicator("b", "Beta", 2025, pd.DataFrame({"geo": ["DK", "SE", "EU27_2020"], "value": [11.0, 50.0, 10.0]}),
                     doubtful=frozenset({"SE"})),
    ]
    board = chapter._scoreboard_frame(params, indicators)
    facts = chapter._summary_sentences(params, board, "test")
    assert "Denmark is strongest on alpha (1.50×) and weakest on beta (1.10×)" in facts["test_lead_sentence"]
    assert "Sweden is strongest on alpha (0.50×)" in facts["test_lead_sentence"]  # beta (5×) left aside
    assert facts["test_behind_sentence"] == "Below the EU27: Sweden on alpha."
    assert (facts["test_above_count"], facts["test_comparison_count"]) == ("2", "3")


# --- text helpers -----------------------------------------------------------------------------------------------

def test_text_helpers():
    assert chapter.values_in([("Denmark", 42.0), ("Finland", 37.84)], "of enterprises") == \
        "42.0% of enterprises in Denmark and 37.8% in Finland"
    assert chapter.count_phrase(4, 4) == "all 4"
    assert chapter.count_phrase(0, 3) == "none of the 3"
    assert chapter.count_phrase(2, 3) == "2 of 3"
    assert chapter.count_phrase(2, 2) == "both"
    assert chapter.lower_first("ICT specialists") == "ICT specialists"
    assert chapter.lower_first("Text mining") == "text mining"
    assert chapter.wrap_label("Information and communication: using AI", 20) == \
        "Information and|communication: using|AI"
    assert chapter.survey_gaps([2021, 2023, 2024, 2025]) == [2022]
    params = validate(["DK"], "EU27_2020", 2011, 2025, "x", "X")
    assert chapter.against(params, 19.96) == ", against 20.0% in the EU27"
    assert chapter.against(params, math.nan) == "; the snapshot has no value for the EU27"


def test_group_label_and_fixed_country_colours_follow_the_parameters():
    params = validate(["EE", "LV", "LT"], "EU27_2020", 2011, 2025, "the Baltic states", "Baltic")
    assert chapter.group_label(params) == "Baltic countries"
    colours = chapter.country_colours(params)
    assert list(colours) == ["EE", "LV", "LT"] and len(set(colours.values())) == 3
    anonymous = validate(["PT", "PL"], "EA", 2011, 2025)
    assert chapter.group_label(anonymous) == "selected countries"
    alone = validate(["IS"], region_name="Iceland", region_short="Icelandic")
    assert chapter.group_label(alone) == "selected countries (Iceland)"


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


def _enterprise_inputs(investment=None, iceland=None):
    empty = ai.tidy(tidy_rows([("DK", 2020, 1.0)])).iloc[0:0]
    return chapter.EnterpriseInputs(any_ai=empty, technologies=empty, considered=empty, sector=empty,
                                    sector_all=empty,
                                    investment=pd.DataFrame() if investment is None else investment,
                                    iceland=pd.DataFrame() if iceland is None else iceland)


def test_investment_text_compares_recorded_amounts_only_and_the_chart_marks_projections():
    rows = [("DK", 2021, 30.0, False), ("FI", 2021, 10.0, False), ("SE", 2021, 20.0, False),
            ("DK", 2022, 1.0, True), ("FI", 2022, 99.0, True)]
    investment = pd.DataFrame([{"geo": g, "year": y, "investment": v, "population": 1.0, "population_year": 2021,
                                "value": v, "projected": p} for g, y, v, p in rows])
    params = validate(["FI", "NO"], "EU27_2020", 2011, 2025)
    inputs = _enterprise_inputs(investment)
    facts = chapter._investment_facts(params, inputs)
    assert facts["investment_year"].startswith("2021")  # the projected 2022 is never the text's year
    assert facts["investment_values"] == "10.0 US dollars in Finland (3rd of 3)"
    assert "20.0 US dollars" in facts["investment_median_clause"]
    assert facts["investment_missing_sentence"].startswith("Norway has no amount")
    fig = chapter.investment_chart(params, inputs)
    assert fig.title.startswith("Finland ranks 3rd of 3")
    shown = fig.data.set_index(["geo", "year"])
    assert bool(shown.loc[("FI", 2022), "projected"]) and not bool(shown.loc[("FI", 2021), "projected"])
    assert any("projected" in n.lower() or "projection" in n.lower() for n in fig.notes)
    assert any("adjusted for inflation" in n for n in fig.notes)


def test_statistics_iceland_rows_join_a_range_and_appear_only_when_iceland_is_selected():
    statice = tidy_rows([("IS", 2024, 40), ("IS", 2024, 20), ("IS", 2024, 21)], indicator="x", breakdown="")
    statice["indicator"] = ["enterprises using AI", "enterprises using AI (lower bound of the range given)",
                            "enterprises using AI (upper bound of the range given)"]
    statice["breakdown"] = ["size_emp=GE1", "size_emp=1-9", "size_emp=1-9"]
    inputs = _enterprise_inputs(iceland=statice)
    with_iceland = validate(["IS", "NO"], "EU27_2020", 2011, 2025)
    rows = chapter.iceland_rows(with_iceland, inputs)
    assert rows[["what", "size", "share"]].values.tolist() == [
        ["Enterprises using AI", "1 or more employees", "40"], ["Enterprises using AI", "1–9 employees", "20–21"]]
    table = chapter.iceland_table(with_iceland, inputs)
    assert "not comparable" in table.title and any("1–9 employees" in n for n in table.notes)
    assert "not comparable" in chapter._iceland_facts(with_iceland, inputs)["iceland_sentence"]
    without = validate(["NO"], "EU27_2020", 2011, 2025)
    assert chapter._iceland_facts(without, inputs)["iceland_sentence"] == ""
    assert "not among the selected countries" in chapter.iceland_table(without, inputs)._repr_html_()
