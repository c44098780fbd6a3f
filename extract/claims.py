"""Claims: direct quotes and reported speech, each with its speaker, cue and evidence span.

Rules of English news copy, applied to a parsed Doc:

* A claim hangs on a reporting cue: a verb such as said / told / confirmed / warned whose
  subject is the speaker, or the phrase "according to X".
* The content sits to the right (`X said (that) ...`, `X said: "..."`, `X confirmed the
  assessment`, `X vowed to ...`) or, when nothing follows the cue, to the left
  (`..., X said.`, `"...," said X.`). A quotation that opened in an earlier sentence belongs
  to the attribution that closes it (multi-sentence quotes).
* Content that opens with a quotation is a direct quote; its text is the quoted words, the
  pieces of a quote interrupted by narration joined with " ... ". Content with only quoted
  fragments is reported speech, quote marks removed.
* A quote-only sentence that follows a direct quote continues that speaker
  (`"A," Kirby said. "B."` gives two claims).
* Speakers resolve through the article's entity mentions: names to full names, pronouns to
  the nearest person (or organization) named before, "the agency" to the agency named before;
  unnamed sources ("officials", "a U.S. official") keep their words.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Span, Token

from extract.doctext import (
    article_id_of,
    char_range,
    doc_text,
    per_doc,
    sentence_bounds,
    sentence_of,
    token_words,
    tokens_text,
)
from extract.records import EntityMention, Quote
from extract.timeexpr import find_date_text, resolve_date

__all__ = [
    "CUE_CLASSES",
    "PERSON_NOUNS",
    "QuoteSpan",
    "find_claims",
    "find_quote_spans",
    "sentence_indexer",
    "speaker_heads",
]

# fmt: off
# Reporting cue lemma -> cue class.
CUE_CLASSES: dict[str, str] = {
    **dict.fromkeys((
        "say", "tell", "add", "state", "write", "post", "note", "explain", "insist", "argue",
        "stress", "emphasize", "emphasise", "underscore", "reiterate", "conclude", "declare",
        "describe", "call", "cite", "highlight", "suggest", "clarify", "reply", "tweet", "brief",
        "express", "assert",
    ), "assert"),
    **dict.fromkeys((
        "confirm", "acknowledge", "admit", "verify",
    ), "confirm"),
    **dict.fromkeys((
        "deny", "reject", "dispute", "refute", "dismiss",
    ), "deny"),
    **dict.fromkeys((
        "warn", "threaten", "caution",
    ), "warn"),
    **dict.fromkeys((
        "estimate", "predict", "forecast", "tally", "calculate",
    ), "estimate"),
    **dict.fromkeys((
        "announce", "reveal", "disclose", "unveil",
    ), "announce"),
    **dict.fromkeys((
        "report",
    ), "report"),
    **dict.fromkeys((
        "claim", "allege", "accuse", "blame",
    ), "claim"),
    **dict.fromkeys((
        "promise", "pledge", "vow",
    ), "commit"),
    **dict.fromkeys((
        "urge", "demand",
    ), "urge"),
    **dict.fromkeys((
        "criticize", "criticise", "condemn",
    ), "criticize"),
    "refer": "decline_to_comment",
    "according_to": "attribute",
}
# "condemn" reports a reaction, not a statement with content: kept as a class, not as a cue.
_NOT_CUES = {"condemn"}

# Cues whose content may be a noun phrase object ("confirmed the assessment").
_OBJECT_CUES = {
    "accuse", "acknowledge", "admit", "allege", "blame", "brief", "call", "cite", "claim",
    "confirm", "criticise", "criticize", "declare", "demand", "deny", "describe", "disclose",
    "dismiss", "dispute", "emphasize", "estimate", "express", "forecast", "highlight", "pledge",
    "post", "predict", "promise", "reiterate", "reject", "report", "reveal", "stress", "suggest",
    "tally", "threaten", "underscore", "unveil", "urge", "verify", "vow", "warn",
}
# Cues whose content may be an infinitive ("vowed to continue").
_INFINITIVE_CUES = {
    "claim", "demand", "pledge", "promise", "threaten", "urge", "vow", "warn",
}
# Verbs that need a clause or a quote: "told the clinics to shut" is an order, not a claim.
_CLAUSE_ONLY = {
    "add", "argue", "assert", "clarify", "conclude", "explain", "insist", "note", "reply",
    "respond", "say", "state", "tell", "tweet", "write",
}
# Nouns that report a statement ("Kim's pledge to ...").
_NOUN_CUES = {
    "pledge": "commit", "vow": "commit", "promise": "commit", "warning": "warn", "threat": "warn",
    "claim": "claim",
}
# Subjects that are documents, not speakers: the speaker is their author.
_ARTIFACTS = {
    "analysis", "assessment", "communique", "count", "data", "datum", "document", "figure",
    "figures", "filing", "footage", "letter", "list", "memo", "message", "notice", "post",
    "readout", "record", "records", "release", "report", "statement", "study", "survey", "tally",
    "transcript", "video",
}
# Cues that also have non-speech senses ("tensions threatened to explode", "the fire claimed
# ten lives"): their subject must be someone who can speak.
_SPEECH_ONLY = {"say", "tell", "add", "state", "write", "according_to", "refer"}
# Nouns for people and institutions, which can speak.
_SPEAKER_NOUNS = {
    "activist", "administration", "agency", "alliance", "analyst", "army", "authority", "bank",
    "broadcaster", "campaign", "channel", "chief", "coalition", "command", "commission",
    "committee", "company", "council", "country", "court", "crew", "critic", "delegation",
    "diplomat", "doctor", "embassy", "expert", "faction", "family", "firm", "force", "forces",
    "government", "group", "guerrilla", "head", "hospital", "institute", "intelligence",
    "investigator", "lawmaker", "leader", "leadership", "media", "mediator", "medic", "member",
    "military", "militia", "ministry", "movement", "nation", "navy", "network", "newspaper",
    "observer", "office", "official", "opposition", "organisation", "organization", "outlet",
    "paramedic", "parliament", "party", "people", "police", "prosecutor", "public", "rebel",
    "regime", "relative", "rescuer", "researcher", "resident", "scientist", "service", "side",
    "source", "staff", "survivor", "team", "union", "university", "victim", "witness",
}
_AGENT_SUFFIXES = ("er", "or", "ist", "ian", "ant", "ent", "man", "woman", "person")
_PERSON_PRONOUNS = {"he", "she", "him", "her"}
_THING_PRONOUNS = {"it", "they", "them"}
# Pronouns that never name the speaker of a claim.
_SKIP_PRONOUNS = {
    "i", "me", "one", "that", "there", "these", "this", "those", "us", "we", "what", "which",
    "who", "you",
}
# fmt: on

_OPEN_DOUBLE = "“"
_CLOSE_DOUBLE = "”"
# The only characters that open, close or cut short a quotation.
_QUOTE_MARKS = re.compile(r'[\n“”„«»"‘’]')
_QUOTE_CHARS = '“”"„«»'
_TRAILING = " \t\n,.;:!?\"“”‘’'—–-"
_ENDS_IN_ABBREVIATION = re.compile(r"(?:^|[\s(])(?:[A-Za-z]\.){2,}$")
# Punctuation that never starts or ends a claim's words (quote marks are handled apart).
_EDGE_PUNCT = {",", ".", ";", ":", "!", "?", "—", "–", "-", "--", "...", "…", "(", ")"}
# Sentence connectives that belong to the narrator, not to the claim ("Separately, ...").
_DISCOURSE = re.compile(
    r"^(?:In addition|Additionally|Meanwhile|Separately|However|Moreover|Furthermore|Also|"
    r"Elsewhere|Earlier|Later|Still|Instead|Nonetheless|Nevertheless|Previously|Overall|"
    r"At the same time|On the other hand|In other news|In a separate development),\s+"
)
_DATELINE = re.compile(
    r"^[^\n]{0,80}?\((?:AP|AFP|Reuters|UPI|[A-Z][A-Za-z]{1,12})\)\s*(?:—|--|–|-)\s*"
)


@dataclass(frozen=True)
class QuoteSpan:
    """A quotation: `open_char`..`close_char` include the marks, `start`..`end` do not."""

    open_char: int
    close_char: int
    start: int
    end: int
    closed: bool  # False when the mark was never closed (the span runs to the paragraph end)


def sentence_indexer(doc: Doc) -> list[int]:
    """Start offsets of the Doc's non-blank sentences, for `bisect` lookups of an index."""
    return [start for start, _ in sentence_bounds(doc)]


