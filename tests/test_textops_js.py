"""The browser's textops.js agrees with facilitate/room/textops.py on random edits, including
emoji (two UTF-16 units, one code point) and Finnish letters, and on the note editor's states."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from random_edits import random_change, random_edit, random_text

from facilitate.room import textops

CHECK = Path(__file__).parent / "js" / "textops_check.mjs"
PAIRS = 300
EDITOR_RUNS = 100

pytestmark = pytest.mark.skipif(shutil.which("node") is None,
                                reason="node is not on PATH; textops.js cannot be checked")


#: edits the simulated server keeps, so that clients fall behind it and rebase
_KEPT = 2


@dataclass
class _Server:
    """The server's side of the protocol: transform stale edits against the last _KEPT edits;
    an edit based before them is `gone`, and history from before them is the text."""

    text: str
    history: list[tuple[int, textops.Ops, str]] = field(default_factory=list)
    version: int = 0
    applied: set[str] = field(default_factory=set)

    def _since(self, base: int) -> list[tuple[int, textops.Ops, str]] | None:
        edits = [edit for edit in self.history if edit[0] > base]
        return edits if len(edits) == self.version - base else None

    def edit(self, base: int, ops: textops.Ops, change_id: str
             ) -> tuple[int, textops.Ops, str] | None:
        """The broadcast, or None when the edit is `gone`."""
        since = self._since(base)
        if since is None:
            return None
        for _version, applied, _id in since:
            _, ops = textops.transform(applied, ops)
        self.text = textops.apply(self.text, ops)
        self.version += 1
        self.applied.add(change_id)
        self.history = [*self.history[-_KEPT + 1:], (self.version, ops, change_id)]
        return self.history[-1]

    def catch_up(self, editor: textops.NoteEditor
                 ) -> Iterator[tuple[dict[str, Any], bool | None]]:
        """note.history for the editor, applied to it step by step; each step and its result."""
        edits = self._since(editor.version)
        if edits is None:
            pending = editor.in_flight and editor.in_flight.change_id in self.applied
            editor.rebase(self.version, self.text, pending)
            yield {"do": "rebase", "version": self.version, "text": self.text,
                   "pending_applied": pending}, None
            return
        for version, ops, change_id in edits:
            result = editor.receive(version, ops, change_id)
            yield {"do": "receive", "version": version, "ops": ops, "change_id": change_id}, result


def _state(editor: textops.NoteEditor, result: bool | None) -> dict[str, Any]:
    flight = editor.in_flight
    return {
        "result": result, "confirmed": editor.confirmed, "version": editor.version,
        "local": editor.local, "buffer": editor.buffer,
        "in_flight": flight and {"change_id": flight.change_id,
                                 "base_version": flight.base_version,
                                 "sent_ops": flight.sent_ops, "ops": flight.ops},
    }


def _editor_run(rng: random.Random, run: int) -> dict[str, Any]:
    """Two clients typing in one note through a server; the first client's steps and states."""
    start = random_text(rng, 20)
    server = _Server(start)
    clients = [textops.NoteEditor(start, 0), textops.NoteEditor(start, 0)]
    outbox: list[list[tuple[int, textops.Ops, str]]] = [[], []]  # edits sent, not yet applied
    inbox: list[list[tuple[int, textops.Ops, str]]] = [[], []]  # broadcasts not yet received
    steps: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = []

    def record(who: int, done: Iterable[tuple[dict[str, Any], bool | None]]) -> None:
        """Keep the first client's steps, each with its state right after it."""
        for step, result in done:
            if who == 0:
                steps.append(step)
                states.append(_state(clients[0], result))

    offline = [False, False]
    count = 0
    for _ in range(rng.randint(50, 300)):
        who = 0 if rng.random() < 0.3 else 1  # the first one listens more than it types
        editor = clients[who]
        roll = rng.random()
        if roll < 0.2:
            editor.local = random_change(rng, editor.local)
            record(who, [({"do": "type", "local": editor.local}, None)])
        elif roll < 0.4:
            count += 1
            change_id = f"run{run}-edit{count}"
            sent = editor.next_edit(change_id)
            if sent and not offline[who]:
                outbox[who].append((sent.base_version, sent.sent_ops, sent.change_id))
            record(who, [({"do": "next_edit", "change_id": change_id}, sent is not None)])
        elif roll < 0.6 and (outbox[0] or outbox[1]):
            sender = 0 if outbox[0] and (not outbox[1] or rng.random() < 0.5) else 1
            sent = outbox[sender].pop(0)
            if sent[2] in server.applied:
                continue  # a resend the idempotency table answers: no broadcast
            broadcast = server.edit(*sent)
            if broadcast is None and offline[sender]:
                continue  # the refusal is lost with the connection; the resend gets another
            if broadcast is None:  # gone: take the edit back and catch up
                flight = clients[sender].in_flight
                if flight is not None and flight.change_id == sent[2]:
                    clients[sender].unsend()
                    record(sender, [({"do": "unsend"}, None)])
                record(sender, server.catch_up(clients[sender]))
            else:
                for client in (0, 1):
                    if not offline[client]:
                        inbox[client].append(broadcast)
        elif 0.6 <= roll < (0.63 if offline[who] else 0.65):
            offline[who] = not offline[who]
            if offline[who]:
                inbox[who].clear()  # the broadcasts on the way are lost with the connection
            else:  # back: resend the edit in flight with its id, and catch up
                flight = editor.in_flight
                if flight is not None:
                    outbox[who].append((flight.base_version, flight.sent_ops, flight.change_id))
                record(who, server.catch_up(editor))
        elif inbox[who]:
            version, ops, change_id = inbox[who].pop(0)
            result = editor.receive(version, ops, change_id)
            record(who, [({"do": "receive", "version": version, "ops": ops,
                           "change_id": change_id}, result)])
            if not result:  # a gap: ask for the history
                record(who, server.catch_up(editor))
    return {"case": {"text": start, "version": 0, "steps": steps}, "states": states}


