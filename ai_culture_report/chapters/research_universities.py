"""Chapter ``research_universities``: AI research output (OpenAlex, with CSET as a separate second count),
R&D expenditure and young people's use of generative AI for formal education.

``load(params)`` reads the inputs, ``findings(inputs)`` computes every number once, ``glue_values`` gives the
short texts the notebook's markdown pastes, and each chart takes the findings, so text and charts agree.
The CSET series is compared with OpenAlex by rank only and never joined onto it. Nothing here names a country:
the selection, the aggregate and the years come from the parameters. The Horizon 2020 networks are in
:mod:`.research_networks`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import pandas as pd
from IPython.display import HTML

from .. import culture, data, prose, research, tables
from ..charts import (ABOVE_COLOUR, AGGREGATE_COLOUR, BELOW_COLOUR, CONTEXT_GREY, NO_DATA_LABEL, PALETTE,
                      SELECTED_COLOUR, colour_name, colour_scale, comparison_colour, figure, message_figure,
                      position_label)
from ..params import ReportParams, group_label, join_names

PUBLICATIONS = research.PUBLICATIONS
POPULATION = research.POPULATION
CSET = "owid_cset_ai_scholarly_publications"
RD = "owid_unesco_rd_expenditure_pct_gdp"
GERD_QUOTES = "gerd_pc_gdp_headlines_text_secondary"
GENAI = "isoc_ai_iaiu_genai_use_individuals_2025"
YOUNG = "ind_type=Individuals, 16 to 24 years old"
EVERYONE = "ind_type=All individuals"
WHOLE_COUNT_NOTE = "Whole counting: a work with authors in two countries counts once for each."
CSET_NOTE = "CSET's own corpus and classifier: a separate source, never joined to the OpenAlex series."
SMALL_COUNT = 20  # publications a year below which a country's value per inhabitant jumps about


@dataclass(frozen=True)
class Inputs:
    params: ReportParams
    publications: pd.DataFrame  # OpenAlex: geo, year, value (every country in the file, Eurostat codes)
    per_capita: pd.DataFrame  # publications with population and per_million
    cset: pd.DataFrame  # CSET with population and per_million (never joined to OpenAlex)
    rd: pd.DataFrame
    gerd_quotes: pd.DataFrame
    genai: pd.DataFrame


def load(params: ReportParams) -> Inputs:
    publications = research.ai_publications(data.load(PUBLICATIONS))
    population = data.load(POPULATION)
    return Inputs(params=params, publications=publications,
                  per_capita=research.with_population(publications, population),
                  cset=research.with_population(research.cset_publications(data.load(CSET)), population),
                  rd=data.load(RD), gerd_quotes=data.load(GERD_QUOTES), genai=data.load(GENAI))


@dataclass(frozen=True)
class Findings:
    params: ReportParams
    inputs: Inputs
    pub_period: tuple[int, int] | None  # OpenAlex years inside the window
    ranking: pd.DataFrame  # European countries ranked by works per million, last year
    not_ranked: tuple[str, ...]  # European countries with counts but no population figure
    pub_missing: tuple[str, ...]  # selected countries without a per-inhabitant value
    growth: pd.DataFrame  # selected countries with a growth rate, fastest first
    europe_growth: dict
    shares: dict  # "first"/"last" -> research.share_of_european_sum
    europe_codes: tuple[str, ...]
    cset_period: tuple[int, int] | None
    cset_ranking: pd.DataFrame
    cset_missing: tuple[str, ...]
    agreement: pd.DataFrame  # Spearman per common year
    common_year: int | None
    rank_diffs: pd.DataFrame
    rd_series: pd.DataFrame
    rd_year: int | None
    rd_gaps: pd.DataFrame  # selected countries' R&D intensity and gap to the aggregate, largest first
    quotes: pd.DataFrame
    genai: pd.DataFrame  # generative AI for formal education, selected and aggregate
    genai_year: int | None
    genai_ranking: pd.DataFrame  # every country, the young
    genai_odd: tuple[str, ...]  # selected countries where the young use it less than everyone
    genai_higher: tuple[int, int]  # countries where the young use it more, of countries with both
    table: pd.DataFrame  # the findings table, one row per selected country


def findings(inputs: Inputs) -> Findings:
    p = inputs.params
    period = research.years_in_window(inputs.publications, p.year_start, p.year_end)
    cset_period = research.years_in_window(inputs.cset, p.year_start, p.year_end)
    out = _output_findings(inputs, period)
    out.update(_cset_findings(inputs, cset_period))
    out.update(_rd_findings(inputs))
    out.update(_genai_findings(inputs))
    table = research.country_summary(p.countries, out["ranking"], out["growth"], out["shares"]["last"],
                                     out["cset_ranking"], out["rd_gaps"], out["genai"])
    return Findings(params=p, inputs=inputs, pub_period=period, cset_period=cset_period, table=table, **out)


def _output_findings(inputs: Inputs, period) -> dict:
    p, pubs = inputs.params, inputs.publications
    if period is None:
        empty = pd.DataFrame(columns=["geo", "name", "role", "year", "value", "population", "per_million", "rank"])
        return dict(ranking=empty, not_ranked=(), pub_missing=tuple(p.countries),
                    growth=research.growth(pubs, [], 0, 0), europe_growth={"annual_growth_percent": math.nan},
                    shares={"first": {"combined": math.nan}, "last": {"combined": math.nan}}, europe_codes=())
    first, last = period
    ranking = research.per_capita_ranking(inputs.per_capita, last, p.countries)
    ranking = ranking[ranking["geo"].isin(research.EUROPE)].reset_index(drop=True)
    europe = pubs[pubs["geo"].isin(research.EUROPE)]
    growth = research.growth(pubs, p.countries, first, last).dropna(subset=["annual_growth_percent"])
    return dict(
        ranking=ranking,
        not_ranked=tuple(sorted(set(europe.loc[europe["year"] == last, "geo"]) - set(ranking["geo"]))),
        pub_missing=tuple(c for c in p.countries if c not in set(ranking["geo"])),
        growth=growth.sort_values(["annual_growth_percent", "geo"], ascending=[False, True]).reset_index(drop=True),
        europe_growth=research.europe_growth(pubs, first, last),
        shares={"first": research.share_of_european_sum(pubs, p.countries, first),
                "last": research.share_of_european_sum(pubs, p.countries, last)},
        europe_codes=tuple(sorted(europe["geo"].unique())))


def _cset_findings(inputs: Inputs, period) -> dict:
    p = inputs.params
    agreement, common, ranks = research.source_comparison(inputs.per_capita, inputs.cset, p.year_start, p.year_end,
                                                          p.countries)
    if period is None:
        ranking = pd.DataFrame(columns=["geo", "name", "role", "year", "value", "population", "per_million", "rank"])
    else:
        ranking = research.per_capita_ranking(inputs.cset[inputs.cset["geo"].isin(research.EUROPE)], period[1],
                                              p.countries)
    return dict(cset_ranking=ranking, cset_missing=tuple(c for c in p.countries if c not in set(ranking["geo"])),
                agreement=agreement.dropna(subset=["spearman"]).reset_index(drop=True),
                common_year=common, rank_diffs=ranks)


def _rd_findings(inputs: Inputs) -> dict:
    p = inputs.params
    year, gaps = research.rd_latest(inputs.rd, p.countries, p.comparison_aggregate, p.year_start, p.year_end)
    quotes = research.quotes_after_series(inputs.gerd_quotes, int(inputs.rd["year"].max()), p.countries,
                                          culture.aggregate_codes(p.comparison_aggregate), p.year_start, p.year_end)
    return dict(rd_series=research.rd_series(inputs.rd, p.countries, p.comparison_aggregate, p.year_start,
                                             p.year_end),
                rd_year=year, rd_gaps=gaps, quotes=quotes)


def _genai_findings(inputs: Inputs) -> dict:
    p = inputs.params
    genai = inputs.genai[inputs.genai["year"].between(p.year_start, p.year_end)]
    table = research.genai_for_education(genai, p.countries, p.comparison_aggregate)
    year = int(table["year"].max()) if len(table) else None
    if year is None:
        return dict(genai=table, genai_year=None, genai_ranking=research.genai_ranking(genai, YOUNG, 0),
                    genai_odd=(), genai_higher=(0, 0))
    young = research.genai_ranking(inputs.genai, YOUNG, year)
    everyone = research.genai_ranking(inputs.genai, EVERYONE, year).set_index("geo")["value"]
    by_young = young.set_index("geo")["value"]
    both = sorted(set(everyone.index) & set(by_young.index))
    return dict(genai=table, genai_year=year, genai_ranking=young,
                genai_odd=tuple(g for g in p.countries if g in both and by_young[g] < everyone[g]),
                genai_higher=(sum(by_young[g] > everyone[g] for g in both), len(both)))


# --- Reading the findings -------------------------------------------------------------------------------------

def selected(frame: pd.DataFrame, codes, by: str = "per_million") -> pd.DataFrame:
    """The selected countries' rows of ``frame``, largest ``by`` first."""
    mine = frame[frame["geo"].isin(list(codes))]
    return mine.sort_values([by, "geo"], ascending=[False, True]).reset_index(drop=True)


