// Accessibility audit of built pages: axe-core inside the system's headless Chromium.
//
//   node tests/a11y/axe_check.mjs --root BUILT_HTML_DIR PAGE.html [PAGE.html ...] > results.json
//
// PAGE paths are relative to --root. The folder is served by a tiny static server on
// 127.0.0.1 (not file://, because Playwright cannot intercept file:// requests, and the
// audit needs that to block the network and to switch the chart bundle off). Each page
// is audited in two states:
//   * "interactive": on a desktop screen in light mode, after the vendored Vega bundle
//     swapped the static SVGs for interactive charts — what most readers get;
//   * "static": on a phone screen in dark mode, with the bundle's request aborted — what
//     a reader gets when it does not run. (A context with JavaScript disabled cannot be
//     used: axe itself needs scripts.)
// axe-core runs the WCAG 2.0/2.1/2.2 A and AA rules plus its best-practice rules
// (headings, landmarks, regions). The script prints one JSON array, one entry per page
// and state: the violations (rule id, impact, help, target selectors), what a screen
// reader gets from every chart (accessible name via axe's own computation, and the text
// description), any request to a non-local address (aborted, so nothing leaves the
// machine), script errors on the page, and how long each step took. Judging the results is tests/test_accessibility.py's job: this script exits
// non-zero only when it could not audit a page.
//
// No browser is downloaded: playwright-core drives Debian's /usr/bin/chromium
// (override with the CHROMIUM environment variable).

import { createReadStream, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { extname, join, resolve, sep } from "node:path";

import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const CHART_BUNDLE = "/_static/vega-charts.js";
const CHART_UPGRADE_TIMEOUT_MS = 30000;
// The two states also differ in screen and colour scheme, so that the phone layout
// (collapsed sidebars, charts narrower than drawn) and the theme's dark mode (it follows the
// reader's system setting) are audited too, without a third pass per page.
const READER_SETUPS = {
  interactive: { viewport: { width: 1280, height: 900 }, colorScheme: "light" },
  static: { viewport: { width: 390, height: 844 }, colorScheme: "dark" },
};

const LAUNCH_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

// Scripts must be served as JavaScript or Chromium refuses some of them.
const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".txt": "text/plain; charset=utf-8",
};

function parseArguments(argv) {
  const pages = [];
  let root = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--root") root = argv[++i];
    else pages.push(argv[i]);
  }
  return { root, pages };
}

// Serve files under root only; a path that escapes it is a 404.
function serve(root) {
  const base = resolve(root);
  const server = createServer((request, response) => {
    let file = base;
    try {
      file = resolve(join(base, decodeURIComponent(new URL(request.url, "http://127.0.0.1").pathname)));
    } catch {
      // a malformed address: answered with 404 below, as the folder itself is not a file
    }
    let found = file.startsWith(base + sep);
    if (found) {
      try {
        found = statSync(file).isFile();
      } catch {
        found = false;
      }
    }
    if (!found) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": CONTENT_TYPES[extname(file)] || "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done(server)));
}

// Runs in the page (Playwright sends only this function's source, so it is
// self-contained): what a screen reader gets from every chart. axe's accessible-name
// computation needs its virtual DOM, which axe.run tears down when it finishes.
function describeCharts() {
  const text = (node) => (node ? node.textContent.trim() : "");
  window.axe.setup(document);
  try {
    return Array.from(document.querySelectorAll("figure.report-chart")).map((figure) => {
      const chart = figure.querySelector(".chart-interactive, .chart-static");
      const details = figure.querySelector("details.chart-text");
      return {
        id: figure.id || null,
        interactive: figure.dataset.interactive === "true",
        container: chart ? chart.className : null,
        role: chart ? chart.getAttribute("role") : null,
        accessibleName: chart ? window.axe.commons.text.accessibleText(chart).trim() : "",
        description: details ? text(details.querySelector("p")) : "",
        summary: details ? text(details.querySelector("summary")) : "",
      };
    });
  } finally {
    window.axe.teardown();
  }
}

async function audit(browser, origin, pagePath, state) {
  const context = await browser.newContext(READER_SETUPS[state]);
  const blockedRequests = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (!url.startsWith(origin + "/")) {
      blockedRequests.push(url); // the book must work offline: nothing may leave the machine
      return route.abort();
    }
    if (state === "static" && new URL(url).pathname === CHART_BUNDLE) return route.abort();
    return route.continue();
  });
  const page = await context.newPage();
  const started = Date.now();
  const timings = {};
  const lap = (name) => { timings[name] = (Date.now() - started) / 1000; };
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  try {
    await page.goto(`${origin}/${pagePath}`, { waitUntil: "load" });
    // The chart bundle is fetched when a chart comes near the screen, as when a reader scrolls to it.
    // (A page that redirects, like index.html, may navigate away meanwhile: nothing to scroll then.)
    await page.evaluate(() => document.querySelector("figure.report-chart")?.scrollIntoView()).catch(() => {});
    lap("loaded");
    if (state === "interactive") {
      // Audit what readers see: wait until every chart is upgraded (or give up and audit
      // what is there; the "interactive" flags in the JSON then show which charts stayed static).
      await page
        .waitForFunction(
          () => Array.from(document.querySelectorAll("figure.report-chart")).every((f) => f.dataset.interactive === "true"),
          null,
          { timeout: CHART_UPGRADE_TIMEOUT_MS },
        )
        .catch(() => {});
      lap("charts");
    }
    await page.evaluate(AXE_SOURCE);
    const results = await page.evaluate(
      (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
      AXE_TAGS,
    );
    lap("axe");
    const charts = await page.evaluate(describeCharts);
    return {
      page: pagePath,
      state,
      axeVersion: results.testEngine.version,
      violations: results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, impact: n.impact, summary: n.failureSummary })),
      })),
      charts,
      blockedRequests,
      pageErrors,
      timings,
    };
  } finally {
    await context.close();
  }
}

async function main(argv) {
  const { root, pages } = parseArguments(argv);
  if (!root || pages.length === 0) {
    console.error("usage: node tests/a11y/axe_check.mjs --root BUILT_HTML_DIR PAGE.html [PAGE.html ...]");
    return 2;
  }
  const server = await serve(root);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: LAUNCH_ARGS,
  });
  const report = [];
  try {
    for (const pagePath of pages) {
      for (const state of ["interactive", "static"]) {
        report.push(await audit(browser, origin, pagePath, state));
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  process.stdout.write(JSON.stringify(report, null, 1) + "\n");
  return 0;
}

// exitCode, not process.exit(): exiting at once would cut the JSON still queued for a pipe.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error && error.stack ? error.stack : String(error));
    process.exitCode = 1;
  },
);
