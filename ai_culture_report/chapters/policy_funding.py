"""CCI policy chapter: the policy timeline, figures quoted in texts, Horizon Europe projects where AI
meets culture, and what follows for policy, all as of the report's date (``params.as_of``).

``load(params)`` reads the inputs, ``findings(inputs)`` computes every number, name and status once,
and the chart and table functions take the findings, so the text and the charts read the same values.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import altair as alt
import pandas as pd

from .. import culture, data, policy, prose, tables
from ..charts import AGGREGATE_COLOUR, CONTEXT_GREY, PALETTE, SELECTED_COLOUR, colour_name, figure, message_figure
from ..params import AGGREGATE_SHORT_NAMES, ReportParams, join_names, short_name

EKIP_PROJECT_ID = 101112111
EDIH_AI_CALL = "DIGITAL-2025-EDIH-AC-08-CONSOLIDATION-STEP"  # FACTS.md §5; the facts give it no dates

TEXT_FIGURE_DATASETS = tuple(policy.TEXT_FIGURE_THEMES)

# Colour grammar: categories that are neither above/below a reference nor missing take the
# palette's other colours (blue and orange keep their meaning of above and below).
SEGMENT_COLOURS = {
    policy.SEGMENT_HERITAGE: PALETTE[2],
    policy.SEGMENT_OTHER_CL2: PALETTE[3],
    policy.SEGMENT_CO_FUNDED: PALETTE[4],
}
TOPIC_TOTAL_GREY = CONTEXT_GREY

KIND_COLOURS = {
    "National AI strategy or plan": SELECTED_COLOUR,
    "Nordic or Nordic–Baltic declaration": PALETTE[5],
    "EU call on AI and the creative sectors": AGGREGATE_COLOUR,
    "ekip project": PALETTE[2],
}


# ---------------------------------------------------------------------------------------------
# Inputs and findings
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Inputs:
    params: ReportParams
    timeline: pd.DataFrame
    context: pd.DataFrame
    text_frames: dict
    classification: pd.DataFrame
    euroscivoc: pd.DataFrame
    legal_basis: pd.DataFrame
    consortium: pd.DataFrame


def load(params: ReportParams) -> Inputs:
    """The chapter's inputs; the context events are refused unless FACTS.md states them."""
    facts_text = data.default_snapshot().verified_path("facts").read_text(encoding="utf-8")
    return Inputs(params=params, timeline=data.load("nordic_ai_policy_timeline"),
                  context=policy.load_context_events(facts_text),
                  text_frames={name: data.load(name) for name in TEXT_FIGURE_DATASETS},
                  classification=data.load("cordis_he_project_classification"),
                  euroscivoc=data.load("cordis_he_euroscivoc_long"),
                  legal_basis=data.load("cordis_he_legal_basis_codes"),
                  consortium=data.load("ekip_consortium_as_listed"))


@dataclass(frozen=True)
class Findings:
    params: ReportParams
    as_of: str  # "1 December 2026"
    events: pd.DataFrame  # national and regional events of the selected countries
    missing: tuple[str, ...]  # selected countries with no national event in the file
    context: pd.DataFrame  # EU calls and ekip, with their status on as_of
    combined: pd.DataFrame  # both, as timeline rows
    first: pd.DataFrame  # the first dated national event per country
    figures: dict  # figures quoted in texts
    projects: pd.DataFrame  # Horizon Europe projects with the culture / AI classification
    in_years: pd.DataFrame  # the projects of calls within the report's years
    counts: dict  # policy.funding_counts of all projects
    overlap: pd.DataFrame  # topics with a culture-and-AI project
    ekip: dict | None
    consortium: dict
    values: dict  # short glued values for the text
    markdown: dict  # short glued values with source links