def young_values(f: Findings, group: str = YOUNG) -> pd.Series:
    """Generative AI for formal education in one age group, by geo (selected countries and the aggregate)."""
    rows = f.genai[f.genai["group"] == research.AGE_GROUPS[group]]
    return rows.set_index("geo")["value"]


def strength(rho: float) -> str:
    """How alike two rankings are, in words, from Spearman's rho."""
    if prose.is_missing(rho):
        return "in ways that cannot be compared"
    return ("almost the same way" if rho >= 0.9 else "in broadly the same way" if rho >= 0.7 else
            "only loosely alike" if rho >= 0.4 else "differently")


# Country names that read with "the" in running text.
_WITH_ARTICLE = ("United Kingdom", "United States", "Netherlands", "Czech Republic", "Slovak Republic")


def in_text(code: str) -> str:
    """A country's name for running text: 'the United Kingdom', 'Denmark'."""
    name = research.geo_label(code)
    return f"the {name}" if name.startswith(_WITH_ARTICLE) else name


def _leader(frame: pd.DataFrame, codes, by: str, fmt) -> tuple[str | None, str, str]:
    """The first selected row: its name, its formatted value and its rank ('' when unranked)."""
    mine = selected(frame, codes, by)
    if mine.empty:
        return None, "not available", ""
    top = mine.iloc[0]
    return in_text(top["geo"]), fmt(top[by]), prose.ordinal(top["rank"]) if "rank" in mine else ""