def _sentence_index(starts: Sequence[int], char: int) -> int:
    return max(0, bisect.bisect_right(starts, char) - 1)


# --------------------------------------------------------------------------------------------
# Quotation marks
# --------------------------------------------------------------------------------------------
def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Every quotation in `text`. Curly and straight double quotes; curly single quotes that
    open at a word start. A quote left open closes at the end of its paragraph, unless the
    next paragraph reopens it (the news convention for quotes that run on)."""
    spans: list[QuoteSpan] = []
    n = len(text)
    open_at: int | None = None
    open_char = ""

    def close(at: int, end: int, closed: bool) -> None:
        nonlocal open_at
        assert open_at is not None
        inner_end = end
        if inner_end > open_at + 1:
            spans.append(QuoteSpan(open_at, at, open_at + 1, inner_end, closed))
        open_at = None

    for mark in _QUOTE_MARKS.finditer(text):
        i = mark.start()
        c = text[i]
        if c == "\n" and open_at is not None:
            # A paragraph ended inside a quote.
            end = i
            while end > open_at + 1 and text[end - 1].isspace():
                end -= 1
            close(end, end, False)
        elif open_at is None:
            prev = text[i - 1] if i else " "
            nxt = text[i + 1] if i + 1 < n else " "
            if (
                c == _OPEN_DOUBLE
                or c in "„«"
                or c == '"'
                and not nxt.isspace()
                and (prev.isspace() or prev in "([{—–-:,")
            ) or (
                c == "‘"
                and (prev.isspace() or prev in '([{—–-:"“')
                and not nxt.isspace()
                and _single_close(text, i + 1) is not None
            ):
                open_at, open_char = i, c
        else:
            if open_char == "‘":
                if c == "’" and (i + 1 >= n or not text[i + 1].isalnum()):
                    close(i + 1, i, True)
            elif c in (_CLOSE_DOUBLE, '"', "»"):
                close(i + 1, i, True)
            elif c == _OPEN_DOUBLE and open_char == _OPEN_DOUBLE:
                # A second opening mark: the first was never closed.
                end = i
                while end > open_at + 1 and text[end - 1].isspace():
                    end -= 1
                close(end, end, False)
                open_at, open_char = i, c
    if open_at is not None:
        end = n
        while end > open_at + 1 and text[end - 1].isspace():
            end -= 1
        close(end, end, False)
    return spans


def _single_close(text: str, start: int) -> int | None:
    """Where a single-quote quotation opened before `start` closes, on the same line."""
    for j in range(start, min(len(text), start + 300)):
        if text[j] == "\n":
            return None
        if text[j] == "’" and (j + 1 >= len(text) or not text[j + 1].isalnum()):
            return j
    return None


@per_doc  # the speakers of the entity rules and the claims read the same quotations
def _doc_quote_spans(doc: Doc) -> tuple[QuoteSpan, ...]:
    return tuple(find_quote_spans(doc_text(doc)))


class _Quotes:
    def __init__(self, doc: Doc) -> None:
        self.spans = _doc_quote_spans(doc)
        self._opens = [q.open_char for q in self.spans]
        self.mark_chars: set[int] = set()
        for q in self.spans:
            self.mark_chars.add(q.open_char)
            if q.closed:
                self.mark_chars.add(q.close_char - 1)

    def at(self, char: int) -> QuoteSpan | None:
        """The quotation whose inside holds `char`."""
        k = bisect.bisect_right(self._opens, char) - 1
        if k >= 0:
            q = self.spans[k]
            if q.start <= char < q.end:
                return q
        return None

    def within(self, start: int, end: int) -> list[QuoteSpan]:
        return [q for q in self.spans if q.start < end and q.end > start]

    def token_inside(self, token: Token) -> bool:
        return self.at(token.idx) is not None


# --------------------------------------------------------------------------------------------
# Cues and speakers
# --------------------------------------------------------------------------------------------
def _lemma(token: Token) -> str:
    return token.lemma_.lower()


def _is_cue_verb(token: Token) -> bool:
    if token.pos_ not in ("VERB", "AUX") and not token.tag_.startswith("VB"):
        return False
    return _is_cue_lemma(_lemma(token))


def _is_cue_lemma(lemma: str) -> bool:
    return lemma in CUE_CLASSES and lemma not in _NOT_CUES


def _may_cue(doc: Doc) -> list[bool]:
    """By token index: whether the token can be a cue verb or the "according" of "according
    to" (the other tokens need no closer look)."""
    words = token_words(doc)
    return [
        lower == "according" or _is_cue_lemma(lemma)
        for lower, lemma in zip(words.lower, words.lemma, strict=True)
    ]


def _according_to(token: Token) -> Token | None:
    """The object of "according to" when `token` is the word "according"."""
    if token.lower_ != "according":
        return None
    for child in token.children:
        if child.lower_ == "to":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if nxt is not None and nxt.lower_ == "to":
        for obj in nxt.children:
            if obj.dep_ == "pobj":
                return obj
    return None


_RELATIVE = {"who", "which", "that", "whom"}


def _subjects(verb: Token) -> list[Token]:
    """The subject heads of a cue verb, inherited through participles and conjuncts."""
    return _subjects_of(verb, set())


