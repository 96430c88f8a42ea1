"""The build pipeline behind ``scripts/build.py``: stage, papermill, nbval, Jupyter Book, publish.

One *variant* is the book for one parameter file. For each variant the sources
are mirrored into a stage folder (outside ``_build/``, so page URLs stay
``chapters/<name>.html``), chapter notebooks whose inputs changed (the notebook, the
parameters, the data checksums, the lock file and the package modules the notebook imports,
found by :func:`notebook_modules`) are executed
there by papermill with the parameters injected, nbval re-executes them and
compares outputs, and Jupyter Book renders the stage with warnings as errors.
The HTML replaces the published copy only when every step succeeded.

Notebook steps of all variants go to one ``concurrent.futures`` executor: a local
process pool by default, or a Dask cluster's executor for large sweeps. Each notebook
is one job of two steps: papermill, then nbval on that notebook alone as soon as the
papermill run ended (``run_jobs``); the parent keeps at most one step per worker in
flight and starts the longest first, by the timings recorded in the build state.

No build fails for infrastructure reasons: every kernel, papermill's and nbval's, runs
over IPC in a private folder (:mod:`.kernels`), so kernels starting at once cannot
collide on TCP ports; a step whose kernel fails to start or dies is run again, at most
``MAX_ATTEMPTS`` times in all, and the log says so; a cell that raises or an output that
differs on re-execution is the notebook's fault and is never retried. A failure names
the notebook, the step (``papermill start``, ``papermill, cell 3``, ``nbval start``,
``nbval, cell 5``) and the cause (the exception, nbval's diff, or the kernel's exit
code and last stderr lines). The log has one line per finished notebook:
``[nordic  3/10   41.2 s] executed chapters/x.ipynb in 6.1 s, nbval passed in 5.8 s``.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from .bookconfig import book_title, staged_config
from .codedeps import PACKAGE, imported_names, module_closure, source_tree
from .data import REPO_ROOT, Snapshot
from .errors import ReportError
from .forkserver import KernelForkServer, launcher_command
from .kernel_launcher import ADDRESS_VARIABLE
from .params import ReportParams, load_params
from .pdf import build_pdf, printer_missing

PUBLISHED_VARIANT = "nordic"
BOOK_FILES = ["_config.yml", "_toc.yml", "intro.md", "conclusions.md", "references.bib"]
BOOK_DIRS = ["chapters", "summaries", "appendix", "_static", "_ext"]
STATE_FILE = ".build-state.json"


class BuildFailed(Exception):
    """A step failed; nothing was published."""


def log(message: str) -> None:
    print(message, flush=True)


def digest_bytes(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(hashlib.sha256(chunk).digest())
    return h.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def notebook_modules(notebook: Path, repo: Path = REPO_ROOT) -> list[Path]:
    """The package modules a notebook's code cells import, transitively (the shared ones, such as params,
    prose, data and charts, come in through the chapter modules that import them)."""
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    names = set()
    for cell in cells:
        if cell.get("cell_type") == "code":
            source = "".join(cell.get("source", ""))
            names |= imported_names(source_tree(source), "")
    return module_closure(names | {PACKAGE}, repo)


def modules_digest(paths: list[Path], repo: Path = REPO_ROOT) -> str:
    return digest_bytes(*(f.relative_to(repo).as_posix().encode() + f.read_bytes() for f in paths))


def write_if_changed(path: Path, content: bytes) -> bool:
    """Write only when the content differs, so unchanged files keep their time stamps."""
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    return True


def toc_files(toc: dict) -> list[str]:
    return [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]


def filtered_toc(toc_text: str, only: list[Path], repo: Path = REPO_ROOT) -> str:
    """The table of contents with only the chapter notebooks in ``only`` (other pages stay)."""
    toc = yaml.safe_load(toc_text)
    keep = {p.with_suffix("").as_posix() for p in only}
    notebooks = {p.relative_to(repo).with_suffix("").as_posix()
                 for folder in BOOK_DIRS for p in (repo / folder).glob("*.ipynb")}
    for part in toc.get("parts", []):
        part["chapters"] = [c for c in part["chapters"] if c["file"] not in notebooks or c["file"] in keep]
    toc["parts"] = [p for p in toc.get("parts", []) if p["chapters"]]
    listed = set(toc_files(toc))
    new = [{"file": f} for f in sorted(keep) if f not in listed]
    if new:  # a chapter being written that is not in the table of contents yet
        toc["parts"].append({"caption": "Preview", "chapters": new})
    return yaml.safe_dump(toc, sort_keys=False)


@dataclass
class Variant:
    """The book for one parameter file, and where it is staged and published."""

    name: str
    params_path: Path
    params: ReportParams
    stage: Path
    target: Path
    notebooks: list[Path] = field(default_factory=list)
    state: dict = field(default_factory=dict)
    base_hash: str = ""
    executed: list[Path] = field(default_factory=list)
    strict: bool = True  # warnings are errors; a partial preview only reports them
    pdf_missing: str | None = None  # why the report's PDF cannot be printed here (None: it is printed)

    @property
    def state_path(self) -> Path:
        return self.stage / STATE_FILE

    def save_state(self) -> None:
        self.state_path.write_text(json.dumps(self.state, indent=1, sort_keys=True))


def output_dir(variant: str, stage_root: Path | None = None, repo: Path = REPO_ROOT) -> Path:
    """``_build/html`` for the published book, ``_build/variants/<name>/html`` for the others."""
    base = stage_root if stage_root is not None else repo / "_build"
    return base / "html" if variant == PUBLISHED_VARIANT else base / "variants" / variant / "html"


def stage_sources(variant: Variant, only: list[Path] | None = None, repo: Path = REPO_ROOT) -> None:
    """Mirror the book's text sources into the stage and list the notebooks to execute."""
    stage = variant.stage
    toc_text = (repo / "_toc.yml").read_text(encoding="utf-8")
    in_toc = set(toc_files(yaml.safe_load(toc_text)))
    wanted: set[Path] = set()
    for name in BOOK_FILES:
        source = repo / name
        if not source.exists():
            continue
        content = source.read_bytes()
        if name == "_config.yml":
            content = staged_config(content.decode("utf-8"), variant.params,
                                    pdf=variant.pdf_missing is None).encode("utf-8")
        if name == "_toc.yml" and only:
            content = filtered_toc(toc_text, only, repo).encode("utf-8")
        if source.suffix == ".md":
            content = fill_placeholders(content.decode("utf-8"), variant.params, source).encode("utf-8")
        write_if_changed(stage / name, content)
        wanted.add(stage / name)
    notebooks = []
    for directory in BOOK_DIRS:
        for source in sorted((repo / directory).rglob("*")):
            if not source.is_file() or "__pycache__" in source.parts or source.name.startswith("."):
                continue
            relative = source.relative_to(repo)
            if source.suffix == ".ipynb":
                # A notebook not yet in the table of contents is work in progress: only --only runs it.
                chosen = relative in only if only else relative.with_suffix("").as_posix() in in_toc
                if chosen:
                    notebooks.append(relative)
                    wanted.add(stage / relative)
                continue
            content = source.read_bytes()
            if source.suffix == ".md":
                content = fill_placeholders(content.decode("utf-8"), variant.params, source).encode("utf-8")
            write_if_changed(stage / relative, content)
            wanted.add(stage / relative)
    wanted.add(stage / CHART_BUNDLE)  # written by write_book_assets while the notebooks run
    generated = {stage / "appendix" / n for n in ("run-manifest.json", "_manifest.md", "data.md")}
    for directory in BOOK_DIRS:  # a deleted chapter must not linger in the stage
        for staged in (stage / directory).rglob("*"):
            if staged.is_file() and staged not in wanted and staged not in generated:
                staged.unlink()
    variant.notebooks = notebooks


PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def placeholder_values(params: ReportParams) -> dict[str, str]:
    """What ``{{ name }}`` stands for in the book's Markdown pages."""
    from .reuse import citation_markdown

    return {
        "region_name": params.region_name,
        "Region_name": params.region_name[:1].upper() + params.region_name[1:],
        "region_short": params.region_short,
        "country_names": params.names_of(params.countries),
        "country_codes": ", ".join(params.countries),
        "aggregate_name": params.aggregate_name,
        "year_start": str(params.year_start),
        "year_end": str(params.year_end),
        "book_title": book_title(params),
        "report_citation": citation_markdown(),
    }


def fill_placeholders(text: str, params: ReportParams, source: Path) -> str:
    """Put the parameters into a Markdown page, so every sentence naming the region follows them."""
    values = placeholder_values(params)

    def replace(match: re.Match) -> str:
        key = match.group(1)
        if key not in values:
            raise ReportError(f"{source}: unknown placeholder {{{{ {key} }}}}; known: {', '.join(values)}")
        return values[key]

    return PLACEHOLDER.sub(replace, text)


GLUE_REFERENCE = re.compile(r"\{glue:\w+\}`([^`:]+\.ipynb)::")


def glue_dependencies(repo: Path = REPO_ROOT) -> set[Path]:
    """Notebooks whose glued numbers Markdown pages paste (the introduction pastes the synthesis)."""
    pages = [repo / n for n in BOOK_FILES if n.endswith(".md")]
    pages += [p for d in BOOK_DIRS for p in (repo / d).rglob("*.md")]
    found = set()
    for page in pages:
        if page.exists():
            for target in GLUE_REFERENCE.findall(page.read_text(encoding="utf-8")):
                found.add((page.parent / target).resolve().relative_to(repo.resolve()))
    return found


