"""Chart pieces shared by the two AI chapters (enterprises; people and skills).

Every chart reads values the chapter's findings computed, and every number it shows in a title,
a description or a tooltip is formatted with :mod:`prose`, the way the text formats it: the chart
data carry a ``label`` column with the published text, so text, chart and CSV give one figure per fact.
"""

from __future__ import annotations

import math
import textwrap

import altair as alt
import pandas as pd

from . import ai_adoption as ai
from . import prose
from .charts import (ABOVE_COLOUR, AGGREGATE_COLOUR, BELOW_COLOUR, CONTEXT_GREY, NO_DATA_COLOUR, NO_DATA_LABEL,
                     colour_name, colour_scale, comparison_colour, figure, highlight_colour, message_figure,
                     position_label)
from .params import ReportParams, group_label

# One short name per aggregate for running text (the full name is given once, in each chapter's introduction).
METHODS_NOTE = "How these figures are made and what they leave out: see the methods appendix."


def the_geo(params: ReportParams, code: str) -> str:
    """'Denmark', or 'the EU27' for the comparison aggregate."""
    return f"the {params.aggregate_short}" if code == params.comparison_aggregate else ai.geo_name(code)


def format_value(value: float, unit: str = "%") -> str:
    """42.0% for a share, 36.3 for a rate per 1,000 (missing: 'no data')."""
    if unit == "%":
        return prose.percent(value, missing=NO_DATA_LABEL)
    return prose.number(value, 1, missing=NO_DATA_LABEL)


def leader_texts(params: ReportParams, latest: ai.Latest, unit: str = "%", noun: str = "share") -> dict[str, str]:
    """The highest selected country, its value, the aggregate's value, the year and a sentence saying them."""
    geo, value = latest.leader
    texts = {"name": ai.geo_name(geo) if geo else "no selected country", "value": format_value(value, unit),
             "agg": format_value(latest.aggregate, unit), "year": str(latest.year or "no year")}
    texts["sentence"] = prose.leader_sentence(ai.geo_name(geo) if geo else None, texts["value"],
                                              f"{params.aggregate_short}: {texts['agg']}", noun)
    return texts


def labelled(frame: pd.DataFrame, column: str = "value", unit: str = "%", to: str = "label") -> pd.DataFrame:
    """The frame with ``to`` holding the published text of ``column`` (what the text glues)."""
    return frame.assign(**{to: [format_value(v, unit) for v in frame[column]]})


def series_with_roles(params: ReportParams, frame: pd.DataFrame, unit: str = "%") -> pd.DataFrame:
    """Countries and the comparison aggregate (other aggregates dropped), with name, role, break marker and label."""
    out = ai.with_roles(frame, params.countries, params.comparison_aggregate)
    out = out[out["role"] != "other aggregate"].copy()
    out["break"] = ai.has_flag(out["flag"], ai.BREAK_FLAG) if "flag" in out.columns else False
    out["flag"] = out["flag"].astype(object).where(out["flag"].notna(), "") if "flag" in out.columns else ""
    return labelled(out.reset_index(drop=True), unit=unit)


def name_scale(params: ReportParams, codes_present) -> alt.Scale:
    """Each selected country keeps its colour (by position in the parameters); the aggregate is black."""
    full = colour_scale([ai.geo_name(c) for c in params.countries], ai.geo_name(params.comparison_aggregate))
    present = {ai.geo_name(c) for c in codes_present}
    pairs = [(d, r) for d, r in zip(full.domain, full.range) if d in present]
    return alt.Scale(domain=[d for d, _ in pairs], range=[r for _, r in pairs])


def role_colour(params: ReportParams, roles=("selected", "aggregate", "other"), other: str = "other countries"):
    """Selected blue, aggregate black, others grey (the book's highlight colours), named in the legend."""
    labels = {"selected": group_label(params), "aggregate": params.aggregate_short, "other": other}
    colour = highlight_colour("role")
    expression = " : ".join(f"datum.label == '{r}' ? '{labels[r]}'" for r in roles) + " : datum.label"
    colour.legend = alt.Legend(title=None, orient="top", labelExpr=expression, values=list(roles))
    return colour


def wrap_expression(width: int = 28) -> str:
    """A Vega expression that breaks a long label into lines at spaces before ``width`` characters."""
    return (f"length(datum.label) > {width} ? split(replace(datum.label, regexp('^(.{{1,{width}}}) '), '$1|'), '|') "
            ": datum.label")


def wrap_label(text: str, width: int) -> str:
    """Lines of at most ``width`` characters joined by '|', for a ``split(datum.label, '|')`` label expression."""
    return "|".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def year_axis(years) -> alt.Axis:
    return alt.Axis(format="d", values=sorted({int(y) for y in years}), labelAngle=0)


