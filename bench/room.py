"""Load bench of the live room: contribution latency against a bare relay, answer bursts, memory.

Run: `.venv/bin/python bench/room.py [--sizes 50,200,500] [--quick] [--database postgresql]`.

For each size N it measures two servers, each started here as a subprocess on 127.0.0.1:

- room: the app as deployed, `facilitate run --no-access-log` (Flask-SocketIO's own eventlet
  server, one process, SOCKETIO_ASYNC_MODE=eventlet) on a fresh SQLite file made with
  `facilitate db upgrade` (or a throwaway PostgreSQL database), with one series, one workshop,
  one theme holding an open question and a statement, and N registered participants. A
  coordinator logs in over HTTP, connects, opens the room, sets the phase to the theme and
  reveals the statement, and stays connected.
- bare: bench/baseline_server.py, a Flask-SocketIO app that only relays contributions.

Load shape (the same schedule, from the same seed, for both servers):

1. All N participants connect (websocket transport, auth {"token": …}) from several client
   processes (asyncio python-socketio clients, many per process) and wait for `snapshot`.
2. Contributions: each participant posts K=2 contributions (`contribution.add`, 80–400
   characters) at uniformly random moments within a 120 s window, i.e. N*K/120 messages a
   second, each broadcast to all N participants (N=500: 8.3 messages and 4,200 deliveries a
   second; a whole room writing twice within two minutes, faster than people type). Latency =
   receipt of `contribution.added` by a client minus the sender's time.time() embedded in the
   text, over every (message, receiver) pair. (`--window 10` gives the harder shape of 50,000
   deliveries a second at N=500, which this 2-core machine's client processes cannot receive:
   it then measures the harness.)
3. Burst (room only): all N participants answer the statement (`answer.set`, value 1–5) at
   random moments within 5 s. Reported: the time from the last answer sent until every client's
   latest `prompt.results` equals the true distribution (total N, exact counts).

Missing deliveries and refused or unanswered acknowledgements are counted and printed. Server
peak memory is VmHWM of the server process, read at the end of its run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import multiprocessing as mp
import os
import queue
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from content import FILLER, bare_snapshot, content  # noqa: E402 - bench/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
COORDINATOR_EMAIL = "bench.coordinator@example.fi"
COORDINATOR_PASSWORD = "bench password that is long enough"
TARGET_P95_RATIO = 1.3
TARGET_BURST_MS = 1000.0
TARGET_JOIN_RATIO = 2.0
#: Other processes' CPU use (cores) above which a measurement counts as disturbed.
NOISY = 0.15
TAG = re.compile(r"\[bench (\d+)x(\d+) (\d+\.\d+)\]")
class BenchError(Exception):
    """A target could not be measured; the message says why."""


@dataclass
class Spec:
    """What a client process needs to know about one measured run."""

    target: str
    url: str
    n: int
    per_participant: int
    window: float
    burst_window: float
    seed: int
    join_gate: int = 0
    theme_id: int = 0
    open_prompt_id: int = 0
    statement_prompt_id: int = 0
    ack_timeout: float = 60.0
    drain_timeout: float = 60.0
    idle_timeout: float = 10.0


@dataclass
class Result:
    """Figures of one target at one size."""

    target: str
    n: int
    latencies: list[float] = field(default_factory=list)
    expected: int = 0
    delivered: int = 0
    self_delivered: int = 0
    duplicates: int = 0
    malformed: int = 0
    sent: int = 0
    acked: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    error_examples: list[str] = field(default_factory=list)
    ack_latencies: list[float] = field(default_factory=list)
    max_lateness: float = 0.0
    phase_seconds: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    client_cpu_max: float = 0.0
    machine_busy: float = 0.0
    other_cpu: float = 0.0
    rss_idle_kib: int = 0
    rss_connected_kib: int = 0
    hwm_kib: int = 0
    hwm_setup_kib: int = 0
    hwm_load_kib: int = 0
    hwm_was_reset: bool = False
    connect_seconds: float = 0.0
    join_failures: int = 0
    snapshot_bytes: int = 0
    server_log_errors: int = 0
    burst: dict[str, Any] | None = None
    profile: str | None = None

    @property
    def missing(self) -> int:
        """Deliveries that were expected and never arrived."""
        return max(0, self.expected - self.delivered)


# ---------------------------------------------------------------------------------------------
# Schedules (deterministic from the seed, so room and bare see the same load)


def contribution_schedule(n: int, k: int, window: float, seed: int) -> list[tuple[float, int, int]]:
    """(offset seconds, participant, serial) for every contribution, in time order."""
    rng = random.Random(f"contributions-{seed}-{n}")
    return sorted((rng.uniform(0, window), i, j) for i in range(n) for j in range(k))


def contribution_text(i: int, j: int, sent: float, seed: int) -> str:
    """The contribution's text: a tag with the send time, then 80–400 characters of prose."""
    rng = random.Random(f"text-{seed}-{i}-{j}")
    length = rng.randint(80, 400)
    start = rng.randrange(len(FILLER))
    body = (FILLER[start:] + FILLER * 2)[:length].strip()
    return f"[bench {i}x{j} {sent:.6f}] {body}"


def burst_schedule(n: int, window: float, seed: int) -> list[tuple[float, int, int]]:
    """(offset seconds, participant, value 1–5) for every answer of the burst."""
    rng = random.Random(f"burst-{seed}-{n}")
    return [(rng.uniform(0, window), i, rng.randint(1, 5)) for i in range(n)]


def true_counts(schedule: list[tuple[float, int, int]]) -> list[int]:
    """The statement's final distribution for a burst schedule."""
    counts = [0] * 5
    for _offset, _i, value in schedule:
        counts[value - 1] += 1
    return counts


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) of sorted values, linearly interpolated."""
    if not values:
        return float("nan")
    rank = (len(values) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


# ---------------------------------------------------------------------------------------------
# Client processes


class Participant:
    """One simulated participant: a Socket.IO connection that records what it receives."""

    def __init__(self, index: int, token: str, spec: Spec) -> None:
        import socketio

        self.index = index
        self.token = token
        self.spec = spec
        self.sio = socketio.AsyncClient(reconnection=False, logger=False, engineio_logger=False)
        self.snapshot = asyncio.Event()
        self.receipts: list[tuple[float, str]] = []
        self.prefix = f"[bench {index}x"
        self.from_others = 0
        self.from_self = 0
        self.results: list[tuple[float, Any]] = []
        self.connect_error: Any = None
        self.snapshot_bytes = 0
        self.disconnected_at: float | None = None
        self.sio.on("snapshot", self._on_snapshot)
        self.sio.on("contribution.added", self._on_added)
        self.sio.on("prompt.results", self._on_results)
        self.sio.on("prompt.revealed", self._on_results)
        self.sio.on("connect_error", self._on_connect_error)
        self.sio.on("disconnect", self._on_disconnect)

    def _on_snapshot(self, data: Any) -> None:
        self.snapshot_bytes = len(json.dumps(data, ensure_ascii=False).encode())
        for theme in (data or {}).get("themes") or []:
            for prompt in theme.get("prompts") or []:
                if prompt.get("id") == self.spec.statement_prompt_id and prompt.get("results"):
                    self.results.append((time.time(), prompt["results"]))
        self.snapshot.set()

    def _on_added(self, data: Any) -> None:
        now = time.time()
        try:
            text = data["contribution"]["text"]
        except (KeyError, TypeError):
            text = ""
        self.receipts.append((now, text))
        if text.startswith(self.prefix):
            self.from_self += 1
        else:
            self.from_others += 1

    def _on_results(self, data: Any) -> None:
        if isinstance(data, dict) and data.get("prompt_id") == self.spec.statement_prompt_id:
            self.results.append((time.time(), data.get("results")))

    def _on_connect_error(self, data: Any) -> None:
        self.connect_error = data

    def _on_disconnect(self, *args: Any) -> None:
        self.disconnected_at = time.time()

    async def connect(self) -> None:
        """Connect with the private link's token and wait for the snapshot."""
        await self.sio.connect(self.spec.url, auth={"token": self.token},
                               transports=["websocket"], wait_timeout=60)
        await asyncio.wait_for(self.snapshot.wait(), 60)

    def settled_at(self, counts: list[int]) -> float | None:
        """When this client last came to hold the final distribution (None: it does not)."""
        reached = None
        for moment, results in self.results:
            ok = (isinstance(results, dict) and results.get("total") == self.spec.n
                  and list(results.get("counts") or []) == counts)
            if ok and reached is None:
                reached = moment
            elif not ok:
                reached = None
        return reached


