"""Read a built book back: the values glued into its notebooks and the data behind its charts.

Used by the tests that check text against charts and by ``scripts/chapter_metrics.py``.
"""

from __future__ import annotations

import base64
import io
import math
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
from bs4 import BeautifulSoup

# A number as the prose writes it: 1,234.5 or 11.5 (a leading minus or the typographic one kept)
NUMBER = re.compile(r"(?<![\w.,])([-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−]?\d+(?:\.\d+)?)(?![\w])")


def glued_values(notebook: Path) -> list[tuple[str, str]]:
    """(name, plain text) of every value glued in an executed notebook, charts and HTML left out."""
    values = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook")
            if not record:
                continue
            # myst-nb stores a glued value under its mime type behind a prefix
            prefix = record.get("mime_prefix", "")
            data = {key.removeprefix(prefix): value for key, value in output.get("data", {}).items()}
            if "text/plain" in data and not any(k.startswith(("image/", "application/vnd.vega")) or k == "text/html"
                                                for k in data):
                values.append((record.get("name", ""), str(data["text/plain"]).strip("'\"")))
    return values


def chart_tables(page: Path) -> dict[str, pd.DataFrame]:
    """The CSV download of every chart and table on a built page, by file name: a file beside the page
    (the book), or inline in a data: address (a notebook's output, the single-page build)."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    tables = {}
    for link in soup.select('a[download$=".csv"]'):
        href = link["href"]
        if href.startswith("data:"):
            head, _, payload = href.partition(",")
            text = base64.b64decode(payload).decode("utf-8") if ";base64" in head else urllib.parse.unquote(payload)
        else:
            text = (page.parent / urllib.parse.unquote(href)).read_text(encoding="utf-8")
        tables[link["download"]] = pd.read_csv(io.StringIO(text))
    return tables


@dataclass(frozen=True)
class Mismatch:
    glue_name: str
    text: str
    number: str
    chart: str
    column: str
    value: float

    def __str__(self) -> str:
        return (f"glued {self.glue_name!r} says {self.number} ({self.text[:90]!r}) where chart data "
                f"{self.chart}:{self.column} holds {self.value!r}, which the chart shows as "
                f"{self.value:.{_decimals(self.number)}f}")


def _decimals(number: str) -> int:
    return len(number.split(".")[1]) if "." in number else 0


def _is_tie(value: float, decimals: int) -> bool:
    """True when the value sits on a rounding boundary at ``decimals`` (19.95 at one decimal)."""
    scaled = abs(value) * 10 ** decimals
    return abs(scaled - math.floor(scaled) - 0.5) < 1e-6


def glue_chart_mismatches(glued: list[tuple[str, str]], tables: dict[str, pd.DataFrame]) -> list[Mismatch]:
    """Glued numbers that round a chart's value differently from the chart.

    A text and its chart disagree by one in the last digit when one rounds a boundary value
    (a published 11.45) up and the other down. For each number in the glued text that no chart
    value on the page shows identically, look for a chart value on such a boundary that rounds to
    the text's number the other way: that is the same fact printed twice, differently.
    """
    values = [(name, column, float(v)) for name, frame in tables.items()
              for column in frame.select_dtypes("number").columns for v in frame[column].dropna()]
    mismatches = []
    for glue_name, text in glued:
        for match in NUMBER.finditer(text):
            number = match.group(1).replace(",", "").replace("−", "-")
            decimals = _decimals(number)
            if decimals == 0:  # whole numbers are counts, codes and years here, not rounded measurements
                continue
            shown = {f"{v:.{decimals}f}" for _, _, v in values}
            if number in shown or number.lstrip("-") in shown:
                continue
            target = abs(float(number))
            for chart, column, value in values:
                if _is_tie(value, decimals) and abs(abs(value) - target) <= 0.5 * 10 ** -decimals + 1e-9:
                    mismatches.append(Mismatch(glue_name, text, match.group(1), chart, column, value))
                    break
    return mismatches
