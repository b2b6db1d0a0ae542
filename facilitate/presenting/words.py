"""A word cloud's words: the base forms of what was written, counted, without stop words.

Finnish and Swedish inflect heavily ("kunta", "kunnat", "kuntien", "kunnille"), so words are
counted by their base form, found by simplemma in the language each text is written in. Its
dictionaries are read from tries on disk (WORD_INDEX_DIR, built once by `facilitate
prepare-words`): loaded whole into memory they would take 450 MB and seconds per process.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import simplemma
import stopwordsiso
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import TrieDictionaryFactory

#: The languages a text may be in, Finnish first (it wins a tie).
LANGUAGES = ("fi", "sv")
#: Shorter tokens are mostly particles and abbreviations a cloud cannot show usefully.
MIN_CHARS = 3


@functools.cache
def _lemmatizer(index_dir: str) -> tuple[simplemma.Lemmatizer, simplemma.LanguageDetector]:
    strategy = DefaultStrategy(dictionary_factory=TrieDictionaryFactory(disk_cache_dir=index_dir))
    return (simplemma.Lemmatizer(lemmatization_strategy=strategy),
            simplemma.LanguageDetector(LANGUAGES, lemmatization_strategy=strategy))


def prepare(index_dir: str | Path) -> None:
    """Build the dictionaries' tries in `index_dir` (a minute's work, once per install)."""
    lemmatizer, _detector = _lemmatizer(str(index_dir))
    for language in LANGUAGES:
        lemmatizer.lemmatize("a", lang=language)


@functools.cache
def _stop_words(language: str) -> frozenset[str]:
    # Only the text's own language's list: Swedish "kunnat" (could) is Finnish "kunnat"
    # (municipalities), the very word a Finnish cloud is about.
    return frozenset(stopwordsiso.stopwords(language))


def base_forms(text: str, index_dir: str | Path) -> list[str]:
    """The text's words as base forms, lower case, stop words and numbers left out."""
    lemmatizer, detector = _lemmatizer(str(index_dir))
    found = detector.main_language(text)  # "unk" on a tie or nothing known
    language = found if found in LANGUAGES else LANGUAGES[0]
    stop = _stop_words(language)
    forms = []
    for token in simplemma.simple_tokenizer(text):
        word = token.lower()
        if len(word) < MIN_CHARS or not word.isalpha() or word in stop:
            continue
        lemma = lemmatizer.lemmatize(word, lang=language).lower()
        if lemma not in stop and len(lemma) >= MIN_CHARS:
            forms.append(lemma)
    return forms


def word_counts(texts: Iterable[str], index_dir: str | Path,
                limit: int = 40) -> list[tuple[str, int]]:
    """The `limit` most used base forms over all texts, most used first (ties by word)."""
    counts = Counter(form for text in texts for form in base_forms(text, index_dir))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
