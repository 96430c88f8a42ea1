"""Universities and partners in Horizon 2020 networks (``chapters/research_networks.ipynb``).

:func:`load` reads the CORDIS extract, the organisation names and the co-participation network;
:func:`findings` computes every number, name and flag the page shows, once; :func:`glued` formats the
short values the markdown pastes; the chart functions take the findings. The method (the extract's rule,
betweenness sampling, the affinity index, the name links) is described in ``appendix/methods.md``.

Nothing here names a country or a year: the selection and the window come from the parameters, the
extract's scope from :data:`research.CORDIS_SCOPE`, everything else from the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from .. import charts, collaboration, data, measures, networks, organisations, prose, research, tables
from ..cache import cached
from ..charts import CONTEXT_GREY, PALETTE, figure, message_figure
from ..params import ReportParams, country_name, group_label, join_names

PARTICIPATIONS = "cordis_h2020_participations_in_projects_with_nordic_partner"
PROJECTS = "cordis_h2020_projects_with_nordic_partner"
NAMES = "cordis_h2020_organisation_names_nordic"
NORWEGIAN_NAMES = "nfr_h2020_norwegian_participations"
KEYWORDS = "nfr_h2020_norwegian_participations_culture_ai_keyword_subset"
KEYWORD_COUNTRY = "NO"  # the Research Council of Norway's list covers Norwegian participations only
KEYWORD_GROUPS = {"culture_creative": "culture", "ai": "AI", "culture_creative;ai": "culture and AI"}

# The betweenness estimate: sampled source organisations, split into independent samples, and the seed.
BETWEENNESS_SOURCES = 40
BETWEENNESS_REPEATS = 2
BETWEENNESS_SEED = 2020
TOP_PER_COUNTRY = 5
MAIN_PARTNERS = 8
MIN_PROJECTS = 100  # start years with fewer projects are drawn but left out of the trend's comparison

# Whether the share of partner links inside the selection means what it says, by coverage.
INSIDE_VALIDITY = {"complete": "a fair measure, since the file covers these countries fully",
                   "partial": "not a fair measure here: the file covers these countries in part",
                   "mixed": "fair only for the countries the file covers fully",
                   "none": "not available: the file has none of these countries"}
# Columns of the findings table (the notes under it spell them out).
HES_FUNDING, HES_COORDINATIONS, INSIDE = "HES % of funds", "HES % of coordinations", "Links inside (%)"
TYPE_COLOURS = dict(zip(research.ORGANISATION_TYPES, [PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[5], PALETTE[3]]))
NO_TOPIC_NOTE = "The Horizon 2020 file has no project titles or topics: it covers all fields, not AI only."


# --- Inputs ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Inputs:
    params: ReportParams
    all_rows: pd.DataFrame        # every row of the extract with the project's start year, third parties included
    participations: pd.DataFrame  # coordinators and participants only
    projects: pd.DataFrame
    names: pd.DataFrame           # organisations.name_table: PIC, register spelling, readable name, source
    centrality: pd.DataFrame      # degree and estimated betweenness of every organisation
    keywords: pd.DataFrame
    vintage: str


def network(participations: pd.DataFrame) -> pd.DataFrame:
    """Degree and estimated betweenness of every organisation; the graph's size in ``attrs``.

    It depends on the file only, not on the countries selected, so it can be computed once and reused."""
    graph = networks.co_participation_graph(participations)
    result = networks.centrality(graph, k=BETWEENNESS_SOURCES, seed=BETWEENNESS_SEED, repeats=BETWEENNESS_REPEATS)
    result.attrs.update(edges=graph.number_of_edges(), giant=networks.largest_component_size(graph))
    return result


def extract_participations(projects: pd.DataFrame) -> pd.DataFrame:
    return research.participations(data.load(PARTICIPATIONS), projects)


# Keyed by the files' digests: joblib hashing the 75 000-row table as an argument took longer than the search.
@cached(resources=(PARTICIPATIONS, PROJECTS))
def extract_network() -> pd.DataFrame:
    """:func:`network` of the extract's beneficiaries, computed once per snapshot and code version."""
    return network(research.beneficiaries(extract_participations(data.load(PROJECTS))))


def load(params: ReportParams, centrality: pd.DataFrame | None = None) -> Inputs:
    projects = data.load(PROJECTS)
    everything = extract_participations(projects)
    beneficiaries = research.beneficiaries(everything)
    linked = research.link_organisation_names(beneficiaries, projects, data.load(NORWEGIAN_NAMES))
    return Inputs(params=params, all_rows=everything, participations=beneficiaries, projects=projects,
                  names=organisations.name_table(data.load(NAMES), linked),
                  centrality=extract_network() if centrality is None else centrality,
                  keywords=data.load(KEYWORDS), vintage=data.resource(PARTICIPATIONS).vintage or "")


