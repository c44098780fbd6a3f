"""The indexed attribute ruler sets exactly what spaCy's AttributeRuler sets, only faster."""

from __future__ import annotations

import numpy as np
import pytest
import spacy
from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from extract.attribute_ruler import IndexedAttributeRuler, UnsupportedPatternError, indexed_copy
from extract.nlp import DEFAULT_MODEL

ATTRIBUTES = [POS, TAG, MORPH, LEMMA, DEP]


def _both_rulers(vocab, patterns) -> tuple[AttributeRuler, IndexedAttributeRuler]:
    spacy_ruler = AttributeRuler(vocab)
    spacy_ruler.add_patterns(patterns)
    indexed = IndexedAttributeRuler(vocab)
    indexed.add_patterns(patterns)
    return spacy_ruler, indexed


def _annotated(doc: Doc) -> list[tuple]:
    return [(t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_) for t in doc]


@pytest.fixture(scope="module")
def model_patterns() -> list[dict]:
    """The patterns of the trained pipeline's own attribute ruler."""
    only_ruler = spacy.load(
        DEFAULT_MODEL, exclude=["tok2vec", "tagger", "parser", "lemmatizer", "ner", "senter"]
    )
    return only_ruler.get_pipe("attribute_ruler").patterns


TEXTS = [
    "Y'all gonna see it: ain't nothin' gonna stop us. Let's go, c'mon, we got ta run.",
    "There is a man at the gate. There's one more. Is it I who gave it to you and him?",
    "Do you have it? I did it, he does and they had had enough. That which was said stays.",
    "Which one? This. Those who stayed said they're not leaving, and we'd've gone.\n\n  Next.",
    "The minister said on Monday that 1,200 troops had been sent, whether or not it rains.",
]


def test_the_models_patterns_give_every_token_what_spacys_ruler_gives(
    nlp: Language, model_patterns: list[dict]
) -> None:
    spacy_ruler, indexed = _both_rulers(nlp.vocab, model_patterns)
    parsed = list(nlp.pipe(TEXTS, disable=["attribute_ruler", "lemmatizer", "ner"]))
    for doc in parsed:
        by_spacy, by_index = spacy_ruler(doc.copy()), indexed(doc.copy())
        assert _annotated(by_index) == _annotated(by_spacy)
        assert np.array_equal(by_index.to_array(ATTRIBUTES), by_spacy.to_array(ATTRIBUTES))
    # The texts reach the patterns that only lookups of several attributes find.
    assert any(t.lemma_ == "be" and t.lower_ == "ai" for t in spacy_ruler(parsed[0].copy()))
    assert any(t.pos_ == "PRON" and t.tag_ == "WDT" for t in spacy_ruler(parsed[2].copy()))


def test_build_nlp_matches_the_models_attribute_ruler_by_lookups(nlp: Language) -> None:
    assert isinstance(nlp.get_pipe("attribute_ruler"), IndexedAttributeRuler)
    doc = nlp("They're not leaving, he said.")
    assert [(t.text, t.pos_, t.lemma_) for t in doc[:3]] == [
        ("They", "PRON", "they"),
        ("'re", "AUX", "be"),
        ("not", "PART", "not"),
    ]


def _doc(vocab, words: list[str], tags: list[str], deps: list[str]) -> Doc:
    return Doc(vocab, words=words, tags=tags, deps=deps, heads=[0] * len(words))


HAND_PATTERNS = [
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {"patterns": [[{"TAG": {"IN": ["VBD", "VBN"]}}]], "attrs": {"POS": "VERB"}},
    # Later patterns win where they set the same attribute.
    {"patterns": [[{"TAG": "NN", "LOWER": "report"}]], "attrs": {"POS": "PROPN"}},
    {
        "patterns": [[{"LOWER": {"REGEX": "^re"}, "DEP": {"NOT_IN": ["nsubj"]}}]],
        "attrs": {"LEMMA": "re-"},
    },
    {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "going"}, "index": 0},
    {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": -1},
    {
        "patterns": [[{"LOWER": "in"}, {"LOWER": "the"}, {"LOWER": "end"}]],
        "attrs": {"LEMMA": "THE"},
        "index": -2,
    },
    {"patterns": [[{"IS_PUNCT": True}]], "attrs": {"POS": "PUNCT"}},
    {"patterns": [[{"TEXT": "Report"}], [{"ORTH": "REPORT"}]], "attrs": {"MORPH": "Abbr=Yes"}},
]


