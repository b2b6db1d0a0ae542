"""The browser's textops.js agrees with facilitate/room/textops.py on random edits, including
emoji (two UTF-16 units, one code point) and Finnish letters, and on the note editor's states."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from random_edits import random_change, random_edit, random_text

from facilitate.room import textops

CHECK = Path(__file__).parent / "js" / "textops_check.mjs"
PAIRS = 300
EDITOR_RUNS = 60

pytestmark = pytest.mark.skipif(shutil.which("node") is None,
                                reason="node is not on PATH; textops.js cannot be checked")


@dataclass
class _Server:
    """The server's side of the protocol: transform stale edits against the history."""

    text: str
    history: list[tuple[int, textops.Ops, str]] = field(default_factory=list)

    @property
    def version(self) -> int:
        return len(self.history)

    def edit(self, base: int, ops: textops.Ops, change_id: str) -> tuple[int, textops.Ops, str]:
        for _version, applied, _id in self.history[base:]:
            _, ops = textops.transform(applied, ops)
        self.text = textops.apply(self.text, ops)
        self.history.append((self.version + 1, ops, change_id))
        return self.history[-1]


def _editor_run(rng: random.Random, run: int) -> dict[str, Any]:
    """Two clients typing in one note through a server; the first client's steps and states."""
    start = random_text(rng, 20)
    server = _Server(start)
    clients = [textops.NoteEditor(start, 0), textops.NoteEditor(start, 0)]
    outbox: list[list[tuple[int, textops.Ops, str]]] = [[], []]  # edits sent, not yet applied
    inbox: list[list[tuple[int, textops.Ops, str]]] = [[], []]  # broadcasts not yet received
    steps: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = []
    count = 0
    for _ in range(rng.randint(10, 40)):
        who = rng.randint(0, 1)
        editor = clients[who]
        roll = rng.random()
        result: bool | None = None
        if roll < 0.35:
            editor.local = random_change(rng, editor.local)
            step: dict[str, Any] = {"do": "type", "local": editor.local}
        elif roll < 0.55:
            count += 1
            change_id = f"run{run}-edit{count}"
            sent = editor.next_edit(change_id)
            result = sent is not None
            if sent:
                outbox[who].append((sent.base_version, sent.sent_ops, sent.change_id))
            step = {"do": "next_edit", "change_id": change_id}
        elif roll < 0.75 and (outbox[0] or outbox[1]):
            sender = 0 if outbox[0] and (not outbox[1] or rng.random() < 0.5) else 1
            broadcast = server.edit(*outbox[sender].pop(0))
            inbox[0].append(broadcast)
            inbox[1].append(broadcast)
            continue
        elif inbox[who]:
            version, ops, change_id = inbox[who].pop(0)
            result = editor.receive(version, ops, change_id)
            step = {"do": "receive", "version": version, "ops": ops, "change_id": change_id}
        else:
            continue
        if who == 0:
            steps.append(step)
            flight = editor.in_flight
            states.append({
                "result": result, "confirmed": editor.confirmed, "version": editor.version,
                "local": editor.local, "buffer": editor.buffer,
                "in_flight": flight and {"change_id": flight.change_id,
                                         "base_version": flight.base_version,
                                         "sent_ops": flight.sent_ops, "ops": flight.ops},
            })
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
    cases = {"pairs": pairs, "validate": validate, "apply_errors": apply_errors,
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
