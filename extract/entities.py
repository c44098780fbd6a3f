"""Named mentions of actors and places, typed by evidence and resolved within the article.

The small spaCy model's entities are the starting point; rules of news English correct them:

* evidence beats the model's label: a title before a name makes a person ("President X"),
  the gazetteer knows countries, capitals, demonyms and organizations, a word that is the
  surname of a person named in the article is that person, "X region" is a place;
* junk is dropped: bylines, photo credits, credit lines, datelines, lower-case fragments,
  title words the model took for organizations ("Defense" in "Defense Secretary");
* names are canonical within the article: titles and possessives stripped, surnames and
  partial names resolved to the full name, acronyms to the name they abbreviate, Korean-style
  hyphenated given names folded ("Kim Jong-un" -> "Kim Jong Un"), countries to the gazetteer
  name ("U.S." -> "United States"), ministries to one form ("Russia's Defense Ministry" ->
  "Russian Ministry of Defense");
* roles come from titles before the name and appositions after it, affiliations from the
  country or organization named in the title ("U.S. Defense Secretary Lloyd Austin");
* government bodies described rather than named ("Ukraine's air force") are mentions when
  they speak, and a demonym stands for its country when it modifies a state organ
  ("Thai officials").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, POS
from spacy.symbols import DET
from spacy.tokens import Doc, Span, Token

from extract.claims import PERSON_NOUNS, sentence_indexer, speaker_heads
from extract.doctext import (
    article_id_of,
    char_range,
    doc_text,
    entity_bounds,
    per_doc,
    span_text,
    token_words,
    tokens_text,
)
from extract.gazetteer import Country, Gazetteer, Organization
from extract.records import EntityMention

__all__ = ["find_mentions"]

# fmt: off
_NER_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "WORK_OF_ART"}
# Nouns after a name that make it a place ("the Kursk region").
_PLACE_WORDS = {
    "airport", "area", "base", "border", "capital", "city", "coast", "county", "district",
    "governorate", "island", "islands", "krai", "mountains", "neighborhood", "oblast", "peninsula",
    "port", "prefecture", "province", "region", "river", "sea", "strip", "town", "valley",
    "village",
}
# Prepositions of place ("in Kyiv").
_LOCATIVE_PREPS = {
    "across", "around", "at", "from", "in", "inside", "into", "near", "off", "outside", "over",
    "throughout", "toward", "towards", "via", "within",
}
# Last words of facility names, which are places, not organizations.
_FACILITY_WORDS = {
    "airport", "base", "bridge", "complex", "dam", "depot", "facility", "mine", "pipeline",
    "plant", "port", "reactor", "refinery", "station", "terminal",
}
# Words after a platform's name ("the Telegram messaging app").
_PLATFORM_WORDS = {
    "account", "app", "channel", "feed", "messaging", "page", "platform",
}
# Heads a demonym modifies when it stands for its state ("Thai officials").
_STATE_ORGANS = {
    "ambassador", "army", "authorities", "counterpart", "defence", "defense", "delegation",
    "diplomat", "diplomats", "embassy", "envoy", "force", "forces", "foreign", "government",
    "intelligence", "jets", "lawmakers", "leader", "leadership", "military", "minister",
    "ministry", "navy", "official", "officials", "parliament", "police", "president", "prime",
    "regime", "soldiers", "spokesman", "spokesperson", "spokeswoman", "troops", "warplanes",
}
# Head nouns of government bodies and other institutions.
_INSTITUTIONS = {
    "administration", "agency", "army", "assembly", "bureau", "cabinet", "coastguard", "command",
    "commission", "committee", "council", "court", "delegation", "department", "directorate",
    "embassy", "force", "forces", "government", "guard", "headquarters", "kremlin", "legislature",
    "military", "ministry", "navy", "office", "parliament", "police", "presidency", "prosecutor",
    "secretariat", "service", "staff",
}
_GROUP_INSTITUTIONS = {"delegation"}
_MINISTRY_PORTFOLIO = {"foreign": "Foreign Affairs", "defence": "Defense"}
# Lower-case words inside personal names ("von der", "al-").
_NAME_PARTICLES = {
    "abu", "al", "ben", "bin", "bint", "da", "das", "de", "del", "den", "der", "di", "dos", "du",
    "el", "ibn", "la", "le", "van", "von",
}
# fmt: on
_CREDIT_LINE = re.compile(
    r"^\s*(?:by\b|by\s*·|photo\b|photos\b|photograph|photographer|credit|image|source\s*:|"
    r"file photo|copyright|©)",
    re.IGNORECASE,
)
_CREDIT_SENTENCE = re.compile(
    r"contributed to this report|was used in this report|contributed reporting|"
    r"information (?:was|were) provided by|reporting by|editing by|writing by",
    re.IGNORECASE,
)
_INLINE_CREDIT = re.compile(r"\b(?:Photo|Photographer|Photos|Credit|Image|Source)\s*:\s*[^\n]*")
_DATELINE_CREDIT = re.compile(r"\((?P<agency>[A-Z][A-Za-z]{1,11})\)\s*(?:—|--|–|-)")
_WHITESPACE = re.compile(r"\s")
_KOREAN_GIVEN = re.compile(r"^([A-Z][a-z]{1,5})-([a-z]{1,5})$")
_POSSESSIVE_END = re.compile(r"[’']s$")
_SPACE_RUN = re.compile(r"\s+")
_LETTER = re.compile(r"[A-Za-z]")


@dataclass
class _Cand:
    start: int  # token range [start, end)
    end: int
    label: str
    source: str  # ner | title | gazetteer | description | demonym
    etype: str | None = None
    name: str | None = None
    role: str | None = None
    affiliation: str | None = None
    country: Country | None = None
    org: Organization | None = None
    title_tokens: int = 0  # leading title words inside the span (stripped from the name)
    alias_of: _Cand | None = None  # the organization this is a second name of


@per_doc
def _punct_and_space(doc: Doc) -> tuple[list[bool], list[bool]]:
    """For each token: is it punctuation, is it space."""
    punct, space = doc.to_array([IS_PUNCT, IS_SPACE]).T.tolist()
    return [bool(p) for p in punct], [bool(s) for s in space]


def _strip_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token range without determiners, edge punctuation and a trailing possessive."""
    words = token_words(doc)
    text, lower = words.text, words.lower
    punct, space = _punct_and_space(doc)
    while start < end and (
        lower[start] in ("the", "a", "an")
        or (punct[start] and text[start] != "[")
        or space[start]
    ):
        start += 1
    while end > start and (
        lower[end - 1] in ("'s", "’s", "'", "’")
        or (punct[end - 1] and text[end - 1] not in ("]", ")"))
        or space[end - 1]
    ):
        end -= 1
    # A closing bracket needs its opening one ("[Joe] Biden").
    if (
        start < end
        and "]" in text[start:end]
        and "[" not in text[start:end]
        and start > 0
        and text[start - 1] == "["
    ):
        start -= 1
    if end > start and text[end - 1] == ")" and "(" not in text[start:end]:
        end -= 1
    return start, end