def _subjects_of(verb: Token, seen: set[int]) -> list[Token]:
    if verb.i in seen:
        return []
    seen.add(verb.i)
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if subj:
        # Two subjects is a parse error: either a coordination the parser split ("a local
        # official and two members said") or a stray noun ("..., said Decker Eveleth"), in
        # which case the nearest one speaks.
        closest = min(subj, key=lambda t: abs(t.i - verb.i))
        antecedent = _relative_antecedent(closest, verb)
        if antecedent is None:
            return []
        group = [antecedent]
        for other in sorted(subj, key=lambda t: abs(t.i - verb.i))[1:]:
            if (other.i < verb.i) != (closest.i < verb.i):
                continue
            lo, hi = sorted((other, group[-1]), key=lambda t: t.i)
            between = verb.doc[max(t.i for t in lo.subtree) + 1 : min(t.i for t in hi.subtree)]
            joined = (
                any(t.dep_ == "cc" for t in between)
                or verb.doc[max(t.i for t in lo.subtree)].dep_ == "cc"
            )
            if joined and all(t.dep_ == "cc" or t.is_punct for t in between):
                group.append(other)
        return sorted(group, key=lambda t: t.i)
    agents = [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
    if agents and not _is_passive_participle(verb):
        return agents
    detached = _detached_subject(verb)
    if detached is not None:
        return [detached]
    if verb.dep_ == "conj" and verb.head.i != verb.i:
        # "Kirby said troops are taking casualties, and promised ...": the parser hangs the
        # second verb on the reported clause; the same tense shows it belongs to "said".
        node = verb.head
        while node.dep_ in ("ccomp", "conj", "advcl") and node.head.i != node.i:
            node = node.head
            if _is_cue_verb(node) and node.tag_ == verb.tag_ and verb.head.tag_ != verb.tag_:
                return _subjects_of(node, seen)
        return _subjects_of(verb.head, seen)
    if verb.dep_ in ("advcl", "xcomp") and verb.head.i != verb.i:
        absolute = _with_subject(verb)
        if absolute is not None:
            return [absolute]
        # "X said ..., adding ..."; "X began ..., saying ..."
        return _subjects_of(verb.head, seen)
    return []


def _can_speak(subject: Token, mentions: _Mentions) -> bool:
    """A named actor, a pronoun, a document, or a noun for people or institutions."""
    m = mentions.of(subject)
    if m is not None:
        return m.entity_type in _ACTOR_TYPES
    if subject.pos_ == "PRON" or subject.pos_ == "PROPN":
        return True
    lemma = subject.lemma_.lower()
    return (
        lemma in _SPEAKER_NOUNS
        or subject.lower_ in _SPEAKER_NOUNS
        or lemma in PERSON_NOUNS
        or lemma in _ARTIFACTS
        or subject.lower_ in _ARTIFACTS
        or (lemma.endswith(_AGENT_SUFFIXES) and len(lemma) > 4)
    )


def _with_subject(verb: Token) -> Token | None:
    """ "..., with Kim last month threatening to ...": the noun after "with" does the verb."""
    doc = verb.doc
    j = verb.i - 1
    while (
        j >= 0
        and doc[j].dep_ in ("npadvmod", "advmod", "amod", "det")
        and doc[j].ent_type_ in ("DATE", "TIME", "")
        and doc[j].pos_ != "PROPN"
    ):
        j -= 1
    if j >= 1 and doc[j].dep_ == "pobj" and doc[j].head.lower_ == "with" and doc[j].head.i < j:
        return doc[j]
    return None


def _is_passive_participle(verb: Token) -> bool:
    return verb.tag_ == "VBN" and verb.dep_ in ("acl", "amod")


def _relative_antecedent(subject: Token, verb: Token) -> Token | None:
    """ "who"/"which" -> the noun the relative clause is about."""
    if subject.lower_ not in _RELATIVE or subject.pos_ not in ("PRON", "DET"):
        return subject
    if verb.dep_ != "relcl":
        return None
    head = verb.head
    if subject.lower_ == "who" and head.ent_type_ not in ("PERSON", "ORG", "NORP", "GPE"):
        # The parser often hangs the clause on the wrong noun; "who" wants a named actor.
        for t in reversed(list(verb.doc[sentence_of(verb).start : subject.i])):
            if t.ent_type_ in ("PERSON", "ORG", "NORP") and t.pos_ == "PROPN":
                return t
    return head


def _detached_subject(verb: Token) -> Token | None:
    """ "..., the agency, known by its acronym GUR, said": a post-posed subject the parser
    attached elsewhere. The noun phrase between the comma and the verb is the speaker."""
    doc = verb.doc
    if verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return None
    k = verb.i - 1
    while k >= 0 and doc[k].text in (",", "”", '"'):
        k -= 1
    if k < 0 or k == verb.i - 1 or doc[k].is_punct:
        return None
    node = doc[k]
    best = None
    while True:
        left = min(t.i for t in node.subtree)
        right = max(t.i for t in node.subtree)
        if right >= verb.i:
            break
        if (
            left > 0
            and doc[left - 1].text in (",", "”", '"', "—")
            and node.pos_ in ("NOUN", "PROPN")
        ):
            best = node
        if node.head.i == node.i:
            break
        node = node.head
    return best


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or (
        verb.tag_ == "VBN" and verb.dep_ in ("acl", "amod")
    )


def _blocked(verb: Token) -> bool:
    """Negated, modal or hypothetical cues carry no claim ("will neither confirm nor deny")."""
    for c in verb.children:
        if c.dep_ == "neg" or c.lower_ in ("neither", "nor", "never"):
            return True
        if c.dep_ == "aux" and c.tag_ == "MD":
            return True
        if c.dep_ == "aux" and c.lower_ == "to" and verb.dep_ in ("xcomp", "advcl", "acl"):
            return True  # "declined to say", "expected to announce": nothing was said yet
    return verb.dep_ == "conj" and _blocked_head(verb.head)


def _blocked_head(head: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ == "neither" for c in head.children) or any(
        c.dep_ == "aux" and c.tag_ == "MD" for c in head.children
    )


def speaker_heads(doc: Doc) -> list[Token]:
    """Head tokens of the noun phrases that speak in the Doc: subjects of reporting verbs and
    objects of "according to" (entities use them to find descriptive organizations)."""
    quotes = _Quotes(doc)
    heads: list[Token] = []
    for i, may_cue in enumerate(_may_cue(doc)):
        if not may_cue:
            continue
        token = doc[i]
        if quotes.token_inside(token):
            continue
        obj = _according_to(token)
        if obj is not None:
            heads.extend(_conjuncts(obj))
        elif _is_cue_verb(token) and not _blocked(token):
            for s in _subjects(token):
                heads.extend(_conjuncts(s))
    return heads


def _conjuncts(token: Token) -> list[Token]:
    out = [token]
    for c in token.children:
        if c.dep_ == "conj":
            out.extend(_conjuncts(c))
    return out


# --------------------------------------------------------------------------------------------
# Content regions
# --------------------------------------------------------------------------------------------
def _trim_tokens(doc: Doc, first: int, last: int) -> tuple[int, int] | None:
    """Token range [first, last] shrunk past edge punctuation and spaces; None if empty."""
    while first <= last and (doc[first].is_space or doc[first].text in _EDGE_PUNCT):
        first += 1
    while last >= first and (
        doc[last].is_space
        or doc[last].text in _EDGE_PUNCT
        or doc[last].dep_ in ("cc", "mark")
        and doc[last].pos_ in ("CCONJ", "SCONJ")
    ):
        last -= 1
    if first > last:
        return None
    return first, last


def _subtree_range(token: Token, exclude: Iterable[Token] = ()) -> tuple[int, int]:
    excluded = set()
    for e in exclude:
        excluded.update(t.i for t in e.subtree)
    idx = [t.i for t in token.subtree if t.i not in excluded]
    return min(idx), max(idx)


def _is_cue_token(token: Token) -> bool:
    return _is_cue_verb(token) or token.lower_ == "according"


def _right_content(verb: Token, lemma: str, quotes: _Quotes) -> tuple[int, int] | None:
    """Token range of the content that follows a cue verb, if any."""
    doc = verb.doc
    children = [c for c in verb.children if c.i > verb.i]
    ccomps = [
        c
        for c in children
        if c.dep_ in ("ccomp",) or (c.dep_ == "parataxis" and _starts_quote(c, quotes))
    ]
    if ccomps:
        c = ccomps[0]
        objects_before = [o for o in children if o.dep_ == "dobj" and o.i < c.i]
        if objects_before and lemma not in _CLAUSE_ONLY - {"say"}:
            # "tallied more than 1,200 deaths in regions it serves"; "says three missiles
            # fired by Houthis ... did not hit": the object starts the content.
            first = min(t.i for t in objects_before[0].subtree)
            last = max(t.i for t in c.subtree)
            return _trim_tokens(doc, first, last)
        extra = [
            s
            for s in children
            if s.dep_ == "conj" and s.i > c.i and any(m.dep_ == "mark" for m in s.children)
        ]
        first, last = _subtree_range(
            c, exclude=[x for x in c.children if _is_cue_token(x) and x.dep_ in ("conj", "advcl")]
        )
        for s in extra:
            last = max(last, max(t.i for t in s.subtree))
        return _trim_tokens(doc, first, last)
    # A quotation right after the verb ("said, “...”", "adding: “...”").
    j = verb.i + 1
    while j < len(doc) and doc[j].text in (",", ":", "—", "–") and not doc[j].is_sent_start:
        j += 1
    if j < len(doc) and doc[j].text in _QUOTE_CHARS and quotes.at(doc[j].idx + 1) is not None:
        q = quotes.at(doc[j].idx + 1)
        end_tok = _token_at_or_before(doc, q.end - 1)
        return j, end_tok
    nested = _nested_that_clause(verb, children)
    if nested is not None:
        return nested
    if lemma in _CLAUSE_ONLY:
        return None
    xcomps = [c for c in children if c.dep_ == "xcomp"]
    objects = [c for c in children if c.dep_ in ("dobj", "oprd", "attr")]
    if lemma in _INFINITIVE_CUES and xcomps and not objects:
        first, last = _subtree_range(xcomps[0])
        return _trim_tokens(doc, first, last)
    if lemma in _OBJECT_CUES and (objects or (lemma in ("brief", "warn") and children)):
        if xcomps and objects and lemma not in ("call", "declare", "describe"):
            return None  # "urged X to do": an order, handled as no claim
        if lemma == "declare" and not (xcomps or any(c.dep_ == "oprd" for c in children)):
            return None  # "declared a state of emergency": an act, not a statement
        parts = [
            c
            for c in children
            if c.dep_ in ("dobj", "oprd", "attr", "xcomp", "ccomp")
            or (
                c.dep_ == "prep"
                and c.lower_ in ("as", "with", "on", "of", "about", "for")
                and not any(o.ent_type_ in ("DATE", "TIME") for o in c.children)
            )
            or (c.dep_ == "advcl" and any(m.lower_ in ("if", "unless") for m in c.children))
            or (
                c.dep_ == "conj"
                and c.pos_ == "VERB"
                and not _is_cue_token(c)
                and not any(s.dep_ in ("nsubj", "nsubjpass") for s in c.children)
            )
        ]
        if lemma in ("brief", "warn"):
            parts = [c for c in parts if c.dep_ != "dobj"] or parts
        if not parts:
            return None
        first = min(min(t.i for t in p.subtree) for p in parts)
        last = max(max(t.i for t in p.subtree) for p in parts)
        return _trim_tokens(doc, first, last)
    return None


def _nested_that_clause(verb: Token, children: Sequence[Token]) -> tuple[int, int] | None:
    """ "told the BBC in an interview that ...": a that-clause the parser hung on a noun
    after the verb."""
    for c in children:
        if c.dep_ not in ("prep", "dobj", "dative", "npadvmod"):
            continue
        for t in c.subtree:
            if (
                t.dep_ in ("acl", "ccomp", "relcl")
                and t.pos_ in ("VERB", "AUX")
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in t.children)
            ):
                first, last = _subtree_range(t)
                return _trim_tokens(verb.doc, first, last)
    return None


