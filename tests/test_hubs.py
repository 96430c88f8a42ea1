"""Tests of the hub catalogue logic on small catalogues built here."""

from __future__ import annotations

import math
from types import SimpleNamespace

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from ai_culture_report import hubs, maps
from ai_culture_report.chapters import innovation_hubs
from ai_culture_report.params import validate

AI = "Artificial Intelligence & Decision support"
CCE = "Cultural and creative economy"
AV = "New technologies for Audio-Visual sector - Media"
VR = "Virtual Reality"


def hub_frame(rows) -> pd.DataFrame:
    """rows: (name, country, type, city, location)."""
    frame = pd.DataFrame(rows, columns=["edih_name", "country", "hub_type", "city_derived", "location_published"])
    frame["nordic"] = frame["country"].isin(["Denmark", "Sweden", "Norway", "Finland", "Iceland"])
    return frame


def tag_frame(rows) -> pd.DataFrame:
    """rows: (name, country, type, facet, label, level)."""
    return pd.DataFrame(rows, columns=["edih_name", "country", "hub_type", "facet", "label", "level"])


# --------------------------------------------------------------------------- countries

def test_country_codes_maps_names_to_eurostat_codes():
    codes = hubs.country_codes(["Spain", "Greece", "Kosovo", "Türkiye", "Czechia", "Spain"])
    assert codes == {"Czechia": "CZ", "Greece": "EL", "Kosovo": "XK", "Spain": "ES", "Türkiye": "TR"}


def test_country_codes_lists_every_unknown_name():
    with pytest.raises(hubs.UnknownCountryName) as error:
        hubs.country_codes(["Spain", "Atlantis", "Ruritania"])
    message = str(error.value)
    assert "'Atlantis'" in message and "'Ruritania'" in message and "Spain" not in message


def test_hub_ids_and_labels_are_unique_for_shared_names():
    frame = hubs.with_geo(hub_frame([
        ("CIH", "Czechia", "EDIH", "Brno", ""),
        ("CIH", "Slovakia", "EDIH", "Košice", ""),
        ("DATAlife", "Spain", "DIH", "Vigo", ""),
        ("DATAlife", "Spain", "EDIH", "Vigo", ""),
        ("Digital Impact North (DIN)", "Sweden", "EDIH", "Umea", ""),
    ]))
    assert frame["hub_id"].is_unique
    labels = hubs.hub_labels(frame)
    assert labels.is_unique
    assert labels[frame["hub_id"][0]] == "CIH (CZ)"
    assert labels[frame["hub_id"][4]] == "Digital Impact North (DIN, SE)"
    assert labels[frame["hub_id"][2]].endswith("DIH") and labels[frame["hub_id"][3]].endswith("EDIH")


def test_short_label_prefers_acronym_then_cuts_at_a_word():
    assert hubs.short_label("Infrastructure and Cloud data centre test Environment (SICS ICE)") == "SICS ICE"
    cut = hubs.short_label("Arctic Development Environments Cluster for Everyone", limit=30)
    assert cut.endswith("…") and len(cut) <= 30 and not cut[:-1].endswith(" ")


@pytest.mark.parametrize("city, location, country, expected", [
    ("Aarhus n", "Abogade 15, 8200 Aarhus n, Denmark", "Denmark", "Aarhus"),
    ("Odense M", "Munkebjergvænget 1, 5230 Odense M, Denmark", "Denmark", "Odense"),
    ("København", "Vesterbrogade 1e, 1620 København, Denmark", "Denmark", "Copenhagen"),
    ("LV-1010", "Skolas iela 11, Riga, LV-1010, Latvia", "Latvia", "Riga"),
    ("Tallinn Estonia", "Ehitajate tee 5, 19086 Tallinn Estonia, Estonia", "Estonia", "Tallinn"),
    ("BX Eindhoven", "Campus, 5657 BX Eindhoven, Netherlands", "Netherlands", "Eindhoven"),
    ("1117", "Budapest, Bogdanfy utca 10/a., 1117, Hungary", "Hungary", "Budapest"),
    ("Madrid Madrid", "Calle 1, Madrid Madrid, Spain", "Spain", "Madrid"),
    (None, "12345, Spain", "Spain", "address not parseable"),
])
def test_city_label_cleans_published_addresses(city, location, country, expected):
    assert hubs.city_label(city, location, country) == expected


