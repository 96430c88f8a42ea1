"""Notebook kernels forked from one warm process: the libraries every notebook imports load once per build.

A kernel started the usual way spends 1.5–2.5 s starting Python and ipykernel and importing pandas,
altair, scipy, scikit-learn and networkx before the notebook's first line has run, and a book starts
twenty kernels (papermill and nbval for each notebook). The build instead starts one server
(:class:`KernelForkServer`) that imports those libraries once and then forks a kernel for each request.
A forked kernel shares the imported libraries with the server (copy-on-write) and is ready in a
fraction of a second; it is otherwise the kernel ``python -m ipykernel_launcher -f <connection file>`` would have
started: its own process and session, the environment, working folder, stdin, stdout and stderr of the
request, and this package imported afresh from disk (the server drops it after learning what it imports).

The kernel managers (:mod:`.kernels`) start ``kernel_launcher.py`` in place of the kernel command when
``REPORT_KERNEL_FORKSERVER`` names a server; the launcher runs the command itself when there is none, so
a kernel always starts. The server only forks while it runs a single thread (its imports start none),
ends when the build ends or goes away, and kills the kernels of launchers that were killed.

``REPORT_KERNEL_FORK=0`` turns it off; it is used on Linux only (forking a process that has loaded
system frameworks is unsafe on macOS, and Windows has no fork).
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import pkgutil
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from .kernel_launcher import PID_FILE

LAUNCHER = str(Path(__file__).with_name("kernel_launcher.py"))
PACKAGE = Path(__file__).parent.name  # not __name__: run as ``-m``, this module is __main__
SOCKET_NAME = "kernels.sock"
READY_TIMEOUT_SECONDS = 60.0
KERNEL_MODULE = "ipykernel_launcher"
# What a kernel and nbval's pytest import before a notebook runs; the chapter modules' imports come on top.
PRELOADED = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
             "IPython.core.interactiveshell", "pytest", "nbval.plugin")


def enabled() -> bool:
    return sys.platform.startswith("linux") and os.environ.get("REPORT_KERNEL_FORK", "1") != "0"


def launcher_command(command: list[str]) -> list[str]:
    """The command that runs ``command`` (``python -m ipykernel_launcher ...`` or ``python -m pytest ...``)
    as a fork of the server; any other command as it is."""
    if len(command) > 2 and command[1] == "-m" and command[2] in COMMANDS:
        return [sys.executable, "-I", "-S", LAUNCHER, *command]
    return command


# --- the server ---------------------------------------------------------------------------------

def preload() -> list[str]:
    """Import ipykernel and every library the chapter modules import; then forget this package, so that
    each kernel imports the package's current code. Returns the top-level packages now loaded."""
    for name in PRELOADED:
        importlib.import_module(name)
    chapters = importlib.import_module(f"{PACKAGE}.chapters")
    for module in pkgutil.iter_modules(chapters.__path__):
        importlib.import_module(f"{PACKAGE}.chapters.{module.name}")
    importlib.import_module(f"{PACKAGE}.prose")
    importlib.import_module(f"{PACKAGE}.params")
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    return sorted({name.partition(".")[0] for name in sys.modules})


def _read_request(conn: socket.socket) -> tuple[dict, list[int]]:
    data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
    while not data.endswith(b"\n"):
        chunk = conn.recv(1 << 16)
        if not chunk:
            raise ConnectionError("the launcher closed the connection mid-request")
        data += chunk
    return json.loads(data), fds


def _send(conn: socket.socket, message: dict) -> None:
    try:
        conn.sendall(json.dumps(message).encode() + b"\n")
    except OSError:
        pass


def _run_kernel(args: list[str]) -> int:
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    # Two defaults ipykernel reads from the environment when it is imported, here the server's.
    app.parent_handle = int(os.environ.get("JPY_PARENT_PID") or 0)
    app.interrupt = int(os.environ.get("JPY_INTERRUPT_EVENT") or 0)
    app.initialize(args)
    app.start()
    return 0


def _run_pytest(args: list[str]) -> int:
    import pytest

    return int(pytest.main(args))


COMMANDS = {KERNEL_MODULE: _run_kernel, "pytest": _run_pytest}  # what ``python -m <name>`` the server runs


