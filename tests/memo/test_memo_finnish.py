"""The memo's Finnish phrasing (facilitate.memo.finnish): every sentence shape, without a
database."""

from __future__ import annotations

from datetime import date, time

import pytest

from facilitate.memo import finnish, phrasing

SEED_COUNTIES = ["Varhan", "Satakunnan", "Pirkanmaan", "Pohjanmaan", "Pohjois-Pohjanmaan",
                 "Kanta-Hämeen"]


# --- placeholders and lists ----------------------------------------------------------------


def test_placeholder_is_found_again_by_its_pattern():
    gap = finnish.placeholder("osallistujien  organisaatiot")
    assert gap == "[[TÄYDENNÄ: osallistujien organisaatiot]]"
    assert phrasing.GAP_RE.fullmatch(gap)
    text = f"Alku {gap} ja käsin kirjoitettu [[ täydennä:  päivämäärä ]]."
    assert phrasing.find_placeholders(text) == ["osallistujien organisaatiot", "päivämäärä"]
    assert phrasing.find_placeholders("[[TÄYDENNÄ puuttuu kaksoispiste]] [linkki](x)") == []


@pytest.mark.parametrize(("items", "expected"), [
    ([], ""),
    (["Varhan"], "Varhan"),
    (["Varhan", "Satakunnan"], "Varhan ja Satakunnan"),
    (["A", "B", "C"], "A, B ja C"),
    (["A", "", "C"], "A ja C"),
    # a county with its own "ja": the list's last joint is "sekä", so the grouping reads
    (["Vantaan ja Keravan", "Varhan"], "Vantaan ja Keravan sekä Varhan"),
    (["Varhan", "Vantaan ja Keravan", "Satakunnan", "Pirkanmaan"],
     "Varhan, Vantaan ja Keravan, Satakunnan sekä Pirkanmaan"),
])
def test_join_list(items, expected):
    assert finnish.join_list(items) == expected


# --- attendance ----------------------------------------------------------------------------


def test_attendance_of_seed_002():
    assert finnish.attendance_sentence(
        ["YEE-hankkeen työntekijöitä"], SEED_COUNTIES, ["yksityisen toimijan puolelta"],
    ) == ("Paikalla oli YEE-hankkeen työntekijöitä sekä edustus Varhan, Satakunnan, "
          "Pirkanmaan, Pohjanmaan, Pohjois-Pohjanmaan ja Kanta-Hämeen hyvinvointialueilta ja "
          "yksityisen toimijan puolelta.")


@pytest.mark.parametrize(("projects", "counties", "others", "expected"), [
    # one county: singular ablative
    ([], ["Varhan"], [], "Paikalla oli edustus Varhan hyvinvointialueelta."),
    ([], ["Varhan", "Lapin"], [], "Paikalla oli edustus Varhan ja Lapin hyvinvointialueilta."),
    (["YEE-hankkeen työntekijöitä"], ["Kainuun"], [],
     "Paikalla oli YEE-hankkeen työntekijöitä sekä edustus Kainuun hyvinvointialueelta."),
    # no project staff
    ([], ["Varhan", "Lapin"], ["yksityisen toimijan puolelta"],
     "Paikalla oli edustus Varhan ja Lapin hyvinvointialueilta ja yksityisen toimijan "
     "puolelta."),
    # no counties
    (["YEE-hankkeen työntekijöitä"], [], ["yksityisen toimijan puolelta"],
     "Paikalla oli YEE-hankkeen työntekijöitä sekä edustus yksityisen toimijan puolelta."),
    ([], [], ["yksityisen toimijan puolelta"],
     "Paikalla oli edustus yksityisen toimijan puolelta."),
    # several other organisations, after the counties
    ([], ["Varhan", "Lapin"], ["yksityisen toimijan puolelta", "Helsingin kaupungilta"],
     "Paikalla oli edustus Varhan ja Lapin hyvinvointialueilta, yksityisen toimijan puolelta "
     "ja Helsingin kaupungilta."),
    # project staff alone, and two projects
    (["YEE-hankkeen työntekijöitä"], [], [], "Paikalla oli YEE-hankkeen työntekijöitä."),
    (["YEE-hankkeen työntekijöitä", "THL:n asiantuntijoita"], ["Varhan"], [],
     "Paikalla oli YEE-hankkeen työntekijöitä ja THL:n asiantuntijoita sekä edustus Varhan "
     "hyvinvointialueelta."),
    # a county whose name has its own "ja": the counties' list joins its last with "sekä"
    ([], ["Varhan", "Vantaan ja Keravan", "Satakunnan"], ["yksityisen toimijan puolelta"],
     "Paikalla oli edustus Varhan, Vantaan ja Keravan sekä Satakunnan hyvinvointialueilta ja "
     "yksityisen toimijan puolelta."),
    # nobody: a gap for the coordinator
    ([], [], [], "Paikalla oli [[TÄYDENNÄ: osallistujien organisaatiot]]."),
])
def test_attendance_sentence(projects, counties, others, expected):
    assert finnish.attendance_sentence(projects, counties, others) == expected