# --- Findings -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Findings:
    params: ReportParams
    vintage: str
    snapshot_year: int | None
    complete: tuple[str, ...]     # selected countries inside the extract's scope: all their projects are in it
    partial: tuple[str, ...]      # selected countries outside it: only their projects with a scope partner
    missing: tuple[str, ...]      # selected countries with no participation in the file
    n_rows: int
    n_participations: int
    n_projects: int
    n_organisations: int
    scope_coverage: float
    overview: pd.DataFrame        # one row per present country: the findings table
    by_type: pd.DataFrame         # participations and funding by type, selected countries and everyone
    hes_funding: tuple[float, float]   # lowest and highest share of funding to higher education
    n_hes_lead: int               # countries where higher education gets the largest share of the funding
    n_coord_larger: int           # countries where universities coordinate more than they take part
    types: pd.DataFrame           # networks.summary_by organisation type
    n_edges: int
    n_giant: int
    top: pd.DataFrame             # the best-connected organisations per country, named or described
    named_share: float            # share of the selected countries' participations whose organisation is named
    matrix: pd.DataFrame
    partners: tuple[str, ...]
    inside_share: float           # share of the region's links to other countries that go to another of them
    affinity: pd.DataFrame        # one row per ordered pair of present countries
    intra_affinity: float
    trend: pd.DataFrame
    helix: pd.DataFrame
    keyword_projects: pd.DataFrame

    @property
    def present(self) -> list[str]:
        return [*self.complete, *self.partial]

    @property
    def coverage(self) -> str:
        """'complete', 'partial' or 'mixed' coverage of the present countries ('none' without any)."""
        if not self.present:
            return "none"
        return "complete" if not self.partial else ("partial" if not self.complete else "mixed")


def findings(inputs: Inputs) -> Findings:
    p, parts = inputs.params, inputs.participations
    pairs = collaboration.project_countries(parts)
    matrix = collaboration.co_participation(pairs)
    present = [c for c in p.countries if c in matrix.index]
    complete = tuple(c for c in present if c in research.CORDIS_SCOPE)
    by_type = _by_type(parts, p.countries)
    funded = by_type[(by_type["type"] == research.UNIVERSITY_TYPE) & by_type["ec_share"].notna()
                     & (by_type["geo"] != "ALL")]
    leaders = by_type[by_type["geo"] != "ALL"].dropna(subset=["ec_share"]).sort_values(
        ["geo", "ec_share", "type"], ascending=[True, False, True]).drop_duplicates("geo")
    coord = research.coordinator_shares(parts, p.countries)
    coord = coord[coord["coordinations"] > 0]
    mine = inputs.centrality[inputs.centrality["country"].isin(p.countries)]
    named = mine["node"].isin(inputs.names["organisation_pic"])
    start_year = inputs.projects.set_index("project_rcn")["start_date"].pipe(pd.to_datetime).dt.year
    return Findings(
        params=p, vintage=inputs.vintage, snapshot_year=research.snapshot_year(inputs.vintage), complete=complete,
        partial=tuple(c for c in present if c not in complete),
        missing=tuple(c for c in p.countries if c not in present),
        n_rows=len(inputs.all_rows), n_participations=len(parts), n_projects=parts["project_rcn"].nunique(),
        n_organisations=parts["organisation_pic"].nunique(), scope_coverage=research.scope_coverage(inputs.all_rows),
        overview=_overview(p, parts, matrix, present, coord, by_type),
        by_type=by_type,
        hes_funding=(float(funded["ec_share"].min()), float(funded["ec_share"].max())) if len(funded)
        else (float("nan"), float("nan")),
        n_hes_lead=int((leaders["type"] == research.UNIVERSITY_TYPE).sum()),
        n_coord_larger=int((coord["share_of_coordinations"] > coord["share_of_participations"]).sum()),
        types=networks.summary_by(inputs.centrality, "activity_type", order=list(research.ORGANISATION_TYPES)),
        n_edges=int(inputs.centrality.attrs.get("edges", 0)), n_giant=int(inputs.centrality.attrs.get("giant", 0)),
        top=_top_organisations(p, inputs.centrality, inputs.names),
        named_share=measures.share(mine.loc[named, "participations"].sum(), mine["participations"].sum()),
        matrix=matrix, partners=tuple(collaboration.main_partners(matrix, present, MAIN_PARTNERS)),
        inside_share=_inside_share(matrix, present),
        affinity=_affinity_pairs(matrix, present),
        intra_affinity=collaboration.block_affinity(matrix, present)["index"],
        trend=_trend(p, pairs, start_year, present, research.snapshot_year(inputs.vintage)),
        helix=collaboration.helix_mix(parts, present),
        keyword_projects=_keyword_projects(inputs.keywords))


def _by_type(parts: pd.DataFrame, codes) -> pd.DataFrame:
    everyone = research.by_organisation_type(parts.assign(country="ALL"), ["ALL"]).assign(
        name="All participants in these projects")
    return pd.concat([research.by_organisation_type(parts, codes), everyone], ignore_index=True)


def _inside_share(matrix: pd.DataFrame, codes) -> float:
    """Of the projects each present country shares with another country, summed over the countries: the share
    shared with another of ``codes`` (the region's partner links that stay inside it)."""
    links = collaboration.link_totals(matrix)
    codes = list(codes)
    if len(codes) < 2:
        return float("nan")
    inside = sum(float(matrix.loc[c, [o for o in codes if o != c]].sum()) for c in codes)
    return measures.share(inside, float(links[codes].sum()))


