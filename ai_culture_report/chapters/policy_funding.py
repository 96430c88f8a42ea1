"""CCI policy chapter: the policy timeline, figures quoted in texts, and Horizon Europe projects
where AI meets culture. Facts for the prose, the charts and the tables."""

from __future__ import annotations

import altair as alt
import pandas as pd
from .. import culture, policy, prose, tables
from ..charts import PALETTE, figure, message_figure
from ..params import ReportParams, join_names

EKIP_PROJECT_ID = 101112111

TEXT_FIGURE_DATASETS = tuple(policy.TEXT_FIGURE_THEMES)

SEGMENT_COLOURS = {
    policy.SEGMENT_HERITAGE: PALETTE[0],
    policy.SEGMENT_OTHER_CL2: PALETTE[4],
    policy.SEGMENT_CO_FUNDED: PALETTE[1],
}
TOPIC_TOTAL_GREY = "#D3D3D3"

KIND_COLOURS = {
    "National AI strategy or plan": PALETTE[0],
    "Nordic or Nordic–Baltic declaration": PALETTE[1],
    "EU call on AI and the creative sectors": PALETTE[2],
    "ekip project": PALETTE[3],
}


def _link(text: str, url: str) -> str:
    return f"[{text}]({url})" if url else text


_NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _count(n: int, capital: bool = False) -> str:
    """Small counts in words (a sentence should not start with a numeral)."""
    text = _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else f"{n:,}"
    return text[:1].upper() + text[1:] if capital else text


# ---------------------------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------------------------

def timeline(params: ReportParams, timeline_frame: pd.DataFrame, context: pd.DataFrame) -> dict:
    """Everything the timeline section needs: events, missing countries, context rows."""
    events, missing = policy.timeline_events(timeline_frame, params)
    extra = policy.context_timeline_rows(context)
    frames = [frame for frame in (events, extra) if len(frame)]
    combined = policy.sort_events(pd.concat(frames, ignore_index=True)) if len(frames) > 1 else (
        frames[0] if frames else events)
    return {"events": events, "missing": missing, "context": extra, "combined": combined}


def timeline_facts(params: ReportParams, parts: dict) -> dict[str, str]:
    events, missing, context = parts["events"], parts["missing"], parts["context"]
    first = policy.first_national_dates(events)
    facts = {}
    if len(first):
        listed = join_names([f"{w} ({d.replace(' (year only)', ', year only')})"
                             for w, d in zip(first["who"], first["date_label"])])
        facts["national_sentence"] = (
            f"The timeline file dates the first national AI strategy or plan of {listed}; "
            f"the first came in {int(first['year'].min())}, the last in {int(first['year'].max())}."
            if len(first) > 1 else f"The timeline file dates the first national AI strategy or plan of {listed}.")
    else:
        facts["national_sentence"] = ("" if set(missing) == set(params.countries) else  # the next sentence says it
                                      f"No dated national AI strategy or plan of {params.names_of(params.countries)} "
                                      "is in the timeline file.")
    facts["missing_sentence"] = (
        f"No policy events for {params.names_of(missing)} are in the timeline file: it was compiled for the Nordic "
        f"countries, so {'its' if len(missing) == 1 else 'their'} strategies are missing from the file, not "
        "necessarily missing in reality."
        if missing else f"Every one of the selected countries has at least one entry.")
    regional = events[events["kind"] == "Nordic or Nordic–Baltic declaration"]
    if len(regional):
        items = [f"“{policy._short_title(t, 80)}” ({d}, {w})"
                 for t, d, w in zip(regional["title"], regional["date_label"], regional["who"])]
        facts["regional_sentence"] = (f"{_count(len(regional), True)} regional declaration{'s' if len(regional) > 1 else ''} "
                                      f"concern{'s' if len(regional) == 1 else ''} the selected countries: "
                                      f"{join_names(items)}.")
    else:
        facts["regional_sentence"] = (f"None of the regional declarations in the file concerns "
                                      f"{params.names_of(params.countries)}.")
    undated = events[events["precision"] == policy.UNDATED]
    if len(undated):
        items = [f"{w}’s “{e}” ({t})" for w, e, t in zip(undated["who"], undated["event"],
                                                                  undated["title"].map(lambda x: policy._short_title(x, 60)))]
        plural = len(undated) > 1
        facts["undated_sentence"] = (f"{_count(len(undated), True)} event{'s have' if plural else ' has'} no verified date "
                                     f"and {'are' if len(undated) > 1 else 'is'} listed at the foot of the chart "
                                     f"without a place on the time axis: {join_names(items)}.")
    elif len(events):
        facts["undated_sentence"] = "Every event of the selected countries in the file has a date."
    else:
        facts["undated_sentence"] = ""
    calls = context[context["who"] == "EU"]
    if len(first) and len(calls):
        first_year, call_year = int(first["year"].min()), int(calls["start"].min().year)
        gap = call_year - first_year
        facts["sequence_sentence"] = (
            f"The first national AI strategy in the file dates from {first_year}; the first EU call aimed at AI in "
            f"the cultural and creative sectors opened in {call_year}"
            + (f", {gap} years later: for most of that time, AI policy and culture policy ran on separate tracks."
               if gap > 1 else "."))
    elif len(calls):
        facts["sequence_sentence"] = (f"The file has no dated national strategy for {params.names_of(params.countries)}; "
                                      f"the first "
                                      f"EU call aimed at AI in the cultural and creative sectors opened in "
                                      f"{int(calls['start'].min().year)}.")
    else:
        facts["sequence_sentence"] = ""
    imprecise = events[events["precision"].isin(["year", "month"])]
    facts["precision_sentence"] = (
        f"{_count(len(imprecise), True)} of the {len(events)} events {'is' if len(imprecise) == 1 else 'are'} known only to the "
        "month or the year; "
        "the chart draws them as a bar across that month or year, not as a point on its first day."
        if len(events) else "")
    return facts


