"""Synthesis chapter: where the region stands among all countries with data, tested against random groups.

``load(params)`` reads the indicator table; ``findings(inputs)`` computes every number once (a frozen
:class:`Findings`); the charts, the tables and the glued values read the findings. The notebook's
markdown carries the sentences; the introduction, the conclusions, the summaries in five Nordic
languages and the "At a glance" page paste the values glued here.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from .. import data, geocode, maps, prose, synthesis, tables
from ..cache import cached
from ..charts import (ABOVE_COLOUR, AGGREGATE_COLOUR, BELOW_COLOUR, CONTEXT_GREY, NO_DATA_COLOUR, NO_DATA_LABEL,
                      SELECTED_COLOUR, colour_name, figure, label_sides, message_figure, nice_domain,
                      position_label)
from ..params import ReportParams, country_name, group_label, join_names, local_country_name

QUADRANT_X, QUADRANT_Y = synthesis.HEADLINE
LANGUAGES = {"sv": "och", "nb": "og", "da": "og", "fi": "ja", "is": "og"}
NONE_WORDS = {"sv": "inga", "nb": "ingen", "da": "ingen", "fi": "ei yhtään", "is": "engin"}  # an empty list
# The test's outcome in each summary's language: (stands out, does not stand out, cannot be tested).
OUTCOMES = {
    "sv": ("gruppen sticker ut bland Europas länder", "gruppen sticker inte ut bland Europas länder",
           "gruppen kan inte prövas, eftersom data saknas"),
    "nb": ("gruppen skiller seg ut blant landene i Europa", "gruppen skiller seg ikke ut blant landene i Europa",
           "gruppen kan ikke prøves, fordi data mangler"),
    "da": ("gruppen skiller sig ud blandt Europas lande", "gruppen skiller sig ikke ud blandt Europas lande",
           "gruppen kan ikke afprøves, fordi der mangler data"),
    "fi": ("ryhmä erottuu muista Euroopan maista", "ryhmä ei erotu muista Euroopan maista",
           "ryhmää ei voida testata, koska tiedot puuttuvat"),
    "is": ("hópurinn sker sig úr meðal Evrópulanda", "hópurinn sker sig ekki úr meðal Evrópulanda",
           "ekki er hægt að prófa hópinn, þar sem gögn vantar"),
}
ABOVE, BELOW = "above the reference", "at or below the reference"
HEADLINE_SOURCES = [synthesis.DIMENSION_BY_KEY[k].source for k in synthesis.HEADLINE]
DIGITS = {"ai_publications": 0}  # decimals shown for an indicator's values (1 unless listed): text, table, chart
LATER_CHANGES = ["cultural_employment_annual_growth", "cultural_employment_change_on_previous_year"]


def comma(text: str) -> str:
    """Nordic number style for the translated summaries: decimal comma, space before %."""
    return text.replace(",", "\u202f").replace(".", ",").replace("%", "\u00a0%")


# --------------------------------------------------------------------------- inputs and findings

@dataclass(frozen=True)
class Inputs:
    params: ReportParams
    table: pd.DataFrame  # every indicator for every European country and the aggregates, all years
    later_culture: pd.DataFrame  # changes in cultural employment quoted in Eurostat's texts


def load(params: ReportParams) -> Inputs:
    return Inputs(params=params, table=synthesis.indicator_table(params),
                  later_culture=data.load("cult_emp_headlines_text"))


@dataclass(frozen=True)
class Findings:
    params: ReportParams
    index: pd.DataFrame  # index of every country on every indicator (latest year)
    board: pd.DataFrame  # selected countries x indicators, missing cells kept
    references: pd.DataFrame  # one reference per indicator, and why
    standings: tuple  # synthesis.Standing per indicator with data
    quadrants: pd.DataFrame  # countries with both headline indices
    placed: tuple[str, ...]  # selected countries with both headline indices
    unplaced: tuple[str, ...]  # selected countries lacking one of them
    strong: tuple[str, ...]  # selected countries above the reference on both
    others_strong: tuple[str, ...]  # other countries above the reference on both
    beating: tuple[str, ...]  # other countries above the selection's median on both
    random: synthesis.RandomGroups | None
    sensitivity: pd.DataFrame
    stable: tuple[str, ...]  # placed countries strong in both in every combination of years and references
    n_combinations: int
    later_culture: pd.DataFrame  # quoted changes after the last year of the series, selected countries

    def standing(self, dimension: str):
        return next((s for s in self.standings if s.dimension == dimension), None)

    def reference(self, dimension: str) -> tuple[float, str, int | None]:
        rows = self.references[self.references.dimension == dimension]
        if rows.empty:
            return float("nan"), "no reference", None
        return float(rows.value.iloc[0]), str(rows.reference.iloc[0]), int(rows.year.iloc[0])

    def selected(self, dimension: str) -> pd.DataFrame:
        rows = self.board[(self.board.dimension == dimension) & self.board["value"].notna()]
        return rows.sort_values(["value", "geo"], ascending=[False, True])

    def missing(self, dimension: str) -> list[str]:
        return list(self.board[(self.board.dimension == dimension) & self.board["value"].isna()].geo)


@cached()  # computed once per build: the At a glance page and nbval's re-runs read it from the cache
def findings(inputs: Inputs) -> Findings:
    params, table = inputs.params, inputs.table
    index = synthesis.indices(table, params)
    quads = synthesis.quadrants(index, QUADRANT_X, QUADRANT_Y)
    chosen = quads[quads.geo.isin(params.countries)]
    strong_rows = quads[quads.quadrant == "strong in both"]
    sensitivity = synthesis.sensitivity(table, params, QUADRANT_X, QUADRANT_Y)
    tested = sensitivity[sensitivity.quadrant != "no data"]
    always = tested.groupby("geo")["quadrant"].agg(lambda q: bool((q == "strong in both").all()))
    culture_year = synthesis.latest_common_year(table, QUADRANT_X, params)
    later = inputs.later_culture
    later = later[later.geo.isin(params.countries) & later.indicator.isin(LATER_CHANGES)
                  & (later.year > (culture_year or params.year_end))].sort_values(["geo", "year"])
    return Findings(
        params=params, index=index, board=synthesis.scoreboard(index, params),
        references=synthesis.references(index), standings=tuple(synthesis.standings(index, params.countries)),
        quadrants=quads, placed=tuple(c for c in params.countries if c in set(chosen.geo)),
        unplaced=tuple(c for c in params.countries if c not in set(chosen.geo)),
        strong=tuple(c for c in params.countries if c in set(strong_rows.geo)),
        others_strong=tuple(sorted(set(strong_rows.geo) - set(params.countries))),
        beating=synthesis.countries_beating(index, params.countries),
        random=synthesis.random_groups(index, params.countries, params.random_draws, params.random_groups_seed),
        sensitivity=sensitivity, stable=tuple(g for g, ok in always.items() if ok),
        n_combinations=int(tested.groupby("geo").size().max()) if len(tested) else 0,
        later_culture=later if culture_year else later.iloc[0:0])


# --------------------------------------------------------------------------- glued values (short)

def share_text(share: float | None) -> str:
    """A share of random groups: two decimals below 1% so that a small share does not read as zero."""
    if share is None:
        return "not computed"
    return prose.percent(100 * share, 2 if share < 0.01 else 1)


def ranks_text(standing) -> str:
    """'Denmark 1st, Finland 2nd' for the selected countries with data, best first."""
    return ", ".join(f"{country_name(g)} {prose.ordinal(r)}" for g, r in standing.ranks) or "no data"


def standing_text(standing) -> str:
    """The ranks as the text says them: 'Denmark 1st, Finland 2nd (of 31)'; 'no selected country has data
    (31 others have)' when none has."""
    if standing is None or standing.n_countries == 0:
        return "no data for any country"
    if not standing.ranks:
        return f"no selected country has data ({standing.n_countries} others have)"
    return f"{ranks_text(standing)} (of {standing.n_countries})"


