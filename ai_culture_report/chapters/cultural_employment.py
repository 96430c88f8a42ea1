"""Cultural employment chapter (chapters/cultural_employment.ipynb): findings and charts.

:func:`load` reads the four Eurostat tables; :func:`findings` computes the latest year, the reference
aggregate, the ranking, the growth and the profiles once; the text (:func:`glue_values`, :func:`findings_table`)
and every chart read them. When the report's years exclude the series, the findings are empty and each
placeholder says so in one place (:func:`no_data_reason`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import pandas as pd

from .. import culture, data, measures, prose, tables
from ..charts import (ABOVE_COLOUR, AGGREGATE_COLOUR, BELOW_COLOUR, CONTEXT_GREY, NO_DATA_LABEL, PALETTE,
                      colour_name, colour_scale, figure, message_figure, position_label)
from ..params import ReportParams, group_label, join_names

SHARE_AXIS = "Cultural employment (% of total employment)"
SERIES = "Eurostat cultural-employment series"
ABOVE, BELOW = "above the aggregate", "at or below the aggregate"
PERIOD_COLOURS = [PALETTE[2], PALETTE[3]]  # one per database release: neither means above or below
WOMEN_COLOUR = PALETTE[2]


@dataclass(frozen=True)
class Inputs:
    params: ReportParams
    share: pd.DataFrame
    levels: pd.DataFrame
    by_sex: pd.DataFrame
    by_age: pd.DataFrame


def load(params: ReportParams) -> Inputs:
    return Inputs(params, data.load("cult_emp_share"), data.load("cult_emp_thousands"),
                  data.load("cult_emp_by_sex"), data.load("cult_emp_by_age"))


@dataclass(frozen=True)
class Findings:
    params: ReportParams
    year: int | None                # latest year with values for the selected countries (None: years exclude it)
    years: tuple                    # first and last year of the series within the report's years
    aggregate_code: str
    aggregate_value: float
    latest: pd.DataFrame            # the selected countries in ``year``, largest share first
    missing: tuple                  # selected countries without a value in ``year``
    ranked: pd.DataFrame            # every European country in ``year``
    series: pd.DataFrame            # the lines of the share chart
    junction: tuple                 # last year of the older release, first of the newer
    breaks: pd.DataFrame            # flagged breaks in series of the selected countries
    growth: pd.DataFrame            # change within each release, selected countries and aggregate
    profile_year: int | None
    women: pd.DataFrame
    ages: pd.DataFrame
    reason: str                     # why nothing can be shown, or ""

    @property
    def above(self) -> list[str]:
        return list(self.latest.loc[self.latest["value"] > self.aggregate_value, "name"])


def _in_years(params: ReportParams, frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["year"].between(params.year_start, params.year_end)]


def _latest(params: ReportParams, share: pd.DataFrame) -> int | None:
    """The latest year within the report's years with values for the selected countries; when none of them is
    in the source, the latest year with any value (so Europe is still shown); None when the years exclude it."""
    in_range = _in_years(params, share)
    year = culture.latest_year(in_range, params.countries, params.year_end)
    if year is None and len(in_range):
        year = int(in_range["year"].max())
    return year


def _aggregate_in(share: pd.DataFrame, params: ReportParams, year: int | None) -> tuple[str, float]:
    for code in culture.aggregate_codes(params.comparison_aggregate) if year is not None else ():
        value = measures.value_at(share, code, year)
        if not prose.is_missing(value):
            return code, value
    return params.comparison_aggregate, math.nan


def _profiles(inputs: Inputs, codes) -> tuple[int | None, pd.DataFrame, pd.DataFrame]:
    year = _latest(inputs.params, inputs.by_sex[inputs.by_sex["unit"] == "THS_PER"])
    if year is None:
        return None, pd.DataFrame(columns=["geo", "name", "women_percent"]), pd.DataFrame(
            columns=["geo", "name", "age_group", "percent_of_cultural_employment"])
    return year, culture.female_share(inputs.by_sex, codes, year), culture.age_profile(inputs.by_age, codes, year)


def findings(inputs: Inputs) -> Findings:
    p, share = inputs.params, inputs.share
    in_range = _in_years(p, share)
    year = _latest(p, share)
    code, value = _aggregate_in(share, p, year)
    latest = in_range[(in_range["year"] == year) & in_range["geo"].isin(p.countries)].copy()
    latest["name"] = latest["geo"].map(culture.label_geo)
    latest = latest.sort_values(["value", "name"], ascending=[False, True])
    segments = sorted(culture.vintage_segments(share).unique())
    codes = [*p.countries, *culture.aggregate_codes(p.comparison_aggregate)]
    profile_year, women, ages = _profiles(inputs, codes)
    reason = prose.outside_years(SERIES, share["year"], p.year_start, p.year_end) if year is None else ""
    return Findings(
        params=p, year=year,
        years=(int(in_range["year"].min()), int(in_range["year"].max())) if len(in_range) else (p.year_start, p.year_end),
        aggregate_code=code, aggregate_value=value, latest=latest,
        missing=tuple(measures.coverage(latest, p.countries)[1]) if year is not None else tuple(p.countries),
        ranked=culture.ranking(share, p, year) if year is not None else pd.DataFrame(),
        series=culture.share_series(share, p),
        junction=(segments[0].split("–")[-1], segments[1].split("–")[0]) if len(segments) > 1 else (),
        breaks=in_range[in_range["geo"].isin(p.countries) & in_range["flag"].fillna("").str.contains("b")],
        growth=culture.growth_within_vintages(_in_years(p, inputs.levels), codes),
        profile_year=profile_year, women=women, ages=ages, reason=reason)


# =========================================================================== text

def no_data_reason(f: Findings) -> str:
    """One sentence for the whole chapter when the report's years exclude the series, else ''."""
    return f.reason


