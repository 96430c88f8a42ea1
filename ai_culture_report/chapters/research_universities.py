"""AI in universities and research (``chapters/research_universities.ipynb``): AI research output (OpenAlex
and CSET), R&D expenditure and students' use of generative AI (:func:`output_data`, :func:`output_facts` and
the charts after them). The Horizon 2020 networks are in :mod:`.research_networks`.

Nothing here names a country, a region or a year: the selection and the window come from
:class:`~ai_culture_report.params.ReportParams`, everything else from the data.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import altair as alt
import pandas as pd
from IPython.display import HTML

from .. import culture, data, measures, prose, research, tables
from ..charts import AGGREGATE_COLOUR, CONTEXT_GREY, PALETTE, figure, message_figure
from ..params import ReportParams, join_names, group_label

# Registry names of the datasets.
PUBLICATIONS = "openalex_ai_publications_by_country"
CSET = "owid_cset_ai_scholarly_publications"
POPULATION = "worldbank_population_total_eu_eea_2010_2024"
RD = "owid_unesco_rd_expenditure_pct_gdp"
GERD_QUOTES = "gerd_pc_gdp_headlines_text_secondary"
GENAI = "isoc_ai_iaiu_genai_use_individuals_2025"
SHORT_AGGREGATE = {"EU27_2020": "EU27", "EU28": "EU28", "EA": "euro area", "EA20": "euro area"}
WHOLE_COUNT_NOTE = ("OpenAlex counts a work once for every country among its authors' institutions (whole "
                    "counting): a work with authors in two countries counts once for each.")
CONCEPT_NOTE = ("Works tagged with OpenAlex's 'Artificial intelligence' concept, queried in May 2025; the concept "
                "tagging is deprecated and counts drift between snapshots.")


# --- Small helpers ---------------------------------------------------------------------------------------------

def agg_short(params: ReportParams) -> str:
    return SHORT_AGGREGATE.get(params.comparison_aggregate, params.aggregate_name)



def _missing_note(params: ReportParams, present, what: str) -> list[str]:
    missing = [c for c in params.countries if c not in set(present)]
    return [f"No {what} for {params.names_of(missing)}."] if missing else []


def _missing_sentence(params: ReportParams, present, what: str, subject: str = "The source") -> str:
    missing = [c for c in params.countries if c not in set(present)]
    return f" {subject} has no {what} for {params.names_of(missing)}." if missing else ""


# Country names that read with "the" in running text.
_WITH_ARTICLE = ("United Kingdom", "United States", "Netherlands", "Czech Republic", "Slovak Republic")


def in_text(code: str, capital: bool = False) -> str:
    """A country's name for running text: 'the United Kingdom', 'Denmark'."""
    name = research.geo_label(code)
    if name.startswith(_WITH_ARTICLE):
        return ("The " if capital else "the ") + name
    return name


def listing(pairs, formatter, noun: str = "") -> str:
    """'3.53% of GDP in Sweden, 2.96% in Denmark and 2.94% in Finland' from (code, value) pairs."""
    parts = [f"{formatter(v)}{(' ' + noun) if noun and i == 0 else ''} in {in_text(g)}"
             for i, (g, v) in enumerate(pairs)]
    return join_names(parts)


def count_phrase(k: int, n: int, capital: bool = False) -> str:
    """'4 of the 5', 'all 3', 'both', 'none of the 3', '1 of 1'."""
    if n == 1:
        text = f"{k} of 1"
    elif n == 2 and k == 2:
        text = "both"
    elif k == n:
        text = f"all {n}"
    elif k == 0:
        text = f"none of the {n}"
    else:
        text = f"{k} of the {n}"
    return text[0].upper() + text[1:] if capital else text


def _colours(names: list[str]) -> list[str]:
    return [PALETTE[i % (len(PALETTE) - 1)] for i in range(len(names))]


# =============================================================================================================
# Notebook 1: AI research output, R&D capacity, students and generative AI
# =============================================================================================================

@dataclass
class OutputData:
    publications: pd.DataFrame      # geo, year, value (all countries in the file, Eurostat codes)
    per_capita: pd.DataFrame        # publications with population and per_million
    rd: pd.DataFrame
    gerd_quotes: pd.DataFrame
    genai: pd.DataFrame
    cset: pd.DataFrame              # CSET publications with population and per_million (never joined to OpenAlex)


def output_data() -> OutputData:
    publications = research.ai_publications(data.load(PUBLICATIONS))
    population = data.load(POPULATION)
    return OutputData(
        publications=publications,
        per_capita=research.with_population(publications, population),
        rd=data.load(RD),
        gerd_quotes=data.load(GERD_QUOTES),
        genai=data.load(GENAI),
        cset=research.with_population(research.cset_publications(data.load(CSET)), population),
    )


def publication_period(params: ReportParams, frames: OutputData) -> tuple[int, int] | None:
    """The first and last year of the OpenAlex file within the report's years (None when the years exclude it)."""
    return research.years_in_window(frames.publications, params.year_start, params.year_end)


def _no_publication_years(params: ReportParams, frames: OutputData) -> str:
    return prose.outside_years("OpenAlex file of AI works", frames.publications["year"], params.year_start,
                               params.year_end)


def _no_publications_chart(params: ReportParams, frames: OutputData, name: str):
    return message_figure(name, f"No AI publication counts in {prose.span(params.year_start, params.year_end)}",
                          f"{_no_publication_years(params, frames)} Nothing is drawn.", [PUBLICATIONS])


def _european(frames: OutputData) -> pd.DataFrame:
    return frames.publications[frames.publications["geo"].isin(research.EUROPE)]


def output_facts(params: ReportParams, frames: OutputData) -> dict[str, str]:
    pubs = frames.publications
    facts = {"region_name": params.region_name, "aggregate_name": params.aggregate_name,
             "pub_file_first_year": str(int(pubs["year"].min())), "pub_file_last_year": str(int(pubs["year"].max())),
             "pub_vintage": data.resource(PUBLICATIONS).vintage or "date not recorded"}
    period = publication_period(params, frames)
    if period is None:
        facts.update(_no_publication_facts(params, frames))
    else:
        facts.update(_publication_facts(params, frames, *period))
    facts.update(cset_facts(params, frames))
    facts.update(_rd_facts(params, frames))
    facts.update(genai_facts(params, frames))
    return facts


