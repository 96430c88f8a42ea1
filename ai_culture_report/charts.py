"""Charts: one altair theme, an offline renderer, and figures that carry their sources.

Every chart in the book goes through :func:`figure`, which refuses a chart without
a title or description and renders

* a static SVG drawn by vl-convert (so the page works with no JavaScript and no network),
* the Vega-Lite spec, which the vendored bundle in ``_static/`` turns into the
  interactive chart when it is present (see :func:`javascript_bundle`),
* a caption with the source of every dataset used (publisher, dataset code,
  vintage, licence), the caveats that apply, and a link that downloads the exact
  data behind the chart as CSV.
"""

from __future__ import annotations

import base64
import html
import json
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import altair as alt
import pandas as pd
import vl_convert

from .data import Resource, resource as registered_resource

# Okabe & Ito (2008): distinguishable with the common forms of colour blindness. Ordered by
# contrast against white, so the first countries get the colours that stand out best.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
CONTEXT_GREY = "#9A9A9A"  # countries outside the selection
AGGREGATE_COLOUR = "#000000"  # the comparison aggregate
SEQUENTIAL_SCHEME = "viridis"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
WIDTH = 620


@alt.theme.register("report", enable=True)
def report_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": WIDTH, "continuousHeight": 320, "stroke": None},
            "title": {"fontSize": 16, "anchor": "start", "subtitleFontSize": 13, "subtitleColor": "#333333",
                      "limit": 760, "offset": 12},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "gridColor": "#E3E3E3", "labelColor": "#222222",
                     "titleColor": "#222222", "labelLimit": 260},
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "labelLimit": 260},
            "header": {"labelFontSize": 13, "titleFontSize": 13},
            "range": {"category": PALETTE, "ramp": {"scheme": SEQUENTIAL_SCHEME}},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
        }
    }


def colour_scale(codes: Sequence[str], aggregate: str | None = None) -> alt.Scale:
    """A fixed colour per selected country (same colour in every chart), black for the aggregate."""
    domain = list(codes)
    colours = [PALETTE[i % (len(PALETTE) - 1)] for i in range(len(domain))]
    if aggregate:
        domain.append(aggregate)
        colours.append(AGGREGATE_COLOUR)
    return alt.Scale(domain=domain, range=colours)


def highlight_colour(field_name: str, selected_label: str = "selected") -> alt.Color:
    """Colour encoding that draws selected rows in blue and the rest in grey."""
    return alt.Color(
        f"{field_name}:N",
        scale=alt.Scale(domain=[selected_label, "aggregate", "other"], range=[PALETTE[0], AGGREGATE_COLOUR, CONTEXT_GREY]),
        legend=alt.Legend(title=None, orient="top"),
    )


@dataclass
class Figure:
    """A chart ready for the page: static SVG, interactive spec, caption and data download."""

    name: str
    spec: dict
    description: str
    data: pd.DataFrame
    sources: list[Resource]
    notes: list[str] = field(default_factory=list)
    svg: str = ""

    @property
    def title(self) -> str:
        title = self.spec.get("title")
        if isinstance(title, dict):
            title = title.get("text")
        if isinstance(title, list):
            title = " ".join(title)
        return title or ""

    def csv_data_uri(self) -> str:
        csv = self.data.to_csv(index=False, lineterminator="\n")
        return "data:text/csv;charset=utf-8;base64," + base64.b64encode(csv.encode("utf-8")).decode("ascii")

    def caption_html(self) -> str:
        lines = []
        for source in self.sources:
            code = f" <code>{html.escape(source.dataset_code)}</code>" if source.dataset_code else ""
            link = (f' (<a href="{html.escape(source.official_url)}">dataset page</a>)'
                    if source.official_url else "")
            vintage = f"; vintage: {html.escape(source.vintage)}" if source.vintage else ""
            lines.append(
                f"<li>{html.escape(source.publisher)}{code}: {html.escape(source.title)}{link}{vintage}; "
                f"licence: {html.escape(source.licence_name)}.</li>"
            )
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        notes_block = f'<p class="chart-notes-title">Notes</p><ul class="chart-notes">{notes}</ul>' if notes else ""
        rows = len(self.data)
        return (
            f'<p class="chart-sources-title">Source{"s" if len(self.sources) > 1 else ""}</p>'
            f'<ul class="chart-sources">{"".join(lines)}</ul>{notes_block}'
            f'<p class="chart-download"><a download="{self.name}.csv" href="{self.csv_data_uri()}">'
            f"Download the data behind this chart (CSV, {rows} rows)</a></p>"
        )

    def _repr_html_(self) -> str:
        spec_json = json.dumps(self.spec, sort_keys=True, ensure_ascii=False).replace("</", "<\\/")
        description = html.escape(self.description)
        return (
            f'<figure class="report-chart" id="figure-{self.name}">'
            f'<div class="chart-static" role="img" aria-label="{description}">{self.svg}</div>'
            f'<script type="application/json" class="vega-spec">{spec_json}</script>'
            f'<figcaption><details class="chart-text"><summary>Text description of the chart</summary>'
            f"<p>{description}</p></details>{self.caption_html()}</figcaption></figure>"
        )


