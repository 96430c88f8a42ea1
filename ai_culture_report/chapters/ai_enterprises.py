"""Chapter ``ai_enterprises``: how many enterprises use AI, which technologies, the information and
communication sector, private investment, and a scoreboard against the comparison aggregate.

``load(params)`` reads the inputs, ``findings(inputs)`` computes every number once, ``glue_values`` gives the
short texts the notebook's markdown pastes, and each chart takes the findings, so text and charts agree.
Nothing here names a country: the selection, the aggregate and the years come from the parameters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import pandas as pd
from IPython.display import HTML

from .. import ai_adoption as ai
from .. import data, prose, tables
from ..ai_charts import (METHODS_NOTE, context_lines, context_subtitle, format_value, labelled,
                         leader_texts, name_scale, no_values_chart, ranked_frame, ranking_bars, ranking_description,
                         role_colour, scoreboard_chart, scoreboard_frame, series_with_roles, the_geo, wrap_expression)
from ..charts import CONTEXT_GREY, PALETTE, colour_name, figure, message_figure
from ..params import ReportParams, group_label, join_names

ANY_AI_SOURCE = "isoc_eb_ai_e_ai_tany_ge10"
TECHNOLOGY_SOURCE = "isoc_eb_ai_ai_technologies_ge10_nordic_eu27"
CONSIDERED_SOURCE = "isoc_eb_ai_considered_and_own_developed_2025"
SECTOR_SOURCE = "isoc_eb_ain2_ai_use_nace_j_and_ict_by_country"
INVESTMENT_SOURCE = "owid_cset_ai_private_investment"
STATICE_SOURCE = "statice_is_enterprise_ai_use_text"
ENTERPRISE_AXIS = "Enterprises with 10+ employees using AI (%)"
SECTOR_LABEL = "Information and communication (NACE J)"
ALL_LABEL = "All enterprises"
TWO_PLUS = "E_AI_TGE2"


@dataclass(frozen=True)
class Inputs:
    """The enterprise datasets, reduced to the parameters' years (every country kept for context)."""

    params: ReportParams
    any_ai: pd.DataFrame
    technologies: pd.DataFrame
    considered: pd.DataFrame
    sector: pd.DataFrame
    sector_all: pd.DataFrame  # every indicator of the sector file, NACE J only
    investment: pd.DataFrame  # private investment in AI per inhabitant, in the years
    iceland: pd.DataFrame  # Statistics Iceland's own figures (not comparable with Eurostat's)
    source_years: str = ""  # the years the enterprise survey has in the snapshot, whatever the parameters


def load(params: ReportParams) -> Inputs:
    span = dict(year_start=params.year_start, year_end=params.year_end)
    sector_raw, any_raw = data.load(SECTOR_SOURCE), data.load(ANY_AI_SOURCE)
    investment = ai.investment_per_inhabitant(data.load(INVESTMENT_SOURCE), data.load(ai.POPULATION_SOURCE))
    return Inputs(
        params=params, source_years=ai.span_text(any_raw["year"]),
        any_ai=ai.select(any_raw, ai.ANY_AI, **span), technologies=ai.select(data.load(TECHNOLOGY_SOURCE), **span),
        considered=ai.select(data.load(CONSIDERED_SOURCE), **span),
        sector=ai.select(sector_raw, ai.ANY_AI, nace_r2="J", **span),
        sector_all=ai.select(sector_raw, nace_r2="J", **span),
        investment=investment[investment["year"].between(params.year_start, params.year_end)].reset_index(drop=True),
        iceland=ai.iceland_rows(data.load(STATICE_SOURCE), params.year_start, params.year_end))


@dataclass(frozen=True)
class Findings:
    params: ReportParams
    present: tuple[str, ...]  # selected countries in the enterprise survey
    missing: tuple[str, ...]
    first_year: int | None
    use: ai.Latest  # enterprises using AI, latest year
    ranks: dict  # geo -> rank among the European countries in the latest year
    n_ranked: int
    survey_gaps: tuple[int, ...]
    breaks: tuple[str, ...]  # 'Sweden (2023)' for selected countries with a break in series
    series: pd.DataFrame  # every country's values (the use chart)
    change: pd.DataFrame  # first to last year, every country with both (the change chart)
    europe: ai.ChangeSummary | None
    creative_first_year: int | None
    tech_present: tuple[str, ...]
    tech_tops: dict  # geo -> most used technology, latest year
    creative: ai.Latest  # generating pictures, video or sound
    two_plus: ai.Latest
    considered: ai.Latest
    own: ai.Latest
    funnel: pd.DataFrame
    sector: ai.Latest
    sector_table: pd.DataFrame
    sector_creative: pd.DataFrame  # ranked, latest year
    investment: pd.DataFrame  # ranked recorded amounts, latest year
    projected: pd.DataFrame
    iceland: pd.DataFrame
    board: pd.DataFrame
    board_summary: pd.DataFrame