def _overview(p, parts, matrix, present, coord, by_type) -> pd.DataFrame:
    """The findings table: one row per present country."""
    overview = research.country_overview(parts, present).set_index("geo")
    hes = by_type[by_type["type"] == research.UNIVERSITY_TYPE].set_index("geo")
    coord = coord.set_index("geo")
    rows = []
    for c in present:
        others = matrix.loc[c].drop(index=c)
        top = sorted(others.items(), key=lambda item: (-item[1], item[0]))[0][0] if others.sum() else None
        rows.append({"geo": c, "Country": country_name(c), "Participations": int(overview.loc[c, "participations"]),
                     "Organisations": int(overview.loc[c, "organisations"]),
                     "EU funds (€m)": _rounded(overview.loc[c, "ec_contribution_eur"] / 1e6, 0),
                     HES_FUNDING: _rounded(hes.loc[c, "ec_share"], 1),
                     HES_COORDINATIONS: _rounded(coord.loc[c, "share_of_coordinations"], 1) if c in coord.index
                     else None,
                     "Top partner": country_name(top) if top else "none",
                     INSIDE: _rounded(_country_inside(matrix, c, present), 1),
                     "Coverage": "complete" if c in research.CORDIS_SCOPE else "partial"})
    return pd.DataFrame(rows)


def _rounded(value, digits: int):
    """Rounded as the page shows it; None (an empty cell, 'no data') where the file records nothing."""
    return None if prose.is_missing(value) else prose.as_charted(value, digits)


def _country_inside(matrix: pd.DataFrame, code: str, present) -> float:
    others = [o for o in present if o != code]
    total = float(collaboration.link_totals(matrix)[code])
    return measures.share(float(matrix.loc[code, others].sum()), total) if others else float("nan")


