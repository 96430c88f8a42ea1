"""Kernels forked from the build's warm server behave as kernels started the usual way.

Each test starts real kernels through the real server and launcher (:mod:`ai_culture_report.forkserver`)
and checks what a kernel manager relies on: a fresh process with the request's folder, environment and
code, interrupts, exit statuses, clean-up when the launcher is killed, and the usual start when there
is no server to fork from.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from ai_culture_report import forkserver, pipeline
from ai_culture_report.kernel_launcher import ADDRESS_VARIABLE, PID_FILE
from ai_culture_report.kernels import PACKAGE_ROOT, IPCKernelManager

pytestmark = pytest.mark.skipif(not forkserver.enabled(), reason="kernels are forked on Linux only")

REPORT = """
import gc, json, os, sys
preloaded = sorted(n for n in sys.modules if n.startswith("ai_culture_report"))
import ai_culture_report.prose
json.dump({"pid": os.getpid(), "ppid": os.getppid(), "cwd": os.getcwd(), "marker": os.environ.get("MARKER"),
           "preloaded": preloaded, "pandas_loaded": "pandas" in sys.modules,
           "package": ai_culture_report.prose.__file__, "frozen": gc.get_freeze_count(),
           "tracked": len(gc.get_objects())}, open(os.environ["REPORT_TO"], "w"))
"""


@pytest.fixture(scope="module")
def server():
    with forkserver.KernelForkServer() as running:
        assert running.wait_ready(), running.log_text()
        yield running


def start_kernel(tmp_path: Path, server=None, **env) -> IPCKernelManager:
    """A kernel started as the build's workers start it: through ``server`` when one is given."""
    env = {**os.environ, **env}
    pipeline.use_kernel_server(env, server.address if server else env.get(ADDRESS_VARIABLE))
    km = IPCKernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(tmp_path), env=env)
    return km


def ready_client(km: IPCKernelManager, timeout: float = 60):
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=timeout)
    return kc


def run_code(km: IPCKernelManager, code: str, timeout: float = 60) -> dict:
    kc = ready_client(km, timeout)
    try:
        return kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)["content"]
    finally:
        kc.stop_channels()


def wait_until(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return True
    return state == "Z"


def test_forked_kernel_has_the_requests_folder_environment_and_a_fresh_package(server, tmp_path):
    report = tmp_path / "report.json"
    km = start_kernel(tmp_path, server, MARKER="from the request", REPORT_TO=str(report))
    try:
        assert run_code(km, REPORT)["status"] == "ok"
        seen = json.loads(report.read_text())
        assert seen["ppid"] == server._process.pid, "the kernel is not a child of the server"
        assert seen["pid"] != km.provisioner.process.pid, "the launcher ran the kernel itself"
        assert seen["cwd"] == str(tmp_path) and seen["marker"] == "from the request"
        assert seen["pandas_loaded"], "the server's imports did not carry over"
        assert seen["preloaded"] == [], "the kernel inherited the server's copy of the package"
        assert Path(seen["package"]).is_relative_to(PACKAGE_ROOT)
        # The server's objects are out of the collector's sight: a full collection walks the kernel's own.
        assert seen["frozen"] > seen["tracked"] > 0
    finally:
        km.shutdown_kernel()
    assert km.exit_code == 0
    assert "connect another client" not in km.stderr_tail  # the kernel knows it has a parent


def test_interrupt_reaches_the_forked_kernel(server, tmp_path):
    km = start_kernel(tmp_path, server)
    try:
        kc = ready_client(km)
        started = time.monotonic()
        msg_id = kc.execute("import time; time.sleep(60)")
        time.sleep(1)
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=20)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
        assert time.monotonic() - started < 20
        kc.stop_channels()
    finally:
        km.shutdown_kernel()


