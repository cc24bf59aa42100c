"""Spelling suggestions ("did you mean") from the index's own vocabulary.

Asked only when a query found nothing. Each word the requested languages do not know is
replaced by the closest word of their unstemmed ``spell_<key>`` vocabulary (Damerau-Levenshtein
distance 1, then 2 for longer words), most frequent first. Whoosh's ``reader.terms_within`` (the
engine of its corrector) finds the candidates; the ranking is ours because Whoosh's
ReaderCorrector scores every candidate with ``maxdist`` instead of its real distance, so it
ranks by frequency alone and prefers a common word two edits away over a rare one at one.
The caller offers the suggestion only if it finds something.
"""

from __future__ import annotations

from collections.abc import Sequence

from whoosh.support.levenshtein import distance

from search.analysis import normalize_query_string
from search.schema import spell_field

__all__ = ["suggest_words"]

_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
_SYNTAX = str.maketrans(dict.fromkeys('"()*', " "))
MIN_CORRECTED_LENGTH = 3


def _closest(reader, field: str, word: str) -> tuple[int, int, str] | None:
    """(distance, -document frequency, term) of the best replacement of ``word``."""
    if (field, word) in reader:
        return 0, 0, word
    if len(word) < MIN_CORRECTED_LENGTH:
        return None
    for maxdist in (1, 2):
        if maxdist == 2 and len(word) < 5:
            break
        candidates = [t for t in reader.terms_within(field, word, maxdist) if t != word]
        if candidates:
            return min((maxdist, -reader.doc_frequency(field, t), t) for t in candidates)
    return None


def _correct_word(reader, word: str, keys: Sequence[str]) -> str | None:
    """The word itself if some language knows it, its best correction, or None."""
    best: tuple[int, int, int, str] | None = None
    for key in keys:
        terms = normalize_query_string(word, key, stem=False).split()
        if not terms:  # a stop word or punctuation here: nothing to correct
            return word
        field = spell_field(key)
        found = [_closest(reader, field, term) for term in terms]
        if all(f is not None and f[0] == 0 for f in found):
            return word
        if any(f is None for f in found):
            continue
        replacement = " ".join(f[2] for f in found)
        candidate = (
            sum(f[0] for f in found),
            # Between languages, prefer the spelling closest to what was typed: an Urdu
            # word with a typo should get the Urdu correction, not its Sindhi spelling.
            distance(word, replacement),
            sum(f[1] for f in found),
            replacement,
        )
        if best is None or candidate < best:
            best = candidate
    return best[3] if best else None


def suggest_words(reader, text: str, keys: Sequence[str]) -> str | None:
    """A corrected version of query ``text``, or None if no word needs or has a fix."""
    words = [w for w in text.translate(_SYNTAX).split() if w not in _OPERATORS]
    corrected, changed = [], False
    for word in words:
        fixed = _correct_word(reader, word, keys)
        if fixed is not None and fixed != word:
            changed = True
            corrected.append(fixed)
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else None
