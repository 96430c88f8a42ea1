"""Charts carry their finding, description, sources and data; prose numbers paste as plain text."""

from __future__ import annotations

import base64
import re

import altair as alt
import pandas as pd
import pytest

from ai_culture_report import charts, prose
from ai_culture_report.data import Resource


SOURCE = Resource(name="share", path="x.csv", sha256="0" * 64, title="Cultural employment",
                  publisher="Eurostat", dataset_code="cult_emp_sex", official_url="https://example.org/cult_emp_sex",
                  licence={"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}, vintage="July 2024")
FRAME = pd.DataFrame({"name": ["Denmark", "Sweden"], "value": [4.5, 4.9]})


def bar(title="Sweden has the larger share of cultural employment"):
    chart = alt.Chart(FRAME).mark_bar().encode(x=alt.X("value:Q", title="Share (%)"), y=alt.Y("name:N", title=None))
    return chart.properties(title=title) if title else chart


def make(**overrides):
    chart = overrides.pop("chart", None) or bar()
    arguments = dict(name="test-chart", description="Bar chart of the cultural share: Denmark 4.5%, Sweden 4.9%.",
                     data=FRAME, sources=[SOURCE])
    arguments.update(overrides)
    return charts.figure(chart, **arguments)


def test_figure_html_has_svg_spec_caption_and_data():
    html = make()._repr_html_()
    assert html.count("<svg") == 1
    assert 'class="vega-spec"' in html
    assert "Eurostat" in html and "cult_emp_sex" in html and "Creative Commons Attribution 4.0" in html
    assert "July 2024" in html and "https://example.org/cult_emp_sex" in html
    assert 'aria-label="Bar chart of the cultural share' in html
    encoded = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', html).group(1)
    assert base64.b64decode(encoded).decode() == "name,value\nDenmark,4.5\nSweden,4.9\n"


def test_figure_html_needs_no_network():
    html = make()._repr_html_()
    assert not re.search(r'<script[^>]+src=', html)
    assert "cdn." not in html


def test_figure_is_deterministic():
    assert make()._repr_html_() == make()._repr_html_()


def test_long_titles_are_wrapped_not_truncated():
    long_title = "A title that states a finding at length, far longer than the chart is wide, so it must wrap"
    spec = make(chart=bar(long_title)).spec
    assert isinstance(spec["title"]["text"], list) and " ".join(spec["title"]["text"]) == long_title


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"chart": bar(title=None)}, "needs a title"),
        ({"description": ""}, "text description"),
        ({"sources": []}, "at least one registered dataset"),
        ({"name": "Bad Name"}, "lower-case"),
    ],
)
def test_figure_refuses_incomplete_charts(overrides, message):
    with pytest.raises(ValueError, match=message):
        make(**overrides)


def test_colour_scale_keeps_countries_apart_and_aggregate_black():
    scale = charts.colour_scale(["DK", "FI", "SE"], "EU27_2020").to_dict()
    assert scale["domain"] == ["DK", "FI", "SE", "EU27_2020"]
    assert len(set(scale["range"][:3])) == 3 and scale["range"][3] == "#000000"


def test_bundle_is_wrapped_in_its_own_scope():
    bundle = charts.javascript_bundle()
    assert bundle.startswith("(function () {") and bundle.rstrip().endswith("})();")
    assert "upgradeReportCharts" in bundle


@pytest.mark.parametrize("text", ["13,485", "0.80", "2017", "3.5%", "Denmark's “first” strategy (2019)"])
def test_glued_text_is_pasted_exactly_as_written(text):
    from IPython.core.formatters import PlainTextFormatter
    from myst_nb.core.variables import format_plain_text

    stored = PlainTextFormatter()(prose.publish("probe", text))  # what glue keeps as text/plain
    assert format_plain_text(stored, "") == text
    assert format_plain_text(stored, "s") == text
    # Why plain str: unquoted text would be read as Python (a tuple here).
    assert format_plain_text("13,485", "") != "13,485"