def context_sentences(context: pd.DataFrame) -> dict[str, str]:
    """Markdown sentences (with source links) on the EU calls and ekip, from the verified YAML."""
    calls = context[context["track"].str.contains("call", case=False)].sort_values("start")
    ekip = context[context["id"].str.startswith("ekip")]
    parts = []
    for call in calls.itertuples(index=False):
        start = policy.parse_event_date(call.start_text, call.precision).label
        end = policy.parse_event_date(call.end_text, call.precision).label
        title = call.event.split(": ", 1)[-1].split(" (", 1)[0]
        parts.append(f"{call.identifier}, “{title}”, open from {start} to {end} "
                     f"({_link(call.detail, call.source_url)})")
    calls_md = (f"The report's fact sheet records {_count(len(parts))} Horizon Europe call topic{'s' if len(parts) != 1 else ''} "
                f"on AI and the creative sectors: {join_names(parts)}." if parts else
                "No EU call on AI and the creative sectors is recorded.")
    if len(ekip):
        e = ekip.iloc[0]
        start = policy.parse_event_date(e.start_text, e.precision).label
        end = policy.parse_event_date(e.end_text, e.precision).label
        ekip_md = (f"ekip itself runs from {start} to {end} "
                   f"({_link('Heritage Research Hub project page', e.source_url)}; {e.detail}).")
    else:
        ekip_md = ""
    return {"calls_md": calls_md, "ekip_span_md": ekip_md}


def _timeline_title(params: ReportParams, parts: dict) -> str:
    first = policy.first_national_dates(parts["events"])
    calls = parts["context"][parts["context"]["who"] == "EU"]
    call_year = int(calls["start"].min().year) if len(calls) else None
    call_text = f"; the first EU call on AI for creativity opened in {call_year}" if call_year else ""
    if len(first) == len(params.countries) and len(first):
        return (f"All {len(first)} selected countries had a national AI strategy or plan by "
                f"{int(first['year'].max())}{call_text}")
    if len(first):
        return (f"{len(first)} of {len(params.countries)} selected countries {'has' if len(first) == 1 else 'have'} "
                f"a dated national AI strategy in the file, from {int(first['year'].min())}{call_text}")
    return f"The timeline file has no national AI strategy of {params.names_of(params.countries)}{call_text}"


