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

import hashlib
import html
import json
import math
from importlib.metadata import version
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import altair as alt
import pandas as pd
import vl_convert

from . import reuse
from .cache import cached
from .data import Resource, resource as registered_resource

# Okabe & Ito (2008): distinguishable with the common forms of colour blindness. Ordered by
# contrast against white, so the first countries get the colours that stand out best.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
CONTEXT_GREY = "#9A9A9A"  # countries outside the selection
AGGREGATE_COLOUR = "#000000"  # the comparison aggregate

# The book's colour grammar: each colour means one thing in every chart. Charts and their
# subtitles take colours and their names from here, so a subtitle names the colour drawn.
ABOVE_COLOUR = PALETTE[0]  # above the indicator's reference
BELOW_COLOUR = PALETTE[1]  # at or below the reference
SELECTED_COLOUR = PALETTE[0]  # the selected countries, when they are not told apart
NO_DATA_COLOUR = "#E0E0E0"  # a missing value: drawn light grey and labelled, never coloured like a result
NO_DATA_LABEL = "no data"
COLOUR_NAMES = {PALETTE[0]: "blue", PALETTE[1]: "orange", PALETTE[2]: "green", PALETTE[3]: "pink",
                PALETTE[4]: "yellow-orange", PALETTE[5]: "light blue", PALETTE[6]: "yellow", "#000000": "black",
                CONTEXT_GREY: "grey", NO_DATA_COLOUR: "light grey"}


def colour_name(colour: str) -> str:
    """The word a subtitle or legend uses for a colour of the grammar."""
    return COLOUR_NAMES[colour]


def comparison_colour(field_name: str, above: str = "above the reference", below: str = "at or below the reference",
                      *, legend: alt.Legend | None = None) -> alt.Color:
    """Colour by position against the reference: blue above, orange at or below, light grey for no data.

    ``field_name`` holds one of ``above``, ``below`` or ``NO_DATA_LABEL`` per row.
    """
    return alt.Color(
        f"{field_name}:N",
        scale=alt.Scale(domain=[above, below, NO_DATA_LABEL], range=[ABOVE_COLOUR, BELOW_COLOUR, NO_DATA_COLOUR]),
        legend=legend if legend is not None else alt.Legend(title=None, orient="top"),
    )


def position_label(value: float | None, reference: float | None, above: str = "above the reference",
                   below: str = "at or below the reference") -> str:
    """The ``comparison_colour`` category of one value."""
    if value is None or reference is None or value != value or reference != reference:
        return NO_DATA_LABEL
    return above if value > reference else below
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
        scale=alt.Scale(domain=[selected_label, "aggregate", "other"],
                        range=[SELECTED_COLOUR, AGGREGATE_COLOUR, CONTEXT_GREY]),
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

    def csv_text(self) -> str:
        return self.data.to_csv(index=False, lineterminator="\n")

    def metadata(self) -> str:
        """The chart's metadata file: what a reader needs to reuse it and cite it."""
        return reuse.metadata_json(kind="chart", name=self.name, title=self.title, description=self.description,
                                   axes=reuse.axes_of(self.spec), sources=self.sources, notes=self.notes,
                                   columns=[str(c) for c in self.data.columns], rows=len(self.data))

    def caption_html(self) -> str:
        return (reuse.sources_html(self.sources) + reuse.notes_html(self.notes)
                + reuse.reuse_html(kind="chart", anchor=f"figure-{self.name}", name=self.name, title=self.title,
                                   csv=self.csv_text(), rows=len(self.data), metadata=self.metadata(),
                                   sources=self.sources))

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


HIGHLIGHT_MARKS = {"line", "point", "circle", "trail"}
HIGHLIGHT_PARAM = "highlighted_country"


def _unit_specs(node) -> Iterable[dict]:
    if isinstance(node, dict):
        if "mark" in node:
            yield node
        for key in ("layer", "hconcat", "vconcat", "concat", "spec"):
            children = node.get(key)
            for child in children if isinstance(children, list) else [children] if children else []:
                yield from _unit_specs(child)