def _starts_quote(token: Token, quotes: _Quotes) -> bool:
    first = min(t.i for t in token.subtree)
    return token.doc[first].text in _QUOTE_CHARS


def _token_at_or_before(doc: Doc, char: int) -> int:
    bounds = char_range(doc, char, char + 1)
    if bounds is not None and bounds[1] > bounds[0]:
        return bounds[0]
    for t in reversed(doc):
        if t.idx <= char:
            return t.i
    return 0


def _attribution_start(verb: Token, subjects: Sequence[Token]) -> int:
    """First token of the attribution clause around a post-posed cue ("..., X said")."""
    start = verb.i
    for s in subjects:
        if s.i < verb.i:
            start = min(start, min(t.i for t in s.subtree))
    j = start - 1
    while j >= 0:
        t = verb.doc[j]
        if t.head.i == verb.i and t.dep_ in ("aux", "neg", "advmod", "auxpass"):
            start = j
            j -= 1
            continue
        break
    return start


def _left_content(
    verb: Token, subjects: Sequence[Token], sent: Span, quotes: _Quotes
) -> tuple[int, int] | None:
    """Char range of the content before a post-posed attribution, if the cue has one."""
    doc = verb.doc
    a = _attribution_start(verb, subjects)
    if a <= sent.start:
        return None
    before = doc[a - 1]
    if not (before.is_punct and before.text in ',”"’—–:-' or before.text in _QUOTE_CHARS):
        return None
    end_char = before.idx
    j = a - 1
    while j >= sent.start and (doc[j].is_punct or doc[j].is_space):
        j -= 1
    if j < sent.start:
        return None
    end_char = doc[j].idx + len(doc[j].text)
    # Include a closing quote mark so that the region shows the quote it holds.
    start_tok = sent.start
    while start_tok < a and doc[start_tok].is_space:
        start_tok += 1
    start_char = doc[start_tok].idx
    m = _DATELINE.match(doc_text(doc)[start_char:end_char])
    if m:
        start_char += m.end()
    m = _DISCOURSE.match(doc_text(doc)[start_char:end_char])
    if m:
        start_char += m.end()
    q = quotes.at(start_char) or quotes.at(start_char + 1)
    if q is not None and q.open_char < start_char:
        start_char = q.open_char
    if end_char <= start_char:
        return None
    return start_char, end_char


# --------------------------------------------------------------------------------------------
# Claim text
# --------------------------------------------------------------------------------------------
def _strip_that(text: str) -> str:
    return re.sub(r"^(?:that|:)\s+", "", text)


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return _rstrip_edge(text.lstrip(_TRAILING)).strip()


def _rstrip_edge(text: str) -> str:
    """`text` without its trailing punctuation, except the period of an abbreviation that ends
    it ("in the U.S.", "at 7 a.m."), which belongs to the word."""
    stripped = text.rstrip(_TRAILING)
    if text[len(stripped) : len(stripped) + 1] == "." and _ENDS_IN_ABBREVIATION.search(
        stripped + "."
    ):
        return stripped + "."
    return stripped


def _piece(doc_text: str, lo: int, hi: int) -> tuple[str, int, int] | None:
    """The words of a quotation between `lo` and `hi` without edge punctuation, with offsets."""
    raw = doc_text[lo:hi]
    piece = _clean(raw)
    if not piece:
        return None
    start = lo + (len(raw) - len(raw.lstrip(_TRAILING)))
    end = hi - (len(raw) - len(_rstrip_edge(raw)))
    return piece, start, end


def _claim_text(doc_text: str, start: int, end: int, quotes: _Quotes) -> tuple[str, str, int, int]:
    """(kind, text, start, end) for a content region."""
    region = doc_text[start:end]
    lead = len(region) - len(region.lstrip())
    s = start + lead
    m = re.match(r"(?:that|:)\s+", doc_text[s:end])
    if m:
        s += m.end()
    inside = [q for q in quotes.within(s, end)]
    if inside and inside[0].open_char >= s - 1 and inside[0].open_char <= s:
        # Opens with a quotation: a direct quote, its pieces joined.
        pieces: list[tuple[str, int, int]] = []
        for q in inside:
            piece = _piece(doc_text, max(q.start, s), min(q.end, max(end, inside[0].end)))
            if piece is not None:
                pieces.append(piece)
        if not pieces:
            return "direct_quote", "", s, s
        text = " ... ".join(p for p, _, _ in pieces)
        return "direct_quote", text, pieces[0][1], pieces[-1][2]
    # The region without its quotation marks: those of the quotes, and any other.
    kept, previous = [], s
    for mark in sorted(k for k in quotes.mark_chars if s <= k < end):
        kept.append(doc_text[previous:mark])
        previous = mark + 1
    kept.append(doc_text[previous:end])
    text = _clean(_strip_that("".join(kept).translate(_WITHOUT_QUOTATION_MARKS)))
    return "reported", text, s, end


_WITHOUT_QUOTATION_MARKS = str.maketrans("", "", '“”"')


# --------------------------------------------------------------------------------------------
# Speakers
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Speaker:
    text: str
    name: str
    type: str
    position: int  # char offset of the speaker phrase