def prepare(params_path: Path, snapshot: Snapshot, only=None, stage_root: Path | None = None,
            repo: Path = REPO_ROOT, pdf: bool = True) -> Variant:
    if only:  # a preview still needs the notebooks whose numbers the other pages paste
        only = sorted(set(only) | glue_dependencies(repo))
    params = load_params(params_path)
    name = params_path.stem
    stage = (stage_root / "stage" if stage_root is not None else repo / ".stage") / name
    stage.mkdir(parents=True, exist_ok=True)
    variant = Variant(name=name, params_path=params_path, params=params, stage=stage,
                      target=output_dir(name, stage_root, repo), strict=not only)
    # A preview of some chapters is no report to print.
    variant.pdf_missing = ("a preview of some chapters is not printed" if not variant.strict
                           else "not asked for (--no-pdf)" if not pdf else printer_missing())
    if variant.state_path.exists():
        variant.state = json.loads(variant.state_path.read_text())
    stage_sources(variant, only, repo)
    lock = repo / "requirements.txt"
    variant.base_hash = digest_bytes(
        json.dumps(snapshot.checksums(), sort_keys=True).encode(),
        lock.read_bytes() if lock.exists() else b"",  # each notebook adds its parameters and code (plan)
    )
    log(f"[{name}] {params.region_name} ({', '.join(params.countries)}), compared with "
        f"{params.comparison_aggregate}, {params.year_start}–{params.year_end}: {notebooks_text(variant)}")
    return variant


CHART_BUNDLE = Path("_static") / "vega-charts.js"
APPENDIX_KEY = "__appendix__"


def write_data_appendix(variant: Variant, snapshot: Snapshot) -> str:
    """Render the data appendix when the registry or the parameters changed; return the key of what it
    shows, for the build state (the caller records it: this runs beside the notebooks)."""
    from .appendix import render_data_appendix

    key = digest_bytes(snapshot.registry.path.read_bytes(), json.dumps(variant.params.as_dict()).encode(),
                       json.dumps(snapshot.checksums(), sort_keys=True).encode(),
                       modules_digest(module_closure({f"{PACKAGE}.appendix"})).encode())
    target = variant.stage / "appendix" / "data.md"
    if variant.state.get(APPENDIX_KEY) != key or not target.exists():
        write_if_changed(target, render_data_appendix(snapshot, variant.params).encode("utf-8"))
    return key


def write_book_assets(variant: Variant, snapshot: Snapshot) -> str:
    """What only Sphinx needs, written while the notebooks run: the chart runtime (from the vl-convert
    package: no network, no npm; kept in the cache) and the data appendix. Returns the appendix's key."""
    bundle = variant.stage / CHART_BUNDLE
    if not bundle.exists():
        from .charts import javascript_bundle  # altair and vl-convert load slowly: only when needed

        write_if_changed(bundle, javascript_bundle().encode("utf-8"))
    return write_data_appendix(variant, snapshot)


def notebooks_text(variant: Variant) -> str:
    return f"{len(variant.notebooks)} notebook(s)"


MAX_ATTEMPTS = 3  # a kernel that dies or fails to start is tried at most twice more; a cell error never
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def first_line(source: str) -> str:
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    text = lines[0] if lines else ""
    return text if len(text) <= 70 else text[:67] + "..."


def cell_label(number: int | None, source: str = "") -> str:
    """``cell 5 (`summary.head()`)``: the code cell's number in the executed notebook and its first line."""
    if number is None:
        return "before any cell ran"
    line = first_line(source)
    return f"cell {number}" + (f" (`{line}`)" if line else "")


def declared_parameters(notebook: Path) -> set[str]:
    """The names assigned in a notebook's cell tagged ``parameters``.

    Only these are injected and keyed: a parameter of another chapter must neither override a
    local one of the same name nor re-execute a notebook that does not read it.

    Read with ``ast`` rather than papermill's inspector, which gives up on a line such as
    ``as_of = None  # ...`` and would then drop the parameter.
    """
    import ast

    names: set[str] = set()
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            for node in ast.parse(cell.source).body:
                targets = node.targets if isinstance(node, ast.Assign) else \
                    [node.target] if isinstance(node, ast.AnnAssign) else []
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _kernel_failure(error: Exception, kernel_died: bool, progress: dict, manager) -> dict:
    """The outcome fields of a failure that did not come from a cell's own code."""
    if not kernel_died and progress["started"]:
        # A cell's own exception arrives as PapermillExecutionError; this one is nbclient's, mid-run.
        return {"kind": "other", "cell": progress["cell"], "retry": False, "error": f"{type(error).__name__}: {error}"}
    if progress["started"]:
        step, what = f"papermill, {cell_label(progress['cell'], progress['source'])}", "kernel died"
    else:
        step, what = "papermill start", "kernel failed to start"
    return {"kind": "kernel", "cell": progress["cell"], "retry": True, "step": step,
            "error": f"{what} ({type(error).__name__}: {error})", "cause": manager.cause() if manager is not None else ""}