def percentile_text(standing) -> str:
    """The share of the other countries below the selection's median, or why there is none."""
    if standing is None or not standing.ranks:
        return "not applicable (no selected country has data)"
    if not standing.others:
        return "not applicable (no other country has data)"
    return prose.percent(standing.percentile, 0)


def country_names_or(codes, none: str = "none") -> str:
    """The countries' names joined ('Denmark and Sweden'), or ``none``."""
    return prose.names_or([country_name(c) for c in codes], none)


def value_text(key: str, value) -> str:
    """One indicator value as every table, chart and sentence shows it."""
    fmt = prose.percent if "%" in synthesis.DIMENSION_BY_KEY[key].unit else prose.number
    return fmt(value, DIGITS.get(key, 1))


def range_values(f: Findings, key: str, prefix: str) -> dict[str, str]:
    """Lowest and highest selected value, the reference and its year, for one indicator."""
    rows = f.selected(key)
    ref, label, year = f.reference(key)
    if len(rows) > 1:
        spread = (f"{value_text(key, rows.value.min())} ({country_name(rows.geo.iloc[-1])}) to "
                  f"{value_text(key, rows.value.max())} ({country_name(rows.geo.iloc[0])})")
    else:
        spread = f"{value_text(key, rows.value.iloc[0])} ({country_name(rows.geo.iloc[0])})" if len(rows) else "no data"
    return {f"{prefix}_range": spread, f"{prefix}_year": str(year or "no year in the data"),
            f"{prefix}_ref": value_text(key, ref), f"{prefix}_ref_label": label,
            f"{prefix}_low": value_text(key, rows.value.min()) if len(rows) else "not available",
            f"{prefix}_high": value_text(key, rows.value.max()) if len(rows) else "not available",
            f"{prefix}_n_above": str(int((rows["index"] > 1).sum())), f"{prefix}_n": str(len(rows)),
            f"{prefix}_missing": country_names_or(f.missing(key))}


def standing_values(f: Findings) -> dict[str, str]:
    out = {}
    for prefix, key in (("culture", QUADRANT_X), ("ai", QUADRANT_Y)):
        s = f.standing(key)
        out[f"{prefix}_ranks"] = standing_text(s)
        out[f"{prefix}_percentile"] = percentile_text(s)
        out[f"{prefix}_others"] = str(s.others if s else 0)
    return out


