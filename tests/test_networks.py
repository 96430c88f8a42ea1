"""Network measures on a small co-participation table built here.

Projects and organisations (types in brackets):

    P1: 1 (HES), 2 (PRC), 3 (PRC)
    P2: 1, 4 (REC)
    P3: 4, 5 (PUB)
    P4: 1, 2

give the links 1–2 (two shared projects), 1–3, 2–3, 1–4 and 4–5. Organisation 1 sits between {2, 3} and
{4, 5}; organisation 4 between 5 and everyone else.
"""

import math

import pandas as pd
import pytest

from ai_culture_report import networks


def participations():
    rows = [
        ("P1", 1, "HES", "DK"), ("P1", 2, "PRC", "DK"), ("P1", 3, "PRC", "SE"),
        ("P2", 1, "HES", "DK"), ("P2", 4, "REC", "SE"),
        ("P3", 4, "REC", "SE"), ("P3", 5, "PUB", "FI"),
        ("P4", 1, "HES", "DK"), ("P4", 2, "PRC", "DK"),
    ]
    return pd.DataFrame(rows, columns=["project_rcn", "organisation_pic", "activity_type", "country"])


@pytest.fixture
def graph():
    return networks.co_participation_graph(participations())


def test_graph_links_organisations_sharing_a_project(graph):
    assert sorted(graph.nodes) == [1, 2, 3, 4, 5]
    assert sorted(tuple(sorted(e)) for e in graph.edges) == [(1, 2), (1, 3), (1, 4), (2, 3), (4, 5)]
    assert graph.edges[1, 2]["weight"] == 2
    assert graph.edges[4, 5]["weight"] == 1
    assert not graph.has_edge(3, 4)


def test_graph_nodes_carry_type_country_and_participations(graph):
    assert graph.nodes[1] == {"participations": 3, "activity_type": "HES", "country": "DK"}
    assert graph.nodes[5]["activity_type"] == "PUB"
    assert graph.nodes[4]["participations"] == 2


def test_a_project_with_one_participant_gives_an_isolated_node():
    frame = pd.concat([participations(), pd.DataFrame([("P5", 9, "OTH", "NO")], columns=participations().columns)])
    graph = networks.co_participation_graph(frame)
    assert 9 in graph.nodes and graph.degree(9) == 0


def test_exact_degree_and_betweenness(graph):
    result = networks.centrality(graph).set_index("node")
    assert result.loc[1, "degree"] == 3
    assert result.loc[5, "degree"] == 1
    # 1 lies on the only shortest paths of 4 of the 6 pairs of other nodes, 4 on 3 of them.
    assert result.loc[1, "betweenness"] == pytest.approx(4 / 6)
    assert result.loc[4, "betweenness"] == pytest.approx(3 / 6)
    assert result.loc[2, "betweenness"] == 0 and result.loc[5, "betweenness"] == 0


def test_centrality_is_sorted_by_betweenness_then_degree_then_id(graph):
    result = networks.centrality(graph)
    assert list(result["node"]) == [1, 4, 2, 3, 5]


def test_sampled_betweenness_is_deterministic_and_exact_when_k_covers_all_nodes(graph):
    first = networks.centrality(graph, k=3, seed=7)
    again = networks.centrality(graph, k=3, seed=7)
    pd.testing.assert_frame_equal(first, again)
    exact = networks.centrality(graph).set_index("node")["betweenness"]
    full = networks.centrality(graph, k=5, seed=7).set_index("node")["betweenness"]
    pd.testing.assert_series_equal(exact.sort_index(), full.sort_index())


def test_sampled_betweenness_differs_from_exact_for_a_small_sample(graph):
    exact = networks.centrality(graph).set_index("node")["betweenness"].sort_index()
    estimates = [networks.centrality(graph, k=1, seed=s).set_index("node")["betweenness"].sort_index()
                 for s in range(5)]
    assert any(not e.equals(exact) for e in estimates)


def test_summary_by_type_shares(graph):
    result = networks.centrality(graph)
    summary = networks.summary_by(result, "activity_type", order=["HES", "REC", "PRC", "PUB", "OTH"]).set_index(
        "activity_type")
    assert summary["organisation_share"].sum() == pytest.approx(100)
    assert summary.loc["HES", "organisation_share"] == pytest.approx(20)
    assert summary.loc["PRC", "participations"] == 3
    assert summary.loc["PRC", "participation_share"] == pytest.approx(3 / 9 * 100)
    # Betweenness: 1 (HES) 4/6, 4 (REC) 3/6 -> shares 4/7 and 3/7.
    assert summary.loc["HES", "betweenness_share"] == pytest.approx(400 / 7)
    assert summary.loc["REC", "betweenness_share"] == pytest.approx(300 / 7)
    assert summary.loc["PRC", "mean_degree"] == pytest.approx(2)
    assert summary.loc["OTH", "organisations"] == 0
    assert math.isnan(summary.loc["OTH", "mean_degree"])


def test_top_nodes_per_group_keeps_the_given_group_order(graph):
    result = networks.centrality(graph)
    top = networks.top_nodes(result, "country", ["SE", "DK"], 1)
    assert list(top["country"]) == ["SE", "DK"]
    assert list(top["node"]) == [4, 1]
    two = networks.top_nodes(result, "country", ["DK"], 2)
    # Only 1 and 2 are Danish; 1 is the broker.
    assert list(two["node"]) == [1, 2]
    assert list(two["rank_in_group"]) == [1, 2]


def test_ties_are_broken_by_degree_then_id():
    frame = pd.DataFrame({"node": [30, 10, 20], "betweenness": [0.0, 0.0, 0.0], "degree": [1, 1, 2],
                          "country": ["DK"] * 3})
    assert list(networks.rank_nodes(frame)["node"]) == [20, 10, 30]


