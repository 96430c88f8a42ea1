"""Research indicators on tiny frames in the snapshot's tidy layouts."""

import math

import pandas as pd
import pytest

from ai_culture_report import prose, research

AI = "OpenAlex C154945302 Artificial intelligence"
DL = "OpenAlex C108583219 Deep learning"


def tidy(rows, columns=("indicator", "geo", "year", "value")):
    frame = pd.DataFrame(rows, columns=list(columns))
    for column in ("unit", "breakdown", "flag", "source_dataset", "found_at"):
        if column not in frame:
            frame[column] = pd.NA
    return frame


def openalex():
    return tidy([
        (AI, "DK", 2015, 100), (AI, "DK", 2020, 200),
        (AI, "GR", 2015, 50), (AI, "GR", 2020, 60),
        (AI, "GB", 2015, 300), (AI, "GB", 2020, 340),
        (AI, "US", 2015, 5000), (AI, "US", 2020, 9000),
        (DL, "DK", 2020, 7),
    ])


def population():
    return tidy([
        ("SP.POP.TOTL", "DK", 2015, 5_000_000), ("SP.POP.TOTL", "DK", 2020, 5_000_000),
        ("SP.POP.TOTL", "EL", 2015, 10_000_000), ("SP.POP.TOTL", "EL", 2020, 12_000_000),
    ])


# --- Publications ---------------------------------------------------------------------------------------------

def test_publications_keep_one_concept_and_use_eurostat_codes():
    pubs = research.ai_publications(openalex())
    assert set(pubs["geo"]) == {"DK", "EL", "UK", "US"}
    assert pubs[(pubs.geo == "DK") & (pubs.year == 2020)]["value"].item() == 200  # not the deep-learning 7


def test_per_million_and_missing_population_stays_missing():
    pubs = research.with_population(research.ai_publications(openalex()), population())
    dk = pubs[(pubs.geo == "DK") & (pubs.year == 2020)].iloc[0]
    assert dk["per_million"] == pytest.approx(40.0)
    el = pubs[(pubs.geo == "EL") & (pubs.year == 2020)].iloc[0]
    assert el["per_million"] == pytest.approx(5.0)
    uk = pubs[(pubs.geo == "UK") & (pubs.year == 2020)].iloc[0]
    assert math.isnan(uk["per_million"])


def test_european_sum_leaves_out_non_european_countries():
    pubs = research.ai_publications(openalex())
    total = research.european_sum(pubs).set_index("year")
    assert total.loc[2020, "value"] == 200 + 60 + 340
    assert total.loc[2020, "countries"] == 3


def test_share_of_european_sum_per_country_and_combined():
    pubs = research.ai_publications(openalex())
    shares = research.share_of_european_sum(pubs, ["DK", "EL", "FI"], 2020)
    assert shares["DK"] == pytest.approx(200 / 600 * 100)
    assert shares["combined"] == pytest.approx(260 / 600 * 100)
    assert math.isnan(shares["FI"])


def test_share_of_european_sum_is_missing_when_no_selected_country_has_data():
    pubs = research.ai_publications(openalex())
    assert math.isnan(research.share_of_european_sum(pubs, ["FI"], 2020)["combined"])


def test_growth_is_compound_annual_and_missing_where_a_year_is_missing():
    pubs = research.ai_publications(openalex())
    growth = research.growth(pubs, ["DK", "FI"], 2015, 2020).set_index("geo")
    assert growth.loc["DK", "annual_growth_percent"] == pytest.approx((2 ** (1 / 5) - 1) * 100)
    assert growth.loc["DK", "change_percent"] == pytest.approx(100)
    assert math.isnan(growth.loc["FI", "annual_growth_percent"])


def test_years_in_window_follow_the_parameters():
    pubs = research.ai_publications(openalex())
    assert research.years_in_window(pubs, 2011, 2025) == (2015, 2020)
    assert research.years_in_window(pubs, 2016, 2025) == (2020, 2020)
    assert research.years_in_window(pubs, 2021, 2025) is None


