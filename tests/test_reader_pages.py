"""Pages for readers: light where they can be, each with its description, downloads and a PDF of the report."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess

import nbformat
import pytest
from bs4 import BeautifulSoup

from conftest import REPO

spec = importlib.util.spec_from_file_location("reader_pages", REPO / "_ext" / "reader_pages.py")
reader_pages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reader_pages)


def test_description_is_the_first_real_paragraph_cut_at_a_word():
    body = ("<p>Short.</p><p>An area of strength starts with people, and this chapter measures the cultural "
            "workforce of <em>the Nordic countries</em> with Eurostat's statistics, which count everyone who works "
            "in a cultural occupation or a cultural industry.</p>")
    text = reader_pages.page_description(body)
    assert text.startswith("An area of strength starts with people") and "<em>" not in text
    assert len(text) <= reader_pages.DESCRIPTION_LENGTH + 1 and text.endswith("…")
    assert not text[:-1].endswith(" ")
    assert reader_pages.page_description("<p>Too short.</p>") is None


def test_figures_leave_the_page_for_files_beside_it(tmp_path):
    """A chart made by charts.figure: its SVG becomes an image, its spec a script file, its downloads files."""
    import altair as alt
    import pandas as pd

    from ai_culture_report import charts

    frame = pd.DataFrame({"geo": ["DK", "SE"], "value": [1.5, 2.5]})
    chart = alt.Chart(frame).mark_bar().encode(x=alt.X("geo:N", title="Country"),
                                               y=alt.Y("value:Q", title="Value (%)")).properties(
        title="Sweden's value is higher than Denmark's", width=200, height=100)
    found = charts.figure(chart, name="test-bars", description="Bar chart of two countries' values.",
                          data=frame, sources=["cult_emp_share"])
    body = "<p>Text.</p>" + found._repr_html_() + found._repr_html_().replace("test-bars", "test-bars-2")
    page = reader_pages.externalise_figures(body, tmp_path, lambda name: f"../_reuse/page/{name}")
    assert "<svg" not in page and "vega-spec" not in page and "data:text/csv" not in page
    soup = BeautifulSoup(page, "html.parser")
    first, second = soup.select("figure.report-chart")
    image = first.select_one(".chart-static[role=img] img")
    assert image["src"] == "../_reuse/page/test-bars.svg" and image["alt"] == "" and image["loading"] == "eager"
    assert int(image["width"]) > 200 and int(image["height"]) > 100
    assert second.select_one("img")["loading"] == "lazy"
    assert first.select_one(".chart-static")["aria-label"] == found.description  # the wrapper still names it
    assert first["data-spec-src"] == "../_reuse/page/test-bars.spec.js"
    assert (tmp_path / "test-bars.svg").read_text() == found.svg
    registered = (tmp_path / "test-bars.spec.js").read_text()
    assert registered.startswith("(window.reportChartSpecs = window.reportChartSpecs || {})[\"figure-test-bars\"] = ")
    assert json.loads(registered.split("] = ", 1)[1].rstrip().rstrip(";")) == found.spec
    downloads = {a["download"]: a["href"] for a in first.select("a[download]")}
    assert downloads == {"test-bars.csv": "../_reuse/page/test-bars.csv",
                         "test-bars.metadata.json": "../_reuse/page/test-bars.metadata.json"}
    assert (tmp_path / "test-bars.csv").read_text() == found.csv_text()
    assert json.loads((tmp_path / "test-bars.metadata.json").read_text())["title"] == found.title
    assert reader_pages.externalise_figures("<p>No chart.</p>", tmp_path / "none", str) == "<p>No chart.</p>"
    assert not (tmp_path / "none").exists()


def chart_specs(page) -> list[dict]:
    """The specs of a built page's charts, from the script files beside it."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    specs = []
    for figure in soup.select("figure.report-chart[data-spec-src]"):
        text = (page.parent / figure["data-spec-src"]).read_text(encoding="utf-8")
        specs.append(json.loads(text.split("] = ", 1)[1].rstrip().rstrip(";")))
    return specs


