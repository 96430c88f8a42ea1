"""Every chart and table travels with its metadata and citation; the report cites itself from CITATION.cff."""

from __future__ import annotations

import base64
import json
import re

import pandas as pd
import yaml

from ai_culture_report import reuse, tables

from conftest import REPO
from test_charts_and_prose import SOURCE, make


def downloads(html: str) -> dict[str, str]:
    """The files a page offers for download: name -> decoded content."""
    found = re.findall(r'<a download="([^"]+)" href="data:[^;]+;charset=utf-8;base64,([^"]+)"', html)
    return {name: base64.b64decode(payload).decode("utf-8") for name, payload in found}


def test_chart_offers_its_metadata_with_units_sources_and_citation():
    figure = make()
    files = downloads(figure._repr_html_())
    assert set(files) == {"test-chart.csv", "test-chart.metadata.json"}
    meta = json.loads(files["test-chart.metadata.json"])
    assert meta["title"] == "Sweden has the larger share of cultural employment"
    assert {"channel": "x", "title": "Share (%)"} in meta["axes_and_units"]
    assert meta["data_columns"] == ["name", "value"] and meta["data_rows"] == 2
    (source,) = meta["sources"]
    assert source["dataset_code"] == "cult_emp_sex" and source["vintage"] == "July 2024"
    assert source["licence"] == "Creative Commons Attribution 4.0"
    assert meta["citation"].startswith("“Sweden has the larger share of cultural employment” (chart), in ")
    assert "Eurostat (cult_emp_sex)" in meta["citation"]


def test_chart_has_a_cite_line_and_a_link_to_its_own_anchor():
    html = make()._repr_html_()
    assert 'id="figure-test-chart"' in html
    assert 'href="#figure-test-chart"' in html
    assert "Cite this chart:" in html


def test_table_offers_the_same_reuse_files():
    frame = pd.DataFrame({"geo": ["DK"], "value": [4.5]})
    table = tables.table(frame, name="test-table", title="Denmark's share", sources=[SOURCE],
                         columns=[tables.Column("geo", "Country"), tables.Column("value", "Share (%)", numeric=True)])
    html = table._repr_html_()
    files = downloads(html)
    assert files["test-table.csv"] == "geo,value\nDK,4.5\n"
    meta = json.loads(files["test-table.metadata.json"])
    assert meta["kind"] == "table" and {"channel": "column", "title": "Share (%)"} in meta["axes_and_units"]
    assert 'href="#table-test-table"' in html


def test_report_citation_follows_citation_cff():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text())
    text = reuse.report_citation()
    assert cff["title"] in text and str(cff["date-released"])[:4] in text
    bibtex = reuse.report_bibtex()
    assert bibtex.startswith("@techreport{") and f"title = {{{{{cff['title']}}}}}" in bibtex
    assert bibtex.count("{") == bibtex.count("}")


def test_axes_are_found_in_layered_and_concatenated_specs():
    spec = {"vconcat": [{"layer": [{"encoding": {"x": {"field": "year", "title": "Year"},
                                                  "y": {"field": "v", "axis": {"title": "Share (%)"}}}},
                                   {"encoding": {"x": {"field": "year", "title": "Year"}}}]},
                        {"encoding": {"color": {"field": "geo", "legend": {"title": "Country"}}}}]}
    assert reuse.axes_of(spec) == [{"channel": "x", "title": "Year"}, {"channel": "y", "title": "Share (%)"},
                                   {"channel": "color", "title": "Country"}]


def test_a_variant_book_cites_itself_as_a_variant_of_the_report():
    from ai_culture_report import params

    params.validate(["LI", "CH"], region_name="Liechtenstein and Switzerland", region_short="Alpine")
    text = reuse.item_citation("chart", "A finding", [SOURCE])
    assert "Can AI and culture become an Alpine area of strength? (LI, CH), a variant book of: " in text
    assert reuse.report_citation() in text
    params.validate(["DK", "FI", "IS", "NO", "SE"], region_name="the Nordic countries", region_short="Nordic")
    assert "variant" not in reuse.item_citation("chart", "A finding", [SOURCE])