def execute_notebook(source: str, target: str, parameters: dict, cwd: str, kernel_server: str | None = None) -> dict:
    """Run one notebook with papermill (in a worker process); report the outcome, never raise.

    The kernel runs over IPC in a private folder (:mod:`.kernels`), forked from ``kernel_server``
    when the build runs one (:mod:`.forkserver`). The outcome says whether a
    failure was the notebook's (``kind: "cell"``, never retried) or the kernel's (``kind: "kernel"``,
    ``retry: True``), at which step, and why.
    """
    import papermill
    import zmq
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from .kernels import AsyncIPCKernelManager, forget_last_kernel, last_kernel

    started = time.perf_counter()
    partial = Path(target).with_name(Path(target).stem + ".partial.ipynb")
    progress: dict = {"started": False, "cell": None, "source": ""}

    def on_notebook_start(notebook, **_):
        progress["started"] = True
        progress["code_cells"] = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code"]

    def on_cell_execute(cell, cell_index, **_):
        progress["cell"] = sum(1 for i in progress.get("code_cells", []) if i <= cell_index)
        progress["source"] = cell.source

    def outcome(ok: bool, **fields) -> dict:
        manager = last_kernel()
        return {"ok": ok, "seconds": time.perf_counter() - started, "step": "papermill",
                "transport": manager.transport_used if manager is not None else "", **fields}

    use_kernel_server(os.environ, kernel_server)
    forget_last_kernel()
    try:
        papermill.execute_notebook(
            source, str(partial), parameters=parameters, cwd=cwd, kernel_name="python3",
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            kernel_manager_class=AsyncIPCKernelManager,
            on_notebook_start=on_notebook_start, on_cell_execute=on_cell_execute,
        )
    except PapermillExecutionError as error:
        partial.unlink(missing_ok=True)
        return outcome(False, kind="cell", cell=error.exec_count, retry=False,
                       error=f"{cell_label(error.exec_count, error.source)} raised {error.ename}: {error.evalue}")
    except (DeadKernelError, RuntimeError, TimeoutError, zmq.ZMQError) as error:
        partial.unlink(missing_ok=True)
        return outcome(False, **_kernel_failure(error, isinstance(error, DeadKernelError), progress, last_kernel()))
    except Exception as error:  # notebook unreadable, no such kernel, ...
        partial.unlink(missing_ok=True)
        return outcome(False, kind="other", cell=None, retry=False, error=f"{type(error).__name__}: {error}")
    show_injected_parameters(partial)
    partial.replace(target)
    return outcome(True)


def nbval_command(path: str, rootdir: str, report: str) -> list[str]:
    # Only the plugins needed (PYTEST_DISABLE_PLUGIN_AUTOLOAD in validate_notebook): pytest starts 1 s sooner.
    return [sys.executable, "-m", "pytest", "-p", "nbval.plugin", "-p", "ai_culture_report.kernels",
            "--nbval", "--nbval-current-env", "-q", "--color=no", "-p", "no:cacheprovider", "--nbval-report", report,
            "--rootdir", rootdir, "-o", "addopts=", "-o", "testpaths=", path]


def use_kernel_server(env, address: str | None) -> None:
    """Have the kernels started with ``env`` fork from the build's server at ``address`` (or start as usual)."""
    if address:
        env[ADDRESS_VARIABLE] = address
    else:
        env.pop(ADDRESS_VARIABLE, None)


def validate_notebook(path: str, rootdir: str, kernel_server: str | None = None) -> dict:
    """nbval re-executes one executed notebook and compares every output (in a worker); never raises.

    A pytest plugin (:mod:`.kernels`) gives nbval an IPC kernel and writes what happened to each
    cell to a JSON report, so a failure names its cell: ``kind: "differs"`` (an output changed on
    re-execution, with nbval's diff), ``"cell"`` (a cell raised), or ``"kernel"`` (the kernel did not
    start or died: ``retry: True``).
    """
    import tempfile

    started = time.perf_counter()
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[1])  # where pytest finds the plugin
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    use_kernel_server(env, kernel_server)
    with tempfile.TemporaryDirectory(prefix="nbval-report-") as folder:
        report_path = Path(folder) / "report.json"
        command = nbval_command(path, rootdir, str(report_path))
        if kernel_server:  # pytest, with nbval imported, forked from the server
            command = launcher_command(command)
        result = subprocess.run(command, cwd=rootdir, env=env,
                                capture_output=True, text=True)
        report = json.loads(report_path.read_text()) if report_path.exists() else None
    seconds = time.perf_counter() - started
    base = {"seconds": seconds, "step": "nbval", "transport": ",".join((report or {}).get("transports", []))}
    if result.returncode == 0 and report is not None:
        passed = sum(1 for c in report["cells"] if c["when"] == "call" and c["outcome"] == "passed")
        return {**base, "ok": True, "cells": passed}
    failures = (report or {}).get("failures", [])
    if not failures and result.returncode < 0:  # pytest itself was killed (out of memory?): not the notebook
        from .kernels import describe_exit

        return {**base, "ok": False, "kind": "kernel", "cell": None, "retry": True, "step": "nbval",
                "error": f"pytest --nbval was {describe_exit(result.returncode)}",
                "cause": (result.stdout[-1500:] + result.stderr[-1500:]).strip()}
    if not failures:  # pytest itself failed: unreadable notebook, plugin not importable, ...
        errors = (report or {}).get("collect_errors", [])
        text = "\n".join(errors) or (result.stdout[-3000:] + result.stderr[-2000:])
        return {**base, "ok": False, "kind": "other", "cell": None, "retry": False,
                "error": f"pytest --nbval exited with code {result.returncode}", "detail": text.strip()}
    first = failures[0]
    number = first["cell_num"] + 1 if first.get("cell_num") is not None else None
    detail = ANSI.sub("", first.get("detail") or "").strip()
    if first["kind"] == "kernel":
        step = "nbval start" if first["step"] == "nbval start" else f"nbval, {cell_label(number, first['source'])}"
        what = "kernel failed to start" if step == "nbval start" else \
            "kernel stalled" if first["exception"] == "NbCellError" else "kernel died"
        return {**base, "ok": False, "kind": "kernel", "cell": number, "retry": True, "step": step,
                "error": f"{what} ({first['exception']}: {first['message']})", "cause": detail}
    if first["kind"] == "differs":
        return {**base, "ok": False, "kind": "differs", "cell": number, "retry": False,
                "error": f"the output of {cell_label(number, first['source'])} differs on re-execution",
                "detail": "nbval's diff: the executed notebook's output (left, +) against the re-execution "
                          "(right, -)\n" + detail}
    last = [line for line in detail.splitlines() if line.strip()][-1:] or [first["message"]]
    return {**base, "ok": False, "kind": "cell", "cell": number, "retry": False,
            "error": f"{cell_label(number, first['source'])} raised on re-execution: {last[0].strip()}",
            "detail": detail}


