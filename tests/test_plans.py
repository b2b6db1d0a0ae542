"""Session plans: the shipped sessions/*.toml and the loader's validation errors."""

from __future__ import annotations

import dataclasses
import datetime
import pathlib
import pickle
import re

import pytest

from facilitate.models import POLL_OPTIONS_MAX, TEXT_MAX_CHARS, TITLE_MAX_CHARS, PromptKind
from facilitate.plans import (
    PlanError,
    PlanPresentation,
    PlanPrompt,
    PlanTheme,
    SessionPlan,
    default_plans_dir,
    get_plan,
    load_plan,
    load_plans,
)

SHIPPED = (
    "johdon-vertaisreflektio",
    "kuntien-valinen-yhteistyo",
    "palvelupolut",
    "verkostoyhteistyo",
)

# The smallest valid plan; bad inputs below are this with one thing wrong.
MINIMAL = """
title = "Testi"
[[themes]]
title = "Teema"
[[themes.prompts]]
kind = "open"
text = "Kysymys?"
"""


def _write(directory: pathlib.Path, text: str, name: str = "plan.toml") -> pathlib.Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def _plan_with_prompt(prompt: str) -> str:
    """A valid plan whose first theme's second prompt is `prompt` (TOML key/value lines)."""
    return MINIMAL + "[[themes.prompts]]\n" + prompt + "\n"


def _prompts(plan: SessionPlan) -> list[PlanPrompt]:
    return [prompt for theme in plan.themes for prompt in theme.prompts]


# --- the shipped plans -------------------------------------------------------------------


def test_default_plans_dir_is_the_repositorys_sessions_folder() -> None:
    assert default_plans_dir() == pathlib.Path(__file__).resolve().parent.parent / "sessions"


def test_every_shipped_plan_loads_with_themes_and_prompts() -> None:
    plans = load_plans()
    assert tuple(plans) == SHIPPED
    for slug, plan in plans.items():
        assert plan.slug == slug
        assert plan.title and plan.description and plan.source
        assert plan.themes
        for theme in plan.themes:
            assert theme.title and theme.memo_phrase
            assert theme.prompts
            for prompt in theme.prompts:
                assert isinstance(prompt.kind, PromptKind)
                assert prompt.text
                assert bool(prompt.options) == (prompt.kind is PromptKind.POLL)


@pytest.mark.parametrize("slug", SHIPPED)
def test_get_plan_returns_the_same_plan_as_load_plans(slug: str) -> None:
    assert get_plan(slug) == load_plans()[slug]


def test_leadership_plan_uses_the_memo_phrases_of_seed_002() -> None:
    plan = get_plan("johdon-vertaisreflektio")
    phrases = [theme.memo_phrase for theme in plan.themes]
    for phrase in (
        "palveluiden organisoimisesta",
        "palveluiden yhdyspinnat",
        "asiakasraati kehittämistyön tueksi",
        "kilpailutuksista",
        "työnkuvista",
    ):
        assert phrase in phrases
    titles = [theme.title for theme in plan.themes]
    for title in (
        "Organisoituminen hyvinvointialueilla",
        "Resurssit ja asiakasmitoitukset",
        "Siirtymät ja yhteistyön rakenteet",
        "Asiakasymmärrys ja tietopohjan rakentaminen",
    ):
        assert title in titles
    assert plan.format == "Teams-keskustelu"
    assert (plan.starts_at, plan.ends_at) == (datetime.time(14), datetime.time(16))
    assert plan.presentations == (
        PlanPresentation(title="Ajankohtaiset asiat", presenter="YEE-hankkeen projektipäällikkö"),
    )