def test_rerunnable_notebook_has_no_outputs_and_shows_its_parameters(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("countries = ['DK']", metadata={"tags": ["parameters", "remove-cell"]}),
        nbformat.v4.new_code_cell("countries = ['EE']", metadata={"tags": ["injected-parameters", "hide-input"]}),
        nbformat.v4.new_code_cell("print(countries)", execution_count=3,
                                  outputs=[nbformat.v4.new_output("stream", text="['EE']\n")]),
    ]
    notebook.metadata["papermill"] = {"parameters": {"countries": ["EE"]}}
    source, target = tmp_path / "executed.ipynb", tmp_path / "out" / "chapter.rerun.ipynb"
    nbformat.write(notebook, source)
    assert reader_pages.rerunnable_notebook(source, target) == "countries = ['EE']"
    result = nbformat.read(target, as_version=4)
    assert all(not c.outputs and c.execution_count is None for c in result.cells)
    assert result.cells[0].metadata["tags"] == ["parameters"]
    assert result.cells[1].source == "countries = ['EE']"  # this book's parameters stay
    assert "papermill" not in result.metadata


def pages(html_root):
    return sorted(p for p in html_root.rglob("*.html") if "_static" not in p.parts
                  and p.name not in {"genindex.html", "search.html", "index.html"})


@pytest.mark.pipeline
def test_only_chart_pages_load_the_chart_runtime_and_no_page_loads_font_awesome(built_book):
    for page in pages(built_book["html"]):
        text = page.read_text(encoding="utf-8")
        soup = BeautifulSoup(text, "html.parser")
        sources = [s.get("src", "") for s in soup.find_all("script")]
        assert not any("fontawesome" in s for s in sources), page.name
        assert not any(s.endswith(reader_pages.CHART_BUNDLE) for s in sources), f"{page.name}: loaded before paint"
        has_chart = bool(soup.select("figure.report-chart"))
        assert (reader_pages.CHART_BUNDLE in text) == has_chart, page.name
        assert not any("THEBE_JS_URL" in (s.string or "") for s in soup.find_all("script")), page.name


@pytest.mark.pipeline
def test_every_page_describes_itself_and_has_a_favicon(built_book):
    for page in pages(built_book["html"]):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        description = soup.find("meta", attrs={"name": "description"})
        assert description and len(description["content"]) >= 40, page.name
        assert soup.find("link", rel="icon"), page.name


@pytest.mark.pipeline
def test_chapters_offer_the_report_pdf_and_their_notebook_to_rerun(built_book):
    html_root = built_book["html"]
    assert (html_root / "report.pdf").is_file()
    for page in sorted((html_root / "chapters").glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        links = {a.get("href") for a in soup.find_all("a")}
        assert "../report.pdf" in links, page.name
        rerun = f"../_sources/chapters/{page.stem}.rerun.ipynb"
        assert rerun in links and soup.select_one("aside.rerun-note"), page.name
        notebook = nbformat.read(html_root / "_sources" / "chapters" / f"{page.stem}.rerun.ipynb", as_version=4)
        assert not any(c.get("outputs") for c in notebook.cells), page.name


@pytest.mark.pipeline
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is needed")
def test_the_report_pdf_holds_every_chapter_and_chart(built_book):
    pdf = built_book["html"] / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages_count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    chapters = sorted((built_book["html"] / "chapters").glob("*.html"))
    for page in chapters:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        title = " ".join(soup.find("h1").get_text(" ", strip=True).rstrip("#").split())
        assert title[:40] in text, f"chapter {title!r} not in the PDF"
        specs = chart_specs(page)
        assert len(specs) == len(soup.select("figure.report-chart")), page.name
        for chart_spec in specs:
            chart_title = chart_spec.get("title", {})
            lines = chart_title.get("text") if isinstance(chart_title, dict) else chart_title
            first = (lines[0] if isinstance(lines, list) else lines)[:30]
            assert " ".join(first.split()) in text, f"{page.name}: chart {first!r} not in the PDF"
    assert "Cite as:" in text and "References" in text
    assert 2 * len(chapters) <= pages_count <= 600