def _clean_name(text: str) -> str:
    text = text.replace("[", "").replace("]", "")
    text = _POSSESSIVE_END.sub("", text.strip())
    text = _SPACE_RUN.sub(" ", text).strip(" ,;:’'\"“”")
    return text


def _fold_korean(name: str) -> str:
    """ "Kim Jong-un" -> "Kim Jong Un": a two-syllable given name joined by a hyphen, written
    with a lower-case second syllable, is the same name as the spaced, capitalized form."""
    parts = name.split()
    if len(parts) == 2 and len(parts[0]) <= 4:
        m = _KOREAN_GIVEN.match(parts[1])
        if m:
            return f"{parts[0]} {m.group(1)} {m.group(2).capitalize()}"
    return name


class _Context:
    """Per-Doc lookups shared by the passes below."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer) -> None:
        self.doc = doc
        self.gaz = gazetteer
        self.text = doc_text(doc)
        self.words = token_words(doc).text
        # Token attributes the candidate scans read for every token, without making Tokens.
        self.starts, self.pos, alpha = doc.to_array([IDX, POS, IS_ALPHA]).T.tolist()
        self.alpha = [bool(a) for a in alpha]
        self.blank = [p or s for p, s in zip(*_punct_and_space(doc), strict=True)]
        ends_title = {w: gazetteer.may_end_title(w) for w in set(self.words)}
        self.may_end_title = [ends_title[w] for w in self.words]
        # For each token, the first token from it on that may end a title; if none, a number
        # past every window of words the title scan reads.
        self.next_title_end = [len(self.words) + _TITLE_SCAN_WORDS] * (len(self.words) + 1)
        for i in range(len(self.words) - 1, -1, -1):
            self.next_title_end[i] = i if self.may_end_title[i] else self.next_title_end[i + 1]
        self.skip_chars = _skip_ranges(doc_text(doc))
        self.verbless_lines = _verbless_lines(doc, self.blank)
        self.speakers = {t.i for t in speaker_heads(doc)}
        self.title_tokens: set[int] = set()  # words of titles before a name ("Secretary of State")
        self._sentence_starts = sentence_indexer(doc)

    def sentence_of(self, token_i: int) -> int:
        """Index of the (non-blank) sentence that holds token `token_i`."""
        char = self.doc[token_i].idx
        return max(0, bisect.bisect_right(self._sentence_starts, char) - 1)

    def skipped(self, start_char: int) -> bool:
        k = bisect.bisect_right(self.skip_chars, (start_char, float("inf"))) - 1
        return k >= 0 and self.skip_chars[k][0] <= start_char < self.skip_chars[k][1]

    def in_verbless_line(self, start_char: int) -> bool:
        return any(s <= start_char < e for s, e in self.verbless_lines)

    def is_title(self, words: Sequence[str]) -> int:
        n = self.gaz.title_length(list(words))
        if n:
            return n
        if (
            words
            and words[0].lower() in PERSON_NOUNS
            and words[0].lower() not in ("sister", "brother")
        ):
            return 1
        return 0

    def is_title_word(self, word: str) -> bool:
        return self.gaz.is_title_word(word) or word.lower() in PERSON_NOUNS


def _skip_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges that name no actor: bylines, photo credits, credit lines, datelines."""
    ranges = []
    # A line holds a match only where the whole text does: most texts need no line searched.
    inline_credits = _INLINE_CREDIT.search(text) is not None
    credit_sentences = _CREDIT_SENTENCE.search(text) is not None
    for line in re.finditer(r"[^\n]+", text):
        s, e = line.start(), line.end()
        if _CREDIT_LINE.match(line.group(0)):
            ranges.append((s, e))
            continue
        if inline_credits:
            for m in _INLINE_CREDIT.finditer(line.group(0)):
                ranges.append((s + m.start(), e))
        if credit_sentences and _CREDIT_SENTENCE.search(line.group(0)):
            for m in re.finditer(r"[^.!?]*(?:[.!?]|$)", line.group(0)):
                if m.group(0) and _CREDIT_SENTENCE.search(m.group(0)):
                    ranges.append((s + m.start(), s + m.end()))
        m = _DATELINE_CREDIT.search(line.group(0)[:90])
        if m:
            ranges.append((s + m.start(), s + m.end()))
    return sorted(ranges)


def _verbless_lines(doc: Doc, blank: Sequence[bool]) -> list[tuple[int, int]]:
    """Byline-like lines: no verb, and either little but names ("Associated Press") or the
    marks of a byline (an ampersand, a middle dot, a numeric date). `blank` tells, for each
    token, whether it is punctuation or space."""
    out = []
    text = doc_text(doc)
    for line in re.finditer(r"[^\n]+", text):
        bounds = char_range(doc, line.start(), line.end())
        if bounds is None:
            continue
        word_indexes = [i for i in range(*bounds) if not blank[i]]
        if not word_indexes or len(word_indexes) > 12:
            continue
        words = [doc[i] for i in word_indexes]
        if any(t.pos_ in ("VERB", "AUX") for t in words):
            continue
        named = sum(1 for t in words if t.ent_type_ in ("PERSON", "ORG"))
        marked = re.search(r"[&·|]|\b\d{1,2}/\d{1,2}/\d{2,4}\b", line.group(0))
        if marked or (len(words) <= 6 and named * 2 >= len(words)):
            out.append((line.start(), line.end()))
    return out


# --------------------------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------------------------
def _ner_candidates(ctx: _Context) -> list[_Cand]:
    doc = ctx.doc
    strings, words = doc.vocab.strings, ctx.words
    _, space = _punct_and_space(doc)
    out = []
    for ent_start, ent_end, label_id, _, _ in entity_bounds(doc):
        label = strings[label_id]
        if label not in _NER_LABELS:
            continue
        # An entity that runs over a line break is two fragments (a token's own trailing
        # whitespace is one space at most: line breaks are space tokens).
        pieces, start = [], ent_start
        for i in range(ent_start, ent_end):
            if space[i] and "\n" in words[i]:
                pieces.append((start, i))
                start = i + 1
        pieces.append((start, ent_end))
        for s, e in pieces:
            s, e = _strip_span(doc, s, e)
            if s >= e:
                continue
            out.append(_Cand(s, e, label, "ner"))
    return out


def _tokens_of_word(doc: Doc, lower: str) -> list[Token]:
    return [doc[i] for i, word in enumerate(token_words(doc).lower) if word == lower]