def _absent(names, where: str) -> str:
    return prose.capitalised(prose.absent(names, where))


def _leader_sentence(*args, **kwargs) -> str:
    return prose.capitalised(prose.leader_sentence(*args, **kwargs))


def _per_million(v) -> str:
    return f"{prose.number(v, 0)} per million"


def glue_values(f: Findings) -> dict[str, str]:
    """Every short value the page pastes, formatted once."""
    p, inputs = f.params, f.inputs
    values = {"region_name": p.region_name, "group_label": group_label(p), "agg": p.aggregate_short,
              "pub_vintage": data.resource(PUBLICATIONS).vintage or "date not recorded",
              "pub_file_years": prose.span(inputs.publications["year"].min(), inputs.publications["year"].max()),
              "pub_file_last_year": str(int(inputs.publications["year"].max())),
              "cset_vintage": data.resource(CSET).vintage or "date not recorded",
              "cset_file_years": prose.span(inputs.cset["year"].min(), inputs.cset["year"].max()),
              "cset_file_last_year": str(int(inputs.cset["year"].max())),
              "rd_last_year": str(int(inputs.rd["year"].max()))}
    values.update(_output_values(f))
    values.update(_cset_values(f))
    values.update(_rd_values(f))
    values.update(_genai_values(f))
    return values


def _output_values(f: Findings) -> dict[str, str]:
    p, group = f.params, group_label(f.params)
    first, last = f.pub_period or (p.year_start, p.year_end)
    name, value, rank = _leader(f.ranking, p.countries, "per_million", _per_million)
    picks = selected(f.ranking, p.countries)
    third = math.ceil(len(f.ranking) / 3)
    europe = f.europe_growth["annual_growth_percent"]
    faster = int((f.growth["annual_growth_percent"] > europe).sum()) if not prose.is_missing(europe) else 0
    shares = f.shares["last"]
    shared = [c for c in p.countries if not prose.is_missing(shares.get(c, math.nan))]
    best = max(shared, key=lambda c: (shares[c], c)) if shared else None
    return {
        "pub_years": prose.span(first, last) if f.pub_period else "none of the report's years",
        "pub_first_year": str(first), "pub_last_year": str(last),
        "pub_leader_sentence": _leader_sentence(name, value, noun="output per inhabitant"),
        "pub_leader": name or "no selected country", "pub_leader_rank": rank or "unranked",
        "rank_n": str(len(f.ranking)),
        "top_third": prose.capitalised(prose.count_of_group(int((picks["rank"] <= third).sum()), len(picks), group)),
        "third_n": str(third),
        "pub_missing_sentence": _absent([in_text(c) for c in f.pub_missing] if f.pub_period else [],
                                        "the ranking per inhabitant"),
        "not_ranked": join_names([in_text(c) for c in f.not_ranked]) or "no country",
        "europe_growth": prose.signed_percent(europe),
        "growth_faster": prose.capitalised(prose.count_of_group(faster, len(f.growth), group)),
        "growth_leader": in_text(f.growth["geo"].iloc[0]) if len(f.growth) else "no selected country",
        "growth_leader_value": (prose.signed_percent(f.growth["annual_growth_percent"].iloc[0]) if len(f.growth)
                                else "not available"),
        "region_share": prose.percent(shares["combined"]),
        "region_share_first": prose.percent(f.shares["first"]["combined"]),
        "share_leader": in_text(best) if best else "no selected country",
        "share_leader_value": prose.percent(shares[best]) if best else "not available",
        "n_european": str(len(f.europe_codes)),
    }