def findings(inputs: Inputs) -> Findings:
    p, frame = inputs.params, inputs.any_ai
    codes, agg = p.countries, p.comparison_aggregate
    use = ai.latest_against(frame, codes, agg)
    first = int(frame["year"].min()) if len(frame) else None
    change = ai.change_between(frame, first, use.year) if use.year is not None else ai.change_between(frame, 0, 0)
    change = labelled(ai.with_roles(change, codes, agg), "end_value")
    ranked = ai.rank_in(frame, use.year) if use.year is not None else pd.DataFrame(columns=["geo", "rank"])
    tech = ai.technology_frame(inputs.technologies)
    tech_year = ai.latest_year(tech)
    funnel = _funnel(inputs)
    recorded, projected, inv_year = ai.investment_frames(inputs.investment)
    creative_sector = ai.select(inputs.sector_all, ai.CREATIVE_TECHNOLOGY)
    board = scoreboard_frame(p, indicators(inputs, funnel))
    return Findings(
        params=p, present=ai.coverage(frame, codes)[0], missing=ai.coverage(frame, codes)[1], first_year=first,
        use=use, ranks=dict(zip(ranked["geo"], ranked["rank"])), n_ranked=len(ranked),
        survey_gaps=tuple(ai.survey_gaps(frame["year"])),
        breaks=tuple(ai.describe_breaks(ai.breaks(frame, codes))), series=series_with_roles(p, frame),
        change=change[change["role"] != "other aggregate"].sort_values(["end_value", "geo"], ascending=[False, True]),
        europe=ai.change_summary(change, first, use.year) if first is not None else None,
        creative_first_year=_creative_first_year(inputs),
        tech_present=ai.coverage(tech, codes)[0],
        tech_tops={g: ai.most_used_technology(tech, g, tech_year)[0] for g in [*codes, agg]
                   if tech_year and ai.most_used_technology(tech, g, tech_year)[0]},
        creative=ai.latest_against(tech[tech["indicator"] == ai.CREATIVE_TECHNOLOGY], codes, agg),
        two_plus=ai.latest_against(inputs.technologies[inputs.technologies["indicator"] == TWO_PLUS], codes, agg),
        considered=ai.latest_against(funnel.rename(columns={"considered_not_using": "value"}), codes, agg),
        own=ai.latest_against(funnel.rename(columns={"own_developed": "value"}), codes, agg), funnel=funnel,
        sector=ai.latest_against(inputs.sector, codes, agg), sector_table=_sector_table(inputs),
        sector_creative=(ranked_frame(p, creative_sector, ai.latest_year(creative_sector))
                         if len(creative_sector) else pd.DataFrame()),
        investment=_in_dollars(ranked_frame(p, recorded, inv_year, unit="USD")) if inv_year else pd.DataFrame(),
        projected=projected, iceland=inputs.iceland if ai.ICELAND in codes else inputs.iceland.iloc[0:0],
        board=board, board_summary=ai.scoreboard_summary(board, codes))


def _creative_first_year(inputs: Inputs) -> int | None:
    """The first year Eurostat asked about generating pictures, video or sound (the extended list)."""
    years = [*inputs.technologies.loc[inputs.technologies["indicator"] == ai.CREATIVE_TECHNOLOGY, "year"],
             *inputs.sector_all.loc[inputs.sector_all["indicator"] == ai.CREATIVE_TECHNOLOGY, "year"]]
    return int(min(years)) if years else None


def _funnel(inputs: Inputs) -> pd.DataFrame:
    year = ai.latest_year(inputs.considered)
    if year is None:
        return pd.DataFrame(columns=["geo", "year", "using", "considered_not_using", "own_developed", "name", "role"])
    funnel = ai.adoption_funnel(inputs.any_ai, inputs.considered, year)
    funnel = ai.with_roles(funnel, inputs.params.countries, inputs.params.comparison_aggregate)
    return funnel[funnel["role"] != "other aggregate"].reset_index(drop=True)


def _sector_table(inputs: Inputs) -> pd.DataFrame:
    table = ai.sector_against_all(inputs.sector, inputs.any_ai)
    return ai.with_roles(table, inputs.params.countries, inputs.params.comparison_aggregate)