def test_repeated_samples_keep_each_estimate_and_average_them(graph):
    result = networks.centrality(graph, k=4, seed=3, repeats=2).set_index("node")
    assert {"betweenness_1", "betweenness_2"} <= set(result.columns)
    mean = (result["betweenness_1"] + result["betweenness_2"]) / 2
    pd.testing.assert_series_equal(result["betweenness"], mean, check_names=False)
    single = networks.centrality(graph, k=2, seed=3).set_index("node")["betweenness"]
    pd.testing.assert_series_equal(result["betweenness_1"].sort_index(), single.sort_index(), check_names=False)


def test_summary_by_gives_the_share_in_each_estimate(graph):
    result = networks.centrality(graph, k=4, seed=3, repeats=2)
    summary = networks.summary_by(result, "activity_type", order=["HES", "REC", "PRC", "PUB", "OTH"])
    for column in ("betweenness_share_1", "betweenness_share_2"):
        assert summary[column].sum() == pytest.approx(100)


def test_top_nodes_by_degree(graph):
    result = networks.centrality(graph)
    top = networks.top_nodes(result, "country", ["SE"], 2, by="degree")
    # 3 and 4 both have two partners; 4 brokers more, so it comes first.
    assert list(top["node"]) == [4, 3]
    assert list(networks.rank_by_degree(result)["node"])[:1] == [1]


def test_largest_component_size():
    frame = pd.concat([participations(), pd.DataFrame([("P5", 9, "OTH", "NO"), ("P5", 8, "OTH", "NO")],
                                                      columns=participations().columns)])
    graph = networks.co_participation_graph(frame)
    assert networks.largest_component_size(graph) == 5
    assert networks.largest_component_size(networks.co_participation_graph(frame.iloc[0:0])) == 0


# --- The fast betweenness equals networkx's ------------------------------------------------------------------

def _random_graphs():
    """Small graphs with ties between shortest paths, several components, isolated nodes and a self-loop."""
    import networkx as nx

    yield nx.gnm_random_graph(40, 80, seed=1)
    yield nx.disjoint_union(nx.grid_2d_graph(4, 5), nx.cycle_graph(7))
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(60, 2, seed=3), {i: f"org{i:02d}" for i in range(60)})
    graph.add_nodes_from(["lonely", "alone"])
    graph.add_edge("org05", "org05")
    yield graph
    yield nx.path_graph(3)
    yield nx.empty_graph(2)


def _assert_same(mine: dict, reference: dict):
    assert list(mine) == list(reference)
    for node, value in reference.items():
        if math.isnan(value):
            assert math.isnan(mine[node])
        else:
            assert mine[node] == pytest.approx(value, abs=1e-9, rel=1e-9)


@pytest.mark.parametrize("k", [None, 1, 2, 5])
def test_fast_betweenness_equals_networkx(k):
    import networkx as nx

    for graph in _random_graphs():
        size = None if k is None else min(k, graph.number_of_nodes())
        for seed in (0, 7):
            _assert_same(networks.betweenness(graph, k=size, seed=seed),
                         nx.betweenness_centrality(graph, k=size, seed=seed, normalized=True))


def test_centrality_equals_networkx_on_the_small_graph(graph):
    import networkx as nx

    result = networks.centrality(graph, k=4, seed=3, repeats=2).set_index("node")
    for i in (1, 2):
        reference = nx.betweenness_centrality(graph, k=2, seed=3 + i - 1, normalized=True)
        _assert_same(result[f"betweenness_{i}"].to_dict(), {n: reference[n] for n in result.index})


def _real_participations():
    from ai_culture_report import data, research

    everything = research.participations(data.load("cordis_h2020_participations_in_projects_with_nordic_partner"),
                                         data.load("cordis_h2020_projects_with_nordic_partner"))
    return research.beneficiaries(everything)


def _real_subset():
    """Horizon 2020 projects with an Icelandic beneficiary: about 1,800 organisations, 37,000 links."""
    frame = _real_participations()
    return frame[frame["project_rcn"].isin(frame.loc[frame["country"] == "IS", "project_rcn"].unique())]


def _snapshot():
    from conftest import real_snapshot_available

    if not real_snapshot_available():
        pytest.skip("the data snapshot is not available")


def test_fast_betweenness_equals_networkx_on_real_data():
    import networkx as nx

    _snapshot()
    frame = _real_subset()
    graph = networks.co_participation_graph(frame)
    for seed in (2020, 2021):  # the chapter's seeds, on a subset networkx can handle in a test
        _assert_same(networks.betweenness(graph, k=20, seed=seed),
                     nx.betweenness_centrality(graph, k=20, seed=seed, normalized=True))
    few = networks.co_participation_graph(frame[frame["project_rcn"].isin(sorted(frame["project_rcn"].unique())[:40])])
    _assert_same(networks.betweenness(few), nx.betweenness_centrality(few, normalized=True))


def test_the_graph_equals_one_built_with_networkx_own_edge_insertion(monkeypatch):
    _snapshot()
    frame = _real_subset()
    graph = networks.co_participation_graph(frame)
    monkeypatch.setattr(networks, "_add_weighted_edges",
                        lambda g, first, second, weights: g.add_weighted_edges_from(zip(first, second, weights)))
    reference = networks.co_participation_graph(frame)
    assert graph.number_of_edges() == reference.number_of_edges() > 30000
    assert dict(graph.nodes(data=True)) == dict(reference.nodes(data=True))
    assert list(graph.edges(data=True)) == list(reference.edges(data=True))  # same order: same sampled sources
    assert [list(n) for _, n in graph.adjacency()] == [list(n) for _, n in reference.adjacency()]