def _cset_values(f: Findings) -> dict[str, str]:
    p = f.params
    name, value, rank = _leader(f.cset_ranking, p.countries, "per_million", _per_million)
    rho = (float(f.agreement.set_index("year").loc[f.common_year, "spearman"])
           if f.common_year is not None and f.common_year in set(f.agreement["year"]) else math.nan)
    moved = f.rank_diffs["difference"].abs()
    return {
        "cset_years": prose.span(*f.cset_period) if f.cset_period else "none of the report's years",
        "cset_last_year": str(f.cset_period[1]) if f.cset_period else "no year",
        "cset_leader_sentence": _leader_sentence(name, value, noun="output per inhabitant"),
        "cset_leader_rank": rank or "unranked", "cset_rank_n": str(len(f.cset_ranking)),
        "cset_missing_sentence": _absent([in_text(c) for c in f.cset_missing] if f.cset_period else [],
                                         "CSET's ranking"),
        "cset_same_leader": ("the same country" if name and name == _leader(f.ranking, p.countries, "per_million",
                                                                            str)[0] else "a different country"),
        "common_year": str(f.common_year) if f.common_year else "no common year",
        "common_years": (prose.span(f.agreement["year"].min(), f.agreement["year"].max()) if len(f.agreement)
                         else "no common year"),
        "common_n": (str(int(f.agreement.set_index("year").loc[f.common_year, "countries"]))
                     if not prose.is_missing(rho) else "0"),
        "spearman": prose.number(rho, 2), "strength": strength(rho),
        "spearman_range": (f"{prose.number(f.agreement['spearman'].min(), 2)} to "
                           f"{prose.number(f.agreement['spearman'].max(), 2)}"
                           if len(f.agreement) else "not available"),
        "same_rank": prose.capitalised(prose.count_of_group(int((moved == 0).sum()), len(moved), group_label(p))),
        "max_shift": (f"{int(moved.max())} place{'' if int(moved.max()) == 1 else 's'}" if len(moved)
                      else "not available"),
    }


def _rd_values(f: Findings) -> dict[str, str]:
    p, gaps = f.params, f.rd_gaps
    reference = gaps["aggregate_value"].iloc[0] if len(gaps) else math.nan
    above = int((gaps["gap_points"] > 0).sum())
    missing = [in_text(c) for c in p.countries if c not in set(gaps["geo"])]
    quoted = [c for c in p.countries if c in set(f.quotes["geo"])]
    return {
        "rd_year": str(f.rd_year) if f.rd_year else "no year of the report",
        "rd_leader_sentence": _leader_sentence(
            in_text(gaps["geo"].iloc[0]) if len(gaps) else None,
            prose.percent(gaps["value"].iloc[0], 2) if len(gaps) else "",
            f"{p.aggregate_short}: {prose.percent(reference, 2)}" if len(gaps) else "", noun="share of GDP"),
        "rd_above": prose.capitalised(prose.count_of_group(above, len(gaps), group_label(p))),
        "rd_missing_sentence": _absent(missing, "the R&D series") if f.rd_year else "",
        "quotes_found": (f"{p.names_of(quoted)}, {prose.span(f.quotes['year'].min(), f.quotes['year'].max())}"
                         if quoted else "none"),
    }


def _genai_values(f: Findings) -> dict[str, str]:
    p = f.params
    young, everyone = young_values(f), young_values(f, EVERYONE)
    mine = young[[g for g in young.index if g in p.countries]].sort_values(ascending=False)
    reference = young.get(p.comparison_aggregate, math.nan)
    above = int((mine > reference).sum()) if not prose.is_missing(reference) else 0
    ranks = f.genai_ranking.set_index("geo")["rank"]
    top = mine.index[0] if len(mine) else None
    odd = [in_text(c) for c in f.genai_odd]
    return {
        "genai_year": str(f.genai_year) if f.genai_year else "no year of the report",
        "genai_leader_sentence": _leader_sentence(
            in_text(top) if top else None, prose.percent(mine.iloc[0]) if top else "",
            f"{p.aggregate_short}: {prose.percent(reference)}"),
        "genai_leader_rank": prose.ordinal(ranks[top]) if top in ranks.index else "unranked",
        "genai_rank_n": str(len(f.genai_ranking)),
        "genai_agg_all": prose.percent(everyone.get(p.comparison_aggregate, math.nan)),
        "genai_above": prose.capitalised(prose.count_of_group(above, len(mine), group_label(p))),
        "genai_higher": prose.count_phrase(*f.genai_higher),
        "genai_odd_sentence": (f"{prose.capitalised(join_names(odd))} {prose.is_are(len(odd))} the exception, "
                               "worth checking in Eurostat's own table."
                               if odd else ""),
        "genai_missing_sentence": _absent([in_text(c) for c in p.countries if c not in mine.index]
                                          if f.genai_year else [], "Eurostat's survey"),
    }


def _cell(digits: int, fmt=prose.number):
    return lambda v: NO_DATA_LABEL if prose.is_missing(v) else fmt(v, digits)


