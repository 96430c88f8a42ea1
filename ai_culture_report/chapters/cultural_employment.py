"""Cultural employment chapter: the facts for the prose and the charts."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import culture, data, measures, prose
from ..charts import CONTEXT_GREY, PALETTE, colour_scale, figure, message_figure
from ..params import ReportParams, join_names, group_label

SHARE_AXIS = "Cultural employment (% of total employment)"
SERIES = "Eurostat cultural-employment series"


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


def _outside(params: ReportParams, frame: pd.DataFrame) -> str:
    return prose.outside_years(SERIES, frame["year"], params.year_start, params.year_end)


def _no_years_chart(params: ReportParams, frame: pd.DataFrame, name: str, source: str):
    return message_figure(name, f"No cultural-employment data in {prose.span(params.year_start, params.year_end)}",
                          f"{_outside(params, frame)} Nothing is drawn.", [source])


def _aggregate_in(share: pd.DataFrame, params: ReportParams, year: int) -> tuple[str, float]:
    for code in culture.aggregate_codes(params.comparison_aggregate):
        value = measures.value_at(share, code, year)
        if not prose.is_missing(value):
            return code, value
    return params.comparison_aggregate, float("nan")


def _missing_note(params: ReportParams, frame: pd.DataFrame, what: str) -> list[str]:
    _, missing = measures.coverage(frame, params.countries)
    if not missing:
        return []
    return [f"No {what} for {params.names_of(missing)} in the source."]



def _no_years_facts(params: ReportParams, share: pd.DataFrame) -> dict[str, str]:
    """The facts when the report's years exclude the whole series: each sentence says so."""
    outside = _outside(params, share)
    return {
        "first_year": str(params.year_start), "last_year": str(params.year_end), "latest_year": "not available",
        "share_sentence": outside, "above_sentence": "", "n_above": "0", "n_with_data": "0",
        "share_vintage": data.resource("cult_emp_share").vintage or "vintage not recorded",
        "junction_before": "(no year in the selected range)", "junction_after": "(no year in the selected range)",
        "break_sentence": "", "rank_year": prose.span(params.year_start, params.year_end), "n_ranked": "no",
        "rank_sentence": "None of the selected countries can be ranked in these years.",
        "growth_sentence": "No growth can be measured in these years.",
    }