def _top_organisations(p: ReportParams, centrality: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    mine = centrality[centrality["country"].isin(p.countries)]
    top = networks.top_nodes(mine, "country", p.countries, TOP_PER_COUNTRY, by="degree")
    register = names.set_index("organisation_pic")["register_name"]
    top = top.assign(country_name=top["country"].map(country_name),
                     label=organisations.labels(top, names).to_numpy(),
                     register_name=top["node"].map(register),
                     type_name=top["activity_type"].map(research.ORGANISATION_TYPES),
                     betweenness_percent=top["betweenness"] * 100)
    return top[["country", "country_name", "rank_in_group", "node", "label", "register_name", "activity_type",
                "type_name", "participations", "degree", "betweenness_percent"]]


def _affinity_pairs(matrix: pd.DataFrame, present) -> pd.DataFrame:
    index = collaboration.pair_affinity(matrix, present)
    expected = collaboration.expected_links(matrix)
    rows = [{"row": r, "row_name": country_name(r), "column": c, "column_name": country_name(c),
             "observed": int(matrix.loc[r, c]), "expected": round(float(expected.loc[r, c] + expected.loc[c, r]) / 2, 1),
             "affinity": round(float(index.loc[r, c]), 3)} for r in present for c in present if r != c]
    return pd.DataFrame(rows, columns=["row", "row_name", "column", "column_name", "observed", "expected", "affinity"])


def _trend(p, pairs, start_year, present, snapshot_year) -> pd.DataFrame:
    trend = collaboration.regional_trend(pairs, start_year, present)
    trend = trend[trend["year"].between(p.year_start, p.year_end)].copy()
    trend["status"] = ["incomplete year" if snapshot_year and y > snapshot_year else
                       ("complete year" if n >= MIN_PROJECTS else f"under {MIN_PROJECTS} projects")
                       for y, n in zip(trend["year"], trend["projects"])]
    return trend.reset_index(drop=True)


def _keyword_projects(subset: pd.DataFrame) -> pd.DataFrame:
    frame = subset.assign(start=pd.to_datetime(subset["contract_start_date"], format="%d.%m.%Y %H:%M",
                                               errors="coerce"))
    grouped = frame.groupby("project_id").agg(
        acronym=("project_acronym", "first"), title=("project_title", "first"),
        keyword_group=("keyword_group", "first"), start=("start", "min"),
        norwegian_partners=("organisation_name", "nunique"), granted_eur=("granted_amount_org_eur", "sum")
    ).reset_index()
    grouped["group"] = grouped["keyword_group"].map(KEYWORD_GROUPS).fillna(grouped["keyword_group"])
    grouped["start_year"] = grouped["start"].dt.year.astype("Int64")
    return grouped.sort_values(["start", "acronym", "project_id"]).reset_index(drop=True)


# --- Short values for the text --------------------------------------------------------------------------------

def scope_names(conjunction: str = "and") -> str:
    return join_names([country_name(c) for c in research.CORDIS_SCOPE], conjunction)


def coverage_flag(f: Findings) -> str:
    """The one flag the page raises about the extract's coverage of the selected countries."""
    return {"complete": "Complete: every Horizon 2020 project of these countries is in the file.",
            "partial": "Partial: only their projects with a partner from the extract's countries.",
            "mixed": f"Mixed: complete for {f.params.names_of(f.complete)}, partial for "
                     f"{f.params.names_of(f.partial)}.",
            "none": "None: the file has no participation of these countries."}[f.coverage]


def solid_trend(f: Findings) -> pd.DataFrame:
    return f.trend[f.trend["status"] == "complete year"]


def helix_shift(f: Findings) -> tuple[str | None, float]:
    """The type whose share rises most in the cross-border projects, and by how many points."""
    cross = f.helix[f.helix["group"] == "cross-border projects"].set_index("activity_type")["share"]
    overall = f.helix[f.helix["group"] == "all projects"].set_index("activity_type")["share"]
    difference = (cross - overall).dropna().sort_values()
    return (difference.index[-1], float(difference.iloc[-1])) if len(difference) else (None, float("nan"))


def glued(f: Findings) -> dict[str, str]:
    """Every short value the page pastes, formatted once."""
    p, hes = f.params, f.types.set_index("activity_type").loc[research.UNIVERSITY_TYPE]
    solid = solid_trend(f)
    up, up_points = helix_shift(f)
    best = f.affinity.sort_values(["affinity", "row_name", "column_name"], ascending=[False, True, True])
    top_hes = f.top[(f.top["rank_in_group"] == 1)]
    counts = f.keyword_projects["group"].value_counts()
    n_cross = int(f.helix.loc[f.helix["group"] == "cross-border projects", "projects"].max() or 0)
    return {
        "region_name": p.region_name, "group_label": group_label(p), "scope_names": scope_names(),
        "h2020_vintage": f.vintage, "coverage_flag": coverage_flag(f),
        "n_participations": f"{prose.number(f.n_participations, 0)} participations",
        "n_projects": f"{prose.number(f.n_projects, 0)} projects",
        "n_organisations": f"{prose.number(f.n_organisations, 0)} organisations",
        "n_third_parties": f"{prose.number(f.n_rows - f.n_participations, 0)} rows",
        "scope_coverage": prose.percent(f.scope_coverage),
        "missing_names": p.names_of(f.missing) if f.missing else "none",
        "hes_funding_range": _range(*f.hes_funding),
        "n_hes_lead": _of(f.n_hes_lead, len(f.present)),
        "n_coord_larger": _of(f.n_coord_larger, int(f.overview[HES_COORDINATIONS]
                                                    .notna().sum()) if len(f.overview) else 0),
        "n_edges": f"{prose.number(f.n_edges, 0)} links", "n_giant": f"{prose.number(f.n_giant, 0)} organisations",
        "bc_sources": str(BETWEENNESS_SOURCES),
        "hes_org_share": prose.percent(hes["organisation_share"]),
        "hes_participation_share": prose.percent(hes["participation_share"]),
        "hes_betweenness_share": prose.percent(hes["betweenness_share"]),
        "hes_mean_degree": prose.number(hes["mean_degree"], 0),
        "n_top_hes": _of(int((top_hes["activity_type"] == research.UNIVERSITY_TYPE).sum()), len(top_hes)),
        "n_top5_hes": _of(int((f.top["activity_type"] == research.UNIVERSITY_TYPE).sum()), len(f.top)),
        "named_share": prose.percent(f.named_share),
        "partners_list": p.names_of(f.partners) if f.partners else "none",
        "inside_share": prose.percent(f.inside_share), "inside_validity": INSIDE_VALIDITY[f.coverage],
        "intra_affinity": prose.number(f.intra_affinity, 2),
        "closest_pair": (f"{best.iloc[0]['row_name']}–{best.iloc[0]['column_name']} "
                         f"({prose.number(best.iloc[0]['affinity'], 2)})" if len(best) and best.iloc[0]["observed"]
                         else "none: no two of them share a project"),
        "trend_first": _trend_point(solid, 0), "trend_last": _trend_point(solid, -1),
        "n_cross_border": prose.number(n_cross, 0),
        "helix_up": collaboration.NOUNS[up].split(" (")[0] if up else "no type",
        "helix_up_points": prose.points(up_points),
        "kw_projects": str(len(f.keyword_projects)), "kw_culture": str(int(counts.get("culture", 0))),
        "kw_ai": str(int(counts.get("AI", 0))), "kw_both": str(int(counts.get("culture and AI", 0))),
        "kw_country": country_name(KEYWORD_COUNTRY),
    }


def _of(k: int, n: int) -> str:
    """'3 of 5', 'all 5', 'both'; 'none' when there is nothing to count."""
    if n == 0:
        return "none"
    return "both" if k == n == 2 else (f"all {n}" if k == n and n > 1 else f"{k} of {n}")


def _range(low: float, high: float) -> str:
    if prose.is_missing(low):
        return "not available"
    return prose.percent(low) if prose.as_charted(low, 1) == prose.as_charted(high, 1) else \
        f"{prose.percent(low)} to {prose.percent(high)}"


def _trend_point(solid: pd.DataFrame, i: int) -> str:
    return f"{prose.percent(solid.iloc[i]['share'])} in {int(solid.iloc[i]['year'])}" if len(solid) else \
        "not available"


def _cell(pattern: str):
    """A number as the table shows it; 'no data' where the file records none."""
    return lambda v: charts.NO_DATA_LABEL if prose.is_missing(v) else pattern.format(v)


TABLE_FORMATS = {"Participations": _cell("{:,.0f}"), "EU funds (€m)": _cell("{:,.0f}"), HES_FUNDING: _cell("{:.1f}"),
                 HES_COORDINATIONS: _cell("{:.1f}"), INSIDE: _cell("{:.1f}")}


def findings_table(f: Findings):
    """The findings per country as a small table (the CSV download holds the same rows)."""
    if f.overview.empty:
        return _none_chart(f, "h2020-findings", f"No Horizon 2020 participation of the {group_label(f.params)}")
    shown = f.overview.drop(columns=["geo", "Organisations"])  # the download keeps both
    return tables.table(shown, name="h2020-findings", title=f"Horizon 2020 at a glance: the {group_label(f.params)}",
                        columns=[tables.Column(c, c, format=TABLE_FORMATS.get(c), numeric=c in TABLE_FORMATS)
                                 for c in shown.columns], data=f.overview,
                        sources=[PARTICIPATIONS, PROJECTS], compact=True,
                        notes=[f"HES: higher-education institutions. {INSIDE}: the share of the country's links to "
                               "partner countries (shared projects, counted per partner country) that go to another "
                               "selected country. Top partner: the country it shares most projects with.",
                               *_coverage_notes(f, rule=True)])


# --- Charts ---------------------------------------------------------------------------------------------------

def _coverage_notes(f: Findings, rule: bool = False) -> list[str]:
    """What the file lacks for the selected countries; with ``rule``, the extract's rule first (stated once,
    under the findings table: the page's coverage box says it too)."""
    notes = [f"The file holds only Horizon 2020 projects with a partner from {scope_names('or')} "
             f"({f.vintage})."] if rule else []
    if f.partial:
        notes.append(f"Partial coverage for {f.params.names_of(f.partial)}: only projects with a partner from "
                     f"{scope_names('or')}.")
    if f.missing:
        notes.append(f"No participation of {f.params.names_of(f.missing)} in the file.")
    return notes


def _none_chart(f: Findings, name: str, title: str, need_two: bool = False):
    p = f.params
    if not f.present:
        reason = f"The Horizon 2020 file has no participation of {p.names_of(p.countries)}."
    elif need_two and len(f.present) < 2:
        reason = f"This needs two or more selected countries in the file; only {p.names_of(f.present)} is there."
    else:
        reason = prose.outside_years("Horizon 2020 file (projects by start year)", f.trend["year"],
                                     p.year_start, p.year_end)
    return message_figure(name, title, f"{reason} Nothing is drawn.", [PARTICIPATIONS], _coverage_notes(f))


def _type_colour(title: str = "Type of organisation") -> alt.Color:
    kinds = list(research.ORGANISATION_TYPES)
    return alt.Color("type_name:N", title=title,
                     scale=alt.Scale(domain=[research.ORGANISATION_TYPES[k] for k in kinds],
                                     range=[TYPE_COLOURS[k] for k in kinds]),
                     legend=alt.Legend(orient="bottom", columns=3))


def type_chart(f: Findings):
    if not f.present:
        return _none_chart(f, "h2020-by-organisation-type", "No Horizon 2020 participation of the selected countries")
    table = f.by_type
    long = pd.concat([
        table.assign(measure="Participations", share=table["participation_share"], count=table["participations"]),
        table.assign(measure="EU contribution", share=table["ec_share"], count=table["ec_contribution_eur"]),
    ], ignore_index=True)[["geo", "name", "measure", "type", "type_name", "count", "share"]]
    long["type_order"] = long["type"].map({k: i for i, k in enumerate(research.ORGANISATION_TYPES)})
    title = (f"Higher education takes {_range(*f.hes_funding)} of the {group_label(f.params)}' Horizon 2020 "
             "funding" if not prose.is_missing(f.hes_funding[0]) else
             "Horizon 2020 participations and funding by type of organisation")
    order = [*f.overview["Country"], "All participants in these projects"]
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y("name:N", sort=order, title=None),
        x=alt.X("share:Q", title="Share of the country's total (%)", stack="zero", scale=alt.Scale(domain=[0, 100])),
        color=_type_colour(), order=alt.Order("type_order:Q"),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("type_name:N", title="Type"), alt.Tooltip("share:Q", title="Share (%)", format=".1f")],
    ).properties(width=250, height=alt.Step(24)).facet(
        column=alt.Column("measure:N", title=None, sort=["Participations", "EU contribution"])
    ).properties(title=alt.Title(title, subtitle=f"Higher education in {charts.colour_name(TYPE_COLOURS['HES'])}"))
    description = ("Stacked bars of each selected country's Horizon 2020 participations and EU contribution by type "
                   "of organisation. " + "; ".join(
                       f"{r.name}: higher education {prose.percent(r.participation_share)} of participations, "
                       f"{prose.percent(r.ec_share, missing='no recorded share')} of funding"
                       for r in table[table["type"] == research.UNIVERSITY_TYPE].itertuples()) + ".")
    return figure(chart, name="h2020-by-organisation-type", description=description,
                  data=long.drop(columns="type_order"), sources=[PARTICIPATIONS],
                  notes=[NO_TOPIC_NOTE, *_coverage_notes(f)])