def test_values(f: Findings) -> dict[str, str]:
    r = f.random
    return {
        "n_placed": str(len(f.placed)), "n_strong_both": str(len(f.strong)), "n_with_both": str(len(f.placed)),
        "n_pool": str(len(f.quadrants)), "n_above_both": str(len(f.strong) + len(f.others_strong)),
        "headline_reference": headline_reference(f),
        "placed_names": country_names_or(f.placed), "unplaced_names": country_names_or(f.unplaced),
        "strong_names": country_names_or(f.strong), "n_others_strong": str(len(f.others_strong)),
        "others_strong_phrase": prose.other_countries(len(f.others_strong)),
        "n_beating": str(len(f.beating)), "beating_phrase": prose.other_countries(len(f.beating)),
        "beating_names": country_names_or(f.beating, "none"),
        "random_draws": prose.number(r.draws if r else f.params.random_draws, 0),
        "random_seed": str(f.params.random_groups_seed), "random_size": str(r.size if r else 0),
        "random_group": prose.plural(r.size if r else 0, "country", "countries"),
        "random_pool": str(r.pool if r else len(f.quadrants)), "random_as_good": prose.number(r.as_good, 0) if r
        else "not computed", "random_share": share_text(r.share if r else None),
        "n_stable": str(len(f.stable)), "n_combinations": str(f.n_combinations),
        "stable_of_placed": prose.count_phrase(len(f.stable), len(f.placed)),
        "strong_of_group": (f"{prose.count_phrase(len(f.strong), len(f.placed))} {group_label(f.params)}" if f.placed
                            else f"none of the {group_label(f.params)}, for lack of data"),
        "random_result": (f"{share_text(r.share)} of {prose.number(r.draws, 0)} random groups of "
                          f"{prose.plural(r.size, 'country', 'countries')} do as well" if r else
                          "none drawn, as no selected country has data on both"),
        "test_outcome": outcome_phrase(synthesis.stands_out(r)),
        "test_threshold": prose.percent(100 * synthesis.STANDS_OUT_SHARE, 0),
    }


def headline_reference(f: Findings) -> str:
    """'EU27 (2020 composition)' when both headline indicators compare with the aggregate, else 'reference'."""
    labels = {f.reference(k)[1] for k in synthesis.HEADLINE}
    return f.params.aggregate_name if labels == {f.params.aggregate_name} else "reference"


def outcome_phrase(stands_out: bool | None) -> str:
    if stands_out is None:
        return "cannot be tested for lack of data on both"
    return "stands out among European countries" if stands_out else "does not stand out among European countries"


def glue_values(f: Findings) -> dict[str, str]:
    """Every short value the chapter and the pages that paste it show (at most a dozen words each)."""
    params = f.params
    focus = f.selected("hubs_creative_focus")
    creative = int((focus.value > 0).sum())
    culture_year = f.reference(QUADRANT_X)[2]
    values = {"region_name": params.region_name, "aggregate_name": params.aggregate_name,
              "group_label": group_label(params), "region_short": params.region_short,
              "culture_last_year": str(culture_year or params.year_end),
              "later_culture": later_culture_text(f), "n_creative_hubs": str(creative),
              "n_hub_countries": str(len(focus)), "creative_hub_names": country_names_or(focus[focus.value > 0].geo),
              "n_indicators": str(len(f.references))}
    for prefix, key in (("culture", "culture_employment"), ("ai", "ai_enterprises"),
                        ("ict", "ai_information_sector"), ("genai", "genai_people")):
        values.update(range_values(f, key, prefix))
    values.update(range_values(f, "ai_publications", "pubs"))
    values.update(range_values(f, "hubs_per_million", "hubs"))
    return {**values, **standing_values(f), **test_values(f)}