def key_facts(params: ReportParams, share: pd.DataFrame, levels: pd.DataFrame) -> dict[str, str]:
    in_range = _in_years(params, share)
    year = _latest(params, share)
    if year is None:
        return _no_years_facts(params, share)
    aggregate_code, aggregate_value = _aggregate_in(share, params, year)
    aggregate_label = culture.label_geo(aggregate_code)
    latest = in_range[(in_range["year"] == year) & in_range["geo"].isin(params.countries)]
    latest = latest.sort_values("value", ascending=False)
    facts = {
        "first_year": str(int(in_range["year"].min())),
        "last_year": str(int(in_range["year"].max())),
        "latest_year": str(year),
    }
    values = ", ".join(f"{prose.percent(v)} in {culture.label_geo(g)}" for g, v in zip(latest.geo, latest.value))
    _, missing = measures.coverage(latest, params.countries)
    missing_text = f" Eurostat publishes no value for {params.names_of(missing)} in {year}." if missing else ""
    if len(latest):
        facts["share_sentence"] = (
            f"In {year}, culture accounted for {values} of all employment, against {prose.percent(aggregate_value)} "
            f"in the {aggregate_label}.{missing_text}"
        )
    else:
        facts["share_sentence"] = (
            f"The {SERIES} has no value for {params.names_of(params.countries)} in "
            f"{prose.span(params.year_start, params.year_end)}; in {year}, culture accounted for "
            f"{prose.percent(aggregate_value)} of all employment in the {aggregate_label}.")
    above = [g for g, v in zip(latest.geo, latest.value) if v > aggregate_value]
    gaps = {g: measures.gap_to(v, aggregate_value) for g, v in zip(latest.geo, latest.value)}
    if len(latest) and not prose.is_missing(aggregate_value):
        top = max(gaps, key=gaps.get)
        index = measures.specialisation_index(float(latest.set_index("geo").loc[top, "value"]), aggregate_value)
        facts["above_sentence"] = (
            f"{len(above)} of the {len(latest)} countries with data were above the {aggregate_label}. "
            f"The largest difference is {culture.label_geo(top)}'s, {prose.points(gaps[top])}: a specialisation "
            f"index (the country's share over the aggregate's) of {prose.number(index, 2)}."
        )
    else:
        facts["above_sentence"] = ""
    facts["n_above"] = str(len(above))
    facts["n_with_data"] = str(len(latest))
    # The vintages as the registry records them, so the text follows a refreshed snapshot.
    facts["share_vintage"] = data.resource("cult_emp_share").vintage or "vintage not recorded"
    segments = sorted(culture.vintage_segments(share).unique())
    if len(segments) > 1:
        facts["junction_before"] = segments[0].split("–")[-1]
        facts["junction_after"] = segments[1].split("–")[0]
    else:
        facts["junction_before"] = facts["junction_after"] = "(a single release)"
    flagged = in_range[in_range["geo"].isin(params.countries) & in_range["flag"].fillna("").str.contains("b")]
    if flagged.empty:
        facts["break_sentence"] = "None of the selected countries has a flagged break in series in these years."
    else:
        parts = [f"{culture.label_geo(g)} in {join_names([str(y) for y in sorted(grp.year)])}"
                 for g, grp in flagged.groupby("geo")]
        facts["break_sentence"] = f"Eurostat flags a break in series (b) for {join_names(parts)}."
    ranked = culture.ranking(share, params, year)
    facts["rank_year"] = str(year)
    facts["n_ranked"] = str(len(ranked))
    picks = ranked[ranked.role == "selected"]
    facts["rank_sentence"] = (
        f"Among them, {join_names([f'{n} ranks {prose.ordinal(r)}' for n, r in zip(picks.name, picks['rank'])])}."
        if len(picks) else "None of the selected countries is in the ranking."
    )
    growth = culture.growth_within_vintages(_in_years(params, levels), params.countries)
    sentences = []
    for segment, group in growth.groupby("segment", sort=True):
        group = group.sort_values("change_percent", ascending=False)
        listed = join_names([f"{n} {prose.signed_percent(c)}" for n, c in zip(group.name, group.change_percent)])
        start, end = segment.split("–")
        sentences.append(f"From {start} to {end} the number of cultural workers changed by {listed}.")
    facts["growth_sentence"] = " ".join(sentences) or (
        f"The {SERIES} has no employment levels for {params.names_of(params.countries)} in "
        f"{prose.span(params.year_start, params.year_end)}, so no growth can be measured.")
    return facts


def share_chart(params: ReportParams, share: pd.DataFrame):
    series = culture.share_series(share, params)
    year = _latest(params, share)
    if year is None or series.empty:
        return _no_years_chart(params, share, "cultural-employment-share", "cult_emp_share")
    aggregate_code, aggregate_value = _aggregate_in(share, params, year)
    latest = series[(series.year == year) & (series.role == "selected")]
    above = int((latest.value > aggregate_value).sum())
    title = (f"{above} of {len(latest)} {group_label(params)} employ a larger share in culture than the "
             f"{culture.label_geo(aggregate_code)} ({year})" if len(latest) else
             f"The {SERIES} has no value for {params.names_of(params.countries)}; the "
             f"{culture.label_geo(aggregate_code)} is shown ({prose.span(series.year.min(), series.year.max())})")
    codes = [c for c in params.countries if c in set(series.geo)]
    aggregates = [c for c in culture.aggregate_codes(params.comparison_aggregate) if c in set(series.geo)]
    domain_names = [culture.label_geo(c) for c in codes + aggregates]
    colours = [PALETTE[i % (len(PALETTE) - 1)] for i in range(len(codes))] + ["#000000"] * len(aggregates)
    base = alt.Chart(series).encode(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=SHARE_AXIS, scale=alt.Scale(zero=False)),
        color=alt.Color("name:N", title="Country or aggregate", scale=alt.Scale(domain=domain_names, range=colours)),
        strokeDash=alt.StrokeDash("role:N", title="Line", scale=alt.Scale(domain=["selected", "aggregate"],
                                                                        range=[[1, 0], [5, 3]])),
        detail="series:N",
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("value:Q", title="% of employment", format=".1f"), alt.Tooltip("flag:N", title="Flag")],
    )
    lines = base.mark_line(point=True)
    breaks = base.transform_filter(alt.datum.flag == "b").mark_point(shape="diamond", size=160, filled=False,
                                                                     strokeWidth=2)
    segments = sorted(series.segment.unique())
    layers = [lines, breaks]
    if len(segments) > 1:
        junction = pd.DataFrame({"year": [int(segments[1].split("–")[0])],
                                 "label": ["new database release →"]})
        rule = alt.Chart(junction).mark_rule(color=CONTEXT_GREY, strokeDash=[2, 2]).encode(x="year:O")
        text = alt.Chart(junction).mark_text(align="left", dx=4, dy=-6, color="#333333", fontSize=11).encode(
            x="year:O", y=alt.value(0), text="label:N")
        layers += [rule, text]
    chart = alt.layer(*layers).properties(
        title=alt.Title(title, subtitle="Lines break where two releases of the Eurostat database meet; "
                                        "diamonds mark flagged breaks in series"),
        width=620, height=340)
    description = (
        f"Line chart of cultural employment as a percentage of total employment, {series.year.min()} to "
        f"{series.year.max()}, for {join_names([culture.label_geo(c) for c in codes + aggregates])}. "
        + key_facts_line(series, year)
    )
    return figure(chart, name="cultural-employment-share", description=description, data=series,
                  sources=["cult_emp_share"], notes=_missing_note(params, series, "cultural-employment data"))


