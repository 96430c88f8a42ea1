"""Innovation hubs chapter (chapters/innovation_hubs.ipynb): findings and charts.

:func:`load` reads the catalogue once; :func:`findings` computes every number, name and table the text,
the charts and the tables use; the chart functions take the findings, so a title and the sentence
beside it read the same value. Every hub indicator has one reference: the median of the European
countries with a value (the synthesis uses the same, through :func:`hubs.synthesis_indicators`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from .. import geocode, hubs, maps, measures, prose, tables
from ..charts import (ABOVE_COLOUR, BELOW_COLOUR, CONTEXT_GREY, NO_DATA_COLOUR, NO_DATA_LABEL, PALETTE, Figure,
                      colour_name, colour_scale, comparison_colour, figure, label_sides, message_figure,
                      position_label)
from ..params import ReportParams, country_name, group_label, join_names

HUB_SOURCES = [hubs.HUBS_RESOURCE]
TAG_SOURCES = [hubs.HUBS_RESOURCE, hubs.TAGS_RESOURCE]
TEXT_SOURCES = [hubs.HUBS_RESOURCE, hubs.DESCRIPTIONS_RESOURCE]
NETWORK_SOURCES = [*TEXT_SOURCES, hubs.TAGS_RESOURCE]
WIDTH, HEIGHT = 660, 540  # of the network chart
LAYOUT_SEED = 7  # fixed seed of the network layout (positions only; nothing else is random)
NEIGHBOURS = 3  # each hub is linked to its three most similar hubs in the network
TOP_PAIRS, PAIRS_PER_HUB = 10, 3
CHART_NAMES = {"ai": "AI & decision support", "cce": "Cultural & creative economy",
               "av": "Audio-visual media tech.", "vr": "Virtual reality"}
ABOVE, BELOW = "above the median", "at or below the median"
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge", "stroke"]


@dataclass(frozen=True)
class Inputs:
    params: ReportParams
    catalogue: hubs.Catalogue


def load(params: ReportParams) -> Inputs:
    return Inputs(params=params, catalogue=hubs.load_catalogue())


@dataclass(frozen=True)
class Findings:
    """What the chapter says, computed once."""

    params: ReportParams
    catalogue_year: int | None
    n_hubs: int
    n_countries: int
    type_counts: dict
    present: tuple          # selected countries with hubs in the catalogue
    missing: tuple          # selected countries without
    selected_ids: tuple
    population_year: int | None
    per_million: pd.DataFrame   # one row per catalogue country with a population figure, ranked
    no_population: tuple
    per_million_median: float
    capabilities: pd.DataFrame  # one row per catalogue country and capability, with the country medians
    medians: dict               # capability -> (median share, countries with data)
    untagged_all: int
    levels: pd.DataFrame
    labels: pd.Series
    geo: pd.Series
    n_descriptions: int
    n_english: int
    terms: pd.DataFrame
    mention_names: tuple
    n_mentions_europe: int
    communities: dict
    positions: pd.DataFrame
    edges: pd.DataFrame
    profiles: pd.DataFrame
    pairs: pd.DataFrame
    shown_pairs: pd.DataFrame
    locations: pd.DataFrame

    @property
    def creative(self) -> pd.DataFrame:
        """The headline indicator for the selected countries: % of sector-tagged hubs listing the sector."""
        return self.capabilities[(self.capabilities["capability"] == hubs.CREATIVE_FOCUS)
                                 & self.capabilities["selected"]]

    def median(self, capability: str) -> float:
        return self.medians[capability][0]


# =========================================================================== findings

def _per_million(cat: hubs.Catalogue, params: ReportParams) -> tuple[pd.DataFrame, int | None, tuple]:
    year = hubs.latest_population_year(cat.population, params.year_end)
    per_country = hubs.hubs_per_country(cat.hubs, cat.population, year)
    totals = per_country[per_country["hub_type"] == "total"]
    ranked = totals[totals["population"].notna()].copy()
    median, _ = hubs.median_of_countries(ranked["per_million"])
    ranked["rank"] = measures.rank_among(ranked["per_million"])
    ranked["selected"] = ranked["geo"].isin(params.countries)
    ranked["position"] = [position_label(v, median, ABOVE, BELOW) for v in ranked["per_million"]]
    ranked = ranked.sort_values(["per_million", "name"], ascending=[False, True]).reset_index(drop=True)
    return ranked, year, tuple(sorted(totals.loc[totals["population"].isna(), "geo"]))


def _capabilities(levels: pd.DataFrame, geo: pd.Series, params: ReportParams) -> tuple[pd.DataFrame, dict]:
    frames, medians = [], {}
    for key in hubs.CAPABILITIES:
        table = hubs.capability_by_country(levels, geo, key).reset_index()
        medians[key] = hubs.median_of_countries(table["share_listing"])
        table["capability"] = key
        table["position"] = [position_label(v, medians[key][0], ABOVE, BELOW) for v in table["share_listing"]]
        frames.append(table)
    frame = pd.concat(frames, ignore_index=True)
    frame["name"] = frame["geo"].map(country_name)
    frame["selected"] = frame["geo"].isin(params.countries)
    frame["median"] = frame["capability"].map(lambda k: medians[k][0])
    return frame, medians


def _texts(cat: hubs.Catalogue, selected_ids, params: ReportParams, labels: pd.Series):
    english = cat.descriptions[hubs.is_english(cat.descriptions["description"])].reset_index(drop=True)
    matrix, terms = hubs.fit_tfidf(english["description"])
    in_group = english["geo"].isin(params.countries).to_numpy()
    exclude = hubs.place_words(list(cat.hubs["city"]) + list(cat.hubs["city_derived"].dropna())
                               + list(cat.hubs["country"].dropna()))
    table = hubs.distinguishing_terms(matrix, terms, in_group, english["geo"].to_numpy(), exclude=exclude, top=15)
    rows = np.flatnonzero(english["hub_id"].isin(selected_ids).to_numpy())
    text_similarity = hubs.text_similarity(matrix[rows], english["hub_id"].iloc[rows])
    mentions = hubs.culture_mentions(cat.descriptions)
    names = tuple(labels[h] for h in mentions["hub_id"] if h in set(selected_ids))
    return english, table, text_similarity, names, len(mentions)


def _network(cat: hubs.Catalogue, selected_ids, levels, text_similarity, labels, geo):
    profile = hubs.profile_similarity(hubs.capability_graph(cat.tags, selected_ids))
    similarity = hubs.combined_similarity(profile, text_similarity)
    graph = hubs.similarity_graph(similarity, neighbours=NEIGHBOURS)
    members_of = hubs.communities(graph)
    pairs = hubs.cross_border_pairs(levels.reindex(list(selected_ids)), geo, similarity, labels, members_of)
    shown = hubs.diverse_pairs(pairs, TOP_PAIRS, PAIRS_PER_HUB)
    positions, edges = _layout(graph, shown, labels, geo, members_of, levels)
    profiles = hubs.community_profiles(cat.tags, members_of, labels, geo)
    return members_of, positions, edges, profiles, pairs, shown


def findings(inputs: Inputs) -> Findings:
    params, cat = inputs.params, inputs.catalogue
    geo = pd.Series(cat.hubs["geo"].to_numpy(), index=cat.hubs["hub_id"].to_numpy())
    labels = hubs.hub_labels(cat.hubs)
    levels = hubs.capability_levels(cat.hubs, cat.tags)
    selected_ids = tuple(sorted(cat.hubs.loc[cat.hubs["geo"].isin(params.countries), "hub_id"]))
    present = tuple(c for c in params.countries if c in set(cat.hubs["geo"]))
    ranked, year, no_population = _per_million(cat, params)
    capabilities, medians = _capabilities(levels, geo, params)
    english, terms, text_similarity, mention_names, n_mentions = _texts(cat, selected_ids, params, labels)
    members_of, positions, edges, profiles, pairs, shown = _network(cat, selected_ids, levels, text_similarity,
                                                                     labels, geo)
    focus = levels[hubs.CREATIVE_FOCUS].fillna(0) > 0
    return Findings(
        params=params, catalogue_year=hubs.catalogue_year(), n_hubs=len(cat.hubs),
        n_countries=cat.hubs["geo"].nunique(), type_counts=cat.hubs["hub_type"].value_counts().to_dict(),
        present=present, missing=tuple(c for c in params.countries if c not in present),
        selected_ids=selected_ids, population_year=year, per_million=ranked, no_population=no_population,
        per_million_median=hubs.median_of_countries(ranked["per_million"])[0],
        capabilities=capabilities, medians=medians, untagged_all=int((~hubs.tagged_facets(cat.hubs, cat.tags)["any"]).sum()),
        levels=levels, labels=labels, geo=geo, n_descriptions=len(cat.descriptions), n_english=len(english),
        terms=terms, mention_names=mention_names, n_mentions_europe=n_mentions, communities=members_of,
        positions=positions, edges=edges, profiles=profiles, pairs=pairs, shown_pairs=shown,
        locations=geocode.locate_hubs(cat.hubs, focus, params.countries))


def headline(f: Findings) -> dict:
    """The chapter's headline: each selected country's creative-focus share and the European median, as the
    synthesis reads them (unrounded)."""
    creative = f.creative.set_index("geo")["share_listing"]
    return {"values": creative.to_dict(), "median": f.median(hubs.CREATIVE_FOCUS)}


def glue_values(f: Findings) -> dict[str, str]:
    """The short values the notebook's sentences glue."""
    p, creative = f.params, f.creative.dropna(subset=["share_listing"])
    selected = f.per_million[f.per_million["selected"]]
    loc = f.locations
    sel_loc = loc[loc["selected"]]
    lead = creative.sort_values(["share_listing", "name"], ascending=[False, True]).head(1)
    return {
        "region_name": p.region_name, "catalogue_year": str(f.catalogue_year or "an unstated year"),
        "n_hubs": str(f.n_hubs), "n_countries": str(f.n_countries),
        "n_edih": str(f.type_counts.get("EDIH", 0)), "n_seal": str(f.type_counts.get("Seal of Excellence", 0)),
        "n_dih": str(f.type_counts.get("DIH", 0)), "n_selected_hubs": str(len(f.selected_ids)),
        "missing_hubs": prose.missing_sentence("The catalogue lists no hub in", [country_name(c) for c in f.missing]),
        "population_year": str(f.population_year or "no year of the selected range"),
        "n_per_million": str(len(f.per_million)), "per_million_median": prose.number(f.per_million_median, 2),
        "above_per_million": prose.names_or(selected.loc[selected["position"] == ABOVE, "name"]),
        "creative_median": prose.percent(f.median(hubs.CREATIVE_FOCUS)),
        "creative_n": str(f.medians[hubs.CREATIVE_FOCUS][1]),
        "creative_above": prose.names_or(creative.loc[creative["position"] == ABOVE, "name"]),
        "creative_lead": (f"{lead['name'].iloc[0]} ({prose.percent(lead['share_listing'].iloc[0])})"
                          if len(lead) else "no country with sector tags"),
        "ai_median": prose.percent(f.median("ai")), "n_untagged_all": str(f.untagged_all),
        "n_descriptions": str(f.n_descriptions), "n_english": str(f.n_english),
        "top_term": f"“{f.terms['term'].iloc[0]}”" if len(f.terms) else "no term",
        "n_mentions_europe": str(f.n_mentions_europe),
        "mention_names": prose.names_or(f.mention_names, "no hub"),
        "n_similarity_hubs": str(len(f.positions)), "n_communities": str(len(set(f.communities.values()))),
        "n_pairs": str(len(f.pairs)), "n_complementary": str(int((f.pairs["complementarity"] > 0).sum())),
        "n_pairs_shown": str(len(f.shown_pairs)),
        "creative_side": prose.names_or(_creative_side(f), f"none in {p.region_name}, so no pair is complementary"),
        "n_located": str(int(loc["located"].sum())),
        "share_located": prose.percent(measures.share(int(loc["located"].sum()), len(loc))),
        "n_selected_located": f"{int(sel_loc['located'].sum())} of {len(sel_loc)}",
        "n_not_located": str(int((~loc["located"]).sum())),
        "n_nuts2_regions": str(int(sel_loc["nuts2_id"].nunique())),
    }


