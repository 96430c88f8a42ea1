"""Chapter ``ai_people_skills``: who uses generative AI, for what, why others do not, and ICT specialists.

``load(params)`` reads the inputs, ``findings(inputs)`` computes every number once, ``glue_values`` gives the
short texts the notebook's markdown pastes, and each chart takes the findings, so text and charts agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from .. import ai_adoption as ai
from .. import data, prose, tables
from ..ai_charts import (METHODS_NOTE, context_lines, context_subtitle, format_value, labelled,
                         leader_texts, name_scale, no_values_chart, ranked_frame, ranking_bars, ranking_description,
                         role_colour, scoreboard_chart, scoreboard_frame, series_with_roles, the_geo, wrap_expression)
from ..charts import CONTEXT_GREY, colour_name, figure, message_figure
from ..params import ReportParams, group_label, join_names

GENAI_SOURCE = "isoc_ai_iaiu_genai_use_individuals_2025"
REASONS_SOURCE = "isoc_ai_iaiuxr_genai_reasons_not_used_2025"
ICT_SOURCE = "isoc_sks_itspt_ict_specialists"
PURPOSES = ("private purposes", "work", "formal education")
PURPOSE_WORDS = {"private purposes": "private use", "work": "work", "formal education": "formal education"}
LEADERS = 3  # countries shown as "the leaders" beside the selection


@dataclass(frozen=True)
class Inputs:
    params: ReportParams
    genai: pd.DataFrame
    reasons: pd.DataFrame
    ict_share: pd.DataFrame
    ict_density: pd.DataFrame  # per_thousand as value
    genai_source_years: str = ""  # the years the generative-AI data have in the snapshot, whatever the parameters


def load(params: ReportParams) -> Inputs:
    def in_years(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["year"].between(params.year_start, params.year_end)].reset_index(drop=True)

    ict = data.load(ICT_SOURCE)
    genai = ai.genai_frame(data.load(GENAI_SOURCE))
    density = ai.ict_per_thousand(ict, data.load(ai.POPULATION_SOURCE))
    return Inputs(params=params, genai_source_years=ai.span_text(genai["year"]), genai=in_years(genai),
                  reasons=in_years(ai.genai_frame(data.load(REASONS_SOURCE), ai.REASON_PREFIX)),
                  ict_share=in_years(ai.select(ict, unit=ai.ICT_SHARE_UNIT)),
                  ict_density=in_years(density.assign(value=density["per_thousand"], flag=None)))


@dataclass(frozen=True)
class Findings:
    params: ReportParams
    genai: ai.Latest  # any purpose, all people aged 16–74
    genai_ranks: dict
    genai_n_ranked: int
    genai_missing: tuple[str, ...]
    genai_years: tuple[int, ...]  # survey years in the selection: one year shows a level, not a trend
    young: ai.Latest
    leaders: tuple[str, ...]  # the countries with the highest use outside the selection
    purposes: dict  # purpose -> Latest (countries whose work and education values coincide left aside)
    purpose_tops: dict  # selected geo -> its most common purpose
    same_purposes: tuple[str, ...]  # geos whose work and education values coincide in every age group
    reasons: pd.DataFrame  # non-users, latest year, selected and aggregate
    reason_tops: dict  # every country -> its most common reason
    reason_top: ai.Latest  # the most common reason across Europe
    flagged: tuple[str, ...]  # selected geos with low-reliability values
    ict: ai.Latest
    ict_change: pd.DataFrame
    ict_series: pd.DataFrame
    density: pd.DataFrame  # ranked, latest year
    density_reference: float  # the aggregate's value that year
    board: pd.DataFrame
    board_summary: pd.DataFrame


def findings(inputs: Inputs) -> Findings:
    p, genai = inputs.params, inputs.genai
    codes, agg = p.countries, p.comparison_aggregate
    overall = ai.pick(genai, "any purpose", "individuals", "all individuals")
    use = ai.latest_against(overall, codes, agg)
    ranked = ai.rank_in(overall, use.year) if use.year else pd.DataFrame(columns=["geo", "rank"])
    same = tuple(ai.identical_measures(genai, "work", "formal education"))
    non_users = inputs.reasons[(inputs.reasons["denominator"] == "non-users")
                               & (inputs.reasons["age_group"] == "all individuals")]
    non_users = non_users[non_users["year"] == ai.latest_year(non_users)]
    reason_tops = ai.top_measure_per_geo(ai.countries_only(non_users))
    top_reason = ai.most_common(list(reason_tops.values()))[0]
    share, density = inputs.ict_share, inputs.ict_density
    ict = ai.latest_against(share, codes, agg)
    first = int(share["year"].min()) if len(share) else None
    board = scoreboard_frame(p, indicators(inputs, same))
    return Findings(
        params=p, genai=use, genai_ranks=dict(zip(ranked["geo"], ranked["rank"])), genai_n_ranked=len(ranked),
        genai_missing=ai.coverage(overall, codes)[1], genai_years=tuple(sorted(set(overall["year"]))),
        young=ai.latest_against(ai.pick(genai, "any purpose", "individuals", "aged 16–24"), codes, agg, use.year),
        leaders=tuple(ai.leaders(overall[overall["year"] == use.year], LEADERS, exclude=codes)),
        purposes={k: ai.latest_against(ai.pick(genai, k, "individuals", "all individuals").pipe(
            lambda f: f[~f["geo"].isin(same)] if k != "private purposes" else f), codes, agg) for k in PURPOSES},
        purpose_tops=ai.top_measure_per_geo(genai[genai["geo"].isin(codes) & genai["measure"].isin(PURPOSES)
                                                  & (genai["denominator"] == "individuals")
                                                  & (genai["age_group"] == "all individuals")]),
        same_purposes=tuple(g for g in same if g in codes or g == agg),
        reasons=non_users[non_users["geo"].isin([*codes, agg])], reason_tops=reason_tops,
        reason_top=ai.latest_against(non_users[non_users["measure"] == top_reason], codes, agg),
        flagged=tuple(sorted(set(genai.loc[genai["low_reliability"] & genai["geo"].isin(codes), "geo"]))),
        ict=ict, ict_series=series_with_roles(p, share),
        ict_change=ai.change_between(share, first, ict.year) if first else ai.change_between(share, 0, 0),
        density=(ranked_frame(p, density, ai.latest_year(density), unit="per 1,000") if len(density)
                 else pd.DataFrame()),
        density_reference=ai.value_in(density, agg, ai.latest_year(density)),
        board=board, board_summary=ai.scoreboard_summary(board, codes))


def indicators(inputs: Inputs, doubtful) -> list[ai.Indicator]:
    genai, doubtful = inputs.genai, frozenset(doubtful)
    candidates = [
        ai.latest_indicator(ai.pick(genai, "any purpose", "individuals", "all individuals"), "genai",
                            "People using generative AI"),
        ai.latest_indicator(ai.pick(genai, "any purpose", "individuals", "aged 16–24"), "genai_young",
                            "People aged 16–24 using generative AI"),
        ai.latest_indicator(ai.pick(genai, "work", "individuals", "all individuals"), "genai_work",
                            "Generative AI for work", doubtful=doubtful),
        ai.latest_indicator(ai.pick(genai, "formal education", "individuals", "all individuals"), "genai_education",
                            "Generative AI for formal education", doubtful=doubtful),
        ai.latest_indicator(inputs.ict_share, "ict_share", "ICT specialists, % of employment"),
        ai.latest_indicator(inputs.ict_density, "ict_density", "ICT specialists per 1,000 inhabitants",
                            unit="per 1,000"),
    ]
    return [c for c in candidates if c is not None]


# --- The words the markdown pastes ------------------------------------------------------------------------------

def glue_values(f: Findings) -> dict[str, str]:
    p, group = f.params, group_label(f.params)
    use = leader_texts(p, f.genai)
    purpose_top = ai.most_common(list(f.purpose_tops.values()))
    values = {
        "region_name": p.region_name, "aggregate_name": p.aggregate_name, "agg": p.aggregate_short, "group_label": group,
        "genai_year": str(f.genai.year or "no year"), "genai_agg": use["agg"],
        "genai_above": prose.above_sentence(f.genai.n_above, f.genai.n, group, "had a higher share"),
        "genai_leader_sentence": prose.leader_sentence(
            f"{use['name']} ({prose.ordinal(f.genai_ranks[f.genai.leader[0]])} of {f.genai_n_ranked})"
            if f.genai.n else None, use["value"]),
        "genai_missing": prose.absent([ai.geo_name(c) for c in f.genai_missing], "Eurostat's data on generative AI"),
        "genai_span": ai.span_text(f.genai_years) if f.genai_years else "no year",
        "genai_one_year": "a single year" if len(f.genai_years) == 1 else f"{len(f.genai_years)} years",
        "genai_leaders": join_names([ai.geo_name(g) for g in f.leaders]) or "no other country",
        "purpose_top": PURPOSE_WORDS.get(purpose_top[0], "no purpose"),
        "purpose_top_count": prose.count_of_group(purpose_top[1], len(f.purpose_tops), group),
        "purpose_same": prose.for_names([ai.geo_name(g) for g in f.same_purposes if g in p.countries],
                                        "work and education share one value; both left aside."),
        "reason_top": _reason_top(f),
        "reason_top_count": prose.count_phrase(ai.most_common(list(f.reason_tops.values()))[1], len(f.reason_tops)),
        "flagged": p.names_of(f.flagged) or "no selected country",
        "ict_year": str(f.ict.year or "no year"),
        "ict_above": prose.above_sentence(f.ict.n_above, f.ict.n, group, "had a higher share"),
        "ict_first_year": str(int(f.ict_change["start_year"].iloc[0])) if len(f.ict_change) else "no year",
        "ict_agg_points": _ict_points(f, p.comparison_aggregate),
        "density_year": str(int(f.density["year"].iloc[0])) if len(f.density) else "no year",
    }
    for key, latest in (("young", f.young), ("reason", f.reason_top), ("ict", f.ict),
                        *((k.split()[-1], v) for k, v in f.purposes.items())):
        values |= {f"{key}_{k}": v for k, v in leader_texts(p, latest).items()}
    values["ict_top_points"] = _ict_points(f, f.ict.leader[0])
    mine = f.density[f.density["role"] == "selected"] if len(f.density) else f.density
    values |= {"density_name": mine["name"].iloc[0] if len(mine) else "no selected country",
               "density_value": mine["label"].iloc[0] if len(mine) else "not available",
               "density_rank": f"{prose.ordinal(mine['rank'].iloc[0])} of {len(f.density)}" if len(mine) else
               "unranked",
               "density_sentence": prose.leader_sentence(
                   f"{mine['name'].iloc[0]} ({prose.ordinal(mine['rank'].iloc[0])} of {len(f.density)})"
                   if len(mine) else None, mine["label"].iloc[0] if len(mine) else "",
                   f"{p.aggregate_short}: {format_value(f.density_reference, 'per 1,000')}", noun="number"),
               "board_count": prose.count_of_group(int(f.board_summary["n_above"].sum()),
                                                   int(f.board_summary["n_compared"].sum()), "comparisons")}
    return values


def _reason_top(f: Findings) -> str:
    common = ai.most_common(list(f.reason_tops.values()))[0]
    return common.lower() if common else "no reason"


def _ict_points(f: Findings, geo) -> str:
    row = f.ict_change[f.ict_change["geo"] == geo]
    return prose.points(row["pp_change"].iloc[0]) if len(row) else "not available"


def summary_table(f: Findings):
    """People's use of generative AI and ICT specialists, per selected country and the aggregate."""
    p = f.params
    rows = []
    for geo in [*p.countries, p.comparison_aggregate]:
        def value(latest: ai.Latest, doubtful=()):
            if geo in doubtful:
                return "left aside (?)"
            return format_value(latest.aggregate if geo == p.comparison_aggregate else latest.value(geo))
        rows.append({"name": the_geo(p, geo).removeprefix("the "), "genai": value(f.genai), "young": value(f.young),
                     "rank": f"{prose.ordinal(f.genai_ranks[geo])} of {f.genai_n_ranked}" if geo in f.genai_ranks
                     else "–", "education": value(f.purposes["formal education"], f.same_purposes),
                     "ict": value(f.ict)})
    return tables.table(
        pd.DataFrame(rows), name="ai-people-findings", sources=[GENAI_SOURCE, ICT_SOURCE],
        title=f"People using generative AI ({f.genai.year or '–'}) and ICT specialists ({f.ict.year or '–'})",
        columns=[tables.Column("name", "Country"), tables.Column("genai", "Using generative AI", numeric=True),
                 tables.Column("rank", "Rank in Europe", numeric=True),
                 tables.Column("young", "Aged 16–24", numeric=True),
                 tables.Column("education", "For formal education", numeric=True),
                 tables.Column("ict", "ICT specialists, % of employment", numeric=True)])