def findings_table(f: Findings):
    """The findings per country as one small table (the CSV download holds the same rows)."""
    c = research.UNIVERSITY_COLUMNS
    formats = {c["works"]: _cell(0), c["per_million"]: _cell(0), c["growth"]: _cell(1, prose.signed_percent),
               c["share"]: _cell(1, prose.percent), c["cset"]: _cell(0), c["rd"]: _cell(2, prose.percent),
               c["genai_young"]: _cell(1, prose.percent), c["genai_all"]: _cell(1, prose.percent)}
    rank = lambda v: NO_DATA_LABEL if prose.is_missing(v) else prose.ordinal(v)  # noqa: E731
    formats[c["rank"]] = formats[c["cset_rank"]] = rank
    shown = f.table.drop(columns=["geo", c["works"], c["cset_rank"], c["genai_all"]])  # the download keeps them
    years = (f"OpenAlex {prose.span(*f.pub_period) if f.pub_period else 'no year'}, CSET "
             f"{f.cset_period[1] if f.cset_period else 'no year'}, R&D {f.rd_year or 'no year'}, generative AI "
             f"{f.genai_year or 'no year'}")
    return tables.table(
        shown, name="universities-findings", title=f"AI research, R&D and students: the {group_label(f.params)}",
        columns=[tables.Column(k, k, format=formats.get(k), numeric=k in formats) for k in shown.columns],
        data=f.table, sources=[PUBLICATIONS, CSET, POPULATION, RD, GENAI], compact=True,
        notes=[f"Years: {years}. Ranks among the European countries with counts and population figures; growth "
               "is the average annual growth of the OpenAlex count; the share is of the European countries' summed "
               f"whole counts. {NO_DATA_LABEL.capitalize()}: the source has no value."])


# --- Charts (each takes the findings) ---------------------------------------------------------------------------

def _no_publications_chart(f: Findings, name: str, source=PUBLICATIONS, what="OpenAlex file of AI works"):
    years = f.inputs.publications["year"] if source == PUBLICATIONS else f.inputs.cset["year"]
    reason = prose.outside_years(what, years, f.params.year_start, f.params.year_end)
    return message_figure(name, f"No AI publication counts in {prose.span(f.params.year_start, f.params.year_end)}",
                          f"{reason} Nothing is drawn.", [source])


def _per_million_lines(f: Findings, source: pd.DataFrame, first: int, last: int, y_title: str):
    """The layers of a per-million line chart shared by both publication sources: the selected countries
    coloured, the other European countries grey. Returns the drawn frame, the selected rows of the last year
    (largest first) and the layers."""
    p = f.params
    frame = source[source["year"].between(first, last) & source["geo"].isin(research.EUROPE)
                   & source["per_million"].notna()].copy()
    frame["name"] = frame["geo"].map(research.geo_label)
    frame["role"] = frame["geo"].map(lambda g: "selected" if g in p.countries else "other")
    frame = frame.sort_values(["role", "geo", "year"]).reset_index(drop=True)
    mine = frame[frame["role"] == "selected"]
    names = [research.geo_label(c) for c in p.countries if c in set(mine["geo"])]
    tooltip = [alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("value:Q", title="Publications", format=",.0f"),
               alt.Tooltip("per_million:Q", title="Per million inhabitants", format=",.0f")]
    x = alt.X("year:O", title="Publication year", axis=alt.Axis(labelAngle=0))
    y = alt.Y("per_million:Q", title=y_title)
    layers = [alt.Chart(frame[frame["role"] == "other"]).mark_line(color=CONTEXT_GREY, strokeWidth=1, opacity=0.6)
              .encode(x=x, y=y, detail="geo:N", tooltip=tooltip)]
    if len(mine):
        layers.append(alt.Chart(mine).mark_line(point=True).encode(
            x=x, y=y, color=alt.Color("name:N", title="Country", scale=colour_scale(names)), tooltip=tooltip))
    return frame, selected(mine[mine["year"] == last], p.countries), layers


def _small_count_note(frame: pd.DataFrame, last: int) -> list[str]:
    small = frame[(frame["year"] == last) & (frame["value"] < SMALL_COUNT)]
    if small.empty:
        return []
    names = sorted(small["name"].unique())
    return [f"{join_names(names)}: fewer than {SMALL_COUNT} publications in {last}, so the value per inhabitant "
            "moves a lot."]


def _lines_description(kind: str, first: int, last: int, latest: pd.DataFrame) -> str:
    values = "; ".join(f"{n} {prose.number(v, 0)}" for n, v in zip(latest["name"], latest["per_million"]))
    return (f"Line chart of {kind} per million inhabitants from {first} to {last}, selected countries coloured "
            f"and the other European countries grey. In {last}: {values or 'no selected country has a value'}.")


def per_million_chart(f: Findings):
    if f.pub_period is None:
        return _no_publications_chart(f, "ai-publications-per-million")
    first, last = f.pub_period
    frame, latest, layers = _per_million_lines(f, f.inputs.per_capita, first, last, "AI works per million")
    title = (f"{latest.iloc[0]['name']} publishes the most AI research per inhabitant among the "
             f"{group_label(f.params)}: {prose.number(latest.iloc[0]['per_million'], 0)} works per million in {last}"
             if len(latest) else f"AI works per million inhabitants in European countries, {first}–{last}")
    chart = alt.layer(*layers).properties(title=alt.Title(
        title, subtitle=f"{colour_name(CONTEXT_GREY).capitalize()} lines: the other European countries"),
        width=560, height=340)
    notes = [WHOLE_COUNT_NOTE, *_small_count_note(frame, last)]  # missing countries: said once, in the text
    return figure(chart, name="ai-publications-per-million",
                  description=_lines_description("OpenAlex AI works", first, last, latest),
                  data=frame[["geo", "name", "role", "year", "value", "population", "per_million"]],
                  sources=[PUBLICATIONS, POPULATION], notes=notes)


