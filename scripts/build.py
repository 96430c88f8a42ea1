"""Build the report: data check -> papermill -> nbval -> jupyter-book, in one command.

    python scripts/build.py                               # the published book -> _build/html
    python scripts/build.py --params params/baltic.yml    # a variant -> _build/variants/baltic/html
    python scripts/build.py --sweep params/*.yml          # many variants, notebooks in parallel
    python scripts/build.py --sweep params/*.yml --scheduler tcp://host:8786   # on a Dask cluster

Steps (see ai_culture_report/pipeline.py)
1. Validate the parameter file(s) and verify every registered data file (checksums).
2. Stage each book in .stage/<variant>/ and execute its chapter notebooks there with papermill,
   injecting the parameters; notebooks whose inputs (notebook, parameters, data checksums,
   the package modules the notebook imports, lock file) are unchanged are not executed again.
   Parameter-independent results (betweenness, rendered charts) are kept in .cache/joblib
   ($AI_CULTURE_REPORT_CACHE; "off" turns it off) and shared by notebooks, nbval and variants.
3. nbval re-executes each newly executed notebook as soon as its papermill run ended and compares
   its outputs (skip with --no-test). Kernels run over IPC (no TCP ports to collide on); a kernel
   that fails to start or dies is retried at most twice, a cell error or an output difference never.
   The log has one line per notebook: [variant done/total elapsed] what happened.
4. jupyter-book builds the HTML with warnings as errors; the new HTML replaces the published one
   only when every step succeeded.

Exit status: 0 built, 1 a step failed (nothing published), 2 bad input (parameters, data), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ai_culture_report.errors import ReportError  # noqa: E402
from ai_culture_report.pipeline import BuildFailed, build, log  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--params", type=Path, default=REPO / "params" / "nordic.yml",
                       help="parameter file (default: params/nordic.yml)")
    which.add_argument("--sweep", type=Path, nargs="+", metavar="PARAMS", help="build a variant for each file")
    parser.add_argument("--jobs", type=int, default=None,
                        help="notebook steps run at once (default: cores + 1 for one book, cores for a sweep)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the notebooks on this Dask scheduler (the workers must see this folder)")
    parser.add_argument("--no-test", action="store_true", help="skip the nbval check")
    parser.add_argument("--no-pdf", action="store_true", help="do not print the whole report as a PDF")
    parser.add_argument("--force", action="store_true", help="execute every notebook even if its inputs are unchanged")
    parser.add_argument("--only", type=Path, action="append", default=None, metavar="NOTEBOOK",
                        help="preview: build only this chapter notebook (repeatable); needs --stage-root")
    parser.add_argument("--stage-root", type=Path, default=None,
                        help="put the stage and the HTML under this folder instead of .stage/ and _build/")
    args = parser.parse_args(argv)
    if args.only and not args.stage_root:
        parser.error("--only builds a partial book: give --stage-root so the published book is not replaced")
    only = [p.resolve().relative_to(REPO) for p in args.only] if args.only else None
    param_files = [p.resolve() for p in (args.sweep or [args.params])]
    started = time.perf_counter()
    try:
        variants = build(param_files, jobs=args.jobs, test=not args.no_test, force=args.force, only=only,
                         stage_root=args.stage_root.resolve() if args.stage_root else None, scheduler=args.scheduler,
                         pdf=not args.no_pdf)
    except ReportError as error:
        log(f"error: {error}")
        return 2
    except BuildFailed as error:
        log(f"error: {error}")
        return 1
    except KeyboardInterrupt:
        log("interrupted: nothing was published")
        return 130
    for variant in variants:
        log(f"book '{variant.name}': {variant.target / 'index.html'}")
    log(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
