"""AI adoption chapters: enterprises (``ai_enterprises``) and people and skills (``ai_people_skills``).

Facts for the prose (dicts of ready-formatted sentences to glue) and chart functions that return
:func:`ai_culture_report.charts.figure`. Nothing here names a country: the selection, the aggregate
and the years come from :class:`~ai_culture_report.params.ReportParams`, everything else from the data.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass, field

import altair as alt
import pandas as pd
from IPython.display import HTML

from .. import ai_adoption as ai
from .. import data, measures, prose, tables
from ..charts import AGGREGATE_COLOUR, CONTEXT_GREY, PALETTE, figure
from ..charts import message_figure as message_chart
from ..params import ReportParams, join_names, group_label

# Registry names of the datasets.
ANY_AI_SOURCE = "isoc_eb_ai_e_ai_tany_ge10"
TECHNOLOGY_SOURCE = "isoc_eb_ai_ai_technologies_ge10_nordic_eu27"
CONSIDERED_SOURCE = "isoc_eb_ai_considered_and_own_developed_2025"
SECTOR_SOURCE = "isoc_eb_ain2_ai_use_nace_j_and_ict_by_country"
GENAI_SOURCE = "isoc_ai_iaiu_genai_use_individuals_2025"
REASONS_SOURCE = "isoc_ai_iaiuxr_genai_reasons_not_used_2025"
ICT_SOURCE = "isoc_sks_itspt_ict_specialists"
POPULATION_SOURCE = "worldbank_population_total_eu_eea_2010_2024"
INVESTMENT_SOURCE = "owid_cset_ai_private_investment"
STATICE_SOURCE = "statice_is_enterprise_ai_use_text"
ICELAND = "IS"  # the one country whose statistics office published its own figures (the Statistics Iceland table)

ENTERPRISE_AXIS = "Enterprises with 10+ employees (%)"
SECTOR_LABEL = "Information and communication (NACE J)"
ALL_LABEL = "All enterprises"
SECTOR_NACE = "J"
BREAK_NOTE = "A diamond marks a value Eurostat flags as a break in series (b): the method changed that year."
TRANSCRIPTION_NOTE = ("The technology rows for {names} were transcribed from a single copy of the Eurostat file "
                      "and have not been checked against a second copy; re-check them against Eurostat.")
LEADERS = 3  # countries shown as "the leaders" beside the selection
MIN_PEERS_FOR_RANK = 10  # below this, a rank among the few countries with data says little


# --- Small helpers ----------------------------------------------------------------------------------------------

# Short names of aggregates for running text (the full name is given once, in the chapter's introduction).
SHORT_AGGREGATE = {"EU27_2020": "EU27", "EU28": "EU28", "EA": "euro area", "EA20": "euro area"}


def agg_short(params: ReportParams) -> str:
    return SHORT_AGGREGATE.get(params.comparison_aggregate, params.aggregate_name)


def the_geo(params: ReportParams, code: str) -> str:
    """'Denmark', or 'the EU27' for the comparison aggregate."""
    return f"the {agg_short(params)}" if code == params.comparison_aggregate else ai.geo_name(code)


def against(params: ReportParams, value: float, formatter=prose.percent) -> str:
    """', against 19.9% in the EU27' or '; the snapshot has no value for the EU27' (to end a clause)."""
    if prose.is_missing(value):
        return f"; the snapshot has no value for the {agg_short(params)}"
    return f", against {formatter(value)} in the {agg_short(params)}"


def values_in(pairs, noun: str = "", formatter=prose.percent) -> str:
    """'42.0% of enterprises in Denmark, 37.8% in Finland and 35.0% in Sweden'."""
    pairs = list(pairs)
    parts = [f"{formatter(v)}{(' ' + noun) if (noun and i == 0) else ''} in {n}" for i, (n, v) in enumerate(pairs)]
    return join_names(parts)


def count_phrase(k: int, n: int) -> str:
    """'all 4', 'none of the 3', '2 of 3'."""
    if n == 1:
        return "the only" if k == 1 else "not the one"
    if n == 2 and k == 2:
        return "both"
    if k == n:
        return f"all {n}"
    if k == 0:
        return f"none of the {n}"
    return f"{k} of {n}"


def lower_first(label: str) -> str:
    """Lower-case the first letter unless the word is an acronym ('ICT specialists' stays)."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]



def country_colours(params: ReportParams) -> dict[str, str]:
    """A fixed colour per selected country, by its position in the parameters (same in every chart)."""
    return {code: PALETTE[i % (len(PALETTE) - 1)] for i, code in enumerate(params.countries)}


def name_scale(params: ReportParams, codes_present) -> alt.Scale:
    """Colour scale over names: selected countries present in a chart, then the aggregate in black."""
    colours = country_colours(params)
    codes = [c for c in params.countries if c in set(codes_present)]
    domain = [ai.geo_name(c) for c in codes]
    scale_range = [colours[c] for c in codes]
    if params.comparison_aggregate in set(codes_present):
        domain.append(ai.geo_name(params.comparison_aggregate))
        scale_range.append(AGGREGATE_COLOUR)
    return alt.Scale(domain=domain, range=scale_range)


def role_scale(labels: dict[str, str] | None = None) -> alt.Scale:
    roles = ["selected", "aggregate", "leader", "other"]
    return alt.Scale(domain=roles, range=[PALETTE[0], AGGREGATE_COLOUR, PALETTE[1], CONTEXT_GREY])


def role_legend(params: ReportParams, roles) -> alt.Legend:
    labels = {"selected": group_label(params), "aggregate": agg_short(params),
              "leader": "leading countries", "other": "other countries"}
    expression = " : ".join(f"datum.label == '{r}' ? '{labels[r]}'" for r in roles) + " : datum.label"
    return alt.Legend(title=None, orient="top", labelExpr=expression, values=list(roles))


def present_and_missing(params: ReportParams, frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    return measures.coverage(frame, params.countries)


def missing_note(params: ReportParams, frame: pd.DataFrame, what: str) -> list[str]:
    """'Iceland has no value in <what> in this data snapshot, so it is not drawn.' (empty when none is missing)."""
    _, missing = present_and_missing(params, frame)
    if not missing:
        return []
    one = len(missing) == 1
    return [f"{params.names_of(missing)} {'has' if one else 'have'} no value in {what} in this data snapshot, "
            f"so {'it is' if one else 'they are'} not drawn."]


def aggregate_note(params: ReportParams, frame: pd.DataFrame, what: str) -> list[str]:
    if params.comparison_aggregate in set(frame["geo"]):
        return []
    return [f"The snapshot has no value for the {params.aggregate_name} in {what}."]


def without_both_years(params: ReportParams, frame: pd.DataFrame, first: int, last: int) -> str:
    """' Portugal has no value for 2021.' for selected countries present in the data but lacking an end year."""
    bits = []
    for code in params.countries:
        years = set(frame.loc[frame["geo"] == code, "year"])
        if not years:
            continue
        lacking = [y for y in (first, last) if y not in years]
        if lacking:
            bits.append(f"{ai.geo_name(code)} has no value for {join_names([str(y) for y in lacking])}")
    return (" " + "; ".join(bits) + ".") if bits else ""


def format_value(value: float, unit: str) -> str:
    """42.0% for a share, 36.3 for a rate per 1,000."""
    return prose.percent(value) if unit == "%" else prose.number(value, 1)


def sorted_desc(frame: pd.DataFrame, column: str = "value") -> pd.DataFrame:
    """Sorted by value (largest first), then by geo code for a stable order."""
    return frame.sort_values([column, "geo"], ascending=[False, True], kind="stable", na_position="last")


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def no_values_chart(params: ReportParams, name: str, what: str, year: int, sources: list[str]):
    """The placeholder when neither a selected country nor the aggregate has a value in ``what`` in ``year``."""
    return message_chart(name, f"No values in {what} for {params.names_of(params.countries)} or the "
                               f"{agg_short(params)} ({year})",
                         f"The snapshot has no value in {what} in {year} for {params.names_of(params.countries)} or "
                         f"the {params.aggregate_name}. Nothing is drawn.", sources, [])


def wrap_expression(width: int = 28) -> str:
    """A Vega expression that breaks a long label into two lines at the last space before ``width`` characters."""
    return (f"length(datum.label) > {width} ? split(replace(datum.label, regexp('^(.{{1,{width}}}) '), '$1|'), '|') "
            ": datum.label")


def wrap_label(text: str, width: int) -> str:
    """Lines of at most ``width`` characters joined by '|', for a ``split(datum.label, '|')`` label expression."""
    return "|".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def year_axis(years) -> alt.Axis:
    return alt.Axis(format="d", values=sorted({int(y) for y in years}), labelAngle=0)


def survey_gaps(years) -> list[int]:
    years = sorted({int(y) for y in years})
    if not years:
        return []
    return [y for y in range(years[0], years[-1] + 1) if y not in years]


# --- Inputs -----------------------------------------------------------------------------------------------------

@dataclass
class EnterpriseInputs:
    """The enterprise datasets, reduced to the parameters' years (all countries kept for context)."""

    any_ai: pd.DataFrame
    technologies: pd.DataFrame
    considered: pd.DataFrame
    sector: pd.DataFrame
    sector_all: pd.DataFrame = field(repr=False)  # all indicators of the sector file, J only
    source_years: str = ""  # the years the enterprise survey has in the snapshot, whatever the parameters
    considered_years: str = ""  # the same for the questions on considering and developing AI
    # Private investment in AI per inhabitant (CSET via OWID), every country with population data, in the years.
    investment: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    # Statistics Iceland's own figures (scope 1+ employees: never compared with Eurostat's 10+).
    iceland: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)


def span_text(years) -> str:
    years = sorted({int(y) for y in years})
    if not years:
        return "no year"
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def enterprise_inputs(params: ReportParams) -> EnterpriseInputs:
    span = dict(year_start=params.year_start, year_end=params.year_end)
    sector_raw = data.load(SECTOR_SOURCE)
    any_raw = data.load(ANY_AI_SOURCE)
    investment = ai.investment_per_inhabitant(data.load(INVESTMENT_SOURCE), data.load(POPULATION_SOURCE))
    return EnterpriseInputs(
        source_years=span_text(any_raw["year"]),
        considered_years=span_text(data.load(CONSIDERED_SOURCE)["year"]),
        any_ai=ai.select(any_raw, ai.ANY_AI, **span),
        technologies=ai.select(data.load(TECHNOLOGY_SOURCE), **span),
        considered=ai.select(data.load(CONSIDERED_SOURCE), **span),
        sector=ai.select(sector_raw, ai.ANY_AI, nace_r2=SECTOR_NACE, **span),
        sector_all=ai.select(sector_raw, nace_r2=SECTOR_NACE, **span),
        investment=investment[investment["year"].between(params.year_start, params.year_end)].reset_index(drop=True),
        iceland=data.load(STATICE_SOURCE),
    )


@dataclass
class PeopleInputs:
    genai: pd.DataFrame
    reasons: pd.DataFrame
    ict_share: pd.DataFrame
    ict_density: pd.DataFrame
    genai_source_years: str = ""  # the years the generative-AI data have in the snapshot, whatever the parameters


def people_inputs(params: ReportParams) -> PeopleInputs:
    def in_years(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["year"].between(params.year_start, params.year_end)].reset_index(drop=True)

    ict = data.load(ICT_SOURCE)
    genai = ai.genai_frame(data.load(GENAI_SOURCE))
    return PeopleInputs(
        genai_source_years=span_text(genai["year"]),
        genai=in_years(genai),
        reasons=in_years(ai.genai_frame(data.load(REASONS_SOURCE), ai.REASON_PREFIX)),
        ict_share=in_years(ai.select(ict, unit=ai.ICT_SHARE_UNIT)),
        ict_density=in_years(ai.ict_per_thousand(ict, data.load(POPULATION_SOURCE))),
    )


def publish(facts: dict[str, str]) -> None:
    """Glue every fact for ``{glue:text}`` in the notebook's markdown."""
    for key in sorted(facts):
        prose.publish(key, facts[key])


# --- Shared pieces: series with roles, aggregate value ----------------------------------------------------------

def series_with_roles(params: ReportParams, frame: pd.DataFrame) -> pd.DataFrame:
    """Countries and the comparison aggregate (other aggregates dropped), with name, role and break marker."""
    out = ai.with_roles(frame, params.countries, params.comparison_aggregate)
    out = out[out["role"] != "other aggregate"].copy()
    out["break"] = ai.has_flag(out["flag"], ai.BREAK_FLAG)
    out["flag"] = out["flag"].astype(object).where(out["flag"].notna(), "")
    return out.reset_index(drop=True)


def value_of(frame: pd.DataFrame, geo: str, year: int | None) -> float:
    if year is None:
        return math.nan
    rows = frame[(frame["geo"] == geo) & (frame["year"] == year)]
    return float(rows["value"].iloc[0]) if len(rows) else math.nan


def selected_values(params: ReportParams, frame: pd.DataFrame, year: int | None) -> pd.DataFrame:
    rows = frame[frame["geo"].isin(params.countries) & (frame["year"] == year)]
    rows = sorted_desc(rows).copy()
    rows["name"] = rows["geo"].map(ai.geo_name)
    return rows


# =================================================================================================================
# Enterprises
# =================================================================================================================

def enterprise_facts(params: ReportParams, inputs: EnterpriseInputs) -> dict[str, str]:
    facts: dict[str, str] = {
        "region_name": params.region_name,
        "aggregate_name": params.aggregate_name,
        "group_label": group_label(params),
    }
    facts.update(_use_facts(params, inputs))
    facts.update(_technology_facts(params, inputs))
    facts.update(_funnel_facts(params, inputs))
    facts.update(_sector_facts(params, inputs))
    facts.update(_enterprise_summary_facts(params, inputs))
    facts.update(_iceland_facts(params, inputs))
    facts.update(_investment_facts(params, inputs))
    return facts