def test_formatters():
    assert prose.percent(4.123) == "4.1%"
    # the text rounds as the chart's d3 formats and the Python descriptions do (binary value), so they agree
    assert prose.percent(19.95) == f"{19.95:.1f}%" == "19.9%"
    assert prose.percent(11.45) == f"{11.45:.1f}%"
    assert prose.points(-0.05) == "−0.1 percentage points"
    assert prose.points(1.04) == "+1.0 percentage point"
    assert prose.points(-0.25, 2) == "−0.25 percentage points"
    assert prose.signed_percent(0) == "±0.0%"
    assert prose.percent(float("nan")) == "not available"
    assert prose.number(12345.678, 0) == "12,346"
    assert [prose.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd"]


LINES = pd.DataFrame({"year": [2020, 2021, 2020, 2021], "name": ["Denmark", "Denmark", "Sweden", "Sweden"],
                      "value": [4.5, 4.6, 4.9, 5.0]})


def test_line_chart_legend_highlights_a_country_and_renders_statically():
    base = alt.Chart(LINES).encode(x=alt.X("year:O", title="Year"), y=alt.Y("value:Q", title="Share (%)"),
                                   color=alt.Color("name:N", title="Country"))
    chart = (base.mark_line() + base.mark_point()).properties(title="Sweden stays ahead of Denmark")
    found = make(chart=chart, data=LINES)
    layers = found.spec["layer"]
    assert layers[0]["params"] == [{"name": charts.HIGHLIGHT_PARAM, "select": {"type": "point", "fields": ["name"]},
                                    "bind": "legend"}]
    assert all(layer["encoding"]["opacity"]["condition"]["param"] == charts.HIGHLIGHT_PARAM for layer in layers)
    assert "params" not in layers[1]  # defined once, used by both layers
    assert found.svg.count("<svg") == 1


def test_bars_and_charts_without_a_legend_are_left_alone():
    assert "params" not in make().spec  # a bar chart
    no_legend = alt.Chart(LINES).mark_line().encode(x="year:O", y="value:Q",
                                                    color=alt.Color("name:N", legend=None)).properties(title="Two lines")
    spec = make(chart=no_legend, data=LINES).spec
    assert "params" not in spec and "opacity" not in spec["encoding"]


def test_outside_years_says_which_years_the_source_has():
    assert prose.outside_years("series", [2011, 2015, 2022], 2000, 2005) == (
        "The series covers 2011–2022, so none of its years falls within 2000–2005.")
    assert prose.outside_years("survey", [2025], 2011, 2011) == (
        "The survey covers 2025, so none of its years falls within 2011.")


def test_message_figure_says_why_there_is_no_chart():
    found = charts.message_figure("nothing-here", "No data for Kosovo", "The source has no value for Kosovo.", [SOURCE])
    assert found.title == "No data for Kosovo" and found.svg.startswith("<svg")
    assert found.description == "No chart: The source has no value for Kosovo."
    assert found.data["message"].tolist() == ["The source has no value for Kosovo."]


def test_colour_grammar_gives_missing_values_their_own_labelled_grey():
    from ai_culture_report import charts

    assert charts.position_label(21.0, 20.0) == "above the reference"
    assert charts.position_label(20.0, 20.0) == "at or below the reference"
    assert charts.position_label(float("nan"), 20.0) == charts.NO_DATA_LABEL
    assert charts.position_label(5.0, None) == charts.NO_DATA_LABEL
    scale = charts.comparison_colour("position").to_dict()["scale"]
    colours = dict(zip(scale["domain"], scale["range"]))
    assert colours[charts.NO_DATA_LABEL] == charts.NO_DATA_COLOUR
    assert len(set(colours.values())) == 3  # above, below and missing never share a colour
    assert charts.colour_name(colours["above the reference"]) == "blue"


def test_labels_that_would_overlap_are_left_out():
    sides = charts.label_sides([(10, 50, "Stockholm"), (12, 52, "Solna"), (10, 100, "Uppsala"),
                                (195, 10, "Edge")], width=200, height=200)
    assert sides == ["right", None, "right", "left"]  # Solna has no room; Edge fits only on its left


def test_labels_avoid_other_points_by_moving_left():
    sides = charts.label_sides([(100, 50, "Oslo")], width=200, height=200, obstacles=[(120, 50)])
    assert sides == ["left"]
    sides = charts.label_sides([(100, 50, "Oslo")], width=200, height=200, obstacles=[(120, 50), (80, 50)])
    assert sides == [None]


def test_nice_domain_rounds_out_as_vega_draws_the_axis():
    # The synthesis quadrant's axes for the Portugal variant run from 0.3 to 1.5 and from 0.2 to 2.2.
    assert charts.nice_domain(0.39, 1.42) == pytest.approx((0.3, 1.5))
    assert charts.nice_domain(0.26, 2.11) == pytest.approx((0.2, 2.2))
    assert charts.nice_domain(3, 97) == (0, 100) and charts.nice_domain(1.0, 1.0) == (1.0, 1.0)
