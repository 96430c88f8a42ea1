"""Refresh the data snapshot from Eurostat, report what moved, and adopt it into data/.

    python scripts/fetch_data.py --out DIR                 # download a NEW snapshot into DIR
    python scripts/fetch_data.py --compare data DIR        # drift report (Markdown) on stdout
    python scripts/fetch_data.py --compare data DIR --report drift.md
    python scripts/fetch_data.py --adopt DIR               # copy DIR's files into data/, regenerate the registry

--out downloads the Eurostat datasets the book uses (JSON-stat from Eurostat's
Statistics API by default, or SDMX-CSV with --format sdmx-csv) into a new folder
in the snapshot's tidy schema, copies every other file unchanged from the
current snapshot, and writes SHA256SUMS, PROVENANCE.md and provenance.json. It
never overwrites: DIR must be new or empty, and nothing is left behind if the
download fails. The book keeps using data/ until you adopt the new snapshot:
--adopt copies the files data/ already holds (and those named with --add) from
DIR, keeps the refresh's provenance as data/provenance/latest_refresh.*, and
regenerates data/datapackage.json and the licence table of data/README.md, so
that `git diff data/` shows every change for review before it is committed.
To try a snapshot without adopting it, build with REPORT_DATA_DIR=DIR.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ai_culture_report.errors import ReportError  # noqa: E402

DEFAULT_CACHE = Path.home() / ".cache" / "ai_culture_report"


class ProgressLine:
    """Prints progress like ``print``, remembering whether a line is still open for its result."""

    def __init__(self):
        self.open = False

    def __call__(self, text: str, end: str = "\n") -> None:
        print(text, end=end, flush=True)
        self.open = not end.endswith("\n")

    def close(self) -> None:
        if self.open:  # end "fetching isoc_eb_ai (3/7)… " before the error goes to stderr
            print(flush=True)
            self.open = False


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--out", type=Path, metavar="DIR", help="write a new snapshot into DIR (new or empty)")
    action.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"), help="report drift from OLD to NEW")
    action.add_argument("--adopt", type=Path, metavar="DIR", help="copy snapshot DIR into data/ and regenerate the registry")
    parser.add_argument("--add", nargs="+", default=[], metavar="PATH",
                        help="--adopt: also take these files of DIR that data/ does not hold yet")
    parser.add_argument("--from", dest="current", type=Path, default=None, metavar="DIR",
                        help="snapshot to complete the new one from (default: $REPORT_DATA_DIR or data/)")
    parser.add_argument("--format", choices=("jsonstat", "sdmx-csv"), default="jsonstat",
                        help="response format to request from Eurostat (default: jsonstat)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE,
                        help=f"HTTP cache folder, answers kept 12 hours (default: {DEFAULT_CACHE})")
    parser.add_argument("--no-cache", action="store_true", help="always download afresh")
    parser.add_argument("--retries", type=int, default=4, help="retries per request, with back-off (default: 4)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for an answer (default: 120)")
    parser.add_argument("--registry", type=Path, default=REPO / "data" / "datapackage.json",
                        help="registry whose column schemas the files must satisfy")
    parser.add_argument("--params", type=Path, default=REPO / "params" / "nordic.yml",
                        help="--compare: countries, aggregate and last year of the headline numbers")
    parser.add_argument("--report", type=Path, default=None, help="--compare: write the Markdown report here")
    return parser.parse_args(argv)


def fetch(args, progress: ProgressLine) -> int:
    from ai_culture_report.data import Registry, default_snapshot_dir
    from ai_culture_report.fetch import build_session, refresh_snapshot

    current = (args.current or default_snapshot_dir()).resolve()
    session = build_session(None if args.no_cache else args.cache_dir, retries=args.retries)
    result = refresh_snapshot(
        args.out, current, session,
        data_format=args.format,
        registry=Registry.read(args.registry),
        timeout=(10.0, args.timeout),
        progress=progress,
    )
    print(f"new snapshot: {result.out} ({len(result.refreshed)} files refreshed, {len(result.copied)} copied)")
    print(f"next: python scripts/fetch_data.py --compare {current} {result.out}")
    return 0


def compare(args) -> int:
    from ai_culture_report.data import Registry
    from ai_culture_report.drift import compare_snapshots, render_markdown
    from ai_culture_report.params import load_params

    old, new = args.compare
    report = compare_snapshots(old, new, Registry.read(args.registry), load_params(args.params))
    text = render_markdown(report)
    if args.report:
        args.report.write_text(text, encoding="utf-8")
        print(f"drift report: {args.report} ({len(report.moved)} headline numbers moved)")
    else:
        sys.stdout.write(text)
    return 0


def adopt(args) -> int:
    from ai_culture_report.registry import adopt_snapshot

    data_dir = REPO / "data"
    outcome = adopt_snapshot(args.adopt, data_dir, data_dir / "sources.yml", add=tuple(args.add))
    for state in ("changed", "added"):
        for path in sorted(p for p, s in outcome.items() if s == state):
            print(f"{state}: data/{path}")
    unchanged = sum(1 for s in outcome.values() if s == "unchanged")
    print(f"adopted {args.adopt} into data/ ({unchanged} files unchanged); "
          "review with `git diff data/`, then build and commit")
    return 0


def main(argv=None) -> int:
    args = parse_arguments(argv)
    progress = ProgressLine()
    try:
        if args.adopt:
            return adopt(args)
        return fetch(args, progress) if args.out else compare(args)
    except ValueError as error:  # a snapshot that cannot be adopted as it is
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ReportError as error:
        progress.close()
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        progress.close()
        print("interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