class _Mentions:
    def __init__(self, doc: Doc, mentions: Sequence[EntityMention], quotes: _Quotes) -> None:
        self.doc = doc
        self.list = sorted(mentions, key=lambda m: m.start_char)
        self.by_token: dict[int, EntityMention] = {}
        for m in self.list:
            bounds = char_range(doc, m.start_char, m.end_char)
            if bounds is None:
                continue
            for i in range(*bounds):
                self.by_token.setdefault(i, m)
        self.outside_quotes = [m for m in self.list if quotes.at(m.start_char) is None]

    def of(self, token: Token) -> EntityMention | None:
        return self.by_token.get(token.i)

    def display_name(self, m: EntityMention) -> str:
        """How the article names an actor in full: the canonical name for people and
        countries; for organizations the longest form the article writes out ("Pentagon",
        "Korean Central News Agency" for "KCNA"), since reference names ("U.S. Department of
        Defense") are the warehouse's business, not the article's."""
        if m.entity_type not in ("organization", "group"):
            return m.name
        forms = [x.text for x in self.list if x.name == m.name and x.entity_type == m.entity_type]
        spelled = [f for f in forms if not f.isupper() and len(f) > 1]
        if not spelled:
            return m.name
        return max(spelled, key=lambda f: (len(f.split()), len(f)))

    def before(self, char: int, types: Iterable[str]) -> list[EntityMention]:
        types = set(types)
        return [m for m in self.outside_quotes if m.end_char <= char and m.entity_type in types]


_ACTOR_TYPES = ("person", "organization", "country", "group")
# fmt: off
PERSON_NOUNS = {
    "admiral", "adviser", "advisor", "ambassador", "analyst", "brother", "chair", "chairman",
    "chairwoman", "chancellor", "chief", "colonel", "commander", "coordinator", "correspondent",
    "daughter", "diplomat", "director", "doctor", "envoy", "expert", "general", "governor", "head",
    "husband", "judge", "king", "lawmaker", "leader", "magistrate", "mayor", "minister",
    "neighbor", "neighbour", "officer", "official", "premier", "president", "prince", "prosecutor",
    "queen", "reporter", "researcher", "resident", "secretary", "senator", "sister", "son",
    "spokesman", "spokesperson", "spokeswoman", "wife", "witness",
}
# fmt: on


def _np_text(head: Token, *, keep_conj: bool = True) -> tuple[str, int, int]:
    """Words of a speaker phrase without relative clauses, appositions and edge punctuation."""
    drop = set()
    for c in head.children:
        if c.dep_ in ("relcl", "acl", "appos", "advcl") or (c.dep_ == "punct" and c.i > head.i):
            drop.update(t.i for t in c.subtree)
        if not keep_conj and c.dep_ in ("conj", "cc"):
            drop.update(t.i for t in c.subtree)
    idx = sorted(t.i for t in head.subtree if t.i not in drop)
    # keep it contiguous around the head
    lo = hi = idx.index(head.i)
    while lo > 0 and idx[lo - 1] == idx[lo] - 1:
        lo -= 1
    while hi + 1 < len(idx) and idx[hi + 1] == idx[hi] + 1:
        hi += 1
    first, last = idx[lo], idx[hi]
    doc = head.doc
    while first < last and (doc[first].is_punct or doc[first].lower_ == "the"):
        first += 1
    while last > first and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
    return doc_text(doc)[start:end], start, end


class _SpeakerResolver:
    def __init__(self, doc: Doc, mentions: _Mentions, quotes: _Quotes) -> None:
        self.doc = doc
        self.mentions = mentions
        self.quotes = quotes

    def resolve(self, head: Token, previous: Sequence[tuple[int, _Speaker]]) -> list[_Speaker]:
        """The speakers a subject phrase names (one per conjunct for named actors)."""
        lower = head.lower_
        if head.pos_ == "PRON" or (
            head.text.islower() and lower in _PERSON_PRONOUNS | _THING_PRONOUNS | _SKIP_PRONOUNS
        ):
            sp = self._pronoun(head, previous)
            return [sp] if sp else []
        if (head.lemma_.lower() in _ARTIFACTS or lower in _ARTIFACTS) and self.mentions.of(
            head
        ) is None:
            return self._artifact(head, previous)
        named = self._named(head)
        if named:
            return named
        return [self._unnamed(head, previous=previous)]

    def _named(self, head: Token) -> list[_Speaker]:
        conj = _conjuncts(head)
        found: list[_Speaker] = []
        for t in conj:
            m = self._mention_in_np(t)
            if m is not None:
                found.append(
                    _Speaker(m.text, self.mentions.display_name(m), m.entity_type, m.start_char)
                )
        if not found:
            return []
        if len(found) < len(conj):
            # A mix of named and unnamed conjuncts ("Japan and other officials"): name them all.
            for t in conj:
                if self._mention_in_np(t) is None:
                    found.append(self._unnamed(t, keep_conj=False))
        return found

    def _mention_in_np(self, head: Token) -> EntityMention | None:
        m = self.mentions.of(head)
        if m is not None and m.entity_type in _ACTOR_TYPES:
            return m
        if m is not None and m.entity_type not in _ACTOR_TYPES:
            return None
        # "spokesperson Vedant Patel": the name is a compound or apposition of the head noun.
        for c in head.children:
            if c.dep_ in ("compound", "appos", "flat", "npadvmod") or (
                c.dep_ == "nmod" and c.i > head.i
            ):
                m = self.mentions.of(c)
                if m is not None and m.entity_type == "person":
                    return m
        if head.lemma_.lower() in PERSON_NOUNS or head.lower_ in PERSON_NOUNS:
            # "Head of the Russian delegation Vladimir Medinsky": the name stands in apposition
            # deeper in the phrase (never as the object of "of": "sister of leader Kim").
            skip = {t.i for c in head.children if c.dep_ in ("relcl", "acl") for t in c.subtree}
            for t in head.subtree:
                if t.i in skip or t.dep_ not in ("appos",):
                    continue
                m = self.mentions.of(t)
                if m is not None and m.entity_type == "person":
                    return m
        if head.lemma_.lower() in ("government", "administration", "cabinet", "authorities"):
            for c in head.children:
                if c.dep_ in ("amod", "compound", "poss", "nmod"):
                    m = self.mentions.of(c)
                    if m is not None and m.entity_type == "country":
                        return m
        return None

    def _unnamed(
        self,
        head: Token,
        keep_conj: bool = True,
        previous: Sequence[tuple[int, _Speaker]] = (),
    ) -> _Speaker:
        text, start, _ = _np_text(head, keep_conj=keep_conj)
        definite = any(
            c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children
        )
        if definite:
            resolved = self._definite(head, start)
            if resolved is not None:
                return _Speaker(
                    text, self.mentions.display_name(resolved), resolved.entity_type, start
                )
            # "A spokesperson for the ministry said ... the spokesperson said": the same source.
            noun = head.lower_
            for _, sp in reversed(previous[-6:]):
                if sp.type == "unnamed" and noun in sp.name.lower().split() and sp.name != text:
                    return _Speaker(text, sp.name, "unnamed", start)
        name = _demonym_reorder(head, text, self.mentions)
        return _Speaker(text, name, "unnamed", start)

    def _definite(self, head: Token, char: int) -> EntityMention | None:
        """ "the agency" -> the agency named before; "the secretary" -> the Secretary named
        before."""
        noun = head.lemma_.lower()
        words = {head.lower_, noun}
        if noun in PERSON_NOUNS:
            for m in reversed(self.mentions.before(char, ["person"])):
                if m.role and words & set(re.findall(r"[a-z]+", m.role.lower())):
                    return m
            return None
        orgs = self.mentions.before(char, ["organization", "group"])
        for m in reversed(orgs):
            if words & set(
                re.findall(r"[a-z]+", (m.name + " " + m.text + " " + (m.role or "")).lower())
            ):
                return m
        if noun in ("group", "movement", "militia", "militants", "rebels", "faction"):
            groups = [m for m in orgs if m.entity_type == "group"]
            if groups:
                return groups[-1]
        return None

    def _pronoun(self, head: Token, previous: Sequence[tuple[int, _Speaker]]) -> _Speaker | None:
        lower = head.lower_
        char = head.idx
        if lower in _PERSON_PRONOUNS:
            persons = self.mentions.before(char, ["person"])
            if persons:
                m = persons[-1]
                return _Speaker(head.text, m.name, "person", char)
            return None
        if lower in _THING_PRONOUNS:
            for _, sp in reversed(previous[-3:]):
                if sp.type != "person":
                    return _Speaker(head.text, sp.name, sp.type, char)
            others = self.mentions.before(char, ["organization", "group", "country"])
            if others and lower == "it":
                m = others[-1]
                return _Speaker(head.text, self.mentions.display_name(m), m.entity_type, char)
        return None

    def _artifact(self, head: Token, previous: Sequence[tuple[int, _Speaker]]) -> list[_Speaker]:
        """ "a statement by X", "data from X", "a list provided by X", "X's statement"."""
        for t in head.subtree:
            if t.dep_ == "poss" and t.head.i == head.i:
                return self.resolve(t, previous)
            if (
                t.dep_ == "pobj"
                and t.head.lower_ in ("by", "from", "of")
                and (t.head.head.i == head.i or t.head.head.head.i == head.i)
            ):
                inner = [a for a in t.children if a.dep_ == "appos"]
                if inner and self._named(inner[0]):
                    return self._named(inner[0])
                return self.resolve(t, previous)
        # "a United Nations report", "a Russian statement": the actor named before the noun.
        for c in head.children:
            if c.dep_ in ("compound", "amod", "nmod") and c.i < head.i:
                named = self._named(c)
                if named:
                    return named
        # "..., a statement said": the statement of whoever spoke just before.
        singular = head.tag_ in ("NN", "NNP") and any(
            c.dep_ in ("det", "poss") for c in head.children
        )
        if previous and singular and head.idx - previous[-1][0] < 600:
            _, sp = previous[-1]
            return [_Speaker(head.text, sp.name, sp.type, head.idx)]
        return [self._unnamed(head, previous=previous)]