def indicators(inputs: Inputs, funnel: pd.DataFrame) -> list[ai.Indicator]:
    tech = inputs.technologies
    considered = funnel.rename(columns={"considered_share_of_non_users": "value"})
    considered = considered[["geo", "year", "value"]].dropna(subset=["value"]) if len(funnel) else considered
    candidates = [
        ai.latest_indicator(inputs.any_ai, "use", "Enterprises using AI"),
        ai.latest_indicator(tech[tech.indicator == TWO_PLUS], "two_plus", "Using two or more AI technologies"),
        ai.latest_indicator(tech[tech.indicator == ai.CREATIVE_TECHNOLOGY], "creative",
                            "Generating pictures, video or sound"),
        ai.latest_indicator(considered, "considered", "Non-users that had considered AI"),
        ai.latest_indicator(inputs.considered[inputs.considered.indicator == ai.OWN_DEVELOPED], "own",
                            "AI built by own employees"),
        ai.latest_indicator(inputs.sector, "sector", "Information and communication: using AI"),
        ai.latest_indicator(ai.select(inputs.sector_all, ai.CREATIVE_TECHNOLOGY), "sector_creative",
                            "Information and communication: generating media"),
    ]
    return [c for c in candidates if c is not None]


# --- The words the markdown pastes (short values; the sentences are in the notebook) ---------------------------

def _change_values(f: Findings) -> dict[str, str]:
    p, change = f.params, f.change
    sel = change[change["role"] == "selected"]
    agg = change[change["role"] == "aggregate"]
    agg_pp = float(agg["pp_change"].iloc[0]) if len(agg) else math.nan
    agg_ratio = float(agg["ratio"].iloc[0]) if len(agg) else math.nan
    top = sel.sort_values(["pp_change", "geo"], ascending=[False, True]).head(1)
    e = f.europe
    return {
        "change_first_year": str(f.first_year or "no year"),
        "change_points_count": prose.count_of_group(int((sel["pp_change"] > agg_pp).sum()), len(sel), group_label(p)),
        "change_ratio_count": prose.count_of_group(int((sel["ratio"] > agg_ratio).sum()), len(sel), group_label(p)),
        "change_points_sentence": prose.above_sentence(int((sel["pp_change"] > agg_pp).sum()), len(sel),
                                                       group_label(p), "gained more points"),
        "change_ratio_sentence": prose.above_sentence(int((sel["ratio"] > agg_ratio).sum()), len(sel),
                                                      group_label(p), "grew more in relative terms"),
        "change_top_sentence": (f"The largest rise among them was {ai.geo_name(top['geo'].iloc[0])}'s "
                                f"({prose.points(top['pp_change'].iloc[0])}, {prose.ratio(top['ratio'].iloc[0])})."
                                if len(top) else ""),
        "change_agg_points": prose.points(agg_pp), "change_agg_ratio": prose.ratio(agg_ratio),
        "change_top": ai.geo_name(top["geo"].iloc[0]) if len(top) else "no selected country",
        "change_top_points": prose.points(top["pp_change"].iloc[0]) if len(top) else "not available",
        "change_top_ratio": prose.ratio(top["ratio"].iloc[0]) if len(top) else "not available",
        "europe_count": prose.count_phrase(e.n_rose, e.n_countries) if e else "none",
        "europe_top_points": f"{e.top_points['name']} ({prose.points(e.top_points['pp_change'])})" if e else "none",
        "europe_top_ratio": (f"{e.top_ratio['name']} ({prose.percent(e.top_ratio['start_value'])} to "
                             f"{prose.percent(e.top_ratio['end_value'])})") if e else "none",
    }