# --- Charts -----------------------------------------------------------------------------------------------------

def genai_use_chart(f: Findings, inputs: Inputs):
    p, name = f.params, "genai-use"
    if f.genai.year is None:
        return message_figure(name, "No data on generative AI in the selected years",
                              f"The snapshot has these data for {inputs.genai_source_years} only.", [GENAI_SOURCE], [])
    frame = inputs.genai[(inputs.genai["measure"] == "any purpose") & (inputs.genai["denominator"] == "individuals")
                         & (inputs.genai["year"] == f.genai.year)]
    wide = frame.pivot_table(index="geo", columns="age_group", values="value").reset_index()
    wide = ai.with_roles(wide.rename(columns={"all individuals": "all_individuals", "aged 16–24": "aged_16_24"}),
                         p.countries, p.comparison_aggregate)
    wide = wide[wide["role"] != "other aggregate"].sort_values(["all_individuals", "geo"], ascending=[False, True])
    wide = labelled(labelled(wide, "all_individuals"), "aged_16_24", to="label_16_24")
    use = leader_texts(p, f.genai)
    title = (f"In {f.genai.year}, people's use of generative AI was above the {p.aggregate_short} ({use['agg']}) in "
             f"{prose.count_of_group(f.genai.n_above, f.genai.n, group_label(p))}")
    base = alt.Chart(wide).encode(y=alt.Y("name:N", sort=list(wide["name"]), title=None))
    rule = base.mark_rule(color="#C8C8C8", strokeWidth=2).encode(x="all_individuals:Q", x2="aged_16_24:Q")
    everyone = base.mark_point(shape="circle", filled=True, size=90, opacity=1).encode(
        x=alt.X("all_individuals:Q", title=f"Used generative AI in the last 3 months (% of the age group), "
                f"{f.genai.year}", scale=alt.Scale(domain=[0, 100])), color=role_colour(p),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("label:N", title="Aged 16–74"),
                 alt.Tooltip("label_16_24:N", title="Aged 16–24")])
    youth = base.mark_point(shape="triangle-right", filled=False, size=80, strokeWidth=2, opacity=1).encode(
        x="aged_16_24:Q", color=role_colour(p))
    chart = alt.layer(rule, everyone, youth).properties(
        title=alt.Title(title, subtitle="● all people aged 16–74   ▷ people aged 16–24"), width=520,
        height=alt.Step(15))
    sel = wide[wide["role"] != "other"]
    description = (f"Dot chart of the share of people who used generative AI in the last three months, {f.genai.year}, "
                   f"for all people (filled circles) and those aged 16–24 (hollow triangles). " + "; ".join(
                       f"{n}: {a} of all people, {y} of those aged 16–24" for n, a, y in
                       zip(sel["name"], sel["label"], sel["label_16_24"])) + ".")
    columns = ["geo", "name", "role", "all_individuals", "label", "aged_16_24", "label_16_24"]
    return figure(chart, name=name, description=description, data=wide[columns], sources=[GENAI_SOURCE],
                  notes=[METHODS_NOTE])