def _top_difference(f: Findings) -> tuple[str, str]:
    if f.latest.empty or prose.is_missing(f.aggregate_value):
        return "not measurable", "not available"
    gaps = {r.name: measures.gap_to(r.value, f.aggregate_value) for r in f.latest.itertuples()}
    top = max(gaps, key=gaps.get)
    value = float(f.latest.set_index("name").loc[top, "value"])
    return (f"{top}'s, {prose.points(gaps[top])}",
            prose.number(measures.specialisation_index(value, f.aggregate_value), 2))


def _range(values, digits: int = 0) -> str:
    """'48–55%' for a set of shares, '52%' when they round alike, 'not available' when empty."""
    values = [v for v in values if not prose.is_missing(v)]
    if not values:
        return "not available"
    low, high = prose.number(min(values), digits), prose.number(max(values), digits)
    return f"{high}%" if low == high else f"{low}–{high}%"


def glue_values(f: Findings) -> dict[str, str]:
    p = f.params
    top, index = _top_difference(f)
    growth = f.growth[f.growth["geo"].isin(p.countries)].sort_values("change_percent", ascending=False)
    women_sel = f.women[f.women["geo"].isin(p.countries)]
    women_ref = f.women[~f.women["geo"].isin(p.countries)].head(1)  # the aggregate first in the codes' order
    young = f.ages[(f.ages["age_group"] == "15–29") & f.ages["geo"].isin(p.countries)]
    picks = f.ranked[f.ranked["role"] == "selected"] if len(f.ranked) else f.ranked
    return {
        "region_name": p.region_name, "aggregate_name": p.aggregate_name,
        "first_year": str(f.years[0]), "last_year": str(f.years[1]),
        "latest_year": str(f.year) if f.year is not None else "not available",
        "no_data_reason": no_data_reason(f),
        "missing_latest": prose.missing_sentence(f"Eurostat publishes no value for {f.year} for",
                                                 [culture.label_geo(c) for c in f.missing]) if f.year else "",
        "aggregate_label": culture.label_geo(f.aggregate_code),
        "aggregate_share": prose.percent(f.aggregate_value),
        "n_above": str(len(f.above)), "n_with_data": str(len(f.latest)),
        "top_difference": top, "top_index": index,
        "junction_before": f.junction[0] if f.junction else "(a single release)",
        "junction_after": f.junction[1] if f.junction else "(a single release)",
        "breaks": prose.names_or(sorted(set(f.breaks["geo"].map(culture.label_geo))), "none of them"),
        "n_ranked": str(len(f.ranked)),
        "best_rank": (f"{picks.iloc[0]['name']}, {prose.ordinal(picks.iloc[0]['rank'])}" if len(picks)
                      else "none of them"),
        "fastest_growth": (f"{growth.iloc[0]['name']}, {prose.signed_percent(growth.iloc[0]['change_percent'])} "
                           f"({growth.iloc[0]['start_year']}–{growth.iloc[0]['end_year']})" if len(growth)
                           else "not measurable"),
        "profile_year": str(f.profile_year) if f.profile_year else "no year of the selected range",
        "women_range": _range(women_sel["women_percent"]),
        "women_reference": (f"{prose.percent(women_ref['women_percent'].iloc[0])} in the {women_ref['name'].iloc[0]}"
                            if len(women_ref) else "no value for the aggregate"),
        "young_range": _range(young["percent_of_cultural_employment"]),
    }