class Acks:
    """Acknowledgements of one client process: timings and refusals."""

    def __init__(self) -> None:
        self.ok: list[str] = []
        self.errors: Counter[str] = Counter()
        self.examples: list[str] = []
        self.latencies = array("d")

    async def call(self, client: Participant, event: str, payload: dict[str, Any], key: str,
                   timeout: float) -> None:
        """Send one event and record its acknowledgement."""
        started = time.time()
        try:
            ack = await client.sio.call(event, payload, timeout=timeout)
        except Exception as error:  # noqa: BLE001 - every failure is counted and shown
            self._error(f"{event}: {type(error).__name__}", f"{key}: {error!r}")
            return
        self.latencies.append((time.time() - started) * 1000)
        if isinstance(ack, dict) and ack.get("ok") is True:
            self.ok.append(key)
        else:
            code = ack.get("error") if isinstance(ack, dict) else repr(ack)
            message = ack.get("message") if isinstance(ack, dict) else ""
            self._error(f"{event}: {code}", f"{key}: {code} {message}")

    def _error(self, code: str, example: str) -> None:
        self.errors[code] += 1
        if len(self.examples) < 5:
            self.examples.append(example)


def cpu_seconds() -> float:
    """CPU time of this process (user + system)."""
    usage = os.times()
    return usage.user + usage.system


async def run_contributions(clients: list[Participant], spec: Spec, t0: float) -> dict[str, Any]:
    """Post this process's share of the schedule and wait until the broadcasts are in."""
    mine = {c.index: c for c in clients}
    schedule = [entry for entry in contribution_schedule(spec.n, spec.per_participant,
                                                         spec.window, spec.seed)
                if entry[1] in mine]
    total = spec.n * spec.per_participant
    acks = Acks()
    tasks = []
    lateness = 0.0
    cpu0 = cpu_seconds()
    for offset, i, j in schedule:
        delay = t0 + offset - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        sent = time.time()
        lateness = max(lateness, sent - (t0 + offset))
        payload = {"id": uuid.uuid4().hex, "theme_id": spec.theme_id,
                   "prompt_id": spec.open_prompt_id,
                   "text": contribution_text(i, j, sent, spec.seed)}
        tasks.append(asyncio.create_task(
            acks.call(mine[i], "contribution.add", payload, f"{i}x{j}", spec.ack_timeout)))
    end = max(t0 + spec.window, time.time())
    own = Counter(i for _o, i, _j in schedule)
    complete_since = None
    while True:
        now = time.time()
        if all(c.from_others >= total - own[c.index] for c in clients):
            # Everything from others is in; the sender's own copy may follow (or never come).
            complete_since = complete_since or now
            if all(c.from_self >= own[c.index] for c in clients) or now - complete_since > 1.0:
                break
        last = max((c.receipts[-1][0] for c in clients if c.receipts), default=end)
        if now > end and now - max(last, end) > spec.idle_timeout:
            break
        if now > end + spec.drain_timeout:
            break
        await asyncio.sleep(0.05)
    finished = time.time()
    await asyncio.gather(*tasks)
    latencies = array("d")
    delivered: Counter[str] = Counter()
    self_delivered = duplicates = malformed = 0
    for client in clients:
        seen: set[str] = set()
        for received, text in client.receipts:
            match = TAG.match(text)
            if not match:
                malformed += 1
                continue
            key = f"{match.group(1)}x{match.group(2)}"
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            latencies.append((received - float(match.group(3))) * 1000)
            if int(match.group(1)) == client.index:
                self_delivered += 1
            else:
                delivered[key] += 1
        client.receipts.clear()
        client.from_others = client.from_self = 0
    return {"latencies": latencies, "delivered": dict(delivered),
            "self_delivered": self_delivered, "duplicates": duplicates, "malformed": malformed,
            "ok": acks.ok, "errors": dict(acks.errors), "examples": acks.examples,
            "ack_latencies": acks.latencies, "lateness": lateness,
            "cpu": cpu_seconds() - cpu0, "wall": finished - t0}


async def run_burst(clients: list[Participant], spec: Spec, t1: float) -> dict[str, Any]:
    """Answer the statement at this process's scheduled moments; wait for the final results."""
    mine = {c.index: c for c in clients}
    full = burst_schedule(spec.n, spec.burst_window, spec.seed)
    counts = true_counts(full)
    acks = Acks()
    tasks = []
    last_sent = 0.0
    cpu0 = cpu_seconds()
    for offset, i, value in sorted(e for e in full if e[1] in mine):
        delay = t1 + offset - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        last_sent = time.time()
        payload = {"id": uuid.uuid4().hex, "prompt_id": spec.statement_prompt_id,
                   "value": value}
        tasks.append(asyncio.create_task(
            acks.call(mine[i], "answer.set", payload, f"answer {i}", spec.ack_timeout)))
    deadline = t1 + spec.burst_window + spec.drain_timeout
    while time.time() < deadline:
        if all(c.settled_at(counts) is not None for c in clients):
            break
        await asyncio.sleep(0.02)
    await asyncio.gather(*tasks)
    settled = [c.settled_at(counts) for c in clients]
    return {"last_sent": last_sent, "settled": settled,
            "results_received": [len(c.results) for c in clients],
            "ok": acks.ok, "errors": dict(acks.errors), "examples": acks.examples,
            "cpu": cpu_seconds() - cpu0}


