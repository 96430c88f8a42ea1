"""The build pipeline behind ``scripts/build.py``: stage, papermill, nbval, Jupyter Book, publish.

One *variant* is the book for one parameter file. For each variant the sources
are mirrored into a stage folder (outside ``_build/``, so page URLs stay
``chapters/<name>.html``), chapter notebooks whose inputs changed are executed
there by papermill with the parameters injected, nbval re-executes them and
compares outputs, and Jupyter Book renders the stage with warnings as errors.
The HTML replaces the published copy only when every step succeeded.

Notebook executions of all variants go to one ``concurrent.futures`` executor:
a local process pool by default, or a Dask cluster's executor for large sweeps.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .bookconfig import staged_config
from .data import REPO_ROOT, Snapshot
from .errors import ReportError
from .params import ReportParams, load_params

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


def package_digest(repo: Path = REPO_ROOT) -> str:
    files = sorted((repo / "ai_culture_report").rglob("*.py"))
    return digest_bytes(*(f.relative_to(repo).as_posix().encode() + f.read_bytes() for f in files))


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
            content = staged_config(content.decode("utf-8"), variant.params).encode("utf-8")
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
    bundle = stage / "_static" / "vega-charts.js"
    if not bundle.exists():  # generated from the vl-convert package: no network, no npm
        from .charts import javascript_bundle  # altair and vl-convert load slowly: only when needed

        write_if_changed(bundle, javascript_bundle().encode("utf-8"))
    wanted.add(bundle)
    generated = {stage / "appendix" / n for n in ("run-manifest.json", "_manifest.md", "data.md")}
    for directory in BOOK_DIRS:  # a deleted chapter must not linger in the stage
        for staged in (stage / directory).rglob("*"):
            if staged.is_file() and staged not in wanted and staged not in generated:
                staged.unlink()
    variant.notebooks = notebooks


PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def placeholder_values(params: ReportParams) -> dict[str, str]:
    """What ``{{ name }}`` stands for in the book's Markdown pages."""
    from .bookconfig import book_title

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
            repo: Path = REPO_ROOT) -> Variant:
    if only:  # a preview still needs the notebooks whose numbers the other pages paste
        only = sorted(set(only) | glue_dependencies(repo))
    params = load_params(params_path)
    name = params_path.stem
    stage = (stage_root / "stage" if stage_root is not None else repo / ".stage") / name
    stage.mkdir(parents=True, exist_ok=True)
    variant = Variant(name=name, params_path=params_path, params=params, stage=stage,
                      target=output_dir(name, stage_root, repo), strict=not only)
    if variant.state_path.exists():
        variant.state = json.loads(variant.state_path.read_text())
    stage_sources(variant, only, repo)
    lock = repo / "requirements.txt"
    variant.base_hash = digest_bytes(
        json.dumps(params.as_dict(), sort_keys=True).encode(),
        json.dumps(snapshot.checksums(), sort_keys=True).encode(),
        package_digest(repo).encode(),
        lock.read_bytes() if lock.exists() else b"",
    )
    write_data_appendix(variant, snapshot)
    log(f"[{name}] {params.region_name} ({', '.join(params.countries)}), compared with "
        f"{params.comparison_aggregate}, {params.year_start}–{params.year_end}: {notebooks_text(variant)}")
    return variant


def write_data_appendix(variant: Variant, snapshot: Snapshot) -> None:
    """Render the data appendix when the registry or the parameters changed."""
    from .appendix import render_data_appendix

    key = digest_bytes(snapshot.registry.path.read_bytes(), json.dumps(variant.params.as_dict()).encode(),
                       json.dumps(snapshot.checksums(), sort_keys=True).encode(), package_digest().encode())
    target = variant.stage / "appendix" / "data.md"
    if variant.state.get("__appendix__") == key and target.exists():
        return
    write_if_changed(target, render_data_appendix(snapshot, variant.params).encode("utf-8"))
    variant.state["__appendix__"] = key
    variant.save_state()


def notebooks_text(variant: Variant) -> str:
    return f"{len(variant.notebooks)} notebook(s)"


def execute_notebook(source: str, target: str, parameters: dict, cwd: str) -> dict:
    """Run one notebook with papermill (in a worker process); report the outcome, never raise."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    partial = Path(target).with_name(Path(target).stem + ".partial.ipynb")
    try:
        papermill.execute_notebook(
            source, str(partial), parameters=parameters, cwd=cwd, kernel_name="python3",
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as error:
        partial.unlink(missing_ok=True)
        return {"ok": False, "cell": error.exec_count, "error": f"{error.ename}: {error.evalue}",
                "seconds": time.perf_counter() - started}
    except Exception as error:  # kernel died, notebook unreadable, ...
        partial.unlink(missing_ok=True)
        return {"ok": False, "cell": None, "error": f"{type(error).__name__}: {error}",
                "seconds": time.perf_counter() - started}
    show_injected_parameters(partial)
    partial.replace(target)
    return {"ok": True, "seconds": time.perf_counter() - started}


def show_injected_parameters(path: Path) -> None:
    """In the page, show the parameters this book was run with, not the notebook's defaults."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "hide-input" not in tags:
            tags.append("hide-input")
        elif "parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    nbformat.write(notebook, path)


@dataclass
class Job:
    variant: Variant
    relative: Path
    source: Path
    target: Path
    input_hash: str