def timeline_chart(params: ReportParams, parts: dict):
    combined = parts["combined"].copy()
    dated = combined[combined["start"].notna()]
    undated = combined[combined["start"].isna()]
    if dated.empty:
        start, end = pd.Timestamp(year=params.year_start, month=1, day=1), pd.Timestamp(year=params.year_end, month=12, day=31)
    else:
        start = pd.Timestamp(year=int(dated["start"].min().year), month=1, day=1)
        end = pd.Timestamp(year=int(dated["end"].max().year), month=12, day=31)
    order = list(combined["row"])
    chart_data = combined[["row", "kind", "title", "precision", "start", "end", "date_label", "chart_label",
                           "source_url"]].copy()
    chart_data["start"] = chart_data["start"].dt.strftime("%Y-%m-%d")
    chart_data["end"] = chart_data["end"].dt.strftime("%Y-%m-%d")
    kinds = [k for k in KIND_COLOURS if k in set(combined["kind"])]
    colour = alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds, range=[KIND_COLOURS[k] for k in kinds]),
                       legend=alt.Legend(orient="top", columns=2, labelLimit=330))
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=330))
    x_scale = alt.Scale(domain=[start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")])
    tooltip = [alt.Tooltip("title:N", title="Event"), alt.Tooltip("date_label:N", title="Date"),
               alt.Tooltip("source_url:N", title="Source")]
    base = alt.Chart(chart_data).encode(y=y, color=colour, tooltip=tooltip)
    spans = base.transform_filter(alt.FieldOneOfPredicate(field="precision", oneOf=["span", "month", "year"])).mark_bar(
        height=10).encode(
        x=alt.X("start:T", title="Date (dot: a day; bar: a month, a year or a period)", scale=x_scale,
                axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 2})),
        x2="end:T",
        opacity=alt.condition(alt.datum.precision == "year", alt.value(0.45), alt.value(1.0)),
    )
    days = base.transform_filter(alt.datum.precision == "day").mark_point(size=110, filled=True, opacity=1).encode(
        x=alt.X("start:T", scale=x_scale))
    labels = base.transform_filter(alt.datum.precision != policy.UNDATED).mark_text(
        align="left", dx=6, fontSize=11, color="#333333").encode(x="end:T", text="chart_label:N")
    layers = [spans, days, labels]
    if len(undated):
        note = alt.Chart(chart_data[chart_data["precision"] == policy.UNDATED].assign(at=start.strftime("%Y-%m-%d"))).mark_text(
            align="left", fontSize=11, fontStyle="italic", color="#555555").encode(
            y=y, x=alt.X("at:T", scale=x_scale), text="chart_label:N")
        layers.append(note)
    chart = alt.layer(*layers).properties(title=_timeline_title(params, parts), width=250,
                                          height=alt.Step(22))
    items = [f"{r}: {d}" for r, d in zip(combined["row"], combined["date_label"])]
    description = ("Timeline of AI policy events for the selected countries, regional declarations, EU calls on AI "
                   "and the creative sectors, and the ekip project. " + "; ".join(items) + ".")
    notes = ["A date known only to the year is drawn as a pale bar across that year, a date known to the month "
             "as a bar across the month; neither is placed on the first day."]
    if parts["missing"]:
        notes.append(f"No policy events for {params.names_of(parts['missing'])} are in the timeline file.")
    if len(undated):
        notes.append("Undated (date not verified): " + "; ".join(undated["row"]) + ".")
    notes.append("EU calls and the ekip project are verified facts from the snapshot's FACTS.md (sections 2 and 6), "
                 "kept in data/context_events.yml; their pages are linked in the text.")
    return figure(chart, name="policy-timeline", description=description, data=chart_data,
                  sources=["nordic_ai_policy_timeline", "facts"], notes=notes)


# ---------------------------------------------------------------------------------------------
# Figures quoted in texts
# ---------------------------------------------------------------------------------------------

def text_figures(params: ReportParams, frames: dict[str, pd.DataFrame]) -> dict:
    return policy.text_figures(frames, params, culture.aggregate_codes(params.comparison_aggregate))


