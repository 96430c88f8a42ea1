"""Links and page weight of the built book (crawled from the HTML; nothing is fetched).

* Every internal link (``href``, ``src``, form ``action``) points at a file of the build, and
  its ``#anchor`` at an id of that page; ids are unique on each page.
* External links are listed in ``external-links.txt`` in the build folder, not fetched.
* Each page's size is written to ``page-weights.txt``; no page inlines the Vega bundle, and no
  page carries the same dataset twice in its charts' CSV downloads.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.pipeline

LINK_ATTRIBUTES = ("href", "src", "xlink:href", "action", "poster", "data-spec-src")  # the last: a chart's spec
EXTERNAL_SCHEMES = ("http", "https")
# Schemes with no target to check here: inline data (checked below), mail and scripts.
IGNORED_SCHEMES = ("data", "mailto", "javascript", "tel")
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.IGNORECASE)
BUNDLE = "_static/vega-charts.js"


def book_pages(html_root: Path) -> list[Path]:
    """The pages of the book: every HTML file outside Sphinx's asset folders."""
    return sorted(p for p in html_root.rglob("*.html")
                  if p.relative_to(html_root).parts[0] not in ("_static", "_sources"))


@pytest.fixture(scope="module")
def crawl(built_book):
    """Every page parsed once: its links, its ids and its chart downloads."""
    html_root = built_book["html"]
    pages = {}
    for page in book_pages(html_root):
        text = page.read_text(encoding="utf-8")
        soup = BeautifulSoup(text, "html.parser")
        links = [(element.name, attribute, element[attribute])
                 for element in soup.find_all(True) for attribute in LINK_ATTRIBUTES if element.has_attr(attribute)]
        ids = [element["id"] for element in soup.find_all(id=True)]
        names = [element["name"] for element in soup.find_all("a", attrs={"name": True})]
        downloads = [(figure.get("id", "?"), link["href"]) for figure in soup.select("figure.report-chart")
                     for link in figure.select("a[download]")]
        pages[page] = {"text": text, "links": links, "ids": ids, "anchors": set(ids) | set(names),
                       "downloads": downloads}
    assert (html_root / "intro.html") in pages, "the crawl found no root page"
    return {"root": built_book["root"], "html": html_root, "pages": pages}


def anchors_of(target: Path, crawl: dict) -> set[str]:
    if target in crawl["pages"]:
        return crawl["pages"][target]["anchors"]
    soup = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")  # an HTML file under _static
    return {element["id"] for element in soup.find_all(id=True)}


def test_every_internal_link_and_anchor_resolves(crawl):
    html_root = crawl["html"].resolve()
    broken = []
    for page, info in crawl["pages"].items():
        where = page.relative_to(crawl["html"]).as_posix()
        for tag, attribute, value in info["links"]:
            parts = urlsplit(value)
            if parts.scheme or parts.netloc:  # external or inline: not a file of the book
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
            if not target.is_relative_to(html_root):
                broken.append(f"{where}: <{tag} {attribute}={value!r}> leaves the book")
            elif not target.is_file():
                broken.append(f"{where}: <{tag} {attribute}={value!r}> points at a missing file")
            elif (parts.fragment and target.suffix == ".html"
                  and unquote(parts.fragment) not in anchors_of(target, crawl)):
                broken.append(f"{where}: <{tag} {attribute}={value!r}> points at a missing anchor")
    assert not broken, f"{len(broken)} broken internal link(s):\n" + "\n".join(sorted(set(broken)))


def test_ids_are_unique_on_every_page(crawl):
    """A repeated id makes an #anchor ambiguous and breaks ARIA references (axe no longer checks it)."""
    repeated = {page.relative_to(crawl["html"]).as_posix(): sorted(i for i, n in Counter(info["ids"]).items() if n > 1)
                for page, info in crawl["pages"].items()}
    repeated = {page: ids for page, ids in repeated.items() if ids}
    assert not repeated, f"ids used more than once: {repeated}"


def is_well_formed_external(url: str) -> bool:
    parts = urlsplit(url)
    host = parts.hostname or ""
    return (parts.scheme in EXTERNAL_SCHEMES and HOST.fullmatch(host) is not None
            and not re.search(r"\s", url) and parts.username is None)


def test_external_links_are_listed_and_well_formed(crawl):
    external = defaultdict(set)
    for page, info in crawl["pages"].items():
        for _, _, value in info["links"]:
            scheme = urlsplit(value).scheme.lower()
            if scheme in IGNORED_SCHEMES or not (scheme or value.startswith("//")):
                continue
            external[value].add(page.relative_to(crawl["html"]).as_posix())
    listing = crawl["root"] / "external-links.txt"
    listing.write_text("".join(f"{url}\t{' '.join(sorted(pages))}\n" for url, pages in sorted(external.items())),
                       encoding="utf-8")
    print(f"{len(external)} external links (not fetched), listed in {listing}")
    assert external, "the book links to no external page (the chart captions cite the official dataset pages)"
    malformed = sorted(f"{url} (on {', '.join(sorted(pages))})" for url, pages in external.items()
                       if not is_well_formed_external(url))
    assert not malformed, "malformed external links:\n" + "\n".join(malformed)


def test_page_weights_are_reported_and_no_page_inlines_the_vega_bundle(crawl):
    weights = sorted(((page.stat().st_size, page.relative_to(crawl["html"]).as_posix()) for page in crawl["pages"]),
                     reverse=True)
    report = crawl["root"] / "page-weights.txt"
    report.write_text("".join(f"{size:>10} {page}\n" for size, page in weights)
                      + f"{sum(size for size, _ in weights):>10} total HTML bytes\n", encoding="utf-8")
    print("page weights (HTML bytes):\n" + report.read_text(encoding="utf-8"))
    bundle = (crawl["html"] / BUNDLE).read_text(encoding="utf-8")
    # Three pieces of the bundle's own code, from its start, middle and end: an inlined copy
    # contains them all, while a page that merely loads the bundle contains none.
    pieces = [bundle[at:at + 200] for at in (20, len(bundle) // 2, len(bundle) - 400)]
    inlining = [page for _, page in weights
                if any(piece in crawl["pages"][crawl["html"] / page]["text"] for piece in pieces)]
    assert not inlining, f"pages that inline the Vega bundle ({len(bundle)} bytes): {inlining}"


def test_no_page_repeats_a_dataset_across_its_charts(crawl):
    repeats = []
    for page, info in crawl["pages"].items():
        figures_by_data = defaultdict(list)
        for figure_id, href in info["downloads"]:
            content = href if href.startswith("data:") else (page.parent / unquote(href)).read_bytes()
            figures_by_data[content].append(figure_id)
        repeats += [f"{page.relative_to(crawl['html']).as_posix()}: {', '.join(ids)} carry the same CSV"
                    for ids in figures_by_data.values() if len(ids) > 1]
    assert not repeats, "\n".join(repeats)
