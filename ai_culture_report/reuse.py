"""What travels with a chart or a table when a reader takes it away: data, metadata and a citation.

Every chart and table of the book offers, under its caption, the exact data it shows
(CSV), a metadata file (JSON: title, description, axes and their units, sources with
dataset codes, vintages, licences and attribution, notes, and the suggested
citation), a "Cite this" line and a stable link to itself. The report's own citation
comes from ``CITATION.cff``, so the front page, the charts and the metadata files
cite the report the same way.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from functools import lru_cache

import yaml

from .bookconfig import book_title
from .data import REPO_ROOT, Resource
from .params import last_validated

CITATION_FILE = REPO_ROOT / "CITATION.cff"


@lru_cache(maxsize=1)
def report_reference() -> dict:
    """The report's authors, year, title, version and licence, read from ``CITATION.cff``."""
    cff = yaml.safe_load(CITATION_FILE.read_text(encoding="utf-8"))
    authors = [a.get("name") or " ".join(p for p in (a.get("given-names"), a.get("family-names")) if p)
               for a in cff.get("authors", [])]
    return {
        "authors": authors,
        "year": str(cff.get("date-released", ""))[:4],
        "title": cff["title"],
        "version": str(cff.get("version", "")),
        "licence": cff.get("license", ""),
        "url": cff.get("url") or cff.get("repository-code") or "",
    }


def report_citation() -> str:
    ref = report_reference()
    version = f", version {ref['version']}" if ref["version"] else ""
    where = f". {ref['url']}" if ref["url"] else ""
    return f"{' and '.join(ref['authors'])} ({ref['year']}). {ref['title']}{version}{where}."


def report_bibtex() -> str:
    ref = report_reference()
    fields = {"author": " and ".join(f"{{{a}}}" for a in ref["authors"]), "title": f"{{{ref['title']}}}",
              "year": ref["year"], "version": ref["version"], "note": f"Licence: {ref['licence']}"}
    if ref["url"]:
        fields["url"] = ref["url"]
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields.items() if value)
    return f"@techreport{{ai_culture_nordic_{ref['year']},\n{body}\n}}"


def citation_markdown() -> str:
    """The "Cite this report" block of the front page (MyST Markdown)."""
    return (f"{report_citation()} Text and figures: {report_reference()['licence']}.\n\n"
            f"```bibtex\n{report_bibtex()}\n```\n")


def item_citation(kind: str, title: str, sources: Sequence[Resource]) -> str:
    """How to cite one chart or table: the item, the book it is in, and the data it shows.

    A chart of a variant book (other countries) cites that book as a variant of the report."""
    data = "; ".join(s.publisher + (f" ({s.dataset_code})" if s.dataset_code else "") for s in sources)
    where = report_citation()
    book = last_validated()
    if book is not None and book_title(book) not in where:
        where = f"{book_title(book)} ({', '.join(book.countries)}), a variant book of: {where}"
    return f"“{title}” ({kind}), in {where} Data: {data}."


def data_uri(text: str, mediatype: str) -> str:
    return f"data:{mediatype};charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def source_record(source: Resource) -> dict:
    return {"dataset": source.name, "publisher": source.publisher, "dataset_code": source.dataset_code,
            "title": source.title, "official_url": source.official_url, "vintage": source.vintage,
            "licence": source.licence_name, "licence_url": source.licence.get("path"),
            "attribution": source.attribution}


def metadata_json(*, kind: str, name: str, title: str, description: str, axes: Sequence[dict],
                  sources: Sequence[Resource], notes: Sequence[str], columns: Sequence[str], rows: int) -> str:
    document = {
        "kind": kind, "name": name, "title": title, "description": description,
        "axes_and_units": list(axes), "notes": list(notes),
        "data_file": f"{name}.csv", "data_columns": list(columns), "data_rows": rows,
        "sources": [source_record(s) for s in sources],
        "citation": item_citation(kind, title, sources),
        "report": report_reference(),
    }
    return json.dumps(document, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def sources_html(sources: Sequence[Resource]) -> str:
    """The caption's list of sources: publisher, dataset code, page, vintage, licence."""
    items = []
    for source in sources:
        code = f" <code>{html.escape(source.dataset_code)}</code>" if source.dataset_code else ""
        link = f' (<a href="{html.escape(source.official_url)}">dataset page</a>)' if source.official_url else ""
        vintage = f"; vintage: {html.escape(source.vintage)}" if source.vintage else ""
        items.append(f"<li>{html.escape(source.publisher or 'Publisher not stated')}{code}: "
                     f"{html.escape(source.title)}{link}{vintage}; licence: {html.escape(source.licence_name)}.</li>")
    title = f'<p class="chart-sources-title">Source{"s" if len(sources) > 1 else ""}</p>'
    return f'{title}<ul class="chart-sources">{"".join(items)}</ul>'


def notes_html(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return f'<p class="chart-notes-title">Notes</p><ul class="chart-notes">{items}</ul>'


def reuse_html(*, kind: str, anchor: str, name: str, title: str, csv: str, rows: int, metadata: str,
               sources: Sequence[Resource]) -> str:
    """Downloads (CSV and metadata), the "Cite this" line and the stable link of one item."""
    label = "chart" if kind == "chart" else "table"
    return (
        f'<p class="chart-download"><a download="{name}.csv" href="{data_uri(csv, "text/csv")}">'
        f"Download the data behind this {label} (CSV, {rows:,} row{'' if rows == 1 else 's'})</a> · "
        f'<a download="{name}.metadata.json" href="{data_uri(metadata, "application/json")}">'
        f"its metadata (JSON: units, sources, licences, citation)</a></p>"
        f'<p class="chart-cite"><strong>Cite this {label}:</strong> {html.escape(item_citation(kind, title, sources))} '
        f'<a class="chart-permalink" href="#{anchor}">Link to this {label}</a></p>'
    )


def axes_of(spec: dict) -> list[dict]:
    """The titles of a Vega-Lite spec's positional and legend channels, in order, without repeats."""
    found: list[dict] = []

    def visit(node) -> None:
        if isinstance(node, dict):
            for channel, encoding in (node.get("encoding") or {}).items():
                if channel in {"x", "y", "color", "size", "theta", "column", "row", "facet"} \
                        and isinstance(encoding, dict):
                    text = encoding.get("title") or (encoding.get("axis") or {}).get("title") \
                        or (encoding.get("legend") or {}).get("title") or encoding.get("field")
                    if isinstance(text, list):
                        text = " ".join(text)
                    entry = {"channel": channel, "title": text}
                    if text and entry not in found:
                        found.append(entry)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(spec)
    return found