def _creative_side(f: Findings) -> list[str]:
    """Selected hubs on the creative side of a complementary pair (the sector or its media technology)."""
    levels = f.levels.reindex(list(f.selected_ids))
    return [f.labels[h] for h in levels.index[(levels["cce"] > 0) | (levels["av"] > 0)]]


def findings_frame(f: Findings) -> pd.DataFrame:
    """The selected countries' two indicators beside the European medians."""
    pm = f.per_million.set_index("geo")
    cr = f.creative.set_index("geo")
    rows = []
    for code in f.params.countries:
        hubs_n = int(cr.loc[code, "hubs"]) if code in cr.index else 0
        rate = pm.loc[code, "per_million"] if code in pm.index else math.nan
        share = cr.loc[code, "share_listing"] if code in cr.index else math.nan
        tagged = f"{int(cr.loc[code, 'listing'])} of {int(cr.loc[code, 'tagged'])}" if code in cr.index else "–"
        rows.append({"Country": country_name(code), "Hubs": str(hubs_n),
                     "Hubs per million": prose.number(rate, 2, missing=NO_DATA_LABEL),
                     "Sector-tagged hubs listing culture": tagged,
                     "Creative focus (%)": prose.percent(share, missing=NO_DATA_LABEL)})
    rows.append({"Country": "Median of European countries", "Hubs": "–",
                 "Hubs per million": prose.number(f.per_million_median, 2), "Sector-tagged hubs listing culture":
                 f"{f.medians[hubs.CREATIVE_FOCUS][1]} countries",
                 "Creative focus (%)": prose.percent(f.median(hubs.CREATIVE_FOCUS))})
    return pd.DataFrame(rows).set_index("Country")