def _capitalized(token: Token) -> bool:
    return _capitalized_text(token.text)


def _capitalized_text(word: str) -> bool:
    return word[:1].isupper() or word[:1] == "["


def _name_run(doc: Doc, i: int) -> int:
    """End of a run of capitalized name words starting at token i. Particles ("von der",
    "al-") and hyphenated parts ("Jong-un", "Kun-young") belong to the name."""
    j = i
    while j < len(doc):
        t = doc[j]
        if t.text in ("[", "]") or (
            _capitalized(t)
            and t.pos_ in ("PROPN", "NOUN", "ADJ", "X", "VERB")
            and not t.is_punct
            and t.text[0].isalpha()
        ):
            j += 1
            continue
        if t.lower_ in _NAME_PARTICLES and j > i and _particle_continues(doc, j):
            j += 1
            continue
        if (
            t.text == "-"
            and j > i
            and j + 1 < len(doc)
            and not t.whitespace_
            and (doc[j + 1].is_alpha and not doc[j - 1].whitespace_)
        ):
            j += 2
            continue
        break
    while j > i and doc[j - 1].text in ("[", "-"):
        j -= 1
    return j


def _particle_continues(doc: Doc, j: int) -> bool:
    """A name particle continues the name when more particles or a capitalized word follow."""
    k = j + 1
    while k < len(doc) and (doc[k].lower_ in _NAME_PARTICLES or doc[k].text == "-"):
        k += 1
    return k < len(doc) and k > j and _capitalized(doc[k]) and doc[k].text[0].isalpha()


# How many words from each token the title scan reads for a title ("Deputy Chief of Staff").
_TITLE_SCAN_WORDS = 6


def _title_candidates(ctx: _Context) -> list[_Cand]:
    """Persons announced by a title: "President Zelenskyy", "Governor Vitalii Kim"."""
    doc = ctx.doc
    out = []
    i = 0
    while i < len(doc):
        if not ctx.alpha[i] or ctx.next_title_end[i] >= i + _TITLE_SCAN_WORDS:
            i += 1
            continue
        window = slice(i, i + _TITLE_SCAN_WORDS)
        n = ctx.gaz.title_length(ctx.words[window], ctx.may_end_title[window])
        if not n:
            i += 1
            continue
        j = i + n
        end = _name_run(doc, j)
        # Titles chain ("press secretary Major General Pat Ryder"): skip inner titles.
        while end > j and (m := ctx.gaz.title_length(ctx.words[j:end], ctx.may_end_title[j:end])):
            if m >= end - j:
                break
            j += m
        if end > j and 1 <= end - j <= 5 and doc[end - 1].lower_ not in _INSTITUTIONS:
            ctx.title_tokens.update(range(i, j))
            words = doc[j:end]
            text = words.text
            if not (
                ctx.gaz.country(text)
                or ctx.gaz.organization(text)
                or ctx.gaz.country_by_demonym(text)
                or ctx.gaz.country_by_capital(text)
                or any(w.ent_type_ in ("DATE", "TIME", "CARDINAL") for w in words)
            ):
                out.append(_Cand(j, end, "PERSON", "title"))
            i = end
            continue
        i += n
    return out


def _gazetteer_candidates(ctx: _Context) -> list[_Cand]:
    """Longest matches of country, capital and organization names on capitalized words."""
    words, starts = ctx.words, ctx.starts
    out = []
    i = 0
    while i < len(words):
        first = words[i][:1]
        if not (first.isupper() and first.isalpha()) or ctx.pos[i] == DET:
            i += 1
            continue
        best = None
        # A run past the first space is a name only if its first word can start one.
        first_word_end = _next_space(ctx.text, starts[i])
        last = min(len(words), i + 9)
        if not ctx.gaz.may_start_name(ctx.text[starts[i] : first_word_end]):
            # No token runs over a space: the first word's tokens are those starting in it.
            last, top = i + 1, last
            while last < top and starts[last] < first_word_end:
                last += 1
        for j in range(last, i, -1):
            if ctx.blank[j - 1]:
                continue
            end = starts[j - 1] + len(words[j - 1])
            text = ctx.text[starts[i] : end]
            if "\n" in text:
                continue
            country, org, capital = ctx.gaz.name_match(text)
            if country or org or capital:
                # Lower-case words only inside a name, never as the whole of it.
                if not any(_capitalized_text(w) for w in words[i:j]):
                    continue
                if text.isupper() is False and j - i == 1 and text.lower() == text:
                    continue
                best = _Cand(
                    i,
                    j,
                    "GPE" if (country or capital) else "ORG",
                    "gazetteer",
                    country=country or capital,
                    org=org,
                )
                if capital:
                    best.etype = "capital"
                break
        if best is not None:
            # "US" in "us" or in the middle of a longer name is not the country.
            if not (best.end - best.start == 1 and words[best.start].islower()):
                out.append(best)
            i = best.end
        else:
            i += 1
    return out


def _next_space(text: str, start: int) -> int:
    """Where the first whitespace at or after `start` is (the text's length if none)."""
    space = _WHITESPACE.search(text, start)
    return space.start() if space else len(text)


def _merge(ctx: _Context, ner: list[_Cand], title: list[_Cand], gaz: list[_Cand]) -> list[_Cand]:
    """One candidate per stretch of text: titles beat gazetteer matches, which beat the model
    unless the model's entity is longer (a name that contains a place)."""
    chosen: list[_Cand] = []
    taken = bytearray(len(ctx.words))  # 1 for every token a chosen candidate covers

    def choose(c: _Cand) -> None:
        chosen.append(c)
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)

    def free(c: _Cand) -> bool:
        return not any(taken[c.start : c.end])

    for t in title:
        choose(t)
    # The model's entities are disjoint and in text order, so their ends are sorted too.
    ner_ends = [n.end for n in ner]
    for g in gaz:
        if not free(g):
            continue
        longer = []
        k = bisect.bisect_right(ner_ends, g.start)
        while k < len(ner) and ner[k].start < g.end:
            n = ner[k]
            if (
                (n.end - n.start) > (g.end - g.start)
                and n.label in ("ORG", "FAC", "LOC", "PERSON", "WORK_OF_ART")
                and not (n.start >= g.start and n.end <= g.end)
            ):
                longer.append(n)
            k += 1
        if longer and not _title_inside(ctx, longer[0], g):
            continue
        choose(g)
    for n in ner:
        if n.label != "PERSON" and all(i in ctx.title_tokens for i in range(n.start, n.end)):
            continue  # "State" in "Secretary of State", "Defense" in "Defense Secretary"
        if not free(n):
            # Keep the part of an organization left of a person or title ("Kremlin spokesman").
            continue
        choose(n)
    return sorted(chosen, key=lambda c: c.start)


