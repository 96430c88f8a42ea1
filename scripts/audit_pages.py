"""Audit every page of a built book with Lighthouse, served from this machine, and print the table.

    python scripts/audit_pages.py [--html _build/html] [--out appendix/lighthouse.md] [--pages 'chapters/*.html']

The pages are served from 127.0.0.1 on a free port (nothing leaves the machine), gzip-compressed as any web
host serves them (GitHub Pages, Netlify, a university's web server; --no-compress serves the raw files), and each is audited with
Lighthouse's mobile defaults in Debian's chromium (CHROME_PATH, default /usr/bin/chromium). Lighthouse comes
from `npm ci` (package.json). The table gives the four category scores, the bytes the page downloads in all,
the bytes before its charts become interactive (everything but the deferred chart runtime), the same
uncompressed, and the first contentful paint. Not a test: scores vary with the machine's load, so run it on an idle machine.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import socketserver
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LIGHTHOUSE = REPO / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
                "--disable-sync --no-first-run")
DEFERRED = "vega-charts.js"  # loaded after the page has loaded (see _ext/reader_pages.py)


COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    compress = True

    def log_message(self, *args) -> None:  # one line per audited page is enough
        pass

    def send_head(self):
        """Serve text gzip-compressed when the browser accepts it, as web hosts do."""
        path = Path(self.translate_path(self.path))
        kind = self.guess_type(str(path))
        if (not self.compress or not path.is_file() or not kind.startswith(COMPRESSIBLE)
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(root: Path, compress: bool = True) -> tuple[socketserver.TCPServer, int]:
    handler_class = type("Handler", (QuietHandler,), {"compress": compress})
    handler = functools.partial(handler_class, directory=str(root))
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def audit(url: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    command = ["node", str(LIGHTHOUSE), url, f"--chrome-flags={CHROME_FLAGS}", "--output=json",
               f"--output-path={out}", "--quiet", f"--only-categories={','.join(CATEGORIES)}"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}: {result.stderr[-2000:]}")
    report = json.loads(out.read_text())
    items = report["audits"]["network-requests"]["details"]["items"]
    total = sum(item.get("transferSize", 0) for item in items)
    deferred = sum(item.get("transferSize", 0) for item in items if item["url"].endswith(DEFERRED))
    raw_before = sum(item.get("resourceSize", 0) for item in items if not item["url"].endswith(DEFERRED))
    return {
        **{name: round(100 * (report["categories"][name]["score"] or 0)) for name in CATEGORIES},
        "bytes": total, "bytes_before_interactive": total - deferred, "raw_bytes_before_interactive": raw_before,
        "fcp_s": report["audits"]["first-contentful-paint"]["numericValue"] / 1000,
        "console_errors": len(report["audits"]["errors-in-console"]["details"].get("items", [])),
    }


def table(rows: dict[str, dict]) -> str:
    lines = ["| page | performance | accessibility | best practices | SEO | transferred (MB) | before charts (MB) "
             "| before charts, uncompressed (MB) | first paint (s) | console errors |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for page, r in rows.items():
        lines.append(f"| `{page}` | {r['performance']} | {r['accessibility']} | {r['best-practices']} | {r['seo']} "
                     f"| {r['bytes'] / 1e6:.2f} | {r['bytes_before_interactive'] / 1e6:.2f} "
                     f"| {r['raw_bytes_before_interactive'] / 1e6:.2f} | {r['fcp_s']:.1f} | {r['console_errors']} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html", type=Path, default=REPO / "_build" / "html", help="the built book")
    parser.add_argument("--pages", default="**/*.html", help="glob of pages to audit, relative to --html")
    parser.add_argument("--out", type=Path, default=None, help="also write the Markdown table here")
    parser.add_argument("--no-compress", action="store_true", help="serve the files as they are, without gzip")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print("error: Lighthouse is not installed; run `npm ci` first", file=sys.stderr)
        return 2
    pages = sorted(p.relative_to(args.html).as_posix() for p in args.html.glob(args.pages)
                   if "_static" not in p.parts and p.name not in {"genindex.html", "search.html"})
    if not pages:
        print(f"error: no pages match {args.pages} in {args.html}", file=sys.stderr)
        return 2
    server, port = serve(args.html, compress=not args.no_compress)
    rows = {}
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for number, page in enumerate(pages, 1):
                print(f"[{number}/{len(pages)}] {page}", flush=True)
                rows[page] = audit(f"http://127.0.0.1:{port}/{page}", Path(scratch) / f"{number}.json")
    finally:
        server.shutdown()
    text = table(rows)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