def _no_publication_facts(params: ReportParams, frames: OutputData) -> dict[str, str]:
    """The publication facts when the report's years exclude the OpenAlex file: each says so."""
    outside = _no_publication_years(params, frames)
    return {"pub_first_year": str(params.year_start), "pub_last_year": str(params.year_end),
            "publications_sentence": outside, "n_european": "0", "region_share": "not available",
            "share_sentence": "", "denominator_sentence": "", "rank_n": "0", "rank_sentence": "",
            "growth_sentence": "",
            "meaning_output": f"The OpenAlex counts cannot place {params.names_of(params.countries)} in these years."}


def _publication_facts(params: ReportParams, frames: OutputData, first: int, last: int) -> dict[str, str]:
    pubs, per_capita = frames.publications, frames.per_capita
    facts = {"pub_first_year": str(first), "pub_last_year": str(last)}
    latest = per_capita[(per_capita["year"] == last) & per_capita["geo"].isin(params.countries)]
    latest = latest.sort_values(["value", "geo"], ascending=[False, True])
    present = list(latest["geo"])
    parts = []
    for i, row in enumerate(latest.itertuples()):
        per = (f"{prose.number(row.per_million, 0)}{' per million inhabitants' if i == 0 else ''}"
               if not prose.is_missing(row.per_million) else "no population figure")
        parts.append(f"{prose.number(row.value, 0)} in {in_text(row.geo)} ({per})")
    facts["publications_sentence"] = (
        f"In {last}, the number of AI works with at least one author at an institution in the country was "
        f"{join_names(parts)}." if parts else f"OpenAlex has no AI works for {params.names_of(params.countries)}."
    ) + _missing_sentence(params, present, "AI publication counts")

    facts.update(_share_facts(params, frames, first, last))
    europe = _european(frames)

    # Per-capita rank.
    ranking = research.per_capita_ranking(per_capita, last, params.countries)
    picks = ranking[ranking["role"] == "selected"]
    no_population = sorted(set(europe[europe["year"] == last]["geo"]) - set(ranking["geo"]))
    facts["rank_n"] = str(len(ranking))
    leader = ranking.iloc[0] if len(ranking) else None
    facts["rank_sentence"] = (
        (f"Measured this way, "
         f"{join_names([f'{n} ranks {prose.ordinal(r)}' for n, r in zip(picks['name'], picks['rank'])])} "
         f"of the {len(ranking)} European countries with both counts and population figures in {last}.")
        if len(picks) else f"None of the {group_label(params)} can be ranked per inhabitant in {last}."
    ) + (f" First is {in_text(leader['geo'])}, with {prose.number(leader['per_million'], 0)} works per million "
         f"inhabitants." if leader is not None else "") + (
        f" {join_names([in_text(c, capital=True) for c in no_population])} cannot be ranked: the population file "
        f"does not cover it." if no_population else "")

    # Growth.
    growth = research.growth(pubs, params.countries, first, last).dropna(subset=["annual_growth_percent"])
    growth = growth.sort_values(["annual_growth_percent", "geo"], ascending=[False, True])
    europe_growth = research.europe_growth(pubs, first, last)["annual_growth_percent"]
    facts["growth_sentence"] = (
        f"From {first} to {last}, the annual growth of AI works was "
        f"{listing(zip(growth['geo'], growth['annual_growth_percent']), prose.signed_percent)}, "
        f"against {prose.signed_percent(europe_growth)} a year for the sum of the European countries."
        if len(growth) else "No growth rate can be computed for the selected countries."
    )
    facts.update(_output_meaning(params, ranking, growth, europe_growth, first, last))
    return facts


def _share_facts(params: ReportParams, frames: OutputData, first: int, last: int) -> dict[str, str]:
    """The selected countries' share of the European countries' summed counts, and what the file does not allow."""
    pubs, facts = frames.publications, {}
    europe = _european(frames)
    europe_codes = sorted(europe["geo"].unique())
    outside = sorted(set(pubs["geo"]) - set(research.EUROPE))
    shares_last = research.share_of_european_sum(pubs, params.countries, last)
    shares_first = research.share_of_european_sum(pubs, params.countries, first)
    combined_last, combined_first = shares_last["combined"], shares_first["combined"]
    facts["n_european"] = str(len(europe_codes))
    facts["region_share"] = prose.percent(combined_last)
    shared = [c for c in params.countries if not prose.is_missing(shares_last.get(c, math.nan))]
    if shared:
        best = max(shared, key=lambda c: (shares_last[c], c))
        facts["share_sentence"] = (
            f"Together, the {group_label(params)} account for {prose.percent(combined_last)} of the sum of the "
            f"{len(europe_codes)} European countries' counts in {last}, against {prose.percent(combined_first)} in "
            f"{first}. The largest single share is {in_text(best)}'s, {prose.percent(shares_last[best])}.")
    else:
        facts["share_sentence"] = (f"None of the {group_label(params)} has a count in the file in {last}, so no "
                                   f"share can be computed.")
    non_eu = [c for c in europe_codes if c not in research.EU27_MEMBERS]
    facts["denominator_sentence"] = (
        f"The denominator is the sum of the whole counts of the {len(europe_codes)} European countries in the file: "
        f"the {sum(c in research.EU27_MEMBERS for c in europe_codes)} EU member states and "
        f"{join_names([in_text(c) for c in non_eu])}. Because a work with authors in two countries is "
        f"counted twice in that sum, the shares describe each country's part of Europe's authorship, not of "
        f"distinct works. The file holds no world total: besides Europe it keeps only "
        f"{join_names([in_text(c) for c in outside]) or 'no other country'}, so a share of world output "
        f"cannot be computed from it."
    )
    return facts


# --- A second source: CSET's AI publications (via Our World in Data) -----------------------------------------

CSET_NOTE = ("CSET's counts come from its own corpus and AI classifier, on English titles and abstracts only, and "
             "credit a country when at least one author is affiliated there: they are not OpenAlex counts and are "
             "never joined to the OpenAlex series.")