def key_facts_line(series: pd.DataFrame, year: int) -> str:
    latest = series[series.year == year].sort_values("value", ascending=False)
    return f"In {year}: " + "; ".join(f"{n} {v:.1f}%" for n, v in zip(latest.name, latest.value)) + "."


def ranking_chart(params: ReportParams, share: pd.DataFrame):
    year = _latest(params, share)
    if year is None:
        return _no_years_chart(params, share, "cultural-employment-ranking", "cult_emp_share")
    ranked = culture.ranking(share, params, year)
    aggregate_code, aggregate_value = _aggregate_in(share, params, year)
    picks = ranked[ranked.role == "selected"]
    best = picks.iloc[0] if len(picks) else None
    title = (f"{best['name']} ranks {prose.ordinal(best['rank'])} of {len(ranked)} European countries "
             f"for its cultural share of employment ({year})" if best is not None
             else f"Cultural share of employment in {len(ranked)} European countries ({year})")
    bars = alt.Chart(ranked).mark_bar().encode(
        y=alt.Y("name:N", sort="-x", title=None),
        x=alt.X("value:Q", title=SHARE_AXIS),
        color=alt.Color("role:N", title=None, scale=alt.Scale(domain=["selected", "other"],
                                                               range=[PALETTE[0], CONTEXT_GREY]),
                        legend=alt.Legend(orient="top", labelExpr=f"datum.label == 'selected' ? "
                                          f"'{group_label(params)}' : 'other countries'")),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("value:Q", title="% of employment", format=".1f"),
                 alt.Tooltip("rank:Q", title="Rank")],
    )
    layers = [bars]
    if not prose.is_missing(aggregate_value):
        reference = pd.DataFrame({"value": [aggregate_value], "label": [f"{culture.label_geo(aggregate_code)} "
                                                                       f"{aggregate_value:.1f}%"]})
        layers.append(alt.Chart(reference).mark_rule(color="#000000", strokeDash=[5, 3]).encode(x="value:Q"))
        layers.append(alt.Chart(reference).mark_text(align="left", dx=4, y=-8, fontSize=11).encode(
            x="value:Q", text="label:N"))
    chart = alt.layer(*layers).properties(title=title, width=560, height=alt.Step(16))
    description = (f"Bar chart ranking {len(ranked)} European countries by cultural employment as a share of total "
                   f"employment in {year}, the {group_label(params)} highlighted. " +
                   ("; ".join(f"{n} ranks {r} with {v:.1f}%" for n, r, v in zip(picks.name, picks["rank"], picks.value))
                    + "." if len(picks) else f"{params.names_of(params.countries)} {'is' if len(params.countries) == 1 else 'are'} not in the ranking."))
    return figure(chart, name="cultural-employment-ranking", description=description, data=ranked,
                  sources=["cult_emp_share"], notes=_missing_note(params, ranked, f"value in {year}"))