def glue_values(f: Findings) -> dict[str, str]:
    """Every value the notebook's markdown glues, as short text."""
    p = f.params
    use, tech_top = leader_texts(p, f.use), ai.most_common([f.tech_tops[g] for g in f.tech_present if g in f.tech_tops])
    values = {
        "region_name": p.region_name, "aggregate_name": p.aggregate_name, "agg": p.aggregate_short,
        "group_label": group_label(p), "source_years": ai.span_text([f.first_year, f.use.year])
        if f.use.year else "no year", "use_year": use["year"], "use_agg": use["agg"],
        "use_above": prose.above_sentence(f.use.n_above, f.use.n, group_label(p), "had a higher share"),
        "use_leader_sentence": prose.leader_sentence(use["name"] if f.use.n else None, use["value"]),
        "use_missing": prose.absent([ai.geo_name(c) for c in f.missing], "Eurostat's enterprise AI data"),
        "survey_gaps": join_names([str(y) for y in f.survey_gaps]) or "no year",
        "breaks": join_names(list(f.breaks)) or "none of them",
        "tech_top": (tech_top[0] or "no technology").lower(),
        "tech_top_count": prose.count_of_group(tech_top[1], len(f.tech_present), group_label(p)),
        "tech_top_sentence": prose.above_sentence(tech_top[1], len(f.tech_present), group_label(p),
                                                  f"used {(tech_top[0] or '').lower()} most"),
        "tech_agg_top": (f.tech_tops.get(p.comparison_aggregate) or "not available").lower(),
        "tech_missing": prose.absent([ai.geo_name(c) for c in p.countries if c not in f.tech_present
                                      and c not in f.missing], "the technology breakdown"),
        "creative_first_year": str(f.creative_first_year or "no year"),
        "iceland_intro": ("Statistics Iceland also counts firms with 1–9 employees; its figures stand apart."
                          if ai.ICELAND in p.countries else ""),
        "investment_year": str(int(f.investment["year"].iloc[0])) if len(f.investment) else "no year",
        "board_count": prose.count_of_group(int(f.board_summary["n_above"].sum()),
                                            int(f.board_summary["n_compared"].sum()), "comparisons"),
    }
    values |= _change_values(f)
    for key in ("creative", "two_plus", "considered", "own", "sector"):
        values |= {f"{key}_{k}": v for k, v in leader_texts(p, getattr(f, key)).items()}
    values |= _sector_values(f) | _investment_values(f)
    return values


def _sector_values(f: Findings) -> dict[str, str]:
    table = f.sector_table[(f.sector_table["year"] == f.sector.year) & (f.sector_table["role"] == "selected")]
    low, high = (table["sector_index"].min(), table["sector_index"].max()) if len(table) else (math.nan, math.nan)
    span = prose.number(low, 1) if prose.number(low, 1) == prose.number(high, 1) else \
        f"{prose.number(low, 1)} to {prose.number(high, 1)}"
    creative = f.sector_creative
    mine = creative[creative["role"] == "selected"] if len(creative) else creative
    return {"sector_index_span": span,
            "sector_creative_leader": mine["name"].iloc[0] if len(mine) else "no selected country",
            "sector_creative_value": mine["label"].iloc[0] if len(mine) else "not available",
            "sector_creative_rank": (f"{prose.ordinal(mine['rank'].iloc[0])} of {len(creative)}" if len(mine)
                                     else "unranked"),
            "sector_creative_sentence": prose.leader_sentence(
                f"{mine['name'].iloc[0]} ({prose.ordinal(mine['rank'].iloc[0])} of {len(creative)})" if len(mine)
                else None, mine["label"].iloc[0] if len(mine) else "",
                f"{f.params.aggregate_short}: {format_value(_sector_creative_reference(f))}"),
            "sector_missing": prose.absent([ai.geo_name(c) for c in f.params.countries if c not in f.missing and
                                            c not in set(f.sector_table["geo"])], "the sector data")}


def _investment_values(f: Findings) -> dict[str, str]:
    ranked = f.investment
    mine = ranked[ranked["role"] == "selected"].sort_values("rank") if len(ranked) else ranked
    return {"investment_leader": mine["name"].iloc[0] if len(mine) else "no selected country",
            "investment_leader_value": mine["label"].iloc[0] if len(mine) else "not available",
            "investment_leader_rank": (f"{prose.ordinal(mine['rank'].iloc[0])} of {len(ranked)}" if len(mine)
                                       else "unranked"),
            "investment_sentence": prose.leader_sentence(
                f"{mine['name'].iloc[0]} ({prose.ordinal(mine['rank'].iloc[0])} of {len(ranked)})" if len(mine)
                else None, f"{mine['label'].iloc[0]} US dollars" if len(mine) else "", noun="amount"),
            "investment_median": (f"{dollars(float(ranked['value'].median()))} US dollars" if len(ranked)
                                  else "not available")}


def _in_dollars(ranked: pd.DataFrame) -> pd.DataFrame:
    return ranked.assign(label=[dollars(x) for x in ranked["value"]])


def dollars(value: float) -> str:
    """'444' above 100, '49.1' below (per-inhabitant amounts in US dollars)."""
    return prose.number(value, 0 if not prose.is_missing(value) and abs(value) >= 100 else 1)


