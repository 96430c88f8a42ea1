"""Lighter, cleaner pages for readers: what each page loads, and what it says about itself.

- The chart runtime (the vendored Vega bundle, about 0.9 MB) is loaded only by pages that
  have a chart, and only after the page has loaded: the static SVG is already there, so the
  reader sees the chart at once and the interactive one replaces it a moment later.
- Thebe (live code cells) is switched off in ``_config.yml``, yet its extension still adds
  its scripts, one of which declares a constant twice and logs an error on every page.
  They are dropped.
- Each page gets a meta description: the opening of its first paragraph.
- A page carries its text; each chart's static SVG, its Vega-Lite spec and the downloads of charts
  and tables are files beside it (``_reuse/<page>/``): the SVG as an image, the spec loaded when
  the chart becomes interactive, the CSV and metadata at stable addresses a reader can cite. The
  single-page build the PDF is printed from keeps them inline.
- Nothing holds up the first paint that need not: every script file is deferred, scripts for
  widgets a page lacks (copy buttons, toggles, tabs), and their styles, are left out, and the search index loads on
  the search page only (``templates/theme/layout.html``).
- The download menu of every page offers the whole report as a PDF, and a chapter's menu offers
  its notebook twice: as executed for this book, and without outputs, ready to re-run. A short
  note at the end of each chapter says how to re-run it.
- The theme's search field loses its non-standard ``autocorrect`` attribute (``templates/``),
  and the themes' template sources copied into ``_static/`` are removed from the output.
- The theme's Font Awesome script (1.5 MB, for a dozen icons) is left out: the templates in
  ``templates/`` replace the theme's asset macros, and ``report.css`` draws the icons.
"""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
from pathlib import Path

CHART_BUNDLE = "vega-charts.js"
PDF = "report.pdf"  # written next to the HTML by the build (ai_culture_report/pdf.py)
DESCRIPTION_LENGTH = 155

_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")

# The static SVG of every chart is already in the page; the interactive layer (0.9 MB of Vega)
# arrives when the reader first scrolls, points or types, or once the page has been quiet for a
# few seconds, so it never competes with the first paint and the first reading.
_LOADER = """
(function () {
  var started = false;
  function loadCharts() {
    if (started) return;
    started = true;
    var script = document.createElement("script");
    script.src = %s;
    document.head.appendChild(script);
  }
  ["scroll", "wheel", "pointerover", "pointerdown", "touchstart", "keydown", "focusin"].forEach(function (name) {
    window.addEventListener(name, loadCharts, { once: true, passive: true });
  });
  window.addEventListener("load", function () { setTimeout(loadCharts, %d); });
})();
"""
QUIET_MS_BEFORE_CHARTS = 5000


def page_description(body: str) -> str | None:
    """The first paragraph of real text, shortened at a word boundary."""
    for match in _PARAGRAPH.finditer(body):
        text = " ".join(html.unescape(_TAG.sub("", match.group(1))).split())
        if len(text) >= 40:
            if len(text) > DESCRIPTION_LENGTH:
                text = text[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0].rstrip(",;:") + "…"
            return text
    return None


def _script_name(script) -> str:
    return str(getattr(script, "filename", script) or "")


def _is_thebe(script) -> bool:
    return "thebe" in _script_name(script) or "THEBE_JS_URL" in str(getattr(script, "attributes", {}).get("body", ""))


# Scripts and styles for widgets a page may not have, and the markup that shows it has them
# (an empty tuple: no page uses it, as thebe is switched off).
WIDGET_ASSETS = {"clipboard.min.js": "<pre", "copybutton.js": "<pre", "copybutton.css": "<pre",
                 "design-tabs.js": "sd-tab", "sphinx-design.min.css": "sd-",
                 "togglebutton.js": ("toggle", "dropdown"), "togglebutton.css": ("toggle", "dropdown"),
                 "sphinx-thebe.css": ()}


def _used_by(asset, body: str) -> bool:
    name = _script_name(asset).split("?")[0].rsplit("/", 1)[-1]
    markers = WIDGET_ASSETS.get(name)
    if markers is None:
        return True
    return any(marker in body for marker in ((markers,) if isinstance(markers, str) else markers))


