"""Kernels that cannot collide: IPC transport, a private folder per kernel, captured stderr.

Kernels started over TCP pick their five ports by binding port 0, closing the socket and
handing the number to the kernel; when several kernels start at once (papermill's workers,
nbval's) another process can take a port in between and the kernel dies before it replies
to ``kernel_info``. Over IPC a kernel's channels are Unix sockets in a folder made for that
kernel alone (``mkdtemp``, mode 0700), so there is nothing to collide on, and ipykernel no
longer warns that it runs "over TCP without encryption".

The kernel's stderr goes to a file in that folder instead of the build log: a healthy
kernel's start-up warnings and the ``KeyboardInterrupt`` traceback of the interrupt that
jupyter_client sends before a shutdown stay out of the log, and when a kernel dies its last
lines and exit code say why (:func:`last_kernel`).

- :class:`IPCKernelManager` / :class:`AsyncIPCKernelManager`: for nbval and for papermill
  (``papermill.execute_notebook(..., kernel_manager_class=AsyncIPCKernelManager)``).
- This module is also a pytest plugin (``pytest -p ai_culture_report.kernels --nbval ...``):
  it gives nbval these kernels, notices a kernel that died while nbval waits for it, and
  writes what happened to each cell to the JSON file named by ``--nbval-report``.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager, KernelManager
from jupyter_client.utils import run_sync

from .forkserver import launcher_command
from .kernel_launcher import ADDRESS_VARIABLE

STDERR_FILE = "kernel-stderr.log"
MAX_SOCKET_PATH = 90  # a Unix socket path must stay under ~107 bytes; leave room for "-<port>"

PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])
_last = threading.local()
_managers: "weakref.WeakSet[IPCKernelMixin]" = weakref.WeakSet()


def private_dir() -> Path:
    """A new folder that only this user can enter, with a path short enough for Unix sockets."""
    base = tempfile.gettempdir()
    if len(base) > MAX_SOCKET_PATH - 30:
        base = "/tmp"
    return Path(tempfile.mkdtemp(prefix="nbk-", dir=base))


def describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (out of memory?)" if -code == signal.SIGKILL else ""
        return f"killed by {name}{hint}"
    return f"exit code {code}"


class IPCKernelMixin:
    """Start the kernel over IPC in a private folder; keep its stderr; remove the folder at the end."""

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "tcp" if sys.platform == "win32" else "ipc")  # ZeroMQ has no IPC on Windows
        super().__init__(**kwargs)
        self.cache_ports = False  # the port cache is for TCP
        self.kernel_dir: Path | None = None
        self.stderr_tail = ""
        self.exit_code: int | None = None
        self.transport_used = ""
        self._stderr_file = None
        self._popen = None
        _last.manager = self
        _managers.add(self)

    async def _async_pre_start_kernel(self, **kw):
        if self.kernel_dir is None:
            self.kernel_dir = private_dir()
            self.connection_file = str(self.kernel_dir / "kernel.json")
            if self.transport == "ipc":
                self.ip = str(self.kernel_dir / "ipc")
        if self._stderr_file is None:
            self._stderr_file = open(self.kernel_dir / STDERR_FILE, "ab")  # noqa: SIM115 (closed at cleanup)
        kw["stderr"] = self._stderr_file  # replaces nbval's /dev/null: the cause of a death stays readable
        env = dict(kw.get("env") or os.environ)  # the kernel imports this package, whose code is in the cache key
        env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
        kw["env"] = env
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        if env.get(ADDRESS_VARIABLE):  # the build runs a kernel fork server (.forkserver)
            kernel_cmd = launcher_command(kernel_cmd)
        self.transport_used = self.get_connection_info()["transport"]
        return kernel_cmd, kw

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        await super()._async_launch_kernel(kernel_cmd, **kw)
        self._popen = getattr(self.provisioner, "process", None)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self._finish()

    def _finish(self) -> None:
        if self._popen is not None:
            self.exit_code = self._popen.poll()
        if self._stderr_file is not None:
            self._stderr_file.close()
            self._stderr_file = None
        if self.kernel_dir is not None:
            log = self.kernel_dir / STDERR_FILE
            if log.exists():
                self.stderr_tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
            shutil.rmtree(self.kernel_dir, ignore_errors=True)
            self.kernel_dir = None

    def cause(self) -> str:
        """How the kernel ended and the last lines it wrote to stderr, for a failure message."""
        if self._popen is not None and self.exit_code is None:
            self.exit_code = self._popen.poll()
        tail = self.stderr_tail
        if not tail and self.kernel_dir is not None and (self.kernel_dir / STDERR_FILE).exists():
            tail = "\n".join((self.kernel_dir / STDERR_FILE).read_text(errors="replace").splitlines()[-15:])
        parts = []
        if self._popen is not None:
            parts.append(f"kernel process: {describe_exit(self.exit_code)}")
        if tail.strip():
            parts.append("kernel stderr:\n" + indent(tail))
        return "\n".join(parts)


def cleanup_all() -> None:
    """Kill what is left of this process's kernels and remove their folders (a kernel that died
    mid-cell is never shut down by nbval, so nothing else would)."""
    for manager in list(_managers):
        if manager.kernel_dir is None:
            continue
        if manager._popen is not None and manager._popen.poll() is None:
            manager._popen.kill()
            try:
                manager._popen.wait(timeout=5)
            except Exception:  # noqa: BLE001 - best effort at exit
                pass
        manager._finish()


atexit.register(cleanup_all)


class IPCKernelManager(IPCKernelMixin, KernelManager):
    """A blocking kernel manager over IPC (nbval's kind)."""

    cleanup_resources = run_sync(IPCKernelMixin._async_cleanup_resources)


class AsyncIPCKernelManager(IPCKernelMixin, AsyncKernelManager):
    """An asynchronous kernel manager over IPC (nbclient's and so papermill's kind)."""

    cleanup_resources = IPCKernelMixin._async_cleanup_resources  # AsyncKernelManager binds the base's


def last_kernel() -> IPCKernelMixin | None:
    """The kernel manager this thread created last (the one a failed execution used)."""
    return getattr(_last, "manager", None)


def forget_last_kernel() -> None:
    _last.manager = None


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


# --- the pytest plugin for nbval ---------------------------------------------------------------

KERNEL_POLL_SECONDS = 1.0


def pytest_addoption(parser):
    parser.getgroup("nbval").addoption(
        "--nbval-report", default=None, metavar="PATH",
        help="write what happened to each notebook cell to this JSON file (ai_culture_report.kernels)")


def pytest_configure(config):
    import nbval.kernel

    nbval.kernel.KernelManager = IPCKernelManager  # start_new_kernel looks the name up when it runs
    if not getattr(nbval.kernel.RunningKernel, "_watches_for_death", False):
        nbval.kernel.RunningKernel.get_message = _get_message_or_notice_death
        nbval.kernel.RunningKernel._watches_for_death = True
    _REPORT.update(path=config.getoption("--nbval-report", None), cells=[], failures=[], collect_errors=[],
                   transports=[])


_REPORT: dict = {}


class KernelDied(RuntimeError):
    pass


def _get_message_or_notice_death(self, stream, timeout=None):
    """nbval's ``RunningKernel.get_message``, but a dead kernel fails at once instead of after the cell timeout."""
    from queue import Empty

    if stream not in ("iopub", "shell"):
        raise ValueError(f"Invalid stream specified: {stream!r}")
    get = self.kc.get_iopub_msg if stream == "iopub" else self.kc.get_shell_msg
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        wait = KERNEL_POLL_SECONDS if deadline is None else \
            max(0.0, min(KERNEL_POLL_SECONDS, deadline - time.monotonic()))
        try:
            return get(timeout=wait)
        except Empty:
            if deadline is not None and time.monotonic() >= deadline:
                raise
            if hasattr(self, "km") and not self.km.is_alive():
                raise KernelDied("Kernel died while nbval was waiting for it") from None


def pytest_exception_interact(node, call, report):
    """Record why a cell failed: nbval's own verdict, or the kernel's death with its cause."""
    if "failures" not in _REPORT or call.excinfo is None:
        return
    from nbval.plugin import NbCellError

    exc = call.excinfo.value
    entry = {"nodeid": node.nodeid, "when": call.when, "cell_num": getattr(node, "cell_num", None),
             "source": str(getattr(getattr(node, "cell", None), "source", "")),
             "exception": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, NbCellError) and str(exc).endswith("exceeded waiting for output."):
        # The cell's reply came but its outputs did not follow within nbval's 5 s: the kernel stalled.
        entry["kind"], entry["step"], entry["detail"] = "kernel", "nbval", ""
    elif isinstance(exc, NbCellError):
        entry["kind"] = "differs" if str(exc) == "Cell outputs differ" else "cell"
        entry["detail"] = exc.inner_traceback or ""
    else:  # the kernel did not start, died, or stopped answering: not the notebook's fault
        entry["kind"] = "kernel"
        entry["step"] = "nbval start" if call.when == "setup" else "nbval"
        manager = last_kernel()
        entry["detail"] = manager.cause() if manager is not None else ""
    _REPORT["failures"].append(entry)


def pytest_collectreport(report):
    if report.failed and "collect_errors" in _REPORT:
        _REPORT["collect_errors"].append(f"{report.nodeid}: {report.longreprtext[-2000:]}")


def pytest_runtest_logreport(report):
    if "cells" in _REPORT and (report.when == "call" or not report.passed):
        _REPORT["cells"].append({"nodeid": report.nodeid, "when": report.when, "outcome": report.outcome})


def pytest_sessionfinish(session, exitstatus):
    cleanup_all()
    if not _REPORT.get("path"):
        return
    manager = last_kernel()
    _REPORT["transports"] = [manager.transport_used] if manager is not None and manager.transport_used else []
    _REPORT["exitstatus"] = int(exitstatus)
    Path(_REPORT["path"]).write_text(json.dumps(_REPORT, indent=1))