def findings_table(f: Findings):
    """The findings frame as the page's table, with its sources."""
    return tables.frame_table(findings_frame(f), name="hubs-findings", index="Country", sources=HUB_SOURCES,
                              title=f"Digital innovation hubs at a glance: the {group_label(f.params)}", compact=True)


def _missing_note(f: Findings) -> list[str]:
    text = prose.missing_sentence("The catalogue lists no hub in", [country_name(c) for c in f.missing])
    return [text] if text else []


def _no_hubs_chart(f: Findings, name: str, sources: list[str]) -> Figure:
    names = f.params.names_of(f.params.countries)
    return message_figure(name, f"The catalogue lists no digital innovation hub in {names}",
                          f"The EU catalogue of digital innovation hubs lists no hub in {names}, so there is nothing "
                          "to draw here.", sources)


# =========================================================================== 1. counts

def _per_million_title(f: Findings) -> str:
    picks = f.per_million[f.per_million["selected"]]
    if picks.empty:
        return f"Digital innovation hubs per million inhabitants ({f.population_year})"
    top = picks.iloc[0]
    return (f"{top['name']} has the most hubs per inhabitant among the {group_label(f.params)}: "
            f"{top['per_million']:.2f} per million, against a European median of {f.per_million_median:.2f}")


def per_million_chart(f: Findings):
    p = f.params
    if f.population_year is None:
        return message_figure("hubs-per-million", f"No population figure up to {p.year_end}: no hubs per inhabitant",
                              prose.outside_years("World Bank population table", [], p.year_start, p.year_end),
                              [*HUB_SOURCES, hubs.POPULATION])
    frame = f.per_million.copy()
    frame["colour"] = np.where(frame["selected"], frame["position"], "other countries")
    values = frame["per_million"].to_numpy()
    cap = float(values[1]) * 1.25 if len(values) > 2 and values[0] > 3 * values[1] else None  # one micro-state
    frame["label"] = [f"{v:.1f} (axis cut)" if cap and v > cap else "" for v in frame["per_million"]]
    bars = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("name:N", sort=list(frame["name"]), title=None),
        x=alt.X("per_million:Q", title=f"Hubs per million inhabitants (population {f.population_year})",
                scale=alt.Scale(domain=[0, cap], clamp=True) if cap else alt.Scale()),
        color=alt.Color("colour:N", title=None, legend=alt.Legend(orient="top"), scale=alt.Scale(
            domain=[ABOVE, BELOW, "other countries"], range=[ABOVE_COLOUR, BELOW_COLOUR, CONTEXT_GREY])),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("hubs:Q", title="Hubs"),
                 alt.Tooltip("per_million:Q", title="Per million", format=".2f")])
    reference = pd.DataFrame({"value": [f.per_million_median], "text": [f"median {f.per_million_median:.2f}"]})
    layers = [bars, alt.Chart(reference).mark_rule(color="#000000", strokeDash=[5, 3]).encode(x="value:Q"),
              alt.Chart(reference).mark_text(align="left", dx=4, y=-8, fontSize=11).encode(x="value:Q", text="text:N")]
    if cap:
        layers.append(alt.Chart(frame[frame["label"] != ""]).mark_text(align="right", dx=-4, color="white",
                                                                       fontSize=11).encode(
            y=alt.Y("name:N", sort=list(frame["name"])), x=alt.value(558), text="label:N"))
    subtitle = (f"{p.region_short} countries in {colour_name(ABOVE_COLOUR)} above the median of "
                f"{len(frame)} European countries, in {colour_name(BELOW_COLOUR)} at or below it; "
                f"other countries {colour_name(CONTEXT_GREY)}")
    chart = alt.layer(*layers).properties(title=alt.Title(_per_million_title(f), subtitle=subtitle), width=560,
                                          height=alt.Step(15))
    notes = _missing_note(f)
    if f.no_population:
        notes.append(f"No population figure for {p.names_of(f.no_population)}: not in the chart.")
    picks = f.per_million[f.per_million["selected"]]
    description = (f"Bar chart of digital innovation hubs per million inhabitants in {len(frame)} European countries "
                   f"(population {f.population_year}). " + "; ".join(
                       f"{r.name} {r.per_million:.2f} ({r.hubs} hubs)" for r in picks.itertuples())
                   + f". Median of the countries: {f.per_million_median:.2f}.")
    return figure(chart, name="hubs-per-million", description=description,
                  data=frame[["geo", "name", "selected", "hubs", "population", "year", "per_million", "rank",
                              "position"]], sources=[*HUB_SOURCES, hubs.POPULATION], notes=notes)