def network_type_chart(f: Findings):
    summary = f.types.assign(type_name=f.types["activity_type"].map(research.ORGANISATION_TYPES))
    labels = {"organisation_share": "Share of organisations", "participation_share": "Share of participations",
              "betweenness_share": "Share of brokerage (betweenness)"}
    colours = [CONTEXT_GREY, PALETTE[4], PALETTE[0]]
    long = summary.melt(id_vars=["activity_type", "type_name", "organisations", "mean_degree"],
                        value_vars=list(labels), var_name="key", value_name="share")
    long["measure"] = long.pop("key").map(labels)
    hes = summary.set_index("activity_type").loc[research.UNIVERSITY_TYPE]
    title = (f"Universities are {prose.percent(hes['organisation_share'], 0)} of the organisations but broker an "
             f"estimated {prose.percent(hes['betweenness_share'], 0)} of the shortest paths")
    subtitle = "; ".join(f"{charts.colour_name(c)}: {m.lower()}" for m, c in zip(labels.values(), colours))
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y("type_name:N", sort=list(research.ORGANISATION_TYPES.values()), title=None),
        yOffset=alt.YOffset("measure:N", sort=list(labels.values())),
        x=alt.X("share:Q", title="Share of the whole network (%)"),
        color=alt.Color("measure:N", title=None, sort=list(labels.values()),
                        scale=alt.Scale(domain=list(labels.values()), range=colours), legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("type_name:N", title="Type"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("share:Q", title="Share (%)", format=".1f")],
    ).properties(title=alt.Title(title, subtitle=subtitle), width=520, height=alt.Step(16))
    description = ("Grouped bars comparing each type of organisation's share of the organisations, participations "
                   "and estimated brokerage (betweenness) in the network. " + "; ".join(
                       f"{r.type_name}: {r.organisation_share:.1f}%, {r.participation_share:.1f}%, "
                       f"{r.betweenness_share:.1f}%" for r in summary.itertuples()) + ".")
    spread = join_names([prose.percent(hes[c]) for c in summary.columns if c.startswith("betweenness_share_")])
    notes = [f"Betweenness estimated from {BETWEENNESS_SOURCES} sampled organisations in "
             f"{BETWEENNESS_REPEATS} samples; higher education's share in each: {spread} (see the methods appendix)."]
    return figure(chart, name="network-centrality-by-type", description=description, data=long,
                  sources=[PARTICIPATIONS], notes=notes)