def test_municipal_cooperation_plan_has_the_level_question_of_seed_001() -> None:
    plan = get_plan("kuntien-valinen-yhteistyo")
    level = [p for p in _prompts(plan) if p.kind is PromptKind.LEVEL]
    assert [p.text for p in level] == [
        "Millaisia haasteita ja kenelle kuuluu niiden ratkominen? "
        "Kunta, alue ja valtakunnallisella tasolla?"
    ]
    assert "Valtakunnalliset kuntakyselyt" in [talk.title for talk in plan.presentations]
    # the national survey's figures beside the room's answers to the same poll
    [poll] = [p for p in _prompts(plan) if p.kind is PromptKind.POLL]
    assert poll.reference is not None
    assert (poll.reference.source, poll.reference.responses, poll.reference.percents) == (
        "Kuntakysely 2021", 95, (60, 18, 24))


def test_network_plan_has_the_statements_questions_and_poll_of_seed_003() -> None:
    prompts = _prompts(get_plan("verkostoyhteistyo"))
    statements = {p.text for p in prompts if p.kind is PromptKind.STATEMENT}
    assert statements == {
        "Traumaosaaminen on riittämätöntä?",
        "Päihdehoito on pinnallista?",
        "Järjestäjällä ei ole kokonaisvastuuta?",
        "Paljon palvelua tarjoavat on heitteillä?",
    }
    open_texts = {p.text for p in prompts if p.kind is PromptKind.OPEN}
    assert {
        "Mistä olette eniten huolissanne ja mitä asioille pitäisi tehdä?",
        "Kenen kanssa yhteistyötä tulisi tehdä ja ketä tarvitsemme yhteistyökumppaneiksi?",
        "Missä yhteistyöstä sovitaan? Missä siitä pitäisi sopia?",
        "Perhesysteemin vaikutus ja merkitys on laaja ja pysyvä. Miten perheitä tuetaan?",
    } <= open_texts
    polls = {p.options for p in prompts if p.kind is PromptKind.POLL}
    assert (
        "Kunnan toimintamalli",
        "Yksikön toimintamalli",
        "Systeeminen toimintamalli",
        "Yhteistyön toimintamalli",
    ) in polls


def test_service_path_plan_has_the_themes_and_questions_of_seed_004() -> None:
    plan = get_plan("palvelupolut")
    titles = [theme.title for theme in plan.themes]
    assert {"Jatkuvuus", "Nuoren osallisuuden edistäminen"} <= set(titles)
    prompts = _prompts(plan)
    texts = " ".join(p.text for p in prompts)
    assert "Miten saadaan yhdyspinnat toimiviksi" in texts
    assert "Mikä on kunnan rooli tulevaisuudessa jälkihuollon osalta?" in texts
    assert "Miten kuulemme nuoria paremmin?" in texts
    assert [p.kind for p in prompts].count(PromptKind.LEVEL) == 1