def purposes_chart(f: Findings, inputs: Inputs):
    p, name = f.params, "genai-purposes"
    if f.genai.year is None:
        return message_figure(name, "No data on generative AI in the selected years",
                              f"The snapshot has these data for {inputs.genai_source_years} only.", [GENAI_SOURCE], [])
    keep = [*p.countries, p.comparison_aggregate, *f.leaders]
    frame = inputs.genai[(inputs.genai["denominator"] == "individuals") & inputs.genai["measure"].isin(PURPOSES)
                         & (inputs.genai["year"] == f.genai.year) & inputs.genai["geo"].isin(keep)]
    frame = labelled(ai.with_roles(frame, p.countries, p.comparison_aggregate))
    frame["flag"] = frame["flag"].astype(object).where(frame["flag"].notna(), "")
    v = glue_values(f)
    title = (f"{prose.capitalised(v['purpose_top'])} is the most common purpose of generative AI in "
             f"{v['purpose_top_count']} ({f.genai.year})" if f.purpose_tops else
             f"Purposes of generative AI in the {p.aggregate_short} and the leading countries ({f.genai.year})")
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("name:N", sort=[ai.geo_name(g) for g in keep], title=None),
        x=alt.X("value:Q", title="% of the age group", scale=alt.Scale(domain=[0, 100])),
        color=role_colour(p, other="leading countries"),
        opacity=alt.condition("datum.low_reliability", alt.value(0.45), alt.value(1.0)),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("measure:N", title="Purpose"),
                 alt.Tooltip("age_group:N", title="Age"), alt.Tooltip("label:N", title="Share"),
                 alt.Tooltip("flag:N", title="Flag")],
    ).properties(width=140, height=alt.Step(14)).facet(
        column=alt.Column("measure:N", sort=list(PURPOSES), title=None, header=alt.Header(labelFontSize=13)),
        row=alt.Row("age_group:N", sort=["all individuals", "aged 16–24"], title=None,
                    header=alt.Header(labelFontSize=13, labelAngle=0, labelAlign="left")),
    ).properties(title=alt.Title(title, subtitle=f"{prose.capitalised(colour_name(CONTEXT_GREY))}: the {LEADERS} "
                                                 f"countries with the highest overall use ({v['genai_leaders']}); "
                                                 "paler bars: low reliability (u)"))
    everyone = frame[frame["age_group"] == "all individuals"].sort_values(["name", "measure"])
    description = (f"Bar charts of the share of people who used generative AI for private purposes, for work and for "
                   f"formal education in {f.genai.year}, for all people and for those aged 16–24. " + "; ".join(
                       f"{n} (all people): " + ", ".join(f"{m} {lab}" for m, lab in zip(g["measure"], g["label"]))
                       for n, g in everyone.groupby("name", sort=True)) + ".")
    columns = ["geo", "name", "role", "year", "age_group", "measure", "value", "label", "flag"]
    return figure(chart, name=name, description=description, sources=[GENAI_SOURCE], notes=[METHODS_NOTE],
                  data=frame.sort_values(["age_group", "measure", "geo"])[columns])


