"""Tests of the Horizon 2020 co-participation logic on small participation tables built here."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ai_culture_report import collaboration


def participations(rows) -> pd.DataFrame:
    """rows: (project, organisation, role, activity type, country)."""
    return pd.DataFrame(rows, columns=["project_rcn", "organisation_pic", "role", "activity_type", "country"])


@pytest.fixture
def table() -> pd.DataFrame:
    return participations([
        (1, 11, "coordinator", "HES", "DK"), (1, 12, "participant", "PRC", "SE"), (1, 13, "participant", "REC", "DE"),
        (2, 21, "coordinator", "HES", "DK"), (2, 22, "participant", "HES", "DK"), (2, 23, "participant", "PUB", "DE"),
        (3, 31, "coordinator", "REC", "SE"), (3, 32, "participant", "HES", "NO"), (3, 33, "partner", "OTH", "FR"),
        (4, 41, "coordinator", "PRC", "NO"), (4, 42, "participant", "PRC", "DE"),
        (5, 51, "partner", "OTH", "SE"), (5, 52, "coordinator", "HES", "FR"),
    ])


def test_beneficiaries_leave_out_third_parties(table):
    kept = collaboration.beneficiaries(table)
    assert set(kept["role"]) == {"coordinator", "participant"}
    assert len(kept) == len(table) - 2


def test_co_participation_counts_projects_not_organisations(table):
    pairs = collaboration.project_countries(collaboration.beneficiaries(table))
    matrix = collaboration.co_participation(pairs)
    assert list(matrix.index) == sorted(matrix.index)
    assert matrix.loc["DK", "DK"] == 2          # two projects, although project 2 has two Danish partners
    assert matrix.loc["DK", "DE"] == 2
    assert matrix.loc["DK", "SE"] == matrix.loc["SE", "DK"] == 1
    assert matrix.loc["SE", "NO"] == 1
    assert "FR" in matrix.index and matrix.loc["FR", "SE"] == 0   # FR only with a third party in project 3
    assert (matrix.to_numpy() == matrix.to_numpy().T).all()


def test_affinity_is_observed_over_expected_from_link_totals():
    matrix = pd.DataFrame([[5, 4, 1], [4, 6, 2], [1, 2, 3]], index=["A", "B", "C"], columns=["A", "B", "C"])
    # links without the diagonal: A 5, B 6, C 3; all links 14
    expected = collaboration.expected_links(matrix)
    assert expected.loc["A", "B"] == pytest.approx(5 * 6 / (14 - 5))
    assert expected.loc["B", "A"] == pytest.approx(6 * 5 / (14 - 6))
    assert math.isnan(expected.loc["A", "A"])
    index = collaboration.affinity(matrix)
    assert index.loc["A", "B"] == pytest.approx(4 / (5 * 6 / 9))
    assert index.loc["C", "A"] == pytest.approx(1 / (3 * 5 / 11))
    assert math.isnan(index.loc["B", "B"])
    block = collaboration.block_affinity(matrix, ["A", "B", "X"])
    assert block["pairs"] == 1 and block["observed"] == 4
    assert block["expected"] == pytest.approx((30 / 9 + 30 / 8) / 2)
    assert math.isnan(collaboration.block_affinity(matrix, ["A"])["index"])


def test_affinity_is_one_for_identical_countries_and_scale_free():
    uniform = pd.DataFrame(7, index=list("ABCD"), columns=list("ABCD"))
    index = collaboration.affinity(uniform)
    assert np.allclose(index.to_numpy()[~np.eye(4, dtype=bool)], 1.0)
    matrix = pd.DataFrame([[9, 8, 1, 1], [8, 9, 1, 1], [1, 1, 9, 6], [1, 1, 6, 9]],
                          index=list("ABCD"), columns=list("ABCD"))
    base = collaboration.affinity(matrix)
    scaled = collaboration.affinity(matrix * 10)
    pd.testing.assert_frame_equal(base, scaled)
    assert base.loc["A", "B"] > 1 > base.loc["A", "C"]        # two tight pairs, weak links between them
    assert collaboration.block_affinity(matrix, ["A", "B"])["index"] > 1
    pairs = collaboration.pair_affinity(matrix, ["A", "C", "Z"])
    assert list(pairs.index) == ["A", "C"]
    assert pairs.loc["A", "C"] == pairs.loc["C", "A"]
    expected = collaboration.expected_links(matrix)
    assert pairs.loc["A", "C"] == pytest.approx(1 / ((expected.loc["A", "C"] + expected.loc["C", "A"]) / 2))
    assert pairs.loc["A", "C"] == pytest.approx(collaboration.block_affinity(matrix, ["A", "C"])["index"])


def test_main_partners_rank_outside_countries_with_ties_by_code(table):
    pairs = collaboration.project_countries(collaboration.beneficiaries(table))
    matrix = collaboration.co_participation(pairs)
    assert collaboration.main_partners(matrix, ["DK", "SE", "NO"], n=5) == ["DE"]
    assert collaboration.main_partners(matrix, ["DE"], n=2) == ["DK", "NO"]   # DK 2; NO 1 and SE 1: NO first
    assert collaboration.main_partners(matrix, ["ZZ"]) == []


def test_projects_without_checks_the_extract_rule(table):
    pairs = collaboration.project_countries(table)
    assert collaboration.projects_without(pairs, ["DK", "SE", "NO"]) == 0
    assert collaboration.projects_without(pairs, ["DK"]) == 3


def test_regional_trend_counts_projects_with_two_or_more_countries(table):
    pairs = collaboration.project_countries(collaboration.beneficiaries(table))
    start = pd.Series({1: 2016, 2: 2016, 3: 2017, 4: 2017, 5: 2017})
    trend = collaboration.regional_trend(pairs, start, ["DK", "SE", "NO"]).set_index("year")
    assert trend.loc[2016, "projects"] == 2 and trend.loc[2016, "cross_border"] == 1
    assert trend.loc[2016, "share"] == pytest.approx(50.0)
    assert trend.loc[2017, "projects"] == 2 and trend.loc[2017, "cross_border"] == 1  # project 5: SE only as third party


def test_helix_mix_compares_cross_border_projects_with_all(table):
    benef = collaboration.beneficiaries(table)
    mix = collaboration.helix_mix(benef, ["DK", "SE", "NO"])
    for _, group in mix.groupby("group"):
        assert group["share"].sum() == pytest.approx(100.0)
    cross = mix[mix["group"] == "cross-border projects"].set_index("activity_type")
    # cross-border projects 1 and 3: DK HES, SE PRC, SE REC, NO HES
    assert cross.loc["HES", "participations"] == 2 and cross.loc["PUB", "participations"] == 0
    assert cross.loc["HES", "projects"] == 2
    overall = mix[mix["group"] == "all projects"].set_index("activity_type")
    assert overall.loc["HES", "participations"] == 4


def test_border_bridges_count_only_links_between_countries():
    table = participations([
        (1, 1, "coordinator", "HES", "DK"), (1, 2, "participant", "HES", "DK"), (1, 3, "participant", "PRC", "SE"),
        (2, 4, "coordinator", "HES", "DK"), (2, 5, "participant", "HES", "SE"), (2, 6, "participant", "PUB", "DE"),
        (3, 7, "coordinator", "REC", "FI"), (3, 8, "participant", "PRC", "FI"),
    ])
    bridges = collaboration.border_bridges(table, ["DK", "SE", "FI"]).set_index(["type_a", "type_b"])
    assert bridges.loc[("HES", "PRC"), "projects"] == 1      # project 1 (the two Danish HES are not a bridge)
    assert bridges.loc[("HES", "HES"), "projects"] == 1      # project 2; DE is not a selected country
    assert ("REC", "PRC") not in bridges.index               # project 3 is within Finland
    assert len(bridges) == 2
    types = collaboration.bridging_types(table, ["DK", "SE", "FI"]).set_index("activity_type")
    assert types.loc["HES", "projects"] == 2 and types.loc["PRC", "projects"] == 1
    assert types.loc["PUB", "projects"] == 0 and types.loc["HES", "share"] == pytest.approx(100.0)