def later_culture_text(f: Findings) -> str:
    """'Finland −7.1% (2024); Sweden −11 thousand (2023), −7.7% (2024)': later changes quoted in Eurostat's
    texts, or 'none'."""
    if f.later_culture.empty:
        return "none"
    parts = []
    for geo, group in f.later_culture.groupby("geo"):
        items = [(prose.signed_percent(v) if u == "PCH_PRE" else f"{'−' if v < 0 else '+'}{abs(v):.0f} thousand")
                 + f" ({y})" for v, u, y in zip(group.value, group.unit, group.year)]
        parts.append(f"{country_name(geo)} {', '.join(items)}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- sentences the introduction pastes

def verdict(f: Findings) -> str:
    """The answer in one sentence, from the tests (the introduction and the conclusions paste it)."""
    params, v = f.params, glue_values(f)
    if not f.placed:
        return (f"No data on both cultural employment and enterprise AI use for {params.names_of(params.countries)}, "
                "so the data cannot test whether the selection combines the two.")
    text = (f"Of the {v['n_pool']} countries with data on cultural employment and enterprise AI use, "
            f"{v['n_above_both']} are above the {v['headline_reference']} on both: "
            f"{prose.count_phrase(len(f.strong), len(f.placed))} {group_label(params)} and {v['others_strong_phrase']}. "
            f"The group's median is beaten on both by {v['beating_phrase']}, and {v['random_share']} of "
            f"{v['random_draws']} random groups of {v['random_group']} do as well.")
    if f.unplaced:
        text += f" {params.names_of(f.unplaced)} cannot be placed: no data on both."
    return text


def intro_sentences(f: Findings) -> dict[str, str]:
    """The one-line findings the introduction pastes under each theme."""
    v = glue_values(f)
    out = {}
    for key, prefix, what in (("key_culture", "culture", "the cultural share of employment"),
                              ("key_ai", "ai", "the share of enterprises using AI"),
                              ("key_ict", "ict", "AI use among enterprises in information and communication"),
                              ("key_genai", "genai", "the share of people using generative AI"),
                              ("key_research", "pubs", "AI publications per million inhabitants")):
        out[key] = (f"In {v[prefix + '_year']}, {what} was {v[prefix + '_range']}, "
                    f"against {v[prefix + '_ref']} for the {v[prefix + '_ref_label']}."
                    if v[prefix + "_n"] != "0" else f"No data on {what} for {f.params.region_name}.")
    out["key_hubs"] = (f"Among hubs that describe their offer, {v['n_creative_hubs']} of {v['n_hub_countries']} "
                       "countries have any hub with a focus on the cultural and creative economy.")
    out["verdict"] = verdict(f)
    return out


def localised_values(f: Findings) -> dict[str, str]:
    """Numbers (decimal comma) and country names for the summaries in five Nordic languages."""
    v = glue_values(f)
    out = {f"loc_{k}": comma(v[k]) for k in (
        "culture_year", "ai_year", "genai_year", "culture_ref", "ai_ref", "genai_ref", "culture_low",
        "culture_high", "ai_low", "ai_high", "genai_low", "genai_high", "culture_n_above", "culture_n",
        "ai_n_above", "ai_n", "n_creative_hubs", "n_hub_countries", "n_strong_both", "n_placed",
        "n_others_strong", "n_beating", "random_share", "random_size", "random_pool", "random_as_good")}
    out["loc_random_draws"] = comma(v["random_draws"])
    for language, conjunction in LANGUAGES.items():
        local = lambda codes: (join_names([local_country_name(c, language) for c in codes], conjunction)  # noqa: E731
                               or NONE_WORDS[language])
        out[f"{language}_countries"] = local(f.params.countries)
        out[f"{language}_ai_missing"] = local(f.missing("ai_enterprises"))
        out[f"{language}_unplaced"] = local(f.unplaced)
        out[f"{language}_beating"] = local(f.beating)
        verdict_code = synthesis.stands_out(f.random)
        out[f"{language}_outcome"] = OUTCOMES[language][2 if verdict_code is None else (0 if verdict_code else 1)]
    return out


def publish_all(f: Findings) -> None:
    prose.publish_all({**glue_values(f), **intro_sentences(f), **localised_values(f)})


# --------------------------------------------------------------------------- tables

def indicator_table(f: Findings):
    """Each indicator's one reference and why, and where the group ranks on it among all countries with data."""
    standing = pd.DataFrame([{"dimension": s.dimension, "n_countries": s.n_countries, "ranks": ranks_text(s),
                              "group_median_index": s.group_median, "others_below": s.others_below,
                              "others": s.others, "percentile": s.percentile, "missing": country_names_or(s.missing, "")}
                             for s in f.standings],
                            columns=["dimension", "n_countries", "ranks", "group_median_index", "others_below",
                                     "others", "percentile", "missing"])
    frame = f.references.merge(standing, on="dimension", how="left")
    frame["reference_text"] = [f"{label}: {value_text(k, v)} ({y})"
                               for k, label, v, y in zip(frame.dimension, frame.reference, frame.value, frame.year)]
    frame["median_text"] = [prose.number(v, 2, missing=NO_DATA_LABEL) for v in frame.group_median_index]
    frame["beaten"] = [NO_DATA_LABEL if prose.is_missing(m) else
                       (f"{b} of {o} ({prose.percent(p, 0)})" if o else "no other country")
                       for m, b, o, p in zip(frame.group_median_index, frame.others_below, frame.others,
                                             frame.percentile)]
    notes = ["Ranks among all European countries with data (1 = highest); the index divides by the reference."]
    for c in f.params.countries:
        lacking = frame.indicator[frame.missing.str.contains(country_name(c), regex=False)]
        if len(lacking):
            notes.append(f"{country_name(c)} has no data on: {'; '.join(lacking)}.")
    if frame.empty:
        notes = [f"No indicator has data in {prose.span(f.params.year_start, f.params.year_end)}."]
    return tables.table(
        frame, name="synthesis-indicators",
        title=f"Each indicator's reference, and where the {group_label(f.params)} rank",
        columns=[tables.Column("indicator", "Indicator"), tables.Column("reference_text", "Reference"),
                 tables.Column("why", "Why this reference"), tables.Column("n_countries", "Countries", numeric=True),
                 tables.Column("ranks", "Rank of each selected country"),
                 tables.Column("median_text", "Group median index", numeric=True),
                 tables.Column("beaten", "Others below the median")],
        sources=sorted({synthesis.DIMENSION_BY_KEY[k].source for k in frame.dimension}) or HEADLINE_SOURCES,
        notes=notes, data=frame.drop(columns=["reference_text", "median_text", "beaten"]), compact=True)


# --------------------------------------------------------------------------- charts

def position_colour(field_name: str, drawn, above: str = ABOVE, below: str = BELOW) -> tuple[alt.Color, str]:
    """The grammar's above/below/no-data colours for the categories actually drawn, and the subtitle words
    naming them ("blue: above the reference; light grey: no data")."""
    pairs = [(c, k) for c, k in ((ABOVE_COLOUR, above), (BELOW_COLOUR, below), (NO_DATA_COLOUR, NO_DATA_LABEL))
             if k in set(drawn)]
    colour = alt.Color(f"{field_name}:N", legend=alt.Legend(title=None, orient="top"),
                       scale=alt.Scale(domain=[k for _, k in pairs], range=[c for c, _ in pairs]))
    return colour, "; ".join(f"{colour_name(c)}: {k}" for c, k in pairs).capitalize()


def scoreboard_chart(f: Findings):
    params = f.params
    board = f.board.copy()
    board["country"] = board.geo.map(country_name)
    board["position"] = [position_label(i, 1.0, ABOVE, BELOW) for i in board["index"]]
    board["cell"] = [NO_DATA_LABEL if pd.isna(v) else value_text(k, v).rstrip("%")
                     for k, v in zip(board.dimension, board["value"])]
    board["index_text"] = ["" if pd.isna(i) else f"× {prose.number(i, 2)}" for i in board["index"]]
    above = int((board.position == ABOVE).sum())
    with_data = int((board.position != NO_DATA_LABEL).sum())
    order = [d.label for d in synthesis.DIMENSIONS]
    base = alt.Chart(board).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("country:N", title=None, sort=[country_name(c) for c in params.countries],
                axis=alt.Axis(orient="top", labelAngle=0)))
    colour, words = position_colour("position", board.position)
    cells = base.mark_rect(stroke="white").encode(
        color=colour,
        tooltip=[alt.Tooltip("country:N", title="Country"), alt.Tooltip("label:N", title="Indicator"),
                 alt.Tooltip("cell:N", title="Value"), alt.Tooltip("unit:N", title="Unit"),
                 alt.Tooltip("index_text:N", title="Index"), alt.Tooltip("year:Q", title="Year"),
                 alt.Tooltip("reference_label:N", title="Reference")])
    values = base.mark_text(dy=-7, fontSize=12, color="#111111").encode(text="cell:N")
    indices = base.mark_text(dy=9, fontSize=11, color="#111111").encode(text="index_text:N")
    subtitle = f"{words}. Each cell: the value and its index (reference = 1)"
    chart = alt.layer(cells, values, indices).properties(
        title=alt.Title(f"The {group_label(params)} are above the reference in {above} of {with_data} "
                        "country-indicator cells with data", subtitle=subtitle),
        width=alt.Step(70), height=alt.Step(44))
    notes = ["Each indicator's reference is stated in the table above.",
             "Years differ by indicator: each uses its latest year in the data."]
    # one note per missing country, listing its empty cells
    for geo, group in board[board["value"].isna()].groupby("geo", sort=False):
        notes.append(f"No data for {country_name(geo)}: {join_names([prose.lower_first(x) for x in group.label])}.")
    described = [f"{c}, {lab}: {cell}" + ("" if pd.isna(i) else f" (index {prose.number(i, 2)})") + "."
                 for c, lab, cell, i in zip(board.country, board.label, board.cell, board["index"])]
    description = f"Heat map of {len(params.countries)} countries by {len(order)} indicators. " + " ".join(described)
    data_ = board[["geo", "country", "dimension", "label", "year", "value", "unit", "reference", "reference_label",
                   "index", "position"]]
    sources = sorted({d.source for d in synthesis.DIMENSIONS}) + [synthesis.POPULATION]
    return figure(chart, name="synthesis-scoreboard", description=description, data=data_, sources=sources,
                  notes=notes)