def _cases(rng: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    pairs, expected_pairs = [], []
    for _ in range(PAIRS):
        text = random_text(rng)
        if rng.random() < 0.5:
            a, b = random_edit(rng, text), random_edit(rng, text)
        else:
            a = textops.diff(text, random_change(rng, text))
            b = textops.diff(text, random_change(rng, text))
        new_a = textops.apply(text, a)
        a_after_b, b_after_a = textops.transform(a, b)
        assert textops.apply(new_a, b_after_a) == textops.apply(
            textops.apply(text, b), a_after_b)  # the Python side converges
        then = textops.diff(new_a, random_change(rng, new_a))
        pairs.append({"text": text, "a": a, "b": b, "new_a": new_a, "then": then})
        expected_pairs.append({
            "compose": textops.compose(a, then),
            "apply_a": new_a, "apply_b": textops.apply(text, b),
            "diff": textops.diff(text, new_a), "transform": [a_after_b, b_after_a],
            "lengths": [textops.base_length(a), textops.target_length(a), textops.is_noop(a)],
        })
    validate = [[], [0], [3, 0], [""], [True], [1.5], ["a\x00"], "abc", {"a": 1}, [None],
                [2, 3, -1, -2, "ä", "😀", 4], [1] * (textops.MAX_COMPONENTS + 1)]
    apply_errors = [["abc", [2]], ["😀", [2]], ["😀ä", [2]], ["", ["x"]], ["ab", [-3]]]
    transform_errors = [[[3], [2]], [["a", 1], [-1, "😀"]], [[1, "x"], [2]]]
    compose_errors = [[[2], [3]], [["😀"], [2]], [[-1, 1], [2]]]
    runs = [_editor_run(rng, run) for run in range(EDITOR_RUNS)]
    cases = {"pairs": pairs, "validate": validate, "max_components": textops.MAX_COMPONENTS,
             "apply_errors": apply_errors,
             "transform_errors": transform_errors, "compose_errors": compose_errors,
             "editors": [r["case"] for r in runs]}
    expected = {
        "pairs": expected_pairs,
        "validate": [_attempt(textops.validate, v) for v in validate],
        "apply_errors": [_attempt(textops.apply, *c) for c in apply_errors],
        "transform_errors": [_attempt(lambda a, b: list(textops.transform(a, b)), *c)
                             for c in transform_errors],
        "compose_errors": [_attempt(textops.compose, *c) for c in compose_errors],
        "editors": [r["states"] for r in runs],
    }
    return cases, expected


def _attempt(function: Any, *args: Any) -> dict[str, Any]:
    try:
        return {"value": function(*args)}
    except textops.OpsError as error:
        return {"error": str(error)}


@pytest.fixture(scope="module")
def results() -> tuple[dict[str, Any], dict[str, Any]]:
    cases, expected = _cases(random.Random(20261123))
    run = subprocess.run(["node", str(CHECK)], input=json.dumps(cases), capture_output=True,
                         text=True, encoding="utf-8", timeout=120, check=False)
    assert run.returncode == 0, f"node failed:\n{run.stderr}"
    return json.loads(run.stdout), expected


def test_the_cases_cover_emoji_and_finnish(results) -> None:
    _answers, expected = results
    texts = "".join(p["apply_a"] for p in expected["pairs"])
    assert "😀" in texts and "ä" in texts and "ö" in texts


@pytest.mark.parametrize("part", ["pairs", "validate", "apply_errors", "transform_errors",
                                  "compose_errors"])
def test_js_and_python_agree(results, part: str) -> None:
    answers, expected = results
    assert len(answers[part]) == len(expected[part])
    for index, (got, want) in enumerate(zip(answers[part], expected[part], strict=True)):
        assert got == want, f"{part}[{index}]"


def test_note_editors_agree_step_by_step(results) -> None:
    answers, expected = results
    steps = sum(len(run) for run in expected["editors"])
    assert steps > 300
    assert any(state["in_flight"] for run in expected["editors"] for state in run)
    done = Counter(step["do"] for run in _cases(random.Random(20261123))[0]["editors"]
                   for step in run["steps"])
    assert done["rebase"] > 15 and done["unsend"] >= 2, done
    for index, (got, want) in enumerate(zip(answers["editors"], expected["editors"],
                                            strict=True)):
        assert got == want, f"editor run {index}"


def test_textops_js_properties_hold_on_generated_edits() -> None:
    # fast-check (an npm dev dependency) generates the texts and edits; see the script.
    script = Path(__file__).parent / "js" / "textops_properties.mjs"
    run = subprocess.run(["node", str(script)], capture_output=True, text=True,
                         encoding="utf-8", timeout=120, check=False)
    assert run.returncode == 0, f"a property failed:\n{run.stdout}\n{run.stderr}"
    assert run.stdout.strip() == "textops properties hold"