def test_per_capita_ranking_only_ranks_countries_with_population():
    pubs = research.with_population(research.ai_publications(openalex()), population())
    ranking = research.per_capita_ranking(pubs, 2020, ["EL"])
    assert list(ranking["geo"]) == ["DK", "EL"]
    assert list(ranking["rank"]) == [1, 2]
    assert list(ranking["role"]) == ["other", "selected"]


# --- R&D ------------------------------------------------------------------------------------------------------

def rd():
    return tidy([
        ("rd", "DK", 2019, 3.0), ("rd", "DK", 2020, 3.1),
        ("rd", "FI", 2019, 2.8),
        ("rd", "EU27_2020", 2019, 2.2), ("rd", "EU27_2020", 2020, 2.3),
        ("rd", "DK", 2009, 2.5),
    ])


def test_rd_series_is_limited_to_window_and_marks_the_aggregate():
    series = research.rd_series(rd(), ["DK", "FI"], "EU27_2020", 2011, 2025)
    assert 2009 not in set(series["year"])
    assert set(series.loc[series.role == "aggregate", "geo"]) == {"EU27_2020"}


def test_latest_common_year_needs_every_present_country():
    series = research.rd_series(rd(), ["DK", "FI"], "EU27_2020", 2011, 2025)
    assert research.latest_common_year(series, ["DK", "FI"]) == 2019
    assert research.latest_common_year(series, ["DK"]) == 2020
    assert research.latest_common_year(series, ["IS"]) is None


def test_rd_gaps_in_points():
    gaps = research.rd_gaps(rd(), ["DK", "FI"], "EU27_2020", 2019).set_index("geo")
    assert gaps.loc["DK", "gap_points"] == pytest.approx(0.8)
    assert gaps.loc["FI", "gap_points"] == pytest.approx(0.6)


def test_headline_quotes_keep_the_quote_and_where_it_was_read():
    gerd = tidy([("GERD", "SE", 2024, 3.6, "rounded", "https://a"), ("GERD", "DE", 2024, 3.1, "rounded", "https://b"),
                 ("GERD", "EU28", 2016, 2.03, "first estimate", "https://c")],
                columns=("indicator", "geo", "year", "value", "breakdown", "found_at"))
    quotes = research.headline_quotes(gerd, ["SE"], ["EU27_2020", "EU28"])
    assert list(quotes["geo"]) == ["SE", "EU28"]
    assert list(quotes["quoted_at"]) == ["https://a", "https://c"]
    assert list(quotes["how_quoted"]) == ["rounded", "first estimate"]


# --- Generative AI --------------------------------------------------------------------------------------------

def genai():
    columns = ("indicator", "unit", "geo", "year", "breakdown", "value", "flag")
    edu, work = "Use of generative AI tools: for formal education", "Use of generative AI tools: for work"
    pc, users = "Percentage of individuals", "Percentage of individuals who used internet in the last 3 months"
    young, everyone = "ind_type=Individuals, 16 to 24 years old", "ind_type=All individuals"
    return tidy([
        (edu, pc, "DK", 2025, young, 56.0, pd.NA), (edu, pc, "DK", 2025, everyone, 18.0, pd.NA),
        (edu, pc, "EU27_2020", 2025, young, 39.0, pd.NA), (edu, pc, "EU27_2020", 2025, everyone, 9.0, pd.NA),
        (edu, pc, "HU", 2025, young, 2.0, "u"), (edu, pc, "HU", 2025, everyone, 0.6, "u"),
        (edu, users, "DK", 2025, young, 57.0, pd.NA), (work, pc, "DK", 2025, young, 30.0, pd.NA),
    ], columns=columns)


def test_genai_for_education_uses_one_unit_and_both_age_groups():
    table = research.genai_for_education(genai(), ["DK", "IS"], "EU27_2020")
    assert len(table) == 4
    assert set(table["group"]) == set(research.AGE_GROUPS.values())
    dk_young = table[(table.geo == "DK") & (table.group == research.AGE_GROUPS[
        "ind_type=Individuals, 16 to 24 years old"])]["value"].item()
    assert dk_young == 56.0
    assert "IS" not in set(table["geo"])