def growth_chart(params: ReportParams, levels: pd.DataFrame):
    codes = [*params.countries, *culture.aggregate_codes(params.comparison_aggregate)]
    growth = culture.growth_within_vintages(_in_years(params, levels), codes)
    if growth.empty:
        return _no_years_chart(params, levels, "cultural-employment-growth", "cult_emp_thousands")
    growth["period"] = growth["start_year"].astype(str) + "–" + growth["end_year"].astype(str)
    selected = growth[growth.geo.isin(params.countries)]
    fastest = selected.sort_values("change_percent", ascending=False).iloc[0] if len(selected) else None
    title = (f"{fastest['name']} added cultural jobs fastest: {prose.signed_percent(fastest['change_percent'])} "
             f"in {fastest['period']}" if fastest is not None else
             f"No employment levels for {params.names_of(params.countries)}: the change of cultural employment "
             f"in the {join_names(sorted(set(growth.name)))}")
    order = [culture.label_geo(c) for c in codes if c in set(growth.geo)]
    chart = alt.Chart(growth).mark_bar().encode(
        y=alt.Y("name:N", sort=order, title=None),
        x=alt.X("change_percent:Q", title="Change in the number of cultural workers (%)"),
        color=alt.Color("period:N", title="Period (one database release each)",
                        scale=alt.Scale(range=[PALETTE[0], PALETTE[1]])),
        yOffset="period:N",
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("period:N", title="Period"),
                 alt.Tooltip("start_thousands:Q", title="Start (thousands)", format=",.1f"),
                 alt.Tooltip("end_thousands:Q", title="End (thousands)", format=",.1f"),
                 alt.Tooltip("change_percent:Q", title="Change (%)", format="+.1f")],
    ).properties(title=title, width=560)
    description = ("Bar chart of the percentage change in the number of cultural workers within each database "
                   "release. " + "; ".join(f"{n} {p}: {c:+.1f}%" for n, p, c in
                                           zip(growth.name, growth.period, growth.change_percent)) + ".")
    return figure(chart, name="cultural-employment-growth", description=description, data=growth,
                  sources=["cult_emp_thousands"], notes=_missing_note(params, growth, "employment levels"))


def profile_year(params: ReportParams, frame: pd.DataFrame) -> int | None:
    return _latest(params, frame[frame.unit == "THS_PER"])


def women_chart(params: ReportParams, by_sex: pd.DataFrame):
    year = profile_year(params, by_sex)
    codes = [*params.countries, *culture.aggregate_codes(params.comparison_aggregate)]
    women = culture.female_share(by_sex, codes, year) if year is not None else pd.DataFrame()
    if women.empty:
        reason = (_outside(params, by_sex[by_sex.unit == "THS_PER"]) if year is None else
                  f"The breakdown by sex has no value for {params.names_of(params.countries)} or the "
                  f"{params.aggregate_name} in {year}.")
        prose.publish("women_sentence", reason)
        prose.publish("profile_year", str(year) if year is not None else "no year of the selected range")
        return message_figure("cultural-employment-women", "No breakdown of cultural employment by sex",
                              f"{reason} Nothing is drawn.", ["cult_emp_by_sex"])
    selected = women[women.geo.isin(params.countries)].sort_values("women_percent", ascending=False)
    reference = women[~women.geo.isin(params.countries)]
    ref_text = (f" against {reference.women_percent.iloc[0]:.0f}% in the {reference.name.iloc[0]}"
                if len(reference) else "")
    share_range = (f"{selected.women_percent.min():.0f}–{selected.women_percent.max():.0f}%"
                   if round(selected.women_percent.min()) != round(selected.women_percent.max()) else
                   f"{selected.women_percent.max():.0f}%") if len(selected) else ""
    where = (f"the {group_label(params)}" if len(selected) > 1 else
             (selected.name.iloc[0] if len(selected) else ""))
    title = (f"Women hold {share_range} of cultural jobs in {where}{ref_text} ({year})" if len(selected) else
             f"No breakdown by sex for {params.names_of(params.countries)}: women hold "
             f"{reference.women_percent.iloc[0]:.0f}% of cultural jobs in the {reference.name.iloc[0]} ({year})")
    women["role"] = women.geo.map(lambda g: "selected" if g in params.countries else "aggregate")
    chart = alt.Chart(women).mark_bar().encode(
        y=alt.Y("name:N", sort="-x", title=None),
        x=alt.X("women_percent:Q", title="Women's share of cultural employment (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("role:N", title=None, scale=alt.Scale(domain=["selected", "aggregate"],
                                                               range=[PALETTE[2], "#000000"]), legend=None),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("women_percent:Q", title="Women (%)", format=".1f"),
                 alt.Tooltip("women_thousands:Q", title="Women (thousands)", format=",.1f"),
                 alt.Tooltip("men_thousands:Q", title="Men (thousands)", format=",.1f")],
    )
    half = alt.Chart(pd.DataFrame({"x": [50]})).mark_rule(color=CONTEXT_GREY, strokeDash=[2, 2]).encode(x="x:Q")
    figure_ = figure(
        alt.layer(chart, half).properties(title=title, width=560),
        name="cultural-employment-women",
        description=f"Bar chart of women's share of cultural employment in {year}: " +
                    "; ".join(f"{n} {v:.1f}%" for n, v in zip(women.name, women.women_percent)) + ".",
        data=women.drop(columns="role"), sources=["cult_emp_by_sex"],
        notes=_missing_note(params, women, f"breakdown by sex in {year}"),
    )
    sentence = (f"In {year}, women held {join_names([f'{v:.1f}% of cultural jobs in {n}' for n, v in zip(selected.name, selected.women_percent)])}"
                f"{ref_text}." if len(selected) else
                f"The breakdown by sex has no value for {params.names_of(params.countries)} in {year}; women held "
                f"{reference.women_percent.iloc[0]:.1f}% of cultural jobs in the {reference.name.iloc[0]}.")
    prose.publish("women_sentence", sentence)
    prose.publish("profile_year", str(year))
    return figure_