# =========================================================================== 2. capabilities

def capability_chart(f: Findings):
    p = f.params
    frame = f.capabilities[f.capabilities["selected"]].copy()
    if frame.empty:
        return _no_hubs_chart(f, "hubs-capabilities", TAG_SOURCES)
    frame["capability_name"] = frame["capability"].map(CHART_NAMES)
    frame["base_text"] = [f"{int(a)} of {int(b)}" if b else "no tags" for a, b in zip(frame["listing"], frame["tagged"])]
    frame["plotted"] = frame["share_listing"].fillna(0)
    order = [country_name(c) for c in f.present]
    base = alt.Chart().encode(y=alt.Y("name:N", sort=order, title=None))
    bars = base.mark_bar().encode(
        x=alt.X("plotted:Q", title="% of tagged hubs listing it", scale=alt.Scale(domain=[0, 100])),
        color=comparison_colour("position", ABOVE, BELOW),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("capability_name:N", title="Capability"),
                 alt.Tooltip("share_listing:Q", title="% of tagged hubs", format=".1f"),
                 alt.Tooltip("base_text:N", title="Hubs listing it"), alt.Tooltip("median:Q", format=".1f")])
    text = base.mark_text(align="left", dx=3, fontSize=10, color="#222222").encode(x="plotted:Q", text="base_text:N")
    rule = alt.Chart().mark_rule(color="#000000", strokeDash=[4, 3]).encode(x="median:Q")  # vertical, per facet
    chart = alt.layer(bars, text, rule, data=frame).properties(width=230, height=alt.Step(18)).facet(
        facet=alt.Facet("capability_name:N", sort=list(CHART_NAMES.values()), title=None,
                        header=alt.Header(labelFontSize=13, labelFontWeight="bold", labelLimit=230)), columns=2)
    cce = f.creative.dropna(subset=["share_listing"])
    above = int((cce["position"] == ABOVE).sum())
    title = (f"{above} of {len(cce)} {group_label(p)} with sector tags are above the European median share of hubs "
             f"listing the cultural and creative economy ({f.median(hubs.CREATIVE_FOCUS):.1f}%)")
    subtitle = (f"Dashed line: median of the European countries with tagged hubs; {colour_name(ABOVE_COLOUR)} above "
                f"it, {colour_name(BELOW_COLOUR)} at or below, {colour_name(NO_DATA_COLOUR)}: no tagged hub")
    description = ("Bar charts, one per capability, of the share of tagged hubs that list it in each selected "
                   "country, against the median of the European countries. " + "; ".join(
                       f"{r.name}, {r.capability_name}: {r.base_text}" for r in frame.itertuples())
                   + ". Medians: " + "; ".join(f"{CHART_NAMES[k]} {m:.1f}% ({n} countries)"
                                               for k, (m, n) in f.medians.items()) + ".")
    data_out = f.capabilities[["geo", "name", "selected", "capability", "hubs", "tagged", "listing",
                               "share_listing", "median", "position"]].round(2)
    return figure(chart.properties(title=alt.Title(title, subtitle=subtitle)), name="hubs-capabilities",
                  description=description, data=data_out, sources=TAG_SOURCES, notes=_missing_note(f))