def _deferred(script, javascript_class):
    """The same script file, run after the page is parsed, so it never holds up the first paint.

    Deferred scripts still run in document order, and the few inline ones only set variables
    that the files read when they run.
    """
    filename = getattr(script, "filename", None)
    attributes = dict(getattr(script, "attributes", {}) or {})
    if not filename or "async" in attributes or "defer" in attributes:
        return script
    attributes["defer"] = "defer"
    return javascript_class(filename, priority=getattr(script, "priority", 500), **attributes)


REUSE_FOLDER = "_reuse"
_FIGURE = re.compile(r'<figure class="report-chart" id="(?P<id>figure-[a-z0-9-]+)">(?P<inner>.*?)</figure>', re.S)
_STATIC = re.compile(r'(?P<open><div class="chart-static" role="img" aria-label="[^"]*">)(?P<svg><svg\b.*?</svg>)</div>',
                     re.S)
_SPEC = re.compile(r'<script type="application/json" class="vega-spec">(?P<json>.*?)</script>', re.S)
_DATA_LINK = re.compile(r'<a download="(?P<file>[^"/]+)" href="data:[^;,"]+;charset=utf-8;base64,(?P<data>[^"]*)"')
_SIZE = re.compile(r'<svg\b[^>]*?\swidth="(?P<w>[\d.]+)"[^>]*?\sheight="(?P<h>[\d.]+)"')
SPEC_REGISTRY = "reportChartSpecs"  # read by the chart upgrade in ai_culture_report/charts.py


def externalise_figures(body: str, folder: Path, url) -> str:
    """Move each chart's SVG and spec and every data download out of the page into ``folder``;
    ``url(name)`` is the address of ``folder/name`` from the page. The first chart's image loads at
    once (it may be the largest thing on the screen), the others as the reader scrolls to them."""
    files: dict[str, bytes] = {}
    images = 0

    def figure(match: re.Match) -> str:
        nonlocal images
        figure_id, inner = match["id"], match["inner"]
        name = figure_id.removeprefix("figure-")
        static = _STATIC.search(inner)
        if static:
            size = _SIZE.search(static["svg"])
            dimensions = f' width="{round(float(size["w"]))}" height="{round(float(size["h"]))}"' if size else ""
            files[f"{name}.svg"] = static["svg"].encode("utf-8")
            loading = "eager" if images == 0 else "lazy"
            images += 1
            image = (f'{static["open"]}<img src="{url(name + ".svg")}" alt=""{dimensions} loading="{loading}" '
                     f'decoding="async"></div>')
            inner = inner[:static.start()] + image + inner[static.end():]
        attributes = ""
        spec = _SPEC.search(inner)
        if spec:
            files[f"{name}.spec.js"] = (f"(window.{SPEC_REGISTRY} = window.{SPEC_REGISTRY} || {{}})"
                                        f"[{json.dumps(figure_id)}] = {spec['json']};\n").encode("utf-8")
            attributes = f' data-spec-src="{url(name + ".spec.js")}"'
            inner = inner[:spec.start()] + inner[spec.end():]
        return f'<figure class="report-chart" id="{figure_id}"{attributes}>{inner}</figure>'

    def download(match: re.Match) -> str:
        files[match["file"]] = base64.b64decode(match["data"])
        return f'<a download="{match["file"]}" href="{url(match["file"])}"'

    body = _DATA_LINK.sub(download, _FIGURE.sub(figure, body))
    if files:
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (folder / name).write_bytes(content)
    return body


def on_page_context(app, pagename, templatename, context, doctree) -> None:
    from sphinx.builders.html._assets import _JavaScript

    if app.builder.name == "html" and "body" in context:
        context["body"] = externalise_figures(
            context["body"], Path(app.outdir) / REUSE_FOLDER / pagename,
            lambda name: context["pathto"](f"{REUSE_FOLDER}/{pagename}/{name}", 1))
    body = context.get("body", "")
    scripts = [_deferred(s, _JavaScript) for s in context.get("script_files", [])
               if not _script_name(s).endswith(CHART_BUNDLE) and not _is_thebe(s) and _used_by(s, body)]
    if 'class="report-chart"' in body:
        url = context["pathto"](f"_static/{CHART_BUNDLE}", 1)
        scripts.append(_JavaScript(None, body=_LOADER % (json.dumps(url), QUIET_MS_BEFORE_CHARTS)))
    context["script_files"] = scripts
    context["css_files"] = [c for c in context.get("css_files", []) if _used_by(c, body)]
    description = page_description(body)
    if description:
        context["metatags"] = context.get("metatags", "") + \
            f'\n    <meta name="description" content="{html.escape(description, quote=True)}" />'