def text_figure_facts(params: ReportParams, result: dict) -> dict[str, str]:
    table = result["table"]
    selected = table[table["role"] == "selected"]
    facts = {}
    if len(selected):
        counts = selected.groupby("geo").size()
        listed = join_names([f"{len(selected[selected.geo == c])} for {params.names_of([c])}"
                             for c in params.countries if c in counts.index])
        facts["context_sentence"] = (
            f"Within {params.year_start}–{params.year_end}, the snapshot holds {len(selected)} such figures for the "
            f"selected countries ({listed}), quoted for years from {int(selected['year'].min())} to "
            f"{int(selected['year'].max())}. Beside them, the table shows the {len(table) - len(selected)} EU-level "
            f"figures ({params.aggregate_name} or its predecessor) quoted for the same indicator, unit and year.")
    else:
        facts["context_sentence"] = (f"The snapshot holds no figure quoted in texts for the selected countries within "
                                     f"{params.year_start}–{params.year_end}.")
    missing = result["missing"]
    facts["context_missing_sentence"] = (f"There is none for {params.names_of(missing)}." if missing else "")
    if result["outside"]:
        facts["context_outside_sentence"] = (
            f"{_count(result['outside'], True)} older or later figure{'s' if result['outside'] > 1 else ''} "
            f"(for {params.names_of(result['outside_countries'])}) fall outside the report's years and are left out.")
    else:
        facts["context_outside_sentence"] = ""
    return facts


def _value_text(value) -> str:
    if prose.is_missing(value):
        return ""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() and abs(value) >= 1000 else f"{value:g}"


SHORT_AGGREGATE_NAMES = {"EU27_2020": "EU27", "EU28": "EU28", "EA19": "Euro area (19)", "EA20": "Euro area (20)"}


def _as_quoted(flag) -> str:
    """The qualifier recorded with a figure, in words ('rounded_text (EU highest)' -> 'rounded (EU highest)')."""
    return str(flag or "").replace("rounded_text", "rounded").strip()


def text_figures_table(params: ReportParams, result: dict):
    table = result["table"].copy()
    shown = table.assign(
        figure_unit=[f"{f} ({u})" if u else f for f, u in zip(table["figure"], table["unit"])],
        who=[SHORT_AGGREGATE_NAMES.get(g, n) for g, n in zip(table["geo"], table["name"])],
        quoted=table["as_quoted"].map(_as_quoted),
    )
    notes = ["Rounded numbers read from the text of web pages (Eurostat articles and news, national ministries and "
             "agencies, and third parties that relay them). They come from different definitions, years and "
             "vintages: read them as context, never compare them as a series or across rows.",
             "“As quoted” repeats the qualifier recorded with the figure (rounded, approximate, secondary source). "
             "EU27 is the EU of 27 countries (2020 composition), EU28 the EU of 2013–2020."]
    if result["missing"]:
        notes.append(f"No figure for {params.names_of(result['missing'])} in {params.year_start}–{params.year_end}.")
    columns = [
        tables.Column("figure_unit", "Figure (unit)", min_width="15em"), tables.Column("who", "Where"),
        tables.Column("year", "Year", format=lambda v: str(int(v)), numeric=True),
        tables.Column("value", "Value", format=_value_text, numeric=True),
        tables.Column("quoted", "As quoted"),
        tables.Column("source_url", "Source", format=lambda u: _host(u), link="source_url"),
    ]
    title = (f"Context only: culture figures quoted in texts for {params.region_name} (rounded, not comparable)"
             if (table["role"] == "selected").any() else
             f"No culture figure quoted in texts for {params.names_of(params.countries)} in "
             f"{prose.span(params.year_start, params.year_end)}"
             + (f"; the EU-level figures are shown for context" if len(table) else ""))
    return tables.table(shown, name="cci-figures-quoted-in-texts", title=title,
                        columns=columns, sources=list(TEXT_FIGURE_DATASETS), notes=notes, data=table,
                        group_by="theme", compact=True)


