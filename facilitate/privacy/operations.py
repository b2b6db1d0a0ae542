"""Rules for the privacy notice: the default texts, a series' own wording of the editable
sections, and which text a reader in a given language is shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import operations as audit
from ..errors import Collector
from ..models import PRIVACY_TEXT_MAX_CHARS, PrivacyNotice, Series
from ..validation import clean_text

#: The notice's sections a coordinator may word for a series; the others (what is collected,
#: retention, rights) state what the service itself does, and are the same everywhere.
SECTIONS = ("controller", "purpose", "legal_basis")
#: The languages a notice is written in: those of the interface.
LANGUAGES = ("fi", "sv", "en")

DEFAULTS: dict[str, Any] = {
    "controller": _l("Terveyden ja hyvinvoinnin laitos (THL), PL 30, 00271 Helsinki, puhelin "
                     "(vaihde) 029 524 6000. THL:n tietosuojavastaavan tavoittaa osoitteesta "
                     "tietosuoja@thl.fi. Tilaisuuksia koskevissa asioissa voit ottaa yhteyttä "
                     "tilaisuussarjan yhteyshenkilöihin."),
    "purpose": _l("Käsittelemme tietojasi vertaisreflektiotilaisuuksien järjestämiseksi: "
                  "ilmoittautumisen vastaanottamiseen, tilaisuuden ohjelman valmisteluun "
                  "ennakkotoiveiden pohjalta, tilaisuuteen liittymiseen, tilaisuutta koskeviin "
                  "viesteihin (vahvistus, muistutus, tieto muistion julkaisusta) sekä muistion "
                  "laatimiseen. Muistioon kirjataan organisaatiot, ei osallistujien nimiä."),
    "legal_basis": _l("Käsittely perustuu yleisen edun mukaisen tehtävän suorittamiseen ja "
                      "julkisen vallan käyttämiseen (EU:n yleinen tietosuoja-asetus, 6 artiklan "
                      "1 kohdan e alakohta). THL:n tehtäviin kuuluu sosiaali- ja terveydenhuollon "
                      "toiminnan kehittäminen ja ohjaaminen; niistä säädetään laissa Terveyden "
                      "ja hyvinvoinnin laitoksesta (668/2008)."),
}


def default_text(section: str, language: str) -> str:
    """The default wording of a section in a language."""
    with force_locale(language):
        return str(DEFAULTS[section])


@dataclass(frozen=True)
class SectionText:
    """What a reader is shown of one editable section."""

    text: str
    #: the language the text is in (a series' Finnish wording stands in for a missing one)
    language: str
    #: the series' own wording (Markdown), not the default (plain text)
    own: bool


def notices(s: Session, series: Series) -> dict[str, PrivacyNotice]:
    """A series' own wordings, by language."""
    return {notice.language: notice for notice in s.scalars(
        select(PrivacyNotice).where(PrivacyNotice.series_id == series.id))}


def notice_texts(s: Session, series: Series | None, language: str) -> dict[str, SectionText]:
    """Each editable section as a reader in `language` sees it: the series' wording in that
    language, else its Finnish one (the controller a series names must not silently turn
    back into THL in another language), else the default in the reader's language."""
    own = notices(s, series) if series is not None else {}
    texts = {}
    for section in SECTIONS:
        for candidate in (language, "fi"):
            notice = own.get(candidate)
            if notice is not None and getattr(notice, section):
                texts[section] = SectionText(getattr(notice, section), candidate, True)
                break
        else:
            texts[section] = SectionText(default_text(section, language), language, False)
    return texts


def update_notices(s: Session, series: Series, data: dict[str, Any], *,
                   by: int | None) -> list[str]:
    """Set a series' wording of each section in each language (`<section>_<language>`); an
    empty field stands for the default. Returns the languages whose texts changed."""
    errors = Collector()
    cleaned = {(section, language): clean_text(
        errors, f"{section}_{language}", data.get(f"{section}_{language}"),
        max_chars=PRIVACY_TEXT_MAX_CHARS, required=False, multiline=True)
        for language in LANGUAGES for section in SECTIONS}
    errors.raise_if_any()
    own = notices(s, series)
    changed = []
    for language in LANGUAGES:
        texts = {section: cleaned[section, language] for section in SECTIONS}
        notice = own.get(language)
        if notice is None:
            if not any(texts.values()):
                continue
            notice = PrivacyNotice(series_id=series.id, language=language)
            s.add(notice)
        elif all(getattr(notice, section) == text for section, text in texts.items()):
            continue
        for section, text in texts.items():
            setattr(notice, section, text)
        notice.updated_by_id = by
        changed.append(language)
    s.flush()
    if changed:
        audit.record(s, "privacy_notice.update", by=by, series=series.title,
                     languages=", ".join(changed))
    return changed