def _title_inside(ctx: _Context, ner: _Cand, g: _Cand) -> bool:
    """ "US National Security Council Coordinator ...": a title word after the gazetteer name."""
    doc = ctx.doc
    return any(
        ctx.gaz.title(t.text) is not None or t.lower_ in PERSON_NOUNS for t in doc[g.end : ner.end]
    )


# --------------------------------------------------------------------------------------------
# Typing
# --------------------------------------------------------------------------------------------
def _head(doc: Doc, c: _Cand) -> Token:
    return Span(doc, c.start, c.end).root


def _locative_prep(token: Token) -> Token | None:
    """The preposition of place that governs a name ("in Kyiv", "as well as the Indo-Pacific"
    after "in Europe"), if any."""
    node = token
    while node.dep_ in ("conj", "appos", "compound") and node.head.i != node.i:
        node = node.head
    if node.dep_ == "pobj" and node.head.lower_ in _LOCATIVE_PREPS:
        return node.head
    return None


def _locative(token: Token) -> bool:
    return _locative_prep(token) is not None


def _acting(token: Token) -> bool:
    """A capital used for its government: "Moscow said", "Pyongyang's soldiers", "with Tokyo"."""
    node = token
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    if node.dep_ in ("nsubj", "nsubjpass", "poss", "dobj"):
        return True
    if node.dep_ == "pobj" and node.head.lower_ in ("with", "against", "by", "between"):
        return True
    return (
        node.dep_ == "ROOT"
        and token.i + 1 < len(token.doc)
        and token.nbor(1).lower_ in ("'s", "’s")
    )


def _descriptive(span: Span) -> bool:
    """A phrase headed by a lower-case noun ("the Ukrainian army"): a description, not a name."""
    words = [t for t in span if t.is_alpha]
    return bool(words) and words[-1].text.islower()


def _followed_by_place_word(doc: Doc, c: _Cand) -> bool:
    """"the Kursk region", and "the Kharkiv and Zaporizhzhia regions" too."""
    return c.end < len(doc) and (
        doc[c.end].lower_ in _PLACE_WORDS or doc[c.end].lemma_.lower() in _PLACE_WORDS
    )


def _type(ctx: _Context, c: _Cand) -> None:
    """Sets c.etype (or None to drop the candidate) from the evidence around it."""
    doc = ctx.doc
    span = doc[c.start : c.end]
    text = span_text(span)
    head = _head(doc, c)
    first_char = span.start_char
    if ctx.skipped(first_char):
        c.etype = None
        return
    if (
        c.source != "title"
        and c.country is None
        and head.dep_ == "pobj"
        and head.head.lower_ == "of"
        and head.head.head.lower_ in _PLACE_WORDS
    ):
        c.etype = "location"  # "the border city of Belgorod"
        return
    if c.source == "gazetteer":
        if c.org is not None and _descriptive(span) and not any(t.i in ctx.speakers for t in span):
            # "the Ukrainian army", "the Russian military": reference data knows the body, but
            # a description names an actor only where it speaks.
            c.etype = None
            return
        if c.etype == "capital":
            c.etype = (
                "country" if _acting(head) and not _followed_by_place_word(doc, c) else "location"
            )
            return
        if c.country is not None:
            c.etype = "country"
            return
        if c.org is not None:
            c.etype = (
                "group"
                if (c.org.org_type or "") in ("armed_group", "militant_group", "group")
                else "organization"
            )
            return
    if c.label == "PERSON":
        if ctx.in_verbless_line(first_char) and c.source != "title":
            c.etype = None
            return
        if not span[0].text[:1].isupper() and span[0].text != "[":
            c.etype = None
            return
        if re.search(r"[/@&\d]", text):
            c.etype = None
            return
        content = [t for t in span if t.lower_ not in _NAME_PARTICLES and t.is_alpha]
        if c.source != "title" and (
            len(content) > 4
            or any(
                ctx.gaz.organization(t.text) or ctx.gaz.country(t.text, codes=False)
                for t in span
                if t.is_alpha
            )
        ):
            c.etype = None  # a title-case headline the model took for a name
            return
        if _followed_by_place_word(doc, c):
            c.etype = "location"
            return
        prep = _locative_prep(head)
        if (
            c.source != "title"
            and prep is not None
            and (
                len(span) == 1 or prep.lower_ in ("in", "near", "at", "outside", "inside", "around")
            )
        ):
            c.etype = "location-or-person"
            return
        if (
            len(span) == 1
            and text.endswith("s")
            and (
                any(t.lower_ == "the" or t.dep_ == "poss" for t in head.lefts)
                or head.tag_ == "NNPS"
            )
        ):
            c.etype = "group"
            return
        c.etype = "person"
        return
    if c.label == "ORG":
        if ctx.in_verbless_line(first_char) and not ctx.gaz.organization(text):
            c.etype = None
            return
        if re.search(r"[/@]|^\d", text) or not any(t.text[:1].isupper() for t in span):
            c.etype = None
            return
        if span[0].pos_ == "VERB" or (c.start > 0 and doc[c.start - 1].lower_ == "to"):
            c.etype = None
            return
        if len(span) == 1 and c.end < len(doc) and ctx.is_title_word(doc[c.end].text):
            c.etype = None  # "Defense" in "Defense Secretary"
            return
        if (c.end < len(doc) and doc[c.end].lower_ in _PLATFORM_WORDS) or (
            head.dep_ == "pobj" and head.head.lower_ in ("on", "via")
        ):
            c.etype = "other"  # a platform: "on Telegram"
            return
        if (
            len(span) == 1
            and head.dep_ in ("compound", "amod", "nmod")
            and head.head.i > head.i
            and (head.head.text.islower() and not ctx.is_title_word(head.head.text))
        ):
            c.etype = "modifier"  # "Houthi missiles": resolved later, or dropped
            return
        prep = _locative_prep(head)
        if (
            prep is not None
            and prep.lower_ in ("in", "across", "throughout")
            and not any(w.lower_ in _INSTITUTIONS for w in span)
        ) or (span[-1].lower_ in _FACILITY_WORDS):
            c.etype = "location"
            return
        c.etype = "organization"
        return
    if c.label == "GPE":
        country = ctx.gaz.country_by_demonym(text)
        if country is not None:
            c.label, c.country = "NORP", country
            c.etype = "demonym"
            return
        if re.search(r"[A-Z]{2,}s$", text):
            c.etype = None
            return
        c.etype = "location-or-person" if len(span) == 1 else "location"
        return
    if c.label == "NORP":
        country = ctx.gaz.country_by_demonym(text)
        if country is not None:
            c.country = country
            c.etype = "demonym"
            return
        if (
            head.tag_ in ("NNS", "NNPS")
            or head.dep_ == "amod"
            or head.pos_ == "ADJ"
            or any(d.lower_ in ("a", "an") for d in head.lefts)
        ):
            c.etype = None  # "Russians", "Eastern European", "a Democrat": not a named group
            return
        c.etype = "group"
        return
    if c.label in ("LOC", "FAC"):
        c.etype = "location"
        return
    if c.label == "WORK_OF_ART":
        c.etype = "unknown"  # kept only if the article uses the words as a name elsewhere
        return
    if c.label == "PRODUCT":
        if _followed_by_place_word(doc, c) or _locative(head):
            c.etype = "location"
        else:
            c.etype = None
        return
    c.etype = None