def test_merge_spellings_keeps_one_spelling_per_city():
    cities = pd.Series(["Gdansk", "Gdańsk", "Gdańsk", "MATOSINHOS", "Matosinhos", "Kraków", "Krakow", None])
    merged = hubs.merge_spellings(cities)
    assert list(merged[:7]) == ["Gdańsk", "Gdańsk", "Gdańsk", "Matosinhos", "Matosinhos", "Kraków", "Kraków"]
    assert merged.isna().iloc[7]


# --------------------------------------------------------------------------- counts

def test_hubs_per_country_counts_types_and_rates():
    frame = hubs.with_geo(hub_frame([
        ("A", "Denmark", "EDIH", "", ""), ("B", "Denmark", "DIH", "", ""), ("C", "Denmark", "DIH", "", ""),
        ("D", "Serbia", "EDIH", "", ""),
    ]))
    population = pd.DataFrame({"geo": ["DK", "DK"], "year": [2023, 2024], "value": [1_000_000, 2_000_000]})
    year = hubs.latest_population_year(population, 2025)
    assert year == 2024
    assert hubs.latest_population_year(population, 2023) == 2023
    table = hubs.hubs_per_country(frame, population, year).set_index(["geo", "hub_type"])
    assert table.loc[("DK", "total"), "hubs"] == 3
    assert table.loc[("DK", "DIH"), "hubs"] == 2
    assert table.loc[("DK", "Seal of Excellence"), "hubs"] == 0
    assert table.loc[("DK", "total"), "per_million"] == pytest.approx(1.5)
    assert math.isnan(table.loc[("RS", "total"), "per_million"])  # no population: no rate, but still listed
    pooled = hubs.pooled_per_million(table.reset_index(), ["DK", "RS"]).set_index("hub_type")
    assert pooled.loc["total", "hubs"] == 3 and pooled.loc["total", "countries"] == 1


# --------------------------------------------------------------------------- tags

@pytest.fixture
def small_catalogue():
    hub_rows = hub_frame([
        ("Creative", "Sweden", "EDIH", "Umea", ""),
        ("Brain", "Norway", "EDIH", "Oslo", ""),
        ("Twin", "Norway", "DIH", "Bergen", ""),
        ("Quiet", "Denmark", "DIH", "Aalborg", ""),          # no tags at all
        ("SectorOnly", "Finland", "EDIH", "Oulu", ""),      # sector tags, no technology tags
    ])
    tags = tag_frame([
        ("Creative", "Sweden", "EDIH", "sector", CCE, 3),
        ("Creative", "Sweden", "EDIH", "technology", AV, 2),
        ("Creative", "Sweden", "EDIH", "technology", VR, 3),
        ("Brain", "Norway", "EDIH", "sector", "Health care", 4),
        ("Brain", "Norway", "EDIH", "technology", AI, 5),
        ("Brain", "Norway", "EDIH", "technology", VR, 2),
        ("Brain", "Norway", "EDIH", "technology", VR, 4),      # listed twice: the higher level counts
        ("Twin", "Norway", "DIH", "sector", "Health care", 4),
        ("Twin", "Norway", "DIH", "technology", AI, 5),
        ("Twin", "Norway", "DIH", "technology", VR, 4),
        ("SectorOnly", "Finland", "EDIH", "sector", "Health care", 2),
    ])
    return hubs.with_geo(hub_rows), hubs.with_geo(tags)


def test_untagged_is_unknown_not_absent(small_catalogue):
    frame, tags = small_catalogue
    levels = hubs.capability_levels(frame, tags)
    ids = dict(zip(frame["edih_name"], frame["hub_id"]))
    assert levels.loc[ids["Brain"], "ai"] == 5
    assert levels.loc[ids["Brain"], "vr"] == 4                 # maximum of the duplicated tag
    assert levels.loc[ids["Creative"], "ai"] == 0              # technology-tagged, AI not listed: absent
    assert levels.loc[ids["Brain"], "cce"] == 0                # sector-tagged, CCE not listed: absent
    assert levels.loc[ids["Quiet"]].isna().all()               # untagged: unknown everywhere
    assert levels.loc[ids["SectorOnly"], "cce"] == 0
    assert math.isnan(levels.loc[ids["SectorOnly"], "ai"])     # no technology tags: AI unknown