def _demonym_reorder(head: Token, text: str, mentions: _Mentions) -> str:
    """ "state media in North Korea" -> "North Korean state media", with the demonym the
    article itself uses for that country."""
    doc = head.doc
    for c in head.children:
        if c.dep_ == "prep" and c.lower_ == "in":
            objs = [o for o in c.children if o.dep_ == "pobj"]
            if not objs or objs[0].i != max(t.i for t in head.subtree):
                continue
            m = mentions.of(objs[0])
            if m is None or m.entity_type != "country":
                continue
            demonym = _demonym_in_text(m.text, doc_text(doc))
            if demonym is None:
                continue
            lead = doc_text(doc)[doc[min(t.i for t in head.subtree)].idx : c.idx].strip()
            lead = re.sub(r"^(?:the|The)\s+", "", lead)
            return (
                f"{demonym} {lead[:1].lower()}{lead[1:]}"
                if lead[:1].isupper() and not lead.isupper()
                else f"{demonym} {lead}"
            )
    return text


def _demonym_in_text(country: str, text: str) -> str | None:
    stem = country[:-1] if country.endswith(("a", "e", "y")) else country
    for form in (
        country + "n",
        country + "an",
        stem + "ian",
        country + "ian",
        stem + "an",
        country + "ese",
        stem + "ese",
        country + "i",
        stem + "i",
        country + "ish",
    ):
        if re.search(rf"\b{re.escape(form)}\b", text):
            return form
    return None


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------
def _claim_date(span: Span, anchor: date | None) -> tuple[date | None, str | None]:
    text = find_date_text(span)
    if not text:
        return None, None
    return resolve_date(text, anchor), text


# --------------------------------------------------------------------------------------------
# The pass
# --------------------------------------------------------------------------------------------
@dataclass
class _Draft:
    kind: str
    cue: str | None
    speaker: _Speaker
    text: str
    start: int
    end: int
    attribution: tuple[int, int]  # token range of the cue and its subject
    anchor_token: int


def find_claims(
    doc: Doc, mentions: Sequence[EntityMention], *, anchor_date: date | None
) -> list[Quote]:
    """Direct quotes and reported speech in `doc`, with speakers resolved through `mentions`.

    Records carry the Doc's `article_id_of`.
    """
    quotes = _Quotes(doc)
    known = _Mentions(doc, mentions, quotes)
    resolver = _SpeakerResolver(doc, known, quotes)
    drafts: list[_Draft] = []
    previous: list[tuple[int, _Speaker]] = []
    text = doc_text(doc)

    def emit(kind_text, cue, speakers, attribution, anchor):
        kind, claim_text, start, end = kind_text
        if len(re.findall(r"\w+", claim_text)) < 2 and cue != "refer":
            return
        for sp in speakers:
            drafts.append(_Draft(kind, cue, sp, claim_text, start, end, attribution, anchor))
            previous.append((start, sp))

    may_cue = _may_cue(doc)
    for sent in doc.sents:
        for i in range(sent.start, sent.end):
            if not may_cue[i]:
                continue
            token = doc[i]
            if quotes.token_inside(token):
                continue
            obj = _according_to(token)
            if obj is not None:
                _according(token, obj, sent, quotes, resolver, previous, emit, text)
                continue
            if not _is_cue_verb(token) or _blocked(token):
                continue
            lemma = _lemma(token)
            subjects = _subjects(token)
            if not subjects:
                continue
            if _is_passive(token) and not any(c.dep_ == "agent" for c in token.children):
                continue
            if lemma == "refer":
                _referral(token, subjects, resolver, previous, emit, text, quotes)
                continue
            claim = _verb_claim(token, lemma, subjects, sent, quotes)
            if claim is None:
                continue
            if lemma not in _SPEECH_ONLY and not all(_can_speak(s, known) for s in subjects):
                continue
            speakers = []
            for s in subjects:
                speakers.extend(resolver.resolve(s, previous))
            if len(subjects) > 1 and speakers and all(sp.type == "unnamed" for sp in speakers):
                first = min(t.i for t in subjects[0].subtree)
                joined, start, _ = _np_text(subjects[-1])
                span_text = doc_text(doc)[doc[first].idx : start + len(joined)]
                speakers = [_Speaker(span_text, span_text, "unnamed", doc[first].idx)]
            if not speakers:
                continue
            emit(
                claim,
                lemma,
                speakers,
                (min(token.i, *(s.i for s in subjects)), max(token.i, *(s.i for s in subjects))),
                token.i,
            )
        _noun_cues(sent, quotes, resolver, previous, emit, text)
    _headline_claims(doc, quotes, known, resolver, drafts, previous, emit)
    drafts.sort(key=lambda d: (d.start, d.anchor_token))
    _continuations(doc, quotes, drafts)
    return _records(doc, drafts, anchor_date)