def cset_period(params: ReportParams, frames: OutputData) -> tuple[int, int] | None:
    """The first and last year of the CSET file within the report's years (None when the years exclude it)."""
    return research.years_in_window(frames.cset, params.year_start, params.year_end)


def cset_facts(params: ReportParams, frames: OutputData) -> dict[str, str]:
    cset = frames.cset
    facts = {"cset_file_first_year": str(int(cset["year"].min())), "cset_file_last_year": str(int(cset["year"].max())),
             "cset_vintage": data.resource(CSET).vintage or "date not recorded"}
    period = cset_period(params, frames)
    if period is None:
        outside = prose.outside_years("CSET file of AI publications", cset["year"], params.year_start,
                                      params.year_end)
        facts.update({"cset_first_year": str(params.year_start), "cset_last_year": str(params.year_end),
                      "cset_sentence": outside})
    else:
        first, last = period
        facts.update({"cset_first_year": str(first), "cset_last_year": str(last)})
        ranking = research.per_capita_ranking(cset[cset["geo"].isin(research.EUROPE)], last, params.countries)
        picks = ranking[ranking["role"] == "selected"].sort_values(["per_million", "geo"], ascending=[False, True])
        parts = [f"{prose.number(r.per_million, 0)}{' AI publications per million inhabitants' if i == 0 else ''} "
                 f"in {in_text(r.geo)} ({prose.ordinal(r.rank)}"
                 f"{f' of the {len(ranking)} European countries with counts and population figures' if i == 0 else ''})"
                 for i, r in enumerate(picks.itertuples())]
        counted = set(cset.loc[cset["year"] == last, "geo"])
        no_population = [c for c in params.countries if c in counted and c in research.EUROPE
                         and c not in set(ranking["geo"])]
        outside = [c for c in params.countries if c in counted and c not in research.EUROPE]
        absent = [c for c in params.countries if c not in counted]
        sentences = [f"In {last}, CSET counted {join_names(parts)}." if parts else
                     f"None of the {group_label(params)} can be ranked per inhabitant in CSET's counts for {last}."]
        if no_population:
            sentences.append(f"{_names_in_text(no_population)} cannot be ranked: the population file does not "
                             f"cover {'it' if len(no_population) == 1 else 'them'}.")
        if outside:
            sentences.append(f"{_names_in_text(outside)} {'is' if len(outside) == 1 else 'are'} not among the "
                             f"European countries compared here.")
        if absent:
            sentences.append(f"CSET has no count for {params.names_of(absent)} in {last}.")
        facts["cset_sentence"] = " ".join(sentences)
    facts.update(_comparison_facts(params, frames))
    return facts


def _names_in_text(codes) -> str:
    """'The United Kingdom and Norway': names for the start of a sentence."""
    return join_names([in_text(c, capital=(i == 0)) for i, c in enumerate(codes)])


def _rank_change(row) -> str:
    places = abs(int(row.difference))
    return (f"{in_text(row.geo)} ({prose.ordinal(row.rank_first)} in OpenAlex, {prose.ordinal(row.rank_second)} in "
            f"CSET: {places} place{'' if places == 1 else 's'} {'lower' if row.difference > 0 else 'higher'})")


def _comparison_facts(params: ReportParams, frames: OutputData) -> dict[str, str]:
    agreement, latest, ranks = research.source_comparison(frames.per_capita, frames.cset, params.year_start,
                                                           params.year_end, params.countries)
    valid = agreement.dropna(subset=["spearman"])
    if latest is None or valid.empty or prose.is_missing(
            agreement.set_index("year").loc[latest, "spearman"]):
        text = ("The report's years include no year that both OpenAlex and CSET cover with per-inhabitant values, "
                "so the two sources' rankings cannot be compared.")
        return {"cset_spearman": "not available", "cset_common_year": "no common year",
                "agreement_sentence": text, "meaning_cset": text}
    row = agreement.set_index("year").loc[latest]
    rho, n = float(row["spearman"]), int(row["countries"])
    strength = ("almost the same way" if rho >= 0.9 else "in broadly the same way" if rho >= 0.7 else
                "only loosely alike" if rho >= 0.4 else "differently")
    spread = (f", and between {prose.number(valid['spearman'].min(), 2)} and "
              f"{prose.number(valid['spearman'].max(), 2)} in the single years "
              f"{prose.span(valid['year'].min(), valid['year'].max())}" if len(valid) > 1 else "")
    moved = ranks[ranks["difference"] != 0]
    moved = moved.assign(size=moved["difference"].abs()).sort_values(["size", "geo"], ascending=[False, True])
    same = ranks[ranks["difference"] == 0]
    missing = [c for c in params.countries if c not in set(ranks["geo"])]
    sentences = [f"For the years both sources cover ({prose.span(min(agreement['year']), latest)}), they rank the "
                 f"{n} European countries with values in both {strength}: Spearman's rank correlation between the "
                 f"two sources' publications per million inhabitants is {prose.number(rho, 2)} in {latest}, the "
                 f"latest common year{spread}."]
    if len(moved):
        sentences.append(f"Among these {n} countries in {latest}, the rank differs for "
                         f"{join_names([_rank_change(r) for r in moved.itertuples()])}"
                         + (f"; {join_names([in_text(g) for g in same['geo']])} "
                            f"{'holds' if len(same) == 1 else 'hold'} the same rank in both." if len(same) else "."))
    elif len(same):
        sentences.append(f"{_names_in_text(same['geo'])} {'holds' if len(same) == 1 else 'hold'} the same rank in "
                         f"both sources in {latest}.")
    if missing:
        sentences.append(f"{_names_in_text(missing)} cannot be compared: "
                         f"{'it is' if len(missing) == 1 else 'they are'} not among the European countries with a "
                         f"per-inhabitant value in both sources in {latest}.")
    text = " ".join(sentences)
    biggest = int(moved["difference"].abs().max()) if len(moved) else 0
    meaning = (f"A second source, CSET, ranks the European countries {strength} (Spearman's ρ = "
               f"{prose.number(rho, 2)} in {latest})"
               + (f"; the {group_label(params)}' ranks differ by at most {biggest} "
                  f"place{'' if biggest == 1 else 's'}." if len(ranks) else "."))
    return {"cset_spearman": prose.number(rho, 2), "cset_common_year": str(latest),
            "agreement_sentence": text.strip(), "meaning_cset": meaning}