def _legend_highlight(spec: dict) -> None:
    """Clicking a legend entry of a line or scatter chart highlights that series (a Vega-Lite
    selection bound to the legend); the rest fade. Nothing changes until the reader clicks, so
    the static SVG is the same chart."""
    eligible = []
    for unit in _unit_specs(spec):
        mark = unit["mark"] if isinstance(unit["mark"], str) else unit["mark"].get("type")
        colour = (unit.get("encoding") or {}).get("color") or {}
        if mark in HIGHLIGHT_MARKS and colour.get("field") and colour.get("type") == "nominal" \
                and colour.get("legend", {}) is not None and "opacity" not in unit["encoding"]:
            eligible.append((unit, colour["field"]))
    fields = {field for _, field in eligible}
    if len(fields) != 1:  # no series to pick, or colours that mean different things
        return
    (field,) = fields
    eligible[0][0].setdefault("params", []).append(
        {"name": HIGHLIGHT_PARAM, "select": {"type": "point", "fields": [field]}, "bind": "legend"})
    for unit, _ in eligible:
        unit["encoding"]["opacity"] = {"condition": {"param": HIGHLIGHT_PARAM, "value": 1}, "value": 0.15}


_SVG_DECLARATION = re.compile(r"^<\?xml[^>]*>\s*")


@cached(versions=(version("vl-convert-python"),))  # nbval's re-run and unchanged charts skip the renderer
def _vegalite_svg(spec_json: str) -> str:
    # The cache hashes the JSON text ten times faster than the dict. The renderer gets the dict back: its own
    # JSON parser can round a float's last digit differently (a label read +11.3 instead of +11.4).
    return vl_convert.vegalite_to_svg(json.loads(spec_json))


def render_svg(spec: dict) -> str:
    """The chart as SVG, hidden from screen readers: its wrapper (role img) carries the description,
    so assistive technology reads one clear text instead of hundreds of unlabelled marks."""
    svg = _SVG_DECLARATION.sub("", _vegalite_svg(json.dumps(spec)))
    return svg.replace("<svg", '<svg aria-hidden="true" focusable="false"', 1)


# Large inline datasets (a map's topology) by name: Altair would copy and validate every coordinate of
# them each time a chart is built and serialised, which took seconds per map. A chart refers to one by
# name (``alt.NamedData``) and figure() adds its values to the spec's top-level ``datasets``.
_NAMED_DATASETS: dict[str, object] = {}