# --------------------------------------------------------------------------------------------
# Descriptions and demonyms
# --------------------------------------------------------------------------------------------
def _country_modifier(ctx: _Context, head: Token) -> tuple[Country | None, list[Token]]:
    """The country named by a possessive or demonym modifier of `head`, with its tokens."""
    for c in head.lefts:
        if c.dep_ == "poss":
            toks = [t for t in c.subtree if t.lower_ not in ("'s", "’s", "the")]
            text = " ".join(t.text for t in toks)
            country = ctx.gaz.country(text) or ctx.gaz.country_by_capital(text)
            if country:
                return country, list(c.subtree)
        if c.dep_ in ("amod", "compound", "nmod"):
            toks = list(c.subtree)
            text = " ".join(t.text for t in toks)
            country = ctx.gaz.country_by_demonym(text) or ctx.gaz.country(text)
            if country:
                return country, toks
    return None, []


def _description_candidates(ctx: _Context, taken: set[int]) -> list[_Cand]:
    """Government bodies described, not named, where they speak ("Ukraine's air force said"),
    and "<demonym> government" anywhere."""
    doc = ctx.doc
    out = []
    heads = [doc[i] for i in sorted(ctx.speakers)]
    # Bodies named by a country and a capitalized institution ("the Chinese Embassy"), and
    # governments and delegations, are mentions wherever they appear.
    lemmas = token_words(doc).lemma
    heads += [
        t
        for t in (doc[i] for i, lemma in enumerate(lemmas) if lemma in _INSTITUTIONS)
        if t.i not in ctx.speakers
        and (
            t.lemma_.lower() in ("government", "delegation")
            or (
                t.text[:1].isupper()
                and t.lemma_.lower() in _INSTITUTIONS
                and t.i > 0
                and not doc[t.i - 1].is_sent_start
                and not doc[t.i].is_sent_start
            )
        )
    ]
    seen = set()
    for head in heads:
        if head.i in seen or head.i in taken or head.pos_ not in ("NOUN", "PROPN"):
            continue
        seen.add(head.i)
        noun = head.lemma_.lower()
        if noun not in _INSTITUTIONS or head.tag_ in ("NNS",) and noun not in ("forces",):
            continue
        country, ctoks = _country_modifier(ctx, head)
        of_pp = [c for c in head.rights if c.dep_ == "prep" and c.lower_ == "of"]
        if country is None and not of_pp:
            continue
        if noun == "government" and country is None:
            continue
        # The phrase: modifiers on the left (no determiner), "of ..." on the right.
        lefts = [t for t in head.subtree if t.i < head.i]
        first = min([t.i for t in lefts], default=head.i)
        while first < head.i and (doc[first].dep_ == "det" or doc[first].is_punct):
            first += 1
        last = head.i
        if of_pp:
            last = max(t.i for t in of_pp[0].subtree)
        if any(t.i in taken for t in doc[first : last + 1] if t.i not in {x.i for x in ctoks}):
            # A named organization sits inside ("the Korean Central News Agency").
            continue
        if noun == "government":
            c = _Cand(first, last + 1, "GPE", "description", etype="country", country=country)
            c.name = country.name
            out.append(c)
            continue
        c = _Cand(
            first,
            last + 1,
            "ORG",
            "description",
            etype="group" if noun in _GROUP_INSTITUTIONS else "organization",
        )
        c.affiliation = country.name if country else None
        c.country = country
        out.append(c)
    return out


def _demonym_mentions(ctx: _Context, cands: list[_Cand]) -> list[_Cand]:
    """A demonym that modifies a state organ stands for its state: "Thai officials"."""
    doc = ctx.doc
    out = []
    for c in cands:
        if c.etype != "demonym":
            continue
        head = _head(doc, c)
        target = head.head if head.dep_ in ("amod", "compound", "nmod") else None
        if target is None or target.i < head.i:
            continue
        if target.lower_ in _STATE_ORGANS or target.lemma_.lower() in _STATE_ORGANS:
            c.etype = "country"
            c.name = c.country.name
            out.append(c)
    return out


# --------------------------------------------------------------------------------------------
# Names, roles, resolution
# --------------------------------------------------------------------------------------------
def _person_name(ctx: _Context, c: _Cand) -> None:
    doc = ctx.doc
    # Titles inside the span ("Major General Pat Ryder") are roles, not names.
    s = c.start
    while s < c.end - 1:
        n = ctx.is_title([t.text for t in doc[s : c.end]])
        if not n or s + n >= c.end:
            break
        s += n
    if s > c.start:
        c.role = tokens_text(doc, c.start, s)
        c.title_tokens = s - c.start
        c.start = s
    c.name = _fold_korean(_clean_name(tokens_text(doc, c.start, c.end)))


def _prefix_role(ctx: _Context, c: _Cand, mentions_by_token: dict[int, _Cand]) -> None:
    """Title and affiliation from the words before a person's name in its noun phrase."""
    doc = ctx.doc
    head = _head(doc, c)
    start = c.start - c.title_tokens
    sub = {t.i for t in head.subtree}
    j = start - 1
    while j >= 0:
        t = doc[j]
        if (
            t.i not in sub
            or t.dep_ in ("det", "poss")
            or t.is_space
            or (t.is_punct and t.text not in (".", "-", "–"))
            or t.pos_ in ("VERB", "AUX", "PRON", "DET", "NUM")
            or t.lower_ in ("'s", "’s")
        ):
            break
        j -= 1
    first = j + 1
    if first >= start:
        return
    words = doc[first:start]
    if not any(ctx.is_title_word(t.text) for t in words) and not any(
        t.text.islower() for t in words
    ):
        # Only a demonym or a name before the person: an affiliation, not a role.
        aff = _affiliation(ctx, words, mentions_by_token)
        if aff:
            c.affiliation = aff
        return
    # Leading country words are the affiliation; the rest is the role.
    k = first
    country_words = None
    while k < start:
        m = mentions_by_token.get(k)
        if m is not None and m.etype in ("country", "demonym") and m.end <= start:
            country_words = m
            k = m.end
            continue
        break
    if country_words is not None:
        c.affiliation = country_words.country.name if country_words.country else country_words.name
        role_words = doc[k:start]
    else:
        role_words = words
        aff = _affiliation(ctx, words, mentions_by_token)
        if aff:
            c.affiliation = aff
    # An office before a rank ("Pentagon press secretary Major General Pat Ryder") is the role;
    # the rank alone ("Major General Pat Ryder") is the role only when no office is given.
    words_list = list(role_words)
    whole_rank = _is_rank(ctx, " ".join(t.text for t in words_list))
    for n in range(1, 0 if whole_rank else len(words_list)):
        if words_list[n - 1].whitespace_ and _is_rank(
            ctx, " ".join(t.text for t in words_list[n:])
        ):
            words_list = words_list[:n]
            break
    role = doc[words_list[0].i : words_list[-1].i + 1].text.strip(" ,-–") if words_list else ""
    if role and (not c.role or _is_rank(ctx, c.role)):
        c.role = role


