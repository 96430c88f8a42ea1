"""Soak test: clean builds in a row, each from scratch, to show that none fails for infrastructure reasons.

    python scripts/soak.py [--runs 5] [--jobs N] [--source DIR] [--logs DIR] [--out FILE]

Each run copies the repository (its tracked files as they are in the working tree, as
``scripts/benchmark.py`` does; or the folder given by ``--source``) into a new scratch folder
and runs ``python scripts/build.py --stage-root <scratch>/out`` there: no stage, no cache, so
every notebook is executed by papermill and validated by nbval, then Jupyter Book builds with
-W. The working tree, ``_build/`` and ``.stage/`` are never touched.

The table says, for each run, whether the build succeeded, how long it took, how many kernel
restarts (retries) it needed, how many log lines look like noise (warnings, tracebacks), and
whether its executed notebooks are identical to those of the first successful run: the SHA-256
of each staged executed ``.ipynb``, once as written and once without papermill's time stamps
(``metadata.papermill`` and each cell's ``metadata.execution``), which differ on every run by
design. The log of a failed run is kept (in ``--logs``) and its path printed; so are the executed
notebooks of a run whose outputs differ from the first run's (and the first run's).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchmark  # noqa: E402  (scratch_copy, environment, notebooks_in_toc)

REPO = benchmark.REPO
NOISE = ("WARNING", "Traceback", "KeyboardInterrupt", "without encryption")


def copy_source(source: Path, destination: Path) -> Path:
    """The tracked files of this repository, or a copy of another folder (without its build products)."""
    if source.resolve() == REPO:
        return benchmark.scratch_copy(destination)
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(".git", "_build", ".stage", "node_modules",
                                                                      "__pycache__", "*.egg-info"))
    return destination


def stable_digest(path: Path) -> str:
    """SHA-256 of an executed notebook without the time stamps papermill writes on every run."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook.get("metadata", {}).pop("papermill", None)
    for cell in notebook.get("cells", []):
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
    return hashlib.sha256(json.dumps(notebook, sort_keys=True).encode()).hexdigest()


def one_run(run: int, source: Path, jobs: int | None, logs: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"report-soak-{run}-") as folder:
        copy = copy_source(source, Path(folder) / "repo")
        env = benchmark.environment(copy)
        out = Path(folder) / "out"
        command = [sys.executable, str(copy / "scripts" / "build.py"), "--stage-root", str(out)]
        if jobs:
            command += ["--jobs", str(jobs)]
        started = time.perf_counter()
        result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        log = result.stdout + ("\n--- stderr ---\n" + result.stderr if result.stderr.strip() else "")
        stage = out / "stage" / "nordic"
        raw, stable = {}, {}
        notebooks = logs / f"run-{run}-notebooks"  # removed again unless they differ from the first run's
        for name in benchmark.notebooks_in_toc(copy):
            executed = stage / name
            if executed.exists():
                raw[name] = hashlib.sha256(executed.read_bytes()).hexdigest()
                stable[name] = stable_digest(executed)
                (notebooks / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(executed, notebooks / name)
        ok = result.returncode == 0 and (out / "html" / "index.html").exists()
        kept = None
        if not ok:
            logs.mkdir(parents=True, exist_ok=True)
            kept = logs / f"run-{run}.log"
            kept.write_text(log)
        return {"run": run, "ok": ok, "notebook_dir": notebooks, "returncode": result.returncode, "seconds": seconds, "raw": raw,
                "stable": stable, "retries": log.count("retrying, attempt"),
                "noise": sum(1 for line in log.splitlines() if any(word in line for word in NOISE)),
                "log": kept, "notebooks": len(benchmark.notebooks_in_toc(copy)),
                "last_line": (result.stdout.strip().splitlines() or [""])[-1]}


def compare(results: list[dict], key: str) -> dict[int, str]:
    """For each run: 'yes' if its notebooks equal the first successful run's, else which differ."""
    reference = next((r[key] for r in results if r["ok"]), None)
    verdicts = {}
    for r in results:
        if not r["ok"] or reference is None:
            verdicts[r["run"]] = "-"
            continue
        differing = sorted(n for n in set(reference) | set(r[key]) if reference.get(n) != r[key].get(n))
        if not differing:
            verdicts[r["run"]] = "yes"
        elif len(differing) == len(reference) > 1:
            verdicts[r["run"]] = f"no: all {len(differing)}"
        else:
            verdicts[r["run"]] = f"no: {', '.join(Path(n).stem for n in differing)}"
    return verdicts


def table(results: list[dict]) -> list[str]:
    raw, stable = compare(results, "raw"), compare(results, "stable")
    lines = ["| run | result | seconds | kernel retries | noise lines | outputs identical to the first run | "
             "files identical |", "|---:|---|---:|---:|---:|---|---|"]
    for r in results:
        result = "passed" if r["ok"] else f"FAILED (exit {r['returncode']}; log: {r['log']})"
        lines.append(f"| {r['run']} | {result} | {r['seconds']:.1f} | {r['retries']} | {r['noise']} | "
                     f"{stable[r['run']]} | {raw[r['run']]} |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="clean builds in a row (default: 5)")
    parser.add_argument("--jobs", type=int, default=None, help="passed to build.py --jobs (default: its own)")
    parser.add_argument("--source", type=Path, default=REPO,
                        help="the repository to copy for each run (default: this one's tracked files)")
    parser.add_argument("--logs", type=Path, default=None,
                        help="where the logs of failed runs are kept (default: a new folder in the temp dir)")
    parser.add_argument("--out", type=Path, default=None, help="also write the table to this Markdown file")
    args = parser.parse_args(argv)
    logs = args.logs or Path(tempfile.mkdtemp(prefix="report-soak-logs-"))
    print(f"soak: {args.runs} clean build(s) of {args.source}", flush=True)
    results = []
    for run in range(1, args.runs + 1):
        r = one_run(run, args.source, args.jobs, logs)
        results.append(r)
        state = "passed" if r["ok"] else f"FAILED, log kept: {r['log']}"
        print(f"  run {run}: {state} in {r['seconds']:.1f} s ({len(r['stable'])}/{r['notebooks']} notebooks "
              f"executed, {r['retries']} kernel retries, {r['noise']} noise lines)", flush=True)
    passed = sum(r["ok"] for r in results)
    stable = compare(results, "stable")
    identical = passed > 0 and all(v == "yes" for k, v in stable.items() if v != "-")
    lines = table(results) + ["", f"{passed} of {len(results)} clean builds succeeded; the executed notebooks' "
                              f"outputs were {'identical' if identical else 'NOT identical'} across the "
                              "successful runs (papermill's time stamps aside)."]
    print("\n".join(lines), flush=True)
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = next((r["run"] for r in results if r["ok"]), None)
    differing = [r for r in results if stable[r["run"]] not in ("yes", "-")]
    for r in results:  # keep the executed notebooks of runs that differ, and of the first run to compare with
        if not (differing and r["run"] == first) and r not in differing:
            shutil.rmtree(r["notebook_dir"], ignore_errors=True)
    if differing:
        print(f"executed notebooks kept for comparison in {logs}", flush=True)
    if args.logs is None and not any(r["log"] for r in results) and not differing:
        shutil.rmtree(logs, ignore_errors=True)  # nothing failed or differed: nothing to keep
    return 0 if passed == len(results) and identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
