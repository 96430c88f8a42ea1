"""Every built page audited by axe-core in headless Chromium (tests/a11y/axe_check.mjs).

The audit fails on any critical or serious violation of the WCAG 2.0/2.1/2.2 A and AA rules
or axe's best-practice rules; moderate and minor ones are written to the build folder
(``axe-results.json``) and printed, but do not fail. Each page is audited in two states (see the
script): desktop, light mode, charts upgraded to interactive; and phone, dark mode, chart bundle
not run. Every chart must keep a text alternative that a screen reader reaches in both states.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import REPO

pytestmark = pytest.mark.browser

AXE_SCRIPT = REPO / "tests" / "a11y" / "axe_check.mjs"
NODE_PACKAGES = ("axe-core", "playwright-core")
CHROMIUM = Path("/usr/bin/chromium")
STATES = ("interactive", "static")
BLOCKING_IMPACTS = ("critical", "serious")
# Chromium needs a few seconds per page and state on a loaded 2-core machine (axe itself
# takes most of it); the limit only stops a hung browser.
SECONDS_PER_AUDIT = 60


def node_missing_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    missing = [name for name in NODE_PACKAGES if not (REPO / "node_modules" / name / "package.json").exists()]
    if missing:
        return f"node_modules lacks {', '.join(missing)} (run `npm ci`)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed"
    return None


def is_redirect_stub(page: Path) -> bool:
    """index.html only redirects to the root page, which is audited itself.

    The browser leaves a redirecting page at once, so axe would run on a page being torn down
    ("Execution context was destroyed"); its markup is checked by the HTML validator instead.
    """
    head = page.read_text(encoding="utf-8")[:2000]
    return re.search(r"<meta\s+http-equiv=\"refresh\"", head, re.IGNORECASE) is not None


def audited_pages(html_root: Path) -> list[str]:
    """Every page a reader can open: all HTML files outside Sphinx's _static and _sources folders."""
    pages = []
    for page in sorted(html_root.rglob("*.html")):
        relative = page.relative_to(html_root)
        if relative.parts[0] in ("_static", "_sources") or is_redirect_stub(page):
            continue
        pages.append(relative.as_posix())
    return pages


@pytest.fixture(scope="module")
def axe_audit(built_book):
    """The axe results of every page in both states, run once for the module."""
    reason = node_missing_reason()
    if reason:
        pytest.skip(reason)
    html_root = built_book["html"]
    pages = audited_pages(html_root)
    assert "intro.html" in pages and any(p.startswith("chapters/") for p in pages), pages
    started = time.perf_counter()
    result = subprocess.run(["node", str(AXE_SCRIPT), "--root", str(html_root), *pages], cwd=REPO,
                            capture_output=True, text=True, timeout=120 + SECONDS_PER_AUDIT * len(pages) * len(STATES))
    seconds = time.perf_counter() - started
    assert result.returncode == 0, f"the axe script failed:\n{result.stderr[-4000:]}"
    results = json.loads(result.stdout)
    (built_book["root"] / "axe-results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"axe-core {results[0]['axeVersion']}: {len(pages)} pages x {len(STATES)} states in {seconds:.1f} s")
    return {"html": html_root, "pages": pages, "results": results}


def describe(violation: dict, where: str) -> str:
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:8])
    more = f" (+{len(violation['nodes']) - 8} more)" if len(violation["nodes"]) > 8 else ""
    why = " ".join((violation["nodes"][0]["summary"] or "").split()) if violation["nodes"] else ""
    return (f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}\n    at {targets}{more}"
            f"\n    {why}")


def test_every_page_is_audited_in_both_states(axe_audit):
    audited = {(r["page"], r["state"]) for r in axe_audit["results"]}
    expected = {(page, state) for page in axe_audit["pages"] for state in STATES}
    assert audited == expected, f"not audited: {sorted(expected - audited)}"


def test_no_critical_or_serious_accessibility_violation(axe_audit):
    blocking, other = [], []
    for result in axe_audit["results"]:
        where = f"{result['page']} [{result['state']}]"
        for violation in result["violations"]:
            (blocking if violation["impact"] in BLOCKING_IMPACTS else other).append(describe(violation, where))
    if other:  # reported, not failing: visible with `pytest -rP` and in axe-results.json
        print("Moderate or minor axe findings:\n" + "\n".join(other))
    assert not blocking, (f"{len(blocking)} critical or serious accessibility violation(s):\n"
                          + "\n".join(blocking))


def test_every_chart_has_a_text_alternative_a_screen_reader_reaches(axe_audit):
    problems = []
    for result in axe_audit["results"]:
        page, state = result["page"], result["state"]
        html = (axe_audit["html"] / page).read_text(encoding="utf-8")
        expected = len(BeautifulSoup(html, "html.parser").select("figure.report-chart"))
        if len(result["charts"]) != expected:
            problems.append(f"{page} [{state}]: {len(result['charts'])} charts seen in the browser, {expected} built")
        for chart in result["charts"]:
            where = f"{page} [{state}] {chart['id']}"
            name, description = " ".join(chart["accessibleName"].split()), " ".join(chart["description"].split())
            if not description or not chart["summary"]:
                problems.append(f"{where}: no text description under the chart")
            if len(name) < 20 or name != description:
                problems.append(f"{where}: the screen reader announces {name!r}, not the description")
            if chart["role"] not in ("img", "graphics-document"):
                problems.append(f"{where}: role {chart['role']!r} is not announced as a graphic")
            # The interactive state must really be the upgraded chart, or it checked nothing new.
            upgraded = chart["interactive"] and "chart-interactive" in (chart["container"] or "")
            if upgraded != (state == "interactive"):
                problems.append(f"{where}: chart is {'interactive' if upgraded else 'static'} in the {state} state")
    assert not problems, "\n".join(problems)


def test_no_page_requests_anything_from_the_network(axe_audit):
    """The book must work offline: the audit aborts and lists every request to another address."""
    requests = [f"{r['page']}: {url}" for r in axe_audit["results"] for url in r["blockedRequests"]]
    assert not requests, "pages request outside resources:\n" + "\n".join(sorted(set(requests)))