def test_capability_shares_use_tagged_hubs_as_base(small_catalogue):
    frame, tags = small_catalogue
    levels = hubs.capability_levels(frame, tags)
    groups = pd.Series("all", index=levels.index)
    shares = hubs.capability_shares(levels, groups).set_index("capability")
    assert shares.loc["ai", "hubs"] == 5
    assert shares.loc["ai", "tagged"] == 3 and shares.loc["ai", "untagged"] == 2
    assert shares.loc["ai", "listing"] == 2 and shares.loc["ai", "strong"] == 2
    assert shares.loc["ai", "share_listing"] == pytest.approx(200 / 3)
    assert shares.loc["cce", "tagged"] == 4 and shares.loc["cce", "listing"] == 1
    assert shares.loc["cce", "share_listing"] == pytest.approx(25.0)
    assert shares.loc["vr", "strong"] == 2 and shares.loc["vr", "some"] == 1


# --------------------------------------------------------------------------- network

def test_capability_graph_is_bipartite_with_levels(small_catalogue):
    frame, tags = small_catalogue
    graph = hubs.capability_graph(tags)
    assert nx.is_bipartite(graph)
    hub_nodes = {n for n, d in graph.nodes(data=True) if d["kind"] == "hub"}
    assert len(hub_nodes) == 4  # the untagged hub has no node
    brain = ("hub", frame.loc[frame["edih_name"] == "Brain", "hub_id"].iloc[0])
    assert graph[brain][("capability", f"technology: {AI}")]["weight"] == 5
    assert graph.degree(("capability", "sector: Health care")) == 3


def test_profile_similarity_from_graph():
    graph = nx.Graph()
    for hub in ("a", "b", "c"):
        graph.add_node(("hub", hub), kind="hub")
    for cap in ("x", "y"):
        graph.add_node(("capability", cap), kind="capability")
    graph.add_edge(("hub", "a"), ("capability", "x"), weight=2)
    graph.add_edge(("hub", "b"), ("capability", "x"), weight=4)   # same direction as a
    graph.add_edge(("hub", "c"), ("capability", "y"), weight=3)   # nothing in common with a
    similarity = hubs.profile_similarity(graph)
    assert similarity.loc["a", "b"] == pytest.approx(1.0)
    assert similarity.loc["a", "c"] == pytest.approx(0.0)
    assert similarity.loc["b", "a"] == similarity.loc["a", "b"]


def test_combined_similarity_keeps_the_available_measure():
    profile = pd.DataFrame([[1.0, 0.2], [0.2, 1.0]], index=["a", "b"], columns=["a", "b"])
    text = pd.DataFrame([[1.0, 0.6, 0.1], [0.6, 1.0, 0.3], [0.1, 0.3, 1.0]],
                        index=["a", "b", "c"], columns=["a", "b", "c"])
    combined = hubs.combined_similarity(profile, text)
    assert combined.loc["a", "b"] == pytest.approx(0.4)
    assert combined.loc["a", "c"] == pytest.approx(0.1)  # c has no tag profile: text only


def test_text_similarity_of_identical_and_unrelated_texts():
    matrix, terms = hubs.fit_tfidf(["film music games studio", "film music games studio",
                                    "steel welding factory robots"], min_df=1)
    similarity = hubs.text_similarity(matrix, ["a", "b", "c"])
    assert similarity.loc["a", "b"] == pytest.approx(1.0)
    assert similarity.loc["a", "c"] == pytest.approx(0.0)
    assert "film" in set(terms)


def two_cliques() -> pd.DataFrame:
    ids = ["a1", "a2", "a3", "b1", "b2", "b3"]
    sim = pd.DataFrame(0.05, index=ids, columns=ids)
    for group in (["a1", "a2", "a3"], ["b1", "b2", "b3"]):
        for x in group:
            for y in group:
                sim.loc[x, y] = 0.9
    sim.loc["a3", "b1"] = sim.loc["b1", "a3"] = 0.3
    for i in ids:
        sim.loc[i, i] = 1.0
    return sim


def test_similarity_graph_links_nearest_neighbours():
    graph = hubs.similarity_graph(two_cliques(), neighbours=2)
    assert graph.has_edge("a1", "a2") and graph.has_edge("b2", "b3")
    assert not graph.has_edge("a1", "b3")
    assert all(d["weight"] > 0 for _, _, d in graph.edges(data=True))


def test_communities_split_two_cliques_deterministically():
    graph = hubs.similarity_graph(two_cliques(), neighbours=3)
    found = hubs.communities(graph)
    assert found["a1"] == found["a2"] == found["a3"]
    assert found["b1"] == found["b2"] == found["b3"]
    assert found["a1"] != found["b1"]
    reversed_graph = nx.Graph()
    reversed_graph.add_nodes_from(sorted(graph.nodes, reverse=True))
    reversed_graph.add_edges_from(sorted(graph.edges(data=True), reverse=True))
    assert hubs.communities(reversed_graph) == found
    lonely = nx.Graph()
    lonely.add_nodes_from(["x", "y"])
    assert hubs.communities(lonely) == {"x": 1, "y": 2}


