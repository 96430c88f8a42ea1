"""Measure how fast the book builds, against the stock way of building it.

    python scripts/benchmark.py [--runs 3] [--out appendix/benchmark.md] [--scenarios clean module sweep ...]
        [--sweep-sizes 1 2 4] [--sweep-schedulers local dask]

Scenarios (each the median of --runs runs, in a scratch copy of the repository so the
working tree is never touched):
- clean: no stage and no HTML: papermill + nbval + jupyter-book from scratch;
- nothing changed: the same command again;
- one notebook changed: one chapter notebook's text edited, then the command again
  (the log must show that only that notebook was executed);
- one chapter module edited: a line added to one chapter module, then the command again (the log
  must show that only the notebooks importing that module were executed);
- stock: `jupyter-book build` executing every notebook itself (execute_notebooks: force),
  followed by a separate `pytest --nbval-lax` run over the notebooks.
- floor: the clean build with one step at a time (nothing competes for a core): the sum of its
  notebook steps (kernel starts and computation, as the log reports them) divided by the cores, plus
  its Sphinx time, is the least a clean build could take on this machine;
- sweep: sweeps of 1, 2 and 4 variants (params/*.yml, plus temporary variants with other country
  sets written into the scratch copy when fewer exist), each from an empty stage and cache, run
  with local processes and on a two-worker Dask LocalCluster: wall time, time per variant, CPU time, peak
  memory, and what the CPU times say about the work the variants share.
Peak memory is the largest sum of resident memory over the process tree, sampled every 50 ms (cheap to
read, unlike proportional sizes, whose reading took most of a core). It counts the pages that forked kernels
share with their server once per kernel, so it overstates what a build with forked kernels uses.
It also times a notebook that only imports the package, with a kernel started the usual way and with
one forked from the build's warm server (ai_culture_report/forkserver.py): what executing a notebook
costs before it computes anything.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path

import nbformat
import psutil
import yaml

REPO = Path(__file__).resolve().parents[1]


SCENARIOS = ("clean", "unchanged", "one", "module", "stock", "floor", "sweep")
# Country sets for the temporary variants of the sweep table, when params/ holds fewer than four files.
EXTRA_VARIANTS = {"bench-benelux": ("the Benelux countries", "Benelux", ["BE", "NL", "LU"]),
                  "bench-iberia": ("the Iberian countries", "Iberian", ["ES", "PT"]),
                  "bench-central": ("the Visegrád countries", "Visegrád", ["CZ", "HU", "PL", "SK"])}
SWEEP_SIZES = (1, 2, 4)
SCHEDULER_NAMES = {"local": "local processes", "dask": "two-worker Dask LocalCluster"}
EDITED_MODULE = "ai_culture_report/chapters/future_roles.py"


def measure(command: list[str], cwd: Path, env: dict, helpers=None) -> tuple[float, float, str]:
    """Wall time (s), peak memory of the whole process tree (MiB) and the output of a command.
    ``helpers()`` lists further processes that work for the command (a Dask cluster's workers)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    root = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            tree = {p.pid: p for p in [root, *root.children(recursive=True), *(helpers() if helpers else [])]}
            peak = max(peak, sum(p.memory_info().rss for p in tree.values() if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    reader.join()
    elapsed = time.perf_counter() - started
    text = "".join(output)
    if process.returncode != 0:
        raise SystemExit(f"benchmark: {' '.join(command)} failed:\n{text[-4000:]}")
    return elapsed, peak / 2**20, text


def scratch_copy(destination: Path) -> Path:
    """The tracked files of the repository (as they are in the working tree), in a scratch folder."""
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        source = REPO / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def environment(copy: Path, cache: Path | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(copy) + os.pathsep + env.get("PYTHONPATH", "")  # kernels import the copy's package
    env["AI_CULTURE_REPORT_CACHE"] = str(cache or copy / ".cache" / "joblib")  # never the working tree's cache
    return env


STEP_TIMES = re.compile(r"\] executed (?:\S+) in ([\d.]+) s(?:, nbval passed in ([\d.]+) s)?")
NOTEBOOK_TIMES = re.compile(r"\] executed (\S+) in ([\d.]+) s")
HTML_TIME = re.compile(r"HTML built in ([\d.]+) s")


def floor_seconds(log: str, cores: int) -> tuple[float, float, float]:
    """From the log of a build run one step at a time: (notebook steps in all, Sphinx, the floor)."""
    steps = sum(float(a) + float(b or 0) for a, b in STEP_TIMES.findall(log))
    sphinx = sum(float(t) for t in HTML_TIME.findall(log))
    return steps, sphinx, steps / cores + sphinx


def longest_execution(log: str) -> tuple[str, float]:
    """The notebook whose papermill run took longest in a build log, and its seconds."""
    times = [(name, float(seconds)) for name, seconds in NOTEBOOK_TIMES.findall(log)]
    return max(times, key=lambda t: t[1]) if times else ("none", 0.0)


def executed_notebooks(log: str) -> list[str]:
    """The notebooks a build log says were executed (``[nordic 3/10 41.2 s] executed chapters/x.ipynb in ...``)."""
    return sorted({line.split("] executed ", 1)[1].split()[0] for line in log.splitlines() if "] executed " in line})


def edit_module(copy: Path, run: int, module: str = EDITED_MODULE) -> list[str]:
    """Add a line to a chapter module as an author would; return the notebooks that import it."""
    sys.path.insert(0, str(copy))
    try:
        from ai_culture_report import pipeline
    finally:
        sys.path.pop(0)
    path = copy / module
    path.write_text(path.read_text() + f"\n# Edited for benchmark run {run}.\n")
    return sorted(notebook for notebook in notebooks_in_toc(copy)
                  if path in pipeline.notebook_modules(copy / notebook, copy))


def sweep_params(copy: Path, size: int) -> list[Path]:
    """``size`` parameter files: the copy's params/*.yml, then temporary variants written into the copy."""
    files = sorted((copy / "params").glob("*.yml"))
    template = yaml.safe_load((copy / "params" / "nordic.yml").read_text())
    for name, (region, short, countries) in EXTRA_VARIANTS.items():
        if len(files) >= size:
            break
        path = copy / "params" / f"{name}.yml"
        path.write_text(yaml.safe_dump({**template, "region_name": region, "region_short": short,
                                        "countries": countries}, sort_keys=False))
        files.append(path)
    if len(files) < size:
        raise SystemExit(f"benchmark: only {len(files)} variants for a sweep of {size}")
    return files[:size]


class LocalDask:
    """A two-worker Dask LocalCluster whose workers import the scratch copy's package."""

    def __init__(self, env: dict, workers: int = 2):
        from distributed import LocalCluster

        saved, self.saved_path = dict(os.environ), list(sys.path)
        # Spawned workers inherit the environment, and take sys.path from their parent (not PYTHONPATH).
        # The scheduler runs in this process and unpickles the tasks too, so the copy's package stays
        # importable here until the cluster closes.
        os.environ.update(env)
        sys.path[:0] = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        try:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
        except BaseException:
            sys.path[:] = self.saved_path
            raise
        finally:
            os.environ.clear()
            os.environ.update(saved)
        self.address = self.cluster.scheduler_address

    def processes(self) -> list[psutil.Process]:
        return psutil.Process(os.getpid()).children(recursive=True)

    def close(self) -> None:
        self.cluster.close()
        sys.path[:] = self.saved_path


def children_cpu_seconds() -> float:
    """CPU time (user and system) of this process's finished children and everything they waited for: the
    build, its workers and the kernels they forked. A Dask cluster's workers still run when it is read, so
    their own share (papermill's side of each notebook) is not in it."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sweep_table(copy: Path, folder: Path, build: list[str], run: int, sizes=SWEEP_SIZES,
                schedulers=("local", "dask")) -> list[dict]:
    """One row per sweep size and scheduler: wall time, time per variant, CPU time, peak memory."""
    rows = []
    for scheduler in schedulers:
        for size in sizes:
            out, cache = folder / f"sweep-{scheduler}-{size}-{run}", folder / f"cache-{scheduler}-{size}-{run}"
            env = environment(copy, cache)
            command = [*build, "--stage-root", str(out), "--sweep", *map(str, sweep_params(copy, size))]
            # A cluster per sweep: its workers (and their kernels) keep the environment they started with, so
            # a cluster shared by the sweeps would hand each the cache the first one filled.
            cluster = LocalDask(env) if scheduler == "dask" else None
            try:
                if cluster:
                    command += ["--scheduler", cluster.address]
                cpu_before = children_cpu_seconds()
                elapsed, peak, _ = measure(command, copy, env, cluster.processes if cluster else None)
                cpu = children_cpu_seconds() - cpu_before
            finally:
                if cluster:
                    cluster.close()
            rows.append({"scheduler": scheduler, "variants": size, "seconds": elapsed, "per_variant": elapsed / size,
                         "peak": peak, "cpu": cpu})
            print(f"  run {run}: sweep {scheduler:5s} {size} variant(s) {elapsed:7.1f} s, peak {peak:7.0f} MiB, "
                  f"CPU {cpu:7.1f} core-s", flush=True)
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
    return rows


def sweep_lines(rows: list[dict]) -> list[str]:
    """The scaling table: medians over runs, and each sweep's time against one variant's."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["scheduler"], row["variants"]), []).append(row)
    lines = ["| scheduler | variants | wall time (s) | time per variant (s) | against one variant "
             "| CPU time (core-s) | peak memory (MiB) |", "|---|---:|---:|---:|---:|---:|---:|"]
    for (scheduler, size), group in sorted(groups.items()):
        seconds = statistics.median(r["seconds"] for r in group)
        one = groups.get((scheduler, 1))
        ratio = seconds / statistics.median(r["seconds"] for r in one) if one else float("nan")
        lines.append(f"| {SCHEDULER_NAMES[scheduler]} | {size} | {seconds:.1f} | {seconds / size:.1f} | {ratio:.2f}× | "
                     f"{statistics.median(r['cpu'] for r in group):.1f} | "
                     f"{statistics.median(r['peak'] for r in group):.0f} |")
    return lines + [""] + shared_work_lines(groups)


def shared_work_lines(groups: dict[tuple, list[dict]]) -> list[str]:
    """What the CPU times say about sharing: the CPU time each variant beyond the first adds, and what is
    left of one variant's for the work the variants share. Were the cores busy throughout, n variants would
    take at most twice one variant's time only if that shared part were at least n - 2 times a variant's own:
    (shared + n own) <= 2 (shared + own)."""
    lines = []
    # On Dask the workers' own CPU time is not counted (children_cpu_seconds), so their split would be biased.
    for scheduler in sorted({s for s, _ in groups} - {"dask"}):
        sizes = sorted(size for s, size in groups if s == scheduler)
        if len(sizes) < 2 or sizes[0] != 1:
            continue
        cpu = {size: statistics.median(r["cpu"] for r in groups[(scheduler, size)]) for size in sizes}
        largest = sizes[-1]
        own = (cpu[largest] - cpu[1]) / (largest - 1)
        shared = cpu[1] - own
        needed = (largest - 2) * own
        lines.append(f"- {SCHEDULER_NAMES[scheduler]}: each variant beyond the first adds {own:.1f} core-s of CPU "
                     f"time, which leaves {shared:.1f} core-s of one variant's {cpu[1]:.1f} for the work the "
                     f"variants share. Were the cores busy throughout, {largest} variants would take at most twice one "
                     f"variant's time only if that shared part were at least {needed:.1f} core-s.")
    return lines


def notebooks_in_toc(copy: Path) -> list[str]:
    toc = yaml.safe_load((copy / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f"{f}.ipynb" for f in files if (copy / f"{f}.ipynb").exists()]


def touch_notebook(path: Path, run: int) -> None:
    """Edit a notebook's text as an author would (an extra sentence in its first Markdown cell)."""
    notebook = nbformat.read(path, as_version=4)
    first = next(c for c in notebook.cells if c.cell_type == "markdown")
    first.source += f"\n\n(Edited for benchmark run {run}.)"
    nbformat.write(notebook, path)


STARTUP_PROBE = """
import json, statistics, sys, time
from ai_culture_report import forkserver, pipeline

def seconds(server=None):
    times = []
    for _ in range(3):
        started = time.perf_counter()
        assert pipeline.execute_notebook(sys.argv[1], sys.argv[2], {}, sys.argv[3], kernel_server=server)["ok"]
        times.append(time.perf_counter() - started)
    return statistics.median(times)

usual = seconds()
with forkserver.KernelForkServer() as server:
    assert server.address is None or server.wait_ready(), server.log_text()  # else it would time the fallback
    forked = seconds(server.address) if server.address else None
print(json.dumps([usual, forked]))
"""


def kernel_startup(copy: Path, env: dict) -> tuple[float, float | None]:
    """Seconds papermill needs for a notebook that only imports the package, with a kernel started the usual way
    and with one forked from the build's warm server (None where kernels are not forked): the per-notebook floor."""
    with tempfile.TemporaryDirectory() as folder:
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell("import ai_culture_report.charts, ai_culture_report.data")]
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        source = Path(folder) / "empty.ipynb"
        nbformat.write(notebook, source)
        result = subprocess.run([sys.executable, "-c", STARTUP_PROBE, str(source), str(Path(folder) / "out.ipynb"),
                                 folder], cwd=copy, env=env, capture_output=True, text=True, check=True)
    usual, forked = json.loads(result.stdout.strip().splitlines()[-1])
    return usual, forked


def stock_build(copy: Path, env: dict, stage: Path) -> tuple[float, float]:
    """jupyter-book executing every notebook itself, then a separate nbval run."""
    book = stage.parent / "stock"
    shutil.rmtree(book, ignore_errors=True)
    shutil.copytree(stage, book, ignore=shutil.ignore_patterns("_build", ".build-state.json"))
    for notebook in notebooks_in_toc(copy):  # the unexecuted sources, as an author commits them
        shutil.copy2(copy / notebook, book / notebook)
    config = yaml.safe_load((book / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "force"
    (book / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    build_time, build_peak, _ = measure(["jupyter-book", "build", str(book), "-q"], copy, env)
    nbval_time, nbval_peak, _ = measure([sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-q",
                                         "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir", str(book),
                                         *[str(book / n) for n in notebooks_in_toc(copy)]], book, env)
    return build_time + nbval_time, max(build_peak, nbval_peak)


def build_scenarios(copy: Path, folder: Path, build: list[str], run: int, wanted: set[str], results: dict,
                    edits: dict) -> None:
    """The single-book scenarios of one run, in order: each rebuild starts from the build before it."""
    out = folder / f"out-{run}"
    env = environment(copy, folder / f"cache-{run}")  # an empty cache: a clean build computes everything
    notebooks = notebooks_in_toc(copy)
    steps = (("clean", None), ("unchanged", None), ("one", lambda: touch_notebook(copy / notebooks[0], run)),
             ("module", lambda: edits.setdefault("expected", edit_module(copy, run))))
    last = max((i for i, (key, _) in enumerate(steps) if key in wanted or (key == "clean" and "stock" in wanted)),
               default=-1)
    for key, prepare in steps[:last + 1]:
        if prepare:
            prepare()
        elapsed, peak, log = measure([*build, "--stage-root", str(out)], copy, env)
        if key in wanted:
            results[key].append((elapsed, peak))
        if key == "one":
            edits.setdefault("one", []).append(len(executed_notebooks(log)))
        if key == "module":
            edits.setdefault("module", []).append(executed_notebooks(log))
        print(f"  run {run}: {key:9s} {elapsed:7.1f} s, peak {peak:7.0f} MiB", flush=True)
    if "floor" in wanted:
        floor_out = folder / f"floor-{run}"
        elapsed, _, log = measure([*build, "--jobs", "1", "--stage-root", str(floor_out)], copy,
                                  environment(copy, folder / f"cache-floor-{run}"))
        results["floor"].append(floor_seconds(log, os.cpu_count() or 1))
        edits.setdefault("longest", []).append(longest_execution(log))
        print(f"  run {run}: floor     {results['floor'][-1][2]:7.1f} s (one step at a time: {elapsed:.1f} s)",
              flush=True)
        shutil.rmtree(floor_out, ignore_errors=True)
    if "stock" in wanted:
        # Its own empty cache: the stock way starts as cold as the clean build did, and its nbval run
        # reuses what its own execution stored, as the clean build's does.
        stock_env = environment(copy, folder / f"cache-stock-{run}")
        elapsed, peak = stock_build(copy, stock_env, out / "stage" / "nordic")
        results["stock"].append((elapsed, peak))
        print(f"  run {run}: stock     {elapsed:7.1f} s, peak {peak:7.0f} MiB", flush=True)
    shutil.rmtree(out, ignore_errors=True)


ROW_NAMES = {"clean": "clean build: papermill, nbval and Jupyter Book from scratch",
             "unchanged": "rebuild with nothing changed",
             "one": "rebuild after one notebook changed",
             "module": "rebuild after one chapter module edited",
             "stock": "stock way: `jupyter-book build` executing every notebook, then `pytest --nbval-lax`"}


def report_lines(args, cores: int, notebooks: list[str], median: dict, edits: dict, startup: tuple | None,
                 sweep: list[dict], floor: list[float] | None = None) -> list[str]:
    versions = {name: metadata.version(name) for name in ("jupyter-book", "sphinx", "myst-nb", "papermill", "nbval",
                                                           "altair", "vl-convert-python", "pandas")}
    lines = [
        f"Measured by `python scripts/benchmark.py --runs {args.runs}"
        + ("" if set(args.scenarios) == set(SCENARIOS) else f" --scenarios {' '.join(args.scenarios)}")
        + "` on this machine: "
        f"{cores} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB of memory, Python {platform.python_version()}, "
        + ", ".join(f"{k} {v}" for k, v in versions.items()) + f". The book has {len(notebooks)} notebooks; each "
        f"figure is the median of {args.runs} run(s).",
        "",
    ]
    if median:
        lines += ["| scenario | wall time (s) | peak memory (MiB) |", "|---|---:|---:|"]
        lines += [f"| {ROW_NAMES[k]} | {median[k][0]:.1f} | {median[k][1]:.0f} |" for k in SCENARIOS if k in median]
        lines.append("")
    notes = []
    if "clean" in median and "stock" in median:
        notes.append(f"The clean build is {median['stock'][0] / median['clean'][0]:.1f}× as fast as the stock way; "
                     "both execute every notebook twice (once to build, once for nbval).")
    if "one" in edits:
        notes.append(f"After one notebook changed, the build executed {', '.join(map(str, edits['one']))} "
                     "notebook(s) per run.")
    if "module" in edits:
        executed = "; ".join(", ".join(names) or "none" for names in edits["module"])
        same = all(names == edits["expected"] for names in edits["module"])
        notes.append(f"After `{EDITED_MODULE}` was edited, the build executed {executed} "
                     f"({'exactly' if same else 'NOT only'} the notebooks that import it: "
                     f"{', '.join(edits['expected'])}).")
    if floor:
        steps, sphinx, least = floor
        against = f"; the clean build took {median['clean'][0] / least:.2f}× that" if "clean" in median else ""
        notes.append(f"Run one step at a time, the notebook steps (kernel starts and computation) took {steps:.1f} s "
                     f"in all and Sphinx {sphinx:.1f} s, so on {cores} cores a clean build cannot take less than "
                     f"{steps:.1f} / {cores} + {sphinx:.1f} = {least:.1f} s{against}.")
    if edits.get("longest"):
        runs = "; ".join(f"{name} {seconds:.1f} s" for name, seconds in edits["longest"])
        notes.append(f"The longest notebook, executed with nothing else running, took: {runs} (per run).")
    if startup is not None:
        usual, forked = startup
        each = forked if forked is not None else usual
        notes.append(f"A notebook that only imports the report's package takes {usual:.1f} s to execute with a kernel "
                     "started the usual way" + (f" and {forked:.1f} s with one forked from the build's warm server"
                                                if forked is not None else "") +
                     f", so the build's {2 * len(notebooks)} executions (papermill and nbval) spend at least "
                     f"{2 * len(notebooks) * each / cores:.1f} s on {cores} cores starting kernels; the rest is the "
                     "notebooks' own computation and Sphinx.")
    lines += [" ".join(notes)] if notes else []
    if sweep:
        lines += ["", "Sweeps (each from an empty stage and cache; 'against one variant' is the sweep's wall time "
                      "divided by that of one variant on the same scheduler):", "", *sweep_lines(sweep)]
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (the median is reported)")
    parser.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=list(SCENARIOS),
                        help="run only these scenarios (default: all)")
    parser.add_argument("--out", type=Path, default=None,
                        help="write the tables here (default: appendix/benchmark.md when every scenario runs)")
    parser.add_argument("--sweep-sizes", type=int, nargs="+", default=list(SWEEP_SIZES),
                        help="variants per sweep (default: 1 2 4)")
    parser.add_argument("--sweep-schedulers", nargs="+", choices=("local", "dask"), default=["local", "dask"],
                        help="run the sweeps with local processes, on a two-worker Dask LocalCluster, or both")
    args = parser.parse_args(argv)
    wanted = set(args.scenarios)
    out = args.out or (REPO / "appendix" / "benchmark.md" if wanted == set(SCENARIOS) else None)
    cores = os.cpu_count() or 1
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in SCENARIOS if k in wanted and k != "sweep"}
    edits: dict = {}
    sweep: list[dict] = []
    startup = None
    with tempfile.TemporaryDirectory(prefix="report-benchmark-") as folder:
        copy = scratch_copy(Path(folder) / "repo")
        notebooks = notebooks_in_toc(copy)
        print(f"benchmark: {len(notebooks)} notebooks, {cores} cores, {args.runs} run(s) of "
              f"{', '.join(args.scenarios)}", flush=True)
        if "clean" in wanted:
            startup = kernel_startup(copy, environment(copy))
        # The stock way prints no PDF, so neither does the build it is measured against.
        build = [sys.executable, str(copy / "scripts" / "build.py"), "--no-pdf"]
        for run in range(1, args.runs + 1):
            if wanted - {"sweep"}:
                build_scenarios(copy, Path(folder), build, run, wanted, results, edits)
            if "sweep" in wanted:
                sweep += sweep_table(copy, Path(folder), build, run, args.sweep_sizes, args.sweep_schedulers)
    floor_runs = results.pop("floor", [])
    floor = [statistics.median(r[i] for r in floor_runs) for i in range(3)] if floor_runs else None
    median = {k: (statistics.median(t for t, _ in v), statistics.median(m for _, m in v)) for k, v in results.items()}
    lines = report_lines(args, cores, notebooks, median, edits, startup, sweep, floor)
    if out:
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(json.dumps({"medians": median, "edits": edits, "sweep": sweep}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