def _verb_claim(
    verb: Token, lemma: str, subjects: Sequence[Token], sent: Span, quotes: _Quotes
) -> tuple[str, str, int, int] | None:
    """(kind, text, start, end) of what a cue verb reports, or None."""
    doc = verb.doc
    text = doc_text(doc)
    right = _right_content(verb, lemma, quotes)
    if right is not None:
        first, last = right
        end_char = doc[last].idx + len(doc[last].text)
        q = quotes.at(doc[first].idx + 1) if doc[first].text in _QUOTE_CHARS else None
        if q is not None and q.open_char == doc[first].idx:
            end_char = max(end_char, q.end)
        claim = _claim_text(text, doc[first].idx, end_char, quotes)
        if verb.dep_ == "relcl":
            claim = _relative_claim(verb, claim)
    elif verb.dep_ == "advcl" and any(m.lower_ == "as" for m in verb.children if m.dep_ == "mark"):
        # "As Blinken noted last week, the deal remains fragile."
        own = {t.i for t in verb.subtree}
        idx = [t.i for t in verb.head.subtree if t.i not in own and t.ent_type_ != "DATE"]
        trimmed = _trim_tokens(doc, min(idx), max(idx)) if idx else None
        if trimmed is None:
            return None
        first, last = trimmed
        claim = _claim_text(text, doc[first].idx, doc[last].idx + len(doc[last].text), quotes)
    else:
        left = _left_content(verb, subjects, sent, quotes)
        if left is None:
            return None
        claim = _claim_text(text, left[0], left[1], quotes)
        if len(re.findall(r"\w+", claim[1])) <= 2:
            claim = _parenthetical(verb, sent, claim, quotes)
            if claim is None:
                return None
    if _truncated(text, claim[3], quotes):
        return _cut_short(claim)
    return claim


def _relative_claim(verb: Token, claim: tuple[str, str, int, int]) -> tuple[str, str, int, int]:
    """ "the 5,600 buildings Turkish officials said were destroyed": the noun the relative
    clause hangs on is the subject of the reported clause."""
    doc = verb.doc
    head = verb.head
    if head.pos_ not in ("NOUN", "PROPN") or head.i > verb.i:
        return claim
    idx = [t.i for t in head.subtree if t.i < verb.i and not (verb.left_edge.i <= t.i)]
    if not idx:
        return claim
    first, last = min(idx), max(idx)
    while first < last and (doc[first].dep_ == "det" or doc[first].is_punct):
        first += 1
    np = tokens_text(doc, first, last + 1)
    kind, body, _, end = claim
    return kind, f"{np} ... {body}", doc[first].idx, end


def _parenthetical(
    verb: Token, sent: Span, claim: tuple[str, str, int, int], quotes: _Quotes
) -> tuple[str, str, int, int] | None:
    """ "Then, he said, the troops were dispatched ...": an attribution inside the clause."""
    doc = verb.doc
    j = verb.i + 1
    while (
        j < sent.end
        and doc[j].head.i == verb.i
        and doc[j].dep_ in ("npadvmod", "prep", "advmod", "dative", "tmod")
    ):
        j = max(t.i for t in doc[j].subtree) + 1
    if j >= sent.end or doc[j].text != ",":
        return None
    last = sent.end - 1
    trimmed = _trim_tokens(doc, j + 1, last)
    if trimmed is None:
        return None
    first, last = trimmed
    kind, body, start, end = _claim_text(
        doc_text(doc), doc[first].idx, doc[last].idx + len(doc[last].text), quotes
    )
    lead = claim[1]
    return kind, _clean(f"{lead} {body}" if lead else body), claim[2], end


_FUNCTION_WORDS = {
    "with",
    "the",
    "of",
    "and",
    "that",
    "a",
    "an",
    "to",
    "in",
    "on",
    "for",
    "by",
    "as",
    "at",
    "from",
    "or",
    "but",
    "its",
    "their",
    "his",
    "her",
    "was",
    "is",
    "were",
    "are",
    "be",
    "has",
    "have",
    "had",
    "which",
    "who",
}


def _cut_short(claim: tuple[str, str, int, int]) -> tuple[str, str, int, int] | None:
    """A claim the text's truncation cut off: kept only if enough of it survives."""
    kind, body, start, end = claim
    words = body.split()
    while words and words[-1].lower().strip(_TRAILING) in _FUNCTION_WORDS:
        words.pop()
    if len(words) < 6:
        return None
    return kind, _clean(" ".join(words)), start, end


def _truncated(text: str, end: int, quotes: _Quotes) -> bool:
    """Content that runs into the end of a cut-off text ("...warned of a spread of the")."""
    rest = text[end:].strip()
    if rest and rest not in _QUOTE_CHARS:
        return False
    tail = text.rstrip()
    return not tail or tail[-1] not in '.!?"”’)'


def _according(token, obj, sent, quotes, resolver, previous, emit, text):
    doc = token.doc
    phrase = list(token.subtree)
    p_first, p_last = phrase[0].i, phrase[-1].i
    # The clause the phrase modifies: its head's subtree minus the phrase.
    head = token.head
    while head.dep_ not in ("ROOT", "ccomp", "parataxis", "advcl") and head.head.i != head.i:
        head = head.head
    idx = [t.i for t in head.subtree if not (p_first <= t.i <= p_last)]
    if not idx:
        return
    first, last = min(idx), max(idx)
    # A phrase at either edge of the clause is cut off; one in the middle is removed below.
    if all(doc[i].is_punct or doc[i].is_space for i in idx if i > p_last):
        last = p_first - 1
    if all(doc[i].is_punct or doc[i].is_space for i in idx if i < p_first):
        first = p_last + 1
    if first > last:
        return
    trimmed = _trim_tokens(doc, first, last)
    if trimmed is None:
        return
    first, last = trimmed
    start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
    m = _DATELINE.match(text[start:end])
    if m:
        start += m.end()
    q = quotes.at(start) or quotes.at(start + 1)
    if q is not None and q.open_char < start:
        start = q.open_char
    if _truncated(text, end, quotes):
        return
    # Remove the phrase itself when it sits inside the range.
    claim = _claim_text(text, start, end, quotes)
    if phrase[0].idx > start and phrase[-1].idx < end:
        before = text[start : phrase[0].idx]
        after = text[phrase[-1].idx + len(phrase[-1].text) : end]
        kind, _, s, e = claim
        joined = _clean(before) + (" " + _clean(after) if _clean(after) else "")
        claim = (kind, _clean(re.sub(r"[“”\"]", "", joined)), s, e)
    speakers = []
    for o in _conjuncts(obj):
        speakers.extend(resolver.resolve(o, previous))
    emit(claim, "according_to", speakers, (p_first, p_last), token.i)


def _referral(token, subjects, resolver, previous, emit, text, quotes):
    """ "X referred questions to Y": a claim with no content beyond the referral."""
    doc = token.doc
    right = [c for c in token.children if c.i > token.i and c.dep_ in ("dobj", "prep")]
    if not right:
        return
    first = min(min(t.i for t in c.subtree) for c in right)
    last = max(max(t.i for t in c.subtree) for c in right)
    # Stop at a relative clause ("..., which did not comment").
    for t in doc[first : last + 1]:
        if t.dep_ == "relcl":
            last = min(last, min(x.i for x in t.subtree) - 1)
    trimmed = _trim_tokens(doc, first, last)
    if trimmed is None:
        return
    first, last = trimmed
    start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
    speakers = []
    for s in subjects:
        speakers.extend(resolver.resolve(s, previous))
    emit(
        ("reported", _clean(text[start:end]), start, end),
        "refer",
        speakers,
        (min(token.i, *(s.i for s in subjects)), token.i),
        token.i,
    )


def _noun_cues(sent, quotes, resolver, previous, emit, text):
    """ "Kim's pledge to increase ...": a possessive speaker and an infinitive or clause."""
    doc = sent.doc
    lemmas = token_words(doc).lemma
    for i in range(sent.start, sent.end):
        cue_class = _NOUN_CUES.get(lemmas[i])
        if cue_class is None:
            continue
        token = doc[i]
        if token.pos_ != "NOUN" or quotes.token_inside(token):
            continue
        poss = [c for c in token.children if c.dep_ == "poss"]
        comp = [
            c
            for c in token.children
            if c.dep_ in ("acl", "ccomp", "relcl")
            and c.i > token.i
            and any(a.lower_ in ("to", "that") for a in c.children)
        ]
        if not poss or not comp:
            continue
        first, last = _subtree_range(comp[0])
        trimmed = _trim_tokens(doc, first, last)
        if trimmed is None:
            continue
        first, last = trimmed
        start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
        speakers = resolver.resolve(poss[0], previous)
        speakers = [s for s in speakers if s.type != "unnamed"]
        if speakers:
            emit(
                _claim_text(text, start, end, quotes),
                token.lemma_.lower(),
                speakers,
                (poss[0].i, token.i),
                token.i,
            )


