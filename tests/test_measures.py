"""Indicators: correct on known inputs, and a missing input gives a missing result."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ai_culture_report import measures


def test_percentage_point_change_and_ratio():
    assert measures.pp_change(8.0, 15.5) == pytest.approx(7.5)
    assert measures.ratio_change(8.0, 16.0) == pytest.approx(2.0)
    assert measures.percent_change(50.0, 60.0) == pytest.approx(20.0)
    assert math.isnan(measures.pp_change(float("nan"), 3.0))
    assert math.isnan(measures.ratio_change(0.0, 3.0))
    assert math.isnan(measures.ratio_change(None, 3.0))


def test_compound_annual_growth():
    # 100 -> 121 in two years is 10% a year.
    assert measures.cagr(100, 121, 2) == pytest.approx(10.0)
    assert measures.cagr(100, 100, 5) == pytest.approx(0.0)
    assert math.isnan(measures.cagr(0, 10, 2))
    assert math.isnan(measures.cagr(10, 20, 0))


def test_gap_and_specialisation_index():
    assert measures.gap_to(5.0, 3.8) == pytest.approx(1.2)
    assert measures.specialisation_index(5.7, 3.8) == pytest.approx(1.5)
    assert math.isnan(measures.specialisation_index(5.0, 0))


def test_ranks_put_the_largest_first_and_share_ties():
    ranks = measures.rank_among(pd.Series([3.0, 5.0, 5.0, float("nan"), 1.0]))
    assert ranks.tolist()[:3] == [3, 1, 1]
    assert pd.isna(ranks.iloc[3])
    assert ranks.iloc[4] == 4


def test_ranks_by_year_rank_within_each_year():
    frame = pd.DataFrame({"year": [2021, 2021, 2025, 2025], "value": [1.0, 2.0, 9.0, 3.0]})
    assert measures.ranks_by_year(frame).tolist() == [2, 1, 1, 2]


def test_rates_per_population():
    assert measures.per_million(50, 5_000_000) == pytest.approx(10.0)
    assert measures.per_thousand(40, 8_000) == pytest.approx(5.0)
    assert math.isnan(measures.per_million(5, 0))
    assert measures.share(1, 4) == pytest.approx(25.0)


def test_value_at_and_coverage():
    frame = pd.DataFrame({"geo": ["DK", "SE", "SE"], "year": [2021, 2021, 2022], "value": [1.0, 2.0, 3.0]})
    assert measures.value_at(frame, "SE", 2022) == 3.0
    assert math.isnan(measures.value_at(frame, "IS", 2022))
    assert measures.coverage(frame, ["IS", "SE", "DK"]) == (["SE", "DK"], ["IS"])
    with pytest.raises(ValueError, match="More than one value"):
        measures.value_at(pd.concat([frame, frame]), "SE", 2022)