def test_an_organisation_without_its_memo_form_is_a_placeholder():
    gap = finnish.missing_organisation_phrase("Kaupunki X")
    assert phrasing.find_placeholders(gap) == [
        "miten ”Kaupunki X” kirjoitetaan osallistujalauseeseen"]


# --- heading, time, opening ----------------------------------------------------------------


def test_heading():
    assert finnish.heading("valtakunnallinen vertaisreflektio") == \
        "Muistio: valtakunnallinen vertaisreflektio"


@pytest.mark.parametrize(("day", "starts", "ends", "fmt", "expected"), [
    (date(2023, 3, 29), time(14), time(16), "Teams-keskustelu",
     "Aika: 29.3.2023 klo 14–16, Teams-keskustelu"),
    (date(2022, 11, 9), time(9, 30), time(11), "Teams-keskustelu",
     "Aika: 9.11.2022 klo 9.30–11, Teams-keskustelu"),
    (date(2023, 1, 7), time(8, 5), time(10, 45), "", "Aika: 7.1.2023 klo 8.05–10.45"),
    (date(2023, 1, 7), time(9), time(12), "  ", "Aika: 7.1.2023 klo 9–12"),
])
def test_time_line(day, starts, ends, fmt, expected):
    assert finnish.time_line(day, starts, ends, fmt) == expected


@pytest.mark.parametrize(("presenter", "title", "expected"), [
    ("YEE-hankkeen projektipäällikkö", "Ajankohtaiset asiat",
     "YEE-hankkeen projektipäällikkö alusti tilaisuutta aiheesta ”Ajankohtaiset asiat”."),
    # an apposition is closed with a comma
    ("Sari Tuominen, aikuissosiaalityön päällikkö, Helsingin sote",
     "Asiakasymmärrys tiedolla johtamisen perustana",
     "Sari Tuominen, aikuissosiaalityön päällikkö, Helsingin sote, alusti tilaisuutta "
     "aiheesta ”Asiakasymmärrys tiedolla johtamisen perustana”."),
    ("projektipäällikkö", "", "Projektipäällikkö alusti tilaisuutta."),
    ("", "Valviran ohje", "Tilaisuus alkoi alustuksella aiheesta ”Valviran ohje”."),
    ("", "  ", ""),
])
def test_opening_sentence(presenter, title, expected):
    assert finnish.opening_sentence(presenter, title) == expected