def summary_table(f: Findings):
    """The findings at a glance: per selected country and the aggregate, the latest values and the change."""
    p = f.params
    rows = []
    for geo in [*p.countries, p.comparison_aggregate]:
        change = f.change[f.change["geo"] == geo]
        rows.append({"name": the_geo(p, geo).removeprefix("the "), "use": format_value(f.use.value(geo)
                     if geo != p.comparison_aggregate else f.use.aggregate),
                     "rank": (f"{prose.ordinal(f.ranks[geo])} of {f.n_ranked}" if geo in f.ranks else "–"),
                     "points": prose.signed_number(change["pp_change"].iloc[0]) if len(change) else "–",
                     "ratio": prose.ratio(change["ratio"].iloc[0], missing="–") if len(change) else "–",
                     "creative": format_value(f.creative.value(geo) if geo != p.comparison_aggregate
                                              else f.creative.aggregate)})
    frame = pd.DataFrame(rows)
    first = f.first_year or "–"
    return tables.table(
        frame, name="ai-enterprise-findings", sources=[ANY_AI_SOURCE, TECHNOLOGY_SOURCE],
        title=f"Enterprises using AI in {f.use.year or '–'}, and the change since {first}",
        columns=[tables.Column("name", "Country"), tables.Column("use", "Using AI", numeric=True),
                 tables.Column("rank", "Rank in Europe", numeric=True),
                 tables.Column("points", f"Change since {first} (points)", numeric=True),
                 tables.Column("ratio", f"Multiple of {first}", numeric=True),
                 tables.Column("creative", "Generating pictures, video or sound", numeric=True)])


# --- Charts -----------------------------------------------------------------------------------------------------

def use_chart(f: Findings):
    p, series = f.params, f.series
    if series.empty:
        return message_figure("ai-enterprise-use", "No enterprise AI data in the selected years",
                              f"The snapshot has the survey for {f.params.year_start}–{f.params.year_end} only in "
                              "other years.", [ANY_AI_SOURCE], [])
    use = leader_texts(p, f.use)
    title = (f"In {use['year']}, enterprise AI use was above the {p.aggregate_short} ({use['agg']}) in "
             f"{prose.count_of_group(f.use.n_above, f.use.n, group_label(p))}")
    subtitle = context_subtitle(p, "; ◇ = break in series")
    chart = context_lines(p, series, title=title, y_title=ENTERPRISE_AXIS, subtitle=subtitle)
    latest = "; ".join(f"{ai.geo_name(g)} {prose.percent(v)}" for g, v in f.use.values)
    description = (f"Line chart of the share of enterprises with 10 or more employees using AI, "
                   f"{f.first_year} to {f.use.year}, for the {group_label(p)} with data (coloured), the "
                   f"{p.aggregate_short} (black, dashed) and other European countries (grey). In {f.use.year}: "
                   f"{latest or 'no selected country has a value'}; {p.aggregate_short} {use['agg']}.")
    notes = [f"{f.creative_first_year} added a technology to the list Eurostat asks about, so part of the last "
             "step is a wider question."] if f.creative_first_year and f.creative_first_year > f.first_year else []
    return figure(chart, name="ai-enterprise-use", description=description, sources=[ANY_AI_SOURCE],
                  data=series[["geo", "name", "role", "year", "value", "label", "flag"]], notes=notes + [METHODS_NOTE])


def change_chart(f: Findings):
    p, change = f.params, f.change
    if f.europe is None:
        return message_figure("ai-enterprise-change", "No change to measure in the selected years",
                              "The selected years hold fewer than two survey years.", [ANY_AI_SOURCE], [])
    first, last = f.europe.first, f.europe.last
    values = _change_values(f)
    title = f"From {first} to {last}, enterprise AI use rose in {values['europe_count']} European countries"
    if (change["role"] == "selected").any():
        title += f"; {values['change_top']} gained most among the {group_label(p)} ({values['change_top_points']})"
    base = alt.Chart(change).encode(y=alt.Y("name:N", sort=list(change["name"]), title=None))
    rule = base.mark_rule(color=CONTEXT_GREY, strokeWidth=2).encode(x=alt.X("start_value:Q"), x2="end_value:Q")
    start = base.mark_point(shape="circle", filled=False, size=60, color="#555555").encode(
        x=alt.X("start_value:Q", title=f"{ENTERPRISE_AXIS}: hollow = {first}, filled = {last}"))
    end = base.mark_point(shape="circle", filled=True, size=90, opacity=1).encode(
        x="end_value:Q", color=role_colour(p),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("label:N", title=str(last)),
                 alt.Tooltip("pp_change:Q", title="Change (points)", format="+.1f"),
                 alt.Tooltip("ratio:Q", title="Multiple", format=".2f")])
    chart = alt.layer(rule, start, end).properties(title=title, width=540, height=alt.Step(15))
    sel = change[change["role"] != "other"]
    description = (f"Dot chart of the share of enterprises using AI in {first} (hollow) and {last} (filled) for every "
                   f"European country with both years, sorted by the {last} value. " + "; ".join(
                       f"{n}: {prose.percent(a)} to {prose.percent(b)} ({prose.points(d)}, {prose.ratio(r)})"
                       for n, a, b, d, r in zip(sel["name"], sel["start_value"], sel["end_value"], sel["pp_change"],
                                                sel["ratio"])) + ".")
    columns = ["geo", "name", "role", "start_year", "end_year", "start_value", "end_value", "label", "pp_change",
               "ratio", "break_in_between"]
    return figure(chart, name="ai-enterprise-change", description=description, data=change[columns],
                  sources=[ANY_AI_SOURCE], notes=[METHODS_NOTE])