def findings(inputs: Inputs) -> Findings:
    params = inputs.params
    events, missing = policy.timeline_events(inputs.timeline, params)
    context = policy.context_statuses(inputs.context, params.as_of_date)
    rows = policy.context_timeline_rows(context)
    rows["status"] = list(context["status"])
    frames = [frame for frame in (events, rows) if len(frame)]
    combined = policy.sort_events(pd.concat(frames, ignore_index=True)) if frames else events
    projects = policy.classify_projects(inputs.classification)
    in_years = projects[projects["call_year"].between(params.year_start, params.year_end)]
    ekip = policy.locate_project(projects, inputs.euroscivoc, inputs.legal_basis, EKIP_PROJECT_ID)
    found = dict(params=params, as_of=policy.day_label(params.as_of_date), events=events, missing=tuple(missing),
                 context=context, combined=combined, first=policy.first_national_dates(events),
                 figures=policy.text_figures(inputs.text_frames, params,
                                             culture.aggregate_codes(params.comparison_aggregate)),
                 projects=projects, in_years=in_years, counts=policy.funding_counts(projects),
                 overlap=policy.overlap_topics(in_years), ekip=ekip,
                 consortium=policy.consortium_countries(inputs.consortium, params))
    values = {**_timeline_values(found), **_call_values(found), **_funding_values(found), **_ekip_values(found)}
    return Findings(**found, values=values, markdown=_linked_values(context))


def calls_state(calls: pd.DataFrame, link: bool = False) -> str:
    """Where the calls stand: 'both closed, on 16 September 2025 and 23 September 2026', or
    'one open until 23 September 2026, one closed on 16 September 2025' (dates linked to their pages)."""
    words = {"upcoming": "opening on", "open": "open until", "closed": "closed on"}
    parts = []
    for state in ("open", "upcoming", "closed"):
        rows = calls[calls["state"] == state]
        if rows.empty:
            continue
        dates = join_names([f"[{policy.day_label(r.end if state != 'upcoming' else r.start)}]({r.source_url})"
                            if link else policy.day_label(r.end if state != "upcoming" else r.start)
                            for r in rows.itertuples()])
        count = ("both" if len(rows) == 2 else f"all {len(rows)}" if len(rows) > 2 else "it") \
            if len(rows) == len(calls) else prose.count_words(len(rows))
        parts.append(f"{count} {words[state]} {dates}" if count != "it" else f"{words[state]} {dates}")
    return ", ".join(parts) or "none recorded"


def _linked_values(context: pd.DataFrame) -> dict[str, str]:
    """The calls' and ekip's status, each date linked to the page FACTS.md read it on."""
    calls = context[[policy.is_call(e) for e in context.itertuples()]].sort_values("end")
    ekip = context[context["id"].str.startswith("ekip")]
    return {
        "calls_state_md": calls_state(calls, link=True),
        "ekip_status_md": (f"[{ekip['status'].iloc[0]}]({ekip['source_url'].iloc[0]})" if len(ekip) else
                           "has no recorded dates"),
    }


def findings_table(f: Findings):
    """The findings a reader may want at a glance, as a small table in the notebook."""
    rows = [("Report's date (parameter as_of)", f.as_of),
            ("First national AI strategy or plan", f.values["national_span"]),
            ("Horizon Europe projects classified as both culture and AI", f.values["he_n_both"]),
            ("Culture-cluster projects classified as AI", f.values["he_share_ai_culture"]),
            ("Other Horizon Europe projects classified as AI", f.values["he_share_ai_outside"])]
    rows += [(f"Call {c.identifier}", c.status) for c in f.context.itertuples() if policy.is_call(c)]
    rows += [("ekip (Horizon Europe project)", f.values["ekip_status"])]
    return tables.table(pd.DataFrame(rows, columns=["finding", "value"]), name="policy-findings",
                        title=f"The chapter's findings at a glance, as of {f.as_of}",
                        columns=[tables.Column("finding", "Finding"), tables.Column("value", "Value")],
                        sources=["nordic_ai_policy_timeline", "facts", "cordis_he_project_classification"],
                        compact=True)


# ---------------------------------------------------------------------------------------------
# Values for the text (short: numbers, names, dates, short phrases)
# ---------------------------------------------------------------------------------------------

