"""Where to cut an article in two so that each half can be parsed on its own.

A lone article's latency is its own parse. When the NLP processes are otherwise idle,
the worker parses the two halves of a long article at once, in two processes, and joins
the parsed halves (``Extractor.annotate_parts``). The cut is made where spaCy would end
a sentence anyway, so the parse of each half matches the parse of the whole except for
a few tokens at the cut: at a paragraph break near the middle, else at the sentence end
nearest the middle. Pure: no spaCy here.
"""

from __future__ import annotations

import re

_TOKEN_RE = re.compile(r"\w+(?:['\u2019]\w+)?|[^\w\s]")
#: A blank line: the cut goes after the whole whitespace run.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
#: A word ending in . ! or ? (and closing quotes), whitespace, then a capital.
_SENTENCE_END = re.compile(r"(\S+[.!?][\"\u201d\u2019')]*)(\s+)(?=[\"\u201c\u2018(]*[A-Z])")
#: Abbreviations that end in a period and are often followed by a capital.
ABBREVIATIONS = frozenset(
    {"Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Sen.", "Rep.", "St.", "Gov.", "Jr.", "Sr.", "Lt."}
    | {"Col.", "Sgt.", "Capt.", "Prof.", "Rev.", "Adm.", "Maj.", "No.", "Co.", "Inc.", "Corp."}
    | {"Ltd.", "Mt.", "Ft.", "Sept.", "Oct.", "Nov.", "Dec.", "Jan.", "Feb.", "Aug.", "vs."}
)
#: A paragraph break counts when it is this close to the middle (fraction of the text).
PARAGRAPH_REACH = 0.2


def approx_tokens(text: str) -> int:
    """About the number of spaCy tokens in ``text`` (words and punctuation)."""
    return len(_TOKEN_RE.findall(text))


def _is_abbreviation(word: str) -> bool:
    word = word.rstrip("\"\u201d\u2019')")
    # Initials ("U.S.", "J.") and the listed titles end in a period but rarely a sentence.
    return word in ABBREVIATIONS or bool(re.fullmatch(r"(?:[A-Za-z]\.)+", word))


def halving_cut(text: str) -> int | None:
    """The offset at which to cut ``text`` in two halves, or None when there is no cut.

    ``text[:cut]`` ends with the whitespace after a sentence (so joining the parsed
    halves needs no added space) and ``text[cut:]`` starts a sentence.
    """
    middle = len(text) / 2
    breaks = [m.end() for m in _PARAGRAPH_BREAK.finditer(text) if 0 < m.end() < len(text)]
    near = [k for k in breaks if abs(k - middle) <= PARAGRAPH_REACH * len(text)]
    if near:
        return min(near, key=lambda k: abs(k - middle))
    ends = [m.end(2) for m in _SENTENCE_END.finditer(text) if not _is_abbreviation(m.group(1))]
    return min(ends, key=lambda k: abs(k - middle)) if ends else None