def _rd_facts(params: ReportParams, frames: OutputData) -> dict[str, str]:
    facts = {}
    # R&D expenditure.
    rd_codes = [c for c in params.countries if c in set(frames.rd["geo"])]
    rd_year, gaps = research.rd_latest(frames.rd, params.countries, params.comparison_aggregate,
                                       params.year_start, params.year_end)
    if rd_year is not None:
        reference = gaps["aggregate_value"].iloc[0] if len(gaps) else math.nan
        above = int((gaps["gap_points"] > 0).sum())
        facts["rd_year"] = str(rd_year)
        facts["rd_sentence"] = (
            f"In {rd_year}, the last year of the series inside the report's window, R&D expenditure was "
            f"{listing(zip(gaps['geo'], gaps['value']), lambda v: prose.percent(v, 2), 'of GDP')}, "
            f"against {prose.percent(reference, 2)} in the {agg_short(params)}. {count_phrase(above, len(gaps), True)} "
            f"{group_label(params)} with a value spent a larger share of GDP on R&D than the {agg_short(params)}."
        ) + _missing_sentence(params, rd_codes, f"R&D figure in {rd_year}")
    else:
        facts["rd_year"] = "not available"
        facts["rd_sentence"] = (f"The R&D series has no value for {params.names_of(params.countries)} between "
                                f"{params.year_start} and {params.year_end}.")
    facts["rd_last_year"] = str(int(frames.rd["year"].max()))
    quotes = gerd_quote_table(params, frames)
    quoted = [c for c in params.countries if c in set(quotes["geo"])]
    facts["quotes_sentence"] = (
        f"For the years after the series ends, Eurostat's own figures (dataset rd_e_gerdtot) are not in the "
        f"snapshot. It holds only figures quoted elsewhere (in relays of Eurostat's news releases, mostly rounded, "
        f"and in one unverified third-party table) for {params.names_of(quoted)}, from "
        f"{int(quotes['year'].min())} to {int(quotes['year'].max())}. The table below lists them as quotes, "
        f"each with the page it was read on; they are not joined to the series above."
        if quoted else
        f"For the years after the series ends, the snapshot has no figures for {params.names_of(params.countries)}: "
        f"Eurostat's dataset rd_e_gerdtot is not in it, and the rounded quotes from press relays it holds cover "
        f"other countries."
    ) + (_missing_sentence(params, quoted, "quoted figure", "The snapshot") if quoted else "")
    facts.update(_rd_genai_meaning(params, frames))
    return facts


def _output_meaning(params: ReportParams, ranking: pd.DataFrame, growth: pd.DataFrame,
                    europe_growth: float, first: int, last: int) -> dict[str, str]:
    """A short data-driven sentence on research output for the chapter's conclusion."""
    third = math.ceil(len(ranking) / 3) if len(ranking) else 0
    picks = ranking[ranking["role"] == "selected"]
    in_top = int((picks["rank"] <= third).sum())
    faster = int((growth["annual_growth_percent"] > europe_growth).sum()) if not prose.is_missing(europe_growth) else 0
    facts = {
        "meaning_output": (
            f"{count_phrase(in_top, len(picks), True)} {group_label(params)} with data rank in the top third "
            f"(the first {third}) of the {len(ranking)} European countries for AI works per inhabitant in {last}, "
            f"and {count_phrase(faster, len(growth))} grew faster than the European sum from {first} to {last}."
            if len(picks) else f"None of the {group_label(params)} can be ranked for AI works per inhabitant."),
    }
    return facts


def _rd_genai_meaning(params: ReportParams, frames: OutputData) -> dict[str, str]:
    """Short data-driven sentences on R&D and generative AI for the chapter's conclusion."""
    facts = {}
    rd_year, gaps = research.rd_latest(frames.rd, params.countries, params.comparison_aggregate,
                                       params.year_start, params.year_end)
    if rd_year is not None:
        gaps = gaps.dropna(subset=["gap_points"])
        above = int((gaps["gap_points"] > 0).sum())
        facts["meaning_rd"] = (f"{count_phrase(above, len(gaps), True)} {group_label(params)} with data spent more "
                               f"of their GDP on R&D than the "
                               f"{agg_short(params)} in {rd_year}, the last year with comparable data.")
    else:
        facts["meaning_rd"] = "The R&D series has no value for the selected countries in the report's years."
    table = _genai_table(params, frames)
    young_label = research.AGE_GROUPS["ind_type=Individuals, 16 to 24 years old"]
    young = table[table["group"] == young_label].set_index("geo")["value"]
    reference = young.get(params.comparison_aggregate, math.nan)
    mine = young[[g for g in young.index if g in params.countries]]
    above = int((mine > reference).sum()) if not prose.is_missing(reference) else 0
    facts["meaning_genai"] = (
        f"Young people in {count_phrase(above, len(mine))} {group_label(params)} with data use generative AI for "
        f"their education more than the {agg_short(params)} average."
        if len(mine) else "Eurostat has no figures on young people's use of generative AI for these countries.")
    return facts


def _genai_table(params: ReportParams, frames: OutputData) -> pd.DataFrame:
    """Generative AI for formal education, within the report's years."""
    genai = frames.genai[frames.genai["year"].between(params.year_start, params.year_end)]
    return research.genai_for_education(genai, params.countries, params.comparison_aggregate)


def _no_genai_text(params: ReportParams, frames: OutputData) -> str:
    if not frames.genai["year"].between(params.year_start, params.year_end).any():
        return prose.outside_years("Eurostat survey of generative AI use", frames.genai["year"], params.year_start,
                                   params.year_end)
    return (f"Eurostat's survey has no figure on the use of generative AI for formal education for "
            f"{params.names_of(params.countries)} or the {params.aggregate_name}.")