def _is_rank(ctx: _Context, text: str) -> bool:
    t = ctx.gaz.title(text)
    return t is not None and t.kind in ("rank", "honorific")


def _affiliation(ctx: _Context, words: Span, mentions_by_token: dict[int, _Cand]) -> str | None:
    for t in words:
        m = mentions_by_token.get(t.i)
        if m is None:
            continue
        if m.etype in ("country", "demonym") and m.country is not None:
            return m.country.name
        if m.etype in ("organization", "group") and m.name:
            return m.name
    return None


def _appositive_role(ctx: _Context, c: _Cand, mentions_by_token: dict[int, _Cand]) -> None:
    """ "Pat Ryder, the Pentagon press secretary," -> role "Pentagon press secretary"."""
    doc = ctx.doc
    head = _head(doc, c)
    for a in head.rights:
        if a.dep_ != "appos":
            continue
        m = mentions_by_token.get(a.i)
        if m is not None and m.etype == "person":
            continue
        drop = set()
        for x in a.children:
            if x.dep_ in ("relcl", "acl", "appos") or (x.dep_ == "punct" and x.i > a.i):
                drop.update(t.i for t in x.subtree)
        idx = sorted(t.i for t in a.subtree if t.i not in drop)
        if not idx:
            continue
        first, last = idx[0], idx[-1]
        while first < last and (
            doc[first].dep_ == "det" or doc[first].is_punct or doc[first].lower_ in ("also",)
        ):
            first += 1
        while last > first and doc[last].is_punct:
            last -= 1
        if last - first > 12:
            continue
        role = tokens_text(doc, first, last + 1)
        if (
            role
            and role[0].islower()
            or any(ctx.is_title_word(t.text) for t in doc[first : last + 1])
        ):
            c.role = role
            if c.affiliation is None:
                aff = _affiliation(ctx, doc[first : last + 1], mentions_by_token)
                if aff:
                    c.affiliation = aff
        return


def _appositive_description(ctx: _Context, c: _Cand) -> None:
    """ "the Institute for the Study of War, a Washington think tank," -> its description."""
    doc = ctx.doc
    head = _head(doc, c)
    for a in head.rights:
        if a.dep_ != "appos" or a.pos_ != "NOUN" or not a.text.islower():
            continue
        idx = sorted(
            t.i
            for t in a.subtree
            if not any(
                t.i in {x.i for x in ch.subtree} for ch in a.children if ch.dep_ in ("relcl", "acl")
            )
        )
        first, last = idx[0], idx[-1]
        while first < last and (doc[first].dep_ == "det" or doc[first].is_punct):
            first += 1
        while last > first and doc[last].is_punct:
            last -= 1
        if last - first <= 8:
            c.role = tokens_text(doc, first, last + 1)
        return


def _known_as(ctx: _Context, cands: list[_Cand]) -> dict[str, _Cand]:
    """Second names an organization is given: "..., better known as the White Helmets",
    "..., known by its acronym GUR"."""
    doc = ctx.doc
    out: dict[str, _Cand] = {}
    for t in _tokens_of_word(doc, "known"):
        if t.dep_ not in ("acl", "amod", "advcl", "appos", "relcl"):
            continue
        named = [c for c in cands if t.i < c.start <= t.i + 6]
        hosts = [t.head] + [a for a in t.head.children if a.dep_ == "appos" and a.i < t.i]
        antecedent = [c for c in cands for h in hosts if c.start <= h.i < c.end]
        if not named or not antecedent or antecedent[0].etype not in ("organization", "group"):
            continue
        out[_clean_name(doc[named[0].start : named[0].end].text).lower()] = antecedent[0]
    return out


def _speaker_names(ctx: _Context, cands: list[_Cand]) -> list[_Cand]:
    """A speaker the model missed: a run of two to four capitalized words heading the subject
    of a reporting verb ("Oleksandr Syrskyi, the commander-in-chief, wrote") is a person."""
    doc = ctx.doc
    covered = {i for c in cands for i in range(c.start, c.end)}
    out = []
    for i in sorted(ctx.speakers):
        head = doc[i]
        if i in covered or head.pos_ != "PROPN":
            continue
        start = i
        while (
            start > 0
            and doc[start - 1].dep_ in ("compound", "flat")
            and doc[start - 1].head.i == i
            and doc[start - 1].pos_ == "PROPN"
        ):
            start -= 1
        words = doc[start : i + 1]
        text = words.text
        if not 2 <= len(words) <= 4 or any(
            not (w.is_alpha and w.text[0].isupper() and not w.is_upper)
            or w.lower_ in _INSTITUTIONS
            or ctx.is_title_word(w.text)
            for w in words
        ):
            continue
        if ctx.gaz.country(text) or ctx.gaz.organization(text) or ctx.skipped(words.start_char):
            continue
        out.append(_Cand(start, i + 1, "PERSON", "speaker", etype="person"))
    return out


def _ministry_name(ctx: _Context, c: _Cand, text: str) -> str:
    """ "Russia's Defense Ministry", "Russian defense ministry" -> "Russian Ministry of
    Defense"."""
    demonym = c.country.demonym if c.country is not None else None
    words = text.split()
    if not demonym:
        return text
    m = re.fullmatch(r"(?:.*?\s)?([A-Za-z]+)\s+[Mm]inistry", text)
    if m and m.group(1).lower() not in {d.lower() for d in c.country.demonyms} | {
        c.country.name.lower()
    }:
        portfolio = _MINISTRY_PORTFOLIO.get(m.group(1).lower(), m.group(1).capitalize())
        return f"{demonym} Ministry of {portfolio}"
    m = re.fullmatch(r"(?:.*?\s)?[Mm]inistry of (.+)", text)
    if m:
        return f"{demonym} Ministry of {m.group(1)}"
    return " ".join(words)


