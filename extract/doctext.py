"""The text of a Doc and of its spans, computed once per Doc.

spaCy rebuilds `Doc.text` from every token on each access, and `Span.text` from the span's
tokens; the rules read both hundreds of times per article. A Doc's text never changes (even
retokenizing keeps it), so it is kept for as long as the Doc lives.
"""

from __future__ import annotations

import weakref

from spacy.tokens import Doc, Span

__all__ = ["doc_text", "span_text"]

# Weak keys: a Doc's entry goes when the Doc does, so the cache never outgrows the Docs in use.
_TEXTS: weakref.WeakKeyDictionary[Doc, str] = weakref.WeakKeyDictionary()


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per Doc."""
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text


def span_text(span: Span) -> str:
    """`span.text`, as a slice of the Doc's text."""
    return doc_text(span.doc)[span.start_char : span.end_char]