def reasons_chart(f: Findings, inputs: Inputs):
    p, name = f.params, "genai-reasons"
    frame = inputs.reasons[(inputs.reasons["denominator"] == "non-users")
                           & inputs.reasons["geo"].isin([*p.countries, p.comparison_aggregate])]
    frame = frame[frame["year"] == ai.latest_year(frame)] if len(frame) else frame
    if frame.empty:
        return no_values_chart(p, name, "the reasons for not using generative AI", f.genai.year, [REASONS_SOURCE])
    frame = labelled(ai.with_roles(frame, p.countries, p.comparison_aggregate))
    frame["flag"] = frame["flag"].astype(object).where(frame["flag"].notna(), "")
    v = glue_values(f)
    title = (f"“{prose.capitalised(v['reason_top'])}” is the most common reason for not using generative AI in "
             f"{v['reason_top_count']} European countries with data")
    everyone = frame[frame["age_group"] == "all individuals"]
    reasons = list(everyone.groupby("measure")["value"].mean().sort_values(ascending=False).index)
    codes = set(frame["geo"])
    chart = alt.Chart(frame).mark_point(size=80, filled=True, opacity=1).encode(
        y=alt.Y("measure:N", sort=reasons, title=None, axis=alt.Axis(labelLimit=300, labelExpr=wrap_expression(24))),
        yOffset=alt.YOffset("name:N"), x=alt.X("value:Q", title="% of non-users giving the reason",
                                              scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("name:N", title=None, scale=name_scale(p, codes), legend=alt.Legend(orient="top")),
        opacity=alt.condition("datum.low_reliability", alt.value(0.35), alt.value(1.0)),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("measure:N", title="Reason"),
                 alt.Tooltip("label:N", title="Non-users"), alt.Tooltip("flag:N", title="Flag")],
    ).properties(width=280, height=alt.Step(11)).facet(
        column=alt.Column("age_group:N", sort=["all individuals", "aged 16–24"], title=None,
                          header=alt.Header(labelFontSize=13)),
    ).properties(title=alt.Title(title, subtitle="Several reasons could be given; paler marks = low reliability (u)"))
    description = (f"Dot chart of the reasons people who did not use generative AI gave, as a share of non-users. "
                   "All people: " + "; ".join(f"{n}: " + ", ".join(f"{m.lower()} {lab}" for m, lab in
                                                                   zip(g["measure"], g["label"]))
                                              for n, g in everyone.sort_values("measure").groupby("name")) + ".")
    columns = ["geo", "name", "role", "year", "age_group", "measure", "value", "label", "flag"]
    return figure(chart, name=name, description=description, sources=[REASONS_SOURCE], notes=[METHODS_NOTE],
                  data=frame.sort_values(["age_group", "measure", "geo"])[columns])