def ranking_chart(f: Findings):
    if f.pub_period is None:
        return _no_publications_chart(f, "ai-publications-ranking")
    last, ranked, p = f.pub_period[1], f.ranking, f.params
    picks = selected(ranked, p.countries)
    median = float(ranked["per_million"].median()) if len(ranked) else math.nan
    title = (f"{picks.iloc[0]['name']} ranks {prose.ordinal(picks.iloc[0]['rank'])} of {len(ranked)} European "
             f"countries for AI works per inhabitant ({last})" if len(picks) else
             f"AI works per million inhabitants in {len(ranked)} European countries ({last})")
    bars = alt.Chart(ranked).mark_bar().encode(
        y=alt.Y("name:N", sort=list(ranked["name"]), title=None),
        x=alt.X("per_million:Q", title=f"AI works per million inhabitants ({last})"),
        color=alt.Color("role:N", legend=None, scale=alt.Scale(domain=["selected", "other"],
                                                                range=[SELECTED_COLOUR, CONTEXT_GREY])),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("rank:Q", title="Rank"),
                 alt.Tooltip("value:Q", title="AI works", format=",.0f"),
                 alt.Tooltip("per_million:Q", title="Per million inhabitants", format=",.0f")])
    reference = pd.DataFrame({"per_million": [median], "label": [f"median {prose.number(median, 0)}"]})
    layers = [bars, alt.Chart(reference).mark_rule(color=AGGREGATE_COLOUR, strokeDash=[5, 3]).encode(
        x="per_million:Q"), alt.Chart(reference).mark_text(align="left", dx=4, y=-8, fontSize=11).encode(
        x="per_million:Q", text="label:N")] if not prose.is_missing(median) else [bars]
    subtitle = (f"{colour_name(SELECTED_COLOUR).capitalize()}: the {group_label(p)}; {colour_name(CONTEXT_GREY)}: "
                f"other European countries; dashed {colour_name(AGGREGATE_COLOUR)} line: their median")
    chart = alt.layer(*layers).properties(title=alt.Title(title, subtitle=subtitle), width=540, height=alt.Step(15))
    description = (f"Bar chart ranking {len(ranked)} European countries by AI works per million inhabitants in "
                   f"{last}; the dashed line marks their median, {prose.number(median, 0)}. "
                   + "; ".join(f"{n} ranks {r} with {prose.number(v, 0)}" for n, r, v in
                               zip(picks["name"], picks["rank"], picks["per_million"])) + ".")
    notes = ["The median is of the countries shown; the file has no de-duplicated EU count."]
    if f.not_ranked:
        notes.append(f"Not ranked, no population figure: {join_names([research.geo_label(c) for c in f.not_ranked])}.")
    return figure(chart, name="ai-publications-ranking", description=description,
                  data=ranked[["geo", "name", "role", "year", "value", "population", "per_million", "rank"]],
                  sources=[PUBLICATIONS, POPULATION], notes=notes)


def growth_chart(f: Findings):
    if f.pub_period is None:
        return _no_publications_chart(f, "ai-publications-growth")
    (first, last), p = f.pub_period, f.params
    europe = f.europe_growth["annual_growth_percent"]
    above, below = "faster than the European sum", "not faster"
    table = f.growth.assign(role="selected", position=[position_label(g, europe, above, below)
                                                       for g in f.growth["annual_growth_percent"]])
    title = (f"{table.iloc[0]['name']}'s AI output grew fastest among the {group_label(p)}: "
             f"{prose.signed_percent(table.iloc[0]['annual_growth_percent'])} a year, {first}–{last}"
             if len(table) else f"Annual growth of AI works, {first}–{last}")
    x = alt.X("annual_growth_percent:Q", title=f"Average annual growth of AI works, {first}–{last} (%)",
              axis=alt.Axis(tickMinStep=1, format=".0f"))  # whole per cent: no crowded labels
    bars = alt.Chart(table).mark_bar().encode(
        y=alt.Y("name:N", sort=list(table["name"]), title=None), x=x,
        color=comparison_colour("position", above, below),
        tooltip=[alt.Tooltip("name:N", title="Country"),
                 alt.Tooltip("works_first_year:Q", title=f"Works {first}", format=",.0f"),
                 alt.Tooltip("works_last_year:Q", title=f"Works {last}", format=",.0f"),
                 alt.Tooltip("annual_growth_percent:Q", title="Annual growth (%)", format="+.1f")])
    rule = pd.DataFrame({"annual_growth_percent": [europe]})
    layers = [bars] if prose.is_missing(europe) else [bars, alt.Chart(rule).mark_rule(
        color=AGGREGATE_COLOUR, strokeDash=[5, 3]).encode(x="annual_growth_percent:Q")]
    subtitle = (f"{colour_name(ABOVE_COLOUR).capitalize()}: {above}; "
                f"{colour_name(BELOW_COLOUR)}: {below}; dashed {colour_name(AGGREGATE_COLOUR)} "
                f"line: the sum of the European countries ({prose.signed_percent(europe)} a year)")
    chart = alt.layer(*layers).properties(title=alt.Title(title, subtitle=subtitle), width=540,
                                          height=alt.Step(28))
    description = (f"Bar chart of the average annual growth of AI works from {first} to {last}: "
                   + "; ".join(f"{n} {prose.signed_percent(g)} a year" for n, g in
                               zip(table["name"], table["annual_growth_percent"]))
                   + f"; the European countries' sum {prose.signed_percent(europe)}.")
    data_out = pd.concat([table, pd.DataFrame([{**f.europe_growth, "role": "aggregate"}])], ignore_index=True)
    return figure(chart, name="ai-publications-growth", description=description,
                  data=data_out[["geo", "name", "role", "first_year", "last_year", "works_first_year",
                                 "works_last_year", "annual_growth_percent"]],
                  sources=[PUBLICATIONS])


