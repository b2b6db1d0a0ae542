"""Two `facilitate run` processes on PostgreSQL and Redis behind Debian's nginx, configured
from deploy/nginx: one process is killed mid-session and the room carries on."""

from __future__ import annotations

import gc
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio
from live_server import LiveServer, ServerFailed, free_port, server_env
from sqlalchemy import select

from facilitate.agenda.operations import create_theme
from facilitate.extensions import db
from facilitate.models import Contribution
from facilitate.room.operations import open_room, set_phase

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy"))
from cluster import Nginx  # noqa: E402 - deploy/ is not a package

pytestmark = [pytest.mark.cluster,
              pytest.mark.filterwarnings("ignore::ResourceWarning")]

PARTICIPANTS = 16
CONTRIBUTIONS_EACH = 6
WAIT = 60.0


@pytest.fixture
def stack(database_url: str, tmp_path: Path) -> Iterator[tuple[list[LiveServer], Nginx]]:
    """Two processes sharing the database and a Redis channel of their own, nginx in front."""
    channel = f"facilitate-test-{uuid.uuid4().hex[:8]}"
    servers = []
    for index in range(2):
        folder = tmp_path / f"process{index}"
        folder.mkdir()
        servers.append(LiveServer(folder, server_env(
            folder, database_url, SOCKETIO_MESSAGE_QUEUE="redis://127.0.0.1:6379/0",
            SOCKETIO_CHANNEL=channel)))
    nginx = Nginx(tmp_path / "nginx", free_port(), [server.port for server in servers])
    try:
        for server in servers:
            server.start()
        nginx.start()
    except ServerFailed as error:
        pytest.fail(str(error), pytrace=False)
    yield servers, nginx
    nginx.stop()
    for server in servers:
        server.stop()
    # The client library leaves the socket of a connection whose server was killed for the
    # garbage collector; collect it here, quietly, not in whichever test runs next.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


class Participant:
    """A reconnecting client that keeps the room's contributions as the browser does: the
    snapshot, then the deltas that arrived before it, then every delta; and resends an
    unacknowledged change with its id."""

    def __init__(self, url: str, token: str, sticky: str, *, polling: bool = False) -> None:
        # `?workshop=` is what nginx keeps sticky on; one key per client spreads a room over
        # both processes, so broadcasts have to cross Redis (two rooms would do the same).
        self.url = f"{url}?workshop={sticky}"
        self.token = token
        # long-polling first, then the upgrade, as a browser does: its several HTTP requests
        # must all reach one process, which is what the sticky hashing is for
        self.transports = ["polling", "websocket"] if polling else ["websocket"]
        self.seen: set[int] = set()
        #: deltas that arrived on this connection before its snapshot (docs/realtime.md)
        self.early: list[int] | None = []
        self.snapshots = 0
        self.disconnects = 0
        self.acked: dict[str, int] = {}
        self.replayed = 0
        self.replayed_ids: list[int] = []
        self.presence: list[tuple[float, int]] = []
        self.lock = threading.Lock()
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.2,
                                   reconnection_delay_max=1, randomization_factor=0.5)
        self.sio.on("snapshot", self._snapshot)
        self.sio.on("contribution.added", self._added)
        self.sio.on("presence.changed", self._presence)
        self.sio.on("disconnect", self._disconnected)

    def _snapshot(self, snapshot: dict[str, Any]) -> None:
        with self.lock:
            self.snapshots += 1
            self.seen = {c["id"] for c in snapshot["contributions"]} | set(self.early or [])
            self.early = None
            self.presence.append((time.monotonic(), _people(snapshot["presence"])))

    def _added(self, data: dict[str, Any]) -> None:
        with self.lock:
            if self.early is not None:
                self.early.append(data["contribution"]["id"])
            else:
                self.seen.add(data["contribution"]["id"])

    def _presence(self, data: dict[str, Any]) -> None:
        with self.lock:
            self.presence.append((time.monotonic(), _people(data["presence"])))

    def _disconnected(self, *_reason: Any) -> None:
        with self.lock:
            self.disconnects += 1
            self.early = []

    def connect(self) -> Participant:
        self.sio.connect(self.url, auth={"token": self.token}, transports=self.transports,
                         wait_timeout=10)
        return self

    def send(self, theme_id: int, text: str, deadline: float) -> None:
        """contribution.add until acknowledged, always with the same id."""
        change_id = uuid.uuid4().hex
        while time.monotonic() < deadline:
            if not self.sio.connected:
                time.sleep(0.05)
                continue
            try:
                ack = self.sio.call("contribution.add", {"id": change_id, "theme_id": theme_id,
                                                         "text": text}, timeout=3)
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError,
                    socketio.exceptions.SocketIOError):
                continue  # the process died under us: reconnect and resend
            assert ack["ok"], ack
            self.acked[change_id] = ack["contribution_id"]
            self.replayed += bool(ack.get("replayed"))
            if ack.get("replayed"):
                self.replayed_ids.append(ack["contribution_id"])
            return
        raise AssertionError(f"{text!r} was never acknowledged")