def test_layout_is_deterministic():
    graph = hubs.similarity_graph(two_cliques(), neighbours=2)
    first, second = hubs.layout(graph, seed=3), hubs.layout(graph, seed=3)
    pd.testing.assert_frame_equal(first, second)
    assert list(first["node"]) == sorted(graph.nodes)


def test_place_labels_separates_labels_of_close_nodes():
    positions = pd.DataFrame({"node": ["a", "b"], "x": [0.0, 0.0], "y": [0.0, 0.001],
                              "label": ["First hub", "Second hub"]})
    placed = hubs.place_labels(positions, 400, 300, (-1, 1), (-1, 1)).set_index("node")
    same_spot = (placed.loc["a", "label_x"] == placed.loc["b", "label_x"]
                 and placed.loc["a", "label_y"] == placed.loc["b", "label_y"])
    assert not same_spot


def test_cross_border_pairs_rank_complementary_pairs_first(small_catalogue):
    frame, tags = small_catalogue
    levels = hubs.capability_levels(frame, tags)
    geo = pd.Series(frame["geo"].to_numpy(), index=frame["hub_id"].to_numpy())
    labels = hubs.hub_labels(frame)
    pairs = hubs.cross_border_pairs(levels, geo, labels=labels)
    names = {tuple(sorted((a.split(" | ")[0], b.split(" | ")[0]))) for a, b in zip(pairs["hub_a"], pairs["hub_b"])}
    assert ("Brain", "Twin") not in names             # same country
    assert all("Quiet" not in pair for pair in names)  # untagged hub: not paired
    assert ("Brain", "Creative") in names and ("Creative", "Twin") in names
    top = pairs.iloc[0]
    assert top["complementarity"] == pytest.approx(3 * 5 / 25)
    assert "cultural & creative economy (level 3)" in top["reason"]
    assert "AI & decision support (level 5)" in top["reason"]
    assert "virtual reality" in top["reason"]
    assert list(pairs["rank"]) == list(range(1, len(pairs) + 1))


def test_pairs_sharing_only_ai_do_not_qualify():
    levels = pd.DataFrame({"ai": [5.0, 4.0], "cce": [0.0, 0.0], "av": [0.0, 0.0], "vr": [0.0, 0.0]},
                          index=["x", "y"])
    geo = pd.Series({"x": "DK", "y": "SE"})
    assert hubs.cross_border_pairs(levels, geo).empty


def test_diverse_pairs_caps_pairs_per_hub():
    pairs = pd.DataFrame({"hub_a": ["h", "h", "h", "a"], "hub_b": ["a", "b", "c", "b"], "rank": [1, 2, 3, 4]})
    shown = hubs.diverse_pairs(pairs, top=10, per_hub=2)
    assert list(shown["rank"]) == [1, 2, 4]


# --------------------------------------------------------------------------- texts

def test_distinguishing_terms_need_spread_and_drop_places():
    texts = ["film studio games oslo", "film studio music stockholm", "film games",
             "steel factory", "steel factory welding", "factory robots steel"]
    countries = np.array(["NO", "SE", "SE", "DE", "FR", "IT"])
    matrix, terms = hubs.fit_tfidf(texts, min_df=1)
    in_group = np.array([True, True, True, False, False, False])
    table = hubs.distinguishing_terms(matrix, terms, in_group, countries, exclude={"oslo", "stockholm"})
    assert table.iloc[0]["term"] in {"film", "studio"}
    assert "oslo" not in set(table["term"]) and "steel" not in set(table["term"])
    assert "music" not in set(table["term"])  # used by one country of the group only
    assert (table["countries_in"] >= 2).all()


def test_is_english_flags_other_languages():
    texts = pd.Series(["The hub supports the companies of the region in their digital transformation.",
                       "Der Hub unterstützt Unternehmen bei der digitalen Transformation."])
    assert list(hubs.is_english(texts)) == [True, False]


def test_culture_mentions_report_words_and_context():
    descriptions = pd.DataFrame({"hub_id": ["a", "b"], "description": [
        "We serve cultural heritage institutions and creative industries.", "We weld steel."]})
    found = hubs.culture_mentions(descriptions)
    assert list(found["hub_id"]) == ["a"]
    assert found.loc[0, "words"] == "creative, cultural, heritage"
    assert "heritage" in found.loc[0, "snippet"]