async def client_process_async(wid: int, participants: list[tuple[int, str]], spec: Spec,
                               commands: Any, results: Any) -> None:
    """Connect this process's participants, then follow the coordinator's commands."""
    loop = asyncio.get_running_loop()
    clients = [Participant(i, token, spec) for i, token in participants]
    gate = asyncio.Semaphore(spec.join_gate or len(clients) or 1)
    failures: list[str] = []

    async def connect(client: Participant) -> None:
        """Connect one participant (all at once unless gated); a failure is collected."""
        async with gate:
            try:
                await client.connect()
            except Exception as error:  # noqa: BLE001 - reported to the coordinator
                failures.append(f"participant {client.index}: {error!r} {client.connect_error}")

    # Every process starts its clients at the same agreed moment, as after a server restart.
    results.put(("created", wid, {}))
    command = await loop.run_in_executor(None, commands.get)
    await asyncio.sleep(max(0.0, command[1] - time.time()))
    await asyncio.gather(*(connect(c) for c in clients))
    results.put(("ready", wid, {"failures": failures, "seconds": time.time() - command[1],
                                "bytes": max((c.snapshot_bytes for c in clients), default=0)}))
    try:
        while True:
            command = await loop.run_in_executor(None, commands.get)
            if command[0] == "load":
                results.put(("load", wid, await run_contributions(clients, spec, command[1])))
            elif command[0] == "burst":
                results.put(("burst", wid, await run_burst(clients, spec, command[1])))
            else:
                break
    finally:
        dropped = sum(1 for c in clients if c.disconnected_at is not None)
        await asyncio.gather(*(c.sio.disconnect() for c in clients), return_exceptions=True)
        results.put(("done", wid, {"dropped": dropped}))