def _use_facts(params: ReportParams, inputs: EnterpriseInputs) -> dict[str, str]:
    frame = inputs.any_ai
    facts: dict[str, str] = {}
    if frame.empty:
        message = (f"The snapshot has no enterprise AI survey between {params.year_start} and {params.year_end}; "
                   f"the snapshot has the survey for {inputs.source_years}.")
        for key in ("use_sentence", "change_sentence", "europe_change_sentence", "rank_sentence", "break_sentence",
                    "coverage_sentence", "gap_sentence"):
            facts[key] = message if key == "use_sentence" else ""
        facts.update(first_year="(none)", last_year="(none)", n_countries="0")
        return facts
    first, last = int(frame["year"].min()), int(frame["year"].max())
    facts["first_year"], facts["last_year"] = str(first), str(last)
    ranked_last = ai.rank_in(frame, last)
    facts["n_countries"] = str(len(ranked_last))
    gaps = survey_gaps(frame["year"])
    facts["gap_sentence"] = (f"Eurostat did not ask about AI in {join_names([str(y) for y in gaps])}, so the series "
                             f"has no value for {'that year' if len(gaps) == 1 else 'those years'}." if gaps else "")
    present, missing = present_and_missing(params, frame)
    one = len(missing) == 1
    facts["coverage_sentence"] = (
        f"{params.names_of(missing)} {'is' if one else 'are'} not in Eurostat's enterprise AI data in this snapshot, "
        f"so {'it is' if one else 'they are'} missing from every enterprise chart below and the text speaks of "
        f"{'the other countries' if present else 'the aggregate'} only." if missing
        else f"All the {group_label(params)} are in Eurostat's enterprise AI data.")
    latest = selected_values(params, frame, last)
    agg = value_of(frame, params.comparison_aggregate, last)
    if latest.empty:
        facts["use_sentence"] = f"None of the {group_label(params)} has a value in {last}{against(params, agg)}."
    else:
        above = int((latest["value"] > agg).sum()) if not prose.is_missing(agg) else 0
        facts["use_sentence"] = (
            f"In {last}, {values_in(zip(latest['name'], latest['value']), 'of enterprises with 10 or more employees')} "
            f"used at least one AI technology{against(params, agg)}. "
            + (f"{count_phrase(above, len(latest)).capitalize()} {group_label(params)} with data "
               f"{'is' if above == 1 and len(latest) == 1 else 'are'} above the {agg_short(params)}."
               if not prose.is_missing(agg) else ""))
    change = ai.change_between(frame, first, last)
    change["name"] = change["geo"].map(ai.geo_name)
    selected = sorted_desc(change[change["geo"].isin(params.countries)], "pp_change")
    agg_change = change[change["geo"] == params.comparison_aggregate]
    parts = [f"{prose.points(p)} in {n} ({prose.ratio(r)} its {first} level)"
             for n, p, r in zip(selected["name"], selected["pp_change"], selected["ratio"])]
    agg_text = (f"; in the {agg_short(params)}, {prose.points(agg_change['pp_change'].iloc[0])} "
                f"({prose.ratio(agg_change['ratio'].iloc[0])})" if len(agg_change) else "")
    facts["change_sentence"] = (
        f"Only one survey year ({first}) lies in the selected years, so no change can be measured." if first == last
        else (f"From {first} to {last} the share changed by {join_names(parts)}{agg_text}." if parts else
              f"No selected country has values for both {first} and {last}.")
        + without_both_years(params, frame, first, last))
    countries = change[change["geo"].map(ai.is_country_code)]
    if len(countries) and first != last:
        top_pp = sorted_desc(countries, "pp_change").iloc[0]
        top_ratio = sorted_desc(countries, "ratio").iloc[0]
        rose = int((countries["pp_change"] > 0).sum())
        facts["europe_change_sentence"] = (
            f"The share rose in {count_phrase(rose, len(countries))} European countries with values for both years. "
            f"The largest rise in points was {possessive(top_pp['name'])} ({prose.points(top_pp['pp_change'])}); the "
            f"largest relative rise was {possessive(top_ratio['name'])}, "
            f"from {prose.percent(top_ratio['start_value'])} "
            f"to {prose.percent(top_ratio['end_value'])} ({prose.ratio(top_ratio['ratio'])}): countries that started "
            "low grew most in relative terms.")
    else:
        facts["europe_change_sentence"] = ""
    ranks = ai.ranks_each_year(frame)
    years = sorted(ranks["year"].unique())
    sizes = ranks.groupby("year")["n_ranked"].first()
    per_country = []
    for code in params.countries:
        mine = ranks[ranks["geo"] == code].set_index("year")["rank"]
        if mine.empty:
            continue
        per_country.append(f"{ai.geo_name(code)} " + ", ".join(
            prose.ordinal(mine[y]) if y in mine.index else "no value" for y in years))
    facts["rank_sentence"] = (
        f"Ranked among the European countries with a value in {join_names([str(y) for y in years])} "
        f"({join_names([str(int(sizes[y])) for y in years])} countries{' respectively' if len(years) > 1 else ''}): "
        f"{'; '.join(per_country)}."
        if per_country else "None of the selected countries is in the ranking.")
    facts["break_sentence"] = _break_sentence(params, frame)
    return facts


def _break_sentence(params: ReportParams, frame: pd.DataFrame) -> str:
    selected = ai.describe_breaks(ai.breaks(frame, params.countries))
    others = ai.describe_breaks(ai.breaks(frame[~frame["geo"].isin(params.countries)]))
    text = (f"Eurostat flags a break in series for {join_names(selected)}: the survey method changed, so the step "
            "from the year before is partly a change of method." if selected
            else f"None of the {group_label(params)} has a flagged break in series in these years.")
    if others:
        text += f" Other flagged breaks: {join_names(others)}."
    return text


def _creative_first_year(inputs: EnterpriseInputs) -> int | None:
    """The first year in which the generation of pictures, video or sound is measured (the extended list)."""
    years = [*inputs.technologies.loc[inputs.technologies["indicator"] == ai.CREATIVE_TECHNOLOGY, "year"],
             *inputs.sector_all.loc[inputs.sector_all["indicator"] == ai.CREATIVE_TECHNOLOGY, "year"]]
    return int(min(years)) if years else None


def use_chart(params: ReportParams, inputs: EnterpriseInputs):
    frame = inputs.any_ai
    sources = [ANY_AI_SOURCE]
    if frame.empty:
        return message_chart("ai-enterprise-use", "No enterprise AI data in the selected years",
                             f"The snapshot has no enterprise AI values between {params.year_start} and "
                             f"{params.year_end}.", sources, [])
    series = series_with_roles(params, frame)
    last = int(series["year"].max())
    first = int(series["year"].min())
    latest = series[(series["year"] == last) & (series["role"] == "selected")].pipe(sorted_desc)
    agg = value_of(series, params.comparison_aggregate, last)
    if len(latest):
        best = latest.iloc[0]
        above = int((latest["value"] > agg).sum()) if not prose.is_missing(agg) else 0
        title = (f"{count_phrase(above, len(latest)).capitalize()} {group_label(params)} with data "
                 f"{'is' if len(latest) == 1 else 'are'} above the {agg_short(params)} in enterprise AI use; "
                 f"{best['name']} leads with {prose.percent(best['value'])} ({last})")
    else:
        title = (f"Enterprise AI use in {series[series.role == 'other'].geo.nunique()} European countries, "
                 f"{first}–{last}; no value for {params.names_of(params.countries)}")
    gaps = survey_gaps(series["year"])
    subtitle = ("Grey: other European countries. " + (f"No survey in {', '.join(map(str, gaps))}. " if gaps else "")
                + "◇ = break in series")
    codes = set(series["geo"])
    base = alt.Chart(series).encode(
        x=alt.X("year:Q", title="Survey year", axis=year_axis(series["year"]), scale=alt.Scale(nice=False)),
        y=alt.Y("value:Q", title=ENTERPRISE_AXIS),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:Q", title="Year", format="d"),
                 alt.Tooltip("value:Q", title="% of enterprises", format=".1f"), alt.Tooltip("flag:N", title="Flag")],
    )
    others = base.transform_filter(alt.datum.role == "other").mark_line(
        color=CONTEXT_GREY, strokeWidth=1, opacity=0.55).encode(detail="geo:N")
    highlighted = base.transform_filter("datum.role == 'selected' || datum.role == 'aggregate'").mark_line(
        point=True).encode(
        color=alt.Color("name:N", title="Country or aggregate", scale=name_scale(params, codes)),
        strokeDash=alt.StrokeDash("role:N", scale=alt.Scale(domain=["selected", "aggregate"], range=[[1, 0], [6, 3]]),
                                  legend=None))
    breaks = base.transform_filter(alt.datum["break"]).mark_point(
        shape="diamond", size=190, filled=False, strokeWidth=2, color="#000000")
    chart = alt.layer(others, highlighted, breaks).properties(
        title=alt.Title(title, subtitle=subtitle), width=560, height=340)
    points = "; ".join(f"{n} {v:.1f}%" for n, v in zip(latest["name"], latest["value"]))
    description = (
        f"Line chart of the share of enterprises with 10 or more employees that use at least one AI technology, "
        f"{first} to {last}, for "
        f"{params.names_of([c for c in params.countries if c in codes]) or 'no selected country'}"
        f" (coloured), the {agg_short(params)} (black, dashed) and {series[series.role == 'other'].geo.nunique()} "
        f"other European countries (grey). In {last}: {points or 'no selected country has a value'}"
        f"{'' if prose.is_missing(agg) else f'; {agg_short(params)} {agg:.1f}%'}. "
        + _break_sentence(params, frame))
    notes = (missing_note(params, series, "Eurostat's enterprise AI survey")
             + aggregate_note(params, series, "this survey"))
    if series["break"].any():
        notes.append(BREAK_NOTE + " Flagged here: " + join_names(ai.describe_breaks(ai.breaks(frame))) + ".")
    extended = _creative_first_year(inputs)
    if extended is not None and extended > first:
        notes.append(f"The list of AI technologies was extended in {extended} (generation of pictures, video or sound "
                     f"was added), so {extended} is not strictly comparable with earlier years.")
    columns = ["geo", "name", "role", "year", "value", "flag"]
    return figure(chart, name="ai-enterprise-use", description=description, data=series[columns],
                  sources=sources, notes=notes)


def change_chart(params: ReportParams, inputs: EnterpriseInputs):
    frame = inputs.any_ai
    sources = [ANY_AI_SOURCE]
    if frame.empty:
        return message_chart("ai-enterprise-change", "No enterprise AI data in the selected years",
                             "Nothing to compare.", sources, [])
    first, last = int(frame["year"].min()), int(frame["year"].max())
    if first == last:
        return message_chart("ai-enterprise-change", f"Only one survey year ({first}) in the selected years",
                             "No change can be measured.", sources, [])
    change = ai.change_between(frame, first, last)
    change = ai.with_roles(change, params.countries, params.comparison_aggregate)
    change = change[change["role"] != "other aggregate"]
    change = sorted_desc(change, "end_value").reset_index(drop=True)
    countries = change[change["role"] != "aggregate"]
    rose = int((countries["pp_change"] > 0).sum())
    selected = sorted_desc(change[change["role"] == "selected"], "pp_change")
    if len(selected):
        top = selected.iloc[0]
        title = (f"Enterprise AI use rose in {count_phrase(rose, len(countries))} countries, {first}–{last}; "
                 f"{possessive(top['name'])} {prose.points(top['pp_change'])} is the largest rise among the "
                 f"{group_label(params)}")
    else:
        title = f"Enterprise AI use rose in {count_phrase(rose, len(countries))} countries, {first}–{last}"
    order = list(change["name"])
    base = alt.Chart(change).encode(y=alt.Y("name:N", sort=order, title=None))
    rule = base.mark_rule(color=CONTEXT_GREY, strokeWidth=2).encode(x=alt.X("start_value:Q"), x2="end_value:Q")
    start = base.mark_point(shape="circle", filled=False, size=60, color="#555555").encode(
        x=alt.X("start_value:Q", title=f"{ENTERPRISE_AXIS}: hollow = {first}, filled = {last}"),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("start_value:Q", title=str(first), format=".1f")])
    end = base.mark_point(shape="circle", filled=True, size=90, opacity=1).encode(
        x="end_value:Q",
        color=alt.Color("role:N", scale=role_scale(), legend=role_legend(params, ["selected", "aggregate", "other"])),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("end_value:Q", title=str(last), format=".1f"),
                 alt.Tooltip("pp_change:Q", title="Change (points)", format="+.1f"),
                 alt.Tooltip("ratio:Q", title="Ratio", format=".2f")])
    chart = alt.layer(rule, start, end).properties(title=title, width=540, height=alt.Step(15))
    description = (
        f"Dot chart of the share of enterprises using AI in {first} (hollow) and {last} (filled) for every European "
        f"country with both years and the {agg_short(params)}, sorted by the {last} value. "
        + "; ".join(f"{n}: {a:.1f}% to {b:.1f}% ({p:+.1f} points, {r:.2f} times)" for n, a, b, p, r in
                    zip(selected["name"], selected["start_value"], selected["end_value"], selected["pp_change"],
                        selected["ratio"])) + ".")
    notes = missing_note(params, change, f"both {first} and {last}")
    flagged = change[change["break_in_between"]]
    if len(flagged):
        notes.append(f"A break in series lies between {first} and {last} for {join_names(list(flagged['name']))}; "
                     "part of the change there is a change of method.")
    columns = ["geo", "name", "role", "start_year", "end_year", "start_value", "end_value", "pp_change", "ratio",
               "break_in_between"]
    return figure(chart, name="ai-enterprise-change", description=description, data=change[columns],
                  sources=sources, notes=notes)


def rank_chart(params: ReportParams, inputs: EnterpriseInputs):
    frame = inputs.any_ai
    sources = [ANY_AI_SOURCE]
    ranks = ai.ranks_each_year(frame)
    mine = ranks[ranks["geo"].isin(params.countries)].copy()
    if mine.empty:
        return message_chart("ai-enterprise-rank", f"None of the {group_label(params)} is ranked",
                             f"The enterprise AI data have no value for {params.names_of(params.countries)}.",
                             sources, missing_note(params, mine, "Eurostat's enterprise AI survey"))
    mine["name"] = mine["geo"].map(ai.geo_name)
    last, first = int(mine["year"].max()), int(mine["year"].min())
    end = mine[mine["year"] == last].sort_values(["rank", "geo"])
    best = end.iloc[0]
    start_ranks = mine[mine["year"] == first].set_index("geo")["rank"]
    climbs = [(g, int(start_ranks[g]) - int(r)) for g, r in zip(end["geo"], end["rank"]) if g in start_ranks.index]
    climbs.sort(key=lambda item: (-item[1], item[0]))
    title = f"{best['name']} ranks {prose.ordinal(best['rank'])} of {int(best['n_ranked'])} countries in {last}"
    if climbs and climbs[0][1] > 0:
        code, _ = climbs[0]
        if code == best["geo"]:
            title += f", up from {prose.ordinal(start_ranks[code])} in {first}"
        else:
            title += (f"; {ai.geo_name(code)} climbed from {prose.ordinal(start_ranks[code])} to "
                      f"{prose.ordinal(end.set_index('geo').loc[code, 'rank'])} since {first}")
    mine["rank_label"] = [f"{prose.ordinal(r)} of {n}" for r, n in zip(mine["rank"], mine["n_ranked"])]
    mine["flag"] = mine["flag"].astype(object).where(mine["flag"].notna(), "")
    mine["cell"] = [f"{label} ({v:.1f}%)" + (" ◇" if "b" in f else "") for label, v, f in
                    zip(mine["rank_label"], mine["value"], mine["flag"])]
    max_rank = int(ranks["n_ranked"].max())
    order = [ai.geo_name(c) for c in params.countries if c in set(mine["geo"])]
    base = alt.Chart(mine).encode(
        x=alt.X("year:O", title="Survey year", axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("name:N", sort=order, title=None),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("rank:Q", title="Rank"), alt.Tooltip("n_ranked:Q", title="Countries ranked"),
                 alt.Tooltip("value:Q", title="% of enterprises", format=".1f"), alt.Tooltip("flag:N", title="Flag")])
    cells = base.mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
        color=alt.Color("rank:Q", title="Rank",
                        scale=alt.Scale(scheme="viridis", reverse=True, domain=[1, max_rank]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=220)))
    text = base.mark_text(fontSize=12).encode(
        text="cell:N",
        color=alt.condition(f"datum.rank <= {max_rank / 2:.1f}", alt.value("#111111"), alt.value("#FFFFFF")))
    chart = alt.layer(cells, text).properties(
        title=alt.Title(title, subtitle="Rank among the European countries with a value that year (share of "
                                        "enterprises in brackets; ◇ = break in series)"),
        width=alt.Step(150), height=alt.Step(40))
    description = ("Table of the rank of each selected country among the European countries with a value, per "
                   "survey year (1 = highest share of enterprises using AI). " + "; ".join(
                       f"{n}: " + ", ".join(f"{prose.ordinal(r)} of {k} in {y}" for y, r, k in
                                            zip(g["year"], g["rank"], g["n_ranked"]))
                       for n, g in mine.groupby("name", sort=True)) + ".")
    notes = missing_note(params, mine, "Eurostat's enterprise AI survey")
    notes.append("The number of countries ranked differs between years when a country has no value that year.")
    columns = ["geo", "name", "year", "value", "rank", "n_ranked", "flag"]
    return figure(chart, name="ai-enterprise-rank", description=description, data=mine[columns],
                  sources=sources, notes=notes)