def _org_name(ctx: _Context, c: _Cand) -> None:
    doc = ctx.doc
    text = _clean_name(tokens_text(doc, c.start, c.end))
    if c.org is not None:
        c.name = c.org.name
        if c.org.country_iso3 and c.affiliation is None:
            country = ctx.gaz.country_by_iso3(c.org.country_iso3)
            c.affiliation = country.name if country else None
        return
    if c.country is None:
        country, _ = _country_modifier(ctx, _head(doc, c))
        if country is None:
            # A demonym or country at the start of the name: "Japanese Foreign Ministry".
            first = doc[c.start]
            country = ctx.gaz.country_by_demonym(first.text) or ctx.gaz.country(first.text)
        if country is not None:
            c.country = country
            c.affiliation = c.affiliation or country.name
    if "ministry" in text.lower() and c.country is not None:
        c.name = _ministry_name(ctx, c, text)
    else:
        c.name = text


def _resolve_people(ctx: _Context, people: list[_Cand]) -> None:
    """Surnames and partial names -> the full name used in the article."""
    full = [p for p in people if len(p.name.split()) >= 2]
    for p in people:
        tokens = p.name.split()
        if len(tokens) >= 2:
            # A shorter full name contained in a longer one ("Jong Un" in "Kim Jong Un").
            longer = {
                f.name
                for f in full
                if len(f.name.split()) > len(tokens) and _contains(f.name.split(), tokens)
            }
            if len(longer) == 1:
                p.name = longer.pop()
            continue
        cands = {}
        for f in full:
            ft = f.name.split()
            if ft[-1].lower() == tokens[0].lower() or ft[0].lower() == tokens[0].lower():
                cands.setdefault(f.name, []).append(f)
        if not cands:
            # "Lula" for "Luiz Inacio Lula da Silva": any word of exactly one full name.
            inner = {
                f.name
                for f in full
                if tokens[0].lower()
                in [w.lower() for w in f.name.split()[1:-1] if w.lower() not in _NAME_PARTICLES]
            }
            if len(inner) == 1:
                p.name = inner.pop()
            continue
        if len(cands) == 1:
            p.name = next(iter(cands))
        elif len(cands) > 1:
            # Ambiguous ("Kim"): only the full name used just before, in this or the
            # previous sentence, is close enough to decide.
            before = [
                f
                for fs in cands.values()
                for f in fs
                if f.start < p.start and ctx.sentence_of(p.start) - ctx.sentence_of(f.start) <= 1
            ]
            if before:
                p.name = max(before, key=lambda f: f.start).name


def _contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    low = [x.lower() for x in longer]
    return any(low[i : i + n] == [x.lower() for x in shorter] for i in range(len(low) - n + 1))


def _initials(name: str) -> str:
    words = re.findall(r"[A-Za-z][A-Za-z'’]*", name.replace("-", " "))
    return "".join(w[0] for w in words if w.lower() not in ("of", "for", "the", "and", "on", "in"))


def _resolve_orgs(ctx: _Context, orgs: list[_Cand]) -> None:
    """Acronyms, "known as" names and shortened names -> the organization's full name."""
    doc = ctx.doc
    # "Full Name (ACR)" and "..., known by its acronym ACR" / "better known as the X".
    for c in orgs:
        if c.end + 2 < len(doc) and doc[c.end].text == "(" and doc[c.end + 2].text == ")":
            acr = doc[c.end + 1].text
            for o in orgs:
                if tokens_text(doc, o.start, o.end) == acr:
                    o.name = c.name
    for t in _tokens_of_word(doc, "known"):
        target = [x for x in orgs if x.start > t.i and x.start <= t.i + 6]
        if not target:
            continue
        antecedent = _antecedent_org(
            ctx, t.head if t.dep_ in ("acl", "amod", "advcl") else None, orgs
        )
        if antecedent is None:
            continue
        alias_text = doc[target[0].start : target[0].end].text
        for o in orgs:
            if tokens_text(doc, o.start, o.end) == alias_text and o is not antecedent:
                o.name = antecedent.name
    named = [o for o in orgs if o.name]
    for o in orgs:
        text = tokens_text(doc, o.start, o.end)
        if o.org is not None:
            continue
        if text.isupper() and 2 <= len(text) <= 6 and o.name == _clean_name(text):
            hits = {
                x.name
                for x in named
                if x is not o and not x.name.isupper() and _initials(x.name).upper() == text
            }
            if len(hits) == 1:
                o.name = hits.pop()
                continue
        words = o.name.split()
        longer = {
            x.name
            for x in named
            if x is not o
            and len(x.name.split()) > len(words)
            and x.name.lower().endswith(" " + o.name.lower())
        }
        if len(longer) == 1 and len(words) >= 1 and words[0][:1].isupper():
            o.name = longer.pop()


def _antecedent_org(ctx: _Context, noun: Token | None, orgs: list[_Cand]) -> _Cand | None:
    if noun is None:
        return None
    for o in orgs:
        if o.start <= noun.i < o.end:
            return o
    word = noun.lemma_.lower()
    before = [
        o
        for o in orgs
        if o.end <= noun.i
        and o.name
        and (
            word in o.name.lower().split()
            or word in tokens_text(ctx.doc, o.start, o.end).lower().split()
        )
    ]
    return before[-1] if before else None


# --------------------------------------------------------------------------------------------
def find_mentions(doc: Doc, *, gazetteer: Gazetteer) -> list[EntityMention]:
    """Named mentions of persons, organizations, countries, groups and places in `doc`,
    resolved within the article. Records carry the Doc's `article_id_of`."""
    ctx = _Context(doc, gazetteer)
    cands = _merge(ctx, _ner_candidates(ctx), _title_candidates(ctx), _gazetteer_candidates(ctx))
    for c in cands:
        _type(ctx, c)
    _acronyms_follow_their_names(ctx, cands)
    cands = [c for c in cands if c.etype is not None]
    _surnames_are_people(ctx, cands)
    _second_names(ctx, cands)
    cands = [c for c in cands if c.etype is not None]
    _places_stay_places(ctx, cands)
    cands = _with_described(ctx, cands + _speaker_names(ctx, cands))
    cands = _modifiers_joined(ctx, cands)
    _name(ctx, cands)
    by_token: dict[int, _Cand] = {}
    for c in cands:
        for i in range(c.start, c.end):
            by_token.setdefault(i, c)
    for c in cands:
        if c.etype == "person":
            _prefix_role(ctx, c, by_token)
            _appositive_role(ctx, c, by_token)
        elif c.etype in ("organization", "group") and c.role is None:
            _appositive_description(ctx, c)
    _resolve_people(ctx, [c for c in cands if c.etype == "person"])
    _resolve_orgs(ctx, [c for c in cands if c.etype in ("organization", "group")])
    return _records(ctx, cands)