def test_genai_ranking_excludes_aggregates_and_marks_low_reliability():
    ranking = research.genai_ranking(genai(), "ind_type=Individuals, 16 to 24 years old", 2025)
    assert list(ranking["geo"]) == ["DK", "HU"]
    table = research.genai_for_education(genai(), ["HU"], "EU27_2020")
    assert table.loc[table.geo == "HU", "low_reliability"].all()


# --- Horizon 2020 ---------------------------------------------------------------------------------------------

def parts():
    rows = [
        (1, 11, "coordinator", "HES", "100.0", "DK"), (1, 12, "participant", "PRC", "50.0", "DK"),
        (1, 13, "participant", "REC", "NA", "EE"),
        (2, 12, "coordinator", "PRC", "80.0", "DK"), (2, 14, "partner", "OTH", "NA", "DK"),
        (3, 11, "coordinator", "HES", "70.0", "DK"), (3, 21, "participant", "HES", "30.0", "SE"),
        (4, 13, "coordinator", "REC", "20.0", "EE"),
    ]
    return pd.DataFrame(rows, columns=["project_rcn", "organisation_pic", "role", "activity_type",
                                       "ec_contribution_eur", "country"])


def projects():
    return pd.DataFrame({"project_rcn": [1, 2, 3, 4],
                         "start_date": pd.to_datetime(["2015-01-01", "2019-06-01", "2021-02-01", "2020-01-01"]),
                         "end_date": ["2018-12-31", "2022-05-31", "2024-01-31", "2021-12-31"]})


def frame():
    return research.participations(parts(), projects())


def test_participations_get_start_year_and_numeric_contribution():
    f = frame()
    assert f.loc[f.project_rcn == 3, "start_year"].unique().tolist() == [2021]
    assert f["ec_contribution_eur"].isna().sum() == 2
    assert f["ec_contribution_eur"].sum() == pytest.approx(350.0)


def test_scope_coverage_counts_projects_with_a_scope_participant():
    assert research.scope_coverage(frame(), scope=("DK",)) == pytest.approx(75.0)
    assert research.scope_coverage(frame(), scope=("DK", "EE")) == pytest.approx(100.0)


def test_by_organisation_type_shares_add_up_and_list_every_type():
    table = research.by_organisation_type(frame(), ["DK", "LV"])
    dk = table[table.geo == "DK"].set_index("type")
    assert set(table["geo"]) == {"DK"}  # no row for a country without participations
    assert list(dk.index) == list(research.ORGANISATION_TYPES)
    assert dk["participation_share"].sum() == pytest.approx(100)
    assert dk["ec_share"].sum() == pytest.approx(100)
    assert dk.loc["HES", "participations"] == 2
    assert dk.loc["HES", "ec_share"] == pytest.approx(170 / 300 * 100)
    assert dk.loc["PUB", "participations"] == 0


def test_country_overview_counts_and_missing_contributions():
    overview = research.country_overview(frame(), ["DK", "LV"]).set_index("geo")
    assert overview.loc["DK", "participations"] == 5
    assert overview.loc["DK", "organisations"] == 3
    assert overview.loc["DK", "without_contribution"] == 1
    assert overview.loc["DK", "coordinations"] == 3
    assert overview.loc["LV", "participations"] == 0
    assert math.isnan(overview.loc["LV", "ec_contribution_eur"])


def test_coordinator_shares_compare_leading_with_taking_part():
    coord = research.coordinator_shares(frame(), ["DK", "EE"]).set_index("geo")
    assert coord.loc["DK", "share_of_coordinations"] == pytest.approx(200 / 3)
    assert coord.loc["DK", "share_of_participations"] == pytest.approx(40.0)
    assert coord.loc["EE", "share_of_coordinations"] == 0


def test_trend_leaves_out_years_after_the_snapshot_and_outside_the_window():
    trend = research.trend_by_start_year(frame(), ["DK"], 2020, 2011, 2025)
    assert list(trend["start_year"]) == [2015, 2019]
    assert trend.set_index("start_year").loc[2015, "share"] == pytest.approx(50.0)
    narrow = research.trend_by_start_year(frame(), ["DK"], 2020, 2016, 2025)
    assert list(narrow["start_year"]) == [2019]