def iceland_table(f: Findings):
    """Statistics Iceland's figures in a table of their own (1+ employees: not comparable with Eurostat)."""
    if ai.ICELAND not in f.params.countries:
        return HTML("<p>Iceland is not among the selected countries, so Statistics Iceland's figures are not "
                    "shown.</p>")
    if f.iceland.empty:
        return HTML(f"<p>Statistics Iceland's own figures fall outside {f.params.year_start}–"
                    f"{f.params.year_end}.</p>")
    rows = f.iceland.assign(group=[f"Enterprises with {size}" for size in f.iceland["size"]])
    return tables.table(
        rows, name="iceland-enterprise-ai-statice",
        title=(f"Iceland, {ai.span_text(rows['year'])}: enterprises using AI as counted by Statistics Iceland, "
               "including enterprises with 1–9 employees, so not comparable with Eurostat's figures"),
        columns=[tables.Column("what", "What Statistics Iceland counts", min_width="18em"),
                 tables.Column("share", "Share of enterprises (%)", numeric=True)],
        group_by="group", data=rows.drop(columns=["group"]), sources=[STATICE_SOURCE],
        notes=["Eurostat's survey leaves out enterprises with 1–9 employees.", METHODS_NOTE])


def technology_chart(f: Findings, inputs: Inputs):
    p = f.params
    tech = series_with_roles(p, ai.technology_frame(inputs.technologies))
    if tech.empty:
        return message_figure("ai-technologies", "No technology breakdown in the selected years",
                              "The snapshot has no AI technology rows in these years.", [TECHNOLOGY_SOURCE], [])
    values = glue_values(f)
    title = (f"{prose.capitalised(values['tech_top'])} is the most used AI technology in {values['tech_top_count']}"
             if f.tech_present else f"In the {p.aggregate_short}, {values['tech_agg_top']} is the most used AI technology")
    labels = list(ai.TECHNOLOGIES.values())
    base = alt.Chart().encode(
        x=alt.X("year:Q", title=None, axis=alt.Axis(format="d", values=sorted(tech["year"].unique().tolist()),
                                                     labelAngle=-45, labelFontSize=10),
                scale=alt.Scale(domain=[int(tech["year"].min()) - 0.3, int(tech["year"].max()) + 0.3], nice=False)),
        y=alt.Y("value:Q", title="% of enterprises"),
        tooltip=[alt.Tooltip("technology:N", title="Technology"), alt.Tooltip("name:N", title="Country"),
                 alt.Tooltip("year:Q", format="d", title="Year"), alt.Tooltip("label:N", title="Enterprises")])
    others = base.transform_filter(alt.datum.role == "other").mark_line(color=CONTEXT_GREY, strokeWidth=1).encode(
        detail="geo:N")
    highlighted = base.transform_filter("datum.role != 'other'").mark_line(
        point=alt.OverlayMarkDef(size=30), strokeWidth=2).encode(
        color=alt.Color("name:N", title=None, scale=name_scale(p, set(tech["geo"])), legend=alt.Legend(orient="top")))
    chart = alt.layer(others, highlighted, data=tech).properties(width=150, height=120).facet(
        facet=alt.Facet("technology:N", sort=labels, title=None,
                        header=alt.Header(labelFontSize=11, labelExpr=wrap_expression(24))),
        columns=4).properties(title=alt.Title(title, subtitle=(
            f"Share of enterprises using each technology; the last panel was first asked in "
            f"{values['creative_first_year']}")))
    latest = tech[(tech["year"] == tech["year"].max()) & (tech["role"] != "other")]
    description = ("Small multiples, one panel per AI technology, of the share of enterprises using it per survey "
                   f"year. In {int(tech['year'].max())}: " + "; ".join(
                       f"{t}: " + ", ".join(f"{n} {lab}" for n, lab in zip(g["name"], g["label"]))
                       for t, g in latest.sort_values(["order", "name"]).groupby("technology", sort=False)) + ".")
    columns = ["indicator", "technology", "geo", "name", "role", "year", "value", "label", "flag"]
    return figure(chart, name="ai-technologies", description=description, sources=[TECHNOLOGY_SOURCE],
                  data=tech.sort_values(["order", "geo", "year"])[columns], notes=[METHODS_NOTE])


