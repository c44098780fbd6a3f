"""What the rules read of a Doc many times over, computed once per Doc.

spaCy rebuilds `Doc.text` from every token on each access, and `Span.text` from the span's
tokens; the rules read both hundreds of times per article, and several finders need the same
derived facts (the figures of the Doc). A Doc's text never changes (even retokenizing keeps it),
so what is derived from it is kept for as long as the Doc lives.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from spacy.attrs import IDX, IS_SPACE, LEMMA, LOWER, ORTH, SPACY
from spacy.tokens import Doc, Span, Token

__all__ = [
    "TokenWords",
    "article_id_of",
    "char_range",
    "char_span_expanded",
    "doc_text",
    "ents_within",
    "entity_bounds",
    "per_doc",
    "sentence_bounds",
    "sentence_of",
    "span_text",
    "token_words",
    "tokens_text",
]

_T = TypeVar("_T")


def per_doc(derive: Callable[[Doc], _T]) -> Callable[[Doc], _T]:
    """`derive(doc)` computed once per Doc. The result must not refer to the Doc (no Tokens or
    Spans), or the Doc would never be freed; it is shared, so it must not be changed either."""
    # Weak keys: a Doc's entry goes when the Doc does, so the cache holds only Docs in use.
    results: weakref.WeakKeyDictionary[Doc, _T] = weakref.WeakKeyDictionary()
    # The rules ask about one Doc many times in a row: the last answer is checked first, which
    # spares making a weak reference to look the Doc up.
    last: list = [lambda: None, None]  # (weak reference to the last Doc, its result)

    @functools.wraps(derive)
    def cached(doc: Doc) -> _T:
        if last[0]() is doc:
            return last[1]
        try:
            result = results[doc]
        except KeyError:
            result = results[doc] = derive(doc)
        last[0], last[1] = weakref.ref(doc), result
        return result

    return cached


def article_id_of(doc: Doc) -> str:
    """The id of the article the Doc was made from (`doc.user_data["article_id"]`), which the
    finders' records carry; empty when unset."""
    return doc.user_data.get("article_id", "") if doc.user_data else ""


@per_doc
def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per Doc from its arrays (spaCy makes a Token per word for it)."""
    words, spaced = token_words(doc).text, doc.to_array(SPACY).tolist()
    return "".join([w + " " if s else w for w, s in zip(words, spaced, strict=True)])


@dataclass(frozen=True)
class TokenWords:
    """Each token's text, lower-case form and lower-case lemma, by token index."""

    text: list[str]
    lower: list[str]
    lemma: list[str]


@per_doc
def token_words(doc: Doc) -> TokenWords:
    """The words the rules scan every token for, read from the Doc's arrays: making a Token
    to read one attribute costs more than the test the rules then make of it."""
    strings = doc.vocab.strings
    orths, lowers, lemmas = doc.to_array([ORTH, LOWER, LEMMA]).T.tolist()
    string_of = {h: strings[h] for h in {*orths, *lowers}}
    lemma_of = {h: strings[h].lower() for h in set(lemmas)}
    return TokenWords(
        text=[string_of[h] for h in orths],
        lower=[string_of[h] for h in lowers],
        lemma=[lemma_of[h] for h in lemmas],
    )


@per_doc
def sentence_bounds(doc: Doc) -> tuple[tuple[int, int], ...]:
    """(start, end) characters of each of the Doc's non-blank sentences, in order, without the
    whitespace around it."""
    starts, spaces = doc.to_array([IDX, IS_SPACE]).T.tolist()
    texts = token_words(doc).text
    bounds = []
    for sent in doc.sents:
        inside = [i for i in range(sent.start, sent.end) if not spaces[i]]
        if inside:
            last = inside[-1]
            bounds.append((starts[inside[0]], starts[last] + len(texts[last])))
    return tuple(bounds)


@per_doc
def _token_sentences(doc: Doc) -> list[tuple[int, int]]:
    """For each token, the (start, end) token range of the sentence that holds it."""
    ranges: list[tuple[int, int]] = []
    for sent in doc.sents:
        ranges.extend([(sent.start, sent.end)] * len(sent))
    return ranges


def sentence_of(token: Token) -> Span:
    """`token.sent`, which spaCy finds by walking the Doc from the token at every call."""
    start, end = _token_sentences(token.doc)[token.i]
    return Span(token.doc, start, end)


def span_text(span: Span) -> str:
    """`span.text`, as a slice of the Doc's text."""
    return doc_text(span.doc)[span.start_char : span.end_char]


@per_doc
def _token_starts(doc: Doc) -> list[int]:
    return doc.to_array(IDX).tolist()


def tokens_text(doc: Doc, start: int, end: int) -> str:
    """`doc[start:end].text`, as a slice of the Doc's text: spaCy makes a Span and a Token per
    word for it."""
    if not 0 <= start < end <= len(doc):
        return doc[start:end].text
    starts, words, last = _token_starts(doc), token_words(doc).text, end - 1
    return doc_text(doc)[starts[start] : starts[last] + len(words[last])]


def char_range(doc: Doc, start_char: int, end_char: int) -> tuple[int, int] | None:
    """The token range (start, end) of `doc.char_span(start_char, end_char,
    alignment_mode="expand")`, None where that is None; found by bisection on the tokens'
    starts, where spaCy makes Tokens to compare the characters."""
    starts, words = _token_starts(doc), token_words(doc).text
    text_length = len(doc_text(doc))
    if not (0 <= start_char < text_length and 0 < end_char <= text_length):
        span = doc.char_span(start_char, end_char, alignment_mode="expand")
        return None if span is None else (span.start, span.end)
    # Each token owns its characters and its trailing space: the tokens tile the text.
    first = bisect.bisect_right(starts, start_char) - 1
    last = bisect.bisect_right(starts, end_char - 1) - 1
    if start_char == starts[first] + len(words[first]):
        first += 1  # the trailing space of a token is not the token
    if first > last + 1:
        span = doc.char_span(start_char, end_char, alignment_mode="expand")
        return None if span is None else (span.start, span.end)
    return first, last + 1


def char_span_expanded(doc: Doc, start_char: int, end_char: int) -> Span | None:
    """`doc.char_span(start_char, end_char, alignment_mode="expand")`, found as `char_range`."""
    bounds = char_range(doc, start_char, end_char)
    return None if bounds is None else Span(doc, *bounds)


@per_doc
def entity_bounds(doc: Doc) -> tuple[tuple[int, int, int, int, int], ...]:
    """(start, end, label, kb_id, span_id) of each of `doc.ents`, in order."""
    return tuple((e.start, e.end, e.label, e.kb_id, e.id) for e in doc.ents)


def ents_within(span: Span) -> list[Span]:
    """`span.ents`: the Doc's entities wholly inside the span, in order. spaCy builds every
    entity of the Doc to answer that; this builds only those inside."""
    bounds = entity_bounds(span.doc)
    first = bisect.bisect_left(bounds, (span.start,))
    inside = itertools.takewhile(lambda bound: bound[1] <= span.end, bounds[first:])
    return [
        Span(span.doc, start, end, label=label, kb_id=kb_id, span_id=span_id)
        for start, end, label, kb_id, span_id in inside
    ]