def findings_frame(f: Findings) -> pd.DataFrame:
    """The selected countries' figures beside the aggregate's."""
    p = f.params
    ranked = f.ranked.set_index("geo") if len(f.ranked) else pd.DataFrame()
    share = f.latest.set_index("geo")["value"]
    women = f.women.set_index("geo")["women_percent"] if len(f.women) else pd.Series(dtype=float)
    young = f.ages[f.ages["age_group"] == "15–29"].set_index("geo")["percent_of_cultural_employment"] \
        if len(f.ages) else pd.Series(dtype=float)
    breaks = f.breaks.groupby("geo")["year"].apply(lambda y: ", ".join(str(int(v)) for v in sorted(y)))
    rows = []
    for code in [*p.countries, f.aggregate_code]:
        rank = ranked["rank"].get(code) if len(ranked) else None
        value = f.aggregate_value if code == f.aggregate_code else share.get(code, math.nan)
        rows.append({"Country": culture.label_geo(code),
                     f"Share of employment {f.year or ''}".strip(): prose.percent(value, missing=NO_DATA_LABEL),
                     f"Rank of {len(f.ranked)}" if len(f.ranked) else "Rank": prose.ordinal(rank) if rank is not None and not pd.isna(rank) else "–",
                     f"Women (%) {f.profile_year or ''}".strip(): prose.percent(women.get(code), missing=NO_DATA_LABEL),
                     "Aged 15–29 (%)": prose.percent(young.get(code), missing=NO_DATA_LABEL),
                     "Breaks in series": breaks.get(code, "–")})
    return pd.DataFrame(rows).set_index("Country")


def findings_table(f: Findings):
    """The findings frame as the page's table, with its sources."""
    return tables.frame_table(findings_frame(f), name="cultural-employment-findings", index="Country",
                              title=f"Cultural employment at a glance: the {group_label(f.params)}",
                              sources=["cult_emp_share", "cult_emp_by_sex", "cult_emp_by_age"], compact=True)


def _missing_note(params: ReportParams, frame: pd.DataFrame, what: str) -> list[str]:
    missing = measures.coverage(frame, params.countries)[1] if len(frame) else list(params.countries)
    return [f"No {what} for {params.names_of(missing)} in the source."] if missing else []


def _no_years_chart(f: Findings, name: str, source: str):
    return message_figure(name, f"No cultural-employment data in {prose.span(f.params.year_start, f.params.year_end)}",
                          f"{f.reason} Nothing is drawn.", [source])


# =========================================================================== charts