def genai_facts(params: ReportParams, frames: OutputData) -> dict[str, str]:
    table = _genai_table(params, frames)
    facts = {}
    if table.empty:
        facts["genai_year"] = "no year of the report's range" if not frames.genai["year"].between(
            params.year_start, params.year_end).any() else "not available"
        facts["genai_sentence"] = _no_genai_text(params, frames)
        facts["genai_rank_sentence"] = facts["genai_anomaly_sentence"] = ""
        return facts
    year = int(table["year"].max())
    young_label, all_label = research.AGE_GROUPS["ind_type=Individuals, 16 to 24 years old"], \
        research.AGE_GROUPS["ind_type=All individuals"]
    young = table[(table["group"] == young_label) & (table["role"] == "selected")].sort_values(
        ["value", "geo"], ascending=[False, True])
    everyone = table[(table["group"] == all_label) & (table["role"] == "selected")].set_index("geo")["value"]
    aggregate = table[table["role"] == "aggregate"].set_index("group")["value"]
    facts["genai_year"] = str(year)
    young_aggregate = aggregate.get(young_label, math.nan)
    facts["genai_sentence"] = (
        (f"In {year}, the share of 16–24-year-olds who had used generative AI tools for formal education in the "
         f"previous three months was {listing(zip(young['geo'], young['value']), prose.percent)}, against "
         f"{prose.percent(young_aggregate)} in the {agg_short(params)}. Among all people aged 16–74 it was "
         f"{listing(((g, everyone.get(g, math.nan)) for g in young['geo']), prose.percent)} "
         f"({agg_short(params)}: {prose.percent(aggregate.get(all_label, math.nan))}).")
        if len(young) else f"Eurostat publishes no value for the young in {params.names_of(params.countries)}."
    ) + _missing_sentence(params, table["geo"], "value", "This Eurostat dataset")
    ranking = research.genai_ranking(frames.genai, "ind_type=Individuals, 16 to 24 years old", year)
    picks = ranking[ranking["geo"].isin(params.countries)]
    facts["genai_rank_sentence"] = (
        f"Among the {len(ranking)} countries in the dataset, "
        + join_names([f"{in_text(g)} ranks {prose.ordinal(r)}" for g, r in zip(picks["geo"], picks["rank"])])
        + " by the share of the young."
    ) if len(picks) else ""
    everyone_all = research.genai_ranking(frames.genai, "ind_type=All individuals", year).set_index("geo")["value"]
    young_all = ranking.set_index("geo")["value"]
    both = sorted(set(everyone_all.index) & set(young_all.index))
    higher = [g for g in both if young_all[g] > everyone_all[g]]
    odd = [g for g in young["geo"] if g in both and young_all[g] < everyone_all[g]]
    facts["genai_anomaly_sentence"] = (
        f"In {len(higher)} of the {len(both)} countries the young use generative AI for education more than the "
        f"population as a whole, as one would expect; in {params.names_of(odd)} the published share of the young is "
        f"lower. That is unusual enough to be checked against Eurostat's own table before it is quoted."
        if odd else "")
    return facts


# --- Notebook 1 charts ---------------------------------------------------------------------------------------

SMALL_COUNT = 20  # publications a year below which a country's per-inhabitant value jumps about


def _per_million_lines(params: ReportParams, source: pd.DataFrame, first: int, last: int, count_title: str,
                       y_title: str):
    """The layers of a per-million line chart shared by both publication sources: the selected countries
    coloured, the other European countries grey. Returns the drawn frame, the selected rows, their names,
    their rows of the last year (largest first) and the layers."""
    frame = source[source["year"].between(first, last) & source["geo"].isin(research.EUROPE)
                   & source["per_million"].notna()].copy()
    frame["name"] = frame["geo"].map(research.geo_label)
    frame["role"] = frame["geo"].map(lambda g: "selected" if g in params.countries else "other")
    frame = frame.sort_values(["role", "geo", "year"]).reset_index(drop=True)
    selected = frame[frame["role"] == "selected"]
    names = [research.geo_label(c) for c in params.countries if c in set(selected["geo"])]
    latest = selected[selected["year"] == last].sort_values(["per_million", "geo"], ascending=[False, True])
    tooltip = [alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("value:Q", title=count_title, format=",.0f"),
               alt.Tooltip("per_million:Q", title="Per million inhabitants", format=",.0f")]
    x = alt.X("year:O", title="Publication year", axis=alt.Axis(labelAngle=0))
    y = alt.Y("per_million:Q", title=y_title)
    layers = [alt.Chart(frame[frame["role"] == "other"]).mark_line(color=CONTEXT_GREY, strokeWidth=1, opacity=0.6)
              .encode(x=x, y=y, detail="geo:N", tooltip=tooltip)]
    if len(selected):
        layers.append(alt.Chart(selected).mark_line(point=True).encode(
            x=x, y=y, color=alt.Color("name:N", title="Country", scale=alt.Scale(domain=names, range=_colours(names))),
            tooltip=tooltip))
    return frame, selected, names, latest, layers


def _small_count_note(frame: pd.DataFrame, last: int) -> list[str]:
    small = frame[(frame["year"] == last) & (frame["value"] < SMALL_COUNT)]
    if small.empty:
        return []
    names = join_names(sorted(small["name"].unique()))
    return [f"{names} rest{'s' if small['geo'].nunique() == 1 else ''} on fewer than {SMALL_COUNT} publications in "
            f"{last}, so {'its' if small['geo'].nunique() == 1 else 'their'} values per inhabitant move a lot."]


def per_million_chart(params: ReportParams, frames: OutputData):
    if publication_period(params, frames) is None:
        return _no_publications_chart(params, frames, "ai-publications-per-million")
    first, last = publication_period(params, frames)
    frame, selected, names, latest, layers = _per_million_lines(
        params, frames.per_capita, first, last, "AI works", "AI works per million inhabitants")
    if len(latest):
        top = latest.iloc[0]
        title = (f"{top['name']} publishes the most AI research per inhabitant among the {group_label(params)}: "
                 f"{top['per_million']:,.0f} works per million in {last}")
    else:
        title = f"AI works per million inhabitants in European countries, {first}–{last}"
    chart = alt.layer(*layers).properties(
        title=alt.Title(title, subtitle="Grey lines: the other European countries in the file"), width=560, height=340)
    description = (f"Line chart of AI works per million inhabitants from {first} to {last} for "
                   f"{join_names(names) or 'no selected country'}, with the other European countries as grey lines. "
                   f"In {last}: " + "; ".join(f"{n} {v:,.0f}" for n, v in zip(latest["name"], latest["per_million"]))
                   + ".")
    notes = [WHOLE_COUNT_NOTE, CONCEPT_NOTE,
             f"No {params.aggregate_name} line: the file has no de-duplicated EU count, and summing the member states "
             f"would count co-authored works more than once.",
             "Population: World Bank mid-year estimates; the United Kingdom is not in the population file."]
    notes += _missing_note(params, selected["geo"], "AI publication counts or population")
    return figure(chart, name="ai-publications-per-million", description=description,
                  data=frame[["geo", "name", "role", "year", "value", "population", "per_million"]],
                  sources=[PUBLICATIONS, POPULATION], notes=notes)