def _timeline_values(f: dict) -> dict[str, str]:
    params, first, events = f["params"], f["first"], f["events"]
    regional = events[events["kind"] == "Nordic or Nordic–Baltic declaration"]
    undated = events[events["precision"] == policy.UNDATED]
    imprecise = events[events["precision"].isin(["year", "month"])]
    years = first["year"] if len(first) else pd.Series(dtype=int)
    return {
        "region_name": params.region_name,
        "as_of": f["as_of"],
        "national_n": prose.count_phrase(len(first), len(params.countries)),
        "national_span": prose.span(years.min(), years.max()) if len(years) else "no dated entry",
        "national_missing": prose.absent([params.country_names[c] for c in f["missing"]],
                                               "the timeline file"),
        "regional_n": prose.count_words(len(regional)).replace("zero", "none"),
        "precision_note": (f"Dated only to month or year: {prose.count_words(len(imprecise))} of {len(events)} events; "
                           f"undated: {prose.count_words(len(undated)).replace('zero', 'none')}." if len(events) else ""),
    }


def _call_values(f: dict) -> dict[str, str]:
    calls = f["context"][[policy.is_call(e) for e in f["context"].itertuples()]].sort_values("end")
    open_calls = calls[calls["state"].isin(["open", "upcoming"])]
    first_call = int(calls["start"].min().year) if len(calls) else None
    return {
        "first_call_year": str(first_call) if first_call else "not recorded",
        "n_calls": prose.count_words(len(calls)),
        "calls_state": calls_state(calls),
        "call_timing": (f"apply before {policy.day_label(open_calls['end'].min())}" if len(open_calls) else
                        "the next Cluster 2 call in the work programme"),
        "edih_call": EDIH_AI_CALL,
    }


def _funding_values(f: dict) -> dict[str, str]:
    c, projects, overlap = f["counts"], f["projects"], f["overlap"]
    years = projects["call_year"].dropna()
    arts_ai = projects[projects["arts"] & projects["ai"]]
    titled = policy.ai_titled_topics(f["in_years"])
    last_year = int(f["in_years"]["call_year"].max()) if len(f["in_years"]) else None
    relation = ("a smaller share than" if c["share_ai_culture"] < c["share_ai_outside"] else
                "a larger share than" if c["share_ai_culture"] > c["share_ai_outside"] else "the same share as")
    return {
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
        "he_relation": relation,
        "he_n_heritage_ai": prose.number(c["n_heritage_ai"], 0),
        "he_n_both_co_funded": prose.number(c["n_both_co_funded"], 0),
        "he_n_no_year": prose.number(c["n_no_call_year"], 0),
        "arts_ai_n": prose.number(len(arts_ai), 0),
        "arts_ai_outside_n": prose.number(int((~arts_ai["culture"]).sum()), 0),
        "overlap_topics_n": prose.number(len(overlap), 0),
        "overlap_single_n": prose.number(int((overlap["overlap_projects"] == 1).sum()), 0),
        "ai_titled_n": prose.count_words(len(titled)),
        "ai_titled_labelled": prose.number(int(titled["ai_projects"].sum()), 0),
        "ai_titled_projects": prose.number(int(titled["projects"].sum()), 0),
        "he_last_call_year": str(last_year) if last_year else "not available",
    }


def _ekip_values(f: dict) -> dict[str, str]:
    ekip, context, consortium, params = f["ekip"], f["context"], f["consortium"], f["params"]
    row = context[context["id"].str.startswith("ekip")]
    listed = [params.names_of([code]) for code, names in consortium.items() if names]
    values = {
        "ekip_status": row["status"].iloc[0] if len(row) else "not recorded",
        "ekip_tense": ("ran" if len(row) and row["state"].iloc[0] == "ended" else "runs"),
        "consortium_countries": join_names(listed) or "none",
    }
    if ekip is None:
        return {**values, "ekip_topic": "not in the file", "ekip_topic_projects": "0", "ekip_ai": "not classified",
                "ekip_fields": "none"}
    return {**values,
            "ekip_topic": ekip["topic"],
            "ekip_call_year": str(ekip["call_year"]),
            "ekip_topic_projects": prose.number(ekip["projects_in_topic"], 0),
            "ekip_ai": "is classified as AI" if ekip["ai"] else "is not classified as AI",
            "ekip_fields": join_names([f"“{x.strip('/').replace('/', ' › ')}”" for x in ekip["euroscivoc"]]) or "none"}