def share_chart(f: Findings):
    p, series = f.params, f.series
    if f.year is None or series.empty:
        return _no_years_chart(f, "cultural-employment-share", "cult_emp_share")
    label = culture.label_geo(f.aggregate_code)
    title = (f"{len(f.above)} of {len(f.latest)} {group_label(p)} employ a larger share in culture than the "
             f"{label} ({f.year})" if len(f.latest) else
             f"The {SERIES} has no value for {p.names_of(p.countries)}; the {label} is shown")
    codes = [c for c in p.countries if c in set(series.geo)]
    aggregates = [c for c in culture.aggregate_codes(p.comparison_aggregate) if c in set(series.geo)]
    scale = colour_scale([culture.label_geo(c) for c in codes])
    scale.domain += [culture.label_geo(c) for c in aggregates]
    scale.range += [AGGREGATE_COLOUR] * len(aggregates)
    base = alt.Chart(series).encode(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=SHARE_AXIS, scale=alt.Scale(zero=False)),
        color=alt.Color("name:N", title="Country or aggregate", scale=scale),
        strokeDash=alt.StrokeDash("role:N", title="Line", scale=alt.Scale(domain=["selected", "aggregate"],
                                                                        range=[[1, 0], [5, 3]])),
        detail="series:N",
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("value:Q", title="% of employment", format=".1f"), alt.Tooltip("flag:N", title="Flag")])
    layers = [base.mark_line(point=True), base.transform_filter(alt.datum.flag == "b").mark_point(
        shape="diamond", size=160, filled=False, strokeWidth=2)]
    if f.junction:
        junction = pd.DataFrame({"year": [int(f.junction[1])], "label": ["new database release →"]})
        layers += [alt.Chart(junction).mark_rule(color=CONTEXT_GREY, strokeDash=[2, 2]).encode(x="year:O"),
                   alt.Chart(junction).mark_text(align="left", dx=4, dy=-6, color="#333333", fontSize=11).encode(
                       x="year:O", y=alt.value(0), text="label:N")]
    subtitle = (f"The {label} dashed in {colour_name(AGGREGATE_COLOUR)}; lines break where two database releases "
                "meet; diamonds mark flagged breaks in series")
    latest = series[series.year == f.year].sort_values("value", ascending=False)
    description = (f"Line chart of cultural employment as a percentage of total employment, {series.year.min()} to "
                   f"{series.year.max()}, for {join_names([culture.label_geo(c) for c in codes + aggregates])}. "
                   f"In {f.year}: " + "; ".join(f"{n} {v:.1f}%" for n, v in zip(latest.name, latest.value)) + ".")
    return figure(alt.layer(*layers).properties(title=alt.Title(title, subtitle=subtitle), width=620, height=340),
                  name="cultural-employment-share", description=description, data=series, sources=["cult_emp_share"],
                  notes=_missing_note(p, series, "cultural-employment data"))