def test_split_periods_and_pooled_share():
    assert research.split_periods([2014, 2015, 2016, 2017, 2018, 2019, 2020]) == (
        [2014, 2015, 2016, 2017], [2018, 2019, 2020])
    assert research.split_periods([2019]) == ([2019], [])
    trend = pd.DataFrame({"geo": ["DK", "DK"], "name": ["Denmark"] * 2, "start_year": [2015, 2016],
                          "participations": [10, 30], "participations_by_type": [5, 3], "share": [50.0, 10.0]})
    pooled = research.share_by_period(trend, [2015, 2016]).set_index("geo")
    assert pooled.loc["DK", "share"] == pytest.approx(8 / 40 * 100)  # not the mean of 50 and 10


def test_snapshot_year_from_vintage_text():
    assert research.snapshot_year("CORDIS dump last updated 2020-12-14") == 2020
    assert research.snapshot_year("no date") is None
    assert research.snapshot_year(None) is None


# --- Linking names to PICs ------------------------------------------------------------------------------------

def link_parts():
    rows = [
        # PIC 1: two exact matches to organisation 900 -> named
        (10, 1, "NO", "1000.50"), (11, 1, "NO", "2000.00"),
        # PIC 2: one exact match only -> not named
        (12, 2, "NO", "300.00"),
        # PIC 3: two matches, but the second key is shared with PIC 4 in the same project -> ambiguous, one left
        (13, 3, "NO", "400.00"), (14, 3, "NO", "500.00"), (14, 4, "NO", "500.00"),
        # a Swedish row with the same key as a Norwegian one is not considered
        (10, 9, "SE", "1000.50"),
    ]
    return pd.DataFrame(rows, columns=["project_rcn", "organisation_pic", "country", "ec_contribution_eur"])


def link_projects():
    return pd.DataFrame({"project_rcn": [10, 11, 12, 13, 14],
                         "start_date": pd.to_datetime(["2016-01-01", "2017-03-01", "2018-01-01", "2019-01-01",
                                                       "2019-05-01"]),
                         "end_date": ["2019-12-31", "2020-02-29", "2020-12-31", "2021-12-31", "2022-04-30"]})


def named_list():
    rows = [
        ("01.01.2016 00:00", "31.12.2019 00:00", 1000.5, 900, "UNIVERSITY A"),
        ("01.03.2017 00:00", "29.02.2020 00:00", 2000.0, 900, "UNIVERSITY A"),
        ("01.01.2018 00:00", "31.12.2020 00:00", 300.0, 901, "COMPANY B"),
        ("01.01.2019 00:00", "31.12.2021 00:00", 400.0, 902, "INSTITUTE C"),
        ("01.05.2019 00:00", "30.04.2022 00:00", 500.0, 902, "INSTITUTE C"),
        ("01.05.2019 00:00", "30.04.2022 00:00", 500.0, 903, "OTHER D"),
    ]
    frame = pd.DataFrame(rows, columns=["contract_start_date", "contract_end_date", "granted_amount_org_eur",
                                        "no_organisation_number", "organisation_name"])
    frame["country"] = "NO"
    return frame


def test_link_names_only_where_the_exact_match_is_unambiguous():
    names = research.link_organisation_names(link_parts(), link_projects(), named_list())
    assert list(names["organisation_pic"]) == [1]
    row = names.iloc[0]
    assert row["organisation_name"] == "UNIVERSITY A"
    assert row["organisation_number"] == 900
    assert row["matches"] == 2 and row["agreement"] == 1.0


def test_link_names_with_one_match_allowed_names_more_but_never_ambiguous_keys():
    names = research.link_organisation_names(link_parts(), link_projects(), named_list(), min_matches=1)
    assert list(names["organisation_pic"]) == [1, 2, 3]
    assert 4 not in set(names["organisation_pic"])