# --- Technologies -----------------------------------------------------------------------------------------------

def _transcribed_note(frame: pd.DataFrame, params: ReportParams) -> str:
    countries = sorted({g for g in frame["geo"] if ai.is_country_code(g)})
    return TRANSCRIPTION_NOTE.format(names=params.names_of(countries) if countries else "the countries")


def _technology_facts(params: ReportParams, inputs: EnterpriseInputs) -> dict[str, str]:
    tech = ai.technology_frame(inputs.technologies)
    facts: dict[str, str] = {}
    present, missing = present_and_missing(params, tech)
    in_file = sorted({g for g in inputs.technologies["geo"] if ai.is_country_code(g)})
    aggregates_in_file = sorted({g for g in inputs.technologies["geo"] if not ai.is_country_code(g)})
    covered = [ai.geo_name(g) for g in in_file] + [f"the {SHORT_AGGREGATE.get(g, ai.geo_name(g))}"
                                                   for g in aggregates_in_file]
    if in_file:
        facts["tech_coverage_sentence"] = (
            f"The snapshot has this breakdown only for {join_names(covered)}"
            + (f"; it is not in the snapshot for {params.names_of(missing)}, so the charts show "
               f"{'the other countries' if present or in_file else 'the aggregate'} for context." if missing else "."))
    else:
        facts["tech_coverage_sentence"] = "The snapshot has no technology breakdown for any country in these years."
    facts["transcription_sentence"] = _transcribed_note(inputs.technologies, params)
    year = ai.latest_year(tech)
    facts["tech_year"] = str(year) if year else "(none)"
    parts = []
    for code in [*present, params.comparison_aggregate]:
        label, value = ai.most_used_technology(tech, code, year) if year else (None, math.nan)
        if label:
            parts.append(f"{lower_first(label)} in {the_geo(params, code)} ({prose.percent(value)})")
    facts["tech_sentence"] = (f"In {year}, the most used AI technology was {join_names(parts)}."
                              if parts else "The snapshot has no technology breakdown for the selected countries or "
                                            f"the {agg_short(params)}.")
    creative = tech[tech["indicator"] == ai.CREATIVE_TECHNOLOGY]
    cyear = ai.latest_year(creative)
    if cyear:
        rows = selected_values(params, creative, cyear)
        agg = value_of(creative, params.comparison_aggregate, cyear)
        intro = (f"Generating pictures, video or sound, the technology closest to creative work, was first measured "
                 f"in {int(creative['year'].min())}. ")
        if len(rows):
            facts["creative_sentence"] = (intro + f"In {cyear} it was used by "
                                          f"{values_in(zip(rows['name'], rows['value']), 'of enterprises')}"
                                          f"{against(params, agg)}.")
        elif not prose.is_missing(agg):
            facts["creative_sentence"] = (intro + f"In {cyear} it was used by {prose.percent(agg)} of enterprises in "
                                          f"the {agg_short(params)}; the snapshot has no value for "
                                          f"{params.names_of(params.countries)}.")
        else:
            facts["creative_sentence"] = intro + "The snapshot has no value for the selected countries or aggregate."
    else:
        facts["creative_sentence"] = "Generating pictures, video or sound is not measured in the selected years."
    depth = inputs.technologies
    dyear = ai.latest_year(depth)
    two = depth[depth["indicator"] == "E_AI_TGE2"]
    none_ = depth[depth["indicator"] == "E_AI_TX"]
    rows2 = selected_values(params, two, dyear)
    rowsx = selected_values(params, none_, dyear)
    agg2 = value_of(two, params.comparison_aggregate, dyear)
    aggx = value_of(none_, params.comparison_aggregate, dyear)
    if len(rows2):
        facts["depth_sentence"] = (
            f"Combining technologies has become common: in {dyear}, "
            f"{values_in(zip(rows2['name'], rows2['value']), 'of enterprises')} used two or more"
            f"{against(params, agg2)}. "
            f"The share using no AI technology at all was {values_in(zip(rowsx['name'], rowsx['value']))}"
            f"{against(params, aggx)}.")
    elif not prose.is_missing(agg2):
        facts["depth_sentence"] = (f"In the {agg_short(params)}, {prose.percent(agg2)} of enterprises used two or more "
                                   f"AI technologies in {dyear} and {prose.percent(aggx)} used none.")
    else:
        facts["depth_sentence"] = ""
    return facts


def technology_chart(params: ReportParams, inputs: EnterpriseInputs):
    sources = [TECHNOLOGY_SOURCE]
    tech = series_with_roles(params, ai.technology_frame(inputs.technologies))
    if tech.empty:
        return message_chart("ai-technologies", "No technology breakdown in the selected years",
                             "The snapshot has no AI technology rows in these years.", sources, [])
    year = int(tech["year"].max())
    present, missing = present_and_missing(params, tech)
    latest = tech[tech["year"] == year]
    labels = list(ai.TECHNOLOGIES.values())
    creative_label = ai.TECHNOLOGIES[ai.CREATIVE_TECHNOLOGY]
    if present:
        winners = [ai.most_used_technology(inputs.technologies, c, year)[0] for c in present]
        top = max(set(w for w in winners if w), key=lambda w: (winners.count(w), -labels.index(w)))
        count = winners.count(top)
        title = (f"{top} is the most used AI technology in {count} of {len(present)} {group_label(params)} "
                 f"with data ({year})")
    else:
        label, value = ai.most_used_technology(inputs.technologies, params.comparison_aggregate, year)
        title = ((f"In the {agg_short(params)}, {lower_first(label)} is the most used AI technology "
                  f"({prose.percent(value)} in {year}); " if label else "")
                 + f"the snapshot has no technology breakdown for {params.names_of(missing)}")
        title = title[0].upper() + title[1:]
    creative = latest[latest["indicator"] == ai.CREATIVE_TECHNOLOGY]
    creative_sel = sorted_desc(creative[creative["role"] == "selected"])
    creative_agg = value_of(creative, params.comparison_aggregate, year)
    first_creative = int(tech.loc[tech["indicator"] == ai.CREATIVE_TECHNOLOGY, "year"].min()) \
        if (tech["indicator"] == ai.CREATIVE_TECHNOLOGY).any() else year
    if len(creative_sel):
        subtitle = (f"{creative_label} (asked from {first_creative}): {creative_sel.iloc[0]['name']} "
                    f"{prose.percent(creative_sel.iloc[0]['value'])}, "
                    f"{agg_short(params)} {prose.percent(creative_agg)}")
    else:
        subtitle = (f"{creative_label} (asked from {first_creative}): {agg_short(params)} "
                    f"{prose.percent(creative_agg)}")
    grey = sorted({g for g in tech.loc[tech["role"] == "other", "geo"]})
    if grey:
        subtitle = [subtitle, f"Grey: {join_names([ai.geo_name(g) for g in grey])}"]
    codes = set(tech["geo"])
    base = alt.Chart().encode(
        x=alt.X("year:Q", title=None, axis=alt.Axis(format="d", values=sorted(tech["year"].unique().tolist()),
                                                     labelAngle=-45, labelFontSize=10),
                scale=alt.Scale(domain=[int(tech["year"].min()) - 0.3, year + 0.3], nice=False)),
        y=alt.Y("value:Q", title="% of enterprises"),
        tooltip=[alt.Tooltip("technology:N", title="Technology"), alt.Tooltip("name:N", title="Country"),
                 alt.Tooltip("year:Q", format="d", title="Year"),
                 alt.Tooltip("value:Q", format=".1f", title="% of enterprises"), alt.Tooltip("flag:N", title="Flag")])
    others = base.transform_filter(alt.datum.role == "other").mark_line(
        color=CONTEXT_GREY, strokeWidth=1, point=alt.OverlayMarkDef(color=CONTEXT_GREY, size=20)).encode(detail="geo:N")
    highlighted = base.transform_filter("datum.role == 'selected' || datum.role == 'aggregate'").mark_line(
        point=alt.OverlayMarkDef(size=30), strokeWidth=2).encode(
        color=alt.Color("name:N", title="Country or aggregate", scale=name_scale(params, codes),
                        legend=alt.Legend(orient="top")))
    breaks = base.transform_filter(alt.datum["break"]).mark_point(shape="diamond", size=90, filled=False,
                                                                 color="#000000")
    chart = alt.layer(others, highlighted, breaks, data=tech).properties(width=150, height=120).facet(
        facet=alt.Facet("technology:N", sort=labels, title=None,
                        header=alt.Header(labelFontSize=11, labelExpr=wrap_expression(24))),
        columns=4).properties(title=alt.Title(title, subtitle=subtitle))
    description = (
        f"Small multiples, one panel per AI technology, of the share of enterprises using it in each survey year, for "
        f"{params.names_of(present) or 'no selected country'} and the {agg_short(params)}"
        + (f", with {params.names_of(sorted({g for g in tech[tech.role == 'other'].geo}))} in grey"
           if (tech.role == "other").any() else "")
        + f". The last panel, {creative_label.lower()}, has {year} only. In {year}: " + "; ".join(
            f"{t}: " + ", ".join(f"{n} {v:.1f}%" for n, v in zip(g["name"], g["value"]))
            for t, g in latest[latest.role != "other"].sort_values(["order", "name"]).groupby("technology", sort=False))
        + ".")
    notes = [_transcribed_note(inputs.technologies, params)]
    notes += missing_note(params, tech, "the technology breakdown")
    if tech["break"].any():
        notes.append(BREAK_NOTE + " Flagged: " + join_names(ai.describe_breaks(ai.breaks(tech))) + ".")
    columns = ["indicator", "technology", "geo", "name", "role", "year", "value", "flag"]
    return figure(chart, name="ai-technologies", description=description,
                  data=tech.sort_values(["order", "geo", "year"])[columns], sources=sources, notes=notes)


def depth_chart(params: ReportParams, inputs: EnterpriseInputs):
    sources = [TECHNOLOGY_SOURCE]
    frame = ai.technology_frame(inputs.technologies, ai.DEPTH)
    depth = series_with_roles(params, frame)
    if depth.empty:
        return message_chart("ai-technology-depth", "No technology breakdown in the selected years",
                             "The snapshot has no rows on the number of AI technologies in these years.", sources, [])
    year = int(depth["year"].max())
    present, missing = present_and_missing(params, depth)
    two = depth[(depth["indicator"] == "E_AI_TGE2") & (depth["year"] == year)]
    sel = sorted_desc(two[two["role"] == "selected"])
    agg = value_of(two, params.comparison_aggregate, year)
    if len(sel):
        title = (f"{sel.iloc[0]['name']} has the most enterprises combining two or more AI technologies: "
                 f"{prose.percent(sel.iloc[0]['value'])} in {year}, against {prose.percent(agg)} in the "
                 f"{agg_short(params)}")
    else:
        title = (f"In the {agg_short(params)}, {prose.percent(agg)} of enterprises combined two or more AI "
                 f"technologies in {year}; no breakdown for {params.names_of(missing)}")
    codes = set(depth["geo"])
    base = alt.Chart().encode(
        x=alt.X("year:Q", title="Survey year", axis=alt.Axis(format="d", values=sorted(depth["year"].unique().tolist()),
                                                             labelAngle=-45)),
        y=alt.Y("value:Q", title=ENTERPRISE_AXIS),
        tooltip=[alt.Tooltip("technology:N", title="Measure"), alt.Tooltip("name:N", title="Country"),
                 alt.Tooltip("year:Q", format="d", title="Year"), alt.Tooltip("value:Q", format=".1f", title="%")])
    others = base.transform_filter(alt.datum.role == "other").mark_line(color=CONTEXT_GREY, strokeWidth=1).encode(
        detail="geo:N")
    highlighted = base.transform_filter("datum.role == 'selected' || datum.role == 'aggregate'").mark_line(
        point=True).encode(color=alt.Color("name:N", title="Country or aggregate", scale=name_scale(params, codes),
                                           legend=alt.Legend(orient="top")))
    breaks = base.transform_filter(alt.datum["break"]).mark_point(shape="diamond", size=120, filled=False,
                                                                 color="#000000")
    chart = alt.layer(others, highlighted, breaks, data=depth).properties(width=190, height=200).facet(
        column=alt.Column("technology:N", sort=list(ai.DEPTH.values()), title=None,
                          header=alt.Header(labelFontSize=12)),
    ).resolve_scale(y="independent").properties(title=alt.Title(title, subtitle="Each panel has its own scale"))
    latest = depth[(depth["year"] == year) & (depth["role"] != "other")].sort_values(["order", "name"])
    description = ("Three line charts: the share of enterprises using two or more AI technologies, three or more, and "
                   "none, per survey year. In " + str(year) + ": " + "; ".join(
                       f"{t}: " + ", ".join(f"{n} {v:.1f}%" for n, v in zip(g["name"], g["value"]))
                       for t, g in latest.groupby("technology", sort=False)) + ".")
    notes = [_transcribed_note(inputs.technologies, params)] + missing_note(params, depth, "the technology breakdown")
    if depth["break"].any():
        notes.append(BREAK_NOTE + " Flagged: " + join_names(ai.describe_breaks(ai.breaks(depth))) + ".")
    columns = ["indicator", "technology", "geo", "name", "role", "year", "value", "flag"]
    return figure(chart, name="ai-technology-depth", description=description,
                  data=depth.sort_values(["order", "geo", "year"])[columns], sources=sources, notes=notes)


# --- Considered and own-developed -------------------------------------------------------------------------------

def _funnel(params: ReportParams, inputs: EnterpriseInputs) -> tuple[pd.DataFrame, int | None]:
    year = ai.latest_year(inputs.considered)
    if year is None:
        return pd.DataFrame(), None
    funnel = ai.adoption_funnel(inputs.any_ai, inputs.considered, year)
    funnel = ai.with_roles(funnel, params.countries, params.comparison_aggregate)
    funnel = funnel[funnel["role"] != "other aggregate"]
    return funnel.reset_index(drop=True), year