RERUN_NOTE = """
<aside class="rerun-note" aria-label="How to re-run this chapter">
<p><strong>Re-run this chapter.</strong> This page was computed with these parameters:</p>
<pre>{parameters}</pre>
<p> Download its notebook from the download menu at the top of the page
(<em>notebook to re-run</em>: the code with the parameters this book used, without outputs), or take
<code>{source}</code> from the report's repository. Install the report with <code>pip install -r requirements.txt
jupyterlab</code>, open the notebook with <code>jupyter lab {source}</code>, change the countries, the comparison
aggregate or the years in its parameters cell, and run all cells. The reproducibility appendix says how to build
the whole book for other countries.</p>
</aside>
"""


def rerunnable_notebook(executed: Path, target: Path) -> str:
    """Write the executed notebook without outputs (what a researcher opens to re-run the chapter)
    to ``target``; return the parameters it was executed with (papermill's injected cell)."""
    import nbformat

    notebook = nbformat.read(executed, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        tags = cell.metadata.get("tags", [])
        if "remove-cell" in tags and "parameters" in tags:  # shown again: it is where a reader edits
            tags.remove("remove-cell")
    notebook.metadata.pop("papermill", None)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    injected = [c.source for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    parameters = [c.source for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    return (injected or parameters or [""])[0].strip()


def add_downloads(app, pagename, templatename, context, doctree) -> None:
    """Runs after the theme has built its download menu (priority 501)."""
    pathto = context["pathto"]
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        buttons = group["buttons"]
        notebook = context.get("page_source_suffix") == ".ipynb"
        for button in buttons:
            if button.get("label") == "download-source-button" and notebook:
                button["text"] = "notebook as executed (.ipynb)"
            if button.get("label") == "download-pdf-button":
                button["text"] = "print this page"
        if notebook:
            relative = Path(context["sourcename"]).with_suffix(".rerun.ipynb").as_posix()
            parameters = rerunnable_notebook(Path(app.env.doc2path(pagename)), Path(app.outdir) / "_sources" / relative)
            buttons.insert(1, {"type": "link", "url": f"{pathto('_sources', 1)}/{relative}",
                               "text": "notebook to re-run (.ipynb)", "icon": "fas fa-file",
                               "tooltip": "The chapter's notebook without outputs, with this book's parameters",
                               "label": "download-rerun-notebook-button"})
            context["body"] = context.get("body", "") + RERUN_NOTE.format(
                source=html.escape(f"{pagename}.ipynb"), parameters=html.escape(parameters))
        if app.config.html_context.get("report_pdf"):  # printed by this build
            buttons.insert(0, {"type": "link", "url": pathto(PDF, 1), "text": "the whole report (.pdf)",
                               "icon": "fas fa-file-pdf", "tooltip": "The whole report as one PDF",
                               "label": "download-report-pdf-button"})
        group["buttons"] = buttons


# Jinja sources of the themes' macros, copied into _static/ although no page reads them.
UNUSED_THEME_FILES = ("webpack-macros.html", "sbt-webpack-macros.html")


def drop_unused_theme_files(app, exception) -> None:
    if exception is None:
        for name in UNUSED_THEME_FILES:
            (Path(app.outdir) / "_static" / name).unlink(missing_ok=True)


def use_report_templates(app, config) -> None:
    # The themes include some templates by a path relative to their own folder
    # ("../components/search-field.html"), so ours sit one level down, with components/ beside them.
    config.templates_path.insert(0, str(Path(__file__).parent / "templates" / "theme"))


def clear_reuse_folder(app) -> None:
    """A renamed or removed chart must not leave its files behind: the folder is written afresh each build."""
    if app.builder.name == "html":
        shutil.rmtree(Path(app.outdir) / REUSE_FOLDER, ignore_errors=True)


def setup(app):
    app.connect("config-inited", use_report_templates)
    app.connect("builder-inited", clear_reuse_folder)
    app.connect("html-page-context", on_page_context)
    app.connect("html-page-context", add_downloads, priority=600)
    app.connect("build-finished", drop_unused_theme_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