def _timeline_title(f: Findings) -> str:
    first, n = f.first, len(f.params.countries)
    v = f.values
    call_text = f"; the first EU call on AI for creativity opened in {v['first_call_year']}" \
        if v["first_call_year"] != "not recorded" else ""
    if len(first) == n and len(first):
        return f"All {n} selected countries had a national AI strategy or plan by {int(first['year'].max())}{call_text}"
    if len(first):
        return (f"{len(first)} of {n} selected countries {'has' if len(first) == 1 else 'have'} a dated national AI "
                f"strategy in the file, from {int(first['year'].min())}{call_text}")
    return f"The timeline file has no national AI strategy of {f.params.names_of(f.params.countries)}{call_text}"


def _timeline_data(f: Findings) -> tuple[pd.DataFrame, pd.Timestamp, pd.Timestamp]:
    combined = f.combined
    dated = combined[combined["start"].notna()]
    if dated.empty:
        start = pd.Timestamp(year=f.params.year_start, month=1, day=1)
        end = pd.Timestamp(year=f.params.year_end, month=12, day=31)
    else:
        start = pd.Timestamp(year=int(dated["start"].min().year), month=1, day=1)
        end = pd.Timestamp(year=int(dated["end"].max().year), month=12, day=31)
    chart_data = combined[["row", "kind", "title", "precision", "start", "end", "date_label", "chart_label",
                           "source_url"]].copy()
    status = combined["status"] if "status" in combined else pd.Series("", index=combined.index)
    chart_data["chart_label"] = [f"{label} ({s.split(' on ')[0].split(' until ')[0]})" if isinstance(s, str) and s
                                 else label for label, s in zip(chart_data["chart_label"], status)]
    chart_data["start"] = chart_data["start"].dt.strftime("%Y-%m-%d")
    chart_data["end"] = chart_data["end"].dt.strftime("%Y-%m-%d")
    return chart_data, start, end


def timeline_chart(f: Findings):
    chart_data, start, end = _timeline_data(f)
    combined = f.combined
    undated = combined[combined["start"].isna()]
    kinds = [k for k in KIND_COLOURS if k in set(combined["kind"])]
    colour = alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds, range=[KIND_COLOURS[k] for k in kinds]),
                       legend=alt.Legend(orient="top", columns=2, labelLimit=330))
    y = alt.Y("row:N", sort=list(combined["row"]), title=None, axis=alt.Axis(labelLimit=330))
    x_scale = alt.Scale(domain=[start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")])
    tooltip = [alt.Tooltip("title:N", title="Event"), alt.Tooltip("date_label:N", title="Date"),
               alt.Tooltip("source_url:N", title="Source")]
    base = alt.Chart(chart_data).encode(y=y, color=colour, tooltip=tooltip)
    spans = base.transform_filter(alt.FieldOneOfPredicate(field="precision", oneOf=["span", "month", "year"])).mark_bar(
        height=10).encode(
        x=alt.X("start:T", title="Date (dot: a day; bar: a month, a year or a period)", scale=x_scale,
                axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 2})),
        x2="end:T", opacity=alt.condition(alt.datum.precision == "year", alt.value(0.45), alt.value(1.0)))
    days = base.transform_filter(alt.datum.precision == "day").mark_point(size=110, filled=True, opacity=1).encode(
        x=alt.X("start:T", scale=x_scale))
    labels = base.transform_filter(alt.datum.precision != policy.UNDATED).mark_text(
        align="left", dx=6, fontSize=11, color="#333333").encode(x="end:T", text="chart_label:N")
    layers = [spans, days, labels]
    if len(undated):
        note = alt.Chart(chart_data[chart_data["precision"] == policy.UNDATED].assign(at=start.strftime("%Y-%m-%d"))
                         ).mark_text(align="left", fontSize=11, fontStyle="italic", color="#555555").encode(
            y=y, x=alt.X("at:T", scale=x_scale), text="chart_label:N")
        layers.append(note)
    subtitle = "; ".join(f"{colour_name(KIND_COLOURS[k])}: {k}" for k in kinds) \
        + f"; status as of {f.as_of}"
    chart = alt.layer(*layers).properties(title=alt.Title(_timeline_title(f), subtitle=subtitle), width=250,
                                          height=alt.Step(22))
    description = ("Timeline of AI policy events for the selected countries, regional declarations, EU calls on AI "
                   "and the creative sectors, and the ekip project. "
                   + "; ".join(f"{r}: {d}" for r, d in zip(chart_data["row"], chart_data["chart_label"])) + ".")
    notes = ["A date known only to the year is drawn as a pale bar across that year, a date known to the month "
             "as a bar across the month; neither is placed on the first day.",
             f"Calls and ekip carry their status on the report's date ({f.as_of}, parameter as_of)."]
    if len(undated):
        notes.append("Undated (date not verified): " + "; ".join(undated["row"]) + ".")
    notes.append("EU calls and the ekip project are verified facts from the snapshot's FACTS.md (sections 2 and 6), "
                 "kept in data/context_events.yml.")
    return figure(chart, name="policy-timeline", description=description, data=chart_data,
                  sources=["nordic_ai_policy_timeline", "facts"], notes=notes)