MEDIAN_ROLE = "group median"
OTHER_ROLE = "other European countries"


def quadrant_points(f: Findings) -> pd.DataFrame:
    """The quadrant chart's points: every country with both indices, plus the group's median."""
    points = f.quadrants.rename(columns={QUADRANT_X: "culture_index", QUADRANT_Y: "ai_index"}).copy()
    points["country"] = points.geo.map(country_name)
    selected, median = group_label(f.params), MEDIAN_ROLE
    points["role"] = [selected if g in f.params.countries else OTHER_ROLE for g in points.geo]
    points["beats_group"] = points.geo.isin(f.beating)
    if f.random is not None and len(f.placed) > 1:
        points = pd.concat([points, pd.DataFrame([{
            "geo": "", "country": median, "role": median, "culture_index": f.random.selection[0],
            "ai_index": f.random.selection[1], "quadrant": "", "beats_group": False}])], ignore_index=True)
    # Other countries beating the median are labelled with their code (a note gives the key): names would overlap.
    points["label"] = [c if r != OTHER_ROLE else (g if b else "")
                       for g, c, r, b in zip(points.geo, points.country, points.role, points.beats_group)]
    at_median = (points.role == selected) & np.isclose(points.culture_index, points.culture_index[
        points.role == median].max()) & np.isclose(points.ai_index, points.ai_index[points.role == median].max())
    if at_median.any():  # a country that is the median on both axes: one label, not two on one spot
        points.loc[at_median, "label"] = points.loc[at_median, "label"] + " (= group median)"
        points.loc[points.role == median, "label"] = ""
    points["side"] = quadrant_label_sides(points)
    return points