def show_injected_parameters(path: Path) -> None:
    """Prepare an executed notebook for the page: readers see the text and the charts, not the code.

    The code cells' input is removed from the page (the notebook itself keeps it: the page's
    download menu offers it, and the note at the end of the chapter shows the parameters this book
    ran with). The notebook's default parameters cell is dropped from the page altogether. The
    injected cell gets a fixed id instead of papermill's random one, so that two executions of the
    same notebook differ only in papermill's time stamps.
    """
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    ids = {cell.get("id") for cell in notebook.cells}
    for cell in notebook.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "id" in cell and "injected-parameters" not in ids:
            cell["id"] = "injected-parameters"
        if "parameters" in tags and "injected-parameters" not in tags:
            if "remove-cell" not in tags:
                tags.append("remove-cell")
        elif cell.cell_type == "code":
            tags[:] = [t for t in tags if t != "hide-input"] + ([] if "remove-input" in tags else ["remove-input"])
    nbformat.write(notebook, path)


@dataclass
class Job:
    """One notebook of one variant: execute it with papermill (unless unchanged), then validate it with nbval."""

    variant: Variant
    relative: Path
    source: Path
    target: Path
    input_hash: str
    parameters: dict = field(default_factory=dict)  # what papermill injects: the ones the notebook declares
    execute: bool = True
    validate: bool = False
    seconds: dict = field(default_factory=dict)  # step -> seconds of the successful run
    attempts: dict = field(default_factory=dict)  # step -> runs so far

    @property
    def key(self) -> str:
        return self.relative.as_posix()

    def expected(self, step: str) -> float:
        """Seconds this step took last time (0 when never measured), for longest-first scheduling."""
        return float(self.variant.state.get(TIMINGS, {}).get(self.key, {}).get(step, 0.0))


TIMINGS = "__timings__"


