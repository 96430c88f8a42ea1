"""Cultural employment: vintages kept apart, ranks, growth within releases, sex and age profiles."""

from __future__ import annotations

import pandas as pd
import pytest

from ai_culture_report import culture
from ai_culture_report.params import validate

OLD = "github:example/old@aaa:file.tsv (bulk)"
NEW = "github:example/new@bbb:file.xlsx (API)"


def tidy(rows, indicator="cultural_employment_share_of_total_employment", unit="PC_EMP"):
    frame = pd.DataFrame(rows, columns=["geo", "year", "value", "flag", "found_at"])
    frame.insert(0, "indicator", indicator)
    frame.insert(1, "unit", unit)
    frame["year"] = frame["year"].astype("Int64")
    return frame


SHARE = tidy([
    ("DK", 2017, 4.3, "b", OLD), ("DK", 2018, 4.2, None, OLD), ("DK", 2019, 4.4, None, NEW),
    ("SE", 2017, 4.8, None, OLD), ("SE", 2018, 4.6, None, OLD), ("SE", 2019, 4.9, None, NEW),
    ("PL", 2019, 2.9, None, NEW), ("EU28", 2017, 3.8, None, OLD), ("EU28", 2018, 3.8, None, OLD),
    ("EU27_2020", 2019, 3.7, None, NEW), ("EA19", 2019, 3.6, None, NEW),
])
PARAMS = validate(["DK", "SE"], "EU27_2020", 2011, 2025, "two countries", "Test")


def test_share_series_never_joins_the_two_eu_aggregates():
    series = culture.share_series(SHARE, PARAMS)
    aggregate = series[series.role == "aggregate"]
    assert set(aggregate.geo) == {"EU28", "EU27_2020"}
    # One line per geo and release: EU28 and EU27 never share a series, and no series crosses the junction.
    assert aggregate.groupby("series")["geo"].nunique().max() == 1
    assert series.groupby("series")["segment"].nunique().max() == 1
    assert "PL" not in set(series.geo) and "EA19" not in set(series.geo)


def test_share_series_respects_the_year_range():
    params = validate(["DK", "SE"], "EU27_2020", 2018, 2018)
    assert set(culture.share_series(SHARE, params).year) == {2018}


def test_latest_complete_year():
    assert culture.latest_year(SHARE, ["DK", "SE"], 2025) == 2019
    assert culture.latest_year(SHARE, ["DK", "SE"], 2018) == 2018
    assert culture.latest_year(SHARE, ["IS"], 2025) is None


def test_ranking_covers_countries_only_and_marks_selection():
    ranked = culture.ranking(SHARE, PARAMS, 2019)
    assert ranked.geo.tolist() == ["SE", "DK", "PL"]
    assert ranked["rank"].tolist() == [1, 2, 3]
    assert ranked.role.tolist() == ["selected", "selected", "other"]


def test_growth_is_measured_within_each_release():
    levels = tidy([("DK", 2011, 100.0, None, OLD), ("DK", 2018, 121.0, None, OLD),
                   ("DK", 2019, 130.0, None, NEW), ("DK", 2022, 143.0, None, NEW)],
                  indicator="cultural_employment_persons", unit="THS_PER")
    growth = culture.growth_within_vintages(levels, ["DK"]).set_index("segment")
    assert growth.loc["2011–2018", "change_percent"] == pytest.approx(21.0)
    assert growth.loc["2019–2022", "change_percent"] == pytest.approx(10.0)
    assert growth.loc["2011–2018", "annual_growth_percent"] == pytest.approx((1.21 ** (1 / 7) - 1) * 100)


def test_growth_of_a_country_the_source_lacks_is_an_empty_table_with_its_columns():
    levels = tidy([("DK", 2011, 100.0, None, OLD), ("DK", 2018, 121.0, None, OLD)],
                  indicator="cultural_employment_persons", unit="THS_PER")
    growth = culture.growth_within_vintages(levels, ["XK"])
    assert growth.empty and {"segment", "change_percent", "name"} <= set(growth.columns)


def test_female_share_from_thousands_of_women_and_men():
    rows = [("DK", 2018, 60.0, None, OLD), ("SE", 2018, 90.0, None, OLD)]
    women = tidy(rows, indicator="cultural_employment_persons_female", unit="THS_PER")
    men = tidy([("DK", 2018, 40.0, None, OLD), ("SE", 2018, 110.0, None, OLD)],
               indicator="cultural_employment_persons_male", unit="THS_PER")
    result = culture.female_share(pd.concat([women, men]), ["SE", "DK", "IS"], 2018)
    assert result.geo.tolist() == ["SE", "DK"]  # requested order, IS has no data
    assert result.women_percent.tolist() == pytest.approx([45.0, 60.0])


def test_age_profile_shares_and_reliability_flags():
    prefix = "cultural_employment_persons_age_"
    frames = [tidy([("IS", 2018, v, f, OLD)], indicator=prefix + age, unit="THS_PER")
              for age, v, f in [("TOTAL", 20.0, None), ("Y15-29", 5.0, None), ("Y30-39", 15.0, None),
                                ("Y_GE65", 1.0, "u")]]
    profile = culture.age_profile(pd.concat(frames), ["IS"], 2018).set_index("age_group")
    assert profile.loc["15–29", "percent_of_cultural_employment"] == pytest.approx(25.0)
    assert profile.loc["30–39", "percent_of_cultural_employment"] == pytest.approx(75.0)
    assert bool(profile.loc["65 and over", "low_reliability"]) is True
    assert bool(profile.loc["15–29", "low_reliability"]) is False


# --------------------------------------------------------------------------- the chapter's findings

def _chapter_findings(share, params=PARAMS):
    from ai_culture_report.chapters import cultural_employment as chapter

    empty = pd.DataFrame(columns=["indicator", "unit", "geo", "year", "value", "flag", "found_at"])
    return chapter, chapter.findings(chapter.Inputs(params, share, share.assign(unit="THS_PER"), empty, empty))


def test_chapter_text_title_and_table_read_the_same_findings():
    chapter, found = _chapter_findings(SHARE)
    assert found.year == 2019 and found.aggregate_code == "EU27_2020" and found.aggregate_value == 3.7
    glued = chapter.glue_values(found)
    assert glued["n_above"] == "2" and glued["n_with_data"] == "2"     # DK 4.4 and SE 4.9 against 3.7
    assert glued["top_difference"] == "Sweden's, +1.2 percentage points"
    assert glued["top_index"] == "1.32"                                # 4.9 / 3.7
    assert glued["breaks"] == "Denmark"                                # flagged b in 2017
    assert chapter.share_chart(found).title.startswith("2 of 2 ")
    table = chapter.findings_frame(found)
    assert chapter.findings_table(found).title.startswith("Cultural employment at a glance")
    assert table.loc["Sweden", "Share of employment 2019"] == "4.9%"
    assert table.loc["Denmark", "Breaks in series"] == "2017"


def test_chapter_says_once_why_years_outside_the_series_show_nothing():
    params = validate(["DK", "SE"], "EU27_2020", 2000, 2005, "two countries", "Test")
    chapter, found = _chapter_findings(SHARE, params)
    glued = chapter.glue_values(found)
    assert found.year is None and "2000–2005" in glued["no_data_reason"]
    assert glued["latest_year"] == "not available" and glued["missing_latest"] == ""
    assert chapter.ranking_chart(found).description.endswith("Nothing is drawn.")