_HEADLINE_CUE = re.compile(
    r"^(?P<content>.+?),\s+(?:(?P<verb1>says|say|claims|claim|warns|warn|tells|confirms|confirm|"
    r"reports|report|insists|insist|denies|deny|announces|announce)\s+(?P<speaker1>[^,]{2,60})|"
    r"(?P<speaker2>[^,]{2,60}?)\s+(?P<verb2>says|say|claims|claim|warns|warn|confirms|confirm|"
    r"reports|report|insists|insist|denies|deny|announces|announce))$"
)
_HEADLINE_COLON = re.compile(r"^(?P<content>.{12,}?):\s+(?P<speaker>[^:]{2,40})$")


def _headline_claims(doc, quotes, known, resolver, drafts, previous, emit):
    """Attributions in headlines, which the parser reads poorly: "X, says Y", "X, Y claims",
    "X: Japanese government"."""
    text = doc_text(doc)
    covered = [(d.start, d.end) for d in drafts]
    for line_match in re.finditer(r"[^\n]+", text):
        line = line_match.group(0).rstrip()
        if not line or line[-1] in '.!?"”’' or len(line.split()) > 25:
            continue
        base = line_match.start()
        m = _HEADLINE_CUE.match(line)
        colon = _HEADLINE_COLON.match(line) if m is None else None
        if m is None and colon is None:
            continue
        if m is not None:
            content = m.group("content")
            verb = (m.group("verb1") or m.group("verb2")).lower()
            sp_group = "speaker1" if m.group("speaker1") else "speaker2"
            sp_start, sp_end = base + m.start(sp_group), base + m.end(sp_group)
            cue = {
                "says": "say",
                "claims": "claim",
                "warns": "warn",
                "tells": "tell",
                "confirms": "confirm",
                "reports": "report",
                "insists": "insist",
                "denies": "deny",
                "announces": "announce",
            }.get(verb, verb)
        else:
            content = colon.group("content")
            sp_start, sp_end = base + colon.start("speaker"), base + colon.end("speaker")
            cue = None
            if len(colon.group("speaker").split()) > 4:
                continue
        start, end = base, base + len(content)
        if any(s <= start < e or start <= s < end for s, e in covered):
            continue
        speaker_span = doc.char_span(sp_start, sp_end, alignment_mode="expand")
        if speaker_span is None:
            continue
        speakers = _headline_speakers(speaker_span, known, resolver, previous)
        if cue is None and not any(sp.type != "unnamed" for sp in speakers):
            continue
        if not speakers:
            continue
        emit(
            _claim_text(text, start, end, quotes),
            cue,
            speakers,
            (speaker_span.start, speaker_span.end - 1),
            speaker_span.start,
        )


def _headline_speakers(span, known, resolver, previous):
    found = []
    for t in span:
        m = known.of(t)
        if (
            m is not None
            and m.entity_type in _ACTOR_TYPES
            and (not found or found[-1].text != m.text)
        ):
            found.append(_Speaker(m.text, known.display_name(m), m.entity_type, m.start_char))
    words = [t for t in span if not t.is_punct]
    named = {t.i for t in span if known.of(t) is not None}
    rest = [t for t in words if t.i not in named]
    if rest and any(t.pos_ == "NOUN" for t in rest):
        # "US, Ukraine officials": the phrase names unnamed sources of those countries.
        txt = re.sub(r"^(?:the|The)\s+", "", span.text.strip())
        return [_Speaker(txt, txt, "unnamed", span.start_char)]
    return found


def _continuations(doc: Doc, quotes: _Quotes, drafts: list[_Draft]) -> None:
    """A quote-only sentence right after a direct quote continues it: `"A," X said. "B."`."""
    text = doc_text(doc)
    bounds = sentence_bounds(doc)
    claimed = [(d.start, d.end) for d in drafts]
    additions: list[_Draft] = []
    for q in quotes.spans:
        if any(s <= q.start < e or q.start <= s < q.end for s, e in claimed):
            continue
        if not q.closed and _truncated(text, q.end, quotes):
            continue
        k = next((i for i, (s, e) in enumerate(bounds) if s <= q.open_char < e), None)
        if k is None or k == 0 or bounds[k][0] != q.open_char:
            continue  # the quotation does not open its sentence
        # Nothing but punctuation between the closing mark and the end of its sentence.
        last_k = next(
            (i for i, (s, e) in enumerate(bounds) if s <= max(q.close_char - 1, q.open_char) < e), k
        )
        if re.search(r"\w", text[q.close_char : bounds[last_k][1]]):
            continue
        prior = [d for d in drafts + additions if d.end <= q.open_char]
        if not prior:
            continue
        last = max(prior, key=lambda d: (d.end, d.start))
        if last.kind != "direct_quote":
            continue
        att_char = max(last.end - 1, doc[last.attribution[1]].idx)
        prev_k = next((i for i, (s, e) in enumerate(bounds) if s <= att_char < e), None)
        if prev_k != k - 1:
            continue
        piece = _piece(text, q.start, q.end)
        if piece is None or len(re.findall(r"\w+", piece[0])) < 2:
            continue
        additions.append(
            _Draft(
                "direct_quote",
                last.cue,
                last.speaker,
                piece[0],
                piece[1],
                piece[2],
                last.attribution,
                last.anchor_token,
            )
        )
    drafts.extend(additions)
    drafts.sort(key=lambda d: (d.start, d.anchor_token))


def _records(doc: Doc, drafts: list[_Draft], anchor: date | None) -> list[Quote]:
    bounds = sentence_bounds(doc)
    starts = [start for start, _ in bounds]
    records = []
    seen = set()
    for d in drafts:
        key = (d.speaker.name, d.start, d.end, d.kind)
        if key in seen:
            continue
        seen.add(key)
        a_first, a_last = d.attribution
        lo = min(d.start, doc[a_first].idx)
        hi = max(d.end, doc[a_last].idx + len(doc[a_last].text))
        s_first = _sentence_index(starts, lo)
        s_last = _sentence_index(starts, max(lo, hi - 1))
        sentence_text = doc_text(doc)[starts[s_first] : bounds[s_last][1]] if bounds else ""
        attribution_span = _attribution_span(doc, d)
        claim_date, date_text = _claim_date(attribution_span, anchor)
        records.append(
            Quote(
                article_id=article_id_of(doc),
                claim_index=len(records),
                sentence_index=_sentence_index(starts, d.start),
                kind=d.kind,
                cue="according_to" if d.cue == "according_to" else d.cue,
                cue_class=CUE_CLASSES.get(d.cue) if d.cue else None,
                speaker_text=d.speaker.text,
                speaker_name=d.speaker.name,
                speaker_type=d.speaker.type if d.speaker.type in _ACTOR_TYPES else "unnamed",
                text=d.text,
                sentence=sentence_text,
                start_char=d.start,
                end_char=d.end,
                claim_date=claim_date,
                date_text=date_text,
            )
        )
    return records


def _attribution_span(doc: Doc, d: _Draft) -> Span:
    """The cue with its own modifiers ("said on Tuesday"), where the date of a claim sits."""
    cue = doc[d.anchor_token]
    idx = {cue.i}
    for c in cue.children:
        if c.dep_ in ("npadvmod", "prep", "advmod", "tmod") and not (d.start <= c.idx < d.end):
            idx.update(t.i for t in c.subtree)
    lo, hi = min(idx), max(idx)
    return doc[lo : hi + 1]
