"""The trained pipeline's attribute ruler, matched by table lookups instead of spaCy's Matcher.

The attribute ruler of an English pipeline maps each tagger tag (and some words) to a
part-of-speech, morphology and lemma with ~180 one- and two-token patterns. spaCy's Matcher
tries every pattern at every token, which costs two thirds of what the parser does. These
patterns only compare a token's attributes with values, so the rules that can hold for a token
are found by looking its attributes up; each combination of values is judged once and
remembered, and every match is applied as spaCy's ruler applies it: in pattern order, later
patterns winning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from spacy import attrs as spacy_attrs
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.tokens._retokenize import normalize_token_attrs, set_token_attrs
from spacy.vocab import Vocab

__all__ = ["IndexedAttributeRuler", "UnsupportedPatternError", "indexed_copy"]

# Token attributes a pattern may test: those stored as strings, by how varied their values
# are (most first), and flags ("IS_SPACE").
_STRING_ATTRIBUTES = ("ORTH", "LOWER", "NORM", "LEMMA", "SHAPE", "TAG", "DEP", "ENT_TYPE")
_ALIASES = {"TEXT": "ORTH"}
# How many tokens' keys (their tested attributes' values) the ruler remembers the rules of.
_KEYS_REMEMBERED = 50_000


@dataclass(frozen=True)
class _Test:
    """What one pattern token requires of one attribute."""

    attribute: int  # position in the key of attribute values a token is judged by
    operator: str  # "==", "IN", "NOT_IN" or "REGEX"
    value: object  # a string or bool, a frozenset of them, or a compiled pattern

    def holds(self, key: tuple) -> bool:
        actual = key[self.attribute]
        if self.operator == "==":
            return actual == self.value
        if self.operator == "IN":
            return actual in self.value
        if self.operator == "NOT_IN":
            return actual not in self.value
        return self.value.search(actual) is not None


@dataclass(frozen=True)
class _Rule:
    """One pattern of the ruler: the tests of each of its tokens, and what it sets (normalized
    as spaCy's ruler normalizes it)."""

    order: int  # the pattern's place among the ruler's: a later one wins
    tokens: tuple[tuple[_Test, ...], ...]
    attrs: dict
    target: int  # the token of a match that gets `attrs`, counted from its first


@dataclass(frozen=True)
class _Judgement:
    """What the rules make of a token by its key: the settings of the one-token rules that
    match it (by rule order) and their merged attributes, and the longer rules that may start
    at it."""

    settings: list[tuple[int, dict]]
    attrs: dict
    longer: list[_Rule]


def _merged(settings: list[tuple[int, dict]]) -> dict:
    """The attributes `settings` leave a token with, applied in rule order."""
    merged: dict = {}
    for _, attrs in sorted(settings, key=lambda setting: setting[0]):
        merged.update(attrs)
    return merged


class UnsupportedPatternError(ValueError):
    """A pattern uses an operator, quantifier or attribute the lookup tables do not handle."""


class IndexedAttributeRuler:
    """Sets the attributes spaCy's `AttributeRuler` with the same patterns would set, finding
    the patterns that match a token through tables keyed by its attribute values."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._attributes: list[str] = []  # the attributes a token's key holds, in order
        self._patterns_added = 0
        # The rules whose first token requires one of some values of an attribute, by that
        # attribute's place in the key and each value; the rest are tried at every key.
        self._by_value: dict[tuple[int, object], list[_Rule]] = {}
        self._unindexed: list[_Rule] = []
        # What the rules make of a key, for the keys seen last (most recur in every Doc).
        self._judged: dict[tuple, _Judgement] = {}

    def add_patterns(self, patterns: Iterable[dict]) -> None:
        """Adds patterns in the format of `AttributeRuler.patterns`; raises
        `UnsupportedPatternError` (adding none) when one cannot be looked up by value."""
        patterns = list(patterns)
        compiled = [self._compile(self._patterns_added + n, p) for n, p in enumerate(patterns)]
        self._patterns_added += len(patterns)
        self._judged.clear()
        for rules in compiled:
            for rule in rules:
                anchor = self._anchor(rule.tokens[0])
                if anchor is None:
                    self._unindexed.append(rule)
                    continue
                values = {anchor.value} if anchor.operator == "==" else anchor.value
                for value in values:
                    self._by_value.setdefault((anchor.attribute, value), []).append(rule)

    def _anchor(self, tests: Sequence[_Test]) -> _Test | None:
        """The test to look a rule up by: of those naming the values an attribute may take, the
        one on the attribute whose values are the most varied."""

        def variety(test: _Test) -> int:
            name = self._attributes[test.attribute]
            return (
                _STRING_ATTRIBUTES.index(name)
                if name in _STRING_ATTRIBUTES
                else len(_STRING_ATTRIBUTES)
            )

        named = [t for t in tests if t.operator in ("==", "IN")]
        return min(named, key=variety, default=None)

    def _compile(self, order: int, pattern: dict) -> list[_Rule]:
        if "_" in pattern["attrs"]:
            # spaCy sets extension attributes one match at a time, which merging would not.
            raise UnsupportedPatternError(f"extension attributes in {pattern['attrs']!r}")
        attrs = normalize_token_attrs(self.vocab, pattern["attrs"])
        index = pattern.get("index", 0)
        rules = []
        for token_patterns in pattern["patterns"]:
            if not token_patterns or not isinstance(token_patterns, list):
                raise UnsupportedPatternError(f"not a list of token patterns: {token_patterns!r}")
            tokens = tuple(self._tests(spec) for spec in token_patterns)
            if not -len(tokens) <= index < len(tokens):
                raise UnsupportedPatternError(f"index {index} is outside {token_patterns!r}")
            target = index if index >= 0 else len(tokens) + index
            rules.append(_Rule(order=order, tokens=tokens, attrs=attrs, target=target))
        return rules

    def _tests(self, spec: dict) -> tuple[_Test, ...]:
        tests = []
        for name, wanted in spec.items():
            name = _ALIASES.get(name.upper(), name.upper())
            if name not in _STRING_ATTRIBUTES and not name.startswith("IS_"):
                raise UnsupportedPatternError(f"attribute {name!r} in {spec!r}")
            if name.startswith("IS_") and name not in spacy_attrs.IDS:
                raise UnsupportedPatternError(f"attribute {name!r} in {spec!r}")
            if name not in self._attributes:
                self._attributes.append(name)
            position = self._attributes.index(name)
            cast: Callable = bool if name.startswith("IS_") else str
            if not isinstance(wanted, dict):
                tests.append(_Test(position, "==", cast(wanted)))
                continue
            for operator, value in wanted.items():
                if operator in ("IN", "NOT_IN") and isinstance(value, list):
                    tests.append(_Test(position, operator, frozenset(cast(v) for v in value)))
                elif operator == "REGEX" and cast is str and isinstance(value, str):
                    tests.append(_Test(position, operator, re.compile(value)))
                else:
                    raise UnsupportedPatternError(f"{operator!r} in {spec!r}")
        return tuple(tests)

    def __call__(self, doc: Doc) -> Doc:
        keys = self._token_keys(doc)
        judged = [self._judge(key) for key in keys]
        # What rules of more than one token add to a token, by the token.
        added: dict[int, list[tuple[int, dict]]] = {}
        for start, judgement in enumerate(judged):
            for rule in judgement.longer:
                if self._rest_matches(rule, keys, start):
                    added.setdefault(start + rule.target, []).append((rule.order, rule.attrs))
        for i, judgement in enumerate(judged):
            attrs = judgement.attrs
            if i in added:
                attrs = _merged(judgement.settings + added[i])
            if attrs:
                set_token_attrs(doc[i], attrs)
        return doc

    def _judge(self, key: tuple) -> _Judgement:
        judgement = self._judged.get(key)
        if judgement is None:
            if len(self._judged) >= _KEYS_REMEMBERED:
                self._judged.clear()
            candidates = [r for p, v in enumerate(key) for r in self._by_value.get((p, v), ())]
            starting = [
                rule
                for rule in candidates + self._unindexed
                if all(test.holds(key) for test in rule.tokens[0])
            ]
            settings = [(r.order, r.attrs) for r in starting if len(r.tokens) == 1]
            judgement = self._judged[key] = _Judgement(
                settings=settings,
                attrs=_merged(settings),
                longer=[r for r in starting if len(r.tokens) > 1],
            )
        return judgement

    def _token_keys(self, doc: Doc) -> list[tuple]:
        if not self._attributes:
            return [()] * len(doc)
        strings = doc.vocab.strings
        ids = [spacy_attrs.IDS[name] for name in self._attributes]
        columns = doc.to_array(ids).reshape(len(doc), len(ids)).T.tolist()
        decoded: list[Sequence] = []
        for name, column in zip(self._attributes, columns, strict=True):
            if name.startswith("IS_"):
                decoded.append([bool(v) for v in column])
            else:
                text_of = {h: strings[h] for h in set(column)}
                decoded.append([text_of[h] for h in column])
        return list(zip(*decoded, strict=True))

    @staticmethod
    def _rest_matches(rule: _Rule, keys: Sequence[tuple], start: int) -> bool:
        if start + len(rule.tokens) > len(keys):
            return False
        return all(
            test.holds(keys[start + offset])
            for offset, tests in enumerate(rule.tokens[1:], start=1)
            for test in tests
        )


@Language.factory("newsledger_attribute_ruler_v1")
def make_attribute_ruler(nlp: Language, name: str) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(nlp.vocab)


def indexed_copy(nlp: Language, name: str = "attribute_ruler") -> bool:
    """Puts an `IndexedAttributeRuler` with the patterns of the pipeline's attribute ruler
    `name` in its place; True if it did, False where there is no such ruler or one of its
    patterns needs spaCy's Matcher (the pipeline is then left as it was)."""
    if name not in nlp.pipe_names or not isinstance(nlp.get_pipe(name), AttributeRuler):
        return False
    patterns = nlp.get_pipe(name).patterns
    indexed = IndexedAttributeRuler(nlp.vocab)
    try:
        indexed.add_patterns(patterns)
    except UnsupportedPatternError:
        return False
    nlp.replace_pipe(name, "newsledger_attribute_ruler_v1").add_patterns(patterns)
    return True
