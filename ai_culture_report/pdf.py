"""The whole report as one PDF, made offline from the staged book.

Jupyter Book renders the staged (already executed) book as a single HTML page; this
module turns that page into a print document (a title page with the citation, the
contents, every chapter on a new page, the charts as their static SVG with captions and
sources, the summaries and the references; no scripts, no code, no downloads) and Debian's
Chromium prints it (``scripts/print_pdf.mjs``, through playwright-core) with numbered pages
and a PDF outline. Nothing is fetched from the network.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
from pathlib import Path

from .data import REPO_ROOT
from .errors import ReportError
from .reuse import report_citation, report_reference

PRINTER = REPO_ROOT / "scripts" / "print_pdf.mjs"
PDF_NAME = "report.pdf"

PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
html, body { background: #fff !important; color: #111 !important; font-size: 10.5pt; }
body { margin: 0; }
.pdf-title-page { break-after: page; padding-top: 30%; }
.pdf-title-page h1 { font-size: 26pt; line-height: 1.2; margin-bottom: 1.2rem; }
.pdf-title-page p { font-size: 12pt; max-width: 36rem; }
.pdf-contents { break-after: page; }
.pdf-contents ol { list-style: none; padding-left: 0; }
.pdf-contents li { margin: 0.25rem 0; }
.pdf-contents .pdf-part { font-weight: 600; margin-top: 0.8rem; }
.pdf-chapter { break-before: page; }
figure.report-chart .chart-static, tr { break-inside: avoid; }
.chart-sources-title, .chart-notes-title { break-after: avoid; }
figure.report-chart svg { max-width: 100% !important; height: auto !important; }
h1, h2, h3 { break-after: avoid; }
a { color: #0b5394; text-decoration: none; }
a.headerlink, .chart-download, details, .cell_input, .chart-permalink, script.vega-spec { display: none !important; }
"""


def printer_missing() -> str | None:
    """Why the PDF cannot be printed on this machine, or None when it can."""
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        return f"no Chromium at {chromium}: install Debian's chromium, or set CHROMIUM"
    if shutil.which("node") is None:
        return "Node.js is not installed"
    if not (REPO_ROOT / "node_modules" / "playwright-core").is_dir():
        return "playwright-core is not installed: run `npm ci`"
    return None


def print_document(page: str, title: str, toc_captions: dict[str, str]) -> str:
    """The print version of the single-page book: title page, contents, then every chapter.

    ``toc_captions`` maps a document (``chapters/synthesis``) to the caption of the part it
    opens, so the contents show the book's parts.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    article = soup.select_one("article")
    if article is None:
        raise ReportError("The single-page book has no <article>: cannot make the PDF.")
    for node in article.select("script, a.headerlink, details, div.cell_input, p.chart-download, "
                               "a.chart-permalink"):
        node.decompose()
    chapters = []
    for marker in article.find_all("span", id=lambda v: bool(v) and v.startswith("document-")):
        section = marker.find_next("section")
        heading = section.find(["h1", "h2"]) if section else None
        if section is None or heading is None:
            continue
        section["class"] = section.get("class", []) + ["pdf-chapter"]
        chapters.append((marker["id"].removeprefix("document-"), section.get("id"), heading.get_text(" ", strip=True)))
    reference = report_reference()
    contents = []
    for document, anchor, heading in chapters:
        if document in toc_captions:
            contents.append(f'<li class="pdf-part">{html.escape(toc_captions[document])}</li>')
        contents.append(f'<li><a href="#{html.escape(anchor)}">{html.escape(heading)}</a></li>')
    head = "".join(str(link) for link in soup.select("head link[rel=stylesheet]"))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>{head}'
        f"<style>{PRINT_CSS}</style></head><body>"
        f'<section class="pdf-title-page"><h1>{html.escape(title)}</h1>'
        f"<p>{html.escape(reference['title'])}, version {html.escape(reference['version'])}, "
        f"{html.escape(reference['year'])}.</p>"
        f"<p>{html.escape(' and '.join(reference['authors']))}. Text and figures: {html.escape(reference['licence'])}; "
        f"the data keep their publishers' licences, named under every chart.</p>"
        f"<p><strong>Cite as:</strong> {html.escape(report_citation())}</p></section>"
        f'<nav class="pdf-contents"><h2>Contents</h2><ol>{"".join(contents)}</ol></nav>'
        f"<main>{article.decode_contents()}</main></body></html>"
    )


def toc_captions(toc: dict) -> dict[str, str]:
    """The first document of each part of ``_toc.yml``, with the part's caption."""
    return {part["chapters"][0]["file"]: part["caption"] for part in toc.get("parts", [])
            if part.get("chapters") and part.get("caption")}


def build_pdf(stage: Path, target: Path, title: str, toc: dict) -> Path:
    """Render ``stage`` as one page, print it, and write ``target/report.pdf``; return the PDF's path."""
    out = stage / "_build" / "singlehtml"
    shutil.rmtree(out, ignore_errors=True)
    command = ["jupyter-book", "build", str(stage), "--builder", "singlehtml", "-q", "--all"]
    result = subprocess.run(command, capture_output=True, text=True)
    page = out / "intro.html"
    if result.returncode != 0 or not page.exists():
        raise ReportError(f"The single-page book for the PDF failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    printable = out / "print.html"
    printable.write_text(print_document(page.read_text(encoding="utf-8"), title, toc_captions(toc)), encoding="utf-8")
    partial = target / (PDF_NAME + ".partial")
    env = {**os.environ, "NODE_PATH": str(REPO_ROOT / "node_modules")}
    result = subprocess.run(["node", str(PRINTER), str(printable), str(partial), title],
                            capture_output=True, text=True, env=env, cwd=REPO_ROOT)
    if result.returncode != 0 or not partial.exists():
        partial.unlink(missing_ok=True)
        raise ReportError(f"Printing the PDF failed: {result.stderr[-3000:] or result.stdout[-3000:]}")
    final = target / PDF_NAME
    partial.replace(final)
    return final