def _host(url) -> str:
    text = str(url or "")
    if "://" not in text:
        return "page not recorded"
    host = text.split("://", 1)[1].split("/", 1)[0]
    return host.removeprefix("www.")


# ---------------------------------------------------------------------------------------------
# Horizon Europe: where AI meets culture
# ---------------------------------------------------------------------------------------------

def funding_facts(params: ReportParams, projects: pd.DataFrame, ekip: dict | None,
                  consortium: dict[str, list[str]], context: pd.DataFrame) -> dict[str, str]:
    c = policy.funding_counts(projects)
    years = projects["call_year"].dropna()
    facts = {
        "he_n_all": prose.number(c["n_all"], 0),
        "he_first_year": str(int(years.min())) if len(years) else "not available",
        "he_last_year": str(int(years.max())) if len(years) else "not available",
        "he_n_culture": prose.number(c["n_culture"], 0),
        "he_n_co_funded": prose.number(c["n_co_funded"], 0),
        "he_n_heritage": prose.number(c["n_heritage"], 0),
        "he_n_ai": prose.number(c["n_ai"], 0),
        "he_share_ai_all": prose.percent(c["share_ai_all"]),
        "he_n_both": prose.number(c["n_both"], 0),
        "he_share_ai_culture": prose.percent(c["share_ai_culture"]),
        "he_share_ai_outside": prose.percent(c["share_ai_outside"]),
        "he_n_heritage_ai": prose.number(c["n_heritage_ai"], 0),
        "he_n_both_co_funded": prose.number(c["n_both_co_funded"], 0),
        "he_no_year_sentence": _no_year_sentence(c["n_no_call_year"]),
    }
    relation = ("a smaller share than" if c["share_ai_culture"] < c["share_ai_outside"] else
                "a larger share than" if c["share_ai_culture"] > c["share_ai_outside"] else "the same share as")
    facts["he_compare_sentence"] = (
        f"Of the culture-cluster projects, {prose.percent(c['share_ai_culture'])} are classified as AI, {relation} "
        f"the {prose.percent(c['share_ai_outside'])} of the other Horizon Europe projects. "
        f"{_count(c['n_both_co_funded'], True)} of the {c['n_both']} overlap projects come from missions that the cluster co-funds "
        f"rather than from its own topics, and {c['n_heritage_ai']} belong to cultural heritage.")
    arts_ai = projects[projects["arts"] & projects["ai"]]
    outside = int((~arts_ai["culture"]).sum())
    facts["arts_sentence"] = (
        f"Across the whole programme, {_count(len(arts_ai))} project{'s have' if len(arts_ai) != 1 else ' has'} both an arts "
        f"field and an AI field in EuroSciVoc; {outside} of them {'are' if outside != 1 else 'is'} outside Cluster 2."
        if len(arts_ai) else "No project in the programme has both an arts field and an AI field in EuroSciVoc.")
    in_years = projects[projects["call_year"].between(params.year_start, params.year_end)]
    overlap = policy.overlap_topics(in_years)
    single = int((overlap["overlap_projects"] == 1).sum())
    facts["overlap_spread_sentence"] = (
        f"The overlap is spread thinly: {single} of the {len(overlap)} topics that funded a culture-and-AI project "
        "funded only one." if len(overlap) else "No topic in the selected years funded a culture-and-AI project.")
    titled = policy.ai_titled_topics(in_years)
    if len(titled):
        items = [f"“{t}” ({y}: {a} of {n} project{'s' if n != 1 else ''} labelled AI)"
                 for t, y, a, n in zip(titled["topic_title"], titled["call_year"], titled["ai_projects"], titled["projects"])]
        heritage_titled = int((titled["segment"] == policy.SEGMENT_HERITAGE).sum())
        facts["ai_titles_sentence"] = (
            f"{_count(len(titled), True)} Cluster 2 topic{'s name' if len(titled) != 1 else ' names'} AI in "
            f"{'their' if len(titled) != 1 else 'its'} "
            f"title: {join_names(items)}"
            + ("; none of them belongs to cultural heritage." if not heritage_titled else ".")
            + (" Labels and topics disagree: a project funded to study AI need not carry an AI field."
               if (titled["ai_projects"] < titled["projects"]).any() else ""))
    else:
        facts["ai_titles_sentence"] = "No Cluster 2 topic of the selected years names AI in its title."
    last_year = int(in_years["call_year"].max()) if len(in_years) else None
    facts["he_last_call_year"] = str(last_year) if last_year else "not available"
    calls = context[context["track"].str.contains("call", case=False)]
    later = sorted({int(d.year) for d in calls["start"] if last_year is None or d.year > last_year})
    facts["later_calls_sentence"] = (
        f"The latest call year in the file is {last_year}, so projects of the {join_names([str(y) for y in later])} "
        f"call{'s' if len(later) > 1 else ''} on AI and the creative sectors shown on the timeline are not in it."
        if later and last_year else "")
    if ekip is None:
        facts["ekip_sentence"] = f"Project {EKIP_PROJECT_ID} (ekip) is not in the classification file."
    else:
        bases = join_names([f"{code} “{title}”" for code, title in ekip["legal_basis"]])
        fields = join_names([f"“{f}”" for f in ekip["euroscivoc"]]) or "none"
        ai_text = "is classified as AI" if ekip["ai"] else "is not classified as AI"
        facts["ekip_sentence"] = (
            f"ekip (project {ekip['project_id']}) was funded under topic {ekip['topic']}, “{ekip['topic_title']}”, "
            f"from the {ekip['call_year']} calls, with the legal basis {bases}. It is one of "
            f"{ekip['projects_in_segment_year']} projects of the {ekip['segment'].lower()} from that year's calls and "
            f"the only project of its topic in the file" if ekip["projects_in_topic"] == 1 else
            f"ekip (project {ekip['project_id']}) was funded under topic {ekip['topic']}, “{ekip['topic_title']}”, "
            f"from the {ekip['call_year']} calls, with the legal basis {bases}; its topic funded "
            f"{ekip['projects_in_topic']} projects in the file")
        facts["ekip_sentence"] += f". By the report's rule it {ai_text}."
        natural = [f for f in ekip["euroscivoc"] if f.startswith("/natural sciences")]
        ecology = any("ecosystem" in f for f in natural) and "ecosystem" in ekip["topic_title"].lower()
        facts["ekip_fields_sentence"] = (
            f"Its EuroSciVoc field{'s are' if len(ekip['euroscivoc']) > 1 else ' is'} {fields}"
            + (": a natural-science field for a cultural-policy platform, which suggests that the labelling read the "
               "“innovation ecosystem” of its topic as an ecological term." if ecology else
               ": a natural-science field for a project funded under Cluster 2." if natural else ".")
        )
    listed = [f"{params.names_of([code])} ({join_names(names)})" for code, names in consortium.items() if names]
    absent = [code for code, names in consortium.items() if not names]
    sentence = (f"Of the selected countries, {join_names(listed)} {'has' if len(listed) == 1 else 'have'} a partner in "
                "the ekip consortium as one web page lists it with countries" if listed else
                "None of the selected countries has a partner in the ekip consortium as one web page lists it with countries")
    if absent and listed:
        sentence += f"; none is listed for {params.names_of(absent)}"
    facts["consortium_sentence"] = sentence + " (that list is cut short on the page, so it may be incomplete)."
    return facts