@pytest.mark.parametrize(
    ("words", "tags", "deps"),
    [
        (
            ["Report", "reached", "gon", "na", "report", "."],
            ["NN", "VBD", "VB", "TO", "NN", "."],
            ["nsubj", "ROOT", "aux", "aux", "dobj", "punct"],
        ),
        (
            ["REPORT", "report", "rebel", "gon", "gon", "na"],
            ["NN", "NN", "NN", "VB", "VB", "TO"],
            ["nsubj", "compound", "dobj", "dep", "aux", "aux"],
        ),
        (["na", "gon"], ["TO", "VB"], ["ROOT", "dep"]),
        (
            ["in", "the", "end", "in", "the"],
            ["IN", "DT", "NN", "IN", "DT"],
            ["prep", "det", "pobj", "prep", "det"],
        ),
        ([], [], []),
    ],
)
def test_hand_written_patterns_apply_as_in_spacy(
    words: list[str], tags: list[str], deps: list[str]
) -> None:
    vocab = spacy.blank("en").vocab
    spacy_ruler, indexed = _both_rulers(vocab, HAND_PATTERNS)
    by_spacy = spacy_ruler(_doc(vocab, words, tags, deps))
    by_index = indexed(_doc(vocab, words, tags, deps))
    assert _annotated(by_index) == _annotated(by_spacy)


def test_a_later_pattern_wins_and_a_multi_token_pattern_sets_its_indexed_token() -> None:
    vocab = spacy.blank("en").vocab
    _, indexed = _both_rulers(vocab, HAND_PATTERNS)
    doc = indexed(_doc(vocab, ["report", "gon", "na"], ["NN", "VB", "TO"], ["nsubj", "aux", "aux"]))
    assert [(t.pos_, str(t.morph), t.lemma_) for t in doc] == [
        ("PROPN", "Number=Sing", ""),
        ("", "", "going"),
        ("", "", "to"),
    ]


@pytest.mark.parametrize(
    "pattern",
    [
        {"patterns": [[{"LOWER": "very", "OP": "+"}]], "attrs": {"POS": "ADV"}},
        {"patterns": [[{"LENGTH": {">=": 3}}]], "attrs": {"POS": "X"}},
        {"patterns": [[{"_": {"flag": True}}]], "attrs": {"POS": "X"}},
        {"patterns": [[{"LOWER": "a"}]], "attrs": {"_": {"flag": True}}},
        {"patterns": [[{"LOWER": "a"}]], "attrs": {"POS": "X"}, "index": 1},
    ],
)
def test_a_pattern_the_tables_cannot_hold_is_refused(pattern: dict) -> None:
    with pytest.raises(UnsupportedPatternError):
        IndexedAttributeRuler(spacy.blank("en").vocab).add_patterns([pattern])


def test_indexed_copy_leaves_a_ruler_it_cannot_hold_in_place() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("attribute_ruler").add_patterns(
        [{"patterns": [[{"LOWER": "very", "OP": "+"}]], "attrs": {"POS": "ADV"}}]
    )
    assert indexed_copy(nlp) is False
    assert isinstance(nlp.get_pipe("attribute_ruler"), AttributeRuler)
    assert indexed_copy(spacy.blank("en")) is False  # no ruler at all


def test_indexed_copy_replaces_the_ruler_in_its_place() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("attribute_ruler").add_patterns(HAND_PATTERNS)
    nlp.add_pipe("sentencizer", name="after")
    assert indexed_copy(nlp) is True
    assert nlp.pipe_names == ["sentencizer", "attribute_ruler", "after"]
    assert isinstance(nlp.get_pipe("attribute_ruler"), IndexedAttributeRuler)
    assert [t.lemma_ for t in nlp("we gon na go")] == ["", "going", "to", ""]