# --------------------------------------------------------------------------- synthesis

def test_synthesis_indicators_from_a_small_catalogue(monkeypatch, small_catalogue):
    frame, tags = small_catalogue
    population = pd.DataFrame({"indicator": "SP.POP.TOTL", "unit": "persons", "geo": ["SE", "NO", "FI"],
                               "year": [2024, 2024, 2024], "value": [10_000_000, 5_000_000, 5_500_000]})
    descriptions = pd.DataFrame({"edih_name": ["Creative"], "country": ["Sweden"], "hub_type": ["EDIH"],
                                 "description": ["A hub for the creative sector."], "nordic": [True],
                                 "n_chars": [30]})
    tables = {"edih_catalogue_hubs": frame.drop(columns=["geo", "hub_id"]),
              "edih_catalogue_tags_long": tags.drop(columns=["geo", "hub_id"]),
              "edih_catalogue_descriptions": descriptions,
              "worldbank_population_total_eu_eea_2010_2024": population}
    monkeypatch.setattr(hubs.data, "load", lambda name: tables[name].copy())
    monkeypatch.setattr(hubs.data, "resource",
                        lambda name: SimpleNamespace(vintage="Export made before 2031-04-28"))
    params = validate(["SE", "NO"], "EU27_2020", 2011, 2025, "test countries", "Test")
    result = hubs.synthesis_indicators(params)
    assert list(result.columns) == ["geo", "dimension", "value", "unit", "year", "source"]
    values = result.set_index(["dimension", "geo"])["value"]
    assert values[("hubs_per_million_inhabitants", "NO")] == pytest.approx(0.4)
    assert math.isnan(values[("hubs_per_million_inhabitants", "DK")])      # no population figure
    assert values[("creative_sector_focus_share", "SE")] == pytest.approx(100.0)
    assert values[("creative_sector_focus_share", "NO")] == pytest.approx(0.0)
    assert math.isnan(values[("creative_sector_focus_share", "DK")])       # untagged: unknown, not zero
    assert set(result["year"]) == {2031}
    assert set(result["geo"]) == {"SE", "NO", "DK", "FI"}


@pytest.fixture(scope="module")
def nordic():
    params = validate(["DK", "FI", "IS", "NO", "SE"], "EU27_2020", 2011, 2025, "the Nordic countries", "Nordic")
    inputs = innovation_hubs.load(params)
    return params, inputs, innovation_hubs.findings(inputs)


def test_chapter_headline_is_the_synthesis_indicator_against_the_median_of_countries(nordic):
    """The chapter's creative-focus figures are the values the synthesis reads, and its reference is their median."""
    params, inputs, found = nordic
    synthesis = hubs.synthesis_indicators(params, inputs.catalogue)
    creative = synthesis[synthesis["dimension"] == "creative_sector_focus_share"].set_index("geo")["value"]
    headline = innovation_hubs.headline(found)
    assert headline["values"] and set(headline["values"]) <= set(params.countries)
    for code, value in headline["values"].items():
        assert value == pytest.approx(creative[code], nan_ok=True)
    assert headline["median"] == pytest.approx(creative.dropna().median())
    glued = innovation_hubs.glue_values(found)
    assert glued["creative_median"] == f"{headline['median']:.1f}%"
    assert glued["creative_n"] == str(creative.notna().sum())
    per_million = synthesis[synthesis["dimension"] == "hubs_per_million_inhabitants"]["value"]
    assert found.per_million_median == pytest.approx(per_million.dropna().median())
    # The chart title states the same median, rounded the same way.
    chart = innovation_hubs.capability_chart(found)
    assert f"({headline['median']:.1f}%)" in chart.title


def test_map_labels_cities_without_overlapping_labels_or_points(nordic):
    _, _, found = nordic
    frame = maps.map_frame(maps.extent(found.params.countries))
    points = innovation_hubs._map_points(found, frame)
    cities = innovation_hubs._city_labels(points, frame)
    assert set(cities["place"]) == set(points.loc[points["selected"], "place"])  # one label per city, not per hub
    assert cities["labelled"].sum() >= len(cities) / 2
    boxes = []
    for r in cities[cities["labelled"]].itertuples():
        x, y = frame.pixels(r.longitude, r.latitude)
        width = 5.6 * len(r.text)
        left = x + 4 if r.side == "right" else x - 6 - width
        boxes.append((left, y - 6, left + width + 2, y + 6))
        assert 0 <= left and left + width <= frame.width
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]