def test_link_names_requires_agreement():
    named = named_list()
    named.loc[1, "no_organisation_number"] = 905  # the second match of PIC 1 now points elsewhere
    names = research.link_organisation_names(link_parts(), link_projects(), named)
    assert names.empty
    lenient = research.link_organisation_names(link_parts(), link_projects(), named, min_agreement=0.5)
    assert list(lenient["organisation_pic"]) == [1]


# --- The universities chapter: findings per country and the short values the page pastes ----------------------

def test_country_summary_puts_each_source_in_its_own_column_and_leaves_gaps_missing():
    ranking = pd.DataFrame({"geo": ["SE", "DK"], "value": [900.0, 500.0], "per_million": [90.0, 85.0],
                            "rank": [1, 2]})
    cset = pd.DataFrame({"geo": ["DK"], "per_million": [40.0], "rank": [1]})
    growth = pd.DataFrame({"geo": ["SE"], "annual_growth_percent": [5.0]})
    genai = pd.DataFrame({"geo": ["SE", "SE"], "group": list(research.AGE_GROUPS.values()), "value": [10.0, 30.0]})
    rd = pd.DataFrame({"geo": ["DK"], "value": [2.9]})
    table = research.country_summary(["DK", "SE", "IS"], ranking, growth, {"DK": 1.5, "SE": 2.5}, cset, rd,
                                     genai).set_index("geo")
    c = research.UNIVERSITY_COLUMNS
    assert list(table.index) == ["DK", "SE", "IS"]
    assert table.loc["DK", c["per_million"]] == 85.0 and table.loc["DK", c["cset"]] == 40.0
    assert math.isnan(table.loc["SE", c["cset"]])  # no CSET value: missing, never filled from OpenAlex
    assert table.loc["SE", c["genai_young"]] == 30.0 and table.loc["SE", c["genai_all"]] == 10.0
    assert table.loc["IS"].drop(c["name"]).isna().all()


def test_country_names_in_running_text_take_the_article():
    from ai_culture_report.chapters import research_universities as chapter
    assert chapter.in_text("UK") == "the United Kingdom"
    assert chapter.in_text("SE") == "Sweden"


def test_agreement_wording_follows_the_thresholds():
    from ai_culture_report.chapters import research_universities as chapter
    assert chapter.strength(0.95) == "almost the same way"
    assert chapter.strength(0.75) == "in broadly the same way"
    assert chapter.strength(0.1) == "differently"
    assert "cannot" in chapter.strength(math.nan)


@pytest.fixture(scope="module")
def nordic_universities():
    from ai_culture_report.chapters import research_universities as chapter
    from ai_culture_report.params import validate
    return chapter, chapter.findings(chapter.load(validate(["DK", "FI", "IS", "NO", "SE"], region_short="Nordic")))


def test_universities_findings_agree_with_the_sources_computed_independently(nordic_universities):
    chapter, found = nordic_universities
    first, last = found.pub_period
    totals = research.european_sum(found.inputs.publications).set_index("year")["value"]
    europe_rate = ((totals[last] / totals[first]) ** (1 / (last - first)) - 1) * 100
    assert found.europe_growth["annual_growth_percent"] == pytest.approx(europe_rate)
    faster = int((found.growth["annual_growth_percent"] > europe_rate).sum())
    values = chapter.glue_values(found)
    assert values["growth_faster"].lower().startswith(prose.count_phrase(faster, len(found.growth)))
    # the CSET column is CSET's own value per inhabitant, not OpenAlex's
    cset = found.cset_ranking.set_index("geo")["per_million"]
    table = found.table.set_index("geo")[research.UNIVERSITY_COLUMNS["cset"]]
    assert all(table[g] == pytest.approx(cset[g]) for g in cset.index if g in table.index)
    assert not (found.table[research.UNIVERSITY_COLUMNS["cset"]]
                == found.table[research.UNIVERSITY_COLUMNS["per_million"]]).any()