def _no_year_sentence(n: int) -> str:
    if not n:
        return ""
    if n == 1:
        return "One project has a topic code without a call year and is counted only in the totals."
    return f"{n} projects have a topic code without a call year and are counted only in the totals."


def call_year_chart(params: ReportParams, projects: pd.DataFrame):
    by_year = policy.culture_by_call_year(projects, params.year_start, params.year_end)
    shares = policy.ai_share_by_call_year(projects, params.year_start, params.year_end)
    counts = policy.funding_counts(projects[projects["call_year"].between(params.year_start, params.year_end)])
    if by_year.empty:
        return message_figure(
            "he-culture-ai-by-call-year",
            f"No Horizon Europe culture projects from calls in {prose.span(params.year_start, params.year_end)}",
            prose.outside_years("Horizon Europe classification file", projects["call_year"].dropna(),
                                params.year_start, params.year_end) + " Nothing is drawn.",
            ["cordis_he_project_classification"])
    only = "Only " if counts["share_ai_culture"] < counts["share_ai_outside"] else ""
    title = (f"{only}{counts['n_both']} of {counts['n_culture']} culture-cluster projects "
             f"({prose.percent(counts['share_ai_culture'])}) are classified as AI, against "
             f"{prose.percent(counts['share_ai_outside'])} of other Horizon Europe projects")
    segments = [s for s in policy.SEGMENTS if s in set(by_year["segment"])]
    seg_colours = [SEGMENT_COLOURS[s] for s in segments]
    bars = alt.Chart(by_year).mark_bar().encode(
        x=alt.X("call_year:O", title="Year of the call", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("projects:Q", title="Projects (number)", stack=True),
        color=alt.Color("segment:N", title="Cluster 2 part", sort=segments,
                        scale=alt.Scale(domain=segments, range=seg_colours),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=480)),
        order=alt.Order("segment_order:Q"),
        tooltip=[alt.Tooltip("call_year:O", title="Call year"), alt.Tooltip("segment:N", title="Part"),
                 alt.Tooltip("projects:Q", title="Projects"), alt.Tooltip("ai_projects:Q", title="Classified as AI")],
    ).transform_calculate(segment_order=f"indexof({segments!r}, datum.segment)")
    totals = by_year.groupby("call_year", as_index=False).agg(projects=("projects", "sum"), ai_projects=("ai_projects", "sum"))
    totals["label"] = totals["ai_projects"].map(lambda n: f"{n} AI")
    ai_marks = alt.Chart(totals).mark_text(dy=-8, fontSize=12, fontWeight="bold", color="#000000").encode(
        x="call_year:O", y="projects:Q", text="label:N")
    chart = alt.layer(bars, ai_marks).properties(title=alt.Title(
        title, subtitle="Culture-cluster projects (legal basis HORIZON.2.2) by year of the call; the label above each "
                        "bar counts those classified as AI"), width=520, height=300)
    share_text = "; ".join(f"{r.call_year} {r.group}: {r.ai_projects} of {r.projects} ({r.ai_percent:.1f}%)"
                           for r in shares.itertuples())
    description = (f"Stacked bar chart of Horizon Europe projects with the Cluster 2 legal basis by year of the call and "
                   f"part of the cluster, with the number classified as AI above each bar. {title}. "
                   f"AI-classified shares by call year: {share_text}.")
    data_out = by_year.merge(shares[shares["group"] == "Cluster 2 (culture)"][["call_year", "ai_percent"]]
                             .rename(columns={"ai_percent": "cluster_ai_percent_of_year"}), on="call_year", how="left")
    data_out = data_out.merge(shares[shares["group"] == "rest of Horizon Europe"][["call_year", "ai_percent"]]
                              .rename(columns={"ai_percent": "rest_ai_percent_of_year"}), on="call_year", how="left")
    notes = ["A project counts in the culture cluster when its legal basis includes HORIZON.2.2 (Culture, creativity "
             "and inclusive society); missions co-funded by the cluster count too, and are shown apart.",
             "A project counts as AI when one of its EuroSciVoc fields lies under “artificial intelligence” or its "
             "programme part is HORIZON.2.4.5 (Artificial Intelligence and Robotics).",
             "The CORDIS extract dates from early 2025: calls of the last year shown are incomplete."]
    return figure(chart, name="he-culture-ai-by-call-year", description=description, data=data_out,
                  sources=["cordis_he_project_classification", "cordis_he_legal_basis_codes"], notes=notes)