def age_chart(params: ReportParams, by_age: pd.DataFrame):
    year = profile_year(params, by_age)
    codes = [*params.countries, *culture.aggregate_codes(params.comparison_aggregate)]
    ages = culture.age_profile(by_age, codes, year) if year is not None else pd.DataFrame()
    if ages.empty:
        reason = (_outside(params, by_age[by_age.unit == "THS_PER"]) if year is None else
                  f"The age breakdown has no value for {params.names_of(params.countries)} or the "
                  f"{params.aggregate_name} in {year}.")
        prose.publish("age_sentence", reason)
        return message_figure("cultural-employment-age", "No age profile of cultural employment",
                              f"{reason} Nothing is drawn.", ["cult_emp_by_age"])
    young = ages[(ages.age_group == "15–29") & ages.geo.isin(params.countries)].sort_values(
        "percent_of_cultural_employment")
    if len(young):
        low, high = young.iloc[0], young.iloc[-1]
        if len(young) > 1:
            title = (f"Under-30s make up {low.percent_of_cultural_employment:.0f}% ({low['name']}) to "
                     f"{high.percent_of_cultural_employment:.0f}% ({high['name']}) of cultural workers ({year})")
            prose.publish("age_sentence", f"In {year}, people aged 15–29 made up between "
                          f"{prose.percent(low.percent_of_cultural_employment)} ({low['name']}) and "
                          f"{prose.percent(high.percent_of_cultural_employment)} ({high['name']}) of the cultural "
                          "workforce.")
        else:
            title = (f"Under-30s make up {high.percent_of_cultural_employment:.0f}% of cultural workers in "
                     f"{high['name']} ({year})")
            prose.publish("age_sentence", f"In {year}, people aged 15–29 made up "
                          f"{prose.percent(high.percent_of_cultural_employment)} of the cultural workforce in "
                          f"{high['name']}.")
    else:
        title = f"Age profile of cultural employment ({year})"
        prose.publish("age_sentence", f"No age breakdown is available for {params.names_of(params.countries)} in "
                                      f"{year}; the chart shows the {join_names(sorted(ages.name.unique()))}.")
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
    ).transform_calculate(age_order=f"indexof({order!r}, datum.age_group)").properties(title=title, width=560)
    description = (f"Stacked bar chart of the age structure of cultural employment in {year} for "
                   f"{join_names(sorted(ages.name.unique()))}; paler segments are flagged as of low reliability.")
    return figure(chart, name="cultural-employment-age", description=description, data=ages,
                  sources=["cult_emp_by_age"], notes=_missing_note(params, ages, f"age breakdown in {year}"))