# --- themes and results --------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "from_wishes", "expected"), [
    ("palveluiden organisoimisesta", 0, "Keskusteltiin **palveluiden organisoimisesta**."),
    ("työnkuvista", 1, "Ennakkotoiveen pohjalta **keskusteltiin työnkuvista**."),
    # not elative: the phrase is the object of "nostettiin"
    ("asiakasmitoitus ja työntekijäresurssit", 0,
     "Keskusteluun nostettiin **asiakasmitoitus ja työntekijäresurssit**."),
    ("palveluiden yhdyspinnat", 1,
     "Ennakkotoiveen pohjalta keskusteluun nostettiin **palveluiden yhdyspinnat**."),
])
def test_theme_sentence(phrase, from_wishes, expected):
    assert finnish.theme_sentence(phrase, from_wishes) == expected


def test_statement_sentence_counts_from_agreement_down():
    counts = [1, 0, 2, 3, 1]  # values 1–5: täysin eri … täysin samaa
    # A sentence with a verb ("oli"), said once where the parts share it; counts in words.
    assert finnish.statement_sentence(
        "Jokaisella nuorella tulisi olla oma sosiaalityöntekijä.", counts) == (
        "Väitteeseen ”Jokaisella nuorella tulisi olla oma sosiaalityöntekijä” vastasi "
        "seitsemän osallistujaa. Heistä yksi oli täysin samaa mieltä, kolme jokseenkin samaa "
        "mieltä, kaksi ei ollut samaa eikä eri mieltä ja yksi oli täysin eri mieltä.")
    # One answer is one person's: no list of one.
    assert finnish.statement_sentence("Onko näin?", [0, 0, 0, 0, 1]) == \
        "Väitteeseen ”Onko näin?” vastasi yksi osallistuja, joka oli täysin samaa mieltä."
    assert finnish.statement_sentence("Onko näin?", [0, 0, 1, 0, 0]) == \
        "Väitteeseen ”Onko näin?” vastasi yksi osallistuja, joka ei ollut samaa eikä eri mieltä."
    assert finnish.statement_sentence("Näin on.", [0] * 5) == "Väitteeseen ”Näin on” ei vastattu."
    # Above ten, digits.
    assert finnish.statement_sentence("X.", [0, 0, 0, 0, 12]).startswith(
        "Väitteeseen ”X” vastasi 12 osallistujaa. Heistä 12 oli")


def test_poll_sentence_most_chosen_first():
    assert finnish.poll_sentence("Kuka koordinoi?", ["Kunta", "Hyvinvointialue", "Valtio"],
                                 [1, 2, 0]) == (
        "Kysymykseen ”Kuka koordinoi?” vastasi kolme osallistujaa. Heistä kaksi valitsi "
        "vaihtoehdon ”Hyvinvointialue” ja yksi ”Kunta”.")
    assert finnish.poll_sentence("Kuka?", ["A", "B"], [0, 1]) == \
        "Kysymykseen ”Kuka?” vastasi yksi osallistuja, joka valitsi vaihtoehdon ”B”."
    assert finnish.poll_sentence("Kuka?", ["A"], [0]) == "Kysymykseen ”Kuka?” ei vastattu."


@pytest.mark.parametrize(("n", "expected"), [(1, "yksi"), (2, "kaksi"), (7, "seitsemän"),
                                             (10, "kymmenen"), (11, "11"), (250, "250")])
def test_numbers_up_to_ten_are_words(n, expected):
    assert finnish.number_word(n) == expected


@pytest.mark.parametrize(("title", "expected"), [
    ("Nivelvaiheet", "nivelvaiheet"),
    ("Palveluiden organisointi", "palveluiden organisointi"),
    # names and acronyms keep their capital
    ("THL:n tietopohja", "THL:n tietopohja"),
    ("Kelan etuudet", "Kelan etuudet"),
    ("Varhan mallit", "Varhan mallit"),
    ("YEE-hankkeen tulokset", "YEE-hankkeen tulokset"),
    ("Keusoten kokemukset", "Keusoten kokemukset"),  # an organisation the caller names
])
def test_a_title_mid_sentence_loses_its_capital_but_names_keep_theirs(title, expected):
    assert finnish.mid_sentence(title, frozenset({"Keusoten"})) == expected