def ict_share_chart(f: Findings):
    p, series, name = f.params, f.ict_series, "ict-specialists-share"
    if series.empty:
        return message_figure(name, "No ICT specialist data in the selected years", "Nothing to draw.",
                              [ICT_SOURCE], [])
    ict = leader_texts(p, f.ict)
    title = (f"In {f.ict.year}, ICT specialists' share of employment was above the {p.aggregate_short} ({ict['agg']}) in "
             f"{prose.count_of_group(f.ict.n_above, f.ict.n, group_label(p))}")
    subtitle = context_subtitle(p)
    chart = context_lines(p, series, title=title, y_title="ICT specialists (% of total employment)", subtitle=subtitle)
    description = (f"Line chart of ICT specialists as a percentage of total employment, for the {group_label(p)} "
                   f"(coloured), the {p.aggregate_short} (black, dashed) and other European countries (grey). "
                   f"In {f.ict.year}: " + "; ".join(f"{ai.geo_name(g)} {prose.percent(v)}" for g, v in f.ict.values)
                   + f"; {p.aggregate_short} {ict['agg']}.")
    return figure(chart, name=name, description=description, sources=[ICT_SOURCE], notes=[METHODS_NOTE],
                  data=series[["geo", "name", "role", "year", "value", "label"]])