# =========================================================================== 3. texts

def terms_chart(f: Findings):
    p = f.params
    if not f.selected_ids:
        return _no_hubs_chart(f, "hubs-distinguishing-terms", TEXT_SOURCES)
    if f.terms.empty:
        return message_figure("hubs-distinguishing-terms",
                              f"No term clearly sets the descriptions of hubs in the {group_label(p)} apart",
                              "No word or phrase is used clearly more often by these hubs than by the others, "
                              "once place names are left out.", TEXT_SOURCES)
    frame = f.terms.copy()
    top = frame.iloc[0]
    title = (f"“{top['term']}” sets the {group_label(p)}' hubs apart most: it appears in {top['documents_in']} "
             "of their descriptions")
    frame["score_x1000"] = (frame["score"] * 1000).round(2)
    frame["label"] = frame["documents_in"].astype(str) + " hubs, " + frame["countries_in"].astype(str) + " countries"
    bars = alt.Chart(frame).mark_bar(color=ABOVE_COLOUR).encode(
        y=alt.Y("term:N", sort=list(frame["term"]), title=None),
        x=alt.X("score_x1000:Q", title="Mean TF-IDF weight, these hubs minus the others (× 1,000)"),
        tooltip=[alt.Tooltip("term:N", title="Term"), alt.Tooltip("documents_in:Q", title="Descriptions using it"),
                 alt.Tooltip("countries_in:Q", title="Countries")])
    text = bars.mark_text(align="left", dx=4, fontSize=10, color="#333333").encode(text="label:N")
    chart = alt.layer(bars, text).properties(title=title, width=480, height=alt.Step(18))
    description = (f"Bar chart of the {len(frame)} words and two-word phrases weighing more in the descriptions of "
                   f"hubs in {p.region_name} than in the others: "
                   + "; ".join(f"{r.term}: {r.documents_in} descriptions" for r in frame.itertuples()) + ".")
    return figure(chart, name="hubs-distinguishing-terms", description=description,
                  data=frame[["term", "score", "mean_in", "mean_out", "documents_in", "countries_in"]].round(5),
                  sources=TEXT_SOURCES, notes=_missing_note(f))


# =========================================================================== 4. network

