"""The real server (`facilitate run`, eventlet, as deployed) in a subprocess, for tests that talk
to it over the network: Socket.IO clients and the browser.

The server runs in its own process so that eventlet's patching never meets the test process.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

START_TIMEOUT = 30.0
#: Settings a developer's shell might carry that must not reach a test server.
_PRIVATE_ENV = {"DATABASE_URL", "SOCKETIO_MESSAGE_QUEUE", "SOCKETIO_CHANNEL", "PUBLIC_BASE_URL",
                "SESSION_COOKIE_SECURE", "FLASK_APP"}


class ServerFailed(RuntimeError):
    """The server did not start, or died."""


def facilitate_command() -> list[str]:
    """The installed `facilitate` console script (or the module, if it is not installed)."""
    script = Path(sys.executable).with_name("facilitate")
    if script.exists():
        return [str(script)]
    found = shutil.which("facilitate")
    return [found] if found else [sys.executable, "-m", "facilitate"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(folder: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a test server: its own database, files and a fixed secret."""
    env = {key: value for key, value in os.environ.items() if key not in _PRIVATE_ENV}
    env.update({
        "DATABASE_URL": database_url,
        "SECRET_KEY": "live-test-secret",
        "UPLOADS_DIR": str(folder / "uploads"),
        "EXPORTS_DIR": str(folder / "exports"),
        "MAIL_FILE_PATH": str(folder / "mail"),
        "WORD_INDEX_DIR": str(folder / "word-index"),
        "SOCKETIO_ASYNC_MODE": "eventlet",  # as deployed
        # The suite opens hundreds of sockets a minute from one address; the limits have
        # tests of their own, which pass RATELIMIT_ENABLED="1".
        "RATELIMIT_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
    }, **extra)
    return env


def run_cli(args: list[str], env: dict[str, str]) -> None:
    """Run a `facilitate` command to completion; ServerFailed with its output if it fails."""
    result = subprocess.run([*facilitate_command(), *args], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    if result.returncode != 0:
        raise ServerFailed(f"`facilitate {' '.join(args[:2])}` failed ({result.returncode}):\n"
                           f"{result.stdout}\n{result.stderr}")


class LiveServer:
    """`facilitate run` on a free port; can be stopped and started again on the same port."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.stderr_path = folder / "server.err"
        self.starts = 0

    def start(self) -> LiveServer:
        """Start and wait until GET / answers."""
        self.starts += 1
        stdout_path = self.folder / f"server.{self.starts}.out"
        self.stderr_path = self.folder / f"server.{self.starts}.err"
        with open(stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(
                [*facilitate_command(), "run", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise ServerFailed(f"The server exited with {self.process.returncode} before "
                                   f"answering.\nstderr:\n{self.stderr()}")
            try:
                with urllib.request.urlopen(f"{self.url}/", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise ServerFailed(f"The server did not answer within {START_TIMEOUT:.0f} s."
                                   f"\nstderr:\n{self.stderr()}")
            time.sleep(0.1)

    def stop(self, *, kill: bool = False) -> None:
        """Stop the process: SIGTERM (or SIGKILL, as a crash would), then wait for it."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        if kill:
            process.kill()
        else:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def alive(self) -> bool:
        """True while the process runs."""
        return self.process is not None and self.process.poll() is None

    def stderr(self, tail: int = 4000) -> str:
        """The end of what the server wrote to stderr."""
        try:
            return self.stderr_path.read_text(errors="replace")[-tail:]
        except FileNotFoundError:
            return ""