# The quadrant chart's plot, in pixels, and its labels' font (11 px: about 6.5 px a character).
QUADRANT_WIDTH, QUADRANT_HEIGHT, LABEL_CHAR_WIDTH, LABEL_LINE, LABEL_OFFSET = 560, 420, 6.5, 14.0, 8.0


def quadrant_label_sides(points: pd.DataFrame) -> list[str | None]:
    """Which side of its point each label goes (:func:`~ai_culture_report.charts.label_sides`, on the chart's
    scales, every point an obstacle): the selection first, then its median, then the codes of the others from
    right to left, so that a code pushed left still finds room. A label with no free side still goes right:
    the selection and the codes must be named."""
    x, y = points.culture_index.to_numpy(dtype=float), points.ai_index.to_numpy(dtype=float)
    (x0, x1), (y0, y1) = nice_domain(x.min(), x.max()), nice_domain(y.min(), y.max())
    px = (x - x0) / max(x1 - x0, 1e-9) * QUADRANT_WIDTH
    # Pixels run down, half a line lower: a label may reach half a line above or below the plot.
    py = LABEL_LINE / 2 + (y1 - y) / max(y1 - y0, 1e-9) * QUADRANT_HEIGHT
    rank = {MEDIAN_ROLE: 1, OTHER_ROLE: 2}
    order = sorted((i for i, label in enumerate(points.label) if label),
                   key=lambda i: (rank.get(points.role.iloc[i], 0), -px[i], i))
    placed = label_sides([(px[i], py[i], points.label.iloc[i]) for i in order], QUADRANT_WIDTH,
                         QUADRANT_HEIGHT + LABEL_LINE, obstacles=list(zip(px, py)), char_width=LABEL_CHAR_WIDTH,
                         line=LABEL_LINE, dx=LABEL_OFFSET)
    sides: list[str | None] = [None] * len(points)
    for i, side in zip(order, placed):
        sides[i] = side or "right"
    return sides


def quadrant_chart(f: Findings, name: str = "synthesis-quadrant"):
    params = f.params
    if f.quadrants.empty:
        return message_figure(name, "No country can be placed on culture and AI together",
                              "No country has an index of both cultural employment and enterprise AI use in the "
                              f"years {prose.span(params.year_start, params.year_end)}. Nothing is drawn.",
                              HEADLINE_SOURCES)
    points = quadrant_points(f)
    v = glue_values(f)
    selected, median = group_label(params), MEDIAN_ROLE
    roles = [(r, c, m) for r, c, m in ((selected, SELECTED_COLOUR, "circle"), (median, AGGREGATE_COLOUR, "diamond"),
                                       (OTHER_ROLE, CONTEXT_GREY, "circle")) if r in set(points.role)]
    title = (f"{v['n_strong_both']} of {v['n_placed']} {selected} and {v['others_strong_phrase']} are above the "
             f"reference on both; the group median is beaten on both by {v['beating_phrase']}"
             if f.placed else f"{params.names_of(params.countries)} cannot be placed: no data on both")
    base = alt.Chart(points).encode(
        x=alt.X("culture_index:Q", title=f"Cultural employment, index (reference = 1), {v['culture_year']}",
                scale=alt.Scale(zero=False)),
        y=alt.Y("ai_index:Q", title=f"Enterprises using AI, index (reference = 1), {v['ai_year']}",
                scale=alt.Scale(zero=False)))
    dots = base.mark_point(filled=True, size=90, opacity=0.9).encode(
        color=alt.Color("role:N", title=None, legend=alt.Legend(orient="top", labelLimit=0),
                        scale=alt.Scale(domain=[r for r, _, _ in roles], range=[c for _, c, _ in roles])),
        shape=alt.Shape("role:N", legend=None, scale=alt.Scale(domain=[r for r, _, _ in roles],
                                                                range=[m for _, _, m in roles])),
        tooltip=[alt.Tooltip("country:N", title="Country"), alt.Tooltip("culture_index:Q", format=".2f"),
                 alt.Tooltip("ai_index:Q", format=".2f"), alt.Tooltip("quadrant:N")])
    # Names only for the selection, its median and the countries beating it: 29 names would overlap.
    right = base.transform_filter("datum.label != '' && datum.side == 'right'").mark_text(
        align="left", dx=LABEL_OFFSET, fontSize=11, color="#111111").encode(text="label:N")
    left = base.transform_filter("datum.label != '' && datum.side == 'left'").mark_text(
        align="right", dx=-LABEL_OFFSET, fontSize=11, color="#111111").encode(text="label:N")
    ones = pd.DataFrame({"one": [1.0]})
    rule = dict(strokeDash=[4, 3], color="#333333")
    chart = alt.layer(alt.Chart(ones).mark_rule(**rule).encode(x="one:Q"),
                      alt.Chart(ones).mark_rule(**rule).encode(y="one:Q"), dots, right, left).properties(
        title=alt.Title(title, subtitle=f"Index: a country's value over that of the {v['headline_reference']}; "
                                        "dashed lines: the reference" + ("; codes: other countries above the group "
                                                                         "median on both" if f.beating else "")),
        width=QUADRANT_WIDTH, height=QUADRANT_HEIGHT)
    notes = [f"Not shown for lack of data on both indicators: {country_names_or(f.unplaced)}."] if f.unplaced else []
    if f.beating:
        notes.append("Codes of the countries above the group median on both: "
                     + "; ".join(f"{c} {country_name(c)}" for c in f.beating) + ".")
    notes.append("Cultural employment and AI adoption are measured in different years (the latest of each).")
    description = (f"Scatter plot of {len(f.quadrants)} European countries: cultural employment index against "
                   "enterprise AI index. " + "; ".join(f"{r.country}: culture {prose.number(r.culture_index, 2)}, "
                                                      f"AI {prose.number(r.ai_index, 2)}"
                                                      for r in points[points.role != OTHER_ROLE]
                                                      .itertuples()) + ".")
    data_ = points[["geo", "country", "role", "culture_index", "ai_index", "quadrant", "beats_group"]]
    return figure(chart, name=name, description=description, data=data_, sources=HEADLINE_SOURCES, notes=notes)


