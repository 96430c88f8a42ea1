"""Synthesis chapter: the scoreboard, the quadrant chart, the sensitivity check and the key findings.

The key findings are published as glue keys that the introduction and the summaries in five
Nordic languages paste, so every number in them is the number in the charts.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import prose, synthesis
from ..charts import CONTEXT_GREY, PALETTE, figure, message_figure
from ..params import ReportParams, country_name, join_names, local_country_name, group_label

QUADRANT_X = "culture_employment"
QUADRANT_Y = "ai_enterprises"
LANGUAGES = {"sv": "och", "nb": "og", "da": "og", "fi": "ja", "is": "og"}



def comma(text: str) -> str:
    """Nordic number style for the translated summaries: decimal comma, space before %."""
    return text.replace(",", "\u202f").replace(".", ",").replace("%", "\u00a0%")


class Evidence:
    """Everything the synthesis computes once, for the charts and the prose."""

    def __init__(self, params: ReportParams):
        self.params = params
        self.table = synthesis.indicator_table(params)
        self.index = synthesis.indices(self.table, params)
        self.board = synthesis.scoreboard(self.index, params)
        self.quadrants = synthesis.quadrants(self.index, QUADRANT_X, QUADRANT_Y)
        self.sensitivity = synthesis.sensitivity(self.table, params, QUADRANT_X, QUADRANT_Y)

    def selected(self, dimension: str) -> pd.DataFrame:
        rows = self.board[(self.board.dimension == dimension) & self.board["value"].notna()]
        return rows.sort_values(["value", "geo"], ascending=[False, True])

    def missing(self, dimension: str) -> list[str]:
        rows = self.board[(self.board.dimension == dimension) & self.board["value"].isna()]
        return list(rows.geo)

    def reference(self, dimension: str) -> tuple[float, str, int | None]:
        """The reference value, its label and the year (None when the report's years exclude the source)."""
        rows = self.index[self.index.dimension == dimension]
        if rows.empty:
            return float("nan"), "no reference", None
        first = rows.iloc[0]
        return float(first.reference), str(first.reference_label), int(first.year)


def _range_sentence(evidence: Evidence, dimension: str, what: str, digits: int = 1) -> str:
    rows = evidence.selected(dimension)
    ref, ref_label, year = evidence.reference(dimension)
    if rows.empty:
        params = evidence.params
        return (f"No {what} is available for {params.names_of(params.countries)} in "
                f"{prose.span(params.year_start, params.year_end)}.")
    low, high = rows.iloc[-1], rows.iloc[0]
    above = int((rows["index"] > 1).sum())
    missing = evidence.missing(dimension)
    missing_text = f" {evidence.params.names_of(missing)} {'is' if len(missing) == 1 else 'are'} not in the source." \
        if missing else ""
    return (f"In {year}, {what} ranged from {prose.percent(low.value, digits)} in {country_name(low.geo)} to "
            f"{prose.percent(high.value, digits)} in {country_name(high.geo)}, against {prose.percent(ref, digits)} in "
            f"the {ref_label}: {above} of {len(rows)} countries with data were above it.{missing_text}")


def key_facts(evidence: Evidence) -> dict[str, str]:
    params = evidence.params
    facts = {
        "region_name": params.region_name,
        "aggregate_name": params.aggregate_name,
        "key_culture": _range_sentence(evidence, "culture_employment", "the cultural share of employment"),
        "key_ai": _range_sentence(evidence, "ai_enterprises", "the share of enterprises using AI"),
        "key_ict": _range_sentence(evidence, "ai_information_sector",
                                   "AI use among enterprises in information and communication"),
        "key_genai": _range_sentence(evidence, "genai_people", "the share of people using generative AI"),
    }
    pubs = evidence.selected("ai_publications")
    ref, ref_label, year = evidence.reference("ai_publications")
    if len(pubs):
        facts["key_research"] = (
            f"In {year}, OpenAlex counted between {prose.number(pubs.value.min(), 0)} and "
            f"{prose.number(pubs.value.max(), 0)} AI publications per million inhabitants in these countries, against "
            f"{prose.number(ref, 0)} for the {ref_label} ({int((pubs['index'] > 1).sum())} of {len(pubs)} above).")
    else:
        facts["key_research"] = (f"No AI publication counts are available for {params.names_of(params.countries)} in "
                                 f"{prose.span(params.year_start, params.year_end)}.")
    hubs = evidence.selected("hubs_per_million")
    focus = evidence.selected("hubs_creative_focus")
    creative_any = int((focus.value > 0).sum())
    facts["key_hubs"] = (
        f"The innovation infrastructure is dense — {prose.number(hubs.value.min(), 1)} to "
        f"{prose.number(hubs.value.max(), 1)} digital innovation hubs per million inhabitants — but among hubs that "
        f"describe their offer, only {creative_any} of {len(focus)} countries {'has' if creative_any == 1 else 'have'} "
        f"any hub tagged with a focus on the cultural and creative economy.") if len(hubs) else (
        f"No digital innovation hub of {params.names_of(params.countries)} is listed in the EDIH catalogue.")
    strong = evidence.quadrants[evidence.quadrants.geo.isin(params.countries)]
    both = strong[strong.quadrant == "strong in both"]
    missing = [c for c in params.countries if c not in set(strong.geo)]
    stable = evidence.sensitivity[evidence.sensitivity.quadrant != "no data"]
    stable_all = stable.groupby("geo")["quadrant"].agg(lambda q: (q == "strong in both").all())
    n_stable = int(sum(bool(v) for v in stable_all))
    culture_year = evidence.reference("culture_employment")[2]
    facts["later_culture"] = later_culture_sentence(params, culture_year)
    ai_year = evidence.reference("ai_enterprises")[2]
    no_ai = evidence.missing("ai_enterprises")
    facts["ai_missing_sentence"] = (
        f"The Eurostat AI data have no year within {prose.span(params.year_start, params.year_end)}, so no country "
        "can be placed in the quadrant." if ai_year is None else
        f"{params.names_of(no_ai)} {'is' if len(no_ai) == 1 else 'are'} absent from the Eurostat AI data, so "
        f"{'it' if len(no_ai) == 1 else 'they'} cannot be placed in the quadrant."
        if no_ai else f"Every one of {params.names_of(params.countries)} is in the Eurostat AI data.")
    facts["culture_last_year"] = str(culture_year) if culture_year else str(params.year_end)
    facts["n_strong_both"] = str(len(both))
    facts["n_with_both"] = str(len(strong))
    facts["n_stable"] = str(n_stable)
    facts["n_combinations"] = str(stable.groupby("geo").size().max() if len(stable) else 0)
    facts["verdict"] = (
        f"None of {params.names_of(params.countries)} has data on both cultural employment and enterprise AI use in "
        f"{prose.span(params.year_start, params.year_end)}, so the data cannot say whether "
        f"{'it combines' if len(params.countries) == 1 else 'they combine'} the two." if strong.empty else
        f"{len(both)} of the {len(strong)} {group_label(params)} with data on both are more specialised in cultural "
        f"employment than the {params.aggregate_name} and have more enterprises using AI"
        + (f" ({params.names_of(list(both.geo))})" if len(both) else "")
        + f"; {n_stable} of them stay so for every pair of years in the data and whether the reference is the EU "
          f"aggregate or the median European country."
        + (f" {params.names_of(missing)} cannot be placed: the Eurostat AI data do not cover "
           f"{'it' if len(missing) == 1 else 'them'}." if missing else ""))
    return facts


def later_culture_sentence(params: ReportParams, last_year: int | None) -> str:
    """Headline changes that Eurostat texts quote for years after the data series end (rounded, not drawn)."""
    from .. import data

    if last_year is None:
        return (f"The cultural-employment series has no year within {prose.span(params.year_start, params.year_end)}, "
                "so the data say nothing about the cultural lead in these years.")

    quoted = data.load("cult_emp_headlines_text")
    changes = quoted[quoted["geo"].isin(params.countries) & (quoted["year"] > last_year)
                     & quoted["indicator"].isin(["cultural_employment_annual_growth",
                                                 "cultural_employment_change_on_previous_year"])]
    if changes.empty:
        return (f"Eurostat's texts quote no later figures for {params.names_of(params.countries)}, so the "
                f"cultural lead after {last_year} is unknown.")
    parts = []
    for geo, group in changes.sort_values(["geo", "year"]).groupby("geo"):
        items = [f"{prose.signed_percent(v)} in {y}" if u == "PCH_PRE" else f"{'−' if v < 0 else '+'}{abs(v):.0f} thousand in {y}"
                 for v, y, u in zip(group.value, group.year, group.unit)]
        parts.append(f"{country_name(geo)} ({join_names(items)})")
    return (f"Eurostat's texts quote later changes in cultural employment for {join_names(parts)}: rounded figures "
            f"that, if the data confirm them, would narrow the cultural lead.")


def localised_facts(evidence: Evidence) -> dict[str, str]:
    """Numbers and names for the summaries in Swedish, Norwegian, Danish, Finnish and Icelandic."""
    params, out = evidence.params, {}
    culture = evidence.selected("culture_employment")
    ai = evidence.selected("ai_enterprises")
    genai = evidence.selected("genai_people")
    focus = evidence.selected("hubs_creative_focus")
    c_ref, _, c_year = evidence.reference("culture_employment")
    a_ref, _, a_year = evidence.reference("ai_enterprises")
    g_ref, _, g_year = evidence.reference("genai_people")
    out.update({
        "loc_culture_year": str(c_year or "–"), "loc_ai_year": str(a_year or "–"),
        "loc_genai_year": str(g_year or "–"),
        "loc_culture_ref": comma(prose.percent(c_ref)), "loc_ai_ref": comma(prose.percent(a_ref)),
        "loc_genai_ref": comma(prose.percent(g_ref)),
        "loc_culture_low": comma(prose.percent(culture.value.min())) if len(culture) else "–",
        "loc_culture_high": comma(prose.percent(culture.value.max())) if len(culture) else "–",
        "loc_ai_low": comma(prose.percent(ai.value.min())) if len(ai) else "–",
        "loc_ai_high": comma(prose.percent(ai.value.max())) if len(ai) else "–",
        "loc_genai_low": comma(prose.percent(genai.value.min())) if len(genai) else "–",
        "loc_genai_high": comma(prose.percent(genai.value.max())) if len(genai) else "–",
        "loc_n_culture_above": str(int((culture["index"] > 1).sum())), "loc_n_culture": str(len(culture)),
        "loc_n_ai_above": str(int((ai["index"] > 1).sum())), "loc_n_ai": str(len(ai)),
        "loc_n_creative_hubs": str(int((focus.value > 0).sum())), "loc_n_hub_countries": str(len(focus)),
        "loc_n_strong": evidence_strong_count(evidence),
    })
    for language, conjunction in LANGUAGES.items():
        names = [local_country_name(c, language) for c in params.countries]
        out[f"{language}_countries"] = join_names(names, conjunction)
        missing = evidence.missing("ai_enterprises")
        out[f"{language}_ai_missing"] = join_names([local_country_name(c, language) for c in missing], conjunction) \
            if missing else "–"
    return out


def evidence_strong_count(evidence: Evidence) -> str:
    strong = evidence.quadrants[evidence.quadrants.geo.isin(evidence.params.countries)]
    return str(int((strong.quadrant == "strong in both").sum()))


def publish_all(evidence: Evidence) -> None:
    for key, text in {**key_facts(evidence), **localised_facts(evidence)}.items():
        prose.publish(key, text)


def scoreboard_chart(evidence: Evidence):
    params = evidence.params
    board = evidence.board.copy()
    board["country"] = board.geo.map(country_name)
    board["cell"] = [("no data" if pd.isna(v) else f"{v:.1f}") for v in board["value"]]
    board["index_text"] = [("" if pd.isna(i) else f"× {i:.2f}") for i in board["index"]]
    with_data = board[board["index"].notna()]
    above = int((with_data["index"] > 1).sum())
    title = (f"The {group_label(params)} are above the reference in {above} of {len(with_data)} "
             f"country-indicator cells with data")
    order = [d.label for d in synthesis.DIMENSIONS]
    base = alt.Chart(board).encode(
        x=alt.X("label:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=220)),
        y=alt.Y("country:N", title=None, sort=[country_name(c) for c in params.countries]),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("index:Q", title="Index (reference = 1)",
                        scale=alt.Scale(scheme="blueorange", domainMid=1, domain=[0, 2.2], clamp=True)),
        tooltip=[alt.Tooltip("country:N", title="Country"), alt.Tooltip("label:N", title="Indicator"),
                 alt.Tooltip("value:Q", title="Value", format=".1f"), alt.Tooltip("unit:N", title="Unit"),
                 alt.Tooltip("index:Q", title="Index", format=".2f"), alt.Tooltip("year:Q", title="Year"),
                 alt.Tooltip("reference_label:N", title="Reference")])
    missing = base.transform_filter("!isValid(datum.index)").mark_rect(color="#EEEEEE", stroke="white")
    values = base.mark_text(dy=-7, fontSize=12, color="#111111").encode(text="cell:N")
    indices = base.mark_text(dy=9, fontSize=11, color="#111111").encode(text="index_text:N")
    chart = alt.layer(cells, missing, values, indices).properties(
        title=alt.Title(title, subtitle="Cells show the value (unit in the tooltip and the data) and the index "
                                        "against the reference; grey cells have no data"),
        width=alt.Step(88), height=alt.Step(46))
    data = board[["geo", "country", "dimension", "label", "year", "value", "unit", "reference", "reference_label",
                  "index"]]
    notes = ["The reference is the comparison aggregate where Eurostat publishes one, otherwise the median of the "
             "European countries with data (publications and hubs).",
             "Years differ by indicator: each uses its latest year in the data."]
    missing_cells = board[board["value"].isna()]
    for dimension, group in missing_cells.groupby("label", sort=False):
        notes.append(f"No data for {params.names_of(list(group.geo))}: {dimension}.")
    described = [f"{c}, {lab}: {cell}" + ("" if pd.isna(i) else f" (index {i:.2f})") + "."
                 for c, lab, cell, i in zip(board.country, board.label, board.cell, board["index"])]
    description = f"Heat map of {len(params.countries)} countries by {len(order)} indicators. " + " ".join(described)
    sources = sorted({d.source for d in synthesis.DIMENSIONS}) + [synthesis.POPULATION]
    return figure(chart, name="synthesis-scoreboard", description=description, data=data, sources=sources,
                  notes=notes)


def quadrant_chart(evidence: Evidence):
    params = evidence.params
    points = evidence.quadrants.copy()
    if points.empty:
        missing = [d.label.lower() for d in (synthesis.DIMENSION_BY_KEY[QUADRANT_X], synthesis.DIMENSION_BY_KEY[QUADRANT_Y])
                   if evidence.reference(d.key)[2] is None]
        reason = (f"The data have no year of {join_names(missing)} within "
                  f"{prose.span(params.year_start, params.year_end)}." if missing else
                  "No country has an index of both cultural employment and enterprise AI use.")
        return message_figure("synthesis-quadrant", "No country can be placed on culture and AI together",
                              f"{reason} Nothing is drawn.", [synthesis.DIMENSION_BY_KEY[QUADRANT_X].source,
                                                              synthesis.DIMENSION_BY_KEY[QUADRANT_Y].source])
    points["country"] = points.geo.map(country_name)
    points["role"] = ["selected" if g in params.countries else "other" for g in points.geo]
    points = points.rename(columns={QUADRANT_X: "culture_index", QUADRANT_Y: "ai_index"})
    picks = points[points.role == "selected"]
    both = int((picks.quadrant == "strong in both").sum())
    c_year = evidence.reference(QUADRANT_X)[2]
    a_year = evidence.reference(QUADRANT_Y)[2]
    title = (f"{both} of {len(picks)} {group_label(params)} with data combine cultural specialisation with "
             f"above-average AI adoption" if len(picks) else
             f"{params.names_of(params.countries)} cannot be placed: no data on both culture and AI; the other "
             "European countries are shown")
    base = alt.Chart(points).encode(
        x=alt.X("culture_index:Q", title=f"Cultural employment share, index (reference = 1), {c_year}",
                scale=alt.Scale(zero=False)),
        y=alt.Y("ai_index:Q", title=f"Enterprises using AI, index (reference = 1), {a_year}",
                scale=alt.Scale(zero=False)),
    )
    dots = base.mark_circle(size=90, opacity=0.9).encode(
        color=alt.Color("role:N", title=None, scale=alt.Scale(domain=["selected", "other"],
                                                               range=[PALETTE[0], CONTEXT_GREY]),
                        legend=alt.Legend(orient="top", labelExpr=f"datum.label == 'selected' ? "
                                          f"'{group_label(params)}' : 'other European countries'")),
        tooltip=[alt.Tooltip("country:N", title="Country"), alt.Tooltip("culture_index:Q", format=".2f"),
                 alt.Tooltip("ai_index:Q", format=".2f"), alt.Tooltip("quadrant:N")])
    labels = base.mark_text(align="left", dx=7, fontSize=11).encode(
        text="country:N", color=alt.condition(alt.datum.role == "selected", alt.value("#000000"),
                                              alt.value("#555555")))
    ones = pd.DataFrame({"one": [1.0]})
    vertical = alt.Chart(ones).mark_rule(strokeDash=[4, 3], color="#333333").encode(x="one:Q")
    horizontal = alt.Chart(ones).mark_rule(strokeDash=[4, 3], color="#333333").encode(y="one:Q")
    chart = alt.layer(vertical, horizontal, dots, labels).properties(
        title=alt.Title(title, subtitle=f"Index = country's value over the {params.aggregate_name}'s; "
                                        "top right = above the reference on both"),
        width=560, height=420)
    missing = [c for c in params.countries if c not in set(points.geo)]
    notes = [f"Not shown for lack of data on both indicators: {params.names_of(missing)}."] if missing else []
    notes.append("Cultural employment and AI adoption are measured in different years (the latest of each).")
    description = (f"Scatter plot of {len(points)} European countries: cultural employment index against AI "
                   f"adoption index. " + "; ".join(f"{r.country}: culture {r.culture_index:.2f}, AI {r.ai_index:.2f}"
                                                   for _, r in picks.iterrows()) + ".")
    data = points[["geo", "country", "role", "culture_index", "ai_index", "quadrant"]]
    return figure(chart, name="synthesis-quadrant", description=description, data=data,
                  sources=[synthesis.DIMENSION_BY_KEY[QUADRANT_X].source, synthesis.DIMENSION_BY_KEY[QUADRANT_Y].source],
                  notes=notes)


def sensitivity_chart(evidence: Evidence):
    params = evidence.params
    frame = evidence.sensitivity.copy()
    frame["country"] = frame.geo.map(country_name)
    frame["reference_label"] = frame.reference.map({"aggregate": f"Reference: {params.aggregate_name}",
                                                    "median": "Reference: median European country"})
    summary = (frame.assign(strong=frame.quadrant == "strong in both")
               .groupby(["geo", "country", "reference_label", "culture_year"], as_index=False)
               .agg(ai_years=("ai_year", "size"), ai_years_strong=("strong", "sum"),
                    no_data=("quadrant", lambda q: bool((q == "no data").all()))))
    summary["ai_years_strong"] = summary["ai_years_strong"].astype(int)
    with_data = summary[~summary.no_data]
    if with_data.empty:
        reason = (f"The data have no pair of years of cultural employment and enterprise AI use within "
                  f"{prose.span(params.year_start, params.year_end)}." if summary.empty else
                  f"The Eurostat data place none of {params.names_of(params.countries)} on both cultural employment "
                  "and enterprise AI use in any year.")
        return message_figure("synthesis-sensitivity", "The sensitivity check has no country to test",
                              f"{reason} Nothing is drawn.", ["cult_emp_share", "isoc_eb_ai_e_ai_tany_ge10"])
    n_countries = with_data.geo.nunique()
    stable = with_data.groupby("geo").apply(lambda g: bool((g.ai_years_strong == g.ai_years).all()),
                                            include_groups=False)
    title = (f"{int(stable.sum())} of {n_countries} {group_label(params)} with data stay strong in both for every "
             f"year and either reference")
    chart = alt.Chart(summary).mark_rect(stroke="white").encode(
        x=alt.X("culture_year:O", title="Year of the cultural-employment data", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("country:N", title=None, sort=[country_name(c) for c in params.countries]),
        color=alt.Color("ai_years_strong:Q", title="AI years (of those in the data) with the country strong in both",
                        scale=alt.Scale(scheme="viridis", domain=[0, int(summary.ai_years.max() or 1)])),
        column=alt.Column("reference_label:N", title=None),
        tooltip=[alt.Tooltip("country:N"), alt.Tooltip("culture_year:O"),
                 alt.Tooltip("ai_years_strong:Q", title="AI years strong in both"),
                 alt.Tooltip("ai_years:Q", title="AI years in the data")],
    ).properties(width=alt.Step(26), height=alt.Step(28), title=title)
    ai_years = sorted(frame.ai_year.unique())
    description = (f"Two heat maps, one per reference, of how many of the {len(ai_years)} years of AI data "
                   f"({', '.join(map(str, ai_years))}) place each country above the reference on both cultural "
                   f"employment and AI adoption, for each year of cultural-employment data. " +
                   "; ".join(f"{country_name(g)}: {'stable' if s else 'changes with the year or reference'}"
                             for g, s in stable.items()) + ".")
    missing = sorted(set(summary[summary.no_data].geo))
    notes = [f"No AI data for {params.names_of(missing)}: not placed." ] if missing else []
    notes.append("Up to 2018 the EU reference for culture is the EU28, from 2019 the EU27 (2020 composition).")
    data = summary.drop(columns="no_data")
    return figure(chart, name="synthesis-sensitivity", description=description, data=data,
                  sources=["cult_emp_share", "isoc_eb_ai_e_ai_tany_ge10"], notes=notes)