def _layout(graph, shown: pd.DataFrame, labels, geo, members_of, levels) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node positions with label anchors, and the similarity and pair edges to draw."""
    positions = hubs.layout(graph, seed=LAYOUT_SEED)
    edge_columns = ["edge", "kind", "x", "y", "x2", "y2", "weight"]
    if positions.empty:
        return positions.assign(label=[], country=[], community=[], creative_focus=[]), pd.DataFrame(columns=edge_columns)
    positions["label"] = positions["node"].map(labels)
    spans = [(positions[a].max() - positions[a].min()) or 1.0 for a in ("x", "y")]
    domain_x = (positions["x"].min() - 0.25 * spans[0], positions["x"].max() + 0.25 * spans[0])
    domain_y = (positions["y"].min() - 0.05 * spans[1], positions["y"].max() + 0.05 * spans[1])
    positions = positions.merge(hubs.place_labels(positions, WIDTH, HEIGHT, domain_x, domain_y), on="node")
    positions["country"] = positions["node"].map(geo).map(country_name)
    positions["community"] = positions["node"].map(members_of).astype(int)
    creative = levels.reindex(positions["node"])
    positions["creative_focus"] = ((creative["cce"] > 0) | (creative["av"] > 0)).to_numpy()
    positions.attrs["domain"] = (domain_x, domain_y)
    xy = positions.set_index("node")[["x", "y"]]
    edges = [(f"{a} — {b}", "similarity", a, b, round(d["weight"], 3)) for a, b, d in sorted(graph.edges(data=True))]
    edges += [(f"{r.label_a} — {r.label_b}", "pair", r.hub_a, r.hub_b, r.similarity) for r in shown.itertuples()
              if r.hub_a in xy.index and r.hub_b in xy.index]
    frame = pd.DataFrame([(e, k, xy.loc[a, "x"], xy.loc[a, "y"], xy.loc[b, "x"], xy.loc[b, "y"], w)
                          for e, k, a, b, w in edges], columns=edge_columns)
    return positions, frame


def _network_layers(f: Findings) -> list:
    positions, edges = f.positions, f.edges
    domain_x, domain_y = positions.attrs["domain"]
    axis = alt.Axis(title=None, labels=False, ticks=False, grid=False, domain=False)
    position = dict(x=alt.X("x:Q", axis=axis, scale=alt.Scale(domain=list(domain_x), nice=False, zero=False)),
                    y=alt.Y("y:Q", axis=axis, scale=alt.Scale(domain=list(domain_y), nice=False, zero=False)),
                    x2="x2:Q", y2="y2:Q")
    similar = alt.Chart(edges[edges["kind"] == "similarity"]).mark_rule(color=CONTEXT_GREY, strokeWidth=1,
                                                                        opacity=0.6).encode(**position)
    paired = alt.Chart(edges[edges["kind"] == "pair"]).mark_rule(
        color=PALETTE[5], strokeWidth=2.2, strokeDash=[6, 3]).encode(**position)
    communities = sorted(positions["community"].unique())
    names = [country_name(c) for c in f.present]
    nodes = alt.Chart(positions).mark_point(size=150, filled=True, opacity=0.95).encode(
        x="x:Q", y="y:Q",
        color=alt.Color("country:N", title="Country", scale=colour_scale(names), legend=alt.Legend(orient="bottom")),
        shape=alt.Shape("community:N", title="Community", legend=alt.Legend(orient="bottom"), scale=alt.Scale(
            domain=communities, range=[SHAPES[(c - 1) % len(SHAPES)] for c in communities])),
        tooltip=[alt.Tooltip("label:N", title="Hub"), alt.Tooltip("country:N", title="Country"),
                 alt.Tooltip("community:N", title="Community")])
    ring = alt.Chart(positions[positions["creative_focus"]]).mark_point(size=420, filled=False, color="#000000",
                                                                         strokeWidth=1.5).encode(x="x:Q", y="y:Q")
    labels = [alt.Chart(positions[positions["align"] == a]).mark_text(
        align=a, baseline="middle", fontSize=10, color="#222222").encode(x="label_x:Q", y="label_y:Q", text="label:N")
        for a in ("left", "right")]
    return [similar, paired, ring, nodes, *labels]


def network_chart(f: Findings):
    p = f.params
    if f.positions.empty:
        if not f.selected_ids:
            return _no_hubs_chart(f, "hubs-network", NETWORK_SOURCES)
        return message_figure("hubs-network", f"No network of similar hubs can be drawn for {p.names_of(p.countries)}",
                              "None of the hubs has tags or an English description to compare.", NETWORK_SOURCES,
                              _missing_note(f))
    n_communities, n_pairs = len(set(f.communities.values())), len(f.shown_pairs)
    who = f"{p.region_short} hubs" if p.region_short != "selected" else "Hubs in the selected countries"
    title = f"{who} form {prose.plural(n_communities, 'community', 'communities')} of similar hubs" + (
        f"; {n_pairs} cross-border pairs could link AI and culture" if n_pairs else "")
    subtitle = (f"Links to the most similar hubs in {colour_name(CONTEXT_GREY)}; dashed {colour_name(PALETTE[5])} lines: "
                "the best-ranked AI × culture pairs; black rings: hubs listing the sector or its media technology")
    chart = alt.layer(*_network_layers(f)).properties(title=alt.Title(title, subtitle=subtitle), width=WIDTH,
                                                        height=HEIGHT)
    description = (f"Network of {len(f.positions)} hubs in {p.region_name}, each linked to its {NEIGHBOURS} most "
                   f"similar hubs, in {n_communities} communities. "
                   + "; ".join(f"community {c}: " + ", ".join(g.sort_values('label')['label'])
                               for c, g in f.positions.groupby("community"))
                   + (". Pairs: " + "; ".join(f"{r.label_a} with {r.label_b}" for r in f.shown_pairs.itertuples())
                      if n_pairs else "") + ".")
    data_out = f.positions[["node", "label", "country", "community", "creative_focus", "x", "y"]].rename(
        columns={"node": "hub_id"})
    return figure(chart, name="hubs-network", description=description, data=data_out, sources=NETWORK_SOURCES,
                  notes=_missing_note(f))


def community_table(f: Findings):
    n = len(f.profiles)
    title = (f"{prose.plural(n, 'community', 'communities')} of similar hubs in {f.params.region_name}" if n else
             f"No community: no hub in {f.params.region_name}")
    notes = [] if n else _missing_note(f) + ["No hub of the selected countries has tags or an English description "
                                            "to compare."]
    return tables.frame_table(f.profiles, name="hubs-communities", title=title, sources=NETWORK_SOURCES, notes=notes)


def pairs_table(f: Findings):
    shown = f.shown_pairs
    table = pd.DataFrame({"Rank": shown["rank"].astype(int), "Hub": shown["label_a"], "Partner hub": shown["label_b"],
                          "Why this pair": shown["reason"]}) if len(shown) else \
        pd.DataFrame(columns=["Rank", "Hub", "Partner hub", "Why this pair"])
    title = (f"{len(shown)} cross-border pairs of hubs where AI and culture could meet" if len(shown) else
             f"No cross-border pair of hubs in {f.params.region_name} meets at AI × culture")
    notes = [] if len(shown) else ["No two tagged hubs in different selected countries pair AI with a creative "
                                   "focus or share a culture-related capability."]
    return tables.frame_table(table, name="hubs-cross-border-pairs", title=title, sources=NETWORK_SOURCES, notes=notes)


# =========================================================================== 5. map

MAP_CATEGORIES = ("lists the cultural and creative economy", "other hub", "hub of another country")


def _map_points(f: Findings, frame: maps.MapFrame) -> pd.DataFrame:
    loc = f.locations
    shown = loc[loc["located"]].copy()
    shown = shown[[frame.contains(x, y) for x, y in zip(shown["longitude"], shown["latitude"])]]
    shown["category"] = [MAP_CATEGORIES[0 if c else 1] if s else MAP_CATEGORIES[2]
                         for s, c in zip(shown["selected"], shown["cultural_focus"])]
    shown["order"] = shown["selected"].astype(int) * 2 + shown["cultural_focus"].astype(int)
    return shown.sort_values(["order", "hub_id"]).reset_index(drop=True)


def _city_labels(points: pd.DataFrame, frame: maps.MapFrame) -> pd.DataFrame:
    """The selected countries' cities with hubs, largest first; each label goes right or left of its city where
    it overlaps no label and no other hub's point, else it is left out (``side`` None)."""
    cities = (points[points["selected"]].groupby(["place", "geonameid"], as_index=False)
              .agg(hubs=("hub_id", "size"), longitude=("longitude", "first"), latitude=("latitude", "first"))
              .sort_values(["hubs", "place"], ascending=[False, True]).reset_index(drop=True))
    cities["text"] = [f"{p} ({n})" if n > 1 else p for p, n in zip(cities["place"], cities["hubs"])]
    xy = [frame.pixels(r.longitude, r.latitude) for r in cities.itertuples()]
    own = set(xy)
    dots = [d for d in (frame.pixels(x, y) for x, y in zip(points["longitude"], points["latitude"])) if d not in own]
    cities["side"] = label_sides([(x, y, t) for (x, y), t in zip(xy, cities["text"])], frame.width, frame.height,
                                 obstacles=dots + xy) if len(cities) else []
    cities["labelled"] = cities["side"].notna()
    return cities