def _funnel_facts(params: ReportParams, inputs: EnterpriseInputs) -> dict[str, str]:
    funnel, year = _funnel(params, inputs)
    if year is None:
        return {"funnel_year": "(none)", "considered_sentence": "The snapshot has no values on considering AI in "
                "the selected years.", "own_sentence": ""}
    facts = {"funnel_year": str(year)}
    consider = funnel.dropna(subset=["considered_not_using"])
    sel = sorted_desc(consider[consider["role"] == "selected"], "considered_not_using")
    agg = consider[consider["role"] == "aggregate"]
    _, missing_c = measures.coverage(consider, params.countries)
    parts = [f"{prose.percent(v)}{' of enterprises' if i == 0 else ''} in {n} "
             f"({prose.percent(s, 0)} of {'the enterprises' if i == 0 else 'those'} not using AI)"
             for i, (n, v, s) in enumerate(zip(sel["name"], sel["considered_not_using"],
                                               sel["considered_share_of_non_users"]))]
    agg_text = (f"; in the {agg_short(params)}, {prose.percent(agg['considered_not_using'].iloc[0])} "
                f"({prose.percent(agg['considered_share_of_non_users'].iloc[0], 0)})" if len(agg) else
                f"; the snapshot has no value for the {agg_short(params)}")
    miss = f" There is no value for {params.names_of(missing_c)}." if missing_c else ""
    facts["considered_sentence"] = (
        f"In {year}, {join_names(parts)} had considered AI but did not use it{agg_text}.{miss}" if parts else
        f"None of the {group_label(params)} has a value for considering AI in {year}{agg_text}.")
    own = funnel.dropna(subset=["own_developed"])
    sel = sorted_desc(own[own["role"] == "selected"], "own_developed")
    _, missing_o = measures.coverage(own, params.countries)
    agg_o = own[own["role"] == "aggregate"]
    parts = [f"{prose.percent(v)}{' of all enterprises' if i == 0 else ''} in {n} "
             f"({prose.percent(s, 0)} of {'the enterprises' if i == 0 else 'those'} using AI)"
             for i, (n, v, s) in enumerate(zip(sel["name"], sel["own_developed"], sel["own_developed_share_of_users"]))]
    no_value = [ai.geo_name(c) for c in missing_o] + ([] if len(agg_o) else [f"the {agg_short(params)}"])
    facts["own_sentence"] = (
        (f"AI developed by the enterprises' own employees was reported by {join_names(parts)}."
         if parts else f"None of the {group_label(params)} has a value for AI developed in-house.")
        + (f" The snapshot has no value on this for {join_names(no_value)} (not in the source extract, or "
           "suppressed by Eurostat)." if no_value else ""))
    return facts


def funnel_chart(params: ReportParams, inputs: EnterpriseInputs):
    sources = [CONSIDERED_SOURCE, ANY_AI_SOURCE]
    funnel, year = _funnel(params, inputs)
    if year is None or funnel.empty:
        return message_chart("ai-considered-own", "No values on considering or developing AI in the selected years",
                             f"The snapshot has these questions for {inputs.considered_years} only.", sources, [])
    consider = funnel.dropna(subset=["considered_not_using"])
    own = funnel.dropna(subset=["own_developed"])
    sel_c = sorted_desc(consider[consider["role"] == "selected"], "considered_not_using")
    sel_o = sorted_desc(own[own["role"] == "selected"], "own_developed")
    ranked_c = ai.countries_only(consider.rename(columns={"considered_not_using": "value"}).assign(
        year=year)).pipe(lambda f: f.assign(rank=measures.rank_among(f["value"])))
    if len(sel_c):
        best = sel_c.iloc[0]
        r = ranked_c.set_index("geo").loc[best["geo"], "rank"]
        title = (f"{prose.percent(best['considered_not_using'])} of enterprises in {best['name']} "
                 "considered AI without "
                 f"using it, {prose.ordinal(r)} of {len(ranked_c)} countries ({year})")
        if len(sel_o):
            title += f"; {sel_o.iloc[0]['name']} leads the {group_label(params)} on AI built by own staff"
    else:
        title = f"Enterprises that considered AI without using it, and AI built by own staff, {year}"

    def panel(frame: pd.DataFrame, column: str, label: str) -> alt.Chart:
        frame = sorted_desc(frame, column)
        return alt.Chart(frame).mark_bar().encode(
            y=alt.Y("name:N", sort=list(frame["name"]), title=None),
            x=alt.X(f"{column}:Q", title=label),
            color=alt.Color("role:N", scale=role_scale(),
                            legend=role_legend(params, ["selected", "aggregate", "other"])),
            tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip(f"{column}:Q", title="% of enterprises",
                                                                         format=".1f")],
        ).properties(width=250, height=alt.Step(14))

    chart = alt.hconcat(
        panel(consider, "considered_not_using", "Considered AI, did not use it (% of enterprises)"),
        panel(own, "own_developed", "Developed AI with own employees (% of enterprises)"),
    ).resolve_scale(y="independent").properties(title=title)
    description = (
        f"Two bar charts for {year}: the share of enterprises that considered AI but did not use it "
        f"({len(consider)} countries and aggregates), and the share that developed AI with their own employees "
        f"({len(own)}). " + "; ".join(
            f"{n}: considered {prose.percent(c)}, own-developed {prose.percent(o)}" for n, c, o in
            zip(funnel[funnel.role != "other"]["name"], funnel[funnel.role != "other"]["considered_not_using"],
                funnel[funnel.role != "other"]["own_developed"])) + ".")
    notes = missing_note(params, consider, "the data on considering AI")
    _, missing_o = measures.coverage(own, [*params.countries, params.comparison_aggregate])
    if missing_o:
        notes.append(f"No value on AI developed in-house for "
                     f"{join_names([ai.geo_name(c) for c in missing_o])} in the source extract.")
    notes.append("Eurostat asks whether an enterprise ever considered AI only of enterprises that use none; both "
                 "panels are shares of all enterprises with 10 or more employees.")
    columns = ["geo", "name", "role", "year", "using", "considered_not_using", "own_developed",
               "considered_share_of_non_users", "own_developed_share_of_users"]
    return figure(chart, name="ai-considered-own", description=description, data=funnel[columns],
                  sources=sources, notes=notes)


# --- The information and communication sector (NACE J) ----------------------------------------------------------

def _sector_table(params: ReportParams, inputs: EnterpriseInputs) -> pd.DataFrame:
    table = ai.sector_against_all(inputs.sector, inputs.any_ai)
    table = ai.with_roles(table, params.countries, params.comparison_aggregate)
    return table


def _sector_facts(params: ReportParams, inputs: EnterpriseInputs) -> dict[str, str]:
    sector = inputs.sector
    facts: dict[str, str] = {}
    year = ai.latest_year(sector)
    if year is None:
        return {"sector_year": "(none)", "sector_sentence": "The snapshot has no NACE J values in the selected years.",
                "sector_rank_sentence": "", "sector_change_sentence": "", "sector_creative_sentence": "",
                "sector_tech_sentence": "", "sector_coverage_sentence": ""}
    facts["sector_year"] = str(year)
    table = _sector_table(params, inputs)
    latest = table[table["year"] == year]
    sel = sorted_desc(latest[latest["role"] == "selected"], "sector_value")
    agg = latest[latest["role"] == "aggregate"]
    parts = [f"{prose.percent(s)} in {n} ({prose.number(i, 1)} times the {prose.percent(a)} of all its enterprises)"
             for n, s, a, i in zip(sel["name"], sel["sector_value"], sel["all_value"], sel["sector_index"])]
    agg_text = (f", against {prose.percent(agg['sector_value'].iloc[0])} in the {agg_short(params)} "
                f"({prose.number(agg['sector_index'].iloc[0], 1)} times its all-enterprise rate)" if len(agg) else
                f"; the snapshot has no value for the {agg_short(params)}")
    facts["sector_sentence"] = (
        f"In {year}, the share of information and communication enterprises using AI was {join_names(parts)}"
        f"{agg_text}." if parts else f"None of the {group_label(params)} has a NACE J value in {year}{agg_text}.")
    ranked = ai.rank_in(sector, year)
    mine = ranked[ranked["geo"].isin(params.countries)]
    agg_value = value_of(sector, params.comparison_aggregate, year)
    facts["sector_rank_sentence"] = (
        f"Among the {len(ranked)} European countries with a value, " + join_names(
            [f"{ai.geo_name(g)} ranks {prose.ordinal(r)} ({prose.points(measures.gap_to(v, agg_value))} from the "
             f"{agg_short(params)}, a specialisation index of "
             f"{prose.number(measures.specialisation_index(v, agg_value), 2)})"
             for g, r, v in zip(mine["geo"], mine["rank"], mine["value"])]) + "."
        if len(mine) else "")
    first = int(sector["year"].min())
    change = ai.change_between(sector, first, year)
    change = sorted_desc(change[change["geo"].isin([*params.countries, params.comparison_aggregate])], "pp_change")
    facts["sector_change_sentence"] = (
        (f"From {first} to {year}, AI use in the sector changed by " + join_names(
            [f"{prose.points(p)} in {the_geo(params, g)}" for g, p in zip(change["geo"], change["pp_change"])]) + "."
         if len(change) else "") + without_both_years(params, sector, first, year))
    creative = ai.select(inputs.sector_all, ai.CREATIVE_TECHNOLOGY)
    cyear = ai.latest_year(creative)
    if cyear:
        cranked = ai.rank_in(creative, cyear)
        cmine = cranked[cranked["geo"].isin(params.countries)]
        cagg = value_of(creative, params.comparison_aggregate, cyear)
        facts["sector_creative_sentence"] = (
            (f"In {cyear}, " + join_names([f"{prose.percent(v)}{' of the sector’s enterprises' if i == 0 else ''} in "
                                          f"{ai.geo_name(g)} ({prose.ordinal(r)} of {len(cranked)})"
                                          for i, (g, v, r) in enumerate(zip(cmine["geo"], cmine["value"],
                                                                            cmine["rank"]))])
             + f" generated pictures, video or sound with AI{against(params, cagg)}.") if len(cmine) else
            f"None of the {group_label(params)} has a value for generating pictures, video or sound in the sector.")
    else:
        facts["sector_creative_sentence"] = ""
    tech = ai.technology_frame(inputs.sector_all)
    tyear = ai.latest_year(tech)
    parts = []
    for code in [*params.countries, params.comparison_aggregate]:
        rows = tech[(tech["geo"] == code) & (tech["year"] == tyear)]
        if len(set(rows["indicator"])) < 2:
            continue  # a single technology in the snapshot says nothing about which is used most
        label, value = ai.most_used_technology(tech, code, tyear)
        parts.append(f"{lower_first(label)} in {the_geo(params, code)} ({prose.percent(value)})")
    facts["sector_tech_sentence"] = (f"Within the sector, the most used AI technology in {tyear} was "
                                     f"{join_names(parts)}." if parts else "")
    _, missing = present_and_missing(params, sector)
    facts["sector_coverage_sentence"] = (
        f"{params.names_of(missing)} {'is' if len(missing) == 1 else 'are'} not in the sector data." if missing else "")
    return facts


def sector_chart(params: ReportParams, inputs: EnterpriseInputs):
    sources = [SECTOR_SOURCE, ANY_AI_SOURCE]
    table = _sector_table(params, inputs)
    table = table[table["role"].isin(["selected", "aggregate"])]
    if table.empty:
        return message_chart("ai-sector-vs-all", "No NACE J values for the selected countries",
                             f"The sector data have no value for {params.names_of(params.countries)} or the "
                             f"{agg_short(params)}.", sources, missing_note(params, table, "the sector data"))
    year = int(table["year"].max())
    latest = table[(table["year"] == year) & (table["role"] == "selected")]
    if len(latest):
        low, high = latest["sector_index"].min(), latest["sector_index"].max()
        span = (f"{prose.number(low, 1)} to {prose.number(high, 1)} times" if round(low, 1) != round(high, 1)
                else f"{prose.number(low, 1)} times")
        title = (f"Information and communication firms use AI {span} as often as all enterprises in the "
                 f"{group_label(params)} with data ({year})")
    else:
        title = f"AI use in information and communication against all enterprises ({year})"
    long = pd.concat([
        table.assign(series=SECTOR_LABEL, value=table["sector_value"], flag=table["sector_flag"]),
        table.assign(series=ALL_LABEL, value=table["all_value"], flag=table["all_flag"]),
    ])
    long["break"] = ai.has_flag(long["flag"], ai.BREAK_FLAG)
    long["flag"] = long["flag"].astype(object).where(long["flag"].notna(), "")
    order = [ai.geo_name(c) for c in params.countries if c in set(long["geo"])]
    if params.comparison_aggregate in set(long["geo"]):
        order.append(ai.geo_name(params.comparison_aggregate))
    long = long[["geo", "name", "role", "year", "series", "value", "flag", "break"]].sort_values(
        ["geo", "series", "year"]).reset_index(drop=True)
    base = alt.Chart().encode(
        x=alt.X("year:Q", title="Survey year", axis=alt.Axis(format="d", values=sorted(long["year"].unique().tolist()),
                                                             labelAngle=-45)),
        y=alt.Y("value:Q", title="% of enterprises", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("series:N", title="Enterprises"),
                 alt.Tooltip("year:Q", format="d", title="Year"), alt.Tooltip("value:Q", format=".1f", title="%"),
                 alt.Tooltip("flag:N", title="Flag")])
    lines = base.mark_line(point=True).encode(
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=[SECTOR_LABEL, ALL_LABEL],
                                                                range=[PALETTE[5], PALETTE[0]]),
                        legend=alt.Legend(orient="top")))
    breaks = base.transform_filter(alt.datum["break"]).mark_point(shape="diamond", size=150, filled=False,
                                                                 color="#000000")
    chart = alt.layer(lines, breaks, data=long).properties(width=120, height=170).facet(
        facet=alt.Facet("name:N", sort=order, title=None, header=alt.Header(labelFontSize=13,
                                                                             labelExpr=wrap_expression(16))),
        columns=min(len(order), 5),
    ).properties(title=alt.Title(title, subtitle="Share of enterprises with 10+ employees using at least one AI "
                                                 "technology"))
    last = table[table["year"] == year]
    description = ("Small multiples, one per country and the aggregate, of the share of enterprises using AI in "
                   "information and communication (NACE J) and in all enterprises, per survey year. In " + str(year)
                   + ": " + "; ".join(f"{n}: sector {s:.1f}%, all enterprises {a:.1f}%" for n, s, a in
                                      zip(last["name"], last["sector_value"], last["all_value"])) + ".")
    notes = missing_note(params, table, "the sector data (isoc_eb_ain2)")
    notes.append("The sector rows were transcribed from a single copy of the Eurostat file (the EU27 values agree "
                 "with a second copy); re-check them against Eurostat. NACE J's divisions (publishing, film and "
                 "music, broadcasting, telecoms, IT) are not in the snapshot.")
    if long["break"].any():
        notes.append(BREAK_NOTE + " Flagged: " + join_names(ai.describe_breaks(ai.breaks(long))) + ".")
    return figure(chart, name="ai-sector-vs-all", description=description, data=long.drop(columns="break"),
                  sources=sources, notes=notes)


