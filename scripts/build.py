"""Build the report: data check -> papermill -> nbval -> jupyter-book, in one command.

    python scripts/build.py                          # the published book -> _build/html
    python scripts/build.py --params params/baltic.yml   # a variant -> _build/variants/baltic/html

Steps
1. Validate the parameter file and verify every registered data file (checksums).
2. Stage the book in .stage/<variant>/ (a mirror of the sources; page URLs stay
   chapters/<name>.html) and execute each chapter notebook there with papermill,
   injecting the parameters. Notebooks run in parallel (--jobs) and a notebook
   whose inputs are unchanged (notebook, parameters, data checksums, package code,
   lock file) is not executed again.
3. nbval re-executes every newly executed notebook and compares its outputs (skip with --no-test).
4. jupyter-book builds the HTML with warnings as errors; the new HTML replaces the
   published one only when every step succeeded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ai_culture_report.errors import ReportError  # noqa: E402

DEFAULT_PARAMS = REPO / "params" / "nordic.yml"
PUBLISHED_VARIANT = "nordic"
# Sources copied into the stage as they are; notebooks are executed into it instead.
BOOK_FILES = ["_config.yml", "_toc.yml", "intro.md", "references.bib"]
BOOK_DIRS = ["chapters", "_static"]
STATE_FILE = ".build-state.json"


def log(message: str) -> None:
    print(message, flush=True)


def digest_bytes(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(hashlib.sha256(chunk).digest())
    return h.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def package_digest() -> str:
    files = sorted((REPO / "ai_culture_report").rglob("*.py"))
    return digest_bytes(*(f.relative_to(REPO).as_posix().encode() + f.read_bytes() for f in files))


def variant_name(params_path: Path) -> str:
    return params_path.stem


def output_dir(variant: str) -> Path:
    if variant == PUBLISHED_VARIANT:
        return REPO / "_build" / "html"
    return REPO / "_build" / "variants" / variant / "html"


def write_if_changed(path: Path, content: bytes) -> bool:
    """Write only when the content differs, so unchanged files keep their time stamps."""
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    return True


def stage_sources(stage: Path, params, only: list[Path] | None = None) -> list[Path]:
    """Mirror the book's text sources into the stage; return the notebooks to execute.

    With ``only``, the staged table of contents keeps just those chapters (a preview).
    """
    from ai_culture_report.charts import javascript_bundle
    from ai_culture_report.bookconfig import staged_config

    import yaml

    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    in_toc = {c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])}
    wanted: set[Path] = set()
    for name in BOOK_FILES:
        source = REPO / name
        if not source.exists():
            continue
        content = source.read_bytes()
        if name == "_config.yml":
            content = staged_config(content.decode("utf-8"), params).encode("utf-8")
        if name == "_toc.yml" and only:
            content = filtered_toc(content.decode("utf-8"), only).encode("utf-8")
        write_if_changed(stage / name, content)
        wanted.add(stage / name)
    notebooks = []
    for directory in BOOK_DIRS:
        for source in sorted((REPO / directory).rglob("*")):
            if not source.is_file() or "__pycache__" in source.parts or source.name.startswith("."):
                continue
            relative = source.relative_to(REPO)
            if source.suffix == ".ipynb":
                # A notebook not yet in the table of contents is work in progress: only --only runs it.
                if (only and relative not in only) or (not only and relative.with_suffix("").as_posix() not in in_toc):
                    continue
                notebooks.append(relative)
                wanted.add(stage / relative)
                continue
            write_if_changed(stage / relative, source.read_bytes())
            wanted.add(stage / relative)
    bundle = stage / "_static" / "vega-charts.js"
    if not bundle.exists():  # generated from the vl-convert package: no network, no npm
        write_if_changed(bundle, javascript_bundle().encode("utf-8"))
    wanted.add(bundle)
    # Remove staged files whose source is gone (a deleted chapter must not linger).
    for directory in BOOK_DIRS:
        for staged in (stage / directory).rglob("*"):
            if staged.is_file() and staged not in wanted:
                staged.unlink()
    return notebooks


def filtered_toc(toc_text: str, only: list[Path]) -> str:
    """The table of contents with only the chapters in ``only`` (other files stay)."""
    import yaml

    toc = yaml.safe_load(toc_text)
    keep = {p.with_suffix("").as_posix() for p in only}
    notebooks = {p.relative_to(REPO).with_suffix("").as_posix() for p in (REPO / "chapters").glob("*.ipynb")}
    for part in toc.get("parts", []):
        part["chapters"] = [c for c in part["chapters"] if c["file"] not in notebooks or c["file"] in keep]
    toc["parts"] = [p for p in toc.get("parts", []) if p["chapters"]]
    listed = {c["file"] for part in toc["parts"] for c in part["chapters"]}
    new = [{"file": f} for f in sorted(keep) if f not in listed]
    if new:  # a chapter being written that is not in the table of contents yet
        toc["parts"].append({"caption": "Preview", "chapters": new})
    return yaml.safe_dump(toc, sort_keys=False)


def execute_notebook(source: str, target: str, parameters: dict, cwd: str) -> dict:
    """Run one notebook with papermill (in a worker process); report the outcome."""
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
    partial.replace(target)
    return {"ok": True, "seconds": time.perf_counter() - started}


def run_notebooks(notebooks, stage: Path, parameters: dict, base_hash: str, state: dict, jobs: int, force: bool):
    """Execute the notebooks whose inputs changed; return the ones executed now."""
    todo, executed = [], []
    for index, relative in enumerate(notebooks, 1):
        source = REPO / relative
        target = stage / relative
        input_hash = digest_bytes(base_hash.encode(), source.read_bytes())
        entry = state.get(relative.as_posix(), {})
        if not force and target.exists() and entry.get("input_hash") == input_hash \
                and entry.get("output_hash") == file_digest(target):
            log(f"  [{index}/{len(notebooks)}] {relative}: inputs unchanged, not executed")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        todo.append((relative, source, target, input_hash))
    if not todo:
        return executed
    failures = []
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as pool:
        futures = {
            pool.submit(execute_notebook, str(src), str(tgt), parameters, str(tgt.parent)): (rel, tgt, h)
            for rel, src, tgt, h in todo
        }
        for future in as_completed(futures):
            relative, target, input_hash = futures[future]
            outcome = future.result()
            if outcome["ok"]:
                log(f"  executed {relative} in {outcome['seconds']:.1f} s")
                state[relative.as_posix()] = {"input_hash": input_hash, "output_hash": file_digest(target)}
                executed.append(relative)
            else:
                where = f"cell {outcome['cell']}" if outcome["cell"] is not None else "before any cell ran"
                log(f"  FAILED {relative} ({where}): {outcome['error']}")
                state.pop(relative.as_posix(), None)
                if target.exists():
                    target.unlink()  # never publish a stale copy of a failing chapter
                failures.append(relative)
    if failures:
        raise BuildFailed(f"{len(failures)} notebook(s) failed: {', '.join(map(str, failures))}. Nothing was published.")
    return executed


class BuildFailed(Exception):
    pass


def run_nbval(stage: Path, notebooks, jobs: int) -> None:
    paths = [str(stage / n) for n in notebooks]
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-q", "-p", "no:cacheprovider",
               "--rootdir", str(stage), "-o", "addopts=", "-o", "testpaths=", *paths]
    if jobs > 1 and len(paths) > 1:
        command += ["-n", str(min(jobs, len(paths))), "--dist", "loadfile"]
    log(f"nbval: re-executing {len(paths)} notebook(s) and comparing outputs")
    result = subprocess.run(command, cwd=stage, capture_output=True, text=True)
    if result.returncode != 0:
        log(result.stdout[-6000:])
        log(result.stderr[-3000:])
        raise BuildFailed("nbval found notebooks whose outputs differ on re-execution. Nothing was published.")
    log("  " + (result.stdout.strip().splitlines() or ["nbval passed"])[-1])


def tree_digest(stage: Path) -> str:
    files = sorted(p for p in stage.rglob("*") if p.is_file() and "_build" not in p.relative_to(stage).parts
                   and p.name != STATE_FILE)
    return digest_bytes(*(p.relative_to(stage).as_posix().encode() + p.read_bytes() for p in files))


def build_html(stage: Path, target: Path) -> None:
    command = ["jupyter-book", "build", str(stage), "-W", "--keep-going", "-q"]
    log("jupyter-book: building HTML (warnings are errors)")
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    built = stage / "_build" / "html"
    if result.returncode != 0 or not (built / "index.html").exists():
        log(result.stdout[-8000:])
        log(result.stderr[-8000:])
        raise BuildFailed("jupyter-book build failed. Nothing was published.")
    log(f"  HTML built in {time.perf_counter() - started:.1f} s")
    publish(built, target)


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--params", type=Path, default=DEFAULT_PARAMS, help="parameter file (default: params/nordic.yml)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="notebooks run at once (default: cores)")
    parser.add_argument("--no-test", action="store_true", help="skip the nbval check")
    parser.add_argument("--force", action="store_true", help="execute every notebook even if its inputs are unchanged")
    parser.add_argument("--only", type=Path, action="append", default=None, metavar="NOTEBOOK",
                        help="preview: build only this chapter notebook (repeatable); needs --stage-root")
    parser.add_argument("--stage-root", type=Path, default=None,
                        help="put the stage and the HTML under this folder instead of .stage/ and _build/")
    args = parser.parse_args(argv)
    if args.only and not args.stage_root:
        parser.error("--only builds a partial book: give --stage-root so the published book is not replaced")
    only = [p.resolve().relative_to(REPO) for p in args.only] if args.only else None
    started = time.perf_counter()
    try:
        build(args.params.resolve(), args.jobs, not args.no_test, args.force, only=only,
              stage_root=args.stage_root.resolve() if args.stage_root else None)
    except ReportError as error:
        log(f"error: {error}")
        return 2
    except BuildFailed as error:
        log(f"error: {error}")
        return 1
    log(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def build(params_path: Path, jobs: int, test: bool, force: bool, only=None, stage_root: Path | None = None) -> Path:
    from ai_culture_report.data import Snapshot
    from ai_culture_report.params import load_params

    params = load_params(params_path)
    variant = variant_name(params_path)
    log(f"Building '{variant}': {params.region_name} ({', '.join(params.countries)}), "
        f"compared with {params.comparison_aggregate}, {params.year_start}–{params.year_end}")
    snapshot = Snapshot()
    snapshot.check_root()
    problems = snapshot.verify_all()
    if problems:
        raise ReportError("The data snapshot does not match the registry:\n" + "\n".join(problems))
    log(f"data: {len(snapshot.registry.resources)} registered files verified in {snapshot.root}")

    stage = (stage_root or REPO / ".stage") / variant
    stage.mkdir(parents=True, exist_ok=True)
    state_path = stage / STATE_FILE
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    notebooks = stage_sources(stage, params, only)
    lock = REPO / "requirements.txt"
    base_hash = digest_bytes(
        json.dumps(params.as_dict(), sort_keys=True).encode(),
        json.dumps(snapshot.checksums(), sort_keys=True).encode(),
        package_digest().encode(),
        lock.read_bytes() if lock.exists() else b"",
    )
    log(f"papermill: {len(notebooks)} notebook(s), up to {jobs} at once")
    try:
        executed = run_notebooks(notebooks, stage, params.as_dict(), base_hash, state, jobs, force)
    finally:
        state_path.write_text(json.dumps(state, indent=1, sort_keys=True))
    unvalidated = [n for n in notebooks if not state.get(n.as_posix(), {}).get("nbval")]
    if test and unvalidated:
        run_nbval(stage, unvalidated, jobs)
        for n in unvalidated:
            state[n.as_posix()]["nbval"] = True
        state_path.write_text(json.dumps(state, indent=1, sort_keys=True))
    elif not test:
        log("nbval: skipped (--no-test)")

    target = stage_root / "html" if stage_root else output_dir(variant)
    digest = tree_digest(stage)
    if target.joinpath("index.html").exists() and state.get("__html__") == digest and not executed:
        log(f"jupyter-book: sources unchanged, {target} is up to date")
        return target
    build_html(stage, target)
    state["__html__"] = digest
    state_path.write_text(json.dumps(state, indent=1, sort_keys=True))
    log(f"book: {target}/index.html")
    return target


if __name__ == "__main__":
    raise SystemExit(main())