def ranking_chart(f: Findings):
    p = f.params
    if f.year is None:
        return _no_years_chart(f, "cultural-employment-ranking", "cult_emp_share")
    ranked = f.ranked.copy()
    ranked["colour"] = [position_label(v, f.aggregate_value, ABOVE, BELOW) if r == "selected" else "other countries"
                        for v, r in zip(ranked["value"], ranked["role"])]
    picks = ranked[ranked.role == "selected"]
    label = culture.label_geo(f.aggregate_code)
    title = (f"{picks.iloc[0]['name']} ranks {prose.ordinal(picks.iloc[0]['rank'])} of {len(ranked)} European "
             f"countries for its cultural share of employment ({f.year})" if len(picks)
             else f"Cultural share of employment in {len(ranked)} European countries ({f.year})")
    bars = alt.Chart(ranked).mark_bar().encode(
        y=alt.Y("name:N", sort="-x", title=None), x=alt.X("value:Q", title=SHARE_AXIS),
        color=alt.Color("colour:N", title=None, legend=alt.Legend(orient="top"), scale=alt.Scale(
            domain=[ABOVE, BELOW, "other countries"], range=[ABOVE_COLOUR, BELOW_COLOUR, CONTEXT_GREY])),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("value:Q", title="% of employment", format=".1f"),
                 alt.Tooltip("rank:Q", title="Rank")])
    layers = [bars]
    if not prose.is_missing(f.aggregate_value):
        reference = pd.DataFrame({"value": [f.aggregate_value], "label": [f"{label} {f.aggregate_value:.1f}%"]})
        layers += [alt.Chart(reference).mark_rule(color=AGGREGATE_COLOUR, strokeDash=[5, 3]).encode(x="value:Q"),
                   alt.Chart(reference).mark_text(align="left", dx=4, y=-8, fontSize=11).encode(x="value:Q",
                                                                                              text="label:N")]
    subtitle = (f"{group_label(p).capitalize()} in {colour_name(ABOVE_COLOUR)} above the {label}, in "
                f"{colour_name(BELOW_COLOUR)} at or below it; other countries {colour_name(CONTEXT_GREY)}")
    description = (f"Bar chart ranking {len(ranked)} European countries by cultural employment as a share of total "
                   f"employment in {f.year}. " + ("; ".join(f"{n} ranks {r} with {v:.1f}%" for n, r, v in
                                                           zip(picks.name, picks["rank"], picks.value)) + "."
                                                 if len(picks) else f"{p.names_of(p.countries)}: not in the ranking."))
    return figure(alt.layer(*layers).properties(title=alt.Title(title, subtitle=subtitle), width=560,
                                                height=alt.Step(16)),
                  name="cultural-employment-ranking", description=description, data=ranked.drop(columns="colour"),
                  sources=["cult_emp_share"], notes=_missing_note(p, ranked, f"value in {f.year}"))


def growth_chart(f: Findings):
    p, growth = f.params, f.growth.copy()
    if growth.empty:
        return _no_years_chart(f, "cultural-employment-growth", "cult_emp_thousands")
    growth["period"] = growth["start_year"].astype(str) + "–" + growth["end_year"].astype(str)
    selected = growth[growth.geo.isin(p.countries)].sort_values("change_percent", ascending=False)
    title = (f"{selected.iloc[0]['name']} added cultural jobs fastest: "
             f"{prose.signed_percent(selected.iloc[0]['change_percent'])} in {selected.iloc[0]['period']}"
             if len(selected) else f"No employment levels for {p.names_of(p.countries)}: the change of cultural "
                                   f"employment in the {join_names(sorted(set(growth.name)))}")
    codes = [*p.countries, *culture.aggregate_codes(p.comparison_aggregate)]
    periods = sorted(growth["period"].unique())
    chart = alt.Chart(growth).mark_bar().encode(
        y=alt.Y("name:N", sort=[culture.label_geo(c) for c in codes if c in set(growth.geo)], title=None),
        x=alt.X("change_percent:Q", title="Change in the number of cultural workers (%)"),
        color=alt.Color("period:N", title="Period (one database release each)",
                        scale=alt.Scale(domain=periods, range=PERIOD_COLOURS[:len(periods)])),
        yOffset="period:N",
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("period:N", title="Period"),
                 alt.Tooltip("start_thousands:Q", title="Start (thousands)", format=",.1f"),
                 alt.Tooltip("end_thousands:Q", title="End (thousands)", format=",.1f"),
                 alt.Tooltip("change_percent:Q", title="Change (%)", format="+.1f")])
    subtitle = "; ".join(f"{p_} in {colour_name(c)}" for p_, c in zip(periods, PERIOD_COLOURS))
    description = ("Bar chart of the percentage change in the number of cultural workers within each database "
                   "release. " + "; ".join(f"{n} {p_}: {c:+.1f}%" for n, p_, c in
                                           zip(growth.name, growth.period, growth.change_percent)) + ".")
    return figure(chart.properties(title=alt.Title(title, subtitle=subtitle), width=560),
                  name="cultural-employment-growth", description=description, data=growth,
                  sources=["cult_emp_thousands"], notes=_missing_note(p, growth, "employment levels"))