def _people(presence: list[dict[str, Any]]) -> int:
    return sum(entry["count"] for entry in presence)


def _until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, f"{what} within {timeout} s"
        time.sleep(0.05)
    return time.monotonic() - start


def test_a_process_killed_mid_session_loses_nothing_and_its_clients_come_back(
        stack: tuple[list[LiveServer], Nginx], make_workshop: Callable[..., Any],
        register: Callable[..., Any]) -> None:
    servers, nginx = stack
    s = db.session
    workshop = make_workshop()
    theme = create_theme(s, workshop, {"title": "Työnkuvat"})
    counties = ["varsinaissuomi", "satakunta", "pirkanmaa", "kantahame"]
    tokens = [register(workshop, name=f"Osallistuja {i}", organisation=counties[i % 4],
                       wishes=[])[1] for i in range(PARTICIPANTS + 1)]
    open_room(s, workshop)
    set_phase(s, workshop, "theme", theme)
    s.commit()
    theme_id = theme.id

    people = [Participant(nginx.url, token, f"{workshop.id}-{i}", polling=i % 4 == 0).connect()
              for i, token in enumerate(tokens[:PARTICIPANTS])]
    # One more, straight to the process that will die and without reconnecting: presence
    # must drop them once that process is gone.
    doomed = socketio.Client(reconnection=False)
    doomed.connect(servers[0].url, auth={"token": tokens[PARTICIPANTS]},
                   transports=["websocket"], wait_timeout=10)
    _until(lambda: all(p.presence and p.presence[-1][1] == PARTICIPANTS + 1 for p in people),
           10, "everyone sees everyone present")

    deadline = time.monotonic() + WAIT
    killed_at: list[float] = []

    def stream(index: int, person: Participant) -> None:
        for n in range(CONTRIBUTIONS_EACH):
            person.send(theme_id, f"Osallistuja {index}, puheenvuoro {n}", deadline)
            time.sleep(0.05)

    threads = [threading.Thread(target=stream, args=(i, p)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    time.sleep(0.4)  # mid-stream
    servers[0].stop(kill=True)  # SIGKILL: no goodbye to anyone
    killed_at.append(time.monotonic())
    for thread in threads:
        thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads)

    moved = [p for p in people if p.disconnects]
    stayed = [p for p in people if not p.disconnects]
    assert moved and stayed, "both processes held clients before the kill"
    _until(lambda: all(p.sio.connected for p in people), 20, "every client is back")
    assert all(p.snapshots >= 2 for p in moved)  # a fresh snapshot on the other process

    expected = PARTICIPANTS * CONTRIBUTIONS_EACH
    db.session.expire_all()
    stored = s.execute(select(Contribution.id, Contribution.text)
                       .where(Contribution.workshop_id == workshop.id)).all()
    texts = [text for _id, text in stored]
    assert len(stored) == expected and len(set(texts)) == expected  # each exactly once
    acked = {cid for p in people for cid in p.acked.values()}
    assert acked == {cid for cid, _text in stored}
    everything = set(acked)
    try:
        _until(lambda: all(p.seen == everything for p in people), 10,
               "every client has every contribution")
    except AssertionError:
        replays = {cid for p in people for cid in p.replayed_ids}
        for i, person in enumerate(people):
            print(i, "moved" if person.disconnects else "stayed", "missing",
                  sorted(everything - person.seen), "extra", sorted(person.seen - everything))
        print("replayed", sorted(replays))
        raise

    # Presence: the doomed participant drops out within the heartbeat's few seconds.
    corrected = _until(lambda: all(p.presence[-1][1] == PARTICIPANTS for p in stayed), 12,
                       "presence drops the killed process's connections")
    seconds = time.monotonic() - killed_at[0]
    print(f"\ncluster: {len(moved)} of {PARTICIPANTS} clients on the killed process came back; "
          f"{expected} contributions stored once ({sum(p.replayed for p in people)} "
          f"acknowledged as replays); presence corrected {seconds:.1f} s after the kill "
          f"({corrected:.1f} s after the stream ended)")
    doomed.disconnect()
    for person in people:
        person.sio.disconnect()