def _ranking_bars(params: ReportParams, frame: pd.DataFrame, year: int, axis: str, value_format: str = ".1f",
                  reference: float = math.nan, reference_label: str = "") -> alt.Chart:
    """Horizontal bars of every country in ``year``, selected in colour, with the aggregate as a dashed rule."""
    ranked = ai.rank_in(frame, year)
    ranked["name"] = ranked["geo"].map(ai.geo_name)
    ranked["role"] = ranked["geo"].map(lambda g: "selected" if g in params.countries else "other")
    order = list(ranked.sort_values(["rank", "geo"])["name"])
    bars = alt.Chart(ranked).mark_bar().encode(
        y=alt.Y("name:N", sort=order, title=None),
        x=alt.X("value:Q", title=axis),
        color=alt.Color("role:N", scale=role_scale(), legend=role_legend(params, ["selected", "other"])),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("value:Q", title=axis, format=value_format),
                 alt.Tooltip("rank:Q", title="Rank")])
    layers = [bars]
    if not prose.is_missing(reference):
        ref = pd.DataFrame({"value": [reference], "label": [reference_label]})
        layers.append(alt.Chart(ref).mark_rule(color=AGGREGATE_COLOUR, strokeDash=[5, 3], strokeWidth=2).encode(
            x="value:Q"))
        layers.append(alt.Chart(ref).mark_text(align="left", dx=4, y=-8, fontSize=11).encode(x="value:Q",
                                                                                             text="label:N"))
    return alt.layer(*layers), ranked


def _ranking_figure(params: ReportParams, frame: pd.DataFrame, *, name: str, axis: str, what: str, sources,
                    notes_extra=(), title_template: str, unit: str = "%"):
    year = ai.latest_year(frame)
    if year is None:
        return message_chart(name, f"No values for {what} in the selected years", "Nothing to rank.", sources, [])
    reference = value_of(frame, params.comparison_aggregate, year)
    fmt = prose.percent if unit == "%" else (lambda v: prose.number(v, 1))
    label = f"{ai.geo_name(params.comparison_aggregate)} {fmt(reference)}"
    chart, ranked = _ranking_bars(params, frame, year, axis, reference=reference, reference_label=label)
    mine = ranked[ranked["role"] == "selected"]
    if len(mine):
        best = mine.iloc[0]
        title = title_template.format(name=best["name"], rank=prose.ordinal(best["rank"]), n=len(ranked),
                                      value=fmt(best["value"]), year=year)
    else:
        title = f"{what[0].upper()}{what[1:]} in {len(ranked)} European countries ({year})"
    chart = chart.properties(title=title, width=540, height=alt.Step(15))
    description = (f"Bar chart ranking {len(ranked)} European countries by {what} in {year}, the "
                   f"{group_label(params)} highlighted" + ("" if prose.is_missing(reference) else
                                                             f" and the {agg_short(params)} ({fmt(reference)}) "
                                                             "as a dashed line") + ". "
                   + "; ".join(f"{n} ranks {r} with {fmt(v)}" for n, r, v in
                               zip(mine["name"], mine["rank"], mine["value"])) + ".")
    notes = missing_note(params, ranked, f"the {year} data") + list(notes_extra)
    if prose.is_missing(reference):
        notes.append(f"The snapshot has no {agg_short(params)} value for {year}.")
    columns = ["geo", "name", "role", "year", "value", "rank", "n_ranked"]
    return figure(chart, name=name, description=description, data=ranked[columns], sources=sources, notes=notes)


def sector_rank_chart(params: ReportParams, inputs: EnterpriseInputs):
    return _ranking_figure(
        params, inputs.sector, name="ai-sector-rank", axis="Information and communication enterprises using AI (%)",
        what="AI use in information and communication enterprises", sources=[SECTOR_SOURCE],
        title_template="{name} ranks {rank} of {n} countries for AI use in information and communication: {value} "
                       "of enterprises ({year})",
        notes_extra=["Rows transcribed from a single copy of the Eurostat file; re-check against Eurostat."])


def sector_technology_chart(params: ReportParams, inputs: EnterpriseInputs):
    sources = [SECTOR_SOURCE]
    tech = ai.technology_frame(inputs.sector_all)
    year = ai.latest_year(tech)
    if year is None:
        return message_chart("ai-sector-technologies", "No technology breakdown for the sector in the selected years",
                             "Nothing to draw.", sources, [])
    frame = series_with_roles(params, tech[tech["year"] == year])
    frame = frame[frame["role"].isin(["selected", "aggregate"])]
    if frame.empty:
        return no_values_chart(params, "ai-sector-technologies", "the sector's technology breakdown", year, sources)
    present, missing = present_and_missing(params, frame)
    only_creative = [c for c in present if set(frame[frame.geo == c]["indicator"]) == {ai.CREATIVE_TECHNOLOGY}]
    sel = frame[frame["role"] == "selected"]
    if len(sel) and len(sel[sel.indicator != ai.CREATIVE_TECHNOLOGY]):
        full = sel[sel.indicator != ai.CREATIVE_TECHNOLOGY]
        winners = {g: ai.most_used_technology(tech, g, year)[0] for g in sorted(set(full["geo"]))}
        top = max(set(winners.values()), key=lambda w: (list(winners.values()).count(w), w))
        title = (f"Within information and communication, {top.lower()} is the most used AI technology in "
                 f"{list(winners.values()).count(top)} of {len(winners)} {group_label(params)} with data ({year})")
    else:
        label, value = ai.most_used_technology(tech, params.comparison_aggregate, year)
        title = (f"Within information and communication in the {agg_short(params)}, {(label or '').lower()} is "
                 f"the most used AI technology ({prose.percent(value)}, {year})")
    labels = [label for label in ai.TECHNOLOGIES.values() if label in set(frame["technology"])]
    codes = set(frame["geo"])
    chart = alt.Chart(frame).mark_point(filled=True, size=110, opacity=0.9).encode(
        y=alt.Y("technology:N", sort=labels, title=None),
        x=alt.X("value:Q", title="Information and communication enterprises using it (%)"),
        color=alt.Color("name:N", title="Country or aggregate", scale=name_scale(params, codes),
                        legend=alt.Legend(orient="top")),
        shape=alt.Shape("role:N", scale=alt.Scale(domain=["selected", "aggregate"], range=["circle", "diamond"]),
                        legend=None),
        tooltip=[alt.Tooltip("technology:N", title="Technology"), alt.Tooltip("name:N", title="Country"),
                 alt.Tooltip("value:Q", title="%", format=".1f")],
    ).properties(title=title, width=520, height=alt.Step(32))
    description = (f"Dot chart of the share of information and communication enterprises using each AI technology in "
                   f"{year}. " + "; ".join(f"{t}: " + ", ".join(f"{n} {v:.1f}%" for n, v in zip(g["name"], g["value"]))
                                           for t, g in frame.sort_values(["order", "name"]).groupby("technology",
                                                                                                   sort=False)) + ".")
    notes = missing_note(params, frame, "the sector data")
    if only_creative:
        notes.append(f"For {params.names_of(only_creative)} the snapshot has only the generation of pictures, video or "
                     "sound in this sector; the other technologies were transcribed for a few countries only.")
    notes.append("Rows transcribed from a single copy of the Eurostat file; re-check against Eurostat.")
    columns = ["indicator", "technology", "geo", "name", "role", "year", "value"]
    return figure(chart, name="ai-sector-technologies", description=description,
                  data=frame.sort_values(["order", "geo"])[columns], sources=sources, notes=notes)


def sector_creative_chart(params: ReportParams, inputs: EnterpriseInputs):
    creative = ai.select(inputs.sector_all, ai.CREATIVE_TECHNOLOGY)
    return _ranking_figure(
        params, creative, name="ai-sector-creative",
        axis="Information and communication enterprises generating pictures, video or sound with AI (%)",
        what="the use of AI to generate pictures, video or sound in information and communication",
        sources=[SECTOR_SOURCE],
        title_template="{name} ranks {rank} of {n}: {value} of its information and communication firms generated "
                       "pictures, video or sound with AI ({year})",
        notes_extra=[f"Eurostat first asked about this technology in {_creative_first_year(inputs)}."]
        if _creative_first_year(inputs) is not None else [])


# --- Enterprise summary -----------------------------------------------------------------------------------------

def enterprise_indicators(params: ReportParams, inputs: EnterpriseInputs) -> list[ai.Indicator]:
    tech = inputs.technologies
    considered = pd.DataFrame(columns=["geo", "year", "value"])
    year = ai.latest_year(inputs.considered)
    if year is not None:
        funnel = ai.adoption_funnel(inputs.any_ai, inputs.considered, year)
        considered = funnel.rename(columns={"considered_share_of_non_users": "value"})[["geo", "year", "value"]]
        considered = considered.dropna(subset=["value"])
    candidates = [
        _latest_indicator(inputs.any_ai, "use", "Enterprises using AI"),
        _latest_indicator(tech[tech.indicator == "E_AI_TGE2"], "two_plus",
                          "Enterprises using two or more AI technologies"),
        _latest_indicator(tech[tech.indicator == ai.CREATIVE_TECHNOLOGY], "creative",
                          "Enterprises generating pictures, video or sound"),
        _latest_indicator(considered, "considered", "Share of non-users that had considered AI"),
        _latest_indicator(inputs.considered[inputs.considered.indicator == ai.OWN_DEVELOPED], "own",
                          "Enterprises with AI built by own employees"),
        _latest_indicator(inputs.sector, "sector", "Information and communication: using AI"),
        _latest_indicator(ai.select(inputs.sector_all, ai.CREATIVE_TECHNOLOGY), "sector_creative",
                          "Information and communication: generating pictures, video or sound"),
    ]
    return [c for c in candidates if c is not None]


def _scoreboard_frame(params: ReportParams, indicators: list[ai.Indicator]) -> pd.DataFrame:
    board = ai.scoreboard(indicators, [*params.countries, params.comparison_aggregate], params.comparison_aggregate)
    board["name"] = board["geo"].map(ai.geo_name)
    board["row"] = [f"{label} ({year})" for label, year in zip(board["label"], board["year"])]
    board["ranked"] = board["n_ranked"] >= MIN_PEERS_FOR_RANK
    board["cell"] = [
        "no data" if prose.is_missing(v) else
        (format_value(v, u) + (f"|{prose.ordinal(r)} of {n}" if ranked and pd.notna(r)
                               and g != params.comparison_aggregate else ""))
        for v, u, r, n, ranked, g in zip(board["value"], board["unit"], board["rank"], board["n_ranked"],
                                         board["ranked"], board["geo"])]
    board["cell"] = [c + " (?)" if d else c for c, d in zip(board["cell"], board["doubtful"])]
    board["index_to_aggregate"] = board["index_to_aggregate"].where(board["geo"] != params.comparison_aggregate)
    return board


def _summary_sentences(params: ReportParams, board: pd.DataFrame, area: str) -> dict[str, str]:
    facts = {}
    lines = []
    usable = board[~board["doubtful"]]
    for code in params.countries:
        mine = usable[(usable["geo"] == code)].dropna(subset=["index_to_aggregate"])
        if mine.empty:
            continue
        ordered = mine.sort_values(["index_to_aggregate", "order"], ascending=[False, True], kind="stable")
        top, bottom = ordered.iloc[0], ordered.iloc[-1]
        rank_text = (f", {prose.ordinal(top['rank'])} of {top['n_ranked']}"
                     if top["ranked"] and pd.notna(top["rank"]) else "")
        text = (f"{ai.geo_name(code)} is strongest on {lower_first(top['label'])} "
                f"({prose.ratio(top['index_to_aggregate'])}{rank_text})")
        if len(ordered) > 1:
            text += f" and weakest on {lower_first(bottom['label'])} ({prose.ratio(bottom['index_to_aggregate'])})"
        lines.append(text)
    facts[f"{area}_lead_sentence"] = (
        f"Measured as a multiple of the {agg_short(params)}'s value (with the rank among European countries where "
        "enough countries have data), " + "; ".join(lines) + "." if lines else
        f"None of the {group_label(params)} can be compared with the {agg_short(params)} on these indicators.")
    behind = []
    for label, group in usable[usable["geo"].isin(params.countries)].dropna(subset=["index_to_aggregate"]).groupby(
            "order", sort=True):
        below = group[group["index_to_aggregate"] < 1]
        if len(below):
            behind.append(f"{join_names([ai.geo_name(g) for g in below['geo']])} on "
                          f"{lower_first(below['label'].iloc[0])}")
    facts[f"{area}_behind_sentence"] = (
        f"Below the {agg_short(params)}: {'; '.join(behind)}." if behind else
        (f"None of the {group_label(params)} with data is below the {agg_short(params)} on any of these indicators."
         if lines else ""))
    with_data = usable[usable["geo"].isin(params.countries)].dropna(subset=["index_to_aggregate"])
    facts[f"{area}_above_count"] = str(int((with_data["index_to_aggregate"] > 1).sum()))
    facts[f"{area}_comparison_count"] = str(len(with_data))
    return facts


def _enterprise_summary_facts(params: ReportParams, inputs: EnterpriseInputs) -> dict[str, str]:
    board = _scoreboard_frame(params, enterprise_indicators(params, inputs))
    facts = _summary_sentences(params, board, "enterprise")
    missing_bits = []
    _, absent = measures.coverage(pd.concat([inputs.any_ai, inputs.sector]), params.countries)
    if absent:
        missing_bits.append(f"{params.names_of(absent)} {'is' if len(absent) == 1 else 'are'} absent from every "
                            "Eurostat enterprise AI dataset in the snapshot, so nothing here speaks for "
                            f"{'it' if len(absent) == 1 else 'them'}.")
    _, no_tech = measures.coverage(inputs.technologies, params.countries)
    no_tech = [c for c in no_tech if c not in absent]
    if no_tech:
        missing_bits.append(f"The technology breakdown for all enterprises is not in the snapshot for "
                            f"{params.names_of(no_tech)}.")
    facts["enterprise_missing_sentence"] = " ".join(missing_bits) or (
        f"All the {group_label(params)} are in the enterprise AI data.")
    return facts


