"""Every built page opened in headless Chromium with no network: charts render, no errors show."""

from __future__ import annotations

import shutil
import subprocess
import tempfile

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium")
ERROR_MARKERS = ("Traceback (most recent call last)", "Javascript Error", "Error: ", "NameError", "KeyError")


def open_offline(url: str) -> str:
    """The DOM after scripts ran, with the browser in a network namespace of its own (no network at all)."""
    with tempfile.TemporaryDirectory() as profile:
        command = ["unshare", "-n", CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--no-first-run", f"--user-data-dir={profile}", "--virtual-time-budget=15000", "--dump-dom", url]
        result = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def content_pages(html_root):
    return sorted(p for p in html_root.rglob("*.html") if p.parent.name == "chapters" or p.name == "intro.html")


@pytest.mark.skipif(CHROMIUM is None or shutil.which("unshare") is None, reason="chromium and unshare are needed")
def test_every_page_renders_its_charts_offline(built_book):
    pages = content_pages(built_book["html"])
    assert pages
    for page in pages:
        static = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        expected = len(static.select("figure.report-chart"))
        dom = BeautifulSoup(open_offline(page.as_uri()), "html.parser")
        figures = dom.select("figure.report-chart")
        assert len(figures) == expected, page.name
        for figure in figures:
            assert figure.find("svg") is not None, f"{page.name}: {figure.get('id')} has no SVG"
            # The vendored Vega bundle ran without network and swapped in the interactive chart.
            assert figure.get("data-interactive") == "true", f"{page.name}: {figure.get('id')} not interactive"
            assert figure.select_one("a[download]") is not None
        main = dom.find("main") or dom
        text = main.get_text(" ")
        for marker in ERROR_MARKERS:
            assert marker not in text, f"{page.name} shows {marker!r}"