def ranking_chart(params: ReportParams, frames: OutputData):
    if publication_period(params, frames) is None:
        return _no_publications_chart(params, frames, "ai-publications-ranking")
    _, last = publication_period(params, frames)
    ranked = research.per_capita_ranking(frames.per_capita, last, params.countries)
    ranked = ranked[ranked["geo"].isin(research.EUROPE)].reset_index(drop=True)
    picks = ranked[ranked["role"] == "selected"]
    median = float(ranked["per_million"].median()) if len(ranked) else math.nan
    if len(picks):
        best = picks.iloc[0]
        title = (f"{best['name']} ranks {prose.ordinal(best['rank'])} of {len(ranked)} European countries for "
                 f"AI works per inhabitant ({last})")
    else:
        title = f"AI works per million inhabitants in {len(ranked)} European countries ({last})"
    bars = alt.Chart(ranked).mark_bar().encode(
        y=alt.Y("name:N", sort=list(ranked["name"]), title=None),
        x=alt.X("per_million:Q", title=f"AI works per million inhabitants ({last})"),
        color=alt.Color("role:N", title=None, scale=alt.Scale(domain=["selected", "other"],
                                                               range=[PALETTE[0], CONTEXT_GREY]),
                        legend=alt.Legend(orient="top", labelExpr=f"datum.label == 'selected' ? "
                                          f"'{group_label(params)}' : 'other European countries'")),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("rank:Q", title="Rank"),
                 alt.Tooltip("value:Q", title="AI works", format=",.0f"),
                 alt.Tooltip("per_million:Q", title="Per million inhabitants", format=",.0f")],
    )
    layers = [bars]
    if not prose.is_missing(median):
        reference = pd.DataFrame({"per_million": [median], "label": [f"median {median:,.0f}"]})
        layers.append(alt.Chart(reference).mark_rule(color=AGGREGATE_COLOUR, strokeDash=[5, 3]).encode(
            x="per_million:Q"))
        layers.append(alt.Chart(reference).mark_text(align="left", dx=4, y=-8, fontSize=11).encode(
            x="per_million:Q", text="label:N"))
    chart = alt.layer(*layers).properties(title=title, width=540, height=alt.Step(15))
    description = (f"Bar chart ranking {len(ranked)} European countries by AI works per million inhabitants in {last}; "
                   f"the dashed line marks the median of these countries, {median:,.0f}. "
                   + "; ".join(f"{n} ranks {r} with {v:,.0f}" for n, r, v in
                               zip(picks["name"], picks["rank"], picks["per_million"])) + ".")
    notes = [WHOLE_COUNT_NOTE,
             "The dashed line is the median of the countries shown, not an EU value (the file has no "
             "de-duplicated EU count).",
             "The United Kingdom is not ranked: the population file does not cover it.",
             "Small countries' values move a lot from year to year (Liechtenstein had fewer than 20 works a year)."
             if "LI" in set(ranked["geo"]) else ""]
    notes = [n for n in notes if n] + _missing_note(params, ranked["geo"], f"per-inhabitant value in {last}")
    return figure(chart, name="ai-publications-ranking", description=description,
                  data=ranked[["geo", "name", "role", "year", "value", "population", "per_million", "rank"]],
                  sources=[PUBLICATIONS, POPULATION], notes=notes)


def growth_chart(params: ReportParams, frames: OutputData):
    if publication_period(params, frames) is None:
        return _no_publications_chart(params, frames, "ai-publications-growth")
    first, last = publication_period(params, frames)
    growth = research.growth(frames.publications, params.countries, first, last)
    present = growth.dropna(subset=["annual_growth_percent"])
    europe_row = pd.DataFrame([research.europe_growth(frames.publications, first, last)])
    table = pd.concat([present, europe_row], ignore_index=True)
    table["role"] = ["selected"] * len(present) + ["aggregate"]
    fastest = present.sort_values(["annual_growth_percent", "geo"], ascending=[False, True])
    if len(fastest):
        top = fastest.iloc[0]
        title = (f"{top['name']}'s AI output grew fastest among the {group_label(params)}: "
                 f"{prose.signed_percent(top['annual_growth_percent'])} a year, {first}–{last}")
    else:
        title = f"Annual growth of AI works, {first}–{last}"
    names = list(present["name"])
    chart = alt.Chart(table).mark_bar().encode(
        y=alt.Y("name:N", sort=[*names, research.EUROPE_SUM_LABEL], title=None),
        x=alt.X("annual_growth_percent:Q", title=f"Average annual growth of AI works, {first}–{last} (%)"),
        color=alt.Color("name:N", legend=None, scale=alt.Scale(domain=[*names, research.EUROPE_SUM_LABEL],
                                                              range=[*_colours(names), AGGREGATE_COLOUR])),
        tooltip=[alt.Tooltip("name:N", title="Country"),
                 alt.Tooltip("works_first_year:Q", title=f"Works {first}", format=",.0f"),
                 alt.Tooltip("works_last_year:Q", title=f"Works {last}", format=",.0f"),
                 alt.Tooltip("annual_growth_percent:Q", title="Annual growth (%)", format="+.1f")],
    ).properties(title=title, width=540)
    description = (f"Bar chart of the compound annual growth of AI works from {first} to {last}: "
                   + "; ".join(f"{n} {prose.signed_percent(g, missing='no growth rate')} a year "
                               f"({a:,.0f} to {b:,.0f} works)" for n, g, a, b in
                               zip(table["name"], table["annual_growth_percent"], table["works_first_year"],
                                   table["works_last_year"])) + ".")
    notes = [WHOLE_COUNT_NOTE, "The black bar is the sum of the European countries' whole counts."]
    notes += _missing_note(params, present["geo"], f"counts for both {first} and {last}")
    return figure(chart, name="ai-publications-growth", description=description,
                  data=table[["geo", "name", "role", "first_year", "last_year", "works_first_year", "works_last_year",
                              "annual_growth_percent"]],
                  sources=[PUBLICATIONS], notes=notes)