def plan(variant: Variant, force: bool, repo: Path = REPO_ROOT) -> list[Job]:
    """The notebooks of a variant whose inputs changed since their last successful execution."""
    jobs = []
    for index, relative in enumerate(variant.notebooks, 1):
        source, target = repo / relative, variant.stage / relative
        input_hash = digest_bytes(variant.base_hash.encode(), source.read_bytes())
        entry = variant.state.get(relative.as_posix(), {})
        if not force and target.exists() and entry.get("input_hash") == input_hash \
                and entry.get("output_hash") == file_digest(target):
            log(f"  [{variant.name} {index}/{len(variant.notebooks)}] {relative}: inputs unchanged, not executed")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        jobs.append(Job(variant, relative, source, target, input_hash))
    return jobs


def execute(jobs: list[Job], executor: Executor) -> None:
    """Run the jobs on the executor; record successes; raise after all finished if any failed."""
    if not jobs:
        return
    futures = {
        executor.submit(execute_notebook, str(job.source), str(job.target), job.variant.params.as_dict(),
                        str(job.target.parent)): job
        for job in jobs
    }
    failures = []
    for future in as_completed(futures):
        job = futures[future]
        outcome = future.result()
        key = job.relative.as_posix()
        if outcome["ok"]:
            log(f"  [{job.variant.name}] executed {job.relative} in {outcome['seconds']:.1f} s")
            job.variant.state[key] = {"input_hash": job.input_hash, "output_hash": file_digest(job.target)}
            job.variant.executed.append(job.relative)
        else:
            where = f"cell {outcome['cell']}" if outcome["cell"] is not None else "before any cell ran"
            log(f"  [{job.variant.name}] FAILED {job.relative} ({where}): {outcome['error']}")
            job.variant.state.pop(key, None)
            job.target.unlink(missing_ok=True)  # never publish a stale copy of a failing chapter
            failures.append(f"{job.variant.name}: {job.relative}")
        job.variant.save_state()
    if failures:
        raise BuildFailed(f"{len(failures)} notebook(s) failed ({'; '.join(failures)}). Nothing was published.")


def run_nbval(variant: Variant, jobs: int) -> None:
    """nbval re-executes the notebooks not yet validated and compares every output."""
    pending = [n for n in variant.notebooks if not variant.state.get(n.as_posix(), {}).get("nbval")]
    if not pending:
        return
    paths = [str(variant.stage / n) for n in pending]
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-q", "-p", "no:cacheprovider",
               "--rootdir", str(variant.stage), "-o", "addopts=", "-o", "testpaths=", *paths]
    if jobs > 1 and len(paths) > 1:
        command += ["-n", str(min(jobs, len(paths))), "--dist", "loadfile"]
    log(f"  [{variant.name}] nbval: re-executing {len(paths)} notebook(s) and comparing outputs")
    result = subprocess.run(command, cwd=variant.stage, capture_output=True, text=True)
    if result.returncode != 0:
        log(result.stdout[-6000:])
        log(result.stderr[-3000:])
        raise BuildFailed(f"[{variant.name}] nbval found outputs that differ on re-execution. Nothing was published.")
    log("  " + (result.stdout.strip().splitlines() or ["nbval passed"])[-1])
    for notebook in pending:
        variant.state[notebook.as_posix()]["nbval"] = True
    variant.save_state()


def tree_digest(stage: Path) -> str:
    files = sorted(p for p in stage.rglob("*") if p.is_file() and "_build" not in p.relative_to(stage).parts
                   and p.name != STATE_FILE)
    return digest_bytes(*(p.relative_to(stage).as_posix().encode() + p.read_bytes() for p in files))


def build_html(variant: Variant) -> None:
    digest = tree_digest(variant.stage)
    if (variant.target / "index.html").exists() and variant.state.get("__html__") == digest:
        log(f"  [{variant.name}] jupyter-book: sources unchanged, {variant.target} is up to date")
        return
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
    publish(built, variant.target)
    variant.state["__html__"] = digest
    variant.save_state()
    log(f"  [{variant.name}] book: {variant.target}/index.html")


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


def make_executor(jobs: int, scheduler: str | None):
    """A local process pool, or the executor of an existing Dask cluster."""
    if scheduler:
        from distributed import Client

        try:
            client = Client(scheduler, timeout="20s")
        except OSError as error:
            raise ReportError(f"Cannot connect to the Dask scheduler at {scheduler}: {error}") from None
        log(f"dask: running notebooks on {scheduler} ({len(client.scheduler_info()['workers'])} worker(s))")
        return client.get_executor(), client.close
    pool = ProcessPoolExecutor(max_workers=max(1, jobs))
    return pool, lambda: pool.shutdown(wait=True)


def build(params_paths: list[Path], jobs: int = 1, test: bool = True, force: bool = False, only=None,
          stage_root: Path | None = None, scheduler: str | None = None, repo: Path = REPO_ROOT) -> list[Variant]:
    """Build the book for every parameter file; return the variants built."""
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
    variants = [prepare(p, snapshot, only, stage_root, repo) for p in params_paths]
    jobs_to_run = [job for variant in variants for job in plan(variant, force, repo)]
    if jobs_to_run:
        log(f"papermill: executing {len(jobs_to_run)} notebook(s), up to {jobs} at once")
        executor, close = make_executor(jobs, scheduler)
        try:
            execute(jobs_to_run, executor)
        finally:
            close()
    from .manifest import build_manifest, write_manifest

    for variant in variants:
        write_manifest(variant.stage, build_manifest(variant.params_path, variant.params, snapshot, repo))
        if test:
            run_nbval(variant, jobs)
        else:
            log(f"  [{variant.name}] nbval: skipped (--no-test)")
        build_html(variant)
    return variants