def scoreboard_chart(params: ReportParams, indicators: list[ai.Indicator], *, name: str, sources: list[str],
                     area: str, notes=()):
    board = _scoreboard_frame(params, indicators)
    if board.empty:
        return message_chart(name, "No indicators to compare", "Nothing to draw.", sources, [])
    facts = _summary_sentences(params, board, area)
    above, total = int(facts[f"{area}_above_count"]), int(facts[f"{area}_comparison_count"])
    title = (f"On {area}, the {group_label(params)} are above the {agg_short(params)} in {above} of {total} "
             "comparisons with data" if total else
             f"On {area}, no comparison of {params.names_of(params.countries)} with the {agg_short(params)} is "
             "possible: the snapshot has no value for them")
    board["column"] = [agg_short(params) if g == params.comparison_aggregate else n
                       for g, n in zip(board["geo"], board["name"])]
    columns_order = list(dict.fromkeys(board["column"]))
    rows_order = list(dict.fromkeys(board["row"]))
    board["row_lines"] = [wrap_label(r, 30) for r in board["row"]]
    indices = board["index_to_aggregate"].dropna()
    high = max([1.5, *indices, *(1 / indices[indices > 0])])  # symmetric in ratio terms: 2× above ~ 0.5× below
    low = 1 / high
    board["dark"] = [not prose.is_missing(i) and (i >= 1 + 0.6 * (high - 1) or i <= 1 - 0.6 * (1 - low))
                     for i in board["index_to_aggregate"]]
    base = alt.Chart(board).encode(
        x=alt.X("column:N", sort=columns_order, title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelLimit=100, labelFontSize=12)),
        y=alt.Y("row_lines:N", sort=[wrap_label(r, 30) for r in rows_order], title=None,
                axis=alt.Axis(labelLimit=220, labelFontSize=12, labelExpr="split(datum.label, '|')")),
    )
    background = base.mark_rect(color="#EFEFEF", stroke="#FFFFFF", strokeWidth=2)
    cells = base.mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
        color=alt.Color("index_to_aggregate:Q", title=f"Value ÷ {agg_short(params)} value",
                        scale=alt.Scale(scheme="blueorange", domain=[low, 1, high], reverse=True),
                        legend=alt.Legend(orient="bottom", gradientLength=220, direction="horizontal")),
        tooltip=[alt.Tooltip("row:N", title="Indicator"), alt.Tooltip("name:N", title="Country"),
                 alt.Tooltip("value:Q", title="Value", format=".1f"), alt.Tooltip("rank:Q", title="Rank"),
                 alt.Tooltip("n_ranked:Q", title="Countries with data"),
                 alt.Tooltip("index_to_aggregate:Q", title="Index", format=".2f")])
    text = base.mark_text(fontSize=11, lineBreak="|").encode(
        text="cell:N",
        color=alt.condition("datum.dark", alt.value("#FFFFFF"), alt.value("#111111")))
    chart = alt.layer(background, cells, text).properties(
        title=alt.Title(title, subtitle=[f"Cell: value and rank among European countries with data. Colour: the value "
                                         f"divided by the {agg_short(params)}'s",
                                         "(blue = above, orange = below; grey = "
                                         "no data or the aggregate itself)"]),
        width=alt.Step(84), height=alt.Step(48))
    description = (f"Table-like chart of {len(indicators)} indicators for {params.names_of(params.countries)} and the "
                   f"{agg_short(params)}. " + " ".join(
                       f"{lab}: " + ", ".join(f"{n} {c}" for n, c in zip(g["name"], g["cell"])) + "."
                       for lab, g in board.groupby("row", sort=False)))
    notes = list(notes) + missing_note(params, board.dropna(subset=["value"]), "any of these datasets")
    doubtful = board[board["doubtful"] & board["geo"].isin(params.countries)]
    if len(doubtful):
        notes.append("(?) marks a value the source does not measure apart from another one: "
                     + "; ".join(f"{n}, {lower_first(r)}" for n, r in zip(doubtful["name"], doubtful["row"]))
                     + ". The text leaves it aside.")
    few = list(dict.fromkeys(lab for lab, n in zip(board["row"], board["n_ranked"]) if n < MIN_PEERS_FOR_RANK))
    if few:
        notes.append(f"No rank is shown where the snapshot has the indicator for fewer than {MIN_PEERS_FOR_RANK} "
                     f"countries: {'; '.join(few)}.")
    columns = ["indicator", "row", "year", "geo", "name", "value", "rank", "n_ranked", "aggregate_value",
               "gap_to_aggregate", "index_to_aggregate"]
    return figure(chart, name=name, description=description, data=board[columns], sources=sources, notes=notes)


def enterprise_scoreboard_chart(params: ReportParams, inputs: EnterpriseInputs):
    return scoreboard_chart(
        params, enterprise_indicators(params, inputs), name="ai-enterprise-scoreboard", area="enterprise AI use",
        sources=[ANY_AI_SOURCE, TECHNOLOGY_SOURCE, CONSIDERED_SOURCE, SECTOR_SOURCE],
        notes=["Technology and sector rows rest on single transcribed copies of the Eurostat files; re-check them."])


# --- Statistics Iceland's own figures (not comparable with Eurostat) -------------------------------------------

ICELAND_SIZES = {"GE1": "1 or more employees", "1-9": "1–9 employees", "GE250": "250 or more employees"}
_BOUND = re.compile(r"\s*\((lower|upper) bound of the range given\)$")
ICELAND_SCOPE_NOTE = ("Statistics Iceland's figures include enterprises with 1–9 employees, which Eurostat's survey "
                      "(10 or more employees) leaves out, so they are not comparable with the Eurostat series in this "
                      "chapter and are not drawn on its charts.")


def iceland_rows(params: ReportParams, inputs: EnterpriseInputs) -> pd.DataFrame:
    """Statistics Iceland's figures in the selected years, one row per measure and size class, in the file's order.

    Where the release gives a range (a lower and an upper bound), the two rows become one with ``share`` '28–29'.
    Columns: ``year, what, size, share, low, high``.
    """
    columns = ["year", "what", "size", "share", "low", "high"]
    frame = inputs.iceland
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = expand_breakdown_frame(frame[frame["geo"] == ICELAND])
    frame = frame[frame["year"].between(params.year_start, params.year_end)]
    groups: dict[tuple, dict] = {}
    for record in frame.to_dict("records"):
        what = _BOUND.sub("", str(record["indicator"]))
        size = str(record.get("size_emp", ""))
        key = (int(record["year"]), what, size)
        entry = groups.setdefault(key, {"year": key[0], "what": what[:1].upper() + what[1:],
                                        "size": ICELAND_SIZES.get(size, size), "values": []})
        entry["values"].append(float(record["value"]))
    rows = []
    for entry in groups.values():
        low, high = min(entry["values"]), max(entry["values"])
        share = prose.number(low, 0) if low == high else f"{prose.number(low, 0)}–{prose.number(high, 0)}"
        rows.append({"year": entry["year"], "what": entry["what"], "size": entry["size"], "share": share,
                     "low": low, "high": high})
    return pd.DataFrame(rows, columns=columns)


def expand_breakdown_frame(frame: pd.DataFrame) -> pd.DataFrame:
    from ..data import expand_breakdown

    return expand_breakdown(frame.reset_index(drop=True))


def _iceland_facts(params: ReportParams, inputs: EnterpriseInputs) -> dict[str, str]:
    if ICELAND not in params.countries:
        return {"iceland_sentence": ""}
    rows = iceland_rows(params, inputs)
    if rows.empty:
        years = span_text(inputs.iceland["year"]) if len(inputs.iceland) else "no year"
        return {"iceland_sentence": f"Statistics Iceland's own figures on enterprises' use of AI are for {years}, "
                                    f"outside {params.year_start}–{params.year_end}."}
    year = int(rows["year"].max())
    rows = rows[rows["year"] == year]
    in_eurostat = ICELAND in set(inputs.any_ai["geo"])
    opening = ("Eurostat has no figures for Iceland, but Statistics Iceland published its own for "
               if not in_eurostat else "Statistics Iceland also published its own figures for ")
    parts = []
    for size in ("1 or more employees", "250 or more employees"):
        row = rows[rows["size"] == size]
        if len(row):
            first = row.iloc[0]
            verb = re.sub(r"^Enterprises using ", "used ", first["what"])
            parts.append(f"{first['share']}% of enterprises with {size} {verb}" if not parts else
                         f"{first['share']}% of those with {size} {verb}")
    lead = (f"by its count, {join_names(parts)} (table below)." if parts else "they are in the table below.")
    return {"iceland_sentence": f"{opening}{year}: {lead} {ICELAND_SCOPE_NOTE}"}


def iceland_table(params: ReportParams, inputs: EnterpriseInputs):
    """Statistics Iceland's figures in a table of their own, or a one-line note when Iceland is not selected."""
    if ICELAND not in params.countries:
        return HTML("<p>Iceland is not among the selected countries, so Statistics Iceland's own figures are not "
                    "shown.</p>")
    rows = iceland_rows(params, inputs)
    if rows.empty:
        return HTML(f"<p>Statistics Iceland's own figures fall outside {params.year_start}–{params.year_end}.</p>")
    years = span_text(rows["year"])
    rows = rows.assign(group=[f"Enterprises with {size}" for size in rows["size"]])
    return tables.table(
        rows, name="iceland-enterprise-ai-statice",
        title=(f"Iceland, {years}: enterprises using AI as counted by Statistics Iceland, which includes enterprises "
               "with 1–9 employees (not comparable with Eurostat's figures for 10 or more)"),
        columns=[tables.Column("what", "What Statistics Iceland counts", min_width="18em"),
                 tables.Column("share", "Share of enterprises (%)", numeric=True)],
        group_by="group", data=rows.drop(columns=["group"]),
        sources=[STATICE_SOURCE],
        notes=[ICELAND_SCOPE_NOTE,
               "Rounded figures read from the text of Statistics Iceland's news release of 10 March 2026; the "
               "reference year is taken from the release's address.",
               "For enterprises with 1–9 employees the release gives a range, shown as such."])


# --- Private investment in AI per inhabitant (CSET via OWID) ---------------------------------------------------

INVESTMENT_AXIS = "US dollars per inhabitant, adjusted for inflation (OWID)"
INVESTMENT_NOTES = [
    "CSET's estimate of the funding raised by privately held AI companies in each country, in US dollars adjusted "
    "for inflation with the US consumer price index by Our World in Data; the project the file was copied from "
    "gives 2021 as the base year, which should be checked on the OWID chart page.",
    "Divided by the World Bank's mid-year population of the same year; only countries in the population file (EU, "
    "EEA and Switzerland) are drawn, so the United Kingdom and other countries outside it are not.",
    "A single large funding round can make up most of a small country's total in one year: read one year's rank "
    "with care.",
]


def dollars(value: float) -> str:
    """'444' above 100, '49.1' below (per-inhabitant amounts in US dollars)."""
    return prose.number(value, 0 if not prose.is_missing(value) and abs(value) >= 100 else 1)


def _investment_frames(inputs: EnterpriseInputs) -> tuple[pd.DataFrame, pd.DataFrame, int | None]:
    """Recorded amounts, projections after the last recorded year, and that year (None without data)."""
    frame = inputs.investment
    if frame.empty:
        return frame, frame, None
    recorded = frame[~frame["projected"]].assign(flag=None)
    year = ai.latest_year(recorded)
    projected = frame[frame["projected"] & (frame["year"] > (year or 0))]
    return recorded, projected, year


def _investment_facts(params: ReportParams, inputs: EnterpriseInputs) -> dict[str, str]:
    recorded, _, year = _investment_frames(inputs)
    if year is None:
        return {"investment_values": "no amount on record", "investment_year": "the selected years",
                "investment_median_clause": "no European country has an amount on record for them either",
                "investment_missing_sentence": ""}
    ranked = ai.rank_in(recorded, year)
    mine = sorted_desc(ranked[ranked["geo"].isin(params.countries)])
    n = len(ranked)
    values = join_names([f"{dollars(v)}{' US dollars' if i == 0 else ''} in {ai.geo_name(g)} "
                         f"({prose.ordinal(r)}{f' of {n}' if i == 0 else ''})"
                         for i, (g, v, r) in enumerate(zip(mine["geo"], mine["value"], mine["rank"]))])
    missing = [c for c in params.countries if c not in set(mine["geo"])]
    facts = {
        "investment_values": values or f"no amount on record for {params.names_of(params.countries)}",
        "investment_year": f"{year}, the latest year with both an amount and a population",
        "investment_median_clause": (f"the median of the {n} European countries with data was "
                                     f"{dollars(float(ranked['value'].median()))} US dollars"),
        "investment_missing_sentence": (
            f"{params.names_of(missing)} {'has' if len(missing) == 1 else 'have'} no amount per inhabitant for {year} "
            "in these data (no recorded funding, or no population figure), which is not the same as none."
            if missing else ""),
    }
    return facts


def investment_chart(params: ReportParams, inputs: EnterpriseInputs):
    sources = [INVESTMENT_SOURCE, POPULATION_SOURCE]
    name = "ai-private-investment-per-inhabitant"
    recorded, projected, year = _investment_frames(inputs)
    if year is None:
        return message_chart(name, "No private AI investment per inhabitant in the selected years",
                             f"CSET's series (via OWID) has recorded amounts from 2015 to 2024, and the population "
                             f"data end in 2024; none of these years falls within {params.year_start}–"
                             f"{params.year_end}.", sources, [])
    ranked = ai.rank_in(recorded, year)
    ranked["name"] = ranked["geo"].map(ai.geo_name).astype(object)
    ranked["role"] = ranked["geo"].map(lambda g: "selected" if g in params.countries else "other").astype(object)
    order = list(ranked.sort_values(["rank", "geo"])["name"])
    bars = alt.Chart(ranked).mark_bar().encode(
        y=alt.Y("name:N", sort=order, title=None),
        x=alt.X("value:Q", title=INVESTMENT_AXIS),
        color=alt.Color("role:N", scale=role_scale(), legend=role_legend(params, ["selected", "other"])),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:Q", title="Year", format="d"),
                 alt.Tooltip("value:Q", title="US dollars per inhabitant", format=",.1f"),
                 alt.Tooltip("rank:Q", title="Rank")])
    layers = [bars]
    projection = projected[projected["geo"].isin(set(ranked["geo"]))].copy()
    projection_years = sorted(set(projection["year"]))
    label = ""
    if len(projection):
        label = f"{span_text(projection_years)} projected (OWID)"
        projection["name"] = projection["geo"].map(ai.geo_name).astype(object)
        projection["series"] = label
        projection["role"] = projection["geo"].map(lambda g: "selected" if g in params.countries else "other")
        layers.append(alt.Chart(projection).mark_point(filled=False, size=70, strokeWidth=1.6, opacity=0.75,
                                                       color=AGGREGATE_COLOUR).encode(
            y=alt.Y("name:N", sort=order, title=None),
            x=alt.X("value:Q", title=INVESTMENT_AXIS),
            shape=alt.Shape("series:N", scale=alt.Scale(domain=[label], range=["circle"]),
                            legend=alt.Legend(title=None, orient="top")),
            tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("series:N", title="Projection"),
                     alt.Tooltip("value:Q", title="US dollars per inhabitant (projected)", format=",.1f")]))
    mine = sorted_desc(ranked[ranked["role"] == "selected"])
    if len(mine):
        best = mine.iloc[0]
        title = (f"{best['name']} ranks {prose.ordinal(best['rank'])} of {len(ranked)} European countries for private "
                 f"investment in AI per inhabitant: {dollars(best['value'])} US dollars in {year}")
    else:
        title = f"Private investment in AI per inhabitant in {len(ranked)} European countries ({year})"
    subtitle = f"Bars: recorded amounts, {year}" + (
        f"; hollow circles: OWID's projection for {span_text(projection_years)}, not data" if label else "")
    chart = alt.layer(*layers).resolve_scale(shape="independent").properties(
        title=alt.Title(title, subtitle=subtitle), width=540, height=alt.Step(15))
    description = (f"Bar chart ranking {len(ranked)} European countries by private investment in AI per inhabitant "
                   f"in {year}, in US dollars adjusted for inflation, the {group_label(params)} highlighted"
                   + (f"; hollow circles show OWID's projections for {span_text(projection_years)}" if label else "")
                   + ". " + "; ".join(f"{n} ranks {r} with {dollars(v)} US dollars" for n, r, v in
                                      zip(mine["name"], mine["rank"], mine["value"])) + ".")
    notes = missing_note(params, ranked, f"the {year} data") + list(INVESTMENT_NOTES)
    if label:
        notes.append(f"Projections for {span_text(projection_years)} are OWID's, divided by the latest population "
                     "available (2024 at most); they are drawn as hollow circles and never used in the text.")
    shown = pd.concat([ranked.assign(projected=False),
                       projection.assign(rank=pd.NA, n_ranked=pd.NA) if len(projection) else None])
    columns = ["geo", "name", "role", "year", "value", "projected", "investment", "population", "population_year",
               "rank", "n_ranked"]
    shown = shown.reindex(columns=columns)
    return figure(chart, name=name, description=description, data=shown, sources=sources, notes=notes)