def cset_chart(params: ReportParams, frames: OutputData):
    period = cset_period(params, frames)
    if period is None:
        return message_figure("cset-ai-publications-per-million",
                              f"No CSET counts of AI publications in {prose.span(params.year_start, params.year_end)}",
                              prose.outside_years("CSET file of AI publications", frames.cset["year"],
                                                  params.year_start, params.year_end) + " Nothing is drawn.", [CSET])
    first, last = period
    frame, selected, names, latest, layers = _per_million_lines(
        params, frames.cset, first, last, "AI publications (CSET)", "AI publications per million inhabitants (CSET)")
    openalex = publication_period(params, frames)
    if len(latest):
        top = latest.iloc[0]
        too = " too" if openalex is not None and top["geo"] == research.leader(frames.per_capita, openalex[1], params.countries) else ""
        title = (f"In CSET's counts{too}, {top['name']} leads the {group_label(params)} in AI publications per "
                 f"inhabitant: {top['per_million']:,.0f} per million in {last}" if len(latest) > 1 else
                 f"{top['name']}: {top['per_million']:,.0f} AI publications per million inhabitants in {last} "
                 f"(CSET)")
    else:
        title = f"AI publications per million inhabitants in European countries (CSET), {first}–{last}"
    after = openalex is not None and first <= openalex[1] < last
    if after:
        end = pd.DataFrame({"year": [openalex[1]], "label": [f"OpenAlex series ends ({openalex[1]})"]})
        layers.append(alt.Chart(end).mark_rule(color=AGGREGATE_COLOUR, strokeDash=[5, 3]).encode(x="year:O"))
        layers.append(alt.Chart(end).mark_text(align="left", dx=4, y=8, fontSize=11).encode(x="year:O", text="label:N"))
    chart = alt.layer(*layers).properties(
        title=alt.Title(title, subtitle="CSET's counts, a separate source from OpenAlex; grey lines: the other "
                                        "European countries with population figures"), width=560, height=340)
    description = (f"Line chart of CSET's AI scholarly publications per million inhabitants from {first} to {last} "
                   f"for {join_names(names) or 'no selected country'}, with the other European countries as grey "
                   f"lines. In {last}: "
                   + ("; ".join(f"{n} {v:,.0f}" for n, v in zip(latest["name"], latest["per_million"])) or
                      "no selected country has a value") + "."
                   + (f" A dashed line marks {openalex[1]}, the last year of the OpenAlex series." if after else ""))
    notes = [CSET_NOTE, "Whole counting: a publication with authors in two countries counts once for each."]
    no_population = research.without_population(frames.cset, first, last)
    if no_population:
        notes.append(f"Population: World Bank mid-year estimates; {join_names([in_text(c) for c in no_population])} "
                     f"{'is' if len(no_population) == 1 else 'are'} not in the population file and not drawn.")
    notes += _small_count_note(frame, last)
    notes += _missing_note(params, selected["geo"], "CSET count or population")
    return figure(chart, name="cset-ai-publications-per-million", description=description,
                  data=frame[["geo", "name", "role", "year", "value", "population", "per_million"]],
                  sources=[CSET, POPULATION], notes=notes)


def rd_chart(params: ReportParams, frames: OutputData):
    series = research.rd_series(frames.rd, params.countries, params.comparison_aggregate,
                                params.year_start, params.year_end)
    if series.empty:
        in_years = frames.rd[frames.rd["year"].between(params.year_start, params.year_end)]
        reason = (prose.outside_years("R&D expenditure series", frames.rd["year"], params.year_start, params.year_end)
                  if in_years.empty else
                  f"The R&D series has no value for {params.names_of(params.countries)} or the "
                  f"{params.aggregate_name} in {prose.span(params.year_start, params.year_end)}.")
        return message_figure("rd-expenditure", f"No R&D expenditure figures in "
                              f"{prose.span(params.year_start, params.year_end)}", f"{reason} Nothing is drawn.", [RD])
    codes = [c for c in params.countries if c in set(series["geo"])]
    names = [research.geo_label(c) for c in codes]
    aggregate_name = research.geo_label(params.comparison_aggregate)
    year = research.latest_common_year(series, params.countries)
    latest = series[(series["year"] == year) & (series["role"] == "selected")].sort_values(
        ["value", "geo"], ascending=[False, True]) if year is not None else series.iloc[0:0]
    reference = measures.value_at(series, params.comparison_aggregate, year) if year is not None else math.nan
    if len(latest):
        above = int((latest["value"] > reference).sum()) if not prose.is_missing(reference) else 0
        top = latest.iloc[0]
        title = (f"{count_phrase(above, len(latest), True)} {group_label(params)} spent a larger share of GDP on "
                 f"R&D than the "
                 f"{agg_short(params)} in {year}; {top['name']} the most, {top['value']:.2f}%")
    elif not codes:
        title = (f"No R&D figures for {params.names_of(params.countries)}: R&D expenditure as a share of GDP in the "
                 f"{aggregate_name}")
    else:
        title = "R&D expenditure as a share of GDP"
    domain = [*names, aggregate_name]
    chart = alt.Chart(series).mark_line(point=True).encode(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title="R&D expenditure (% of GDP)", scale=alt.Scale(zero=False)),
        color=alt.Color("name:N", title="Country or aggregate",
                        scale=alt.Scale(domain=domain, range=[*_colours(names), AGGREGATE_COLOUR])),
        strokeDash=alt.StrokeDash("role:N", title="Line", scale=alt.Scale(domain=["selected", "aggregate"],
                                                                        range=[[1, 0], [5, 3]])),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("value:Q", title="% of GDP", format=".2f")],
    ).properties(title=title, width=560, height=320)
    description = (f"Line chart of R&D expenditure as a percentage of GDP from {int(series['year'].min())} to "
                   f"{int(series['year'].max())} for {join_names(names)} and the {aggregate_name} (dashed). "
                   + (f"In {year}: " + "; ".join(f"{n} {v:.2f}%" for n, v in zip(latest["name"], latest["value"]))
                      + f"; {aggregate_name} {prose.percent(reference, 2, missing='no value')}." if len(latest)
                      else ""))
    notes = ["UNESCO Institute for Statistics data as published by Our World in Data (an older vintage); the series "
             "ends in 2020 and is not Eurostat's rd_e_gerdtot."]
    notes += _missing_note(params, series["geo"], "R&D expenditure figures")
    return figure(chart, name="rd-expenditure", description=description,
                  data=series[["geo", "name", "role", "year", "value"]], sources=[RD], notes=notes)