def cset_chart(f: Findings):
    if f.cset_period is None:
        return _no_publications_chart(f, "cset-ai-publications-per-million", CSET, "CSET file of AI publications")
    (first, last), p = f.cset_period, f.params
    frame, latest, layers = _per_million_lines(f, f.inputs.cset, first, last, "AI publications per million (CSET)")
    openalex_end = f.pub_period[1] if f.pub_period else None
    title = (f"In CSET's counts, {latest.iloc[0]['name']} leads the {group_label(p)} in AI publications per "
             f"inhabitant: {prose.number(latest.iloc[0]['per_million'], 0)} per million in {last}" if len(latest)
             else f"AI publications per million inhabitants in European countries (CSET), {first}–{last}")
    after = openalex_end is not None and first <= openalex_end < last
    if after:
        end = pd.DataFrame({"year": [openalex_end], "label": [f"OpenAlex ends ({openalex_end})"]})
        layers.append(alt.Chart(end).mark_rule(color=AGGREGATE_COLOUR, strokeDash=[5, 3]).encode(x="year:O"))
        layers.append(alt.Chart(end).mark_text(align="left", dx=4, y=8, fontSize=11).encode(x="year:O",
                                                                                            text="label:N"))
    subtitle = (f"CSET, a separate source from OpenAlex; {colour_name(CONTEXT_GREY)} lines: the other European "
                "countries")
    chart = alt.layer(*layers).properties(title=alt.Title(title, subtitle=subtitle), width=560, height=340)
    description = (_lines_description("CSET's AI publications", first, last, latest)
                   + (f" A dashed line marks {openalex_end}, the last year of the OpenAlex series." if after else ""))
    notes = [CSET_NOTE, *_small_count_note(frame, last)]
    return figure(chart, name="cset-ai-publications-per-million", description=description,
                  data=frame[["geo", "name", "role", "year", "value", "population", "per_million"]],
                  sources=[CSET, POPULATION], notes=notes)


def rd_chart(f: Findings):
    p, series = f.params, f.rd_series
    if series.empty:
        reason = prose.outside_years("R&D expenditure series", f.inputs.rd["year"], p.year_start, p.year_end)
        return message_figure("rd-expenditure", f"No R&D expenditure figures in "
                              f"{prose.span(p.year_start, p.year_end)}", f"{reason} Nothing is drawn.", [RD])
    names = [research.geo_label(c) for c in p.countries if c in set(series["geo"])]
    aggregate_name = research.geo_label(p.comparison_aggregate)
    gaps = f.rd_gaps
    if len(gaps):
        above = int((gaps["gap_points"] > 0).sum())
        title = (f"{prose.capitalised(prose.count_of_group(above, len(gaps), group_label(p)))} spent more of GDP on "
                 f"R&D than the {p.aggregate_short} in {f.rd_year}; {gaps.iloc[0]['name']} the most, "
                 f"{prose.percent(gaps.iloc[0]['value'], 2)}")
    else:
        title = f"R&D expenditure as a share of GDP: no figure for the {group_label(p)}"
    chart = alt.Chart(series).mark_line(point=True).encode(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title="R&D expenditure (% of GDP)", scale=alt.Scale(zero=False)),
        color=alt.Color("name:N", title="Country or aggregate", scale=colour_scale(names, aggregate_name)),
        strokeDash=alt.StrokeDash("role:N", legend=None, scale=alt.Scale(domain=["selected", "aggregate"],
                                                                         range=[[1, 0], [5, 3]])),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("value:Q", title="% of GDP", format=".2f")],
    ).properties(title=alt.Title(title, subtitle=f"Dashed {colour_name(AGGREGATE_COLOUR)} line: the {aggregate_name}"),
                 width=560, height=320)
    reference = gaps["aggregate_value"].iloc[0] if len(gaps) else math.nan
    description = (f"Line chart of R&D expenditure as a percentage of GDP from {int(series['year'].min())} to "
                   f"{int(series['year'].max())} for {join_names(names)} and the {aggregate_name} (dashed). "
                   + (f"In {f.rd_year}: " + "; ".join(f"{n} {prose.percent(v, 2)}" for n, v in
                                                       zip(gaps["name"], gaps["value"]))
                      + f"; {aggregate_name} {prose.percent(reference, 2, missing='no value')}." if len(gaps) else ""))
    notes = ["UNESCO Institute for Statistics via Our World in Data; not Eurostat's rd_e_gerdtot."]
    return figure(chart, name="rd-expenditure", description=description,
                  data=series[["geo", "name", "role", "year", "value"]], sources=[RD], notes=notes)


