"""The presenter view's page and its word cloud's words (the live page has a browser test)."""

from __future__ import annotations

from facilitate.extensions import db
from facilitate.models import Contribution
from facilitate.presenting.words import base_forms, word_counts


def test_inflected_forms_of_one_word_count_together_in_finnish_and_swedish(word_index_dir):
    counts = dict(word_counts([
        "Kunnat tekevät yhteistyötä hyvinvointialueiden kanssa.",
        "Kuntien ja palveluiden yhteistyö on tärkeää.",
        "Kommunerna samarbetar med kommunen.",
        "Palvelut ja palveluja: ja, on, että.",
        "Samarbete och kommuner, med mera.",
    ], word_index_dir))
    assert counts["kunta"] == 2 and counts["yhteistyö"] == 2 and counts["palvelu"] == 3
    assert counts["kommun"] == 3
    # Each language's stop words never show ("kunnat" is one in Swedish, not in Finnish).
    assert not {"ja", "on", "että", "och", "med", "kanssa", "mera"} & set(counts)


def test_numbers_and_punctuation_are_not_words(word_index_dir):
    assert base_forms("50 asiakasta, 2023; :) ...", word_index_dir) == ["asiakas"]


def test_the_words_of_a_themes_visible_contributions(coordinator_client, client, make_room):
    room = make_room()
    s = db.session
    registration_id = room.registration_ids["anna"]
    for text, hidden in (("Kunnat sopivat", False), ("Kuntien työ", False),
                         ("Kunnille piilossa", True)):
        s.add(Contribution(workshop_id=room.workshop_id, theme_id=room.theme_ids[0],
                           registration_id=registration_id, text=text, is_hidden=hidden))
    s.commit()
    url = f"/present/{room.workshop_id}/themes/{room.theme_ids[0]}/words.json"
    assert client.get(url).status_code == 302  # coordinators only
    data = coordinator_client.get(url).json
    assert data["contributions"] == 2
    assert {"word": "kunta", "count": 2} in data["words"]
    other = coordinator_client.get(f"/present/{room.workshop_id}/themes/999999/words.json")
    assert other.status_code == 404
    page = coordinator_client.get(f"/present/{room.workshop_id}")
    assert page.status_code == 200
    assert 'data-view="presenter"' in page.get_data(as_text=True)