BIN = 0.05  # width of the bins of the random-group chart, in index points


def random_bins(groups: synthesis.RandomGroups) -> pd.DataFrame:
    """How many random groups fall in each bin of median culture index x median AI index."""
    binned = (np.floor(groups.medians.to_numpy() / BIN) * BIN).round(2)
    frame = pd.DataFrame(binned, columns=["culture_from", "ai_from"]).value_counts().rename("groups").reset_index()
    frame["culture_to"], frame["ai_to"] = (frame.culture_from + BIN).round(2), (frame.ai_from + BIN).round(2)
    return frame.sort_values(["culture_from", "ai_from"]).reset_index(drop=True)


def random_chart(f: Findings):
    params, r = f.params, f.random
    if r is None:
        return message_figure("synthesis-random-groups", "No random-group comparison: no selected country has data",
                              f"None of {params.names_of(params.countries)} has data on both cultural employment "
                              "and enterprise AI use, so there is no group to compare. Nothing is drawn.",
                              HEADLINE_SOURCES)
    v = glue_values(f)
    bins = random_bins(r)
    marker = pd.DataFrame({"culture": [r.selection[0]], "ai": [r.selection[1]],
                           "label": [f"the {group_label(params)}" if r.size > 1 else country_name(f.placed[0])]})
    grid = alt.Chart(bins).mark_rect().encode(
        x=alt.X("culture_from:Q", bin="binned", title="Median cultural-employment index of the group"),
        x2="culture_to:Q", y=alt.Y("ai_from:Q", bin="binned", title="Median enterprise-AI index of the group"),
        y2="ai_to:Q", color=alt.Color("groups:Q", title="Random groups", scale=alt.Scale(scheme="viridis")),
        tooltip=[alt.Tooltip("culture_from:Q", title="Culture from"), alt.Tooltip("ai_from:Q", title="AI from"),
                 alt.Tooltip("groups:Q", title="Random groups")])
    rule = dict(strokeDash=[5, 3], color=AGGREGATE_COLOUR)
    lines = [alt.Chart(marker).mark_rule(**rule).encode(x="culture:Q"),
             alt.Chart(marker).mark_rule(**rule).encode(y="ai:Q")]
    point = alt.Chart(marker).mark_point(shape="diamond", filled=True, size=140, color=AGGREGATE_COLOUR,
                                         stroke="white")
    text = alt.Chart(marker).mark_text(align="right", dx=-10, dy=-10, fontSize=12, fontWeight="bold")
    chart = alt.layer(grid, *lines, point.encode(x="culture:Q", y="ai:Q"),
                      text.encode(x="culture:Q", y="ai:Q", text="label:N")).properties(
        title=alt.Title(f"{v['random_share']} of {v['random_draws']} random groups of {v['random_group']} match "
                        f"the {group_label(params)} on both medians",
                        subtitle=f"Each group drawn from the {r.pool} countries with data on both; black diamond "
                                 "and dashed lines: the selection; a group does as well if it lies up and right"),
        width=520, height=380)
    notes = [f"Groups of {r.size} drawn without replacement; {r.draws} draws; numpy seed {r.seed}.",
             f"Bins of {BIN} index points; the CSV holds the number of groups per bin."]
    if f.unplaced:
        notes.insert(0, f"Without data on both, and so not in the group: {country_names_or(f.unplaced)}.")
    description = (f"Heat map of the median culture and AI indices of {r.draws} random groups of {r.size} "
                   f"countries. The selection's medians are {prose.number(r.selection[0], 2)} and "
                   f"{prose.number(r.selection[1], 2)}; {r.as_good} groups reach both.")
    return figure(chart, name="synthesis-random-groups", description=description, data=bins,
                  sources=HEADLINE_SOURCES, notes=notes)