# ---------------------------------------------------------------------------------------------
# Figures quoted in texts
# ---------------------------------------------------------------------------------------------

def _value_text(value) -> str:
    if prose.is_missing(value):
        return ""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() and abs(value) >= 1000 else f"{value:g}"


def _as_quoted(flag) -> str:
    """The qualifier recorded with a figure, in words ('rounded_text (EU highest)' -> 'rounded (EU highest)')."""
    return str(flag or "").replace("rounded_text", "rounded").strip()


def text_figures_table(f: Findings):
    params, result = f.params, f.figures
    table = result["table"].copy()
    shown = table.assign(
        figure_unit=[f"{f} ({u})" if u else f for f, u in zip(table["figure"], table["unit"])],
        who=[prose.capitalised(short_name(g)) if g in AGGREGATE_SHORT_NAMES else n for g, n in zip(table["geo"], table["name"])],
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

def call_year_chart(f: Findings):
    params, projects = f.params, f.projects
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


def overlap_chart(f: Findings):
    params, projects, ekip = f.params, f.projects, f.ekip
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
    # Full titles, wrapped onto lines (split again in the axis labels), so no title is cut off.
    topics["label"] = [textwrap.fill(f"{str(t).replace('’', chr(39))} ({y})", 62).replace("\n", "|")
                       for t, y in zip(topics["topic_title"], topics["call_year"])]
    topics["marker"] = ["◀ ekip's topic" if ekip and t == ekip["topic"] else "" for t in topics["topic"]]
    order = list(topics["label"])
    n_overlap = int(topics["overlap_projects"].sum())
    n_topics = int((topics["overlap_projects"] > 0).sum())
    heritage = int(topics.loc[topics["segment"] == policy.SEGMENT_HERITAGE, "overlap_projects"].sum())
    title = (f"{n_overlap} culture-and-AI projects spread over {n_topics} topics; {heritage} of them in "
             f"cultural heritage topics")
    segments = [x for x in policy.SEGMENTS if x in set(topics["segment"])]
    y = alt.Y("label:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=420, labelExpr="split(datum.label, '|')", labelFontSize=11))
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
    marker = alt.Chart(topics).mark_text(align="left", dx=4, fontSize=12, fontWeight="bold", color="#000000").encode(
        y=y, x="projects:Q", text="marker:N")
    chart = alt.layer(totals, overlap, marker).properties(
        title=alt.Title(title, subtitle="Grey: all projects of the topic; colour: those in the culture cluster and "
                                        "classified as AI"), width=220, height=alt.Step(32))
    description = (f"Bar chart of the Horizon Europe topics with at least one project that is both in the culture cluster "
                   f"and classified as AI, and ekip's topic. " + "; ".join(
                       f"{t} ({y}): {o} of {p} projects" for t, y, o, p in
                       zip(topics["topic"], topics["call_year"], topics["overlap_projects"], topics["projects"])) + ".")
    notes = ["The topic codes are in the data download."]
    if ekip:
        notes.append(f"ekip's topic {ekip['topic']} is shown for reference although none of its projects is "
                     "classified as AI." if not ekip["ai"] else f"ekip's topic is {ekip['topic']}.")
    data_out = topics[["topic", "topic_title", "call_year", "segment", "projects", "overlap_projects"]]
    return figure(chart, name="he-culture-ai-topics", description=description, data=data_out,
                  sources=["cordis_he_project_classification", "cordis_he_euroscivoc_long"], notes=notes)