def hub_map(f: Findings):
    """Map of the located hubs in and around the selected countries, the selected countries outlined."""
    p = f.params
    sources = [*HUB_SOURCES, geocode.NUTS0, geocode.NUTS2]
    box = maps.extent(p.countries)
    if box is None:
        return message_figure("hubs-map", f"No map can be drawn for {p.region_name}",
                              f"The NUTS 2024 boundaries include none of {p.names_of(p.countries)}.", sources,
                              notes=[maps.ATTRIBUTION])
    frame = maps.map_frame(box)
    points, cities = _map_points(f, frame), None
    cities = _city_labels(points, frame)
    colours = [PALETTE[1], PALETTE[0], CONTEXT_GREY]
    dots = alt.Chart(points).mark_point(filled=True, opacity=0.9, stroke="white", strokeWidth=0.5,
                                        clip=True).encode(
        longitude="longitude:Q", latitude="latitude:Q", order=alt.Order("order:Q"),
        size=alt.condition(alt.datum.cultural_focus & alt.datum.selected, alt.value(110), alt.value(46)),
        color=alt.Color("category:N", title=None, scale=alt.Scale(domain=list(MAP_CATEGORIES), range=colours),
                        legend=alt.Legend(orient="bottom", labelLimit=320)),
        shape=alt.Shape("category:N", title=None, scale=alt.Scale(domain=list(MAP_CATEGORIES),
                                                                  range=["diamond", "circle", "circle"])),
        tooltip=[alt.Tooltip("edih_name:N", title="Hub"), alt.Tooltip("place:N", title="City"),
                 alt.Tooltip("nuts2_name:N", title="Region"), alt.Tooltip("category:N", title="Kind")])
    layers = [*maps.base_layers(frame, p.countries), dots]
    for side, align, dx in (("right", "left", 5), ("left", "right", -5)):
        labelled = cities[cities["side"] == side]
        if len(labelled):
            layers.append(alt.Chart(labelled).mark_text(align=align, dx=dx, fontSize=10, color="#222222", clip=True)
                          .encode(longitude="longitude:Q", latitude="latitude:Q", text="text:N"))
    sel = points[points["selected"]]
    n_cce = int(sel["cultural_focus"].sum())
    title = (f"{prose.plural(len(sel), 'located hub')} in {p.region_name}, {n_cce} listing the cultural and creative "
             "economy" if len(sel) else f"No located hub in {p.region_name}")
    subtitle = (f"{colour_name(PALETTE[1]).capitalize()} diamonds: hubs of {p.region_name} listing the sector; "
                f"{colour_name(PALETTE[0])}: their other hubs; {colour_name(CONTEXT_GREY)}: other countries' hubs. "
                "Labels: cities (hubs)")
    chart = alt.layer(*layers, projection=frame.projection).properties(
        width=frame.width, height=frame.height, title=alt.Title(title, subtitle=subtitle))
    return figure(chart, name="hubs-map", description=_map_description(f, sel, cities), data=_map_table(f),
                  sources=sources, notes=_map_notes(f, cities))


