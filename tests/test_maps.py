"""Tests of the Europe maps: colour grammar, missing values and the selected countries' outline."""

from __future__ import annotations

import math

import altair as alt

from ai_culture_report import charts, maps
from ai_culture_report.params import validate


def test_choropleth_marks_countries_without_a_value_as_no_data():
    params = validate(["DK", "SE"])
    table = maps.choropleth_table({"DK": 2.0, "SE": 0.5, "DE": 1.0}, params, reference=1.0,
                                  above="above", below="below").set_index("geo")
    assert table.loc["DK", "category"] == "above" and table.loc["SE", "category"] == "below"
    assert table.loc["DE", "category"] == "below"  # at the reference counts as not above
    assert table.loc["FR", "category"] == charts.NO_DATA_LABEL and math.isnan(table.loc["FR", "value"])
    assert table.loc["DK", "selected"] and not table.loc["DE", "selected"]


def test_country_choropleth_uses_the_colour_grammar_and_outlines_the_selection():
    params = validate(["DK", "SE"])
    chart = maps.country_choropleth({"DK": 2.0, "SE": 0.5}, params, title="Index", value_title="Index",
                                    reference=1.0, above="above", below="below")
    assert isinstance(chart, alt.LayerChart)
    spec = charts.chart_spec(chart)
    layers = spec["layer"]
    colour = layers[1]["encoding"]["color"]["scale"]
    assert colour["domain"] == ["above", "below", charts.NO_DATA_LABEL]
    assert colour["range"] == [charts.ABOVE_COLOUR, charts.BELOW_COLOUR, charts.NO_DATA_COLOUR]
    outline = layers[-1]
    topology = spec["datasets"][outline["data"]["name"]]  # the map's topology, by name
    ids = {g["properties"]["id"] for g in topology["objects"]["nutsrg"]["geometries"]}
    assert ids == {"DK", "SE"} and outline["mark"]["filled"] is False
    assert "no data" in charts.render_svg(spec)


def test_sequential_choropleth_keeps_a_no_data_legend():
    params = validate(["IS"])
    chart = maps.country_choropleth({"IS": 3.0, "NO": 1.0}, params, title="Values", value_title="Value")
    spec = chart.to_dict()
    scales = [l["encoding"]["color"].get("scale", {}) for l in spec["layer"] if "color" in l.get("encoding", {})]
    assert {"domain": [charts.NO_DATA_LABEL], "range": [charts.NO_DATA_COLOUR]} in scales
    assert spec["resolve"]["scale"]["color"] == "independent"


def test_a_map_frames_the_parameters_countries():
    nordic, alpine = maps.extent(["DK", "FI", "IS", "NO", "SE"]), maps.extent(["LI", "CH"])
    assert nordic[3] > 68 and nordic[0] < -20           # reaches the Arctic and Iceland
    assert 45 < alpine[1] < alpine[3] < 49 and 5 < alpine[0] < alpine[2] < 12
    assert maps.extent(["US"]) is None
    frame = maps.map_frame(alpine)
    x, y = frame.pixels(8.5, 47.4)                     # Zürich lies inside the map
    assert 0 < x < frame.width and 0 < y < frame.height
