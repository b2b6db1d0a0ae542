"""Concurrent note-takers over real sockets, and a server restart in the middle of a session."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from facilitate.extensions import db
from facilitate.models import Answer, Contribution, Note, NoteRevision
from facilitate.room.textops import NoteEditor

Client = Callable[..., Any]


class Typist:
    """A note-taker's client: the browser's state machine (NoteEditor) over a real socket,
    typing into the shared note while other edits arrive."""

    def __init__(self, client: Any, theme_id: int, name: str, seed: int) -> None:
        self.client = client
        self.theme_id = theme_id
        self.name = name
        self.editor = NoteEditor()
        self.lock = threading.RLock()
        self.random = random.Random(seed)
        #: broadcasts that arrived ahead of their turn (handlers may run in parallel threads)
        self.early: dict[int, tuple[list[Any], str | None]] = {}
        self.errors: list[Any] = []
        self.words: list[str] = []
        #: other people's edits that arrived while one of ours was in flight
        self.crossed = 0
        client.sio.on("note.edited", self._edited)

    def _edited(self, data: dict[str, Any]) -> None:
        if data["theme_id"] != self.theme_id:
            return
        with self.lock:
            self.early[data["version"]] = (data["ops"], data["change_id"])
            while self.editor.version + 1 in self.early:
                ops, change_id = self.early.pop(self.editor.version + 1)
                in_flight = self.editor.in_flight
                if in_flight is not None and in_flight.change_id != change_id:
                    self.crossed += 1
                assert self.editor.receive(self.editor.version + 1, ops, change_id)
            self._send()

    def _send(self) -> None:
        edit = self.editor.next_edit(uuid.uuid4().hex)
        if edit is not None:
            self.client.sio.emit("note.edit", {
                "id": edit.change_id, "theme_id": self.theme_id,
                "base_version": edit.base_version, "ops": edit.sent_ops}, callback=self._ack)

    def _ack(self, ack: dict[str, Any]) -> None:
        if not ack.get("ok"):
            self.errors.append(ack)

    def type_words(self, count: int) -> None:
        """Insert `count` unique words at random places, sending as the protocol allows."""
        for index in range(count):
            word = f"{self.name}{index:03d}"
            with self.lock:
                text = self.editor.local
                # a word goes between words, so concurrent typing cannot split another's word
                gaps = [0] + [i + 1 for i, char in enumerate(text) if char == " "]
                at = self.random.choice(gaps)
                self.editor.local = text[:at] + word + " " + text[at:]
                self.words.append(word)
                self._send()
            # a little slower than the server answers, so that most words go as edits of
            # their own while the other typist's edits keep crossing them
            time.sleep(0.015 + self.random.random() * 0.02)

    def settled(self) -> bool:
        with self.lock:
            self._send()
            return (self.editor.in_flight is None and self.editor.local == self.editor.confirmed
                    and not self.early)


def wait_until(condition: Callable[[], bool], timeout: float = 30.0,
               explain: Callable[[], Any] = lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out: {explain()}"
        time.sleep(0.05)


def test_two_note_takers_typing_in_the_same_note_lose_nothing(
        make_room: Callable[..., Any], socket_client: Client, coordinator_cookie: str) -> None:
    room = make_room()
    theme = room.theme_ids[0]
    cecilia = Typist(socket_client(token=room.tokens["cecilia"]), theme, "cecilia", seed=1)
    coordinator = Typist(socket_client(workshop_id=room.workshop_id, cookie=coordinator_cookie),
                         theme, "niina", seed=2)
    reader = socket_client(token=room.tokens["anna"])
    words_each = 200

    typing = [threading.Thread(target=typist.type_words, args=(words_each,))
              for typist in (cecilia, coordinator)]
    for thread in typing:
        thread.start()
    for thread in typing:
        thread.join(timeout=120)
    wait_until(lambda: cecilia.settled() and coordinator.settled(), explain=lambda: [
        (t.name, t.errors, t.editor.version, t.editor.in_flight, sorted(t.early))
        for t in (cecilia, coordinator)])

    db.session.expire_all()
    note = db.session.scalar(select(Note).where(Note.theme_id == theme))
    assert cecilia.errors == [] and coordinator.errors == []
    assert note.text == cecilia.editor.local == coordinator.editor.local
    stored_words = note.text.split()
    for word in cecilia.words + coordinator.words:
        assert stored_words.count(word) == 1, word
    assert len(stored_words) == 2 * words_each
    revisions = db.session.scalar(select(func.count()).select_from(NoteRevision)
                                  .where(NoteRevision.note_id == note.id))
    assert revisions == note.version
    # The edits really crossed: many arrived while the receiver had one of its own in flight.
    # How many depends on the machine's speed (70-130 of 400 words here), so the bar is low
    # enough for a fast one and far above the none a serialised exchange would give.
    assert note.version >= 200, note.version  # hundreds of edits, not a few big ones
    assert cecilia.crossed + coordinator.crossed >= 40, (cecilia.crossed, coordinator.crossed)
    # A reader who only watches ends with the same text, rendered.
    last = reader.wait_for("note.edited", lambda d: d["version"] == note.version)
    assert "cecilia000" in last["html"] and "niina000" in last["html"]


def test_a_server_restart_mid_session_loses_nothing(
        make_room: Callable[..., Any], restartable_server: Any, socket_client: Client,
        make_coordinator: Callable[..., Any], password: str) -> None:
    from room_client import login_cookie

    room = make_room()
    theme = room.theme_ids[0]
    coordinator = make_coordinator(email="toinen@thl.fi")
    cookie = login_cookie(restartable_server.url, coordinator.email, password)
    anna = socket_client(token=room.tokens["anna"], server=restartable_server, reconnection=True)
    cecilia = socket_client(token=room.tokens["cecilia"], server=restartable_server,
                            reconnection=True)
    console = socket_client(workshop_id=room.workshop_id, cookie=cookie,
                            server=restartable_server, reconnection=True)

    posted = anna.change("contribution.add", theme_id=theme, text="Ennen katkosta")
    anna.change("answer.set", prompt_id=room.prompts["statement"], value=4)
    cecilia.change("note.edit", theme_id=theme, base_version=0, ops=["Muistiinpano 1"])
    console.change("prompt.reveal", prompt_id=room.prompts["statement"], revealed=True)
    console.change("timer.start", seconds=600)
    before = console.call("sync", {})["snapshot"]
    assert before["room"]["timer"]["seconds"] == 600

    restartable_server.stop(kill=True)  # as a crash would
    # Queued while the server is down: the browser keeps it and resends with the same id.
    queued_id = uuid.uuid4().hex
    restartable_server.start()

    for client in (anna, cecilia, console):
        wait_until(lambda client=client: client.sio.connected and
                   len(client.received("snapshot")) >= 2)
    after = anna.snapshot()
    assert [c["text"] for c in after["contributions"]] == ["Ennen katkosta"]
    assert after["contributions"][0]["id"] == posted["contribution_id"]
    statement = after["themes"][0]["prompts"][1]
    assert after["me"]["answers"] == {str(statement["id"]): 4}
    assert statement["results"] == {"counts": [0, 0, 0, 1, 0], "total": 1}
    assert after["themes"][0]["note"]["text"] == "Muistiinpano 1"
    assert after["room"]["timer"] == before["room"]["timer"]
    assert after["room"]["phase"] == "theme" and after["room"]["status"] == "open"

    first = anna.change("contribution.add", queued_id, theme_id=theme, text="Katkon aikana")
    again = anna.change("contribution.add", queued_id, theme_id=theme, text="Katkon aikana")
    assert first["ok"] and again["replayed"] is True
    note = cecilia.change("note.edit", theme_id=theme, base_version=1, ops=[14, " ja 2"])
    assert note == {"ok": True, "theme_id": theme, "version": 2}
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Contribution)) == 2
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    assert db.session.scalar(select(Note.text).where(Note.theme_id == theme)) == \
        "Muistiinpano 1 ja 2"


REDIS_URL = "redis://127.0.0.1:6379/0"


def test_two_server_processes_share_rooms_through_redis(
        make_room: Callable[..., Any], database_url: str, tmp_path: Any,
        socket_client: Client) -> None:
    import redis
    from live_server import LiveServer, server_env

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not running at {REDIS_URL}", pytrace=False)
    channel = f"facilitate-test-{uuid.uuid4().hex[:8]}"  # apart from anything else on Redis
    servers = []
    for name in ("first", "second"):
        folder = tmp_path / name
        folder.mkdir()
        servers.append(LiveServer(folder, server_env(
            folder, database_url, SOCKETIO_MESSAGE_QUEUE=REDIS_URL, SOCKETIO_CHANNEL=channel)))
    try:
        for server in servers:
            server.start()
        room = make_room()
        anna = socket_client(token=room.tokens["anna"], server=servers[0])
        bertta = socket_client(token=room.tokens["bertta"], server=servers[1])
        anna.snapshot()
        bertta.snapshot()
        assert anna.change("contribution.add", theme_id=room.theme_ids[0],
                           text="Toisen prosessin kautta")["ok"]
        seen = bertta.wait_for("contribution.added")["contribution"]
        assert seen["text"] == "Toisen prosessin kautta"
        # presence is shared too: the database knows every process's connections
        anna.wait_for("presence.changed", lambda d: len(d["presence"]) == 2)
    finally:
        for server in servers:
            server.stop()