def _become(request: dict, fds: list[int], server_script_dir: str, close_server_files) -> None:
    """In the forked child: set the process up as ``python -m <module> <args>`` would have it, with the
    request's environment, folder and standard streams, and run the module. Never returns."""
    code = 1
    try:
        close_server_files()
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # sys.path as ``python -m`` builds it: the working folder, then PYTHONPATH, then the rest.
        if sys.path and sys.path[0] == server_script_dir:
            del sys.path[0]
        extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p not in sys.path]
        sys.path[:0] = [request["cwd"], *extra]
        module, args = request["argv"][2], request["argv"][3:]
        sys.argv = [module, *args]
        import numpy

        numpy.random.seed()  # the global generator would otherwise repeat the server's state in every child
        code = COMMANDS[module](args)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # noqa: BLE001 - the child's stderr (the kernel manager's log) says why
        import traceback

        traceback.print_exc()
    finally:
        try:
            import atexit

            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(address: str) -> None:
    """Listen at ``address`` and fork a kernel for each launcher that connects, until the parent goes."""
    parent = os.getppid()
    loaded = preload()
    if threading.active_count() != 1:
        print(f"forkserver: {threading.active_count()} threads after the imports; not forking", file=sys.stderr)
        return
    # The preloaded libraries live as long as a kernel: out of the collector's sight, a child's full collections
    # (IPython runs one when its kernel shuts down, pytest several at the end of nbval's run) skip their
    # millions of objects, and do not write to the pages the child shares with the server.
    gc.collect()
    gc.freeze()
    server_script_dir = sys.path[0]
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so that a child's exit wakes the loop
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address + ".binding")
    listener.listen(64)
    os.rename(address + ".binding", address)  # launchers connect only once the libraries are loaded
    print(f"forkserver: ready with {len(loaded)} packages loaded", file=sys.stderr, flush=True)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(wake_read, selectors.EVENT_READ)
    kernels: dict[int, socket.socket] = {}  # kernel pid -> its launcher's connection
    launchers: dict[socket.socket, int] = {}

    def close_launcher(conn: socket.socket) -> None:
        launchers.pop(conn, None)
        selector.unregister(conn)
        conn.close()

    try:
        while not stopping and os.getppid() == parent:
            for key, _ in selector.select(timeout=1.0):
                if key.fileobj is listener:
                    conn, _ = listener.accept()
                    try:
                        conn.settimeout(10)
                        request, fds = _read_request(conn)
                    except (OSError, ValueError, ConnectionError):
                        conn.close()
                        continue
                    argv = request.get("argv", [])
                    if len(fds) != 3 or len(argv) < 3 or argv[1] != "-m" or argv[2] not in COMMANDS or \
                            os.path.realpath(argv[0]) != os.path.realpath(sys.executable):
                        for fd in fds:
                            os.close(fd)
                        _send(conn, {"declined": f"not one of {sorted(COMMANDS)} for this Python"})
                        conn.close()
                        continue
                    sys.stdout.flush()
                    sys.stderr.flush()

                    def close_server_files(conn=conn) -> None:
                        signal.set_wakeup_fd(-1)
                        selector.close()
                        for fileobj in (listener, conn, *launchers):
                            fileobj.close()
                        os.close(wake_read)
                        os.close(wake_write)

                    try:
                        pid = os.fork()
                    except OSError as error:
                        for fd in fds:
                            os.close(fd)
                        _send(conn, {"declined": f"fork failed: {error}"})
                        conn.close()
                        continue
                    if pid == 0:
                        _become(request, fds, server_script_dir, close_server_files)
                    for fd in fds:
                        os.close(fd)
                    conn.settimeout(None)
                    _send(conn, {"pid": pid})
                    kernels[pid] = conn
                    launchers[conn] = pid
                    selector.register(conn, selectors.EVENT_READ)
                elif key.fileobj is wake_read:
                    os.read(wake_read, 4096)
                elif _closed(key.fileobj):  # a launcher went away (killed): its kernel goes too
                    pid = launchers.get(key.fileobj)
                    close_launcher(key.fileobj)
                    if pid is not None:
                        _kill(pid)
            while kernels:  # reap: tell each launcher how its kernel ended
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                conn = kernels.pop(pid, None)
                if conn is not None and conn in launchers:
                    _send(conn, {"exit": os.waitstatus_to_exitcode(status)})
                    close_launcher(conn)
    finally:
        listener.close()
        for pid in list(kernels):
            _kill(pid)
        for pid in list(kernels):
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def _closed(conn: socket.socket) -> bool:
    """Whether a launcher's connection has ended (a launcher sends nothing after its request)."""
    try:
        return conn.recv(1) == b""
    except OSError:
        return True


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# --- the build's side ---------------------------------------------------------------------------

class KernelForkServer:
    """The server as a context: starts it and stops it at the end. The build hands ``address`` to the steps it
    runs (:func:`.pipeline.use_kernel_server`), whose kernel managers then start kernels through the launcher.

    ``address`` is None when forking is off or the server could not start; kernels then start the usual way.
    """

    def __init__(self, log=None):
        self.log = log or (lambda message: None)
        self.address: str | None = None
        self._process: subprocess.Popen | None = None
        self._folder: Path | None = None

    def __enter__(self) -> "KernelForkServer":
        if not enabled():
            return self
        from .kernels import PACKAGE_ROOT, private_dir

        self._folder = private_dir()
        self.address = str(self._folder / SOCKET_NAME)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
        self._log_file = open(self._folder / "server.log", "ab")  # noqa: SIM115 - closed in __exit__
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", f"{PACKAGE}.forkserver", self.address], cwd=PACKAGE_ROOT, env=env,
                stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=self._log_file, start_new_session=True)
        except OSError as error:
            self.log(f"kernels: no fork server ({error}); they start the usual way")
            self._log_file.close()
            shutil.rmtree(self._folder, ignore_errors=True)
            self.address = self._folder = None
            return self
        (self._folder / PID_FILE).write_text(str(self._process.pid))  # launchers stop waiting if it has died
        return self

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> bool:
        """Whether the server listens (for tests and the benchmark; the launchers wait by themselves)."""
        deadline = time.monotonic() + timeout
        while self._process is not None and self._process.poll() is None and time.monotonic() < deadline:
            if os.path.exists(self.address):
                return True
            time.sleep(0.05)
        return False

    def log_text(self) -> str:
        log = self._folder / "server.log" if self._folder else None
        return log.read_text(errors="replace") if log and log.exists() else ""

    def __exit__(self, *exc) -> None:
        if self._process is not None:
            if self._process.poll() is not None:  # it ended by itself: the kernels started the usual way
                from .kernels import describe_exit, indent

                tail = "\n".join(self.log_text().strip().splitlines()[-5:])
                self.log(f"kernels: the fork server stopped early ({describe_exit(self._process.returncode)}), so "
                         f"kernels started the usual way from then on; its log ends:\n{indent(tail)}")
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._log_file.close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


if __name__ == "__main__":
    serve(sys.argv[1])