def sensitivity_summary(f: Findings) -> pd.DataFrame:
    """Per country, reference and culture year: how many AI years place the country strong in both."""
    frame = f.sensitivity.copy()
    frame["country"] = frame.geo.map(country_name)
    frame["reference_label"] = frame.reference.map({"aggregate": f"Against the {f.params.aggregate_name}",
                                                    "median": "Against the median European country"})
    summary = (frame.assign(strong=frame.quadrant == "strong in both", placed=frame.quadrant != "no data")
               .groupby(["geo", "country", "reference_label", "culture_year"], as_index=False)
               .agg(ai_years=("placed", "sum"), ai_years_strong=("strong", "sum")))
    summary["position"] = [NO_DATA_LABEL if n == 0 else ("strong in both every year" if s == n else
                                                         "not in every year")
                           for s, n in zip(summary.ai_years_strong, summary.ai_years)]
    summary["cell"] = [f"{s}/{n}" if n else "" for s, n in zip(summary.ai_years_strong, summary.ai_years)]
    return summary


def sensitivity_chart(f: Findings):
    params = f.params
    summary = sensitivity_summary(f)
    if summary.empty or (summary.position == NO_DATA_LABEL).all():
        return message_figure("synthesis-sensitivity", "The sensitivity check has no country to test",
                              f"No year pair places any of {params.names_of(params.countries)} on both cultural "
                              "employment and enterprise AI use. Nothing is drawn.", HEADLINE_SOURCES)
    placed = summary[summary.position != NO_DATA_LABEL].geo.nunique()
    base = alt.Chart(summary).encode(
        x=alt.X("culture_year:O", title="Year of the cultural-employment data", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("country:N", title=None, sort=[country_name(c) for c in params.countries]))
    colour, words = position_colour("position", summary.position, "strong in both every year", "not in every year")
    cells = base.mark_rect(stroke="white").encode(
        color=colour,
        tooltip=[alt.Tooltip("country:N"), alt.Tooltip("culture_year:O"),
                 alt.Tooltip("ai_years_strong:Q", title="AI years strong in both"),
                 alt.Tooltip("ai_years:Q", title="AI years with data")])
    text = base.mark_text(fontSize=10, color="#111111").encode(text="cell:N")
    chart = alt.layer(cells, text, data=summary).properties(width=alt.Step(40), height=alt.Step(26)).facet(
        row=alt.Row("reference_label:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left",
                                                                     labelOrient="top", labelFontWeight="bold")),
    ).properties(title=alt.Title(f"{len(f.stable)} of {placed} {group_label(params)} placed stay strong in both "
                                 "for every pair of years and either reference",
                                 subtitle=f"{words}. Cells: AI years strong in both / AI years with data"))
    notes = [f"No data on both, so not tested: {country_names_or(f.unplaced)}."] if f.unplaced else []
    notes.append("Up to 2018 the EU reference for culture is the EU28, from 2019 the EU27 (2020 composition).")
    description = ("Heat maps, one per reference, of how many years of AI data place each country above the "
                   "reference on both indicators, for each year of cultural-employment data. Stable in every "
                   f"combination: {country_names_or(f.stable)}.")
    return figure(chart, name="synthesis-sensitivity", description=description,
                  data=summary.drop(columns="cell"), sources=HEADLINE_SOURCES, notes=notes)


def europe_map(f: Findings, key: str = QUADRANT_Y):
    """Europe coloured by one headline index: above or below its reference, the selection outlined."""
    dimension = synthesis.DIMENSION_BY_KEY[key]
    name = f"synthesis-map-{key.replace('_', '-')}"
    rows = f.index[f.index.dimension == key]
    if rows.empty:
        return message_figure(name, f"No map of {dimension.label}: no country has data",
                              f"The snapshot has no figure of {dimension.label} for any country.", [dimension.source])
    year, reference = int(rows.year.max()), rows.reference_label.iloc[0]
    values = dict(zip(rows.geo, rows["index"]))
    with_data = [g for g in f.params.countries if g in values]
    above = [g for g in with_data if values[g] > 1]
    title = (f"{dimension.label}: {prose.count_of_group(len(above), len(with_data), group_label(f.params))} "
             f"above the {reference}, {year}")
    chart = maps.country_choropleth(
        values, f.params, reference=1.0, value_title=f"Index ({reference} = 1)", value_format=".2f",
        above=f"above the {reference}", below=f"at or below the {reference}",
        title=alt.Title(title, subtitle=f"Index: a country's value over the {reference}'s; "
                                        f"{group_label(f.params)} outlined in black"))
    data = rows.assign(name=rows.geo.map(country_name), selected=rows.geo.isin(f.params.countries))[
        ["geo", "name", "selected", "year", "value", "unit", "reference", "reference_label", "index"]]
    missing = [country_name(g) for g in f.params.countries if g not in values]
    notes = ([f"No data for {join_names(missing)}: drawn light grey."] if missing else []) + [maps.ATTRIBUTION]
    description = (f"Map of European countries coloured by their index of {dimension.label} in {year}: "
                   f"{int((rows['index'] > 1).sum())} of {len(rows)} countries with data are above the {reference}. "
                   + "".join(f"{country_name(g)} {prose.number(values[g], 2)}; " for g in with_data).rstrip("; ")
                   + ("." if with_data else f"No selected country has data ({join_names(missing)}).")).strip()
    return figure(chart, name=name, description=description, data=data,
                  sources=[dimension.source, geocode.NUTS0], notes=notes)