def test_one_wish_or_several():
    assert finnish.theme_sentence("työnkuvista", 1) == \
        "Ennakkotoiveen pohjalta **keskusteltiin työnkuvista**."
    assert finnish.theme_sentence("työnkuvista", 3) == \
        "Ennakkotoiveiden pohjalta **keskusteltiin työnkuvista**."
    assert finnish.theme_sentence("nivelvaiheet", 2) == \
        "Ennakkotoiveiden pohjalta keskusteluun nostettiin **nivelvaiheet**."


@pytest.mark.parametrize(("votes", "level", "expected"), [
    (0, None, "Työparityö toimii (Varha)"),
    (1, None, "Työparityö toimii (Varha, 1 ääni)"),
    (3, "hyvinvointialue", "Työparityö toimii (Varha, hyvinvointialueen taso, 3 ääntä)"),
])
def test_contribution_line_names_the_organisation(votes, level, expected):
    assert finnish.contribution_line("Työparityö\n toimii", "Varha", votes, level) == expected


# --- the series ----------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "expected"), [
    # "Muistio: …" as the memo's own heading reads
    (352 * 1024, "Muistio: vertaisreflektio 27.1.2023 (pdf 352 kt)"),
    (551 * 1024 + 511, "Muistio: vertaisreflektio 27.1.2023 (pdf 551 kt)"),
    (551 * 1024 + 512, "Muistio: vertaisreflektio 27.1.2023 (pdf 552 kt)"),  # half up
    (100, "Muistio: vertaisreflektio 27.1.2023 (pdf 1 kt)"),
    (3 * 1024 * 1024 // 2, "Muistio: vertaisreflektio 27.1.2023 (pdf 1,5 Mt)"),
    (None, "Muistio: vertaisreflektio 27.1.2023"),
])
def test_earlier_memo_line_in_kilotavu(size, expected):
    assert finnish.earlier_memo_line("vertaisreflektio", date(2023, 1, 27), "pdf", size) \
        == expected


def test_next_session_sentence():
    url = "https://facilitate.example/invite/abc"
    assert finnish.next_session_sentence(
        "Nuorten palvelupolut", date(2023, 5, 8), time(9, 30), time(11), "Teams-keskustelu",
        url) == ("Seuraava tilaisuus ”Nuorten palvelupolut” järjestetään 8.5.2023 klo 9.30–11 "
                 f"(Teams-keskustelu). Ilmoittautuminen on auki osoitteessa <{url}>.")
    assert finnish.next_session_sentence("", date(2023, 5, 8), time(14), time(16), "", None) \
        == "Seuraava tilaisuus järjestetään 8.5.2023 klo 14–16."


def test_fixed_phrases():
    assert finnish.EARLIER_MEMOS_INTRO == "Reflektioista on laadittu muistiot:"
    assert finnish.attachment_heading(1, "Varhan tehtävänkuvat") == "Liite 1 Varhan tehtävänkuvat"


def test_helsinki_hus_and_aland_are_preloaded_with_their_phrases(app):
    from sqlalchemy import select

    from facilitate.extensions import db
    from facilitate.models import Organisation

    found = {code: (kind.value, phrase) for code, kind, phrase in db.session.execute(
        select(Organisation.code, Organisation.kind, Organisation.memo_phrase)
        .where(Organisation.code.in_(("helsinki", "hus", "ahvenanmaa"))))}
    assert found == {"helsinki": ("other", "Helsingin kaupungilta"),
                     "hus": ("other", "HUS-yhtymältä"), "ahvenanmaa": ("other", "Ahvenanmaalta")}
    assert finnish.attendance_sentence(
        [], ["Varhan"], ["Helsingin kaupungilta", "HUS-yhtymältä"]) == (
        "Paikalla oli edustus Varhan hyvinvointialueelta, Helsingin kaupungilta ja "
        "HUS-yhtymältä.")