# =================================================================================================================
# People and skills
# =================================================================================================================

def people_facts(params: ReportParams, inputs: PeopleInputs) -> dict[str, str]:
    facts: dict[str, str] = {
        "region_name": params.region_name,
        "aggregate_name": params.aggregate_name,
        "group_label": group_label(params),
    }
    facts.update(_genai_facts(params, inputs))
    facts.update(_ict_facts(params, inputs))
    facts.update(_people_summary_facts(params, inputs))
    return facts


def _any_use(inputs: PeopleInputs, age_group: str) -> pd.DataFrame:
    return ai.pick(inputs.genai, "any purpose", "individuals", age_group)


def _genai_facts(params: ReportParams, inputs: PeopleInputs) -> dict[str, str]:
    facts: dict[str, str] = {}
    keys = ["genai_sentence", "genai_source_sentence", "genai_young_sentence", "genai_leaders_sentence",
            "purpose_sentence", "reason_top_sentence",
            "purpose_caveat_sentence", "reason_sentence", "genai_coverage_sentence", "reliability_sentence",
            "reason_reliability_sentence"]
    overall = _any_use(inputs, "all individuals")
    year = ai.latest_year(overall)
    if year is None:
        facts.update({k: "" for k in keys})
        facts["genai_year"] = "(none)"
        facts["genai_sentence"] = ("The snapshot has Eurostat's data on generative AI for "
                                   f"{inputs.genai_source_years}, "
                                   f"outside the selected years ({params.year_start}–{params.year_end}).")
        facts["genai_source_sentence"] = "The figures on generative AI come from Eurostat's survey of ICT use in " \
            "households and by individuals (people aged 16 to 74)."
        return facts
    facts["genai_year"] = str(year)
    facts["genai_source_sentence"] = (f"The figures on generative AI come from Eurostat's {year} survey of ICT use "
                                      "in households and by individuals (people aged 16 to 74).")
    ranked = ai.rank_in(overall, year)
    mine = ranked[ranked["geo"].isin(params.countries)]
    agg = value_of(overall, params.comparison_aggregate, year)
    facts["genai_sentence"] = (
        f"In {year}, " + join_names([f"{prose.percent(v)}{' of people aged 16–74' if i == 0 else ''} in "
                                     f"{ai.geo_name(g)} ({prose.ordinal(r)} of {len(ranked)})"
                                     for i, (g, v, r) in enumerate(zip(mine["geo"], mine["value"], mine["rank"]))])
        + f" had used a generative AI tool in the previous three months{against(params, agg)}."
        if len(mine) else f"None of the {group_label(params)} has a value{against(params, agg)}.")
    young = _any_use(inputs, "aged 16–24")
    ysel = selected_values(params, young, year)
    yagg = value_of(young, params.comparison_aggregate, year)
    overall_by_geo = overall[overall["year"] == year].set_index("geo")["value"]
    more = all(v > overall_by_geo.get(g, math.inf) for g, v in zip(ysel["geo"], ysel["value"]))
    facts["genai_young_sentence"] = (
        f"{'Young people use it more' if more else 'Among young people'}: "
        f"{values_in(zip(ysel['name'], ysel['value']), 'of those aged 16–24')}{against(params, yagg)}."
        if len(ysel) else "")
    top = ai.leaders(overall, LEADERS)
    facts["genai_leaders_sentence"] = (
        f"The {len(top)} countries with the highest use were "
        f"{join_names([f'{ai.geo_name(g)} ({prose.percent(value_of(overall, g, year))})' for g in top])}.")
    purposes = ("private purposes", "work", "formal education")
    lines = []
    for code in [*params.countries, params.comparison_aggregate]:
        values = [(p, value_of(ai.pick(inputs.genai, p, "individuals", "all individuals"), code, year))
                  for p in purposes]
        if all(prose.is_missing(v) for _, v in values):
            continue
        lines.append(f"{the_geo(params, code)} " + ", ".join(f"{prose.percent(v)} {p}" for p, v in values))
    facts["purpose_sentence"] = (
        f"As a share of all people, the use by purpose was: {'; '.join(lines)}." if lines else "")
    same = [g for g in ai.identical_measures(inputs.genai, "work", "formal education")
            if g in params.countries or g == params.comparison_aggregate]
    facts["purpose_caveat_sentence"] = (
        f"For {params.names_of(same)} the source gives exactly the same value for work and for formal education in "
        "every age group, which suggests the two purposes were not measured apart; read those two values with care."
        if same else "")
    non_users = inputs.reasons[(inputs.reasons["denominator"] == "non-users")
                               & (inputs.reasons["age_group"] == "all individuals")]
    ryear = ai.latest_year(non_users)
    lines = []
    for code in [*params.countries, params.comparison_aggregate]:
        rows = non_users[(non_users["geo"] == code) & (non_users["year"] == ryear)]
        if rows.empty:
            continue
        rows = rows.sort_values(["value", "measure"], ascending=[False, True])
        first = rows.iloc[0]
        text = f"in {the_geo(params, code)}, {prose.percent(first['value'])} said “{first['measure'].lower()}”"
        if len(rows) > 1:
            second = rows.iloc[1]
            text += f" and {prose.percent(second['value'])} “{second['measure'].lower()}”"
        lines.append(text)
    facts["reason_sentence"] = (
        f"Among people who had not used generative AI in {ryear}, " + "; ".join(lines) + "." if lines else "")
    everyone = ai.countries_only(non_users[non_users["year"] == ryear])
    tops = [g.sort_values(["value", "measure"], ascending=[False, True]).iloc[0]["measure"]
            for _, g in everyone.groupby("geo", sort=True)]
    if tops:
        common = max(sorted(set(tops)), key=tops.count)
        exceptions = [ai.geo_name(g) for g, t in zip(sorted(set(everyone["geo"])), tops) if t != common]
        facts["reason_top_sentence"] = (
            f"“{common}” is the most common reason in {count_phrase(tops.count(common), len(tops))} "
            "European countries "
            f"with data" + (f" (not in {join_names(exceptions)})" if 0 < len(exceptions) <= 3 else "") + ".")
    else:
        facts["reason_top_sentence"] = ""
    _, missing = present_and_missing(params, overall)
    facts["genai_coverage_sentence"] = (
        f"{params.names_of(missing)} {'is' if len(missing) == 1 else 'are'} not in Eurostat's data on generative "
        f"AI, so the charts below cannot show {'it' if len(missing) == 1 else 'them'}." if missing else "")
    flagged = inputs.genai[inputs.genai["low_reliability"] & inputs.genai["geo"].isin(params.countries)]
    rflagged = inputs.reasons[inputs.reasons["low_reliability"] & inputs.reasons["geo"].isin(params.countries)
                              & (inputs.reasons["denominator"] == "non-users")]
    facts["reason_reliability_sentence"] = (
        f"Eurostat flags some of these answers for {params.names_of(sorted(set(rflagged['geo'])))} as of low "
        "reliability (u), mostly among young people, few of whom do not use the tools; the chart draws them paler."
        if len(rflagged) else "")
    facts["reliability_sentence"] = (
        f"Eurostat flags some values for {params.names_of(sorted(set(flagged['geo'])))} as of low reliability (u); "
        "the charts draw them paler." if len(flagged) else
        f"None of the values for the {group_label(params)} is flagged as of low reliability.")
    return facts


def genai_use_chart(params: ReportParams, inputs: PeopleInputs):
    sources = [GENAI_SOURCE]
    frame = inputs.genai[(inputs.genai["measure"] == "any purpose") & (inputs.genai["denominator"] == "individuals")]
    year = ai.latest_year(frame)
    if year is None:
        return message_chart("genai-use", "No data on generative AI in the selected years",
                             f"The snapshot has these data for {inputs.genai_source_years} only, outside "
                             f"{params.year_start}–{params.year_end}.", sources, [])
    frame = frame[frame["year"] == year]
    wide = frame.pivot_table(index="geo", columns="age_group", values="value").reset_index()
    wide.columns.name = None
    wide = ai.with_roles(wide, params.countries, params.comparison_aggregate)
    wide = wide[wide["role"] != "other aggregate"]
    wide = wide.rename(columns={"all individuals": "all_individuals", "aged 16–24": "aged_16_24"})
    wide = wide.sort_values(["all_individuals", "geo"], ascending=[False, True]).reset_index(drop=True)
    ranked = ai.rank_in(frame[frame["age_group"] == "all individuals"], year)
    mine = ranked[ranked["geo"].isin(params.countries)]
    if len(mine):
        best = mine.iloc[0]
        title = (f"{ai.geo_name(best['geo'])} ranks {prose.ordinal(best['rank'])} of {len(ranked)} countries for "
                 f"people's use of generative AI: {prose.percent(best['value'])} in {year}")
    else:
        title = f"People using generative AI in {len(ranked)} European countries ({year})"
    order = list(wide["name"])
    base = alt.Chart(wide).encode(y=alt.Y("name:N", sort=order, title=None))
    rule = base.mark_rule(color="#C8C8C8", strokeWidth=2).encode(x="all_individuals:Q", x2="aged_16_24:Q")
    everyone = base.mark_point(shape="circle", filled=True, size=90, opacity=1).encode(
        x=alt.X("all_individuals:Q", title=f"People who used generative AI in the last 3 months (% of the age group), "
                                            f"{year}", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("role:N", scale=role_scale(), legend=role_legend(params, ["selected", "aggregate", "other"])),
        tooltip=[alt.Tooltip("name:N", title="Country"),
                 alt.Tooltip("all_individuals:Q", title="All aged 16–74 (%)", format=".1f"),
                 alt.Tooltip("aged_16_24:Q", title="Aged 16–24 (%)", format=".1f")])
    youth = base.mark_point(shape="triangle-right", filled=False, size=80, strokeWidth=2, opacity=1).encode(
        x="aged_16_24:Q", color=alt.Color("role:N", scale=role_scale(), legend=None))
    chart = alt.layer(rule, everyone, youth).properties(
        title=alt.Title(title, subtitle="● all people aged 16–74   ▷ people aged 16–24"), width=520,
        height=alt.Step(15))
    sel = wide[wide["role"].isin(["selected", "aggregate"])]
    description = (f"Dot chart of the share of people who used generative AI in the last three months of {year}, for "
                   f"all people (filled circles) and for those aged 16–24 (hollow triangles), in {len(ranked)} "
                   "European countries and the aggregate, sorted by the share of all people. " + "; ".join(
                       f"{n}: {a:.1f}% of all people, {y:.1f}% of those aged 16–24" for n, a, y in
                       zip(sel["name"], sel["all_individuals"], sel["aged_16_24"])) + ".")
    notes = missing_note(params, wide, "Eurostat's data on generative AI (isoc_ai_iaiu)")
    flagged = frame[frame["low_reliability"]]
    if len(flagged):
        flagged_names = join_names(sorted({ai.geo_name(g) for g in flagged.geo}))
        notes.append(f"Low-reliability flag (u) on some values for {flagged_names}.")
    columns = ["geo", "name", "role", "all_individuals", "aged_16_24"]
    return figure(chart, name="genai-use", description=description, data=wide[columns], sources=sources, notes=notes)


def purposes_chart(params: ReportParams, inputs: PeopleInputs):
    sources = [GENAI_SOURCE]
    frame = inputs.genai[(inputs.genai["denominator"] == "individuals")
                         & inputs.genai["measure"].isin(["private purposes", "work", "formal education"])]
    year = ai.latest_year(frame)
    if year is None:
        return message_chart("genai-purposes", "No data on generative AI in the selected years",
                             f"The snapshot has these data for {inputs.genai_source_years} only, outside "
                             f"{params.year_start}–{params.year_end}.", sources, [])
    frame = frame[frame["year"] == year]
    overall = _any_use(inputs, "all individuals")
    top = ai.leaders(overall[overall["year"] == year], LEADERS, exclude=params.countries)
    keep = [*params.countries, params.comparison_aggregate, *top]
    frame = frame[frame["geo"].isin(keep)].copy()
    frame["name"] = frame["geo"].map(ai.geo_name)
    frame["role"] = frame["geo"].map(lambda g: "selected" if g in params.countries else
                                     ("aggregate" if g == params.comparison_aggregate else "leader"))
    frame["flag"] = frame["flag"].astype(object).where(frame["flag"].notna(), "")
    order = [ai.geo_name(g) for g in keep if g in set(frame["geo"])]
    sel = frame[(frame["role"] == "selected") & (frame["age_group"] == "all individuals")]
    tops = []
    for geo, group in sel.groupby("geo", sort=True):
        best = group.sort_values(["value", "measure"], ascending=[False, True]).iloc[0]
        tops.append(best["measure"])
    if tops:
        common = max(sorted(set(tops)), key=tops.count)
        purpose = "Private use" if common == "private purposes" else f"Use for {common}"
        title = (f"{purpose} is the most common purpose of generative AI in "
                 f"{count_phrase(tops.count(common), len(tops))} "
                 f"{group_label(params)} with data ({year})")
    else:
        title = f"Purposes of generative AI use in the {agg_short(params)} and the leading countries ({year})"
    purpose_order = ["private purposes", "work", "formal education"]
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("name:N", sort=order, title=None),
        x=alt.X("value:Q", title="% of the age group", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("role:N", scale=role_scale(), legend=role_legend(params, ["selected", "aggregate", "leader"])),
        opacity=alt.condition("datum.low_reliability", alt.value(0.45), alt.value(1.0)),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("measure:N", title="Purpose"),
                 alt.Tooltip("age_group:N", title="Age"), alt.Tooltip("value:Q", title="%", format=".1f"),
                 alt.Tooltip("flag:N", title="Flag")],
    ).properties(width=140, height=alt.Step(14)).facet(
        column=alt.Column("measure:N", sort=purpose_order, title=None, header=alt.Header(labelFontSize=13)),
        row=alt.Row("age_group:N", sort=["all individuals", "aged 16–24"], title=None,
                    header=alt.Header(labelFontSize=13, labelAngle=0, labelAlign="left")),
    ).properties(title=alt.Title(title, subtitle=f"Leading countries: the {LEADERS} with the highest overall use "
                                                 "outside the selection "
                                                 f"({join_names([ai.geo_name(g) for g in top])})"))
    description = (f"Bar charts of the share of people who used generative AI for private purposes, for work and for "
                   f"formal education in {year}, for all people and for those aged 16–24, in "
                   f"{join_names(order)}. " + "; ".join(
                       f"{n} (all people): " + ", ".join(f"{m} {v:.1f}%" for m, v in zip(g["measure"], g["value"]))
                       for n, g in frame[frame.age_group == "all individuals"].sort_values(["name", "measure"]).groupby(
                           "name", sort=True)) + ".")
    notes = missing_note(params, frame, "Eurostat's data on generative AI")
    same = [g for g in ai.identical_measures(inputs.genai, "work", "formal education") if g in keep]
    if same:
        notes.append(f"{join_names([ai.geo_name(g) for g in same])}: the source gives identical values for work and "
                     "formal education in every age group; the two purposes were probably not measured apart.")
    if frame["low_reliability"].any():
        notes.append("Paler bars: values Eurostat flags as of low reliability (u).")
    columns = ["geo", "name", "role", "year", "age_group", "measure", "value", "flag"]
    return figure(chart, name="genai-purposes", description=description,
                  data=frame.sort_values(["age_group", "measure", "geo"])[columns], sources=sources, notes=notes)