def test_a_kernel_killed_by_a_signal_is_reported_as_such(server, tmp_path):
    km = start_kernel(tmp_path, server)
    try:
        kc = ready_client(km)
        kc.execute("import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
        assert wait_until(lambda: not km.is_alive())
        kc.stop_channels()
        assert "killed by SIGKILL" in km.cause()
    finally:
        km.cleanup_resources()


def test_killing_the_launcher_kills_its_kernel(server, tmp_path):
    report = tmp_path / "report.json"
    km = start_kernel(tmp_path, server, REPORT_TO=str(report))
    try:
        run_code(km, REPORT)
        kernel = json.loads(report.read_text())["pid"]
        assert not gone(kernel)
        km.provisioner.process.kill()  # SIGKILL: the launcher cannot pass it on
        assert wait_until(lambda: gone(kernel)), "the kernel outlived its launcher"
    finally:
        km.shutdown_kernel(now=True)


def test_without_a_server_the_launcher_becomes_the_kernel(tmp_path):
    report = tmp_path / "report.json"
    missing = tmp_path / "no-server" / "kernels.sock"
    dead_folder = tmp_path / "dead-server"
    dead_folder.mkdir()
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    (dead_folder / PID_FILE).write_text(str(ended.pid))
    for address in (missing, dead_folder / "kernels.sock"):
        started = time.monotonic()
        km = start_kernel(tmp_path, **{ADDRESS_VARIABLE: str(address), "REPORT_TO": str(report)})
        try:
            run_code(km, REPORT)
            seen = json.loads(report.read_text())
            assert seen["pid"] == km.provisioner.process.pid, "the launcher did not become the kernel"
            assert "pandas" not in seen["preloaded"]
        finally:
            km.shutdown_kernel()
        assert time.monotonic() - started < 20, "the launcher waited for a server that is not there"


def test_papermill_and_nbval_run_through_the_server(server, tmp_path):
    source = tmp_path / "clock.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(6 * 7)"), nbformat.v4.new_code_cell("import time; time.time_ns()")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, source)
    outcome = pipeline.execute_notebook(str(source), str(tmp_path / "out.ipynb"), {}, str(tmp_path),
                                        kernel_server=server.address)
    assert outcome["ok"], outcome
    checked = pipeline.validate_notebook(str(tmp_path / "out.ipynb"), str(tmp_path), kernel_server=server.address)
    # the clock's output differs on re-execution: nbval, forked, still compares and says which cell
    assert not checked["ok"] and checked["kind"] == "differs" and "cell 2" in checked["error"], checked
    del nb.cells[1]
    nbformat.write(nb, source)
    assert pipeline.execute_notebook(str(source), str(tmp_path / "out.ipynb"), {}, str(tmp_path),
                                     kernel_server=server.address)["ok"]
    checked = pipeline.validate_notebook(str(tmp_path / "out.ipynb"), str(tmp_path), kernel_server=server.address)
    assert checked["ok"] and checked["cells"] == 1, checked


def test_server_ends_with_the_build_and_takes_its_kernels(tmp_path):
    report = tmp_path / "report.json"
    before = os.environ.get(ADDRESS_VARIABLE)
    with forkserver.KernelForkServer() as running:
        assert running.wait_ready()
        process, folder = running._process, Path(running.address).parent
        km = start_kernel(tmp_path, running, REPORT_TO=str(report))
        run_code(km, REPORT)
        kernel = json.loads(report.read_text())["pid"]
    try:
        assert process.poll() is not None and not folder.exists()
        assert wait_until(lambda: gone(kernel)), "a kernel outlived the server"
        assert os.environ.get(ADDRESS_VARIABLE) == before  # the build hands the address on; the server sets nothing
    finally:
        km.shutdown_kernel(now=True)


def test_a_server_that_cannot_start_leaves_kernels_to_start_as_usual_and_says_why(tmp_path, monkeypatch):
    broken = tmp_path / "shadow" / "nbval"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('nbval broken on purpose')\n")
    monkeypatch.setenv("PYTHONPATH", str(broken.parent))  # the server's preload imports nbval.plugin
    report, messages = tmp_path / "report.json", []
    with forkserver.KernelForkServer(log=messages.append) as failing:
        assert not failing.wait_ready(timeout=30)
        km = start_kernel(tmp_path, failing, REPORT_TO=str(report))
        try:
            run_code(km, REPORT)
            assert json.loads(report.read_text())["pid"] == km.provisioner.process.pid
        finally:
            km.shutdown_kernel()
    assert len(messages) == 1 and "stopped early (exit code 1)" in messages[0], messages
    assert "nbval broken on purpose" in messages[0]


def test_forking_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("REPORT_KERNEL_FORK", "0")
    with forkserver.KernelForkServer() as off:
        assert off.address is None
    assert forkserver.launcher_command([sys.executable, "kernel.py"]) == [sys.executable, "kernel.py"]
