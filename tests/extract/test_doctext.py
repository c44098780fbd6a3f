"""The per-Doc readings the rules use in place of spaCy's own answer the same as spaCy does."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from extract.doctext import (
    char_range,
    char_span_expanded,
    doc_text,
    sentence_of,
    span_text,
    tokens_text,
)

TEXT = (
    "KYIV, Ukraine —  The U.S. said on Tuesday it would send more air defenses.\n\n"
    "\u201cWe will not stop,\u201d the minister told reporters in Kyiv\u2019s centre.  "
    "Officials said 12 drones were shot down\u2026 \n"
)


@pytest.fixture(scope="module")
def doc(nlp) -> Doc:
    return nlp(TEXT)


def test_doc_text_is_the_docs_text(nlp, doc):
    assert doc_text(doc) == doc.text == TEXT
    assert doc_text(nlp("")) == ""
    assert doc_text(nlp("  \n ")) == "  \n "


def test_tokens_text_is_the_slices_text_for_any_bounds(doc):
    n = len(doc)
    for start in range(-3, n + 3):
        for end in range(-3, n + 3):
            assert tokens_text(doc, start, end) == doc[start:end].text, (start, end)


def test_sentence_of_is_the_tokens_sentence(doc):
    assert len(list(doc.sents)) > 2
    for token in doc:
        found = sentence_of(token)
        assert (found.start, found.end) == (token.sent.start, token.sent.end), token.i


def test_span_text_is_the_spans_text(doc):
    for sent in doc.sents:
        assert span_text(sent) == sent.text
    for ent in doc.ents:
        assert span_text(ent) == ent.text


def test_char_range_is_the_expanded_char_spans_range_for_any_characters(nlp, doc):
    compared = 0
    for text_doc in (doc, nlp("Hi."), nlp("")):
        n = len(text_doc.text)
        for start in range(-2, n + 3):
            for end in range(-2, n + 3):
                try:
                    expected = text_doc.char_span(start, end, alignment_mode="expand")
                except (IndexError, ValueError) as raised:
                    with pytest.raises(type(raised)):
                        char_range(text_doc, start, end)
                    continue
                found = char_range(text_doc, start, end)
                span = char_span_expanded(text_doc, start, end)
                if expected is None:
                    assert found is None and span is None, (start, end)
                else:
                    assert found == (expected.start, expected.end), (start, end)
                    assert span == expected, (start, end)
                    compared += 1
    assert compared > len(TEXT) ** 2 / 4