def no_values_chart(params: ReportParams, name: str, what: str, year, sources: list[str]):
    """The placeholder when neither a selected country nor the aggregate has a value in ``what``."""
    return message_figure(name, f"No values in {what} for the {group_label(params)} or the {params.aggregate_short}",
                          f"The snapshot has no value in {what}{'' if year is None else f' ({year})'} for "
                          f"{params.names_of(params.countries)} or "
                          f"the {params.aggregate_name}. Nothing is drawn.", sources, [])


def context_subtitle(params: ReportParams, extra: str = "") -> str:
    """Names the colours :func:`context_lines` draws."""
    return (f"{prose.capitalised(colour_name(CONTEXT_GREY))}: other European countries; dashed "
            f"{colour_name(AGGREGATE_COLOUR)}: the {params.aggregate_short}{extra}")


def context_lines(params: ReportParams, series: pd.DataFrame, *, title: str, y_title: str, subtitle: str,
                  width: int = 560):
    """Lines of the selected countries (own colours) and the aggregate (black, dashed) over grey context lines."""
    codes = set(series["geo"])
    base = alt.Chart(series).encode(
        x=alt.X("year:Q", title="Year", axis=year_axis(series["year"]), scale=alt.Scale(nice=False)),
        y=alt.Y("value:Q", title=y_title),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:Q", title="Year", format="d"),
                 alt.Tooltip("label:N", title="Value"), alt.Tooltip("flag:N", title="Flag")])
    others = base.transform_filter(alt.datum.role == "other").mark_line(
        color=CONTEXT_GREY, strokeWidth=1, opacity=0.55).encode(detail="geo:N")
    highlighted = base.transform_filter("datum.role == 'selected' || datum.role == 'aggregate'").mark_line(
        point=True).encode(
        color=alt.Color("name:N", title="Country or aggregate", scale=name_scale(params, codes)),
        strokeDash=alt.StrokeDash("role:N", scale=alt.Scale(domain=["selected", "aggregate"], range=[[1, 0], [6, 3]]),
                                  legend=None))
    layers = [others, highlighted]
    if series["break"].any():
        layers.append(base.transform_filter(alt.datum["break"]).mark_point(
            shape="diamond", size=190, filled=False, strokeWidth=2, color="#000000"))
    return alt.layer(*layers).properties(title=alt.Title(title, subtitle=subtitle), width=width, height=340)


def ranked_frame(params: ReportParams, frame: pd.DataFrame, year: int, unit: str = "%") -> pd.DataFrame:
    """Every country in ``year`` ranked (1 = highest), with name, role (selected / other) and label."""
    ranked = ai.rank_in(frame, year)
    ranked["name"] = ranked["geo"].map(ai.geo_name).astype(object)
    ranked["role"] = ranked["geo"].map(lambda g: "selected" if g in params.countries else "other").astype(object)
    return labelled(ranked, unit=unit)


def ranking_bars(params: ReportParams, ranked: pd.DataFrame, *, axis: str, title, reference: float = math.nan,
                 unit: str = "%", extra=()):
    """Horizontal bars of every country, selected in blue and the rest grey, the aggregate as a dashed rule."""
    order = list(ranked.sort_values(["rank", "geo"])["name"])
    bars = alt.Chart(ranked).mark_bar().encode(
        y=alt.Y("name:N", sort=order, title=None), x=alt.X("value:Q", title=axis),
        color=role_colour(params, ("selected", "other")),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("label:N", title="Value"),
                 alt.Tooltip("rank:Q", title="Rank")])
    layers = [bars]
    if not prose.is_missing(reference):
        ref = pd.DataFrame({"value": [reference], "label": [f"{params.aggregate_short} {format_value(reference, unit)}"]})
        layers.append(alt.Chart(ref).mark_rule(color=AGGREGATE_COLOUR, strokeDash=[5, 3], strokeWidth=2).encode(
            x="value:Q"))
        layers.append(alt.Chart(ref).mark_text(align="left", dx=4, y=-8, fontSize=11).encode(x="value:Q",
                                                                                             text="label:N"))
    return alt.layer(*layers, *extra).properties(title=title, width=540, height=alt.Step(15))


def ranking_description(params: ReportParams, ranked: pd.DataFrame, what: str, year: int, reference: float,
                        unit: str = "%") -> str:
    mine = ranked[ranked["role"] == "selected"]
    return (f"Bar chart ranking {len(ranked)} European countries by {what} in {year}, the {group_label(params)} in "
            f"{colour_name(ABOVE_COLOUR)}" + ("" if prose.is_missing(reference) else
                                             f" and the {params.aggregate_short} ({format_value(reference, unit)}) as a "
                                             "dashed line") + ". "
            + "; ".join(f"{n} ranks {r} with {lab}" for n, r, lab in zip(mine["name"], mine["rank"], mine["label"]))
            + ".")


# --- Scoreboard: each indicator against the aggregate ------------------------------------------------------------