def plan(variant: Variant, force: bool, repo: Path = REPO_ROOT, test: bool = True) -> list[Job]:
    """Every notebook of a variant: executed if its inputs changed since its last successful execution,
    validated by nbval (with ``test``) if executed now or not validated since."""
    jobs = []
    for relative in variant.notebooks:
        source, target = repo / relative, variant.stage / relative
        declared = declared_parameters(source)
        parameters = {k: v for k, v in variant.params.as_dict().items() if k in declared}
        input_hash = digest_bytes(variant.base_hash.encode(), source.read_bytes(),
                                  json.dumps(parameters, sort_keys=True).encode(),
                                  modules_digest(notebook_modules(source, repo), repo).encode())
        entry = variant.state.get(relative.as_posix(), {})
        unchanged = not force and target.exists() and entry.get("input_hash") == input_hash \
            and entry.get("output_hash") == file_digest(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        jobs.append(Job(variant, relative, source, target, input_hash, parameters, execute=not unchanged,
                        validate=test and not (unchanged and entry.get("nbval"))))
    return jobs


class Progress:
    """``[nordic  3/10  41.2 s] ...``: one line per finished notebook, with the count and the time so far."""

    def __init__(self, total: int, started: float | None = None):
        self.total, self.done = total, 0
        self.started = time.perf_counter() if started is None else started

    def prefix(self, variant: str) -> str:
        width = len(str(self.total))
        return f"[{variant} {self.done:>{width}}/{self.total} {time.perf_counter() - self.started:6.1f} s]"

    def finished(self, job: Job, text: str) -> None:
        self.done += 1
        log(f"{self.prefix(job.variant.name)} {text}")

    def note(self, job: Job, text: str) -> None:
        log(f"{self.prefix(job.variant.name)} {text}")


def done_text(job: Job) -> str:
    executed = f"executed {job.key} in {job.seconds['papermill']:.1f} s" if job.execute \
        else f"{job.key}: inputs unchanged, not executed"
    if job.validate:
        executed += f"{',' if job.execute else ';'} nbval passed in {job.seconds['nbval']:.1f} s"
    retried = sum(n - 1 for n in job.attempts.values())
    if retried:
        executed += f" (after {retried} kernel restart{'s' if retried > 1 else ''})"
    return executed


def failure_text(job: Job, outcome: dict) -> str:
    step = outcome.get("step", "papermill")
    lines = [f"FAILED {job.key}: {outcome['error']} (step: {step})"]
    for extra in (outcome.get("detail"), outcome.get("cause")):
        if extra:
            body = extra.splitlines()
            if len(body) > 40:
                body = body[:40] + [f"... ({len(body) - 40} more lines)"]
            lines.append(indent("\n".join(body)))
    return "\n".join(lines)


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def run_jobs(jobs: list[Job], executor: Executor | None, slots: int, progress: Progress,
             on_variant_done=None, kernel_server: str | None = None) -> list[str]:
    """Run every job's steps on the executor; record successes in the build state; return the failures.
    ``on_variant_done(variant)`` is called as soon as every notebook of a variant has succeeded (a sweep
    builds that variant's HTML while the others' notebooks still run).

    At most ``slots`` steps are in flight, so the parent chooses what runs next: the step with the
    longest expected remaining time (papermill and then nbval of a notebook, from the timings
    recorded by earlier builds), and a notebook's nbval as soon as its papermill run ended. A step
    whose kernel died or failed to start is run again, at most ``MAX_ATTEMPTS`` times in all. Kernels fork
    from ``kernel_server`` when one runs (:mod:`.forkserver`).
    """
    server = {"kernel_server": kernel_server} if kernel_server else {}
    ready: list[tuple[str, Job]] = []
    left: dict[str, int] = {}
    variants = {}
    failed: set[str] = set()
    for job in jobs:
        left[job.variant.name] = left.get(job.variant.name, 0) + 1
        variants[job.variant.name] = job.variant

    def job_done(job: Job, ok: bool) -> None:
        name = job.variant.name
        left[name] -= 1
        if not ok:
            failed.add(name)
        if left[name] == 0 and name not in failed and on_variant_done:
            on_variant_done(variants[name])

    for job in jobs:
        if job.execute:
            ready.append(("papermill", job))
        elif job.validate:
            ready.append(("nbval", job))
        else:
            progress.finished(job, done_text(job))
            job_done(job, True)
    failures: list[str] = []
    running: dict = {}
    order = {id(job): index for index, job in enumerate(jobs)}

    def priority(task):
        step, job = task
        remaining = job.expected("nbval") if job.validate else 0.0
        if step == "papermill":
            remaining += job.expected("papermill")
        return (-remaining, step != "nbval", order[id(job)])

    def submit(step: str, job: Job):
        job.attempts[step] = job.attempts.get(step, 0) + 1
        if step == "papermill":
            return executor.submit(execute_notebook, str(job.source), str(job.target),
                                   job.parameters, str(job.target.parent), **server)
        return executor.submit(validate_notebook, str(job.target), str(job.variant.stage), **server)

    try:
        while ready or running:
            ready.sort(key=priority)
            while ready and len(running) < slots:
                step, job = ready.pop(0)
                running[submit(step, job)] = (step, job)
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in finished:
                step, job = running.pop(future)
                try:
                    outcome = future.result()
                except Exception as error:  # the worker itself died (BrokenProcessPool, KilledWorker, ...)
                    outcome = {"ok": False, "kind": "worker", "retry": False, "step": step,
                               "error": f"the worker running it failed: {type(error).__name__}: {error}"}
                failed_before = len(failures)
                follow = handle(step, job, outcome, progress, failures)
                if follow:
                    ready.append((follow, job))
                elif follow is None:
                    job_done(job, len(failures) == failed_before)
    except BaseException:
        for future in running:
            future.cancel()
        raise
    return failures


def handle(step: str, job: Job, outcome: dict, progress: Progress, failures: list[str]) -> str | None:
    """Record one step's outcome; return the step to run next for this job, if any."""
    variant, key = job.variant, job.key
    if outcome["ok"]:
        job.seconds[step] = outcome["seconds"]
        variant.state.setdefault(TIMINGS, {}).setdefault(key, {})[step] = round(outcome["seconds"], 2)
        if step == "papermill":
            variant.state[key] = {"input_hash": job.input_hash, "output_hash": file_digest(job.target)}
            variant.executed.append(job.relative)
        else:
            variant.state[key]["nbval"] = True
        variant.save_state()
        if step == "papermill" and job.validate:
            return "nbval"
        progress.finished(job, done_text(job))
        return None
    if outcome.get("retry") and job.attempts[step] < MAX_ATTEMPTS:
        progress.note(job, f"{key}: {outcome['error']} (step: {outcome['step']}); "
                           f"retrying, attempt {job.attempts[step] + 1} of {MAX_ATTEMPTS}")
        return step
    if outcome.get("retry"):
        outcome = {**outcome, "error": f"{outcome['error']}, {MAX_ATTEMPTS} attempts"}
    progress.finished(job, failure_text(job, outcome))
    if step == "papermill":  # never publish a stale copy of a failing chapter
        variant.state.pop(key, None)
        job.target.unlink(missing_ok=True)
    variant.save_state()
    failures.append(f"{variant.name}: {key} ({outcome.get('step', step)}: {outcome['error'].splitlines()[0]})")
    return None


def tree_digest(stage: Path) -> str:
    files = sorted(p for p in stage.rglob("*") if p.is_file() and "_build" not in p.relative_to(stage).parts
                   and p.name != STATE_FILE)
    return digest_bytes(*(p.relative_to(stage).as_posix().encode() + p.read_bytes() for p in files))


def build_html(variant: Variant) -> None:
    publish_html(variant, *render_html(variant))


def render_html(variant: Variant) -> tuple[Path | None, str]:
    """Build a variant's HTML (and PDF) in its stage: (the built folder, or None when the published book is
    up to date, and the stage's digest). Reads the build state, never writes it: in a sweep it runs beside
    the other variants' notebooks."""
    digest = tree_digest(variant.stage)
    if (variant.target / "index.html").exists() and variant.state.get("__html__") == digest:
        log(f"  [{variant.name}] jupyter-book: sources unchanged, {variant.target} is up to date")
        return None, digest
    # A preview lacks the other chapters, so its links to them cannot resolve: report, don't fail.
    log(f"  [{variant.name}] jupyter-book: building HTML "
        f"({'warnings are errors' if variant.strict else 'preview of some chapters: warnings are reported'})")
    started = time.perf_counter()
    # --all: a fresh Sphinx environment each time; incremental builds lose bibtex citations across pages.
    command = ["jupyter-book", "build", str(variant.stage), "--keep-going", "-q", "--all"]
    if variant.strict:
        command.append("-W")
    result = subprocess.run(command, capture_output=True, text=True)
    built = variant.stage / "_build" / "html"
    if result.returncode != 0 or not (built / "index.html").exists():
        log(result.stdout[-8000:])
        log(result.stderr[-8000:])
        raise BuildFailed(f"[{variant.name}] jupyter-book build failed. Nothing was published.")
    log(f"  [{variant.name}] HTML built in {time.perf_counter() - started:.1f} s")
    write_redirect_page(built, variant.params)
    if variant.pdf_missing is None:
        started = time.perf_counter()
        pdf = build_pdf(variant.stage, built, book_title(variant.params),
                        yaml.safe_load((variant.stage / "_toc.yml").read_text(encoding="utf-8")))
        log(f"  [{variant.name}] PDF printed in {time.perf_counter() - started:.1f} s "
            f"({pdf.stat().st_size / 2**20:.1f} MiB)")
    elif variant.strict:
        log(f"  [{variant.name}] PDF: not printed ({variant.pdf_missing}); the pages do not offer it")
    return built, digest


def publish_html(variant: Variant, built: Path | None, digest: str) -> None:
    """Swap the rendered book in and record it (only once every variant has rendered)."""
    if built is None:
        return
    publish(built, variant.target)
    variant.state["__html__"] = digest
    variant.save_state()
    log(f"  [{variant.name}] book: {variant.target}/index.html")


def write_redirect_page(built: Path, params: ReportParams) -> None:
    """Jupyter Book's index.html only redirects to the first page; make it a valid page that says so."""
    import html as html_text

    title = html_text.escape(book_title(params))
    (built / "index.html").write_text(
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta http-equiv="refresh" content="0; url=intro.html"><link rel="canonical" href="intro.html">'
        f'<meta name="description" content="{title}: an open, reproducible report."></head>'
        f'<body><main><h1>{title}</h1><p><a href="intro.html">Open the report</a></p></main></body></html>\n',
        encoding="utf-8")


def publish(built: Path, target: Path) -> None:
    """Swap the new HTML in only after it is complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(target.name + ".incoming")
    previous = target.with_name(target.name + ".previous")
    for leftover in (incoming, previous):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(built, incoming)
    if target.exists():
        target.rename(previous)
    incoming.rename(target)
    shutil.rmtree(previous, ignore_errors=True)


def _ignore_signal(signum, frame) -> None:
    pass


def _quiet_worker() -> None:
    """A pool worker leaves Ctrl-C to the parent, which cancels the build (no traceback per worker).

    A handler, not SIG_IGN: an ignored signal would stay ignored in the nbval processes it starts. On Linux the
    worker also ends when the build's process ends, however it ends: a killed build leaves no idle workers.
    """
    import signal

    signal.signal(signal.SIGINT, _ignore_signal)
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):  # no prctl: the worker stays until it is told to stop
            pass


def default_jobs(variants: int = 1) -> int:
    """Notebook steps at once. For one book, one more than the cores: a step spends part of its time waiting
    (a kernel starting, papermill saving the notebook after each cell, nbval's pytest starting), and the extra
    step fills those waits (clean build on two cores: about 60 s against 71 s). In a sweep, Sphinx rendering
    the finished variants fills them, so one step per core (four variants: 178 s against 194 s)."""
    cores = os.cpu_count() or 1
    return cores + 1 if variants == 1 else cores


def make_executor(jobs: int, scheduler: str | None):
    """A local process pool, or the executor of an existing Dask cluster: (executor, close, slots)."""
    if scheduler:
        from distributed import Client

        try:
            client = Client(scheduler, timeout="20s")
        except OSError as error:
            raise ReportError(f"Cannot connect to the Dask scheduler at {scheduler}: {error}") from None
        workers = client.scheduler_info()["workers"]
        slots = max(1, sum(w.get("nthreads", 1) for w in workers.values()))
        log(f"dask: running notebooks on {scheduler} ({len(workers)} worker(s), {slots} thread(s))")
        return client.get_executor(pure=False), client.close, slots  # pure=False: a retry is a new task
    # Spawned, not forked: the build's own threads (book assets, Sphinx renders) run while the pool starts
    # its workers, and a fork taken while another thread holds a lock can hang the child for good.
    pool = ProcessPoolExecutor(max_workers=max(1, jobs), initializer=_quiet_worker,
                               mp_context=multiprocessing.get_context("spawn"))

    def close(interrupted: bool = False) -> None:
        if interrupted:  # do not wait for the notebooks under way
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
        pool.shutdown(wait=not interrupted, cancel_futures=True)

    return pool, close, max(1, jobs)


def build(params_paths: list[Path], jobs: int | None = 1, test: bool = True, force: bool = False, only=None,
          stage_root: Path | None = None, scheduler: str | None = None, repo: Path = REPO_ROOT,
          pdf: bool = True) -> list[Variant]:
    """Build the book for every parameter file; return the variants built."""
    started = time.perf_counter()
    snapshot = Snapshot()
    snapshot.check_root()
    problems = snapshot.verify_all()
    if problems:
        raise ReportError("The data snapshot does not match the registry:\n" + "\n".join(problems))
    log(f"data: {len(snapshot.registry.resources)} registered files verified in {snapshot.root}")
    names = [p.stem for p in params_paths]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ReportError(f"Two parameter files share the name {', '.join(duplicates)}; variant names must differ.")
    variants = [prepare(p, snapshot, only, stage_root, repo, pdf) for p in params_paths]
    if not test:
        for variant in variants:
            log(f"  [{variant.name}] nbval: skipped (--no-test)")
    all_jobs = [job for variant in variants for job in plan(variant, force, repo, test=test)]
    to_execute = sum(job.execute for job in all_jobs)
    to_validate = sum(job.validate for job in all_jobs)
    progress = Progress(len(all_jobs), started)
    failures: list[str] = []
    assets = ThreadPoolExecutor(max_workers=1, thread_name_prefix="book-assets")
    pending_assets = {variant.name: assets.submit(write_book_assets, variant, snapshot) for variant in variants}
    assets.shutdown(wait=False)
    # Sphinx renders a variant as soon as its notebooks passed, one variant at a time, beside the notebooks
    # still running; the books are published only when every variant has rendered.
    books = ThreadPoolExecutor(max_workers=1, thread_name_prefix="book-html")
    rendering: dict[str, Future] = {}

    def render_when_ready(variant: Variant) -> None:
        def render() -> tuple[Path | None, str]:
            appendix_key = pending_assets[variant.name].result()
            from .manifest import build_manifest, write_manifest

            write_manifest(variant.stage, build_manifest(variant.params_path, variant.params, snapshot, repo))
            return render_html(variant) + (appendix_key,)
        rendering[variant.name] = books.submit(render)

    if to_execute or to_validate:
        with KernelForkServer(log) as kernel_server:
            executor, close, slots = make_executor(jobs or default_jobs(len(variants)), scheduler)
            log(f"notebooks: {to_execute} to execute with papermill, {to_validate} to validate with nbval, "
                f"{slots} at once{', kernels forked from a warm server' if kernel_server.address else ''}")
            interrupted = False
            try:
                failures = run_jobs(all_jobs, executor, slots, progress, render_when_ready, kernel_server.address)
            except KeyboardInterrupt:
                interrupted = True
                raise
            finally:
                if scheduler:
                    close()
                else:
                    close(interrupted)
    else:
        run_jobs(all_jobs, None, 1, progress, render_when_ready)
    if failures:
        books.shutdown(wait=False)
        raise BuildFailed(f"{len(failures)} notebook(s) failed: {'; '.join(failures)}. Nothing was published.")
    rendered = []
    for variant in variants:
        if variant.name not in rendering:  # a variant without notebooks
            render_when_ready(variant)
        built, digest, appendix_key = rendering[variant.name].result()
        variant.state[APPENDIX_KEY] = appendix_key
        rendered.append((variant, built, digest))
    books.shutdown()
    for variant, built, digest in rendered:
        publish_html(variant, built, digest)
    return variants