def test_universities_glued_values_are_short_for_every_country_set():
    from ai_culture_report.chapters import research_universities as chapter
    from ai_culture_report.params import validate
    for codes, years in [(["DK", "FI", "IS", "NO", "SE"], (2011, 2025)), (["LI", "CH"], (2011, 2025)),
                         (["EE", "LV", "LT"], (2011, 2025)), (["IS"], (2011, 2025)), (["DK", "SE"], (2000, 2005))]:
        found = chapter.findings(chapter.load(validate(codes, "EU27_2020", *years)))
        long = {k: v for k, v in chapter.glue_values(found).items() if len(v.split()) > 12}
        assert not long, (codes, long)
        if years[1] < 2010:
            assert found.pub_period is None and "not available" in chapter.glue_values(found)["region_share"]


# --- CSET publications and the agreement of two sources -----------------------------------------------------

def cset_raw():
    return pd.DataFrame({
        "Entity": ["Denmark", "Greece", "United Kingdom", "Kosovo", "Europe (CSET)", "World", "Iceland"],
        "Code": ["DNK", "GRC", "GBR", "OWID_KOS", pd.NA, "OWID_WRL", "ISL"],
        "Year": [2020, 2020, 2020, 2020, 2020, 2020, 2020],
        "All": [1207, 1459, 12950, 9, 100000, 500000, pd.NA],
    })


def test_cset_keeps_countries_with_eurostat_codes_and_drops_aggregates():
    pubs = research.cset_publications(cset_raw())
    assert list(pubs["geo"]) == ["DK", "EL", "UK", "XK"]   # no aggregate, no world, no missing Iceland
    assert pubs.set_index("geo").loc["EL", "value"] == 1459


def per_capita(values, year=2020):
    return pd.DataFrame({"geo": list(values), "year": year, "per_million": list(values.values())})


def test_identical_rankings_give_one_and_reversed_give_minus_one():
    a = per_capita({"DK": 40, "SE": 30, "FI": 20, "NO": 10})
    same = per_capita({"DK": 400, "SE": 300, "FI": 200, "NO": 100})   # other scale, same order
    reverse = per_capita({"DK": 1, "SE": 2, "FI": 3, "NO": 4})
    assert research.source_agreement(a, same, [2020]).set_index("year").loc[2020, "spearman"] == pytest.approx(1.0)
    assert research.source_agreement(a, reverse, [2020]).set_index("year").loc[2020, "spearman"] == pytest.approx(-1.0)


def test_agreement_uses_only_countries_both_sources_cover():
    a = per_capita({"DK": 40, "SE": 30, "FI": 20, "NO": 10, "US": 99})
    b = per_capita({"DK": 4, "SE": 3, "FI": 2, "IS": 50})   # Iceland only here, the US is not European
    row = research.source_agreement(a, b, [2020]).iloc[0]
    assert row["countries"] == 3
    assert row["spearman"] == pytest.approx(1.0)


def test_agreement_is_missing_with_too_few_countries_or_no_year():
    a = per_capita({"DK": 40, "SE": 30})
    assert math.isnan(research.source_agreement(a, a, [2020]).iloc[0]["spearman"])
    assert research.source_agreement(a, a, [2015]).iloc[0]["countries"] == 0


def test_spearman_matches_a_hand_computed_value():
    # ranks a: 1 2 3 4 5, ranks b: 2 1 3 4 5 -> d^2 = 2 -> rho = 1 - 6*2/(5*24) = 0.9
    a = pd.Series([5, 4, 3, 2, 1], index=list("abcde"))
    b = pd.Series([4, 5, 3, 2, 1], index=list("abcde"))
    assert research.spearman(a, b) == pytest.approx(0.9)


def test_rank_differences_name_the_country_that_moves():
    a = per_capita({"DK": 40, "SE": 30, "FI": 20, "NO": 10})
    b = per_capita({"DK": 40, "SE": 10, "FI": 20, "NO": 30})
    diff = research.rank_differences(a, b, 2020, ["DK", "SE", "IS"]).set_index("geo")
    assert list(diff.index) == ["DK", "SE"]          # Iceland is in neither source: left out
    assert diff.loc["DK", "difference"] == 0
    assert (diff.loc["SE", "rank_first"], diff.loc["SE", "rank_second"], diff.loc["SE", "difference"]) == (2, 4, 2)
    assert diff.loc["SE", "name"] == "Sweden"