def gerd_quote_table(params: ReportParams, frames: OutputData) -> pd.DataFrame:
    """Quoted figures for the years after the R&D series ends (selected countries and the aggregate)."""
    return research.quotes_after_series(frames.gerd_quotes, int(frames.rd["year"].max()), params.countries,
                                        culture.aggregate_codes(params.comparison_aggregate), params.year_start,
                                        params.year_end)


def _quoted_number(value: float) -> str:
    """A quoted figure with the decimals it was quoted with (at least one): 3.0, 3.64."""
    return f"{value:.1f}" if round(value, 1) == value else f"{value:.2f}"


def gerd_quotes_html(params: ReportParams, frames: OutputData):
    """The text-quoted GERD figures as a separate table with its sources (not a chart, not a series)."""
    quotes = gerd_quote_table(params, frames)
    if quotes.empty:
        return HTML(f"<p>No quoted R&amp;D figures for {html.escape(params.names_of(params.countries))}.</p>")
    shown = quotes.assign(quoted=[_quoted_number(v) for v in quotes["value"]], where="page")
    return tables.table(
        shown, name="gerd-quotes",
        title=(f"Quoted R&D intensity (GERD, % of GDP) for the {group_label(params)} and the EU, as read in relays "
               "of Eurostat releases"),
        columns=[tables.Column("year", "Year"), tables.Column("name", "Country or aggregate"),
                 tables.Column("quoted", "% of GDP", numeric=True), tables.Column("how_quoted", "How it was quoted"),
                 tables.Column("where", "Where", link="quoted_at")],
        sources=[GERD_QUOTES],
        notes=["Rounded figures from different releases, quoted in texts: a list of quotes, not a series; "
               "they are never joined to the R&D series above."],
        data=quotes[["year", "geo", "name", "value", "how_quoted", "quoted_at"]])


def genai_chart(params: ReportParams, frames: OutputData):
    table = _genai_table(params, frames)
    if table.empty:
        return message_figure("genai-formal-education", "No figures on generative AI in formal education",
                              f"{_no_genai_text(params, frames)} Nothing is drawn.", [GENAI])
    year = int(table["year"].max())
    young_label = research.AGE_GROUPS["ind_type=Individuals, 16 to 24 years old"]
    all_label = research.AGE_GROUPS["ind_type=All individuals"]
    young = table[(table["group"] == young_label)].set_index("geo")["value"]
    selected_young = table[(table["group"] == young_label) & (table["role"] == "selected")].sort_values(
        ["value", "geo"], ascending=[False, True])
    reference = young.get(params.comparison_aggregate, math.nan)
    if len(selected_young):
        top = selected_young.iloc[0]
        reference_text = (f"{agg_short(params)}: {reference:.0f}%" if not prose.is_missing(reference) else
                          f"no value for the {agg_short(params)}")
        title = (f"In {top['name']}, {top['value']:.0f}% of 16–24-year-olds used generative AI for formal "
                 f"education in {year} ({reference_text})")
    else:
        title = f"Use of generative AI for formal education, {year}"
    order = [*selected_young["name"], research.geo_label(params.comparison_aggregate)]
    order += [n for n in table["name"].unique() if n not in order]
    base = alt.Chart(table).encode(
        y=alt.Y("name:N", sort=order, title=None),
        x=alt.X("value:Q", title=f"Used generative AI for formal education, last 3 months ({year}, % of individuals)"),
        color=alt.Color("group:N", title="Age group", scale=alt.Scale(domain=[young_label, all_label],
                                                                       range=[PALETTE[0], PALETTE[1]]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("group:N", title="Age group"),
                 alt.Tooltip("value:Q", title="% of individuals", format=".1f"),
                 alt.Tooltip("flag:N", title="Eurostat flag")],
    )
    rules = alt.Chart(table).mark_rule(color=CONTEXT_GREY).encode(y=alt.Y("name:N", sort=order), x="min(value):Q",
                                                                  x2="max(value):Q")
    points = base.mark_point(size=120, filled=True, opacity=1)
    if table["low_reliability"].any():
        points = points.encode(shape=alt.Shape(
            "low_reliability:N", title="Eurostat flag",
            scale=alt.Scale(domain=[False, True], range=["circle", "triangle"]),
            legend=alt.Legend(labelExpr="datum.value ? 'low reliability (u)' : 'no flag'")))
    chart = alt.layer(rules, points).properties(title=title, width=500, height=alt.Step(32))
    description = (f"Dot chart of the share of individuals who used generative AI tools for formal education in the "
                   f"three months before the {year} survey, for people aged 16–24 and for all individuals: "
                   + "; ".join(f"{n}: {v:.1f}% ({g.lower()})" for n, g, v in
                               zip(table["name"], table["group"], table["value"])) + ".")
    notes = ["Eurostat does not identify students: the 16–24 age group is used as the closest proxy.",
             "All individuals = people aged 16–74, Eurostat's survey population."]
    notes += _missing_note(params, table["geo"], "value in this Eurostat dataset")
    if table["low_reliability"].any():
        notes.append("Triangles mark values Eurostat flags as of low reliability (u).")
    return figure(chart, name="genai-formal-education", description=description,
                  data=table[["geo", "name", "year", "group", "value", "flag"]], sources=[GENAI], notes=notes)
