"""Research collaboration chapter: Horizon 2020 co-participation, affinity, trend, quadruple helix,
and the Norwegian culture and AI keyword list as an illustration."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property

import altair as alt
import numpy as np
import pandas as pd

from .. import collaboration, data, measures, prose, research
from ..charts import CONTEXT_GREY, PALETTE, figure, message_figure
from ..params import ReportParams, country_name, join_names, group_label
from .innovation_hubs import sourced_table

PARTICIPATIONS = "cordis_h2020_participations_in_projects_with_nordic_partner"
PROJECTS = "cordis_h2020_projects_with_nordic_partner"
KEYWORD_SUBSET = "nfr_h2020_norwegian_participations_culture_ai_keyword_subset"
KEYWORD_SUBSET_COUNTRY = "NO"  # the Research Council of Norway's file covers Norwegian participations only
MAIN_PARTNERS = 8
MIN_PROJECTS = 100  # start years with fewer projects are drawn but left out of the headline comparison
KEYWORD_GROUPS = {"culture_creative": "culture or creative keywords", "ai": "AI keywords",
                  "culture_creative;ai": "both"}
TYPE_COLOURS = dict(zip(collaboration.ACTIVITY_TYPES, [PALETTE[0], PALETTE[4], PALETTE[1], PALETTE[2], PALETTE[3]]))



def _projects_of(params: ReportParams) -> str:
    return (f"{params.region_short} projects" if params.region_short != "selected"
            else "the selected countries' projects")


def _borders(params: ReportParams) -> str:
    return (f"{params.region_short} borders" if params.region_short != "selected"
            else "the selected countries' borders")


def _year_in(text: str | None) -> int | None:
    found = re.search(r"(19|20)\d{2}", text or "")
    return int(found.group(0)) if found else None


@dataclass
class CollaborationChapter:
    params: ReportParams
    participations: pd.DataFrame
    projects: pd.DataFrame
    keyword_subset: pd.DataFrame
    extract_countries: list[str]

    @cached_property
    def beneficiaries(self) -> pd.DataFrame:
        return collaboration.beneficiaries(self.participations)

    @cached_property
    def pairs(self) -> pd.DataFrame:
        return collaboration.project_countries(self.beneficiaries)

    @cached_property
    def matrix(self) -> pd.DataFrame:
        return collaboration.co_participation(self.pairs)

    @cached_property
    def bridges(self) -> pd.DataFrame:
        return collaboration.border_bridges(self.beneficiaries, self.present)

    @cached_property
    def present(self) -> list[str]:
        return [c for c in self.params.countries if c in self.matrix.index]

    @cached_property
    def missing(self) -> list[str]:
        return [c for c in self.params.countries if c not in self.matrix.index]

    @cached_property
    def complete(self) -> list[str]:
        """Selected countries whose every project is in the file (they are extract countries)."""
        return [c for c in self.present if c in self.extract_countries]

    @cached_property
    def partial(self) -> list[str]:
        return [c for c in self.present if c not in self.extract_countries]

    @cached_property
    def partners(self) -> list[str]:
        return collaboration.main_partners(self.matrix, self.present, MAIN_PARTNERS)

    @cached_property
    def start_year(self) -> pd.Series:
        return self.projects.set_index("project_rcn")["start_date"].dt.year

    @cached_property
    def vintage_year(self) -> int | None:
        return _year_in(data.resource(PROJECTS).vintage)

    @cached_property
    def extract_name(self) -> str:
        return join_names([country_name(c) for c in self.extract_countries])


def load(params: ReportParams) -> CollaborationChapter:
    # The extract's selection rule (projects with a partner from these countries), defined once.
    extract = sorted(research.CORDIS_SCOPE)
    return CollaborationChapter(
        params=params,
        participations=data.load(PARTICIPATIONS),
        projects=data.load(PROJECTS),
        keyword_subset=data.load(KEYWORD_SUBSET),
        extract_countries=extract,
    )


def _missing_note(ch: CollaborationChapter) -> list[str]:
    return [f"No Horizon 2020 participation of {ch.params.names_of(ch.missing)} in the file."] if ch.missing else []


def _too_few_chart(ch: CollaborationChapter, name: str, title: str, what: str, in_years: bool = False):
    """The placeholder for a chart that needs two or more selected countries with participations in the file."""
    p = ch.params
    if len(ch.present) < 2:
        has = (f"only {p.names_of(ch.present)} {'has' if len(ch.present) == 1 else 'have'} participations in the file"
               if ch.present else f"none of {p.names_of(p.countries)} has a participation in the file")
        reason = f"{what} needs two or more selected countries with Horizon 2020 participations; {has}."
    elif in_years:
        reason = prose.outside_years("Horizon 2020 file (projects by start year)", ch.start_year.dropna(),
                                     p.year_start, p.year_end)
    else:
        reason = f"The file has no project shared by two or more of {p.names_of(ch.present)}."
    return message_figure(name, title, reason[:1].upper() + reason[1:] + " Nothing is drawn.",
                          [PARTICIPATIONS, PROJECTS], _missing_note(ch))


def _coverage_note(ch: CollaborationChapter) -> list[str]:
    notes = [f"The file holds only Horizon 2020 projects with at least one partner from {ch.extract_name} "
             f"(CORDIS dump of {ch.vintage_year or 'an unstated year'})."]
    if ch.partial:
        notes.append(f"For {ch.params.names_of(ch.partial)} it therefore covers only the projects that also have "
                     f"a partner from {ch.extract_name}.")
    notes.append("Projects are counted for a country when it has at least one coordinator or participant in them; "
                 "third parties (role 'partner') are left out.")
    return notes


# =========================================================================== facts

def coverage_facts(ch: CollaborationChapter) -> dict[str, str]:
    p = ch.params
    pairs_all = collaboration.project_countries(ch.participations)
    without = collaboration.projects_without(pairs_all, ch.extract_countries)
    third_party_only = ch.participations["project_rcn"].nunique() - ch.pairs["project_rcn"].nunique()
    facts = {
        "vintage_year": str(ch.vintage_year or "an unstated year"),
        "extract_countries": ch.extract_name,
        "n_projects_file": f"{ch.projects['project_rcn'].nunique():,}",
        "n_participations_file": f"{len(ch.participations):,}",
        "n_third_parties": f"{int((~ch.participations['role'].isin(collaboration.BENEFICIARY_ROLES)).sum()):,}",
        "n_countries_file": str(ch.matrix.shape[0]),
    }
    check = ("Every project in the file has such a partner." if without == 0 else
             f"{without:,} projects in the file have no such partner, contrary to its description.")
    if ch.partial and ch.complete:
        scope = (f"It therefore covers every project of {p.names_of(ch.complete)}, but only those projects of "
                 f"{p.names_of(ch.partial)} that also have a partner from {ch.extract_name}.")
    elif ch.partial:
        example = p.names_of(ch.partial[:2])
        scope = (f"None of {p.region_name} is among them, so the file covers only the projects of "
                 f"{p.names_of(ch.partial)} that also have a partner from {ch.extract_name}: a project shared by "
                 f"{example} alone is not in it. Every figure below describes collaboration within projects that "
                 f"have a partner from {ch.extract_name}, not the countries' whole participation.")
    else:
        scope = f"It therefore covers every Horizon 2020 project of {p.region_name} in that dump."
    missing = (f" The file has no participation of {p.names_of(ch.missing)}." if ch.missing else "")
    facts["coverage_sentence"] = (
        f"The CORDIS extract holds every Horizon 2020 project with at least one partner from "
        f"{ch.extract_name}, as of the CORDIS dump of {facts['vintage_year']}: {facts['n_projects_file']} projects "
        f"and {facts['n_participations_file']} participations. {check} {scope}{missing}")
    facts["third_party_sentence"] = (
        f"{facts['n_third_parties']} participations of third parties (role “partner” in this CORDIS schema) are "
        f"left out of the counts; {third_party_only:,} projects have no other partner from the file and drop out "
        "with them." if third_party_only else
        f"{facts['n_third_parties']} participations of third parties (role “partner” in this CORDIS schema) are "
        "left out of the counts.")
    return facts


def matrix_facts(ch: CollaborationChapter) -> dict[str, str]:
    p = ch.params
    m = ch.matrix
    facts = {"partners_list": p.names_of(ch.partners) if ch.partners else "none",
             "n_partners": str(len(ch.partners))}
    sentences = []
    for code in ch.present:
        own = int(m.loc[code, code])
        others = m.loc[code].drop(index=code)
        top = sorted(others.items(), key=lambda item: (-item[1], item[0]))[0] if len(others) else None
        regional = m.loc[code, [c for c in ch.present if c != code]] if len(ch.present) > 1 else pd.Series(dtype=int)
        best_regional = (sorted(regional.items(), key=lambda item: (-item[1], item[0]))[0]
                         if len(regional) else None)
        scope = "" if code in ch.complete else f" with a partner from {ch.extract_name}"
        text = f"{country_name(code)} took part in {own:,} projects{scope}"
        if top is not None and top[1] > 0:
            text += (f"; its most frequent partner country was {country_name(top[0])} "
                     f"({prose.percent(measures.share(top[1], own))} of them)")
        if best_regional is not None and best_regional[1] > 0 and best_regional[0] != (top[0] if top else None):
            text += (f", its most frequent partner within the region {country_name(best_regional[0])} "
                     f"({prose.percent(measures.share(best_regional[1], own))})")
        sentences.append(text + ".")
    facts["matrix_sentence"] = " ".join(sentences) if sentences else f"The file has no project of {p.region_name}."
    return facts


def affinity_facts(ch: CollaborationChapter) -> dict[str, str]:
    p = ch.params
    block = collaboration.block_affinity(ch.matrix, ch.present)
    index = collaboration.pair_affinity(ch.matrix, ch.present)
    facts = {"intra_observed": f"{block['observed']:,.0f}" if not prose.is_missing(block["observed"]) else "not available",
             "intra_expected": f"{block['expected']:,.0f}" if not prose.is_missing(block["expected"]) else "not available",
             "intra_index": prose.number(block["index"], 2)}
    if len(ch.present) < 2:
        facts["affinity_sentence"] = (f"The affinity index needs at least two of the selected countries in the file; "
                                      f"only {p.names_of(ch.present) or 'none'} {'is' if len(ch.present) == 1 else 'are'} there.")
        facts["pair_sentence"] = ""
        facts["bias_sentence"] = ""
        return facts
    pairs = [(a, b, index.loc[a, b]) for i, a in enumerate(ch.present) for b in ch.present[i + 1:]]
    pairs = sorted(pairs, key=lambda t: (-t[2] if not math.isnan(t[2]) else math.inf, t[0], t[1]))
    high, low = pairs[0], pairs[-1]
    facts["affinity_sentence"] = (
        f"Summed over the {block['pairs']} pairs of {p.region_name}, the countries shared "
        f"{facts['intra_observed']} projects, against {facts['intra_expected']} expected from their total "
        f"collaboration in the file: an affinity index of {facts['intra_index']}.")
    facts["pair_sentence"] = (
        f"The closest pair relative to its size is {country_name(high[0])}–{country_name(high[1])} "
        f"({prose.number(high[2], 2)}), the lowest {country_name(low[0])}–{country_name(low[1])} "
        f"({prose.number(low[2], 2)}).")
    if ch.complete and not ch.partial:
        facts["bias_sentence"] = (
            f"Read the level with care. Every project in this file has a partner from {ch.extract_name}, so these "
            f"countries' totals are complete while the grand total lacks every project without such a partner. "
            "That pushes the expected value for a pair of them up and the index down: on the complete programme "
            "data the index would be higher, by an amount this file cannot tell. A value below 1 here therefore does "
            "not show that the countries avoid each other; the comparison between pairs is the robust part.")
    elif ch.partial and not ch.complete:
        facts["bias_sentence"] = (
            f"Because the file only holds projects with a partner from {ch.extract_name}, the index compares "
            f"{p.names_of(ch.partial)} within those projects: it says whether, in projects with such a partner, "
            "they team up with each other more or less often than their activity there predicts.")
    else:
        facts["bias_sentence"] = (
            f"The index mixes two situations: {p.names_of(ch.complete)} {'is' if len(ch.complete) == 1 else 'are'} "
            f"fully covered by the file and {'its' if len(ch.complete) == 1 else 'their'} index is pushed down by "
            f"the file's rule (a partner from {ch.extract_name} in every project), while "
            f"{p.names_of(ch.partial)} {'is' if len(ch.partial) == 1 else 'are'} covered only in projects with such "
            "a partner. Compare pairs of the same kind only.")
    return facts


def _trend(ch: CollaborationChapter) -> pd.DataFrame:
    trend = collaboration.regional_trend(ch.pairs, ch.start_year, ch.present)
    trend = trend[trend["year"].between(ch.params.year_start, ch.params.year_end)].copy()
    trend["complete"] = trend["year"] <= (ch.vintage_year or trend["year"].max())
    trend["enough_projects"] = trend["projects"] >= MIN_PROJECTS
    trend["status"] = np.where(~trend["complete"], "incomplete year",
                               np.where(trend["enough_projects"], "complete year", f"under {MIN_PROJECTS} projects"))
    return trend.reset_index(drop=True)


def trend_facts(ch: CollaborationChapter) -> dict[str, str]:
    p = ch.params
    trend = _trend(ch)
    solid = trend[trend["complete"] & trend["enough_projects"]]
    facts = {"min_projects": str(MIN_PROJECTS)}
    if len(ch.present) < 2 or solid.empty:
        facts["trend_sentence"] = (f"There are too few projects of two or more of {p.region_name} per start year "
                                   "to follow a trend.")
        return facts
    first, last = solid.iloc[0], solid.iloc[-1]
    high = solid.sort_values(["share", "year"], ascending=[False, True]).iloc[0]
    low = solid.sort_values(["share", "year"]).iloc[0]
    incomplete = trend[~trend["complete"]]["year"].tolist()
    facts["trend_sentence"] = (
        f"Of the projects starting in {int(first['year'])}, {prose.percent(first['share'])} had partners from two or "
        f"more of {p.region_name}; of those starting in {int(last['year'])}, {prose.percent(last['share'])}. The share "
        f"ranged from {prose.percent(low['share'])} ({int(low['year'])}) to {prose.percent(high['share'])} "
        f"({int(high['year'])}) over the start years with at least {MIN_PROJECTS} projects"
        + (f"; projects starting in {join_names([str(y) for y in incomplete])} were still being signed when the "
           f"data were extracted, so those years are incomplete." if incomplete else "."))
    return facts


def helix_facts(ch: CollaborationChapter) -> dict[str, str]:
    p = ch.params
    mix = collaboration.helix_mix(ch.beneficiaries, ch.present)
    cross = mix[mix["group"] == "cross-border projects"].set_index("activity_type")
    overall = mix[mix["group"] == "all projects"].set_index("activity_type")
    types = collaboration.bridging_types(ch.beneficiaries, ch.present)
    bridges = ch.bridges
    n_cross = int(cross["projects"].iloc[0]) if len(cross) else 0
    facts = {"n_cross_border_projects": f"{n_cross:,}"}
    if n_cross == 0:
        facts["helix_sentence"] = f"No project in the file has partners from two or more of {p.region_name}."
        facts["bridge_sentence"] = ""
        return facts
    shares = ", ".join(f"{collaboration.NOUNS[t].split(' (')[0]} {prose.percent(cross.loc[t, 'share'])}"
                       for t in collaboration.ACTIVITY_TYPES)
    difference = (cross["share"] - overall["share"]).sort_values()
    up, down = difference.index[-1], difference.index[0]
    facts["helix_sentence"] = (
        f"In the {n_cross:,} projects with partners from two or more of {p.region_name}, the participations from "
        f"these countries split as follows: {shares}. Compared with all their projects, "
        f"{collaboration.NOUNS[up].split(' (')[0]} weigh more ({prose.points(difference[up])}) and "
        f"{collaboration.NOUNS[down].split(' (')[0]} less ({prose.points(difference[down])}).")
    top_type = types.iloc[0]
    top_pair = bridges.iloc[0] if len(bridges) else None
    pair_text = (f" The most common bridge links {collaboration.NOUNS[top_pair['type_a']].split(' (')[0]} in one "
                 f"country with {collaboration.NOUNS[top_pair['type_b']].split(' (')[0]} in another "
                 f"({int(top_pair['projects']):,} projects)." if top_pair is not None else "")
    rest = [r for r in types.itertuples() if r.activity_type != top_type["activity_type"]]
    facts["bridge_sentence"] = (
        f"{collaboration.NOUNS[top_type['activity_type']].capitalize()} take part in "
        f"{prose.percent(top_type['share'])} of these cross-border projects; "
        + join_names([f"{collaboration.NOUNS[r.activity_type]} in {prose.percent(r.share)}" for r in rest])
        + f".{pair_text}")
    return facts


def keyword_facts(ch: CollaborationChapter) -> dict[str, str]:
    frame = _keyword_projects(ch)
    counts = frame["group"].value_counts()
    in_selection = KEYWORD_SUBSET_COUNTRY in ch.params.countries
    facts = {
        "kw_projects": str(len(frame)),
        "kw_culture": str(int(counts.get(KEYWORD_GROUPS["culture_creative"], 0))),
        "kw_ai": str(int(counts.get(KEYWORD_GROUPS["ai"], 0))),
        "kw_both": str(int(counts.get(KEYWORD_GROUPS["culture_creative;ai"], 0))),
        "kw_rows": str(len(ch.keyword_subset)),
        "kw_country": country_name(KEYWORD_SUBSET_COUNTRY),
        "kw_selection_sentence": (
            f"{country_name(KEYWORD_SUBSET_COUNTRY)} is one of the selected countries." if in_selection else
            f"{country_name(KEYWORD_SUBSET_COUNTRY)} is not among the selected countries; the list stays here as an "
            "example of what project titles can add once a comparable list exists for them."),
    }
    return facts


# =========================================================================== charts

def _order(ch: CollaborationChapter) -> tuple[list[str], list[str]]:
    rows = ch.present
    columns = ch.present + ch.partners
    return rows, columns


def coparticipation_chart(ch: CollaborationChapter):
    p = ch.params
    rows, columns = _order(ch)
    if not rows:
        return message_figure("h2020-co-participation",
                              f"No Horizon 2020 participation of {p.names_of(p.countries)} in the file",
                              f"The Horizon 2020 file has no participation of {p.names_of(p.countries)}, so their "
                              "partners cannot be counted. Nothing is drawn.", [PARTICIPATIONS, PROJECTS],
                              _coverage_note(ch))
    m = ch.matrix
    records = []
    for r in rows:
        own = int(m.loc[r, r])
        for c in columns:
            shared = int(m.loc[r, c])
            records.append({"row": r, "row_name": country_name(r), "column": c, "column_name": country_name(c),
                            "projects": shared, "row_projects": own,
                            "percent_of_row": None if r == c else round(measures.share(shared, own), 2),
                            "cell": "own projects" if r == c else ("within the region" if c in rows else "main partner")})
    frame = pd.DataFrame(records)
    top_partner = {}
    for r in rows:
        others = m.loc[r].drop(index=r)
        top_partner[r] = sorted(others.items(), key=lambda item: (-item[1], item[0]))[0][0]
    counts = pd.Series(top_partner).value_counts()
    if len(counts):
        leader = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0]
        which = (f"all {len(rows)}" if leader[1] == len(rows) and len(rows) > 1 else
                 ("the only one of the" if len(rows) == 1 else f"{leader[1]} of the {len(rows)}"))
        title = f"{country_name(leader[0])} is the most frequent Horizon 2020 partner of {which} {group_label(p)}"
    else:
        title = "Horizon 2020 co-participation"
    row_names = [country_name(c) for c in rows]
    column_names = [country_name(c) for c in columns]
    base = alt.Chart(frame).encode(
        x=alt.X("column_name:N", sort=column_names, title="Partner country",
                axis=alt.Axis(orient="top", labelAngle=-40, labelLimit=140)),
        y=alt.Y("row_name:N", sort=row_names, title=None),
    )
    cells = base.transform_filter(alt.datum.cell != "own projects").mark_rect().encode(
        color=alt.Color("percent_of_row:Q", title="% of the row country's projects",
                        scale=alt.Scale(scheme="blues", domainMin=0),
                        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=220,
                                          titleLimit=320)),
        tooltip=[alt.Tooltip("row_name:N", title="Country"), alt.Tooltip("column_name:N", title="Partner"),
                 alt.Tooltip("projects:Q", title="Shared projects", format=","),
                 alt.Tooltip("percent_of_row:Q", title="% of the country's projects", format=".1f")],
    )
    own = base.transform_filter(alt.datum.cell == "own projects").mark_rect(color="#F2F2F2", stroke="#BBBBBB")
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("projects:Q", format=","),
        color=alt.condition(alt.datum.percent_of_row > 25, alt.value("white"), alt.value("#222222")))
    chart = alt.layer(cells, own, text).properties(
        title=alt.Title(title, subtitle="Number of shared projects; colour: share of the row country's projects. "
                                        "Grey diagonal: the country's own number of projects."),
        width=alt.Step(44), height=alt.Step(32))
    description = (f"Heat map of Horizon 2020 projects shared between each of {p.names_of(rows)} (rows) and "
                   f"{p.names_of(columns)} (columns). " + " ".join(
                       f"{country_name(r)}: {int(m.loc[r, r]):,} projects; " + ", ".join(
                           f"{country_name(c)} {int(m.loc[r, c]):,}" for c in columns if c != r) + "."
                       for r in rows))
    return figure(chart, name="h2020-co-participation", description=description, data=frame,
                  sources=[PARTICIPATIONS], notes=_coverage_note(ch) + _missing_note(ch)
                  + [f"Main partners: the {len(ch.partners)} countries outside the selection that share the most "
                     "projects with the selected countries."])


def affinity_chart(ch: CollaborationChapter):
    p = ch.params
    index = collaboration.pair_affinity(ch.matrix, ch.present)
    expected = collaboration.expected_links(ch.matrix)
    rows = ch.present
    records = []
    for r in rows:
        for c in rows:
            if r == c:
                continue
            records.append({"row": r, "row_name": country_name(r), "column": c, "column_name": country_name(c),
                            "observed": int(ch.matrix.loc[r, c]),
                            "expected": round(float(expected.loc[r, c] + expected.loc[c, r]) / 2, 1),
                            "affinity": round(float(index.loc[r, c]), 3)})
    frame = pd.DataFrame(records, columns=["row", "row_name", "column", "column_name", "observed", "expected",
                                           "affinity"])
    names = [country_name(c) for c in rows]
    if frame.empty:
        return _too_few_chart(ch, "h2020-affinity", "No affinity index: it compares pairs of selected countries",
                              "The affinity index")
    if len(frame):
        best = frame.sort_values(["affinity", "row_name", "column_name"], ascending=[False, True, True]).iloc[0]
        title = (f"{best['row_name']} and {best['column_name']} share the most projects relative to their overall "
                 f"collaboration: affinity index {best['affinity']:.2f}" if best["observed"] > 0 else
                 f"{join_names(names)} share no Horizon 2020 project in the file: affinity index 0")
        lo, hi = float(frame["affinity"].min()), float(frame["affinity"].max())
        spread = max(abs(1 - lo), abs(hi - 1), 0.1)
    else:
        title, spread = "Affinity index: fewer than two selected countries in the file", 0.5
    base = alt.Chart(frame).encode(
        x=alt.X("column_name:N", sort=names, title="Partner country", axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("row_name:N", sort=names, title=None),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("affinity:Q", title=["Affinity index", "(1 = as expected)"],
                        scale=alt.Scale(scheme="blueorange", reverse=True, domainMid=1,
                                        domain=[1 - spread, 1 + spread])),
        tooltip=[alt.Tooltip("row_name:N", title="Country"), alt.Tooltip("column_name:N", title="Partner"),
                 alt.Tooltip("observed:Q", title="Shared projects", format=","),
                 alt.Tooltip("expected:Q", title="Expected", format=",.0f"),
                 alt.Tooltip("affinity:Q", title="Affinity index", format=".2f")],
    )
    text = base.mark_text(fontSize=12).encode(text=alt.Text("affinity:Q", format=".2f"))
    chart = alt.layer(cells, text).properties(
        title=alt.Title(title, subtitle="Shared projects ÷ the number expected from both countries' total "
                                        "collaboration links in the file (1 = as expected)"),
        width=alt.Step(90), height=alt.Step(40))
    notes = _coverage_note(ch) + _missing_note(ch)
    if ch.complete:
        notes.append(f"For pairs of {p.names_of(ch.complete)} the index is a lower bound: the file lacks every "
                     f"project without a partner from {ch.extract_name}, which inflates the expected value.")
    description = ("Heat map of the affinity index (observed ÷ expected shared Horizon 2020 projects) for each pair of "
                   f"{p.names_of(rows)}. " + "; ".join(
                       f"{r.row_name}–{r.column_name} {r.affinity:.2f} ({r.observed:,} shared, {r.expected:,.0f} expected)"
                       for r in frame.itertuples() if r.row < r.column) + ".")
    return figure(chart, name="h2020-affinity", description=description, data=frame, sources=[PARTICIPATIONS],
                  notes=notes)


def trend_chart(ch: CollaborationChapter):
    p = ch.params
    trend = _trend(ch)
    solid = trend[trend["complete"] & trend["enough_projects"]]
    if trend.empty or len(ch.present) < 2:
        return _too_few_chart(ch, "h2020-regional-trend",
                              f"No trend of projects shared by two or more {group_label(p)}",
                              "The trend of shared projects", in_years=True)
    if len(solid) and len(ch.present) >= 2:
        first, last = solid.iloc[0], solid.iloc[-1]
        title = (f"{last['share']:.0f}% of {_projects_of(p)} starting in {int(last['year'])} had partners "
                 f"from two or more {group_label(p)}, against {first['share']:.0f}% in {int(first['year'])}")
    else:
        title = f"Projects with partners from two or more {group_label(p)}, by start year"
    statuses = ["complete year", f"under {MIN_PROJECTS} projects", "incomplete year"]
    base = alt.Chart(trend).encode(x=alt.X("year:O", title="Project start year", axis=alt.Axis(labelAngle=0)))
    line = base.transform_filter(alt.datum.status == "complete year").mark_line(color=PALETTE[0]).encode(
        y=alt.Y("share:Q", title="% of projects with 2+ selected countries",
                scale=alt.Scale(zero=True)))
    points = base.mark_point(size=80, filled=True).encode(
        y="share:Q",
        color=alt.Color("status:N", title=None, scale=alt.Scale(domain=statuses,
                                                                range=[PALETTE[0], CONTEXT_GREY, PALETTE[5]]),
                        legend=alt.Legend(orient="top")),
        shape=alt.Shape("status:N", title=None, scale=alt.Scale(domain=statuses,
                                                                range=["circle", "square", "triangle-up"])),
        tooltip=[alt.Tooltip("year:O", title="Start year"), alt.Tooltip("projects:Q", title="Projects", format=","),
                 alt.Tooltip("cross_border:Q", title="With 2+ selected countries", format=","),
                 alt.Tooltip("share:Q", title="%", format=".1f"), alt.Tooltip("status:N", title="Year")],
    )
    labels = base.mark_text(dy=-12, fontSize=10, color="#333333").encode(
        y="share:Q", text=alt.Text("projects:Q", format=","))
    chart = alt.layer(line, points, labels).properties(
        title=alt.Title(title, subtitle="Numbers above the points: projects with at least one partner from the "
                                        "selected countries that start in that year"),
        width=560, height=300)
    notes = _coverage_note(ch) + _missing_note(ch) + [
        f"Years after {ch.vintage_year} are incomplete: the CORDIS dump was made while those projects were still "
        f"being signed. Years with fewer than {MIN_PROJECTS} projects are drawn but not joined to the line."]
    description = ("Line chart of the share of projects with partners from two or more of "
                   f"{p.names_of(ch.present)}, by project start year. " + "; ".join(
                       f"{int(r.year)}: {r.share:.1f}% of {r.projects:,} projects ({r.status})"
                       for r in trend.itertuples()) + ".")
    data_out = trend.assign(share=trend["share"].round(2))
    return figure(chart, name="h2020-regional-trend", description=description, data=data_out,
                  sources=[PARTICIPATIONS, PROJECTS], notes=notes)


def helix_chart(ch: CollaborationChapter):
    p = ch.params
    mix = collaboration.helix_mix(ch.beneficiaries, ch.present)
    mix["type_label"] = mix["activity_type"] + " · " + mix["type_name"]
    mix["order"] = mix["activity_type"].map({t: i for i, t in enumerate(collaboration.ACTIVITY_TYPES)})
    mix["group_label"] = mix["group"].map({
        "all projects": f"All projects of the {group_label(p)}",
        "cross-border projects": f"Projects with 2+ {group_label(p)}"})
    cross = mix[mix["group"] == "cross-border projects"].set_index("activity_type")["share"]
    overall = mix[mix["group"] == "all projects"].set_index("activity_type")["share"]
    difference = (cross - overall).dropna().sort_values()
    if len(difference) and cross.notna().any():
        up = difference.index[-1]
        title = (f"{collaboration.ACTIVITY_TYPES[up]} weigh more where {_projects_of(p)} cross borders: "
                 f"{cross[up]:.0f}% of participations against {overall[up]:.0f}% overall")
    else:
        title = f"Organisation types in the projects of the {group_label(p)}"
    labels = list(mix.drop_duplicates("activity_type").sort_values("order")["type_label"])
    chart = alt.Chart(mix).mark_bar().encode(
        y=alt.Y("group_label:N", title=None, sort=list(mix["group_label"].drop_duplicates())),
        x=alt.X("share:Q", title="% of participations from the selected countries", stack="normalize",
                axis=alt.Axis(format="%")),
        color=alt.Color("type_label:N", title="Organisation type", sort=labels,
                        scale=alt.Scale(domain=labels, range=list(TYPE_COLOURS.values())),
                        legend=alt.Legend(orient="bottom", columns=3)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("group_label:N", title="Projects"), alt.Tooltip("type_name:N", title="Type"),
                 alt.Tooltip("participations:Q", title="Participations", format=","),
                 alt.Tooltip("share:Q", title="%", format=".1f")],
    ).properties(title=title, width=560, height=alt.Step(40))
    notes = _coverage_note(ch) + _missing_note(ch) + [
        "Quadruple helix: HES (higher education) and REC (research organisations) are academia, PRC private "
        "companies, PUB public bodies; OTH (other) is the closest category to civil society in CORDIS."]
    description = ("Stacked bar chart of the organisation types of the selected countries' participations, in all "
                   "their projects and in projects with partners from two or more of them. " + "; ".join(
                       f"{r.group}: {r.type_name} {prose.percent(r.share)}" for r in mix.itertuples()
                       if not prose.is_missing(r.share)) + ".")
    if not cross.notna().any():
        notes.append(f"No project in the file has partners from two or more of {p.names_of(p.countries)}, so only "
                     "the bar for all their projects is drawn.")
    return figure(chart, name="h2020-quadruple-helix", description=description,
                  data=mix.drop(columns=["order", "type_label"]).round(2), sources=[PARTICIPATIONS], notes=notes)


def bridges_chart(ch: CollaborationChapter):
    p = ch.params
    bridges = ch.bridges.copy()
    n_cross = len(collaboration.cross_border_projects(ch.pairs, ch.present))
    if bridges.empty:
        bridges = pd.DataFrame({"type_a": ["—"], "type_b": ["—"], "projects": [0]})
    bridges["pair"] = [f"{collaboration.SHORT_NAMES.get(a, a)} – {collaboration.SHORT_NAMES.get(b, b)}"
                       for a, b in zip(bridges["type_a"], bridges["type_b"])]
    bridges["share"] = [measures.share(n, n_cross) for n in bridges["projects"]]
    bridges["helix_mix"] = [("same type" if a == b else
                             ("within academia" if collaboration.HELIX.get(a) == collaboration.HELIX.get(b)
                              else "across helix strands"))
                            for a, b in zip(bridges["type_a"], bridges["type_b"])]
    top = bridges.iloc[0]
    if n_cross:
        a, b = top["type_a"], top["type_b"]
        link = (f"{collaboration.NOUNS[a].split(' (')[0].capitalize()} on both sides" if a == b else
                f"{collaboration.NOUNS[a].split(' (')[0].capitalize()} with {collaboration.NOUNS[b].split(' (')[0]}")
        title = (f"{link}: the most common link across {_borders(p)}, in {top['share']:.0f}% of "
                 f"{n_cross:,} cross-border projects")
    else:
        title = "No cross-border project among the selected countries"
    kinds = ["same type", "within academia", "across helix strands"]
    chart = alt.Chart(bridges).mark_bar().encode(
        y=alt.Y("pair:N", sort=list(bridges["pair"]), title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("projects:Q", title="Cross-border projects with this link"),
        color=alt.Color("helix_mix:N", title="Link", sort=kinds,
                        scale=alt.Scale(domain=kinds, range=[PALETTE[0], PALETTE[4], PALETTE[1]]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("pair:N", title="Types"), alt.Tooltip("projects:Q", title="Projects", format=","),
                 alt.Tooltip("share:Q", title="% of cross-border projects", format=".1f")],
    ).properties(title=title, width=520, height=alt.Step(18))
    notes = _coverage_note(ch) + _missing_note(ch) + [
        "A link: an organisation of the first type in one selected country and one of the second type in another "
        "selected country take part in the same project. A project can have several links."]
    description = (f"Bar chart of the {len(bridges)} combinations of organisation types that link two of "
                   f"{p.names_of(ch.present)} in the same project, out of {n_cross:,} cross-border projects. "
                   + "; ".join(f"{r.pair}: {r.projects:,}" for r in bridges.itertuples()) + ".")
    return figure(chart, name="h2020-border-bridges", description=description,
                  data=bridges[["type_a", "type_b", "pair", "helix_mix", "projects", "share"]].round(2),
                  sources=[PARTICIPATIONS], notes=notes)


def _keyword_projects(ch: CollaborationChapter) -> pd.DataFrame:
    frame = ch.keyword_subset.copy()
    frame["start"] = pd.to_datetime(frame["contract_start_date"], format="%d.%m.%Y %H:%M", errors="coerce")
    grouped = frame.groupby("project_id").agg(
        acronym=("project_acronym", "first"), title=("project_title", "first"),
        keyword_group=("keyword_group", "first"), start=("start", "min"),
        norwegian_partners=("organisation_name", "nunique"), granted_eur=("granted_amount_org_eur", "sum"),
        programme=("programme_name", "first")).reset_index()
    grouped["group"] = grouped["keyword_group"].map(KEYWORD_GROUPS).fillna(grouped["keyword_group"])
    grouped["start_year"] = grouped["start"].dt.year.astype("Int64")
    return grouped.sort_values(["start", "acronym", "project_id"]).reset_index(drop=True)


def keyword_chart(ch: CollaborationChapter):
    frame = _keyword_projects(ch)
    counts = frame.groupby(["start_year", "group"]).size().rename("projects").reset_index()
    groups = list(KEYWORD_GROUPS.values())
    n_both = int((frame["group"] == KEYWORD_GROUPS["culture_creative;ai"]).sum())
    title = (f"A title search finds {len(frame)} Norwegian Horizon 2020 projects on culture or AI; "
             f"{n_both} match{'es' if n_both == 1 else ''} both")
    chart = alt.Chart(counts).mark_bar().encode(
        x=alt.X("start_year:O", title="Contract start year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("projects:Q", title="Projects (keyword matches)"),
        color=alt.Color("group:N", title="Title or topic matches", sort=groups,
                        scale=alt.Scale(domain=groups, range=[PALETTE[3], PALETTE[0], "#000000"]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("start_year:O", title="Start year"), alt.Tooltip("group:N", title="Keywords"),
                 alt.Tooltip("projects:Q", title="Projects")],
    ).properties(title=alt.Title(title, subtitle="Illustration only: a keyword selection with known false positives"),
                 width=520, height=260)
    notes = ["Keyword selection made for the data snapshot (regular expressions on the project and topic titles), "
             "not an official classification: it has known false positives (for example a nanoscopy project called "
             "MUSICAL, 'thin-film' or 'game-changer' in titles) and misses projects whose titles use other words. "
             "Use it as a reading list, not as statistics.",
             "Source: the Research Council of Norway's list of Norwegian Horizon 2020 participations; no licence is "
             "stated in the source repository."]
    description = (f"Bar chart of {len(frame)} Norwegian Horizon 2020 projects whose title or topic matches culture "
                   "or AI keywords, by contract start year. " + "; ".join(
                       f"{int(r.start_year)} {r.group}: {r.projects}" for r in counts.itertuples()) + ".")
    return figure(chart, name="h2020-norway-keywords", description=description, data=counts,
                  sources=[KEYWORD_SUBSET], notes=notes)


def keyword_table(ch: CollaborationChapter, per_group: int = 8):
    """The projects matching both keyword groups, then the culture matches with the largest Norwegian grants."""
    frame = _keyword_projects(ch)
    picked = []
    for key in ("culture_creative;ai", "culture_creative"):
        group = frame[frame["keyword_group"] == key].sort_values(["granted_eur", "acronym"], ascending=[False, True])
        picked.append(group.head(per_group))
    table = pd.concat(picked, ignore_index=True)
    shown = pd.DataFrame({
        "Acronym": table["acronym"],
        "Project title": table["title"],
        "Keywords matched": table["keyword_group"].map({"culture_creative": "culture", "ai": "AI",
                                                         "culture_creative;ai": "culture and AI"}),
        "Start": table["start_year"].astype("string"),
        "Norwegian partners": table["norwegian_partners"],
        "Granted to Norwegian partners (EUR)": table["granted_eur"].map(lambda v: f"{v:,.0f}"),
    })
    return sourced_table(shown, name="h2020-norway-culture-projects",
                         title="Norwegian Horizon 2020 projects matching culture keywords (reading list, not statistics)",
                         sources=[KEYWORD_SUBSET],
                         notes=["Keyword matches include false positives; read the titles. Amounts are the grants to "
                                "the Norwegian partners only, as recorded by the Research Council of Norway."])