def named_dataset(values, data_format: alt.DataFormat | None = None) -> alt.NamedData:
    """A reference to ``values`` that figure() fills in; its name is a digest of the values, so the spec
    (and nbval's comparison of it) is the same in every run."""
    name = "data-" + hashlib.sha256(json.dumps(values, sort_keys=True).encode("utf-8")).hexdigest()[:16]
    _NAMED_DATASETS.setdefault(name, values)
    return alt.NamedData(name=name, format=data_format) if data_format is not None else alt.NamedData(name=name)


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec with its named datasets filled in (``chart.to_dict()`` leaves them out)."""
    spec = chart.to_dict()
    _attach_named_datasets(spec, spec)
    return spec


def _attach_named_datasets(node, spec: dict) -> None:
    if isinstance(node, dict):
        data = node.get("data")
        if isinstance(data, dict) and data.get("name") in _NAMED_DATASETS:
            spec.setdefault("datasets", {})[data["name"]] = _NAMED_DATASETS[data["name"]]
        for value in node.values():
            _attach_named_datasets(value, spec)
    elif isinstance(node, list):
        for value in node:
            _attach_named_datasets(value, spec)


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
    spec = chart_spec(chart.properties(description=description))
    _wrap_title(spec)
    _legend_highlight(spec)
    found = Figure(name=name, spec=spec, description=description, data=data.reset_index(drop=True),
                   sources=resolved, notes=list(notes))
    if not found.title:
        raise ValueError(f"Figure {name!r} needs a title that states its finding.")
    found.svg = render_svg(spec)
    return found


def nice_domain(low: float, high: float, count: int = 10) -> tuple[float, float]:
    """The domain of a linear scale that Vega rounds out (``nice``, as for ``zero=False``): d3's ``scale.nice``
    widens it to whole steps of 1, 2 or 5 × 10^k, about ``count`` of them. Lets code place things in pixels."""
    for _ in range(2):  # d3 rounds twice: the first widening can change the step
        if not high > low:
            return low, high
        raw = (high - low) / count
        power = math.floor(math.log10(raw))
        error = raw / 10 ** power
        step = (10 if error >= math.sqrt(50) else 5 if error >= math.sqrt(10) else 2 if error >= math.sqrt(2)
                else 1) * 10 ** power
        low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    return low, high


def label_sides(points, width: float, height: float, obstacles=(), char_width: float = 5.6, line: float = 12.0,
                dx: float = 5.0, radius: float = 3.0) -> list[str | None]:
    """Greedy label placement, for every chart that names some of its points: ``points`` are (x, y, text) in
    pixels (y down), in order of priority. Each label goes to the right of its point, else to its left, where
    its box overlaps no label already placed and no point of ``obstacles`` (x, y), and stays inside the
    ``width`` × ``height`` plot; otherwise it is left out (None)."""
    kept: list[tuple[float, float, float, float]] = []
    dots = [(x - radius, y - radius, x + radius, y + radius) for x, y in obstacles]
    out: list[str | None] = []
    for x, y, text in points:
        width_text = char_width * len(text)
        side = None
        for name, left in (("right", x + dx - 1), ("left", x - dx - width_text - 1)):
            box = (left, y - line / 2, left + width_text + 2, y + line / 2)
            inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            if inside and all(box[2] < k[0] or box[0] > k[2] or box[3] < k[1] or box[1] > k[3] for k in kept + dots):
                side = name
                kept.append(box)
                break
        out.append(side)
    return out


def message_figure(name: str, title: str, message: str, sources: Iterable[str | Resource],
                   notes: Iterable[str] = ()) -> Figure:
    """A placeholder figure that says why there is nothing to draw (instead of an empty or failing chart):
    the title states what is missing, the message and the description say why, the sources are cited and
    the data download holds the message."""
    frame = pd.DataFrame({"message": [message]})
    lines = textwrap.wrap(message, 84) or [message]
    drawn = pd.DataFrame({"text": ["\n".join(lines)]})
    chart = alt.Chart(drawn).mark_text(fontSize=14, align="left", baseline="top", x=10, y=10, color="#333333",
                                       lineBreak="\n", lineHeight=20).encode(text="text:N").properties(
        title=title, width=WIDTH, height=20 + 20 * len(lines))
    return figure(chart, name=name, description=f"No chart: {message}", data=frame, sources=sources, notes=notes)


def _offline_renderer(spec: dict, **_) -> dict:
    """Altair renderer for bare charts: static SVG plus spec, no CDN."""
    _attach_named_datasets(spec, spec)
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
function chartSpec(figure) {
    // Inline in a notebook and in the single-page build; in the book, a script file beside the page
    // (it registers the spec under the figure's id), which also works from file:// addresses.
    var specNode = figure.querySelector("script.vega-spec");
    if (specNode) return Promise.resolve(JSON.parse(specNode.textContent));
    var source = figure.getAttribute("data-spec-src");
    if (!source) return Promise.reject(new Error("no spec"));
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = source;
      script.onload = function () {
        var specs = window.reportChartSpecs || {};
        if (specs[figure.id]) { resolve(specs[figure.id]); } else { reject(new Error("spec missing")); }
      };
      script.onerror = reject;
      document.head.appendChild(script);
    });
}
function upgradeChart(figure) {
    var staticNode = figure.querySelector(".chart-static");
    if (!staticNode || figure.dataset.interactive) return Promise.resolve();
    var holder = document.createElement("div");
    holder.className = "chart-interactive";
    holder.setAttribute("role", "img");
    holder.setAttribute("aria-label", staticNode.getAttribute("aria-label") || "");
    return chartSpec(figure).then(function (spec) {
      return vegaEmbed(holder, spec, { renderer: "svg", actions: false });
    }).then(function () {
      // As for the static chart: the wrapper is the image and carries the description.
      holder.setAttribute("role", "img");
      holder.setAttribute("aria-label", staticNode.getAttribute("aria-label") || "");
      var svg = holder.querySelector("svg");
      if (svg) { svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false"); }
      figure.dataset.interactive = "true";
      staticNode.replaceWith(holder);
    }).catch(function () { /* keep the static chart */ });
}
function upgradeReportCharts() {
  // One chart per task, so the page stays responsive while they upgrade.
  var figures = Array.prototype.slice.call(document.querySelectorAll("figure.report-chart"));
  (function next(i) {
    if (i >= figures.length) return;
    upgradeChart(figures[i]).then(function () { setTimeout(function () { next(i + 1); }, 0); });
  })(0);
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", upgradeReportCharts);
} else {
  upgradeReportCharts();
}
"""


@cached(versions=(version("vl-convert-python"),))  # the same file for every build and variant
def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed with the upgrade code, in its own function scope."""
    # The scope keeps the bundle's top-level names away from Sphinx's globals.
    return "(function () {\n" + vl_convert.javascript_bundle(_UPGRADE_SNIPPET) + "\n})();\n"
