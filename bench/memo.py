"""Time compiling and rendering the memo of a large session (not part of the test suite).

    .venv/bin/python bench/memo.py [--themes 20] [--contributions 1000] [--repeat 5]

Builds a throwaway SQLite database with one workshop of N themes (each with about 90 words
of notes, an open question and a statement with answers) and M contributions of 25 words from
60 attendees of ten organisations (the memo quotes the three most voted of each theme), then
prints the median, min and max of each step over --repeat runs: compile_memo, the Markdown,
and rendering to each format. The garbage collector is tuned as `facilitate run` tunes it.
Targets on the project's 2-core machine: compile < 100 ms, PDF < 2 s, DOCX < 0.5 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

COUNTIES = ["varsinaissuomi", "pirkanmaa", "keskisuomi", "lappi", "kainuu", "pohjanmaa",
            "satakunta", "etelasavo", "pohjoissavo", "yksityinen"]
WORDS = ["jälkihuolto", "nuori", "sosiaalityöntekijä", "ohjaaja", "asiakasmäärä",
         "hyvinvointialue", "yhteistyö", "palvelu", "asuminen", "tuki", "siirtymä", "kunta",
         "verkosto", "arviointi", "suunnitelma"]
TARGETS_MS = {"compile": 100, "pdf": 2000, "docx": 500}


def sentence(rng: random.Random, words: int) -> str:
    """Finnish-looking filler text."""
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def build(url: str, themes: int, contributions: int, seed: int) -> int:
    """Create the session; returns the workshop id."""
    from facilitate.agenda.operations import add_prompt, create_theme
    from facilitate.extensions import db
    from facilitate.models import Answer, Contribution, Note
    from facilitate.registration.operations import register
    from facilitate.series.operations import create_series, create_workshop, open_registration
    from facilitate.timeutil import now_utc

    rng = random.Random(seed)
    s = db.session
    series = create_series(s, {"title": "Kuormitustestin sarja",
                               "memo_title": "valtakunnallinen vertaisreflektio",
                               "description": sentence(rng, 30),
                               "contacts": "- Koordinaattori, koordinaattori(at)thl.fi"})
    workshop = create_workshop(s, series, {
        "title": "Suuri tilaisuus", "day": date.today() + timedelta(days=1),
        "starts_at": clock(9), "ends_at": clock(16), "format": "Teams-keskustelu"})
    open_registration(s, workshop, now_utc() + timedelta(hours=12))
    people = []
    for i in range(60):
        registration = register(s, workshop, {
            "name": f"Osallistuja {i}", "email": f"o{i}@example.fi",
            "organisation": COUNTIES[i % len(COUNTIES)], "wishes": []}).registration
        registration.attended_at = now_utc()
        people.append(registration.id)
    statements = []
    theme_ids = []
    for t in range(themes):
        theme = create_theme(s, workshop, {"title": f"Teema {t + 1}",
                                           "memo_phrase": f"teeman {t + 1} kysymyksistä"})
        add_prompt(s, theme, {"kind": "open", "text": f"Mitä ajattelette teemasta {t + 1}?"})
        statements.append(add_prompt(s, theme, {"kind": "statement",
                                                "text": f"Väite {t + 1}: {sentence(rng, 8)}"}))
        # about 90 words of notes a theme, as in seed 002 (some 600 words over 7 themes)
        s.add(Note(theme_id=theme.id, version=1, text="\n\n".join(
            sentence(rng, 40) for _ in range(2)) + "\n\n- " + sentence(rng, 10)))
        theme_ids.append(theme.id)
    s.flush()
    for statement in statements:
        for person in people:
            s.add(Answer(prompt_id=statement.id, registration_id=person,
                         value=rng.randint(1, 5)))
    for _ in range(contributions):
        s.add(Contribution(workshop_id=workshop.id, theme_id=rng.choice(theme_ids),
                           registration_id=rng.choice(people), text=sentence(rng, 25)))
    s.commit()
    return workshop.id


def timed(step: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """Milliseconds of each run, and the last run's result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = step()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def main() -> int:
    """Build the session, time each step, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--themes", type=int, default=20)
    parser.add_argument("--contributions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()

    from facilitate import create_app
    from facilitate.export import Document, render
    from facilitate.extensions import db
    from facilitate.memo.compile import compile_memo, memo_markdown, resolve_series_blocks
    from facilitate.migrate import upgrade
    from facilitate.models import Workshop
    from facilitate.serving import tune_gc

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": False,
                          "SOCKETIO_ASYNC_MODE": "threading", "EXPORTS_DIR": folder})
        with app.app_context():
            workshop_id = build(url, args.themes, args.contributions, args.seed)
            # Memos are published (and rendered) inside `facilitate run`, which tunes the
            # garbage collector after start-up: measure under the same settings.
            tune_gc()
            s = db.session

            def compile_once() -> Any:
                s.expire_all()  # every run reads the database, as a first visit would
                return compile_memo(s, s.get_one(Workshop, workshop_id),
                                    base_url="https://example.fi")

            rows: list[tuple[str, list[float], str]] = []
            times, memo = timed(compile_once, args.repeat)
            rows.append(("compile", times, ""))
            times, markdown = timed(lambda: memo_markdown(memo), args.repeat)
            rows.append(("markdown", times, f"{len(markdown.encode()) / 1024:.0f} KiB source"))
            # as publishing does: the series' other memos filled in from the database
            times, markdown = timed(lambda: resolve_series_blocks(
                s, s.get_one(Workshop, workshop_id), memo_markdown(memo),
                base_url="https://example.fi"), args.repeat)
            rows.append(("resolve", times, ""))
            document = Document(title="Muistio: kuormitustesti", markdown=markdown)
            for fmt in ("html", "md", "docx", "pdf"):
                times, content = timed(lambda fmt=fmt: render(document, fmt), args.repeat)
                rows.append((fmt, times, f"{len(content) / 1024:.0f} KiB"))
            db.dispose()

    print(f"Memo of one workshop: {args.themes} themes, {args.contributions} contributions, "
          f"60 attendees, a statement with 60 answers per theme; {args.repeat} runs each "
          f"(ms: median, min, max).")
    for name, times, note in rows:
        median = statistics.median(times)
        target = TARGETS_MS.get(name)
        verdict = (f"target < {target} ms: {'PASS' if median < target else 'FAIL'}"
                   if target else "")
        print(f"  {name:9} {median:8.1f} {min(times):8.1f} {max(times):8.1f}  "
              f"{note:16} {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
