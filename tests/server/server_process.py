"""A case server in its own process, for tests that signal it (SIGTERM, SIGKILL, SIGSTOP).

Run as a script: ``server_process.py STORE PORT HEARTBEAT_S`` serves the test tokens of
:mod:`server_helpers` until SIGTERM; :class:`ServerProcess` starts it and reads the
``listening on`` log line.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from subprocesses import python_path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (for restarts on the same port)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """Start, signal and restart a server process on one store and port.

    Args:
        store: SQLite file.
        port: Port to listen on (0: any; a restart then gets another one).
        heartbeat_s: The server's heartbeat interval.
    """

    def __init__(self, store: Path, port: int = 0, heartbeat_s: float = 0.5) -> None:
        self.store = store
        self.port = port
        self.heartbeat_s = heartbeat_s
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self, timeout: float = 60.0) -> ServerProcess:
        """Start the process and wait for it to listen."""
        env = {**os.environ, "PYTHONPATH": python_path(ROOT, HERE, HERE.parent)}
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__)), str(self.store), str(self.port), str(self.heartbeat_s)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        said: list[str] = []
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                self.kill()
                raise RuntimeError(f"server process exited with {self.proc.returncode}:\n{''.join(said)}")
            said.append(line)
            found = re.search(r"listening on (wss?://\S+)", line)
            if found:
                self.url = found.group(1)
                self.port = int(self.url.rsplit(":", 1)[1])
                return self
        self.kill()
        raise RuntimeError("server process did not listen in time")

    def signal(self, sig: signal.Signals) -> None:
        """Send a signal to the server process."""
        assert self.proc is not None
        self.proc.send_signal(sig)

    def wait(self, timeout: float = 60.0) -> int:
        """Wait for the process to exit; returns its exit code."""
        assert self.proc is not None
        code = self.proc.wait(timeout)
        if self.proc.stdout is not None and not self.proc.stdout.closed:
            self.proc.stdout.close()
        return code

    def kill(self) -> None:
        """SIGKILL and reap (idempotent); closes the output pipe."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
        self.wait()


def _main(store: str, port: str, heartbeat_s: str) -> None:
    from server_helpers import TOKENS

    from feeds.server import ServerConfig, TokenBook, run_server

    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(message)s")
    book = TokenBook()
    for token, (role, name) in TOKENS.items():
        book.add(token, role, name)
    hb = float(heartbeat_s)
    run_server(ServerConfig(port=int(port), store_url=store, tokens=book, heartbeat_s=hb, kpi_interval_s=hb))


if __name__ == "__main__":
    _main(*sys.argv[1:4])
