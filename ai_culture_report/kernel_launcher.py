"""Start a notebook kernel as a fork of the build's warm kernel server, or the usual way.

The build's kernel managers (:mod:`.kernels`) run ``python -I -S kernel_launcher.py <kernel command>``
instead of the kernel command itself. This script asks the server named by ``REPORT_KERNEL_FORKSERVER``
(:mod:`.forkserver`) for a kernel, hands it this process's stdin, stdout and stderr, and then stands in
for that kernel: a signal sent to this process (an interrupt, a shutdown) is passed on to it, and this
process ends when the kernel ends, with the kernel's exit status. If this process is killed, the server
kills the kernel. With no server, or one that declines, it becomes the kernel command it was given.

It imports nothing but the standard library, so that it starts in a few milliseconds, and it is run by
path with ``-I -S`` (no site-packages, no environment variables read by the interpreter).
"""

import json
import os
import signal
import socket
import sys
import time

ADDRESS_VARIABLE = "REPORT_KERNEL_FORKSERVER"
PID_FILE = "server.pid"  # beside the socket: the server's process id
WAIT_FOR_SERVER_SECONDS = 30.0  # the server imports the notebooks' libraries before it listens
FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
                     signal.SIGUSR2)


def run_kernel_command(command: list) -> None:
    os.execv(command[0], command)


def server_alive(pid_file: str) -> bool:
    try:
        with open(pid_file) as file:
            pid = int(file.read())
    except FileNotFoundError:
        return True  # not written yet: the server is starting
    except (OSError, ValueError):
        return False
    try:  # a server that died is a zombie until the build reaps it
        with open(f"/proc/{pid}/stat") as file:
            return file.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def connect(address: str):
    """A connection to the server, or None if there is none to wait for."""
    deadline = time.monotonic() + WAIT_FOR_SERVER_SECONDS
    while True:
        if not os.path.isdir(os.path.dirname(address)):  # no server on this machine (a remote Dask worker)
            return None
        if not server_alive(os.path.join(os.path.dirname(address), PID_FILE)):
            return None
        if os.path.exists(address):
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                client.connect(address)
                return client
            except OSError:
                client.close()
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)


def read_line(client, buffer: bytes = b"") -> tuple:
    while b"\n" not in buffer:
        chunk = client.recv(65536)
        if not chunk:
            return None, buffer
        buffer += chunk
    line, _, rest = buffer.partition(b"\n")
    return json.loads(line), rest


def main(command: list) -> None:
    address = os.environ.get(ADDRESS_VARIABLE, "")
    client = connect(address) if address else None
    if client is None:
        run_kernel_command(command)
    request = json.dumps({"argv": command, "cwd": os.getcwd(), "env": dict(os.environ)}).encode() + b"\n"
    socket.send_fds(client, [request], [0, 1, 2])
    reply, rest = read_line(client)
    if reply is None or "pid" not in reply:
        client.close()
        run_kernel_command(command)  # the server declined (another kind of kernel) or has gone
    kernel = reply["pid"]

    def forward(signum, frame):
        try:
            os.kill(kernel, signum)
        except ProcessLookupError:
            pass

    for signum in FORWARDED_SIGNALS:
        signal.signal(signum, forward)
    ended, _ = read_line(client, rest)
    if ended is None:  # the server went away without word of the kernel: do not leave it running
        forward(signal.SIGKILL, None)
        sys.exit(1)
    status = ended["exit"]
    if status < 0:  # the kernel was killed by a signal: end the same way, so the manager reports that
        if -status != signal.SIGKILL:  # its handler cannot be set, nor needs to be
            signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
    sys.exit(status)


if __name__ == "__main__":
    main(sys.argv[1:])