def top_organisations_chart(f: Findings):
    top = f.top
    if top.empty:
        return _none_chart(f, "network-top-organisations", "No organisation of the selected countries in the network")
    universities = int((top["activity_type"] == research.UNIVERSITY_TYPE).sum())
    countries = [country_name(c) for c in f.params.countries if c in set(top["country"])]
    chart = alt.Chart(top).mark_bar().encode(
        y=alt.Y("label:N", sort=alt.EncodingSortField("degree", order="descending"), title=None,
                axis=alt.Axis(labelLimit=0)),
        x=alt.X("degree:Q", title="Partners in Horizon 2020 projects (degree)"),
        color=_type_colour(),
        tooltip=[alt.Tooltip("label:N", title="Organisation"), alt.Tooltip("type_name:N", title="Type"),
                 alt.Tooltip("participations:Q", title="Participations"),
                 alt.Tooltip("degree:Q", title="Partners", format=",")],
    ).properties(width=300, height=alt.Step(18)).facet(
        row=alt.Row("country_name:N", title=None, sort=countries,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold"))
    ).resolve_scale(y="independent").properties(title=alt.Title(
        f"Universities are {_of(universities, len(top))} of the best-connected organisations of the "
        f"{group_label(f.params)}",
        subtitle=f"Top {TOP_PER_COUNTRY} per country by number of partners; universities in "
                 f"{charts.colour_name(TYPE_COLOURS['HES'])}"))
    description = (f"Bars of the {TOP_PER_COUNTRY} organisations with the most partners in each selected country. "
                   + "; ".join(f"{r.country_name} {r.rank_in_group}: {r.label} ({r.type_name}), {r.degree:,} partners"
                               for r in top.itertuples()) + ".")
    notes = ["Names: the CORDIS register of Nordic organisations, then the Research Council of Norway's list "
             "(see the methods appendix); shown in readable case, the download keeps the register's spelling. "
             "Organisations without a name are described by type and country.", *_coverage_notes(f)]
    return figure(chart, name="network-top-organisations", description=description, data=top,
                  sources=[PARTICIPATIONS, NAMES, NORWEGIAN_NAMES], notes=notes)


def coparticipation_chart(f: Findings):
    if not f.present:
        return _none_chart(f, "h2020-co-participation", "No Horizon 2020 participation of the selected countries")
    rows, columns, m = f.present, [*f.present, *f.partners], f.matrix
    frame = pd.DataFrame([{"row": r, "row_name": country_name(r), "column": c, "column_name": country_name(c),
                           "projects": int(m.loc[r, c]), "row_projects": int(m.loc[r, r]),
                           "percent_of_row": None if r == c else round(measures.share(int(m.loc[r, c]),
                                                                                       int(m.loc[r, r])), 2),
                           "cell": "own projects" if r == c else "partner"} for r in rows for c in columns])
    leader = f.overview["Top partner"].value_counts()
    title = (f"{leader.index[0]} is the most frequent Horizon 2020 partner of {_of(int(leader.iloc[0]), len(rows))} "
             f"{group_label(f.params)}")
    base = alt.Chart(frame).encode(
        x=alt.X("column_name:N", sort=[country_name(c) for c in columns], title="Partner country",
                axis=alt.Axis(orient="top", labelAngle=-40, labelLimit=0)),
        y=alt.Y("row_name:N", sort=[country_name(c) for c in rows], title=None))
    cells = base.transform_filter(alt.datum.cell != "own projects").mark_rect().encode(
        color=alt.Color("percent_of_row:Q", title="% of the row country's projects",
                        scale=alt.Scale(scheme="blues", domainMin=0),
                        legend=alt.Legend(orient="bottom", direction="horizontal", titleLimit=0)),
        tooltip=[alt.Tooltip("row_name:N", title="Country"), alt.Tooltip("column_name:N", title="Partner"),
                 alt.Tooltip("projects:Q", title="Shared projects", format=",")])
    own = base.transform_filter(alt.datum.cell == "own projects").mark_rect(color="#F2F2F2", stroke="#BBBBBB")
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("projects:Q", format=","),
        color=alt.condition(alt.datum.percent_of_row > 25, alt.value("white"), alt.value("#222222")))
    chart = alt.layer(cells, own, text).properties(
        title=alt.Title(title, subtitle="Shared projects; darker blue: a larger share of the row country's projects; "
                                        "grey diagonal: the country's own projects"),
        width=alt.Step(44), height=alt.Step(32))
    description = ("Heat map of Horizon 2020 projects shared between each selected country (rows) and the others "
                   "and main partners (columns). " + " ".join(
                       f"{country_name(r)}: {int(m.loc[r, r]):,} projects; " + ", ".join(
                           f"{country_name(c)} {int(m.loc[r, c]):,}" for c in columns if c != r) + "." for r in rows))
    return figure(chart, name="h2020-co-participation", description=description, data=frame,
                  sources=[PARTICIPATIONS], notes=_coverage_notes(f))