def ict_density_chart(f: Findings):
    p, ranked, name = f.params, f.density, "ict-specialists-per-thousand"
    sources = [ICT_SOURCE, ai.POPULATION_SOURCE]
    if ranked.empty:
        return message_figure(name, "No ICT specialists per inhabitant in the selected years", "Nothing to rank.",
                              sources, [])
    year, v = int(ranked["year"].iloc[0]), glue_values(f)
    reference = f.density_reference
    title = (f"{v['density_name']} has the most ICT specialists per 1,000 inhabitants among the {group_label(p)}: "
             f"{v['density_value']}, {v['density_rank']} ({year})" if (ranked["role"] == "selected").any() else
             f"ICT specialists per 1,000 inhabitants in {len(ranked)} European countries ({year})")
    chart = ranking_bars(p, ranked, axis="ICT specialists per 1,000 inhabitants", title=title, reference=reference,
                         unit="per 1,000")
    description = ranking_description(p, ranked, "ICT specialists per 1,000 inhabitants", year, reference,
                                      unit="per 1,000")
    return figure(chart, name=name, description=description, sources=sources, notes=[METHODS_NOTE],
                  data=ranked[["geo", "name", "role", "year", "value", "label", "rank", "n_ranked"]])


def scoreboard(f: Findings):
    p, v = f.params, glue_values(f)
    title = f"On people and skills, the {group_label(p)} are above the {p.aggregate_short} in {v['board_count']}"
    return scoreboard_chart(p, f.board, title=title, name="ai-people-scoreboard",
                            sources=[GENAI_SOURCE, ICT_SOURCE, ai.POPULATION_SOURCE], notes=[METHODS_NOTE])