def _quoted_number(value: float) -> str:
    """A quoted figure with the decimals it was quoted with (at least one): 3.0, 3.64."""
    return f"{value:.1f}" if round(value, 1) == value else f"{value:.2f}"


def gerd_quotes_html(f: Findings):
    """The text-quoted GERD figures as a separate table with its sources (not a chart, not a series)."""
    quotes = f.quotes
    if quotes.empty:
        return HTML("<p>No quoted figures to list.</p>")  # the text names the countries
    shown = quotes.assign(quoted=[_quoted_number(v) for v in quotes["value"]], where="page")
    return tables.table(
        shown, name="gerd-quotes",
        title=f"Quoted R&D intensity (GERD, % of GDP) for the {group_label(f.params)} and the EU",
        columns=[tables.Column("year", "Year"), tables.Column("name", "Country or aggregate"),
                 tables.Column("quoted", "% of GDP", numeric=True), tables.Column("how_quoted", "How it was quoted"),
                 tables.Column("where", "Where", link="quoted_at")],
        sources=[GERD_QUOTES], notes=["Rounded figures quoted in texts: a list of quotes, not a series."],
        data=quotes[["year", "geo", "name", "value", "how_quoted", "quoted_at"]])


def genai_chart(f: Findings):
    p, table = f.params, f.genai
    if table.empty:
        return message_figure("genai-formal-education", "No figures on generative AI in formal education",
                              f"Eurostat has no figure for the {group_label(p)} in these years. Nothing is drawn.",
                              [GENAI])
    young_label, all_label = research.AGE_GROUPS[YOUNG], research.AGE_GROUPS[EVERYONE]
    young = young_values(f)
    mine = young[[g for g in young.index if g in p.countries]].sort_values(ascending=False)
    reference = young.get(p.comparison_aggregate, math.nan)
    title = (f"In {research.geo_label(mine.index[0])}, {prose.percent(mine.iloc[0])} of 16–24-year-olds used "
             f"generative AI for formal education in {f.genai_year} ({p.aggregate_short}: {prose.percent(reference)})"
             if len(mine) else f"Use of generative AI for formal education, {f.genai_year}")
    order = [research.geo_label(g) for g in mine.index] + [research.geo_label(p.comparison_aggregate)]
    young_colour, all_colour = SELECTED_COLOUR, PALETTE[2]  # age groups, not a comparison
    base = alt.Chart(table).encode(
        y=alt.Y("name:N", sort=order, title=None),
        x=alt.X("value:Q", title=f"Used generative AI for formal education ({f.genai_year}, % of individuals)"),
        color=alt.Color("group:N", title="Age group", legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=[young_label, all_label], range=[young_colour, all_colour])),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("group:N", title="Age group"),
                 alt.Tooltip("value:Q", title="% of individuals", format=".1f"),
                 alt.Tooltip("flag:N", title="Eurostat flag")])
    rules = alt.Chart(table).mark_rule(color=CONTEXT_GREY).encode(y=alt.Y("name:N", sort=order), x="min(value):Q",
                                                                  x2="max(value):Q")
    points = base.mark_point(size=120, filled=True, opacity=1)
    if table["low_reliability"].any():
        points = points.encode(shape=alt.Shape(
            "low_reliability:N", title="Eurostat flag", scale=alt.Scale(domain=[False, True],
                                                                        range=["circle", "triangle"]),
            legend=alt.Legend(labelExpr="datum.value ? 'low reliability (u)' : 'no flag'")))
    subtitle = f"{colour_name(young_colour).capitalize()}: aged 16–24; {colour_name(all_colour)}: all aged 16–74"
    chart = alt.layer(rules, points).properties(title=alt.Title(title, subtitle=subtitle), width=500,
                                                height=alt.Step(32))
    description = (f"Dot chart of the share of individuals who used generative AI tools for formal education in the "
                   f"three months before the {f.genai_year} survey: "
                   + "; ".join(f"{n}: {prose.percent(v)} ({g.lower()})" for n, g, v in
                               zip(table["name"], table["group"], table["value"])) + ".")
    notes = ["Eurostat does not identify students: the 16–24 age group is the closest proxy."]
    if table["low_reliability"].any():
        notes.append("Triangles: values Eurostat flags as of low reliability (u).")
    return figure(chart, name="genai-formal-education", description=description,
                  data=table[["geo", "name", "year", "group", "value", "flag"]], sources=[GENAI], notes=notes)