def affinity_chart(f: Findings):
    frame = f.affinity
    if frame.empty:
        return _none_chart(f, "h2020-affinity", "No affinity index: it compares pairs of selected countries", True)
    names = [country_name(c) for c in f.present]
    best = frame.sort_values(["affinity", "row_name", "column_name"], ascending=[False, True, True]).iloc[0]
    spread = max(abs(1 - float(frame["affinity"].min())), abs(float(frame["affinity"].max()) - 1), 0.1)
    title = (f"{best['row_name']} and {best['column_name']} share the most projects relative to their overall "
             f"collaboration: affinity index {prose.number(best['affinity'], 2)}" if best["observed"] else
             f"{join_names(names)} share no Horizon 2020 project in the file: affinity index 0")
    base = alt.Chart(frame).encode(
        x=alt.X("column_name:N", sort=names, title="Partner country", axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("row_name:N", sort=names, title=None))
    cells = base.mark_rect().encode(
        color=alt.Color("affinity:Q", title=["Affinity index", "(1 = as expected)"],
                        scale=alt.Scale(scheme="blueorange", reverse=True, domainMid=1,
                                        domain=[1 - spread, 1 + spread])),
        tooltip=[alt.Tooltip("row_name:N", title="Country"), alt.Tooltip("column_name:N", title="Partner"),
                 alt.Tooltip("observed:Q", title="Shared projects", format=","),
                 alt.Tooltip("affinity:Q", title="Affinity index", format=".2f")])
    text = base.mark_text(fontSize=12).encode(text=alt.Text("affinity:Q", format=".2f"))
    chart = alt.layer(cells, text).properties(
        title=alt.Title(title, subtitle=f"Shared projects ÷ expected; {charts.colour_name(PALETTE[0])}: more than "
                                        f"expected, {charts.colour_name(PALETTE[1])}: fewer"),
        width=alt.Step(90), height=alt.Step(40))
    description = ("Heat map of the affinity index (observed ÷ expected shared projects) for each pair of "
                   f"{join_names(names)}. " + "; ".join(
                       f"{r.row_name}–{r.column_name} {r.affinity:.2f} ({r.observed:,} shared, {r.expected:,.0f} "
                       "expected)" for r in frame.itertuples() if r.row < r.column) + ".")
    notes = _coverage_notes(f) + (["For pairs of countries inside the extract's scope the index is a lower bound "
                                   "(see the methods appendix)."] if f.complete else [])
    return figure(chart, name="h2020-affinity", description=description, data=frame, sources=[PARTICIPATIONS],
                  notes=notes)


def trend_chart(f: Findings):
    trend, solid = f.trend, solid_trend(f)
    if trend.empty or len(f.present) < 2:
        return _none_chart(f, "h2020-regional-trend", "No trend of projects shared by two or more selected countries",
                           True)
    title = (f"{prose.percent(solid.iloc[-1]['share'], 0)} of the {group_label(f.params)}' projects starting in "
             f"{int(solid.iloc[-1]['year'])} had partners from two or more of them, against "
             f"{prose.percent(solid.iloc[0]['share'], 0)} in {int(solid.iloc[0]['year'])}" if len(solid) else
             f"Projects with partners from two or more {group_label(f.params)}, by start year")
    statuses = ["complete year", f"under {MIN_PROJECTS} projects", "incomplete year"]
    colours = [PALETTE[0], CONTEXT_GREY, PALETTE[5]]
    base = alt.Chart(trend).encode(x=alt.X("year:O", title="Project start year", axis=alt.Axis(labelAngle=0)))
    line = base.transform_filter(alt.datum.status == "complete year").mark_line(color=PALETTE[0]).encode(
        y=alt.Y("share:Q", title="% of projects", scale=alt.Scale(zero=True)))
    points = base.mark_point(size=80, filled=True).encode(
        y="share:Q", color=alt.Color("status:N", title=None, scale=alt.Scale(domain=statuses, range=colours),
                                     legend=alt.Legend(orient="top")),
        shape=alt.Shape("status:N", title=None, scale=alt.Scale(domain=statuses,
                                                                range=["circle", "square", "triangle-up"])),
        tooltip=[alt.Tooltip("year:O", title="Start year"), alt.Tooltip("projects:Q", title="Projects", format=","),
                 alt.Tooltip("share:Q", title="%", format=".1f")])
    subtitle = ", ".join(f"{charts.colour_name(c)}: {s}" for s, c in zip(statuses, colours))
    chart = alt.layer(line, points).properties(title=alt.Title(title, subtitle=subtitle), width=560, height=300)
    description = ("Line chart of the share of the selected countries' projects with partners from two or more of "
                   "them, by start year. " + "; ".join(f"{int(r.year)}: {r.share:.1f}% of {r.projects:,} projects "
                                                      f"({r.status})" for r in trend.itertuples()) + ".")
    return figure(chart, name="h2020-regional-trend", description=description, data=trend.round(2),
                  sources=[PARTICIPATIONS, PROJECTS], notes=_coverage_notes(f))


def helix_chart(f: Findings):
    mix = f.helix.assign(order=f.helix["activity_type"].map({t: i for i, t in enumerate(research.ORGANISATION_TYPES)}),
                         type_name=f.helix["activity_type"].map(research.ORGANISATION_TYPES))
    if not f.present:
        return _none_chart(f, "h2020-quadruple-helix", "No Horizon 2020 participation of the selected countries")
    mix["projects_label"] = mix["group"].map({"all projects": f"All projects of the {group_label(f.params)}",
                                              "cross-border projects": f"Projects with 2+ {group_label(f.params)}"})
    up, points = helix_shift(f)
    title = (f"{collaboration.NOUNS[up].split(' (')[0].capitalize()} weigh {prose.number(points, 1)} percentage "
             f"points more where the "
             f"{group_label(f.params)}' projects cross their borders" if up else
             f"Organisation types in the projects of the {group_label(f.params)}")
    chart = alt.Chart(mix).mark_bar().encode(
        y=alt.Y("projects_label:N", title=None, sort=list(mix["projects_label"].drop_duplicates())),
        x=alt.X("share:Q", title="% of participations from the selected countries", stack="normalize",
                axis=alt.Axis(format="%")),
        color=_type_colour(), order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("type_name:N", title="Type"), alt.Tooltip("share:Q", title="%", format=".1f")],
    ).properties(title=alt.Title(title, subtitle="HES and REC are academia, PRC industry, PUB government; OTH is "
                                                 "closest to civil society"), width=560, height=alt.Step(40))
    description = ("Stacked bars of the organisation types of the selected countries' participations, in all their "
                   "projects and in projects with partners from two or more of them. " + "; ".join(
                       f"{r.group}: {r.type_name} {prose.percent(r.share)}" for r in mix.itertuples()
                       if not prose.is_missing(r.share)) + ".")
    return figure(chart, name="h2020-quadruple-helix", description=description,
                  data=mix.drop(columns=["order", "projects_label"]).round(2), sources=[PARTICIPATIONS],
                  notes=_coverage_notes(f))


def keyword_table(f: Findings, per_group: int = 8):
    """The projects matching both keyword groups, then the culture matches with the largest Norwegian grants."""
    frame = f.keyword_projects
    picked = [frame[frame["keyword_group"] == key].sort_values(["granted_eur", "acronym"], ascending=[False, True])
              .head(per_group) for key in ("culture_creative;ai", "culture_creative")]
    table = pd.concat(picked, ignore_index=True)
    shown = pd.DataFrame({"Acronym": table["acronym"], "Project title": table["title"],
                          "Keywords matched": table["group"], "Start": table["start_year"].astype("string"),
                          "Norwegian partners": table["norwegian_partners"],
                          "Granted to Norwegian partners (EUR)": table["granted_eur"].map(lambda v: f"{v:,.0f}")})
    return tables.table(shown, name="h2020-norway-culture-projects",
                        title="Norwegian Horizon 2020 projects matching culture keywords (a reading list)",
                        columns=[tables.Column(c, c) for c in shown.columns], sources=[KEYWORDS],
                        notes=["Keyword matches on titles include false positives; read the titles. Amounts are the "
                               "grants to the Norwegian partners only."])