def client_process(wid: int, participants: list[tuple[int, str]], spec: Spec, commands: Any,
                   results: Any) -> None:
    """Entry point of a client process (the coordinator ends it; Ctrl-C is the coordinator's)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A dropped connection is counted and reported; the libraries need not log it too.
    for name in ("engineio.client", "socketio.client", "aiohttp"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    main = client_process_async(wid, participants, spec, commands, results)
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
    else:
        uvloop.run(main)


# ---------------------------------------------------------------------------------------------
# Servers and databases


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A server subprocess with its log, CPU time and memory high-water mark."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int,
                 log: Path) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.port = port
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        """Start the server and wait until it accepts TCP connections."""
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(self.argv, env=self.env, cwd=ROOT, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"{self.name} server exited with {self.proc.returncode}:\n"
                                 f"{self.log_tail()}")
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", self.port), timeout=0.5):
                return
            time.sleep(0.1)
        raise BenchError(f"{self.name} server did not listen within {timeout:.0f} s:\n"
                         f"{self.log_tail()}")

    def _proc_file(self, name: str) -> str:
        assert self.proc is not None
        return Path(f"/proc/{self.proc.pid}/{name}").read_text()

    def cpu_seconds(self) -> float:
        """User + system CPU seconds the server has used so far."""
        fields = self._proc_file("stat").rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def status_kib(self, key: str) -> int:
        """A memory figure from /proc/<pid>/status (VmRSS, VmHWM), in KiB."""
        for line in self._proc_file("status").splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        return 0

    def reset_hwm(self) -> bool:
        """Reset the server's VmHWM to its current RSS (Linux clear_refs 5); False if refused."""
        assert self.proc is not None
        try:
            Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")
        except OSError:
            return False
        return True

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the server's output."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def log_errors(self) -> int:
        """Tracebacks and ERROR lines the server wrote."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return sum(1 for line in text.splitlines()
                   if line.startswith("Traceback") or " ERROR " in line or "ERROR:" in line)

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after 5 s)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of all cores from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return total - idle, total


def start_profiler(py_spy: str | None, server: Server, seconds: float,
                   workdir: Path) -> subprocess.Popen[bytes] | None:
    """Sample the server's stacks with py-spy for the contribution phase (if asked to)."""
    if not py_spy or server.proc is None:
        return None
    return subprocess.Popen(
        [py_spy, "record", "--nonblocking", "--rate", "50", "--format", "raw",
         "--duration", str(int(seconds)), "--pid", str(server.proc.pid),
         "--output", str(workdir / "profile.txt")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


#: How a sampled stack is attributed: the innermost frame whose file matches, in this order.
PROFILE_AREAS = [
    ("database: driver calls (execute, commit, fetch)", ("sqlalchemy/engine/default.py",)),
    ("database: SQLAlchemy ORM and Core", ("sqlalchemy/",)),
    ("JSON encoding", ("json/",)),
    ("socket writes (eventlet websocket, send)", ("eventlet/websocket.py", "eventlet/greenio")),
    ("eventlet hub and queues", ("eventlet/",)),
    ("Engine.IO / Socket.IO / Flask-SocketIO", ("engineio/", "socketio/", "flask_socketio/")),
    ("Flask, Werkzeug, Babel, Login", ("flask/", "werkzeug/", "flask_babel", "babel/",
                                        "flask_login/")),
    ("facilitate's own code", ("facilitate/",)),
]
#: Frames whose inclusive share is worth a line.
PROFILE_MARKS = [
    ("room event handlers (room_event wrapper)", "register.<locals>.wrapper"),
    ("  of which Session.commit", "Session.commit"),
    ("  of which broadcast()", "broadcast ("),
    ("coalesced sends (results, presence)", "Coalescer._later"),
    ("per-socket writer greenlets", "_websocket_handler.<locals>.writer"),
]


def finish_profiler(profiler: subprocess.Popen[bytes], workdir: Path) -> str:
    """Wait for py-spy and summarise where the server's sampled time went."""
    try:
        profiler.wait(60)
    except subprocess.TimeoutExpired:
        profiler.terminate()
        profiler.wait(5)
    path = workdir / "profile.txt"
    if not path.exists():
        return "profile: py-spy wrote nothing"
    areas: Counter[str] = Counter()
    marks: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        area = "other"
        for frame in reversed(frames):
            found = next((name for name, parts in PROFILE_AREAS
                          if any(part in frame for part in parts)), None)
            if found:
                area = found
                break
        areas[area] += n
        for name, needle in PROFILE_MARKS:
            if any(needle in frame for frame in frames):
                marks[name] += n
    if not total:
        return "profile: no samples"
    lines = [f"        profile ({total} busy samples at 50/s, py-spy): innermost frame by area:"]
    lines += [f"          {n / total * 100:5.1f}%  {name}" for name, n in areas.most_common()]
    lines.append("        inclusive:")
    lines += [f"          {marks[name] / total * 100:5.1f}%  {name}" for name, _ in PROFILE_MARKS]
    return "\n".join(lines)


def wait_for_quiet(max_wait: float, threshold: float = 0.15) -> None:
    """Wait (at most max_wait s) until other processes use under `threshold` of the machine."""
    deadline = time.time() + max_wait
    announced = False
    while True:
        before = machine_cpu()
        time.sleep(2.0)
        after = machine_cpu()
        busy = (after[0] - before[0]) / max(1, after[1] - before[1])
        if busy < threshold:
            return
        if time.time() > deadline:
            print(f"  (the machine is still {busy * 100:.0f}% busy with other work; "
                  "measuring anyway)", flush=True)
            return
        if not announced:
            print(f"  (waiting up to {max_wait:.0f} s for other work on the machine to finish: "
                  f"{busy * 100:.0f}% busy)", flush=True)
            announced = True


def prepare_room(url: str, n: int, m: int, seed: int, coordinator: bool = True
                 ) -> dict[str, Any]:
    """Create the series, workshop, theme, prompts, coordinator (unless there is one) and N
    registrations, and fill the room with M contributions, their votes, answers and a note
    (bench/content.py)."""
    import warnings

    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    from datetime import date, timedelta
    from datetime import time as clock

    from sqlalchemy import insert, select

    from facilitate import create_app
    from facilitate.accounts.operations import create_coordinator
    from facilitate.agenda.operations import add_prompt, create_theme
    from facilitate.extensions import db
    from facilitate.models import Answer, Contribution, Note, NoteRevision, Vote
    from facilitate.registration.operations import register
    from facilitate.series.operations import create_series, create_workshop, open_registration
    from facilitate.timeutil import now_utc

    app = create_app({"DATABASE_URL": url, "TESTING": False, "SOCKETIO_ASYNC_MODE": "threading",
                      "SECRET_KEY": "bench-setup"})
    counties = ["varsinaissuomi", "pirkanmaa", "keskisuomi", "lappi", "kainuu", "pohjanmaa",
                "satakunta", "etelasavo", "pohjoissavo", "yksityinen"]
    with app.app_context():
        s = db.session
        if coordinator:
            create_coordinator(s, email=COORDINATOR_EMAIL, name="Bench Koordinaattori",
                               password=COORDINATOR_PASSWORD)
        series = create_series(s, {
            "title": "Lastensuojelun jälkihuollon johdon vertaisreflektiot",
            "memo_title": "valtakunnallinen lastensuojelun jälkihuollon johdon vertaisreflektio",
            "organiser": "YEE-hanke / THL"})
        workshop = create_workshop(s, series, {
            "title": "Kuormitustesti", "day": date.today() + timedelta(days=1),
            "starts_at": clock(9), "ends_at": clock(16), "format": "Teams-keskustelu"})
        open_registration(s, workshop, now_utc() + timedelta(days=1))
        theme = create_theme(s, workshop, {"title": "Siirtymät aikuisuuteen",
                                           "description": "Miten nuori siirtyy palveluista?"})
        open_prompt = add_prompt(s, theme, {"kind": "open",
                                            "text": "Mikä teillä toimii siirtymissä?"})
        statement = add_prompt(s, theme, {"kind": "statement",
                                          "text": "VÄITE: Jälkihuolto päättyy liian aikaisin."})
        tokens, people = [], []
        for i in range(n):
            registration, token, _created = register(s, workshop, {
                "name": f"Osallistuja {i:03d}", "email": f"osallistuja{i}@example.fi",
                "organisation": counties[i % len(counties)], "wishes": []})
            tokens.append(token)
            people.append(registration.id)
        s.commit()
        rows = content(n, m, seed)
        start = now_utc() - timedelta(hours=1)
        if rows.contributions:
            s.execute(insert(Contribution), [
                {"workshop_id": workshop.id, "theme_id": theme.id, "prompt_id": open_prompt.id,
                 "registration_id": people[author], "text": text,
                 "created_at": start + timedelta(seconds=i)}
                for i, (author, text) in enumerate(rows.contributions)])
            ids = list(s.scalars(select(Contribution.id).order_by(Contribution.id)))
            s.execute(insert(Vote), [{"contribution_id": ids[index],
                                      "registration_id": people[voter]}
                                     for index, voter in rows.votes])
            s.execute(insert(Answer), [{"prompt_id": statement.id, "registration_id": people[i],
                                        "value": value} for i, value in rows.answers])
            note = Note(theme_id=theme.id, text=rows.note, version=1)
            s.add(note)
            s.flush()
            s.add(NoteRevision(note_id=note.id, version=1, ops=[rows.note],
                               change_id="bench-note-1"))
        s.commit()
        ids = {"workshop_id": workshop.id, "theme_id": theme.id,
               "open_prompt_id": open_prompt.id, "statement_prompt_id": statement.id}
    db.dispose()
    return ids | {"tokens": tokens}


def run_subprocess_call(function: Any, *args: Any) -> Any:
    """Run function(*args) in a fresh process, so this one never imports the app."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


class Database:
    """A fresh database for one room run: an SQLite file or a throwaway PostgreSQL database."""

    def __init__(self, kind: str, directory: Path) -> None:
        self.kind = kind
        self.name = f"facilitate_bench_{uuid.uuid4().hex[:10]}"
        if kind == "sqlite":
            self.url = f"sqlite:///{directory / 'room.sqlite3'}"
        else:
            self.url = f"postgresql://postgres@127.0.0.1:5432/{self.name}"
        self.created = False

    def _admin(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        import psycopg2

        conn = psycopg2.connect(POSTGRES_ADMIN_URL)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(sql, params)
        finally:
            conn.close()

    def create(self, env: dict[str, str]) -> None:
        """Create (PostgreSQL) and migrate with `facilitate db upgrade`."""
        if self.kind == "postgresql":
            self._admin(f'CREATE DATABASE "{self.name}"')
            self.created = True
        done = subprocess.run([str(BIN / "facilitate"), "db", "upgrade"], env=env, cwd=ROOT,
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BenchError(f"facilitate db upgrade failed:\n{done.stdout}{done.stderr}")

    def drop(self) -> None:
        """Drop the PostgreSQL database (the SQLite file goes with the temp directory)."""
        if not self.created:
            return
        self._admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s", (self.name,))
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
        self.created = False


# ---------------------------------------------------------------------------------------------
# The coordinator


async def coordinator_session(url: str, room: dict[str, Any]) -> Any:
    """Log in over HTTP, connect, open the room, set the theme phase, reveal the statement."""
    import requests
    import socketio

    loop = asyncio.get_running_loop()

    def login() -> str:
        """The session cookie of a coordinator logged in through the login form."""
        web = requests.Session()
        page = web.get(f"{url}/login", timeout=10)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if not found:
            raise BenchError(f"no CSRF token on /login (HTTP {page.status_code})")
        response = web.post(f"{url}/login", data={
            "email": COORDINATOR_EMAIL, "password": COORDINATOR_PASSWORD,
            "csrf_token": found.group(1)}, allow_redirects=False, timeout=30)
        if response.status_code != 302:
            raise BenchError(f"coordinator login failed: HTTP {response.status_code}")
        return "; ".join(f"{c.name}={c.value}" for c in web.cookies)

    cookie = await loop.run_in_executor(None, login)
    sio = socketio.AsyncClient(reconnection=False, logger=False, engineio_logger=False)
    snapshot = asyncio.Event()
    refused: list[Any] = []
    sio.on("snapshot", lambda _data: snapshot.set())
    sio.on("connect_error", refused.append)
    try:
        await sio.connect(url, auth={"workshop_id": room["workshop_id"]},
                          headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=30)
        await asyncio.wait_for(snapshot.wait(), 30)
    except Exception as error:
        raise BenchError(f"coordinator could not connect: {error!r} {refused}") from error
    steps = [("room.open", {}),
             ("phase.set", {"phase": "theme", "theme_id": room["theme_id"]}),
             ("prompt.reveal", {"prompt_id": room["statement_prompt_id"], "revealed": True})]
    for event, payload in steps:
        ack = await sio.call(event, {"id": uuid.uuid4().hex} | payload, timeout=30)
        if not (isinstance(ack, dict) and ack.get("ok")):
            await sio.disconnect()
            raise BenchError(f"coordinator's {event} was refused: {ack}")
    return sio


# ---------------------------------------------------------------------------------------------
# One target at one size


async def next_reports(reports: Any, kind: str, count: int, timeout: float) -> dict[int, Any]:
    """Wait for `count` reports of one kind from the client processes."""
    loop = asyncio.get_running_loop()
    got: dict[int, Any] = {}
    deadline = time.time() + timeout
    while len(got) < count:
        remaining = deadline - time.time()
        if remaining <= 0:
            raise BenchError(f"client processes did not report '{kind}' within {timeout:.0f} s "
                             f"({len(got)}/{count})")
        try:
            report = await loop.run_in_executor(None, reports.get, True, min(remaining, 1.0))
        except queue.Empty:
            continue
        if report[0] == kind:
            got[report[1]] = report[2]
        elif report[0] == "done":
            raise BenchError(f"client process {report[1]} ended early: {report[2]}")
    return got


async def measure(target: str, n: int, args: argparse.Namespace, workdir: Path,
                  processes: int = 1) -> Result:
    """Start the server(s), drive the load, and collect the figures.

    With several processes (room only): one room of N per process, all on one PostgreSQL
    database with the Redis message queue, each room's participants connected to their own
    process, as nginx's sticky hashing on the workshop places them (deploy/nginx).
    """
    ports = [free_port() for _ in range(processes)]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    specs = [Spec(target=target, url=url, n=n, per_participant=args.per_participant,
                  window=args.window, burst_window=args.burst_window, seed=args.seed + r,
                  drain_timeout=args.drain_timeout, join_gate=args.join_gate)
             for r, url in enumerate(urls)]
    env = {k: v for k, v in os.environ.items() if k != "SOCKETIO_MESSAGE_QUEUE"}
    # Every client connects from 127.0.0.1, which a deployment's per-address limit on room
    # connections would refuse after 300 (facilitate/ratelimits.py).
    env |= {"SOCKETIO_ASYNC_MODE": "eventlet", "PYTHONUNBUFFERED": "1", "RATELIMIT_ENABLED": "0"}
    if processes > 1 or args.message_queue:
        env |= {"SOCKETIO_MESSAGE_QUEUE": REDIS_URL,
                "SOCKETIO_CHANNEL": f"facilitate-bench-{uuid.uuid4().hex[:8]}"}
    database = None
    coordinators: list[Any] = []
    rooms: list[dict[str, Any]] = []
    if target == "room":
        database = Database(args.database, workdir)
        env |= {"DATABASE_URL": database.url, "SECRET_KEY": uuid.uuid4().hex,
                "UPLOADS_DIR": str(workdir / "uploads"), "EXPORTS_DIR": str(workdir / "exports")}
        argvs = [[str(BIN / "facilitate"), "run", "--host", "127.0.0.1", "--port", str(port),
                  "--no-access-log"] for port in ports]
        database.create(env)
        for r, spec in enumerate(specs):
            room = run_subprocess_call(prepare_room, database.url, n, args.contributions,
                                       spec.seed, r == 0)
            spec.theme_id = room["theme_id"]
            spec.open_prompt_id = room["open_prompt_id"]
            spec.statement_prompt_id = room["statement_prompt_id"]
            rooms.append(room)
        tokens = [room["tokens"] for room in rooms]
    else:
        snapshot = workdir / f"bare-snapshot-{n}.json"
        snapshot.write_bytes(bare_snapshot(n, args.contributions, args.seed))
        argvs = [[sys.executable, str(ROOT / "bench" / "baseline_server.py"), "--host",
                  "127.0.0.1", "--port", str(port), "--snapshot", str(snapshot)]
                 for port in ports]
        tokens = [[f"bare-{i}" for i in range(n)] for _ in ports]
    servers = [Server(target, argv, env, port, workdir / f"{target}-{n}-{port}.log")
               for argv, port in zip(argvs, ports, strict=True)]
    ctx = mp.get_context("spawn")
    processes_: list[Any] = []
    commands: list[Any] = []
    room_of: dict[int, int] = {}
    result = Result(target=target, n=n * processes)

    def hwm() -> int:
        return sum(server.status_kib("VmHWM") for server in servers)

    try:
        for server in servers:
            server.start()
        for url, room in zip(urls, rooms, strict=False):
            coordinators.append(await coordinator_session(url, room))
        result.rss_idle_kib = sum(server.status_kib("VmRSS") for server in servers)
        result.hwm_setup_kib = hwm()
        result.hwm_was_reset = all([server.reset_hwm() for server in servers])
        per_room = max(1, min(args.workers, n))
        reports = ctx.Queue()
        for r in range(processes):
            for w in range(per_room):
                wid = len(commands)
                room_of[wid] = r
                commands.append(ctx.Queue())
                share = [(i, tokens[r][i]) for i in range(w, n, per_room)]
                process = ctx.Process(target=client_process, daemon=True,
                                      args=(wid, share, specs[r], commands[wid], reports))
                process.start()
                processes_.append(process)
        workers = len(commands)
        total = n * processes
        await next_reports(reports, "created", workers, 120)
        join_at = time.time() + 1.0
        for q in commands:
            q.put(("connect", join_at))
        ready = await next_reports(reports, "ready", workers, 120 + total * 0.5)
        failures = [f for r in ready.values() for f in r["failures"]]
        result.connect_seconds = max(r["seconds"] for r in ready.values())
        result.snapshot_bytes = max(r["bytes"] for r in ready.values())
        result.join_failures = len(failures)
        where = f" over {processes} processes" if processes > 1 else ""
        print(f"  {target:<4}  join storm: {total - len(failures)} of {total}{where} have their "
              f"snapshot ({result.snapshot_bytes / 1024:.0f} KiB) {result.connect_seconds:.2f} s "
              f"after connecting at once; {len(failures)} failed; peak RSS so far "
              f"{mib(hwm())} MiB", flush=True)
        if failures:
            raise BenchError(f"{len(failures)} of {total} participants could not connect; "
                             "first: " + "; ".join(failures[:3]))
        result.rss_connected_kib = sum(server.status_kib("VmRSS") for server in servers)
        if args.join_only:
            result.hwm_load_kib = hwm()
            result.hwm_kib = max(result.hwm_setup_kib, result.hwm_load_kib)
            return result
        await asyncio.sleep(1.0)

        t0 = time.time() + 1.0
        cpu0, machine0, own0 = (sum(s.cpu_seconds() for s in servers), machine_cpu(),
                                cpu_seconds())
        for q in commands:
            q.put(("load", t0))
        profiler = start_profiler(args.py_spy, servers[0], args.window, workdir)
        loads = await next_reports(reports, "load", workers,
                                   args.window + args.drain_timeout + 120)
        if profiler is not None:
            result.profile = finish_profiler(profiler, workdir)
        cpu1, machine1, own1 = (sum(s.cpu_seconds() for s in servers), machine_cpu(),
                                cpu_seconds())
        for r, spec in enumerate(specs):
            collect_load(result, {wid: load for wid, load in loads.items()
                                  if room_of[wid] == r}, spec, cpu1 - cpu0, machine0, machine1)
        result.latencies.sort()
        result.ack_latencies.sort()
        busy_seconds = (machine1[0] - machine0[0]) / os.sysconf("SC_CLK_TCK")
        other = busy_seconds - result.server_cpu - result.client_cpu * result.phase_seconds
        result.other_cpu = max(0.0, other - (own1 - own0)) / (time.time() - t0 + 1.0)

        if target == "room" and processes == 1:
            t1 = time.time() + 1.0
            for q in commands:
                q.put(("burst", t1))
            bursts = await next_reports(reports, "burst", workers,
                                        args.burst_window + args.drain_timeout + 120)
            result.burst = collect_burst(bursts, n)
        result.hwm_load_kib = hwm()
        result.hwm_kib = max(result.hwm_setup_kib, result.hwm_load_kib)
        for q in commands:
            q.put(("stop",))
        done = await next_reports(reports, "done", workers, 60)
        dropped = sum(d["dropped"] for d in done.values())
        if dropped:
            result.errors["connection dropped during the run"] += dropped
        result.server_log_errors = sum(server.log_errors() for server in servers)
    finally:
        for coordinator in coordinators:
            with contextlib.suppress(Exception):
                await coordinator.disconnect()
        for q in commands:
            with contextlib.suppress(Exception):
                q.put(("stop",))
        deadline = time.time() + 5
        for process in processes_:
            process.join(max(0.0, deadline - time.time()))
        for process in processes_:
            if process.is_alive():
                process.terminate()
                process.join(5)
        for server in servers:
            server.stop()
        if database is not None:
            database.drop()
    return result


def collect_load(result: Result, loads: dict[int, Any], spec: Spec, server_cpu: float,
                 machine0: tuple[int, int], machine1: tuple[int, int]) -> None:
    """Fold the client processes' contribution reports into the result."""
    ok = {key for r in loads.values() for key in r["ok"]}
    delivered: Counter[str] = Counter()
    latencies: list[float] = []
    acks: list[float] = []
    for report in loads.values():
        delivered.update(report["delivered"])
        latencies.extend(report["latencies"])
        acks.extend(report["ack_latencies"])
        result.self_delivered += report["self_delivered"]
        result.duplicates += report["duplicates"]
        result.malformed += report["malformed"]
        result.errors.update(report["errors"])
        result.error_examples.extend(report["examples"])
        result.max_lateness = max(result.max_lateness, report["lateness"])
    # Called once per room (several with several processes): counts add up.
    result.sent += spec.n * spec.per_participant
    result.acked += len(ok)
    result.expected += len(ok) * (spec.n - 1)
    result.delivered += sum(count for key, count in delivered.items() if key in ok)
    unexpected = sum(count for key, count in delivered.items() if key not in ok)
    if unexpected:
        result.errors["broadcast of an unacknowledged contribution"] += unexpected
    result.latencies = sorted([*result.latencies, *latencies])
    result.ack_latencies = sorted([*result.ack_latencies, *acks])
    wall = max(r["wall"] for r in loads.values())
    result.phase_seconds = max(result.phase_seconds, wall)
    cpus = [r["cpu"] for r in loads.values()]
    result.client_cpu += sum(cpus) / wall
    result.client_cpu_max = max(result.client_cpu_max, max(cpus) / wall)
    result.server_cpu = server_cpu
    busy = machine1[0] - machine0[0]
    total = machine1[1] - machine0[1]
    result.machine_busy = busy / total if total else 0.0


def collect_burst(bursts: dict[int, Any], n: int) -> dict[str, Any]:
    """Fold the client processes' burst reports into one summary."""
    last_sent = max(r["last_sent"] for r in bursts.values())
    settled = [s for r in bursts.values() for s in r["settled"]]
    held = [s for s in settled if s is not None]
    received = [x for r in bursts.values() for x in r["results_received"]]
    errors: Counter[str] = Counter()
    examples: list[str] = []
    for report in bursts.values():
        errors.update(report["errors"])
        examples.extend(report["examples"])
    return {
        "not_settled": len(settled) - len(held),
        "settled_ms": (max(held) - last_sent) * 1000 if held and len(held) == n else None,
        "median_ms": (sorted(held)[len(held) // 2] - last_sent) * 1000 if held else None,
        "results_per_client": sum(received) / len(received) if received else 0.0,
        "answers_ok": sum(len(r["ok"]) for r in bursts.values()),
        "errors": errors, "examples": examples,
        "cpu": sum(r["cpu"] for r in bursts.values()),
    }


# ---------------------------------------------------------------------------------------------
# Output


def fmt_ms(value: float | None) -> str:
    """A millisecond figure, or '-'."""
    return "-" if value is None or value != value else f"{value:.1f}"


def mib(kib: int) -> str:
    """KiB as MiB with one decimal."""
    return f"{kib / 1024:.1f}"


def pcts(result: Result | None) -> tuple[float, float, float] | None:
    """p50, p95, p99 of a result's delivery latencies."""
    if result is None or not result.latencies:
        return None
    return tuple(percentile(result.latencies, p) for p in (50, 95, 99))  # type: ignore[return-value]


def describe(result: Result) -> str:
    """The figures of one target at one size, several lines."""
    p = pcts(result) or (float("nan"),) * 3
    lines = [
        f"  {result.target:<4}  latency ms  p50 {fmt_ms(p[0])}  p95 {fmt_ms(p[1])}  "
        f"p99 {fmt_ms(p[2])}  max {fmt_ms(result.latencies[-1] if result.latencies else None)}"
        f"  (ack p50 {fmt_ms(percentile(result.ack_latencies, 50))} "
        f"p95 {fmt_ms(percentile(result.ack_latencies, 95))})",
        f"        deliveries {result.delivered}/{result.expected} to others + "
        f"{result.self_delivered} to senders; missing {result.missing}; duplicates "
        f"{result.duplicates}; malformed {result.malformed}; acked ok "
        f"{result.acked}/{result.sent}",
        f"        server: CPU {result.server_cpu:.1f} s over {result.phase_seconds:.1f} s; "
        f"connect+snapshot of all N {result.connect_seconds:.1f} s",
        f"        server memory: peak RSS (VmHWM) {mib(result.hwm_kib)} MiB; before the "
        f"participants {mib(result.rss_idle_kib)} MiB (peak so far {mib(result.hwm_setup_kib)}),"
        f" with N connected {mib(result.rss_connected_kib)} MiB, peak from the participants' "
        f"arrival on " + (f"{mib(result.hwm_load_kib)} MiB" if result.hwm_was_reset
                          else "unknown (clear_refs refused)"),
        f"        clients: CPU {result.client_cpu * 100:.0f}% of a core in all "
        f"(busiest process {result.client_cpu_max * 100:.0f}%), schedule lateness max "
        f"{result.max_lateness * 1000:.0f} ms; machine busy {result.machine_busy * 100:.0f}% "
        f"of {os.cpu_count()} cores, other processes {result.other_cpu * 100:.0f}% of a core"
        + (" (NOISY: figures disturbed by other load)" if result.other_cpu > NOISY else ""),
    ]
    if result.errors:
        lines.append("        ERRORS: " + ", ".join(f"{k} ×{v}" for k, v in result.errors.items()))
        lines.extend(f"          e.g. {example}" for example in result.error_examples[:3])
    if result.profile:
        lines.append(result.profile)
    if result.server_log_errors:
        lines.append(f"        server log: {result.server_log_errors} error lines")
    if result.missing:
        lines.append(f"        MISSING DELIVERIES: {result.missing}")
    return "\n".join(lines)


def describe_burst(burst: dict[str, Any], n: int, window: float) -> str:
    """The burst's figures, a few lines."""
    settled = burst["settled_ms"]
    verdict = "-" if settled is None else ("PASS" if settled <= TARGET_BURST_MS else "FAIL")
    lines = [
        f"  burst {n} answers within {window:.0f} s: every client holds the final distribution "
        f"{fmt_ms(settled)} ms after the last answer was sent (median client "
        f"{fmt_ms(burst['median_ms'])} ms) [target ≤ {TARGET_BURST_MS:.0f} ms: {verdict}]",
        f"        prompt.results received per client: {burst['results_per_client']:.1f}; "
        f"answers acked ok {burst['answers_ok']}/{n}; clients not settled "
        f"{burst['not_settled']}",
    ]
    if burst["errors"]:
        errors = ", ".join(f"{k} ×{v}" for k, v in burst["errors"].items())
        lines.append(f"        ERRORS: {errors}")
        lines.extend(f"          e.g. {example}" for example in burst["examples"][:3])
    return "\n".join(lines)


def ratios(room: Result | None, bare: Result | None) -> tuple[float, float, float] | None:
    """room/bare for p50, p95, p99."""
    a, b = pcts(room), pcts(bare)
    if a is None or b is None:
        return None
    return tuple(x / y if y else float("nan") for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def table(rows: list[tuple[int, Result | None, Result | None, str | None]]) -> str:
    """The compact summary of every size."""
    head = (f"{'N':>4} | {'bare p50/p95/p99 ms':>21} | {'room p50/p95/p99 ms':>21} | "
            f"{'room/bare p50/p95/p99':>21} | {'burst ms':>8} | {'peak RSS bare/room MiB':>22} | "
            f"{'join s bare/room':>16} | {'missing':>7} | {'errors':>6}")
    lines = [head, "-" * len(head)]
    for n, bare, room, failure in rows:
        def trio(values: tuple[float, float, float] | None, unit: str = "") -> str:
            """Three figures joined with slashes, or '-'."""
            if values is None:
                return "-"
            return "/".join(f"{v:.1f}{unit}" if unit else f"{v:.0f}" for v in values)

        burst = room.burst if room else None
        rss = "/".join(f"{r.hwm_kib / 1024:.0f}" if r else "-" for r in (bare, room))
        join = "/".join(f"{r.connect_seconds:.2f}" if r else "-" for r in (bare, room))
        missing = sum(r.missing for r in (bare, room) if r)
        errors = sum(sum(r.errors.values()) + (sum(r.burst["errors"].values()) if r.burst else 0)
                     for r in (bare, room) if r)
        lines.append(
            f"{n:>4} | {trio(pcts(bare)):>21} | {trio(pcts(room)):>21} | "
            f"{trio(ratios(room, bare), 'x'):>21} | "
            f"{fmt_ms(burst['settled_ms'] if burst else None):>8} | {rss:>22} | {join:>16} | "
            f"{missing:>7} | "
            f"{errors:>6}" + (f"  ({failure})" if failure else ""))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,500", help="participant counts (default: "
                        "%(default)s)")
    parser.add_argument("--quick", action="store_true", help="a small sanity run: N=20")
    parser.add_argument("--targets", default="bare,room", help="bare, room or both")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=4, help="client processes")
    parser.add_argument("--per-participant", type=int, default=2,
                        help="contributions per participant (K)")
    parser.add_argument("--window", type=float, default=120.0,
                        help="seconds over which the contributions are spread")
    parser.add_argument("--burst-window", type=float, default=5.0)
    parser.add_argument("--drain-timeout", type=float, default=60.0,
                        help="longest wait for deliveries after a phase's window")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--contributions", type=int, default=1000,
                        help="contributions the room holds before anyone joins, with votes, "
                        "answers and a note (default: %(default)s)")
    parser.add_argument("--join-gate", type=int, default=0,
                        help="connections a client process opens at a time (default: all at "
                        "once, as after a restart)")
    parser.add_argument("--join-only", action="store_true",
                        help="measure the join storm only (no contributions, no burst)")
    parser.add_argument("--py-spy", metavar="PATH",
                        help="sample each server with this py-spy during the contributions")
    parser.add_argument("--processes", type=int, default=1,
                        help="with 2 or more: one room of N per process on PostgreSQL with "
                        "Redis, against one process with one room, in the same run")
    parser.add_argument("--message-queue", action="store_true",
                        help="single-process runs use the Redis message queue too")
    parser.add_argument("--pairs", type=int, default=1,
                        help="measure bare and room this many times each, alternating which "
                        "goes first, and judge the median of the pairs' ratios (odd is best)")
    parser.add_argument("--retries", type=int, default=1,
                        help="measure a target again if other processes disturbed it")
    parser.add_argument("--quiet-wait", type=float, default=180.0,
                        help="before each server, wait up to this long for the machine to be "
                        "idle (0: do not wait)")
    args = parser.parse_args(argv)
    args.sizes = [20] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    if not set(args.targets) <= {"bare", "room"}:
        parser.error("--targets takes bare, room or bare,room")
    if args.processes > 1:  # several processes need both; the one-process run gets the same
        args.database, args.message_queue = "postgresql", True
    try:
        import aiohttp  # noqa: F401 - python-socketio's asyncio client needs it
    except ImportError:
        parser.error("the bench's clients need aiohttp: .venv/bin/pip install -e '.[bench]'")
    return args


async def measure_quietly(target: str, n: int, args: argparse.Namespace,
                          processes: int = 1) -> Result:
    """Measure one target, waiting for an idle machine first and again if others disturbed it."""
    best: Result | None = None
    for attempt in range(1 + args.retries):
        if args.quiet_wait > 0:
            await asyncio.get_running_loop().run_in_executor(None, wait_for_quiet,
                                                             args.quiet_wait)
        workdir = Path(tempfile.mkdtemp(prefix=f"facilitate-bench-{target}-"))
        try:
            result = await measure(target, n, args, workdir, processes)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        if best is None or result.other_cpu < best.other_cpu:
            best = result
        if best.other_cpu <= NOISY or attempt == args.retries:
            break
        print(f"  ({target}: other processes took {result.other_cpu * 100:.0f}% of a core; "
              "measuring again)", flush=True)
    assert best is not None
    return best


async def run_processes(args: argparse.Namespace) -> int:
    """One process with a room of N against P processes with a room of N each, paired."""
    p = args.processes
    print(f"Several processes: {p} `facilitate run` processes on one PostgreSQL database with "
          f"the Redis message queue, one room of N per process (each room's participants on "
          f"its own process, as nginx's sticky hashing on the workshop places them), against "
          f"one process with one room of N on the same stack; each participant posts "
          f"{args.per_participant} contributions within {args.window:.0f} s; every room holds "
          f"{args.contributions} contributions first. Latency from send to receipt by every "
          "client of the sender's room.")
    failed = False
    for n in args.sizes:
        print(f"\n== N = {n} per room ==", flush=True)
        ratios_: list[float] = []
        for index in range(args.pairs):
            order = [1, p] if index % 2 == 0 else [p, 1]
            got: dict[int, Result] = {}
            for count in order:
                try:
                    result = await measure_quietly("room", n, args, count)
                except BenchError as error:
                    failed = True
                    print(f"  {count} process(es): FAILED: {error}", flush=True)
                    continue
                got[count] = result
                print(f"  -- {count} process{'es' if count > 1 else ''}, "
                      f"{count} room{'s' if count > 1 else ''} of {n}:", flush=True)
                print(describe(result), flush=True)
            if 1 in got and p in got:
                one, many = pcts(got[1]), pcts(got[p])
                if one and many:
                    ratios_.append(many[1] / one[1])
                    print(f"  p95: {p}×{n} over {p} processes {many[1]:.0f} ms, 1×{n} in one "
                          f"process {one[1]:.0f} ms ({ratios_[-1]:.2f}x); peak RSS "
                          f"{mib(got[p].hwm_kib)} MiB in all / {mib(got[1].hwm_kib)} MiB; "
                          f"missing {got[p].missing}/{got[1].missing}; join "
                          f"{got[p].connect_seconds:.2f} s / {got[1].connect_seconds:.2f} s",
                          flush=True)
        if ratios_:
            ratios_.sort()
            print(f"  median p95 ratio {p} processes / 1 process: "
                  f"{ratios_[len(ratios_) // 2]:.2f}x over {len(ratios_)} pair(s)", flush=True)
    return 1 if failed else 0


async def run(args: argparse.Namespace) -> int:
    """Measure every size and target, print the figures as they come and a table at the end."""
    # Ctrl-C or SIGTERM cancels the run; every `finally` then stops its servers and clients.
    loop, task = asyncio.get_running_loop(), asyncio.current_task()
    assert task is not None
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    if args.processes > 1:
        return await run_processes(args)
    k, window = args.per_participant, args.window
    print("Load shape: N participants connect (websocket) and wait for their snapshot; then each "
          f"posts K={k} contributions (80-400 chars) at random moments within {window:.0f} s "
          f"(N*K/{window:.0f} msgs/s, each broadcast to all N); room only: then all N answer a "
          f"statement within {args.burst_window:.0f} s. Same seed ({args.seed}) for room and "
          f"bare; {args.workers} client processes of asyncio python-socketio clients; "
          f"database {args.database}; server eventlet, one process.")
    print(f"Room content before anyone joins: {args.contributions} contributions with votes, "
          "80 % of participants' answers and a 6,000-character note; the bare relay sends a "
          "snapshot of the same size, serialised once.")
    print(f"Targets: join storm room/bare ≤ {TARGET_JOIN_RATIO}x with 0 failed connections; "
          f"room/bare p95 ratio ≤ {TARGET_P95_RATIO} at N=500; burst settled ≤ "
          f"{TARGET_BURST_MS:.0f} ms.")
    rows = []
    failed = False
    for n in args.sizes:
        print(f"\n== N = {n}: {n * k} contributions, {n * k * n} deliveries expected "
              f"({n * k / window:.0f} msgs/s in, {n * n * k / window:.0f} deliveries/s out) ==",
              flush=True)
        pairs: list[tuple[dict[str, Result | None], tuple[float, float, float] | None]] = []
        failure = None
        for index in range(args.pairs):
            # Alternating the order (bare, room, room, bare, …) cancels a steady drift of the
            # machine's speed, which would otherwise always favour the target measured first.
            order = args.targets if index % 2 == 0 else list(reversed(args.targets))
            if args.pairs > 1:
                print(f"  -- pair {index + 1} of {args.pairs}: {', then '.join(order)}", flush=True)
            results: dict[str, Result | None] = {"bare": None, "room": None}
            for target in order:
                try:
                    result = await measure_quietly(target, n, args)
                except BenchError as error:
                    failed = True
                    failure = f"{target}: {str(error).splitlines()[0]}"
                    print(f"  {target}: FAILED: {error}", flush=True)
                    continue
                results[target] = result
                print(describe(result), flush=True)
                if result.burst is not None:
                    print(describe_burst(result.burst, n, args.burst_window), flush=True)
            ratio = ratios(results["room"], results["bare"])
            if ratio is not None and args.pairs > 1:
                print(f"  pair {index + 1}: room/bare  p50 {ratio[0]:.2f}x  p95 {ratio[1]:.2f}x  "
                      f"p99 {ratio[2]:.2f}x", flush=True)
            pairs.append((results, ratio))
        measured = sorted((item for item in pairs if item[1] is not None),
                          key=lambda item: item[1][1])  # type: ignore[index]
        results, ratio = measured[len(measured) // 2] if measured else pairs[-1]
        if ratio is not None:
            verdict = ""
            if n == 500:
                verdict = " [target p95 ≤ {}: {}]".format(
                    TARGET_P95_RATIO, "PASS" if ratio[1] <= TARGET_P95_RATIO else "FAIL")
            spread = ""
            if len(measured) > 1:
                spread = " (median pair of {}; p95 ratios {})".format(len(measured), ", ".join(
                    f"{item[1][1]:.2f}x" for item in measured))  # type: ignore[index]
            print(f"  room/bare  p50 {ratio[0]:.2f}x  p95 {ratio[1]:.2f}x  p99 {ratio[2]:.2f}x"
                  f"{verdict}{spread}", flush=True)
        bare, room = results["bare"], results["room"]
        if bare is not None and room is not None and bare.connect_seconds:
            join = room.connect_seconds / bare.connect_seconds
            print(f"  join storm room/bare {join:.2f}x ({room.connect_seconds:.2f} s / "
                  f"{bare.connect_seconds:.2f} s), failed {room.join_failures} "
                  f"[target ≤ {TARGET_JOIN_RATIO}x, 0 failed: "
                  f"{'PASS' if join <= TARGET_JOIN_RATIO and not room.join_failures else 'FAIL'}]",
                  flush=True)
        rows.append((n, bare, room, failure))
    print("\nSummary (latency from send to receipt by every client, ms):")
    print(table(rows))
    return 1 if failed else 0


def main() -> None:
    """Entry point: run the bench; Ctrl-C still stops every server and client process."""
    args = parse_args()
    try:
        sys.exit(asyncio.run(run(args)))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("\ninterrupted; servers and client processes stopped", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
