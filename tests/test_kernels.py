"""Builds do not fail for infrastructure reasons: IPC kernels, bounded retries, failures that name their cell.

Tiny notebooks made here run through the real papermill and nbval steps of the pipeline
(``run_jobs`` on a process pool), so the kernels, the retries and the messages are the real ones.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest

from ai_culture_report import pipeline
from ai_culture_report.kernels import IPCKernelManager
from ai_culture_report.params import load_params

from conftest import REPO

# Imported by every Python process whose PYTHONPATH has this folder; it kills the kernels whose
# start-up ordinal (counted across processes with exclusive file creation) is in KILL_STARTS.
SITECUSTOMIZE = '''
import os, sys
if any(a.endswith("kernel.json") for a in sys.argv) and os.environ.get("KILL_DIR"):
    n = 1
    while True:
        try:
            os.close(os.open(os.path.join(os.environ["KILL_DIR"], f"start-{n}"), os.O_CREAT | os.O_EXCL))
            break
        except FileExistsError:
            n += 1
    if str(n) in os.environ.get("KILL_STARTS", "").split(","):
        sys.stderr.write(f"simulated start-up failure of kernel {n}\\n")
        sys.stderr.flush()
        os._exit(3)
'''


def notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A tiny chapter")] + [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def tiny_jobs(tmp_path: Path, sources: dict[str, list[str]]) -> tuple[pipeline.Variant, list[pipeline.Job]]:
    params_path = REPO / "params" / "nordic.yml"
    stage = tmp_path / "stage"
    (stage / "chapters").mkdir(parents=True)
    (tmp_path / "src" / "chapters").mkdir(parents=True)
    variant = pipeline.Variant(name="tiny", params_path=params_path, params=load_params(params_path), stage=stage,
                               target=tmp_path / "html")
    jobs = []
    for name, cells in sources.items():
        relative = Path("chapters") / name
        source = notebook(tmp_path / "src" / relative, *cells)
        variant.notebooks.append(relative)
        # as a chapter gets them: papermill injects the parameters as the notebook's first cell
        jobs.append(pipeline.Job(variant, relative, source, stage / relative, "hash", variant.params.as_dict(),
                                 execute=True, validate=True))
    return variant, jobs


def run(jobs: list[pipeline.Job], slots: int = 2) -> list[str]:
    with ProcessPoolExecutor(max_workers=slots) as pool:
        return pipeline.run_jobs(jobs, pool, slots, pipeline.Progress(len(jobs)))


def test_kernel_runs_over_ipc_in_a_private_folder():
    km = IPCKernelManager(kernel_name="python3")
    km.start_kernel()
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        info = km.get_connection_info()
        on_disk = json.loads(Path(km.connection_file).read_text())
        folder = km.kernel_dir
        assert info["transport"] == on_disk["transport"] == "ipc"
        assert Path(info["ip"]).parent == folder and Path(km.connection_file).parent == folder
        assert stat.S_IMODE(folder.stat().st_mode) & 0o777 == 0o700  # jupyter_client adds the sticky bit
        sockets = sorted(p.name for p in folder.iterdir() if p.is_socket())
        assert sockets == [f"ipc-{info[name]}" for name in sorted(
            ("control_port", "hb_port", "iopub_port", "shell_port", "stdin_port"), key=lambda n: info[n])]
        kc.stop_channels()
    finally:
        km.shutdown_kernel()
    assert not folder.exists(), "the private folder outlived its kernel"
    assert "TCP" not in km.stderr_tail and km.exit_code is not None


def test_papermill_kernel_uses_ipc_and_stays_quiet(tmp_path, capfd):
    source = notebook(tmp_path / "ok.ipynb", "print(6 * 7)")
    outcome = pipeline.execute_notebook(str(source), str(tmp_path / "out.ipynb"), {}, str(tmp_path))
    assert outcome["ok"] and outcome["transport"] == "ipc"
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert executed.cells[1].outputs[0]["text"] == "42\n"
    captured = capfd.readouterr()
    assert "without encryption" not in captured.err + captured.out
    assert "KeyboardInterrupt" not in captured.err + captured.out


def test_nbval_kernel_uses_ipc(tmp_path):
    source = notebook(tmp_path / "ok.ipynb", "print(6 * 7)")
    assert pipeline.execute_notebook(str(source), str(tmp_path / "out.ipynb"), {}, str(tmp_path))["ok"]
    outcome = pipeline.validate_notebook(str(tmp_path / "out.ipynb"), str(tmp_path))
    assert outcome["ok"], outcome
    assert outcome["transport"] == "ipc" and outcome["cells"] == 1


@pytest.fixture
def private_tmp(tmp_path_factory, monkeypatch):
    """A temporary folder of its own for the kernels' folders (in this process, its workers and nbval's)."""
    folder = tmp_path_factory.mktemp("k")
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    return folder


def test_kernel_that_dies_is_retried_and_the_build_goes_on(tmp_path, capsys, private_tmp):
    # Executions 1 (papermill) and 3 (nbval) of the cell kill their kernel; 2 and 4 succeed.
    die = ("import os, pathlib\n"
           "runs = pathlib.Path('runs')\n"
           "n = int(runs.read_text()) + 1 if runs.exists() else 1\n"
           "runs.write_text(str(n))\n"
           "if n in (1, 3):\n"
           "    os._exit(1)")
    variant, jobs = tiny_jobs(tmp_path, {"flaky.ipynb": [die, "print('fine')"]})
    assert run(jobs) == []
    log = capsys.readouterr().out
    assert re.search(r"chapters/flaky.ipynb: kernel died \(DeadKernelError: Kernel died\) "
                     r"\(step: papermill, cell 2 \(`import os, pathlib`\)\); retrying, attempt 2 of 3", log), log
    assert re.search(r"chapters/flaky.ipynb: kernel died \(KernelDied: .*\) "
                     r"\(step: nbval, cell 2 \(`import os, pathlib`\)\); retrying, attempt 2 of 3", log), log
    assert re.search(r"\[tiny 1/1 +[\d.]+ s\] executed chapters/flaky.ipynb in [\d.]+ s, nbval passed in [\d.]+ s "
                     r"\(after 2 kernel restarts\)", log), log
    assert jobs[0].attempts == {"papermill": 2, "nbval": 2}
    assert variant.state["chapters/flaky.ipynb"]["nbval"] is True
    assert list(private_tmp.iterdir()) == [], "a dead kernel's folder was left behind"


def test_kernel_that_fails_to_start_is_retried_with_its_cause(tmp_path, capsys, monkeypatch):
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE)
    (tmp_path / "starts").mkdir()
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("KILL_DIR", str(tmp_path / "starts"))
    monkeypatch.setenv("KILL_STARTS", "1,3")  # papermill's first kernel and nbval's first kernel
    variant, jobs = tiny_jobs(tmp_path, {"starts.ipynb": ["print(1)"]})
    assert run(jobs, slots=1) == []
    log = capsys.readouterr().out
    assert re.search(r"chapters/starts.ipynb: kernel failed to start \(RuntimeError: Kernel died before replying "
                     r"to kernel_info\) \(step: papermill start\); retrying, attempt 2 of 3", log), log
    assert re.search(r"chapters/starts.ipynb: kernel failed to start \(RuntimeError: Kernel died before replying "
                     r"to kernel_info\) \(step: nbval start\); retrying, attempt 2 of 3", log), log
    assert "(after 2 kernel restarts)" in log


def test_kernel_that_never_starts_fails_after_three_attempts_naming_the_cause(tmp_path, capsys, monkeypatch):
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE)
    (tmp_path / "starts").mkdir()
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("KILL_DIR", str(tmp_path / "starts"))
    monkeypatch.setenv("KILL_STARTS", "1,2,3")
    variant, jobs = tiny_jobs(tmp_path, {"never.ipynb": ["print(1)"]})
    failures = run(jobs, slots=1)
    log = capsys.readouterr().out
    assert failures == ["tiny: chapters/never.ipynb (papermill start: kernel failed to start (RuntimeError: Kernel "
                        "died before replying to kernel_info), 3 attempts)"]
    assert "FAILED chapters/never.ipynb: kernel failed to start" in log
    assert "kernel process: exit code 3" in log and "simulated start-up failure of kernel 3" in log
    assert not jobs[0].target.exists()


def test_real_cell_error_is_not_retried_and_names_the_cell(tmp_path, capsys):
    variant, jobs = tiny_jobs(tmp_path, {"broken.ipynb": ["x = 1", "raise ValueError('bad data')"]})
    failures = run(jobs)
    log = capsys.readouterr().out
    # Cell 3 of the executed notebook: papermill injected the parameters as cell 1.
    assert failures == ["tiny: chapters/broken.ipynb (papermill: cell 3 (`raise ValueError('bad data')`) raised "
                        "ValueError: bad data)"]
    assert "retrying" not in log and jobs[0].attempts == {"papermill": 1}
    assert re.search(r"\[tiny 1/1 +[\d.]+ s\] FAILED chapters/broken.ipynb: cell 3", log), log
    assert not jobs[0].target.exists() and "chapters/broken.ipynb" not in variant.state


def test_output_difference_names_the_cell_and_shows_the_difference(tmp_path, capsys):
    variant, jobs = tiny_jobs(tmp_path, {"clock.ipynb": ["x = 1", "import time\nprint(time.time_ns())"]})
    failures = run(jobs)
    log = capsys.readouterr().out
    assert failures == ["tiny: chapters/clock.ipynb (nbval: the output of cell 3 (`import time`) differs on "
                        "re-execution)"]
    assert "retrying" not in log and jobs[0].attempts == {"papermill": 1, "nbval": 1}
    executed = nbformat.read(jobs[0].target, as_version=4)
    published = executed.cells[-1].outputs[0]["text"].strip()
    assert published in log, "the difference shows the output that was executed first"
    assert "mismatch 'stdout'" in log
    assert variant.state["chapters/clock.ipynb"].get("nbval") is None  # validated again next time


def test_nbval_failure_of_one_notebook_leaves_the_others_validated(tmp_path, capsys):
    variant, jobs = tiny_jobs(tmp_path, {"clock.ipynb": ["import time\nprint(time.time_ns())"],
                                         "steady.ipynb": ["print('same')"]})
    failures = run(jobs)
    assert len(failures) == 1 and failures[0].startswith("tiny: chapters/clock.ipynb (nbval:")
    assert variant.state["chapters/steady.ipynb"]["nbval"] is True
    log = capsys.readouterr().out
    assert re.search(r"\[tiny [12]/2 +[\d.]+ s\] executed chapters/steady.ipynb in [\d.]+ s, nbval passed", log)


class RecordingExecutor(Executor):
    """Runs each call at once and remembers the order of submission."""

    def __init__(self):
        self.order = []

    def submit(self, fn, *args, **kwargs):
        self.order.append((fn.__name__, Path(args[0]).name))
        future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def test_longest_recorded_notebook_runs_first_and_nbval_follows_its_execution(tmp_path, monkeypatch):
    def fake_execute(source, target, parameters, cwd):
        Path(target).write_text(Path(source).read_text())
        return {"ok": True, "seconds": 0.1}

    def fake_validate(path, rootdir):
        return {"ok": True, "seconds": 0.1}

    monkeypatch.setattr(pipeline, "execute_notebook", fake_execute)
    monkeypatch.setattr(pipeline, "validate_notebook", fake_validate)
    variant, jobs = tiny_jobs(tmp_path, {"a.ipynb": ["1"], "b.ipynb": ["2"], "c.ipynb": ["3"]})
    variant.state[pipeline.TIMINGS] = {"chapters/a.ipynb": {"papermill": 1, "nbval": 1},
                                       "chapters/b.ipynb": {"papermill": 10, "nbval": 10},
                                       "chapters/c.ipynb": {"papermill": 5, "nbval": 5}}
    executor = RecordingExecutor()
    assert pipeline.run_jobs(jobs, executor, 1, pipeline.Progress(3)) == []
    assert executor.order == [("fake_execute", "b.ipynb"), ("fake_validate", "b.ipynb"),
                              ("fake_execute", "c.ipynb"), ("fake_validate", "c.ipynb"),
                              ("fake_execute", "a.ipynb"), ("fake_validate", "a.ipynb")]
    assert variant.state[pipeline.TIMINGS]["chapters/b.ipynb"] == {"papermill": 0.1, "nbval": 0.1}


def test_a_variant_is_handed_on_when_its_last_notebook_passed_and_not_if_one_failed(tmp_path, monkeypatch):
    """A sweep renders each variant's HTML as soon as its notebooks passed, while the others still run."""
    def fake_execute(source, target, parameters, cwd):
        Path(target).write_text(Path(source).read_text())
        return {"ok": True, "seconds": 0.1}

    def fake_validate(path, rootdir):
        if Path(path).name == "broken.ipynb":
            return {"ok": False, "step": "nbval", "error": "an output differs", "retry": False}
        return {"ok": True, "seconds": 0.1}

    monkeypatch.setattr(pipeline, "execute_notebook", fake_execute)
    monkeypatch.setattr(pipeline, "validate_notebook", fake_validate)
    first, first_jobs = tiny_jobs(tmp_path / "one", {"a.ipynb": ["1"], "b.ipynb": ["2"]})
    second, second_jobs = tiny_jobs(tmp_path / "two", {"c.ipynb": ["3"], "broken.ipynb": ["4"]})
    second.name = "other"
    executor, handed = RecordingExecutor(), []
    record = lambda variant: handed.append((variant.name, len(executor.order)))  # noqa: E731
    failures = pipeline.run_jobs(first_jobs + second_jobs, executor, 1, pipeline.Progress(4), record)
    assert len(failures) == 1 and "broken.ipynb" in failures[0]
    assert handed == [("tiny", 4)]  # after the first variant's four steps; the failed variant never


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers follow their build on Linux")
def test_pool_workers_end_when_the_build_is_killed():
    script = ("import os, time\n"
              "from ai_culture_report import pipeline\n"
              "pool, close, slots = pipeline.make_executor(2, None)\n"
              "print(*sorted({pool.submit(os.getpid).result() for _ in range(8)}), flush=True)\n"
              "time.sleep(120)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=REPO, env=env)
    try:
        workers = [int(pid) for pid in build.stdout.readline().split()]
        assert workers and all(Path(f"/proc/{pid}").exists() for pid in workers)
    finally:
        build.kill()  # SIGKILL: the build has no chance to stop its pool
        build.wait()

    def alive(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 15
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers), "idle workers outlived their build"