def _map_description(f: Findings, sel: pd.DataFrame, cities: pd.DataFrame) -> str:
    return (f"Map of {f.params.region_name} and their neighbours with {len(sel)} located hubs of {f.params.region_name} "
            f"({int(sel['cultural_focus'].sum())} listing the cultural and creative economy). Cities with hubs: "
            + "; ".join(f"{r.place} {r.hubs}" for r in cities.itertuples()) + ".")


def _map_notes(f: Findings, cities: pd.DataFrame) -> list[str]:
    notes = [geocode.METHOD_NOTE]
    hidden = cities[~cities["labelled"]]
    if len(hidden):
        notes.append(f"Unlabelled where labels would overlap: {join_names(list(hidden['text']))}.")
    return notes + _missing_note(f) + [maps.ATTRIBUTION]


def _map_table(f: Findings) -> pd.DataFrame:
    table = f.locations[["edih_name", "edih_title", "country_name", "geo", "city", "located", "place", "latitude",
                         "longitude", "nuts2_id", "nuts2_name", "cultural_focus", "selected"]].rename(
        columns={"city": "city_in_catalogue", "place": "city_geonames"})
    table["hubs_in_nuts2_region"] = table.groupby("nuts2_id")["edih_name"].transform("size")
    return table.sort_values(["selected", "country_name", "city_in_catalogue", "edih_name"],
                             ascending=[False, True, True, True])


def unlocated_table(f: Findings):
    missing = f.locations[~f.locations["located"]].sort_values(["country_name", "city", "edih_name"])
    frame = pd.DataFrame({"Hub": missing["edih_name"], "Country": missing["country_name"],
                          "City in the catalogue": missing["city"],
                          "Why": missing["match"].map({"ambiguous": "several GeoNames towns of that name",
                                                       "unknown": "no GeoNames town of that name"})})
    return tables.frame_table(frame, name="hubs-not-located", sources=HUB_SOURCES,
                         title=f"{prose.plural(len(frame), 'hub')} not located on the map",
                         notes=[] if len(frame) else ["Every hub of the catalogue could be located."])