def test_readme_example_is_a_valid_plan(tmp_path: pathlib.Path) -> None:
    readme = (default_plans_dir() / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", readme, re.DOTALL)
    assert example is not None
    plan = load_plan(_write(tmp_path, example[1], "example.toml"))
    assert plan.themes[0].memo_phrase == "palveluiden organisoimisesta"
    assert len(plan.themes[0].prompts[0].options) == 3


# --- what a valid file turns into --------------------------------------------------------


def test_minimal_plan_gets_defaults(tmp_path: pathlib.Path) -> None:
    plan = load_plan(_write(tmp_path, MINIMAL, "pieni-1.toml"))
    assert plan == SessionPlan(
        slug="pieni-1",
        title="Testi",
        description="",
        format="",
        starts_at=None,
        ends_at=None,
        source="",
        presentations=(),
        themes=(PlanTheme(title="Teema",
                          prompts=(PlanPrompt(kind=PromptKind.OPEN, text="Kysymys?"),)),),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.title = "Muu"  # type: ignore[misc]


def test_strings_are_stripped_and_toml_times_accepted(tmp_path: pathlib.Path) -> None:
    text = """
    title = "  Otsikko  "
    description = '''
      Kuvaus.
    '''
    starts_at = 09:30:00
    ends_at = " 11:00 "
    [[presentations]]
    title = " Alustus "
    [[themes]]
    title = " Teema "
    memo_phrase = " teemasta "
    [[themes.prompts]]
    kind = " poll "
    text = " Kumpi? "
    options = [" A ", "B"]
    """
    plan = load_plan(_write(tmp_path, text))
    assert plan.title == "Otsikko"
    assert plan.description == "Kuvaus."
    assert (plan.starts_at, plan.ends_at) == (datetime.time(9, 30), datetime.time(11))
    assert plan.presentations == (PlanPresentation(title="Alustus"),)
    assert plan.themes[0].title == "Teema"
    assert plan.themes[0].memo_phrase == "teemasta"
    assert plan.themes[0].prompts == (
        PlanPrompt(kind=PromptKind.POLL, text="Kumpi?", options=("A", "B")),)


def test_byte_order_mark_is_accepted(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_plan(path).title == "Testi"


def test_non_poll_prompt_may_have_an_empty_options_array(tmp_path: pathlib.Path) -> None:
    plan = load_plan(
        _write(tmp_path, _plan_with_prompt('kind = "level"\ntext = "Missä?"\noptions = []'))
    )
    assert plan.themes[0].prompts[1] == PlanPrompt(kind=PromptKind.LEVEL, text="Missä?")


# --- PlanError ---------------------------------------------------------------------------


def test_error_names_the_file_relative_to_the_working_directory(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sessions").mkdir()
    path = _write(tmp_path / "sessions", _plan_with_prompt('kind = "foo"\ntext = "X"'), "x.toml")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.path == path
    assert error.field == "themes[0].prompts[1].kind"
    assert error.message == "unknown kind 'foo'; expected one of open, statement, poll, level"
    assert str(error) == (
        "sessions/x.toml: themes[0].prompts[1].kind: "
        "unknown kind 'foo'; expected one of open, statement, poll, level"
    )


def test_error_shows_an_absolute_path_outside_the_working_directory(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "elsewhere").mkdir()
    path = _write(tmp_path, "title = 1")
    monkeypatch.chdir(tmp_path / "elsewhere")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert str(caught.value) == f"{path}: title: expected a string, got an integer"


def test_error_survives_pickling(tmp_path: pathlib.Path) -> None:
    error = PlanError(tmp_path / "x.toml", "title", "missing")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.field, copy.message, str(copy)) == (
        error.path,
        error.field,
        error.message,
        str(error),
    )


# --- bad files ---------------------------------------------------------------------------

LONG_TITLE = "x" * (TITLE_MAX_CHARS + 1)
LONG_TEXT = "x" * (TEXT_MAX_CHARS + 1)
TOO_MANY = ", ".join(f'"{i}"' for i in range(POLL_OPTIONS_MAX + 1))

BAD_PLANS = [
    # TOML syntax, with tomllib's line number
    ('title = "Testi"\n[[themes]]\ntitle "y"\n', "(file)", "TOML syntax error: "),
    ('title = "Testi"\n[[themes]]\ntitle "y"\n', "(file)", "(at line 3, column 7)"),
    # unknown keys, at every level
    (MINIMAL + 'optoins = ["a"]', "themes[0].prompts[0].optoins", "did you mean 'options'?"),
    ('titel = "X"\n' + MINIMAL, "titel", "unknown key; did you mean 'title'?"),
    (
        MINIMAL + '[[themes]]\ntitle = "B"\nmemo_phrse = "b"\n',
        "themes[1].memo_phrse",
        "did you mean 'memo_phrase'?",
    ),
    (
        MINIMAL + '[[presentations]]\ntitle = "A"\npresenters = "B"\n',
        "presentations[0].presenters",
        "unknown key",
    ),
    (
        _plan_with_prompt('kind = "poll"\ntext = "A?"\noption = ["a", "b"]'),
        "themes[0].prompts[1].option",
        "unknown key",
    ),
    ("[[prompts]]\nkind = 'open'\n" + MINIMAL, "prompts", "unknown key"),
    # missing required keys
    (MINIMAL.replace('title = "Testi"', ""), "title", "missing"),
    ('title = "Testi"\n', "themes", "missing; add at least one [[themes]] table"),
    ('title = "Testi"\nthemes = []\n', "themes", "empty; add at least one [[themes]] table"),
    (
        MINIMAL + "[[themes]]\n[[themes.prompts]]\nkind = 'open'\ntext = 'X'\n",
        "themes[1].title",
        "missing",
    ),
    (
        MINIMAL + '[[themes]]\ntitle = "B"\n',
        "themes[1].prompts",
        "missing; add at least one [[themes.prompts]]",
    ),
    (MINIMAL + '[[themes]]\ntitle = "B"\nprompts = []\n', "themes[1].prompts", "empty"),
    (_plan_with_prompt('text = "X"'), "themes[0].prompts[1].kind", "missing"),
    (_plan_with_prompt('kind = "open"'), "themes[0].prompts[1].text", "missing"),
    (MINIMAL + '[[presentations]]\npresenter = "B"\n', "presentations[0].title", "missing"),
    # wrong types
    (MINIMAL.replace('"Testi"', "5"), "title", "expected a string, got an integer"),
    (
        MINIMAL.replace('text = "Kysymys?"', 'text = ["a"]'),
        "themes[0].prompts[0].text",
        "got an array",
    ),
    ("format = true\n" + MINIMAL, "format", "expected a string, got a boolean"),
    (
        'title = "T"\n[themes]\ntitle = "A"\n',
        "themes",
        "expected an array of tables written [[themes]], got a table",
    ),
    ('title = "T"\nthemes = ["A"]\n', "themes[0]", "expected a table, got a string"),
    (
        'title = "T"\npresentations = "A"\n' + MINIMAL.replace('title = "Testi"', ""),
        "presentations",
        "got a string",
    ),
    # empty, over-long and multi-line strings
    (MINIMAL.replace('"Testi"', '"   "'), "title", "must not be empty"),
    (
        MINIMAL.replace('text = "Kysymys?"', 'text = ""'),
        "themes[0].prompts[0].text",
        "must not be empty",
    ),
    (
        MINIMAL.replace('"Testi"', f'"{LONG_TITLE}"'),
        "title",
        f"too long: {TITLE_MAX_CHARS + 1} characters",
    ),
    (
        MINIMAL.replace('"Teema"', f'"{LONG_TITLE}"'),
        "themes[0].title",
        f"at most {TITLE_MAX_CHARS}",
    ),
    (
        MINIMAL.replace('"Kysymys?"', f'"{LONG_TEXT}"'),
        "themes[0].prompts[0].text",
        f"at most {TEXT_MAX_CHARS}",
    ),
    (f'format = "{"x" * 121}"\n' + MINIMAL, "format", "too long: 121 characters, at most 120"),
    (MINIMAL.replace('"Testi"', '"Rivi\\ntoinen"'), "title", "must be a single line"),
    # kinds and options
    (
        _plan_with_prompt('kind = "foo"\ntext = "X"'),
        "themes[0].prompts[1].kind",
        "unknown kind 'foo'",
    ),
    (
        _plan_with_prompt('kind = "Open"\ntext = "X"'),
        "themes[0].prompts[1].kind",
        "expected one of open, statement, poll, level",
    ),
    (
        _plan_with_prompt('kind = "poll"\ntext = "X"'),
        "themes[0].prompts[1].options",
        "missing; a poll needs 2 to",
    ),
    (
        _plan_with_prompt('kind = "poll"\ntext = "X"\noptions = ["a"]'),
        "themes[0].prompts[1].options",
        "got 1",
    ),
    (
        _plan_with_prompt(f'kind = "poll"\ntext = "X"\noptions = [{TOO_MANY}]'),
        "themes[0].prompts[1].options",
        f"a poll needs 2 to {POLL_OPTIONS_MAX} options, got {POLL_OPTIONS_MAX + 1}",
    ),
    (
        _plan_with_prompt('kind = "poll"\ntext = "X"\noptions = "a, b"'),
        "themes[0].prompts[1].options",
        "expected an array of strings",
    ),
    (
        _plan_with_prompt('kind = "poll"\ntext = "X"\noptions = ["a", " "]'),
        "themes[0].prompts[1].options[1]",
        "must not be empty",
    ),
    (
        _plan_with_prompt('kind = "poll"\ntext = "X"\noptions = ["Kyllä", " kyllä "]'),
        "themes[0].prompts[1].options[1]",
        "duplicate option 'kyllä'",
    ),
    (
        _plan_with_prompt('kind = "poll"\ntext = "X"\noptions = [1, 2]'),
        "themes[0].prompts[1].options[0]",
        "expected a string",
    ),
    (
        _plan_with_prompt('kind = "open"\ntext = "X"\noptions = ["a", "b"]'),
        "themes[0].prompts[1].options",
        "only poll prompts have options",
    ),
    (
        _plan_with_prompt('kind = "statement"\ntext = "X"\noptions = ["a", "b"]'),
        "themes[0].prompts[1].options",
        "this one is statement",
    ),
    # times
    (
        'starts_at = "2pm"\n' + MINIMAL,
        "starts_at",
        'expected a time "HH:MM", e.g. "14:00", got \'2pm\'',
    ),
    ('starts_at = "9:00"\n' + MINIMAL, "starts_at", "got '9:00'"),
    ('ends_at = "24:00"\n' + MINIMAL, "ends_at", "got '24:00'"),
    ('starts_at = "14:60"\n' + MINIMAL, "starts_at", "got '14:60'"),
    ("starts_at = 14\n" + MINIMAL, "starts_at", "got an integer"),
    ("starts_at = 14:00:30\n" + MINIMAL, "starts_at", "got 14:00:30"),
    ("starts_at = 2023-03-29\n" + MINIMAL, "starts_at", "got a date"),
    (
        'starts_at = "14:00"\nends_at = "13:00"\n' + MINIMAL,
        "ends_at",
        "13:00 is not after starts_at 14:00",
    ),
    (
        'starts_at = "14:00"\nends_at = "14:00"\n' + MINIMAL,
        "ends_at",
        "14:00 is not after starts_at 14:00",
    ),
    (
        _plan_with_prompt('kind = "poll"\ntext = "X"\noptions = ["a", "b"]\n'
                          'reference = { source = "K", responses = 9, percents = [60, 18, 24] }'),
        "themes[0].prompts[1].reference.percents",
        "expected one share per option (2), got 3",
    ),
    (
        _plan_with_prompt('kind = "poll"\ntext = "X"\noptions = ["a", "b"]\n'
                          'reference = { source = "K", responses = 9, percents = [60, 37] }'),
        "themes[0].prompts[1].reference.percents",
        "must add up to 100 ± 2 (rounding), these add up to 97",
    ),
    (
        _plan_with_prompt('kind = "statement"\ntext = "X"\n'
                          'reference = { source = "K", responses = 9, percents = [60, 40] }'),
        "themes[0].prompts[1].reference.percents",
        "expected one share (those agreeing), got 2",
    ),
    (
        _plan_with_prompt('kind = "statement"\ntext = "X"\n'
                          'reference = { source = "K", responses = 9, percents = [160] }'),
        "themes[0].prompts[1].reference.percents",
        "each share must be 0 to 100",
    ),
    (
        _plan_with_prompt('kind = "open"\ntext = "X"\n'
                          'reference = { source = "K", responses = 9, percents = [60] }'),
        "themes[0].prompts[1].reference",
        "only statements and polls carry reference figures",
    ),
    (
        _plan_with_prompt('kind = "statement"\ntext = "X"\n'
                          'reference = { responses = 9, percents = [60] }'),
        "themes[0].prompts[1].reference.source",
        "",
    ),
    (
        _plan_with_prompt('kind = "statement"\ntext = "X"\n'
                          'reference = { source = "K", responses = 0, percents = [60] }'),
        "themes[0].prompts[1].reference.responses",
        "",
    ),
]


@pytest.mark.parametrize(("text", "field", "message"), BAD_PLANS)
def test_bad_plan_is_rejected_naming_file_and_field(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, text: str, field: str, message: str
) -> None:
    path = _write(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    error = caught.value
    assert error.field == field
    assert message in error.message
    assert str(error) == f"plan.toml: {field}: {error.message}"


def test_missing_file_is_reported(tmp_path: pathlib.Path) -> None:
    with pytest.raises(PlanError) as caught:
        load_plan(tmp_path / "puuttuu.toml")
    assert (caught.value.field, caught.value.message) == ("(file)", "file not found")
    assert str(caught.value).startswith(str(tmp_path / "puuttuu.toml"))


def test_file_that_is_not_utf8_is_reported_with_its_line(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(MINIMAL.replace("Kysymys", "Kysymyk\xe4").encode("latin-1"))
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert caught.value.field == "(file)"
    assert caught.value.message == "not UTF-8 text (invalid byte at line 7); save it as UTF-8"


@pytest.mark.parametrize("name", ["Iso.toml", "väärä.toml", "with space.toml", "a_b.toml"])
def test_file_name_must_be_a_slug(tmp_path: pathlib.Path, name: str) -> None:
    with pytest.raises(PlanError) as caught:
        load_plan(_write(tmp_path, MINIMAL, name))
    assert caught.value.field == "(file name)"


# --- load_plans and get_plan -------------------------------------------------------------


def test_load_plans_reads_every_toml_sorted_by_slug(tmp_path: pathlib.Path) -> None:
    for name in ("b.toml", "a-2.toml", "a.toml"):
        _write(tmp_path, MINIMAL, name)
    _write(tmp_path, "not a plan", "README.md")
    _write(tmp_path, "editor lock file", ".#a.toml")
    assert list(load_plans(tmp_path)) == ["a", "a-2", "b"]


def test_load_plans_stops_at_a_bad_file(tmp_path: pathlib.Path) -> None:
    _write(tmp_path, MINIMAL, "a.toml")
    bad = _write(tmp_path, MINIMAL + "extra = 1\n", "b.toml")
    with pytest.raises(PlanError) as caught:
        load_plans(tmp_path)
    assert (caught.value.path, caught.value.field) == (bad, "themes[0].prompts[0].extra")


def test_load_plans_needs_an_existing_folder(tmp_path: pathlib.Path) -> None:
    with pytest.raises(PlanError) as caught:
        load_plans(tmp_path / "puuttuu")
    assert caught.value.field == "(folder)"


def test_get_plan_reads_from_the_given_folder(tmp_path: pathlib.Path) -> None:
    _write(tmp_path, MINIMAL, "oma.toml")
    assert get_plan("oma", tmp_path).slug == "oma"


@pytest.mark.parametrize(
    "slug",
    ["../etc/passwd", "..", "sessions/x", "/etc/passwd", "Johdon", "", "a.toml", "a\nb", "x" * 121],
)
def test_get_plan_rejects_names_that_are_not_slugs(tmp_path: pathlib.Path, slug: str) -> None:
    with pytest.raises(PlanError) as caught:
        get_plan(slug, tmp_path)
    assert caught.value.field == "slug"
    assert caught.value.path == tmp_path
    assert "is not a plan name" in caught.value.message


def test_get_plan_rejects_traversal_out_of_the_default_folder() -> None:
    with pytest.raises(PlanError, match="is not a plan name"):
        get_plan("../etc/passwd")


def test_get_plan_names_the_available_plans_for_an_unknown_slug(tmp_path: pathlib.Path) -> None:
    _write(tmp_path, MINIMAL, "a.toml")
    _write(tmp_path, MINIMAL, "b.toml")
    with pytest.raises(PlanError) as caught:
        get_plan("c", tmp_path)
    assert caught.value.field == "slug"
    assert caught.value.message == "no plan 'c'; available: a, b"