def funnel_chart(f: Findings):
    p, funnel = f.params, f.funnel
    sources = [CONSIDERED_SOURCE, ANY_AI_SOURCE]
    if funnel.empty:
        return message_figure("ai-considered-own", "No values on considering or developing AI in the selected years",
                              "The snapshot has these questions for 2025 only.", sources, [])
    considered, own = leader_texts(p, f.considered), leader_texts(p, f.own)
    title = (f"{considered['name']} has the most enterprises that considered AI without using it "
             f"({considered['value']}; {p.aggregate_short} {considered['agg']}, {considered['year']})" if f.considered.n else
             f"In the {p.aggregate_short}, {considered['agg']} of enterprises considered AI without using it "
             f"({considered['year']})")

    def panel(column: str, label: str) -> alt.Chart:
        frame = labelled(funnel.dropna(subset=[column]), column).sort_values([column, "geo"], ascending=[False, True])
        return alt.Chart(frame).mark_bar().encode(
            y=alt.Y("name:N", sort=list(frame["name"]), title=None), x=alt.X(f"{column}:Q", title=label),
            color=role_colour(p),
            tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("label:N", title="% of enterprises")],
        ).properties(width=250, height=alt.Step(14))

    chart = alt.hconcat(panel("considered_not_using", "Considered AI, did not use it (%)"),
                        panel("own_developed", "AI developed by own employees (%)")).resolve_scale(
        y="independent").properties(title=alt.Title(title, subtitle=f"AI built by own staff: {own['name']} "
                                                                    f"{own['value']}, {p.aggregate_short} {own['agg']}"))
    shown = funnel[funnel["role"] != "other"]
    description = (f"Two bar charts for {considered['year']}: the share of enterprises that considered AI but did not "
                   "use it, and the share that developed AI with their own employees. " + "; ".join(
                       f"{n}: considered {prose.percent(c)}, own-developed {prose.percent(o)}" for n, c, o in
                       zip(shown["name"], shown["considered_not_using"], shown["own_developed"])) + ".")
    columns = ["geo", "name", "role", "year", "using", "considered_not_using", "own_developed",
               "considered_share_of_non_users", "own_developed_share_of_users"]
    return figure(chart, name="ai-considered-own", description=description, data=funnel[columns],
                  sources=sources, notes=[METHODS_NOTE])


def sector_chart(f: Findings):
    p, sources = f.params, [SECTOR_SOURCE, ANY_AI_SOURCE]
    table = f.sector_table[f.sector_table["role"].isin(["selected", "aggregate"])]
    if table.empty:
        return no_values_chart(p, "ai-sector-vs-all", "the sector data", f.sector.year, sources)
    title = (f"Information and communication firms use AI {_sector_values(f)['sector_index_span']} times as often as "
             f"all enterprises in the {group_label(p)} with data ({f.sector.year})" if f.sector.n else
             f"AI use in information and communication and in all enterprises in the {p.aggregate_short} ({f.sector.year})")
    long = pd.concat([table.assign(series=SECTOR_LABEL, value=table["sector_value"]),
                      table.assign(series=ALL_LABEL, value=table["all_value"])])
    long = labelled(long[["geo", "name", "role", "year", "series", "value"]]).sort_values(["geo", "series", "year"])
    order = [ai.geo_name(c) for c in [*p.countries, p.comparison_aggregate] if c in set(long["geo"])]
    base = alt.Chart().encode(
        x=alt.X("year:Q", title=None, axis=alt.Axis(format="d", values=sorted(long["year"].unique().tolist()),
                                                    labelAngle=-45)),
        y=alt.Y("value:Q", title="% of enterprises", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("series:N", title="Enterprises"),
                 alt.Tooltip("year:Q", format="d", title="Year"), alt.Tooltip("label:N", title="Using AI")])
    lines = base.mark_line(point=True).encode(color=alt.Color(
        "series:N", title=None, scale=alt.Scale(domain=[SECTOR_LABEL, ALL_LABEL], range=[PALETTE[2], CONTEXT_GREY]),
        legend=alt.Legend(orient="top")))
    chart = alt.layer(lines, data=long).properties(width=120, height=170).facet(
        facet=alt.Facet("name:N", sort=order, title=None, header=alt.Header(labelFontSize=13,
                                                                             labelExpr=wrap_expression(16))),
        columns=min(len(order), 5)).properties(title=alt.Title(title, subtitle=(
            f"{prose.capitalised(colour_name(PALETTE[2]))}: information and communication; "
            f"{colour_name(CONTEXT_GREY)}: all enterprises")))
    last = table[table["year"] == f.sector.year]
    description = ("Small multiples of the share of enterprises using AI in information and communication and in "
                   f"all enterprises, per survey year. In {f.sector.year}: " + "; ".join(
                       f"{n}: sector {prose.percent(s)}, all {prose.percent(a)}"
                       for n, s, a in zip(last["name"], last["sector_value"], last["all_value"])) + ".")
    return figure(chart, name="ai-sector-vs-all", description=description, data=long, sources=sources,
                  notes=[METHODS_NOTE])