def scoreboard_frame(params: ReportParams, indicators: list[ai.Indicator]) -> pd.DataFrame:
    """The scoreboard with names, row labels, cell text and the position against the aggregate (colour grammar)."""
    board = ai.scoreboard(indicators, [*params.countries, params.comparison_aggregate], params.comparison_aggregate)
    board["name"] = board["geo"].map(ai.geo_name)
    board["row"] = [f"{label} ({year})" for label, year in zip(board["label"], board["year"])]
    is_aggregate = board["geo"] == params.comparison_aggregate
    ranked = board["n_ranked"] >= ai.MIN_PEERS_FOR_RANK
    board["cell"] = [
        format_value(v, u) + (f"|{prose.ordinal(r)} of {n}" if show and pd.notna(r) and not prose.is_missing(v)
                              and not agg else "") + (" (?)" if d else "")
        for v, u, r, n, show, agg, d in zip(board["value"], board["unit"], board["rank"], board["n_ranked"], ranked,
                                            is_aggregate, board["doubtful"])]
    board["index_to_aggregate"] = board["index_to_aggregate"].where(~is_aggregate)
    above, below = f"above the {params.aggregate_short}", f"at or below the {params.aggregate_short}"
    board["position"] = [("reference" if agg else position_label(v, r, above, below))
                         for v, r, agg in zip(board["value"], board["aggregate_value"], is_aggregate)]
    board["column"] = [params.aggregate_short if agg else n for agg, n in zip(is_aggregate, board["name"])]
    board["row_lines"] = [wrap_label(r, 30) for r in board["row"]]
    return board


def scoreboard_chart(params: ReportParams, board: pd.DataFrame, *, title: str, name: str, sources: list[str],
                     notes=()):
    """A table-like chart: a cell per indicator and country, coloured by the position against the aggregate."""
    if board.empty:
        return message_figure(name, "No indicators to compare", "Nothing to draw.", sources, [])
    above, below = f"above the {params.aggregate_short}", f"at or below the {params.aggregate_short}"
    base = alt.Chart(board).encode(
        x=alt.X("column:N", sort=list(dict.fromkeys(board["column"])), title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelLimit=120, labelFontSize=12)),
        y=alt.Y("row_lines:N", sort=list(dict.fromkeys(board["row_lines"])), title=None,
                axis=alt.Axis(labelLimit=240, labelFontSize=12, labelExpr="split(datum.label, '|')")))
    reference = base.transform_filter("datum.position == 'reference'").mark_rect(
        color="#FFFFFF", stroke="#BBBBBB", strokeWidth=1)
    cells = base.transform_filter("datum.position != 'reference'").mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
        color=comparison_colour("position", above, below),
        tooltip=[alt.Tooltip("row:N", title="Indicator"), alt.Tooltip("name:N", title="Country"),
                 alt.Tooltip("cell:N", title="Value and rank"),
                 alt.Tooltip("index_to_aggregate:Q", title=f"Value ÷ {params.aggregate_short}", format=".2f")])
    text = base.mark_text(fontSize=11, lineBreak="|").encode(
        text="cell:N", color=alt.condition(f"datum.position == '{above}' || datum.position == '{below}'",
                                           alt.value("#FFFFFF"), alt.value("#111111")))
    subtitle = [f"{prose.capitalised(colour_name(ABOVE_COLOUR))}: {above}; {colour_name(BELOW_COLOUR)}: {below}; "
                f"{colour_name(NO_DATA_COLOUR)}: {NO_DATA_LABEL} for the country or the {params.aggregate_short}.",
                f"Cell: the value and, where at least {ai.MIN_PEERS_FOR_RANK} countries have data, the rank."]
    chart = alt.layer(reference, cells, text).properties(title=alt.Title(title, subtitle=subtitle),
                                                         width=alt.Step(96), height=alt.Step(48))
    description = (f"Table-like chart of {board['row'].nunique()} indicators for {params.names_of(params.countries)} "
                   f"and the {params.aggregate_short}. " + " ".join(
                       f"{lab}: " + ", ".join(f"{n} {c.replace('|', ', ')}" for n, c in zip(g["column"], g["cell"]))
                       + "." for lab, g in board.groupby("row", sort=False)))
    notes = list(notes)
    doubtful = board[board["doubtful"] & board["geo"].isin(params.countries)]
    if len(doubtful):
        notes.append("(?) marks a value the source does not measure apart from another one: "
                     + "; ".join(f"{n}, {r}" for n, r in zip(doubtful["name"], doubtful["row"]))
                     + ". The text leaves it aside.")
    columns = ["indicator", "row", "year", "geo", "name", "value", "cell", "rank", "n_ranked", "aggregate_value",
               "gap_to_aggregate", "index_to_aggregate", "position"]
    return figure(chart, name=name, description=description, data=board[columns], sources=sources, notes=notes)