TITLE_LINE_LENGTH = 72


def _wrap_title(spec: dict) -> None:
    """Break long titles into lines: Vega truncates a title that is wider than the chart."""
    title = spec.get("title")
    if isinstance(title, str):
        title = {"text": title}
    if not isinstance(title, dict):
        return
    if isinstance(title.get("text"), str) and len(title["text"]) > TITLE_LINE_LENGTH:
        title["text"] = textwrap.wrap(title["text"], TITLE_LINE_LENGTH, break_on_hyphens=False)
    if isinstance(title.get("subtitle"), str) and len(title["subtitle"]) > TITLE_LINE_LENGTH + 20:
        title["subtitle"] = textwrap.wrap(title["subtitle"], TITLE_LINE_LENGTH + 20, break_on_hyphens=False)
    spec["title"] = title


_SVG_DECLARATION = re.compile(r"^<\?xml[^>]*>\s*")


def render_svg(spec: dict) -> str:
    """The chart as SVG, hidden from screen readers: its wrapper (role img) carries the description,
    so assistive technology reads one clear text instead of hundreds of unlabelled marks."""
    svg = _SVG_DECLARATION.sub("", vl_convert.vegalite_to_svg(spec))
    return svg.replace("<svg", '<svg aria-hidden="true" focusable="false"', 1)


def figure(
    chart: alt.TopLevelMixin,
    *,
    name: str,
    description: str,
    data: pd.DataFrame,
    sources: Iterable[str | Resource],
    notes: Iterable[str] = (),
) -> Figure:
    """Wrap an altair chart for the book.

    ``name`` is the file name of the CSV download and the figure's anchor;
    ``description`` is the text alternative read by screen readers;
    ``data`` is the exact table the chart shows; ``sources`` are registry dataset
    names (or :class:`Resource` objects) cited in the caption.
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ValueError(f"Figure name {name!r} must be lower-case letters, digits and hyphens.")
    if not description or len(description) < 20:
        raise ValueError(f"Figure {name!r} needs a text description for screen readers.")
    resolved = [registered_resource(s) if isinstance(s, str) else s for s in sources]
    if not resolved:
        raise ValueError(f"Figure {name!r} must cite at least one registered dataset.")
    spec = chart.properties(description=description).to_dict()
    _wrap_title(spec)
    found = Figure(name=name, spec=spec, description=description, data=data.reset_index(drop=True),
                   sources=resolved, notes=list(notes))
    if not found.title:
        raise ValueError(f"Figure {name!r} needs a title that states its finding.")
    found.svg = render_svg(spec)
    return found


def _offline_renderer(spec: dict, **_) -> dict:
    """Altair renderer for bare charts: static SVG plus spec, no CDN."""
    spec_json = json.dumps(spec, sort_keys=True).replace("</", "<\\/")
    description = html.escape(spec.get("description", "Chart"))
    return {
        "text/html": (
            f'<figure class="report-chart"><div class="chart-static" role="img" aria-label="{description}">'
            f'{render_svg(spec)}</div><script type="application/json" class="vega-spec">{spec_json}</script></figure>'
        )
    }


alt.renderers.register("offline_svg", _offline_renderer)
alt.renderers.enable("offline_svg")

# Run by the vendored bundle: replace each static SVG by the interactive chart.
_UPGRADE_SNIPPET = """
function upgradeReportCharts() {
  document.querySelectorAll("figure.report-chart").forEach(function (figure) {
    var specNode = figure.querySelector("script.vega-spec");
    var staticNode = figure.querySelector(".chart-static");
    if (!specNode || !staticNode || figure.dataset.interactive) return;
    var holder = document.createElement("div");
    holder.className = "chart-interactive";
    holder.setAttribute("role", "img");
    holder.setAttribute("aria-label", staticNode.getAttribute("aria-label") || "");
    var spec = JSON.parse(specNode.textContent);
    vegaEmbed(holder, spec, { renderer: "svg", actions: false }).then(function () {
      // As for the static chart: the wrapper is the image and carries the description.
      holder.setAttribute("role", "img");
      holder.setAttribute("aria-label", staticNode.getAttribute("aria-label") || "");
      var svg = holder.querySelector("svg");
      if (svg) { svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false"); }
      figure.dataset.interactive = "true";
      staticNode.replaceWith(holder);
    }).catch(function () { /* keep the static chart */ });
  });
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", upgradeReportCharts);
} else {
  upgradeReportCharts();
}
"""


def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed with the upgrade code, in its own function scope."""
    # The scope keeps the bundle's top-level names away from Sphinx's globals.
    return "(function () {\n" + vl_convert.javascript_bundle(_UPGRADE_SNIPPET) + "\n})();\n"
