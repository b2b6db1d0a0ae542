"""facilitate.room.textops without a server: applying and diffing edits in code points, refusing
malformed edits, transforming concurrent edits so they converge, and the note editor's state
machine against a simulated server (the way operations.edit_note transforms stale edits)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

import pytest
from random_edits import random_change, random_edit, random_text

from facilitate.room import textops
from facilitate.room.textops import NoteEditor, OpsError, apply, diff, transform, validate

WORD_STEMS = ["sana", "yö", "äänestys", "Pöytä", "kiitos😀", "🇫🇮tiimi", "👍🏽"]


# --- apply and diff ------------------------------------------------------------------------


def test_apply_counts_code_points_including_finnish_letters_and_emoji() -> None:
    assert apply("Hyvää yötä", [6, -4, "päivää"]) == "Hyvää päivää"
    # 😀 is one code point (two UTF-16 units in the browser): one keep or delete covers it
    assert apply("a😀b", [1, -1, 1]) == "ab"
    assert apply("😀ä", [1, "👍🏽", 1]) == "😀👍🏽ä"
    assert apply("", ["kiitos 🇫🇮"]) == "kiitos 🇫🇮"
    assert textops.base_length([2, -1, "😀😀", 3]) == 6
    assert textops.target_length([2, -1, "😀😀", 3]) == 7
    assert textops.is_noop([7]) and not textops.is_noop([6, "x", 1])
    for text, ops in [("abc", [2]), ("😀", [2]), ("😀ä", [1]), ("", [1]), ("ab", [-3])]:
        with pytest.raises(OpsError):
            apply(text, ops)


def test_diff_and_apply_round_trip() -> None:
    examples = [
        ("", ""), ("", "uusi"), ("vanha", ""), ("Hyvää päivää", "Hyvää yötä"),
        ("😀😀😀", "😀👍🏽😀"), ("äänestys", "äänestykset"), ("aaa", "aaaa"),
        ("Työnkuvat\n- kunta", "Työnkuvat\n- hyvinvointialue\n- kunta"),
    ]
    rng = random.Random(1)
    for _ in range(300):
        old = random_text(rng)
        examples.append((old, random_change(rng, old) if rng.random() < 0.7 else random_text(rng)))
    for old, new in examples:
        ops = diff(old, new)
        assert apply(old, ops) == new, (old, new, ops)
        assert textops.base_length(ops) == len(old)
        assert textops.target_length(ops) == len(new)
        assert ops == textops.normalise(ops)
    assert diff("Hyvää yötä", "Hyvää päivää") == [6, -3, "päivä", 1]
    assert diff("😀a", "😀ba") == [1, "b", 1]
    assert diff("sama", "sama") == [4] and textops.is_noop(diff("sama", "sama"))


# --- validate ------------------------------------------------------------------------------


def test_validate_normalises_a_well_formed_edit() -> None:
    assert validate([2, 3, -1, -2, "ä", "😀", 4]) == [5, -3, "ä😀", 4]
    assert validate(["x"]) == ["x"]
    assert validate([1] * textops.MAX_COMPONENTS) == [textops.MAX_COMPONENTS]


def test_validate_refuses_malformed_edits() -> None:
    malformed = [
        "abc", {"ops": [1]}, None, 5, (1, "x"),  # not a list
        [],  # empty
        [True], [3, False],  # booleans are not counts
        [0], [3, 0, 1],  # zeros
        [""], [2, "", 1],  # empty inserts
        ["a\x00b"], [1, "\x00"],  # NUL
        [1.5], [None], [[1]], [{"insert": "x"}],  # neither int nor str
        [1] * (textops.MAX_COMPONENTS + 1),  # too many components
    ]
    for ops in malformed:
        with pytest.raises(OpsError):
            validate(ops)


# --- transform -----------------------------------------------------------------------------


def test_transform_converges_on_random_pairs() -> None:
    rng = random.Random(20261123)
    for case in range(400):
        text = random_text(rng)
        if case % 2:
            a, b = random_edit(rng, text), random_edit(rng, text)
        else:
            a, b = diff(text, random_change(rng, text)), diff(text, random_change(rng, text))
        a_after_b, b_after_a = transform(a, b)
        after_a, after_b = apply(text, a), apply(text, b)
        assert apply(after_a, b_after_a) == apply(after_b, a_after_b), (text, a, b)
        # each side's inserts survive whatever the other side deleted
        merged = apply(after_a, b_after_a)
        for inserted in (c for c in a + b if isinstance(c, str)):
            assert inserted in merged, (text, a, b, inserted)


def test_transform_ties_put_the_first_arguments_insert_first() -> None:
    text = "ab😀"
    first, second = [1, "X", 2], [1, "Y", 2]
    first_after, second_after = transform(first, second)
    assert apply(apply(text, first), second_after) == "aXYb😀"
    assert apply(apply(text, second), first_after) == "aXYb😀"
    # swapping the arguments swaps the order: the edit the server applied first wins the tie
    second_after, first_after = transform(second, first)
    assert apply(apply(text, first), second_after) == "aYXb😀"
    # at the very end of the text as well
    first_after, second_after = transform([3, "ä"], [3, "ö"])
    assert apply(apply(text, [3, "ä"]), second_after) == "ab😀äö"


def test_an_insert_inside_a_range_the_other_deleted_survives() -> None:
    text = "Hyvää päivää"
    deleting = [1, -10, 1]  # "Hä"
    inserting = [6, "kaunista ", 6]  # "Hyvää kaunista päivää"
    for first, second in [(deleting, inserting), (inserting, deleting)]:
        first_after, second_after = transform(first, second)
        left = apply(apply(text, first), second_after)
        right = apply(apply(text, second), first_after)
        assert left == right == "Hkaunista ä"
    # both deleting the same characters deletes them once
    first_after, second_after = transform([2, -3, 1], [1, -4, 1])
    assert apply(apply("abcdef", [2, -3, 1]), second_after) == "af"
    assert apply(apply("abcdef", [1, -4, 1]), first_after) == "af"


def test_transform_refuses_edits_of_different_texts() -> None:
    for first, second in [([3], [2]), (["a", 1], [-1, "😀", 1]), ([1, "x"], [2])]:
        with pytest.raises(OpsError):
            transform(first, second)


# --- note editors against a simulated server -----------------------------------------------


#: what Server.edit answers when the edit's base is older than the kept history
GONE = "gone"


@dataclass
class Server:
    """The server's side of note.edit and note.history, as operations.edit_note does it,
    keeping the last `kept` edits (operations.NOTE_HISTORY_KEPT) when it is set."""

    text: str
    #: applied edits in order, the folded ones removed: (version, ops as applied, change id)
    history: list[tuple[int, textops.Ops, str]] = field(default_factory=list)
    kept: int | None = None
    version: int = 0
    #: every change id applied, as the idempotency table keeps them
    applied: list[str] = field(default_factory=list)
    #: resends answered from the idempotency table
    replays: int = 0
    #: edits that arrived based on an older version and were transformed
    stale: int = 0
    #: edits refused as based on folded history, and catch-ups answered with the text
    gone: int = 0
    rebases: int = 0

    def edit(self, base_version: int, ops: textops.Ops, change_id: str
             ) -> tuple[int, textops.Ops, str] | str | None:
        """Apply an edit: the broadcast, None for a replayed change id (as the idempotency
        table does), or GONE for a base older than the kept history."""
        if change_id in self.applied:
            self.replays += 1
            return None
        assert 0 <= base_version <= self.version
        since = self.history[len(self.history) - (self.version - base_version):]
        if len(since) != self.version - base_version:
            self.gone += 1
            return GONE
        ops = validate(ops)
        self.stale += base_version < self.version
        for _version, applied, _id in since:
            _, ops = transform(applied, ops)
        self.text = apply(self.text, ops)
        self.version += 1
        self.applied.append(change_id)
        self.history.append((self.version, ops, change_id))
        if self.kept is not None:
            del self.history[:-self.kept]
        return self.history[-1]

    def since(self, version: int, pending: str | None = None
              ) -> list[tuple[int, textops.Ops, str]] | tuple[int, str, bool]:
        """note.history: the edits after `version`, or (version, text, pending applied)."""
        edits = self.history[len(self.history) - (self.version - version):]
        if len(edits) == self.version - version:
            return edits if version < self.version else []
        self.rebases += 1
        return self.version, self.text, pending in self.applied


@dataclass
class Client:
    """One browser tab: the editor, its network queues, and the words its person typed."""

    editor: NoteEditor
    #: edits on their way to the server
    outbox: list[tuple[int, textops.Ops, str]] = field(default_factory=list)
    #: broadcasts on their way to this client
    inbox: list[tuple[int, textops.Ops, str]] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)
    connected: bool = True

    def catch_up(self, server: Server) -> None:
        """note.history since the confirmed version, processed in order, as notes.js does."""
        flight = self.editor.in_flight
        history = server.since(self.editor.version, flight and flight.change_id)
        if isinstance(history, tuple):
            self.editor.rebase(*history)
            return
        for version, ops, change_id in history:
            assert self.editor.receive(version, ops, change_id)

    def deliver(self, server: Server) -> None:
        version, ops, change_id = self.inbox.pop(0)
        if not self.editor.receive(version, ops, change_id):
            self.catch_up(server)  # a gap: ask for the history

    def refused(self, change_id: str, server: Server) -> None:
        """The edit in flight came back `gone`: take it back and catch up."""
        flight = self.editor.in_flight
        if flight is not None and flight.change_id == change_id:
            self.editor.unsend()
        self.catch_up(server)


class Simulation:
    """Several note-takers typing into one note through the server, in a random order."""

    def __init__(self, rng: random.Random, clients: int, start: str, *,
                 words_only: bool = True, disconnects: bool = False,
                 kept: int | None = None) -> None:
        self.rng = rng
        self.server = Server(start, kept=kept)
        self.clients = [Client(NoteEditor(start, 0)) for _ in range(clients)]
        self.words_only = words_only
        self.disconnects = disconnects
        self.counter = 0
        self.resends = 0

    def _next_id(self) -> str:
        self.counter += 1
        return f"change-{self.counter:05d}"

    def type(self, client: Client) -> None:
        local = client.editor.local
        if self.words_only:
            # a whole word and a space at a word boundary, so no word is split by another
            self.counter += 1
            word = f"{self.rng.choice(WORD_STEMS)}{self.counter}"
            spots = [at for at in range(len(local) + 1) if at == 0 or local[at - 1] == " "]
            at = self.rng.choice(spots)
            client.editor.local = local[:at] + word + " " + local[at:]
            client.typed.append(word)
        else:
            client.editor.local = random_change(self.rng, local)

    def send(self, client: Client) -> None:
        sent = client.editor.next_edit(self._next_id())
        if sent is not None and client.connected:
            client.outbox.append((sent.base_version, sent.sent_ops, sent.change_id))

    def apply_one(self, client: Client) -> None:
        sent = client.outbox.pop(0)
        applied = self.server.edit(*sent)
        if applied == GONE:
            if client.connected:
                client.refused(sent[2], self.server)
        elif applied is not None:
            for other in self.clients:
                if other.connected:
                    other.inbox.append(applied)

    def disconnect(self, client: Client) -> None:
        client.connected = False
        client.inbox.clear()  # broadcasts on the way are lost
        if self.rng.random() < 0.5:
            client.outbox.clear()  # and maybe the edit on its way to the server

    def reconnect(self, client: Client) -> None:
        client.connected = True
        flight = client.editor.in_flight
        if flight is not None:  # resend with the same id; a replay is not applied twice
            self.resends += 1
            client.outbox.append((flight.base_version, flight.sent_ops, flight.change_id))
        client.catch_up(self.server)

    def step(self) -> None:
        client = self.rng.choice(self.clients)
        roll = self.rng.random()
        if self.disconnects and roll < 0.04:
            if client.connected:
                self.disconnect(client)
            else:
                self.reconnect(client)
        elif roll < 0.35:
            self.type(client)
        elif roll < 0.55:
            self.send(client)
        elif roll < 0.75:
            waiting = [c for c in self.clients if c.outbox]
            if waiting:
                self.apply_one(self.rng.choice(waiting))
        elif client.inbox:
            client.deliver(self.server)

    def settle(self) -> None:
        """Everyone reconnects, and everything is sent, applied and delivered."""
        for client in self.clients:
            if not client.connected:
                self.reconnect(client)
        for _ in range(1000):
            busy = False
            for client in self.clients:
                self.send(client)
                while client.outbox:
                    self.apply_one(client)
                    busy = True
            for client in self.clients:
                while client.inbox:
                    client.deliver(self.server)
                    busy = True
            if not busy and all(c.editor.in_flight is None for c in self.clients):
                return
        raise AssertionError("the editors never settled")

    def run(self, steps: int) -> None:
        for _ in range(steps):
            self.step()
        self.settle()


def _assert_converged(simulation: Simulation) -> None:
    server = simulation.server
    for index, client in enumerate(simulation.clients):
        editor = client.editor
        assert editor.version == server.version, index
        assert editor.confirmed == editor.local == server.text, index
        assert editor.in_flight is None


def test_note_editors_converge_and_keep_every_typed_word() -> None:
    rng = random.Random(4242)
    stale = 0
    for run in range(60):
        simulation = Simulation(rng, clients=2 + run % 2, start="Muistio: ")
        simulation.run(rng.randint(20, 80))
        _assert_converged(simulation)
        words = Counter(simulation.server.text.split())
        typed = [word for client in simulation.clients for word in client.typed]
        assert typed, run
        for word in typed:
            assert words[word] == 1, (run, word, simulation.server.text)
        assert set(words) == {"Muistio:", *typed}
        stale += simulation.server.stale
    assert stale > 100, "the runs hardly ever edited concurrently"


def test_note_editors_converge_with_deletes_and_replacements() -> None:
    rng = random.Random(777)
    for run in range(60):
        start = random_text(rng, 20)
        simulation = Simulation(rng, clients=2 + run % 2, start=start, words_only=False)
        simulation.run(rng.randint(20, 80))
        _assert_converged(simulation)
        assert simulation.server.version > 0


def test_note_editors_converge_across_lost_broadcasts_and_reconnects() -> None:
    rng = random.Random(9001)
    resends = replays = 0
    for run in range(60):
        simulation = Simulation(rng, clients=2 + run % 2, start="Muistio: ", disconnects=True)
        simulation.run(rng.randint(40, 120))
        _assert_converged(simulation)
        resends += simulation.resends
        replays += simulation.server.replays
        ids = simulation.server.applied
        assert len(ids) == len(set(ids)), "an edit was applied twice"
        words = Counter(simulation.server.text.split())
        for client in simulation.clients:
            for word in client.typed:
                assert words[word] == 1, (run, word, simulation.server.text)
    assert resends > 20 and replays > 5, (resends, replays)


def test_note_editors_converge_when_history_is_folded_away_and_lose_no_typing() -> None:
    """With a server keeping only the last few edits, clients that fall behind get `gone` for
    their edits and the text instead of history, and rebase: everyone converges, and every
    character typed is in the note exactly once (words may land beside, not inside, what
    changed meanwhile, so the check is on characters)."""
    rng = random.Random(31337)
    gone = rebases = 0
    for run in range(80):
        simulation = Simulation(rng, clients=2 + run % 3, start="Muistio: ", disconnects=True,
                                kept=1 + run % 4)
        simulation.run(rng.randint(60, 160))
        _assert_converged(simulation)
        typed = "".join(f"{word} " for client in simulation.clients for word in client.typed)
        assert Counter(simulation.server.text) == Counter("Muistio: " + typed), run
        gone += simulation.server.gone
        rebases += simulation.server.rebases
    assert gone > 20 and rebases > 20, (gone, rebases)


def test_rebasing_onto_the_text_keeps_the_edit_in_flight_unless_the_server_has_it() -> None:
    confirmed = "Muistio: kunta "
    for applied, expected in [(False, "Alku. Muistio: kunta, alue yö "),
                              (True, "Alku. Muistio: kunta, alue yö ")]:
        editor = NoteEditor(confirmed, 4)
        editor.local = "Muistio: kunta, alue "
        assert editor.next_edit("anna-0001") is not None
        editor.local = "Muistio: kunta, alue yö "
        server = "Alku. " + ("Muistio: kunta, alue " if applied else confirmed)
        change = editor.rebase(600, server, applied)
        assert editor.version == 600 and editor.confirmed == server
        assert editor.in_flight is None
        assert editor.local == expected
        assert change is not None and apply("Muistio: kunta, alue yö ", change) == expected
        assert editor.rebase(600, "other", False) is None, "not newer: ignored"
    editor = NoteEditor(confirmed, 4)
    editor.local = "Muistio: kunta yö "
    assert editor.next_edit("anna-0002") is not None
    editor.unsend()
    assert editor.in_flight is None and editor.local == "Muistio: kunta yö "
    sent = editor.next_edit("anna-0003")
    assert sent is not None and apply(confirmed, sent.sent_ops) == "Muistio: kunta yö "


def test_a_resent_edit_whose_broadcast_was_lost_is_confirmed_from_the_history() -> None:
    server = Server("Muistio: ")
    anna = Client(NoteEditor(server.text, 0))
    bertta = Client(NoteEditor(server.text, 0))

    bertta.editor.local = "Muistio: kunta "
    sent = bertta.editor.next_edit("bertta-0001")
    assert sent is not None
    assert server.edit(sent.base_version, sent.sent_ops, sent.change_id) == (
        1, [9, "kunta "], "bertta-0001")

    anna.editor.local = "Muistio: hyvinvointialue 😀 "
    sent = anna.editor.next_edit("anna-0001")
    assert sent is not None and sent.base_version == 0
    # the server applies Anna's edit (transformed past Bertta's) as version 2 ...
    assert server.edit(sent.base_version, sent.sent_ops, sent.change_id) is not None
    assert server.text == "Muistio: kunta hyvinvointialue 😀 "
    # ... and Anna's connection drops before either broadcast reaches her; she types on
    anna.editor.local = "Muistio: hyvinvointialue 😀 yö "
    assert anna.editor.next_edit("anna-0002") is None  # one edit in flight at a time

    # after reconnecting she resends the edit in flight with the same id: a replay
    flight = anna.editor.in_flight
    assert flight is not None and flight.change_id == "anna-0001"
    assert server.edit(flight.base_version, flight.sent_ops, flight.change_id) is None
    assert server.version == 2
    # and catches up from her confirmed version: version 2 carries her own change id
    assert [change_id for _v, _o, change_id in server.since(anna.editor.version)] == [
        "bertta-0001", "anna-0001"]
    anna.catch_up(server)
    assert anna.editor.in_flight is None, "her own change id must confirm the edit in flight"
    assert anna.editor.version == 2
    assert anna.editor.confirmed == server.text
    assert anna.editor.local == "Muistio: kunta hyvinvointialue 😀 yö "

    # the unsent typing goes out next, based on version 2, and nothing is doubled
    sent = anna.editor.next_edit("anna-0002")
    assert sent is not None and sent.base_version == 2
    server.edit(sent.base_version, sent.sent_ops, sent.change_id)
    assert server.text == "Muistio: kunta hyvinvointialue 😀 yö "
    bertta.catch_up(server)
    assert bertta.editor.confirmed == bertta.editor.local == server.text


def test_typing_in_two_places_before_sending_is_not_doubled_by_a_concurrent_edit() -> None:
    """While an edit is in flight (or the connection is down) a note-taker may type in two
    places; the next edit must not delete and re-insert the text between them, or a
    concurrent edit that does the same doubles it."""
    server = Server("Muistio: kunta ")
    anna = Client(NoteEditor(server.text, 0))
    bertta = Client(NoteEditor(server.text, 0))
    # each types a word at the start and one at the end, keystroke by keystroke as the
    # textarea reports them, before anything is sent
    for typed in ["Anna: Muistio: kunta ", "Anna: Muistio: kunta yö "]:
        anna.editor.local = typed
    for typed in ["Bertta: Muistio: kunta ", "Bertta: Muistio: kunta 😀 "]:
        bertta.editor.local = typed
    for client, change_id in [(anna, "anna-0001"), (bertta, "bertta-0001")]:
        sent = client.editor.next_edit(change_id)
        assert sent is not None
        client.outbox.append((sent.base_version, sent.sent_ops, sent.change_id))
    for client in (anna, bertta):
        broadcast = server.edit(*client.outbox.pop(0))
        anna.inbox.append(broadcast)
        bertta.inbox.append(broadcast)
    for client in (anna, bertta):
        while client.inbox:
            client.deliver(server)
        assert client.editor.confirmed == client.editor.local == server.text
    assert Counter(server.text.split()) == Counter(
        ["Anna:", "Bertta:", "Muistio:", "kunta", "yö", "😀"]), server.text
