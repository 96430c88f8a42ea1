"""The Horizon 2020 networks chapter: findings on a tiny extract whose answers can be counted by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from ai_culture_report import networks, research
from ai_culture_report.chapters import research_networks as chapter
from ai_culture_report.params import validate

# Projects: 1 = DK+SE+DE, 2 = DK+DE, 3 = SE+DE+EE, 4 = DK+SE. Organisations: PIC = country's base + type.
ROWS = [  # project, PIC, role, type, EU contribution, country
    (1, 11, "coordinator", "HES", 100.0, "DK"), (1, 21, "participant", "HES", 50.0, "SE"),
    (1, 31, "participant", "PRC", 10.0, "DE"),
    (2, 11, "participant", "HES", 40.0, "DK"), (2, 12, "coordinator", "PRC", 60.0, "DK"),
    (2, 31, "participant", "PRC", 5.0, "DE"), (2, 99, "partner", "OTH", None, "DE"),
    (3, 21, "coordinator", "HES", 80.0, "SE"), (3, 32, "participant", "REC", 20.0, "DE"),
    (3, 41, "participant", "HES", 30.0, "EE"),
    (4, 11, "participant", "HES", 20.0, "DK"), (4, 22, "coordinator", "REC", 70.0, "SE"),
]


def inputs(countries) -> chapter.Inputs:
    parts = pd.DataFrame(ROWS, columns=["project_rcn", "organisation_pic", "role", "activity_type",
                                        "ec_contribution_eur", "country"])
    projects = pd.DataFrame({"project_rcn": [1, 2, 3, 4],
                             "start_date": ["2015-01-01", "2016-01-01", "2016-06-01", "2017-01-01"],
                             "end_date": ["2018-01-01"] * 4})
    everything = research.participations(parts, projects)
    beneficiaries = research.beneficiaries(everything)
    centrality = networks.centrality(networks.co_participation_graph(beneficiaries))
    names = pd.DataFrame({"organisation_pic": [11], "register_name": ["LUNDS UNIVERSITET"],
                          "name": ["Lunds universitet"], "name_source": ["CORDIS register"]})
    keywords = pd.DataFrame({"project_id": [1, 2], "project_acronym": ["A", "B"], "project_title": ["x", "y"],
                             "keyword_group": ["culture_creative", "culture_creative;ai"],
                             "contract_start_date": ["01.01.2016 00:00", "01.01.2017 00:00"],
                             "organisation_name": ["N1", "N2"], "granted_amount_org_eur": [1.0, 2.0]})
    params = validate(countries, "EU27_2020", 2011, 2025, "the test countries", "test")
    return chapter.Inputs(params=params, all_rows=everything, participations=beneficiaries, projects=projects,
                          names=names, centrality=centrality, keywords=keywords, vintage="CORDIS dump of 2020-12-14")


def test_coverage_is_complete_for_scope_countries_and_flagged_for_others():
    assert chapter.findings(inputs(["DK", "SE"])).coverage == "complete"
    partial = chapter.findings(inputs(["EE", "DE"]))
    assert partial.coverage == "partial" and partial.partial == ("EE", "DE")
    assert chapter.coverage_flag(partial).startswith("Partial")
    mixed = chapter.findings(inputs(["DK", "EE", "LV"]))
    assert mixed.coverage == "mixed" and mixed.missing == ("LV",)
    assert "Latvia" in " ".join(chapter._coverage_notes(mixed))


def test_inside_share_counts_the_links_that_stay_in_the_selection():
    found = chapter.findings(inputs(["DK", "SE"]))
    # DK shares projects 1 and 4 with SE, 1 and 2 with DE: 2 of 4 links. SE shares 1, 4 with DK, 1, 3 with DE
    # and 3 with EE: 2 of 5. Together 4 of 9.
    assert found.inside_share == pytest.approx(400 / 9)
    table = found.overview.set_index("geo")
    assert table.loc["DK", chapter.INSIDE] == pytest.approx(50.0)
    assert table.loc["SE", chapter.INSIDE] == pytest.approx(40.0)
    assert table.loc["DK", "Top partner"] == "Germany"   # 2 projects, tie with SE by name


def test_funding_and_coordination_by_type():
    found = chapter.findings(inputs(["DK", "SE"]))
    # DK: HES gets 100 + 40 + 20 of 220; SE: HES 50 + 80 of 200.
    assert found.hes_funding == pytest.approx((65.0, 160 / 220 * 100))
    assert found.n_hes_lead == 2
    # DK coordinates 1 (HES) and 2 (PRC): 50% of coordinations, HES 3 of 4 participations -> smaller.
    # SE coordinates 3 (HES) and 4 (REC): 50%, HES 2 of 3 participations -> smaller.
    assert found.n_coord_larger == 0
    assert found.n_participations == 11 and found.n_rows == 12


def test_top_organisations_are_named_or_described_never_a_pic():
    found = chapter.findings(inputs(["DK", "SE"]))
    labels = dict(zip(found.top["node"], found.top["label"]))
    assert labels[11] == "Lunds universitet" and labels[12] == "a Danish company"
    assert labels[22] == "a Swedish research organisation"
    assert not any(str(pic) in label for pic, label in labels.items())
    assert not any("PIC" in text for text in chapter.glued(found).values())
    assert "PIC" not in chapter.top_organisations_chart(found).description


def test_glued_values_are_short_and_charts_draw_for_a_partial_selection():
    found = chapter.findings(inputs(["EE", "LV"]))
    values = chapter.glued(found)
    assert all(len(v.split()) <= 12 for k, v in values.items() if k not in ("partners_list",))
    for name in ("type_chart", "network_type_chart", "top_organisations_chart", "coparticipation_chart",
                 "affinity_chart", "trend_chart", "helix_chart"):
        assert getattr(chapter, name)(found).title


def test_synthesis_offers_only_the_publication_indicator(monkeypatch):
    frames = {research.PUBLICATIONS: pd.DataFrame({
        "indicator": ["OpenAlex C154945302 Artificial intelligence"] * 2, "geo": ["DK", "US"],
        "year": [2020, 2020], "value": [200.0, 9000.0]}),
        research.POPULATION: pd.DataFrame({"geo": ["DK"], "year": [2020], "value": [5_000_000.0]})}
    monkeypatch.setattr(research.data, "load", lambda name: frames[name])
    rows = research.synthesis_indicators(validate(["DK"], "EU27_2020", 2011, 2025, "Denmark", "Danish"))
    assert list(rows["dimension"].unique()) == ["AI research output"]
    assert rows.set_index("geo").loc["DK", "value"] == pytest.approx(40.0)
    assert "US" not in set(rows["geo"])