def sector_creative_chart(f: Findings):
    p, ranked = f.params, f.sector_creative
    name, what = "ai-sector-creative", "information and communication firms generating pictures, video or sound"
    if ranked.empty:
        return message_figure(name, f"No values for {what} in the selected years", "Nothing to rank.",
                              [SECTOR_SOURCE], [])
    year = int(ranked["year"].iloc[0])
    reference = _sector_creative_reference(f)
    v = _sector_values(f)
    title = (f"{v['sector_creative_leader']} ranks {v['sector_creative_rank']} for {what}: "
             f"{v['sector_creative_value']} ({year})" if (ranked["role"] == "selected").any() else
             f"{prose.capitalised(what)} in {len(ranked)} European countries ({year})")
    chart = ranking_bars(p, ranked, axis="Information and communication enterprises (%)", title=title,
                         reference=reference)
    description = ranking_description(p, ranked, what, year, reference)
    return figure(chart, name=name, description=description, sources=[SECTOR_SOURCE], notes=[METHODS_NOTE],
                  data=ranked[["geo", "name", "role", "year", "value", "label", "rank", "n_ranked"]])


def _sector_creative_reference(f: Findings) -> float:
    return f.board.loc[(f.board["indicator"] == "sector_creative") & (f.board["geo"] == f.params.comparison_aggregate),
                       "value"].pipe(lambda s: float(s.iloc[0]) if len(s) else math.nan)


def investment_chart(f: Findings):
    p, ranked, name = f.params, f.investment, "ai-private-investment-per-inhabitant"
    sources = [INVESTMENT_SOURCE, ai.POPULATION_SOURCE]
    if ranked.empty:
        return message_figure(name, "No private AI investment per inhabitant in the selected years",
                              f"None of the years with recorded amounts falls within {p.year_start}–{p.year_end}.",
                              sources, [])
    year = int(ranked["year"].iloc[0])
    v = _investment_values(f)
    title = (f"{v['investment_leader']} ranks {v['investment_leader_rank']} European countries for private investment "
             f"in AI per inhabitant: {v['investment_leader_value']} US dollars in {year}")
    projection = f.projected[f.projected["geo"].isin(set(ranked["geo"]))]
    projection = projection.assign(name=projection["geo"].map(ai.geo_name),
                                   series=f"{ai.span_text(projection['year'])} projected by OWID")
    extra = [alt.Chart(projection).mark_point(filled=False, size=70, color="#000000").encode(
        y=alt.Y("name:N", sort=list(ranked["name"])), x="value:Q",
        shape=alt.Shape("series:N", legend=alt.Legend(title=None, orient="top")))] if len(projection) else []
    chart = ranking_bars(p, ranked, axis="US dollars per inhabitant, adjusted for inflation", title=title,
                         extra=extra).resolve_scale(shape="independent")
    description = ranking_description(p, ranked, "private investment in AI per inhabitant (US dollars)", year,
                                      math.nan, unit="USD")
    shown = pd.concat([ranked.assign(projected=False), projection.assign(projected=True)])
    columns = ["geo", "name", "role", "year", "value", "label", "projected", "investment", "population", "rank"]
    return figure(chart, name=name, description=description, data=shown.reindex(columns=columns), sources=sources,
                  notes=["Hollow circles: Our World in Data's projections, not recorded amounts; the text uses "
                         "recorded amounts only.", METHODS_NOTE])


def scoreboard(f: Findings):
    p = f.params
    title = f"The {group_label(p)} are above the {p.aggregate_short} in {glue_values(f)['board_count']}"
    return scoreboard_chart(p, f.board, title=title, name="ai-enterprise-scoreboard",
                            sources=[ANY_AI_SOURCE, TECHNOLOGY_SOURCE, CONSIDERED_SOURCE, SECTOR_SOURCE],
                            notes=[METHODS_NOTE])