def _acronyms_follow_their_names(ctx: _Context, cands: list[_Cand]) -> None:
    """ "Full Name (ACR)": the acronym is whatever the full name is ("... Facility (NIF)")."""
    doc = ctx.doc
    for c, nxt in zip(cands, cands[1:], strict=False):
        if (
            nxt.start == c.end + 1
            and nxt.end == nxt.start + 1
            and nxt.end < len(doc)
            and doc[c.end].text == "("
            and doc[nxt.end].text == ")"
            and doc[nxt.start].text.isupper()
            and nxt.etype is not None
            and c.etype not in (None, "demonym")
        ):
            nxt.etype = c.etype


def _surnames_are_people(ctx: _Context, cands: list[_Cand]) -> None:
    """A word the model typed otherwise that is the surname (or, in three-part names, the
    family name) of a person named in the article is that person ("Ryder" as ORG)."""
    doc = ctx.doc
    people = [c for c in cands if c.etype == "person"]
    for p in people:
        _person_name(ctx, p)
    surnames = {p.name.split()[-1].lower() for p in people if len(p.name.split()) >= 2}
    surnames |= {p.name.split()[0].lower() for p in people if len(p.name.split()) >= 3}
    for c in cands:
        if (
            c.etype in ("organization", "location", "location-or-person", "modifier", "group")
            and c.end - c.start == 1
            and doc[c.start].text.lower() in surnames
            and c.source != "gazetteer"
        ):
            c.etype, c.label = "person", "PERSON"
            _person_name(ctx, c)
    for c in cands:
        if c.etype == "location-or-person":
            c.etype = "location"


def _second_names(ctx: _Context, cands: list[_Cand]) -> None:
    """ "Syria Civil Defense, better known as the White Helmets": the second name is the first
    organization wherever it appears, whatever the model made of it. Words the model called a
    work of art are kept only where the article uses them as an organization's name."""
    doc = ctx.doc
    known = _known_as(ctx, cands)
    for c in cands:
        alias = known.get(_clean_name(tokens_text(doc, c.start, c.end)).lower())
        if alias is not None and c is not alias and c.source != "title":
            c.etype, c.label, c.org, c.country = alias.etype, alias.label, alias.org, alias.country
            c.name = None
            c.alias_of = alias
    texts = {
        tokens_text(doc, c.start, c.end).lower(): c
        for c in cands
        if c.etype in ("organization", "group")
    }
    for c in cands:
        if c.etype == "unknown":
            match = texts.get(tokens_text(doc, c.start, c.end).lower())
            c.etype = match.etype if match is not None else None


def _places_stay_places(ctx: _Context, cands: list[_Cand]) -> None:
    """A name the article shows to be a place ("the border city of Belgorod") is a place
    wherever the model typed it otherwise."""
    doc = ctx.doc
    places = {
        tokens_text(doc, c.start, c.end)
        for c in cands
        if c.etype == "location" and c.source == "ner" and c.label in ("GPE", "LOC", "FAC")
    }
    places |= {
        tokens_text(doc, c.start, c.end)
        for c in cands
        if c.etype == "location"
        and (_followed_by_place_word(doc, c) or _head(doc, c).head.lower_ == "of")
    }
    for c in cands:
        if (
            c.etype in ("organization", "group")
            and c.source == "ner"
            and c.org is None
            and c.alias_of is None
            and tokens_text(doc, c.start, c.end) in places
        ):
            c.etype = "location"


def _with_described(ctx: _Context, cands: list[_Cand]) -> list[_Cand]:
    """Adds government bodies described rather than named, and keeps a demonym only where it
    stands for its state (outside those descriptions)."""
    cands = sorted(cands, key=lambda c: c.start)
    taken = {i for c in cands if c.etype not in ("demonym", None) for i in range(c.start, c.end)}
    described = _description_candidates(ctx, taken)
    inside = {i for c in described for i in range(c.start, c.end)}
    for c in cands:
        if c.etype == "demonym" and c.start in inside:
            c.etype = None
    cands = [c for c in cands + described if c.etype is not None]
    _demonym_mentions(ctx, cands)
    return sorted((c for c in cands if c.etype != "demonym"), key=lambda c: c.start)


def _modifiers_joined(ctx: _Context, cands: list[_Cand]) -> list[_Cand]:
    """Modifiers ("Houthi missiles") join a group or organization named in full, else go."""
    doc = ctx.doc
    full_orgs = {
        tokens_text(doc, c.start, c.end).lower(): c
        for c in cands
        if c.etype in ("organization", "group") and c.source != "description"
    }
    kept = []
    for c in cands:
        if c.etype == "modifier":
            word = tokens_text(doc, c.start, c.end).lower()
            match = full_orgs.get(word + "s") or full_orgs.get(word)
            if match is None:
                continue
            c.etype = match.etype
        kept.append(c)
    return kept


def _name(ctx: _Context, cands: list[_Cand]) -> None:
    """Canonical names within the article, before partial names are resolved."""
    doc = ctx.doc
    for c in cands:
        if c.name:
            continue
        if c.alias_of is not None:
            if c.alias_of.name is None:
                _org_name(ctx, c.alias_of)
            c.name = c.alias_of.name
        elif c.etype == "country":
            c.name = c.country.name if c.country else _clean_name(tokens_text(doc, c.start, c.end))
        elif c.etype in ("organization", "group"):
            _org_name(ctx, c)
        elif c.etype == "person":
            _person_name(ctx, c)
        else:
            c.name = _clean_name(tokens_text(doc, c.start, c.end))
    # Plural group names: "Houthi" -> "Houthis" when both are used.
    group_names = {c.name.lower(): c.name for c in cands if c.etype == "group"}
    for c in cands:
        if c.etype == "group" and (c.name.lower() + "s") in group_names:
            c.name = group_names[c.name.lower() + "s"]


def _records(ctx: _Context, cands: list[_Cand]) -> list[EntityMention]:
    doc = ctx.doc
    records = []
    for c in cands:
        if not c.name or not _LETTER.search(c.name):
            continue
        start_char = doc[c.start].idx
        end_char = doc[c.end - 1].idx + len(doc[c.end - 1].text)
        records.append(
            EntityMention(
                article_id=article_id_of(doc),
                mention_index=len(records),
                sentence_index=ctx.sentence_of(c.start),
                start_char=start_char,
                end_char=end_char,
                text=doc_text(doc)[start_char:end_char],
                label=c.label,
                name=c.name,
                entity_type=c.etype,
                role=c.role,
                affiliation=c.affiliation,
            )
        )
    return records