def reasons_chart(params: ReportParams, inputs: PeopleInputs):
    sources = [REASONS_SOURCE]
    frame = inputs.reasons[inputs.reasons["denominator"] == "non-users"]
    year = ai.latest_year(frame)
    if year is None:
        return message_chart("genai-reasons", "No data on reasons for not using generative AI in the selected years",
                             f"The snapshot has these data for {inputs.genai_source_years} only, outside "
                             f"{params.year_start}–{params.year_end}.", sources, [])
    frame = frame[(frame["year"] == year) & frame["geo"].isin([*params.countries, params.comparison_aggregate])].copy()
    if frame.empty:
        return no_values_chart(params, "genai-reasons", "the reasons for not using generative AI", year, sources)
    frame["name"] = frame["geo"].map(ai.geo_name)
    frame["role"] = frame["geo"].map(lambda g: "selected" if g in params.countries else "aggregate")
    frame["flag"] = frame["flag"].astype(object).where(frame["flag"].notna(), "")
    everyone = frame[frame["age_group"] == "all individuals"]
    reasons = list(everyone.groupby("measure")["value"].mean().sort_values(ascending=False).index) or \
        sorted(frame["measure"].unique())
    sel = everyone[everyone["role"] == "selected"]
    if len(sel):
        tops = [g.sort_values(["value", "measure"], ascending=[False, True]).iloc[0]["measure"]
                for _, g in sel.groupby("geo", sort=True)]
        common = max(sorted(set(tops)), key=tops.count)
        share = sorted_desc(sel[sel["measure"] == common]).iloc[0]
        title = (f"“{common}” is the most common reason for not using generative AI in "
                 f"{count_phrase(tops.count(common), len(tops))} {group_label(params)} with data; "
                 f"{prose.percent(share['value'])} of non-users in {share['name']} give it ({year})")
    else:
        title = f"Reasons for not using generative AI in the {agg_short(params)} ({year})"
    codes = set(frame["geo"])
    chart = alt.Chart(frame).mark_point(size=80, filled=True, opacity=1).encode(
        y=alt.Y("measure:N", sort=reasons, title=None, axis=alt.Axis(labelLimit=300, labelExpr=wrap_expression(24))),
        yOffset=alt.YOffset("name:N", sort=[ai.geo_name(c) for c in [*params.countries, params.comparison_aggregate]
                                             if c in codes]),
        x=alt.X("value:Q", title="% of non-users giving the reason", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("name:N", title="Country or aggregate", scale=name_scale(params, codes),
                        legend=alt.Legend(orient="top")),
        opacity=alt.condition("datum.low_reliability", alt.value(0.35), alt.value(1.0)),
        shape=alt.Shape("role:N", scale=alt.Scale(domain=["selected", "aggregate"], range=["circle", "diamond"]),
                        legend=None),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("measure:N", title="Reason"),
                 alt.Tooltip("value:Q", title="% of non-users", format=".1f"), alt.Tooltip("flag:N", title="Flag")],
    ).properties(width=280, height=alt.Step(11)).facet(
        column=alt.Column("age_group:N", sort=["all individuals", "aged 16–24"], title=None,
                          header=alt.Header(labelFontSize=13)),
    ).properties(title=alt.Title(title, subtitle="Several reasons could be given; paler marks = low reliability (u)"))
    description = (f"Dot chart of the reasons people who did not use generative AI in {year} gave, as a share of "
                   "non-users, for all people and for those aged 16–24. All people: " + "; ".join(
                       f"{n}: " + ", ".join(f"{m.lower()} {v:.1f}%" for m, v in
                                            zip(g.sort_values('measure')["measure"], g.sort_values('measure')["value"]))
                       for n, g in everyone.groupby("name", sort=True)) + ".")
    notes = missing_note(params, frame, "Eurostat's data on reasons for not using generative AI (isoc_ai_iaiuxr)")
    notes += aggregate_note(params, frame, "this dataset")
    if frame["low_reliability"].any():
        notes.append("Paler marks: values Eurostat flags as of low reliability (u), common for the small group of "
                     "young non-users.")
    columns = ["geo", "name", "role", "year", "age_group", "measure", "value", "flag"]
    return figure(chart, name="genai-reasons", description=description,
                  data=frame.sort_values(["age_group", "measure", "geo"])[columns], sources=sources, notes=notes)


# --- ICT specialists --------------------------------------------------------------------------------------------

def _ict_facts(params: ReportParams, inputs: PeopleInputs) -> dict[str, str]:
    share = inputs.ict_share
    facts: dict[str, str] = {}
    if share.empty:
        return {"ict_first_year": "(none)", "ict_last_year": "(none)", "ict_sentence": "The snapshot has no ICT "
                "specialist data in the selected years.", "ict_change_sentence": "", "ict_growth_sentence": "",
                "ict_density_sentence": "", "ict_density_year": "(none)", "ict_coverage_sentence": ""}
    first, last = int(share["year"].min()), int(share["year"].max())
    facts["ict_first_year"], facts["ict_last_year"] = str(first), str(last)
    ranked = ai.rank_in(share, last)
    mine = ranked[ranked["geo"].isin(params.countries)]
    agg = value_of(share, params.comparison_aggregate, last)
    facts["ict_sentence"] = (
        f"In {last}, ICT specialists made up " + join_names(
            [f"{prose.percent(v)}{' of employment' if i == 0 else ''} in {ai.geo_name(g)} ({prose.ordinal(r)} of "
             f"{len(ranked)})" for i, (g, v, r) in enumerate(zip(mine["geo"], mine["value"], mine["rank"]))])
        + f"{against(params, agg)}." if len(mine) else f"None of the {group_label(params)} has a value in {last}.")
    codes = [*params.countries, params.comparison_aggregate]
    change = ai.change_between(share, first, last)
    change = sorted_desc(change[change["geo"].isin(codes)], "pp_change")
    facts["ict_change_sentence"] = (
        (f"From {first} to {last} the share changed by " + join_names(
            [f"{prose.points(p)} in {the_geo(params, g)}" for g, p in zip(change["geo"], change["pp_change"])]) + "."
         if len(change) else "") + without_both_years(params, share, first, last))
    counts = inputs.ict_density.rename(columns={"ict_thousands": "value"}).assign(flag=None)
    growth = ai.change_between(counts, first, last) if len(counts) else pd.DataFrame(
        columns=["geo", "annual_growth_percent"])
    growth = sorted_desc(growth[growth["geo"].isin(codes)], "annual_growth_percent")
    facts["ict_growth_sentence"] = (
        f"Counted in people, their number grew by " + join_names(
            [f"{prose.percent(v)}{' a year' if i == 0 else ''} in {the_geo(params, g)}"
             for i, (g, v) in enumerate(zip(growth["geo"], growth["annual_growth_percent"]))])
        + " (compound annual growth)." if len(growth) else "")
    density = inputs.ict_density.rename(columns={"per_thousand": "value"})
    dyear = ai.latest_year(density)
    if dyear:
        drank = ai.rank_in(density, dyear)
        dmine = drank[drank["geo"].isin(params.countries)]
        dagg = value_of(density, params.comparison_aggregate, dyear)
        facts["ict_density_year"] = str(dyear)
        facts["ict_density_sentence"] = (
            f"Per 1,000 inhabitants, there were " + join_names(
                [f"{prose.number(v, 1)}{' ICT specialists' if i == 0 else ''} in {ai.geo_name(g)} "
                 f"({prose.ordinal(r)} of {len(drank)})"
                 for i, (g, v, r) in enumerate(zip(dmine["geo"], dmine["value"], dmine["rank"]))])
            + f" in {dyear}{against(params, dagg, lambda v: prose.number(v, 1))}." if len(dmine) else "")
    else:
        facts["ict_density_year"] = "(none)"
        facts["ict_density_sentence"] = ""
    _, missing = present_and_missing(params, share)
    facts["ict_coverage_sentence"] = (
        f"{params.names_of(missing)} {'is' if len(missing) == 1 else 'are'} not in the ICT specialist data."
        if missing else "")
    return facts


def ict_share_chart(params: ReportParams, inputs: PeopleInputs):
    sources = [ICT_SOURCE]
    share = inputs.ict_share
    if share.empty:
        return message_chart("ict-specialists-share", "No ICT specialist data in the selected years",
                             "Nothing to draw.", sources, [])
    series = series_with_roles(params, share)
    last, first = int(series["year"].max()), int(series["year"].min())
    latest = sorted_desc(series[(series["year"] == last) & (series["role"] == "selected")])
    agg = value_of(series, params.comparison_aggregate, last)
    if len(latest):
        best = latest.iloc[0]
        title = (f"{best['name']} has the largest share of ICT specialists in employment among the "
                 f"{group_label(params)}: "
                 f"{prose.percent(best['value'])} in {last}, against {prose.percent(agg)} in the "
                 f"{agg_short(params)}")
    else:
        title = f"ICT specialists as a share of employment, {first}–{last}"
    codes = set(series["geo"])
    base = alt.Chart(series).encode(
        x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d", labelAngle=0), scale=alt.Scale(nice=False)),
        y=alt.Y("value:Q", title="ICT specialists (% of total employment)"),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:Q", format="d", title="Year"),
                 alt.Tooltip("value:Q", format=".1f", title="% of employment")])
    others = base.transform_filter(alt.datum.role == "other").mark_line(
        color=CONTEXT_GREY, strokeWidth=1, opacity=0.55).encode(detail="geo:N")
    highlighted = base.transform_filter("datum.role == 'selected' || datum.role == 'aggregate'").mark_line(
        point=True).encode(
        color=alt.Color("name:N", title="Country or aggregate", scale=name_scale(params, codes)),
        strokeDash=alt.StrokeDash("role:N", scale=alt.Scale(domain=["selected", "aggregate"], range=[[1, 0], [6, 3]]),
                                  legend=None))
    chart = alt.layer(others, highlighted).properties(
        title=alt.Title(title, subtitle="Grey: other European countries"), width=560, height=340)
    description = (f"Line chart of ICT specialists as a percentage of total employment, {first} to {last}, for "
                   f"{params.names_of([c for c in params.countries if c in codes]) or 'no selected country'} "
                   f"(coloured), the {agg_short(params)} (black, dashed) and other European countries (grey). "
                   f"In {last}: " + "; ".join(f"{n} {v:.1f}%" for n, v in zip(latest["name"], latest["value"]))
                   + ("" if prose.is_missing(agg) else f"; {agg_short(params)} {agg:.1f}%") + ".")
    notes = missing_note(params, series, "the ICT specialist data")
    notes.append("The source pipeline dropped Eurostat's flags, so breaks in series and low-reliability values cannot "
                 "be marked here.")
    columns = ["geo", "name", "role", "year", "value"]
    return figure(chart, name="ict-specialists-share", description=description, data=series[columns],
                  sources=sources, notes=notes)


def ict_density_chart(params: ReportParams, inputs: PeopleInputs):
    density = inputs.ict_density.rename(columns={"per_thousand": "value"})
    return _ranking_figure(
        params, density, name="ict-specialists-per-thousand", axis="ICT specialists per 1,000 inhabitants",
        what="ICT specialists per 1,000 inhabitants", sources=[ICT_SOURCE, POPULATION_SOURCE], unit="number",
        title_template="{name} ranks {rank} of {n} countries with {value} ICT specialists per 1,000 inhabitants "
                       "({year})",
        notes_extra=["ICT specialists (Eurostat, thousands, labour force survey) divided by the World Bank's mid-year "
                     "population; the two sources count people differently, so read small differences with care."])


# --- People summary ---------------------------------------------------------------------------------------------

def people_indicators(params: ReportParams, inputs: PeopleInputs) -> list[ai.Indicator]:
    genai = inputs.genai
    doubtful = frozenset(ai.identical_measures(genai, "work", "formal education"))
    candidates = [
        _latest_indicator(ai.pick(genai, "any purpose", "individuals", "all individuals"), "genai",
                          "People using generative AI"),
        _latest_indicator(ai.pick(genai, "any purpose", "individuals", "aged 16–24"), "genai_young",
                          "People aged 16–24 using generative AI"),
        _latest_indicator(ai.pick(genai, "work", "individuals", "all individuals"), "genai_work",
                          "People using generative AI for work", doubtful=doubtful),
        _latest_indicator(ai.pick(genai, "formal education", "individuals", "all individuals"), "genai_education",
                          "People using generative AI for formal education", doubtful=doubtful),
        _latest_indicator(inputs.ict_share, "ict_share", "ICT specialists, % of employment"),
        _latest_indicator(inputs.ict_density.rename(columns={"per_thousand": "value"}), "ict_density",
                          "ICT specialists per 1,000 inhabitants", unit="per 1,000"),
    ]
    return [c for c in candidates if c is not None]


def _people_summary_facts(params: ReportParams, inputs: PeopleInputs) -> dict[str, str]:
    board = _scoreboard_frame(params, people_indicators(params, inputs))
    facts = _summary_sentences(params, board, "people")
    bits = []
    _, absent = measures.coverage(inputs.genai, params.countries)
    if inputs.genai.empty:
        bits.append(f"The snapshot's data on generative AI ({inputs.genai_source_years}) lie outside the selected "
                    f"years ({params.year_start}–{params.year_end}).")
    elif absent:
        bits.append(f"{params.names_of(absent)} {'is' if len(absent) == 1 else 'are'} absent from Eurostat's data "
                    "on generative AI.")
    same = [g for g in ai.identical_measures(inputs.genai, "work", "formal education") if g in params.countries]
    if same:
        bits.append(f"For {params.names_of(same)}, the values for work and formal education cannot be told apart.")
    facts["people_missing_sentence"] = " ".join(bits)
    return facts


def people_scoreboard_chart(params: ReportParams, inputs: PeopleInputs):
    board_inputs = people_indicators(params, inputs)
    chart = scoreboard_chart(params, board_inputs, name="ai-people-scoreboard", area="people and skills",
                             sources=[GENAI_SOURCE, ICT_SOURCE, POPULATION_SOURCE])
    return chart


def _latest_indicator(frame: pd.DataFrame, key: str, label: str, unit: str = "%",
                      doubtful: frozenset[str] = frozenset()) -> ai.Indicator | None:
    year = ai.latest_year(frame)
    if year is None:
        return None
    return ai.Indicator(key, label, year, frame[frame["year"] == year][["geo", "value"]], unit=unit, doubtful=doubtful)