def women_chart(f: Findings):
    p, women = f.params, f.women.copy()
    if women.empty:
        return message_figure("cultural-employment-women", "No breakdown of cultural employment by sex",
                              f"{f.reason or 'The breakdown by sex has no value for these countries.'} Nothing is drawn.",
                              ["cult_emp_by_sex"])
    women["role"] = women.geo.map(lambda g: "selected" if g in p.countries else "aggregate")
    values = glue_values(f)
    title = f"Women hold {values['women_range']} of cultural jobs in the {group_label(p)} ({f.profile_year})"
    chart = alt.Chart(women).mark_bar().encode(
        y=alt.Y("name:N", sort="-x", title=None),
        x=alt.X("women_percent:Q", title="Women's share of cultural employment (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("role:N", title=None, legend=None, scale=alt.Scale(domain=["selected", "aggregate"],
                                                                          range=[WOMEN_COLOUR, AGGREGATE_COLOUR])),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("women_percent:Q", title="Women (%)", format=".1f"),
                 alt.Tooltip("women_thousands:Q", title="Women (thousands)", format=",.1f"),
                 alt.Tooltip("men_thousands:Q", title="Men (thousands)", format=",.1f")])
    half = alt.Chart(pd.DataFrame({"x": [50]})).mark_rule(color=CONTEXT_GREY, strokeDash=[2, 2]).encode(x="x:Q")
    subtitle = (f"Countries in {colour_name(WOMEN_COLOUR)}, the {p.aggregate_name} in {colour_name(AGGREGATE_COLOUR)}; "
                f"the {colour_name(CONTEXT_GREY)} line marks half")
    return figure(alt.layer(chart, half).properties(title=alt.Title(title, subtitle=subtitle), width=560),
                  name="cultural-employment-women", data=women.drop(columns="role"), sources=["cult_emp_by_sex"],
                  description=f"Bar chart of women's share of cultural employment in {f.profile_year}: "
                              + "; ".join(f"{n} {v:.1f}%" for n, v in zip(women.name, women.women_percent)) + ".",
                  notes=_missing_note(p, women, f"breakdown by sex in {f.profile_year}"))


def age_chart(f: Findings):
    p, ages = f.params, f.ages
    if ages.empty:
        return message_figure("cultural-employment-age", "No age profile of cultural employment",
                              f"{f.reason or 'The age breakdown has no value for these countries.'} Nothing is drawn.",
                              ["cult_emp_by_age"])
    title = (f"Under-30s make up {glue_values(f)['young_range']} of cultural workers in the {group_label(p)} "
             f"({f.profile_year})")
    order = list(culture.AGE_GROUPS.values())
    chart = alt.Chart(ages).mark_bar().encode(
        y=alt.Y("name:N", title=None),
        x=alt.X("percent_of_cultural_employment:Q", title="Share of cultural employment (%)", stack="normalize",
                axis=alt.Axis(format="%")),
        color=alt.Color("age_group:N", title="Age group", sort=order, scale=alt.Scale(scheme="viridis")),
        order=alt.Order("age_order:Q"),
        opacity=alt.condition(alt.datum.low_reliability, alt.value(0.55), alt.value(1.0)),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("age_group:N", title="Age"),
                 alt.Tooltip("percent_of_cultural_employment:Q", title="% of cultural employment", format=".1f"),
                 alt.Tooltip("thousands:Q", title="Thousands", format=",.1f"),
                 alt.Tooltip("low_reliability:N", title="Low reliability")],
    ).transform_calculate(age_order=f"indexof({order!r}, datum.age_group)")
    subtitle = "Age groups from dark purple (15–29) to yellow (65 and over); paler segments: low reliability"
    description = (f"Stacked bar chart of the age structure of cultural employment in {f.profile_year} for "
                   f"{join_names(sorted(ages.name.unique()))}; paler segments are flagged as of low reliability.")
    return figure(chart.properties(title=alt.Title(title, subtitle=subtitle), width=560),
                  name="cultural-employment-age", description=description, data=ages,
                  sources=["cult_emp_by_age"], notes=_missing_note(p, ages, f"age breakdown in {f.profile_year}"))