def overlap_chart(params: ReportParams, projects: pd.DataFrame, ekip: dict | None):
    frame = projects[projects["call_year"].between(params.year_start, params.year_end)]
    extra = [ekip["topic"]] if ekip else []
    topics = policy.overlap_topics(frame, extra_topics=extra)
    if topics.empty:
        reason = (prose.outside_years("Horizon Europe classification file", projects["call_year"].dropna(),
                                      params.year_start, params.year_end) if frame.empty else
                  "No project in the classification file is in both the culture cluster and AI in these years.")
        return message_figure(
            "he-culture-ai-topics",
            f"No Horizon Europe project is both culture and AI in {prose.span(params.year_start, params.year_end)}",
            f"{reason} Nothing is drawn.", ["cordis_he_project_classification"])
    order_of = {seg: i for i, seg in enumerate(policy.SEGMENTS)}
    topics = topics.assign(_seg=topics["segment"].map(lambda x: order_of.get(x, len(order_of))),
                           _ekip=[bool(ekip) and t == ekip["topic"] for t in topics["topic"]])
    topics = topics.sort_values(["_ekip", "_seg", "overlap_projects", "call_year", "topic"],
                                ascending=[True, True, False, True, True], kind="mergesort").drop(columns=["_seg", "_ekip"])
    topics["label"] = [f"{_shorten(t, 50)} ({y})" for t, y in zip(topics["topic_title"], topics["call_year"])]
    topics["marker"] = ["◀ ekip's topic" if ekip and t == ekip["topic"] else "" for t in topics["topic"]]
    order = list(topics["label"])
    n_overlap = int(topics["overlap_projects"].sum())
    n_topics = int((topics["overlap_projects"] > 0).sum())
    heritage = int(topics.loc[topics["segment"] == policy.SEGMENT_HERITAGE, "overlap_projects"].sum())
    title = (f"{n_overlap} culture-and-AI projects spread over {n_topics} topics; {heritage} of them in "
             f"cultural heritage topics")
    segments = [x for x in policy.SEGMENTS if x in set(topics["segment"])]
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=420))
    tooltip = [alt.Tooltip("topic:N", title="Topic"), alt.Tooltip("topic_title:N", title="Title"),
               alt.Tooltip("segment:N", title="Part"), alt.Tooltip("projects:Q", title="Projects in the topic"),
               alt.Tooltip("overlap_projects:Q", title="Culture and AI")]
    totals = alt.Chart(topics).mark_bar(height=12, color=TOPIC_TOTAL_GREY).encode(
        y=y, x=alt.X("projects:Q", title="Projects (number)", axis=alt.Axis(tickMinStep=1)), tooltip=tooltip)
    overlap = alt.Chart(topics).mark_bar(height=12).encode(
        y=y, x="overlap_projects:Q",
        color=alt.Color("segment:N", title="Part of Cluster 2", sort=segments,
                        scale=alt.Scale(domain=segments, range=[SEGMENT_COLOURS[x] for x in segments]),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=480)),
        tooltip=tooltip)
    marker = alt.Chart(topics).mark_text(align="left", dx=4, fontSize=12, fontWeight="bold", color=PALETTE[3]).encode(
        y=y, x="projects:Q", text="marker:N")
    chart = alt.layer(totals, overlap, marker).properties(
        title=alt.Title(title, subtitle="Grey: all projects of the topic; colour: those in the culture cluster and "
                                        "classified as AI"), width=240, height=alt.Step(20))
    description = (f"Bar chart of the Horizon Europe topics with at least one project that is both in the culture cluster "
                   f"and classified as AI, and ekip's topic. " + "; ".join(
                       f"{t} ({y}): {o} of {p} projects" for t, y, o, p in
                       zip(topics["topic"], topics["call_year"], topics["overlap_projects"], topics["projects"])) + ".")
    notes = ["Topic titles are shortened; the full titles and codes are in the data download."]
    if ekip:
        notes.append(f"ekip's topic {ekip['topic']} is shown for reference although none of its projects is "
                     "classified as AI." if not ekip["ai"] else f"ekip's topic is {ekip['topic']}.")
    data_out = topics[["topic", "topic_title", "call_year", "segment", "projects", "overlap_projects"]]
    return figure(chart, name="he-culture-ai-topics", description=description, data=data_out,
                  sources=["cordis_he_project_classification", "cordis_he_euroscivoc_long"], notes=notes)


def _shorten(text: str, limit: int) -> str:
    text = str(text).replace("’", "'")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
