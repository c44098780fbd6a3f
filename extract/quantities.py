"""Cardinal figures of news copy, normalized: "$7.1 billion" -> 7.1e9 USD, "a dozen" -> 12.

A figure is a count of people, troops, weapons, ships, places or sanction targets, an amount of
money, a distance, a magnitude or a duration. Not figures: dates, clock times, calendar years,
relative times ("two days ago"), ordinals, ages ("32-year-old"), numbers inside names (A321,
F-16), vague amounts ("dozens", "thousands"), percentages, counts of abstract items ("three
things"), participants already named ("the two leaders") and unit conversions in parentheses.

`number_phrases` finds the figures of a Doc with the noun each one counts; `find_quantities`
turns them into records (one per distinct figure), and `extract.events` reuses the phrases for
its counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.attrs import IS_SPACE
from spacy.tokens import Doc, Token

from extract.doctext import (
    article_id_of,
    doc_text,
    per_doc,
    sentence_of,
    token_words,
    tokens_text,
)
from extract.records import Quantity, Quote

__all__ = [
    "CURRENCY_CODES",
    "NumberPhrase",
    "SMALL_NUMBERS",
    "claim_at",
    "find_quantities",
    "number_phrases",
    "parse_number",
    "sentence_numbers",
    "unit_key",
]

SMALL_NUMBERS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "k": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "bn": 1e9,
    "b": 1e9,
    "tn": 1e12,
}
_SCALE_WORDS = {"hundred", "thousand", "million", "billion", "trillion", "dozen"}
_VAGUE_PLURALS = {
    "dozens",
    "hundreds",
    "thousands",
    "millions",
    "billions",
    "trillions",
    "tens",
    "scores",
}
_VAGUE_BEFORE = {"few", "several", "many", "some", "tens", "hundreds", "thousands", "dozens"}
_DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_CURRENCY_BEFORE = {
    "$": "usd",
    "us$": "usd",
    "usd": "usd",
    "€": "eur",
    "eur": "eur",
    "£": "gbp",
    "gbp": "gbp",
    "¥": "jpy",
    "₹": "inr",
    "c$": "cad",
    "a$": "aud",
    "hk$": "hkd",
    "nt$": "twd",
    "₩": "krw",
}
_CURRENCY_AFTER = {
    "dollar": "usd",
    "dollars": "usd",
    "usd": "usd",
    "euro": "eur",
    "euros": "eur",
    "pound": "gbp",
    "pounds": "gbp",
    "yuan": "cny",
    "renminbi": "cny",
    "yen": "jpy",
    "ruble": "rub",
    "rubles": "rub",
    "roubles": "rub",
    "rouble": "rub",
    "rupee": "inr",
    "rupees": "inr",
    "won": "krw",
    "hryvnia": "uah",
    "hryvnias": "uah",
    "shekel": "ils",
    "shekels": "ils",
    "lira": "try",
    "liras": "try",
    "reais": "brl",
    "franc": "chf",
    "francs": "chf",
    "rand": "zar",
    "naira": "ngn",
    "rial": "irr",
    "rials": "irr",
    "dinar": "iqd",
    "dinars": "iqd",
}
# Multi-word qualifiers first: the longest match wins.
_QUALIFIERS = [
    "at least",
    "at most",
    "more than",
    "less than",
    "fewer than",
    "up to",
    "as many as",
    "as much as",
    "as few as",
    "close to",
    "upwards of",
    "in excess of",
    "an estimated",
    "just over",
    "just under",
    "well over",
    "nearly",
    "almost",
    "about",
    "around",
    "roughly",
    "approximately",
    "some",
    "over",
    "under",
    "exceeding",
    "above",
    "below",
    "only",
    "just",
    "estimated",
    "reportedly",
]
_QUALIFIER_WORDS = [(q, q.split()) for q in _QUALIFIERS]
_TIME_UNITS = {
    "second",
    "minute",
    "hour",
    "day",
    "week",
    "month",
    "year",
    "decade",
    "century",
    "fortnight",
    "night",
}
_RELATIVE_AFTER = {
    "ago",
    "earlier",
    "later",
    "before",
    "after",
    "prior",
    "previously",
    "afterward",
    "afterwards",
    "from",
}
_RELATIVE_BEFORE = {
    "past",
    "last",
    "next",
    "coming",
    "previous",
    "following",
    "first",
    "final",
    "recent",
}
_NAME_LABELS = {
    "ORG",
    "PRODUCT",
    "LAW",
    "FAC",
    "WORK_OF_ART",
    "EVENT",
    "PERSON",
    "GPE",
    "LOC",
    "NORP",
    "LANGUAGE",
}
_ABSTRACT = {
    "thing",
    "issue",
    "point",
    "way",
    "reason",
    "question",
    "area",
    "topic",
    "aspect",
    "goal",
    "priority",
    "principle",
    "element",
    "factor",
    "option",
    "scenario",
    "condition",
    "demand",
    "lesson",
    "objective",
    "pillar",
    "track",
    "time",
    "fold",
    "step",
    "idea",
    "word",
    "part",
    "stage",
    "phase",
    "round_of_talks",
    "level",
    "kind",
    "type",
    "sort",
    "category",
    "side",
}
_PARTICIPANTS = {
    "leader",
    "side",
    "country",
    "nation",
    "man",
    "woman",
    "president",
    "minister",
    "party",
    "ally",
    "government",
    "state",
    "official",
    "team",
    "brother",
    "sister",
    "power",
    "rival",
    "neighbor",
    "neighbour",
    "delegation",
    "chamber",
    "candidate",
    "men",
    "women",
    "people",
    "companies",
    "company",
    "group",
    "lawmaker",
    "senator",
    "counterpart",
    "defendant",
    "suspect",
    "victim",
    "sibling",
    "child",
    "son",
    "daughter",
    "parent",
    "couple",
    "pair",
}
_MEASURE_UNITS = {
    "mile",
    "kilometer",
    "kilometre",
    "km",
    "meter",
    "metre",
    "m",
    "foot",
    "feet",
    "ft",
    "inch",
    "yard",
    "pound",
    "lb",
    "kilogram",
    "kg",
    "ton",
    "tonne",
    "gallon",
    "liter",
    "litre",
    "acre",
    "hectare",
    "degree",
    "fahrenheit",
    "celsius",
    "mph",
    "knot",
    "nautical",
}
_PERCENT = {"%", "percent", "per", "pct", "percentage"}
_CLOCK_AFTER = {"a.m.", "p.m.", "am", "pm", "a.m", "p.m", "gmt", "utc", "hrs", "h", "o'clock"}

# Nouns that "one" counts as a figure ("one soldier was killed"), not as a pronoun or idiom.
_CONCRETE_SINGLES = {
    "person",
    "man",
    "woman",
    "child",
    "boy",
    "girl",
    "baby",
    "soldier",
    "civilian",
    "officer",
    "journalist",
    "worker",
    "resident",
    "passenger",
    "hostage",
    "prisoner",
    "militant",
    "fighter",
    "troop",
    "policeman",
    "firefighter",
    "drone",
    "missile",
    "rocket",
    "ship",
    "vessel",
    "tanker",
    "aircraft",
    "plane",
    "jet",
    "helicopter",
    "tank",
    "building",
    "house",
    "home",
    "village",
    "town",
    "death",
    "casualty",
    "injury",
}
_MAGNITUDE_TOKEN = re.compile(r"(?i)magnitude-(\d+(?:\.\d+)?)")
# Every word `_may_start_number` can accept without a digit at its start.
_NUMBER_START_WORDS = frozenset({"a", "an", *SMALL_NUMBERS, *_TENS, *_SCALE_WORDS})
_PLACE_NAME_LABELS = {"FAC", "ORG", "LAW", "PRODUCT", "WORK_OF_ART", "EVENT"}
_SCALE_NAMES = {"magnitude", "category", "level", "grade", "force", "class"}  # "magnitude-8.1"
_FRACTIONS = {
    "half",
    "halves",
    "third",
    "thirds",
    "quarter",
    "quarters",
    "fifth",
    "fifths",
    "tenth",
    "tenths",
}

# Counted nouns -> the unit keys of the gold `counts` (eval/README.md); other nouns keep their
# own plural.
_UNIT_LEMMAS = {
    "troop": "troops",
    "soldier": "troops",
    "serviceman": "troops",
    "servicemen": "troops",
    "servicemember": "troops",
    "personnel": "troops",
    "service_member": "troops",
    "drone": "drones",
    "uav": "drones",
    "shahed": "drones",
    "missile": "missiles",
    "rocket": "rockets",
    "ship": "ships",
    "tanker": "tankers",
    "vessel": "vessels",
    "boat": "boats",
    "prisoner": "prisoners",
    "pow": "prisoners",
    "hostage": "hostages",
    "company": "companies",
    "firm": "companies",
    "individual": "individuals",
    "entity": "entities",
    "building": "buildings",
    "house": "buildings",
    "home": "buildings",
    "structure": "buildings",
    "dollar": "usd",
    "kilometer": "kilometers",
    "kilometre": "kilometers",
    "km": "kilometers",
    "mile": "miles",
    "meter": "meters",
    "metre": "meters",
    "person": "people",
    "people": "people",
    "civilian": "civilians",
}
CURRENCY_CODES = set(_CURRENCY_BEFORE.values()) | set(_CURRENCY_AFTER.values())
_MISSILE_KINDS = {"ballistic": "ballistic_missiles", "cruise": "cruise_missiles"}


@dataclass(frozen=True)
class NumberPhrase:
    """One figure in a Doc: token span of the number itself, its value and the counted noun."""

    start: int  # token index of the first token (currency symbol included, qualifier not)
    end: int  # token index after the last number token
    value: float
    high: float | None
    qualifier: str | None
    qualifier_start: int  # token index where the qualifier begins (= start without one)
    head: int | None  # token index of the counted noun, None for a bare number
    unit: str | None  # normalized unit (see `unit_key`), "usd" for dollars
    anchor: int  # token index of the number token that carries the phrase's syntax


def parse_number(text: str) -> float | None:
    """The value of a written number: "10,000" -> 10000, "a dozen" -> 12, "$7.1 billion" -> 7.1e9,
    "three" -> 3, "2.2 billion" -> 2.2e9, "twenty-five" -> 25. Qualifiers ("about", "at least")
    and currency signs are ignored; None when the text is not one number."""
    s = text.strip().lower().replace("\u2009", " ").replace("\u00a0", " ")
    for q in _QUALIFIERS:
        if s.startswith(q + " "):
            s = s[len(q) + 1 :]
            break
    s = re.sub(r"^(?:us\$|hk\$|nt\$|c\$|a\$|[$€£¥₹₩])\s*", "", s)
    s = re.sub(r"\s+(?:dollars?|usd|euros?|pounds?|yuan|yen|rubles?|roubles?|rupees?)$", "", s)
    s = re.sub(r"(\d)(k|m|mn|mln|bn|b|tn)$", r"\1 \2", s)
    words = [w for w in re.split(r"[\s\-]+", s) if w and w != "and"]
    if not words:
        return None
    return _words_value(words)


def unit_key(token: Token) -> str:
    """The normalized unit of a counted noun: "soldiers" -> troops, "ballistic missiles" ->
    ballistic_missiles, "individuals and entities" -> individuals_and_entities, "collapsed
    buildings" -> buildings_collapsed, anything else its lower-case plural."""
    lemma = token.lemma_.lower()
    key = _UNIT_LEMMAS.get(lemma) or _UNIT_LEMMAS.get(token.lower_)
    if key is None:
        key = token.lower_ if token.tag_ in ("NNS", "NNPS") or lemma in _TIME_UNITS else lemma
        if lemma in _TIME_UNITS and not key.endswith("s"):
            key = lemma + "s"
    if key == "missiles":
        for child in token.children:
            if child.dep_ in ("amod", "compound") and child.lower_ in _MISSILE_KINDS:
                return _MISSILE_KINDS[child.lower_]
    if key == "buildings":
        for child in token.children:
            if (
                child.dep_ in ("amod", "compound")
                and child.tag_ in ("VBN", "JJ")
                and child.lemma_.lower() in ("collapse", "collapsed", "destroy", "damage")
            ):
                return "buildings_" + _PARTICIPLE.get(child.lemma_.lower(), child.lower_)
    # "75 individuals and entities": one figure for both nouns ("12 companies and six
    # individuals" are two figures)
    conj = [
        c
        for c in token.children
        if c.dep_ == "conj" and c.pos_ == "NOUN" and not any(n.dep_ == "nummod" for n in c.children)
    ]
    if conj and key in ("individuals", "entities", "companies", "people"):
        other = _UNIT_LEMMAS.get(conj[0].lemma_.lower(), conj[0].lower_)
        return f"{key}_and_{other}"
    return key.replace(" ", "_")


_PARTICIPLE = {
    "collapse": "collapsed",
    "collapsed": "collapsed",
    "destroy": "destroyed",
    "damage": "damaged",
}


@per_doc  # the events and the quantities of an article read the same figures
def number_phrases(doc: Doc) -> tuple[NumberPhrase, ...]:
    """Every figure of the Doc in text order, after the exclusions of the module docstring."""
    phrases = []
    words = token_words(doc)
    i = 0
    n = len(doc)
    while i < n:
        # Cheap tests first: most words are neither a number nor a fused (hyphenated) magnitude.
        text, lower = words.text[i], words.lower[i]
        if not (lower in _NUMBER_START_WORDS or text[:1].isdigit() or "-" in text):
            i += 1
            continue
        fused = _MAGNITUDE_TOKEN.fullmatch(text)
        if fused:  # "a magnitude-8.1 quake" as one token
            phrases.append(
                NumberPhrase(
                    start=i,
                    end=i + 1,
                    value=float(fused.group(1)),
                    high=None,
                    qualifier=None,
                    qualifier_start=i,
                    head=None,
                    unit="magnitude",
                    anchor=i,
                )
            )
            i += 1
            continue
        if not _may_start_number(text, lower):
            i += 1
            continue
        start, end = _number_run(doc, i)
        if end == start:
            i += 1
            continue
        phrase = _build_phrase(doc, start, end)
        i = max(end, phrase.end if phrase else end)
        if phrase is not None and _keep(doc, phrase):
            phrases.append(phrase)
    return tuple(phrases)


def find_quantities(doc: Doc, *, quotes: list[Quote]) -> list[Quantity]:
    """The figures of an article as records, each once (a repeated value with the same unit is
    kept at its first mention), with the claim it is reported in."""
    article_id = article_id_of(doc)
    sent_index = sentence_numbers(doc)
    records: list[Quantity] = []
    seen: set[tuple[float, float | None, str | None]] = set()
    for p in number_phrases(doc):
        key = (p.value, p.high, p.unit)
        if key in seen:
            continue
        seen.add(key)
        start_char = doc[p.start].idx
        last = doc[p.end - 1]
        end_char = last.idx + len(last.text)
        records.append(
            Quantity(
                article_id=article_id,
                quantity_index=len(records),
                sentence_index=sent_index[p.start],
                text=doc_text(doc)[start_char:end_char],
                value=p.value,
                high=p.high,
                unit=p.unit,
                qualifier=p.qualifier,
                claim_index=claim_at(quotes, start_char),
                start_char=start_char,
                end_char=end_char,
            )
        )
    return records


def claim_at(quotes: Sequence[Quote], char: int) -> int | None:
    """The claim whose span holds character `char` (the narrowest one), else None."""
    best = None
    for q in quotes:
        inside = q.start_char <= char < q.end_char
        if inside and (best is None or q.end_char - q.start_char < best.end_char - best.start_char):
            best = q
    return best.claim_index if best is not None else None


# --------------------------------------------------------------------------------------------
def _words_value(words: list[str]) -> float | None:
    total = 0.0
    current: float | None = None
    for w in words:
        if _DIGITS.match(w):
            if current is not None:
                return None
            current = float(w.replace(",", ""))
        elif w in ("a", "an"):
            if current is not None:
                return None
            current = 1.0
        elif w in SMALL_NUMBERS:
            current = (current or 0.0) + SMALL_NUMBERS[w]
        elif w in _TENS:
            current = (current or 0.0) + _TENS[w]
        elif w == "hundred":
            current = (current or 1.0) * 100
        elif w == "dozen":
            current = (current or 1.0) * 12
        elif w in _SCALES:
            if current is None and w in ("m", "b", "k"):
                return None
            total += (current if current is not None else 1.0) * _SCALES[w]
            current = None
        else:
            return None
    if current is None and total == 0:
        return None
    return total + (current or 0.0)


def _is_number_word(token: Token) -> bool:
    return _is_number_text(token.text, token.lower_)


def _is_number_text(text: str, lower: str) -> bool:
    if _DIGITS.match(text):
        return True
    return lower in SMALL_NUMBERS or lower in _TENS or lower in _SCALE_WORDS


def _may_start_number(text: str, lower: str) -> bool:
    """False when no written number starts at this word (see `_number_run`)."""
    return lower in ("a", "an") or _is_number_text(text, lower)


def _number_run(doc: Doc, i: int) -> tuple[int, int]:
    """Token range of a written number starting at i ("7.1 billion", "twenty - five", "a
    dozen"), or (i, i) when none starts there."""
    tok = doc[i]
    start = i
    if (
        tok.lower_ in ("a", "an")
        and i + 1 < len(doc)
        and doc[i + 1].lower_ in ("dozen", "hundred", "thousand", "million", "billion")
    ):
        i += 1
    elif not _is_number_word(tok):
        return i, i
    j = i + 1
    while j < len(doc):
        t = doc[j]
        if t.lower_ in _SCALE_WORDS or (
            t.lower_ in ("k", "m", "mn", "mln", "bn", "tn")
            and t.whitespace_ != ""
            and _DIGITS.match(doc[j - 1].text)
            and doc[j - 1].whitespace_ == ""
        ):
            j += 1
        elif (
            t.text == "-"
            and j + 1 < len(doc)
            and doc[j - 1].lower_ in _TENS
            and doc[j + 1].lower_ in SMALL_NUMBERS
            and t.whitespace_ == ""
        ):
            j += 2
        elif (t.lower_ in SMALL_NUMBERS and doc[j - 1].lower_ in _TENS) or (
            t.lower_ == "and"
            and doc[j - 1].lower_ == "hundred"
            and j + 1 < len(doc)
            and (doc[j + 1].lower_ in SMALL_NUMBERS or doc[j + 1].lower_ in _TENS)
        ):
            j += 1
        else:
            break
    return start, j


def _build_phrase(doc: Doc, start: int, end: int) -> NumberPhrase | None:
    text = tokens_text(doc, start, end)
    value = parse_number(text)
    if value is None:
        return None
    first = start
    unit: str | None = None
    # currency before the number: "$", "US$", "€"
    if start > 0 and doc[start - 1].lower_ in _CURRENCY_BEFORE:
        first = start - 1
        unit = _CURRENCY_BEFORE[doc[start - 1].lower_]
    last = end
    high: float | None = None
    # a range: "10,000 to 12,000", "10,000-12,000", "between 10 and 20"
    if end + 1 < len(doc) and doc[end].lower_ in ("to", "-", "–", "and"):
        k = end + 1
        if k < len(doc) and doc[k].lower_ in _CURRENCY_BEFORE:
            k += 1
        s2, e2 = _number_run(doc, k)
        is_between = doc[end].lower_ != "and" or (first > 0 and doc[first - 1].lower_ == "between")
        if e2 > s2 and is_between:
            second = parse_number(tokens_text(doc, s2, e2))
            if second is not None:
                # "2.2 to 3 billion": the scale of the high end applies to the low end too
                scale_word = doc[e2 - 1].lower_
                if (
                    scale_word in _SCALES
                    and doc[end - 1].lower_ not in _SCALE_WORDS
                    and second > value * 1000
                ):
                    value *= _SCALES[scale_word]
                if second > value:
                    high = second
                    last = e2
    # currency after the number: "500 dollars", "3 billion euros"
    if unit is None and last < len(doc) and doc[last].lower_ in _CURRENCY_AFTER:
        unit = _CURRENCY_AFTER[doc[last].lower_]
    qualifier, qual_start = _qualifier(doc, first)
    anchor = _anchor_token(doc, start, last)
    head = _counted_noun(doc, anchor, start, last)
    if unit is None and head is not None:
        unit = unit_key(doc[head])
    if first > 0 and doc[first - 1].lower_ in ("magnitude", "magnitude-"):
        unit = "magnitude"  # "a magnitude 6.2 earthquake"
    return NumberPhrase(
        start=first,
        end=last,
        value=value,
        high=high,
        qualifier=qualifier,
        qualifier_start=qual_start,
        head=head,
        unit=unit,
        anchor=anchor,
    )


def _qualifier(doc: Doc, first: int) -> tuple[str | None, int]:
    lower = token_words(doc).lower
    for q, words in _QUALIFIER_WORDS:
        k = first - len(words)
        if k < 0:
            continue
        if lower[k:first] == words:
            return q, k
    return None, first


def _anchor_token(doc: Doc, start: int, end: int) -> int:
    """The number token that attaches the phrase to the sentence (its syntactic head)."""
    inside = set(range(start, end))
    for i in range(start, end):
        if doc[i].head.i not in inside or doc[i].head.i == i:
            return i
    return end - 1


def _counted_noun(doc: Doc, anchor: int, start: int, end: int) -> int | None:
    tok = doc[anchor]
    if (
        tok.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod", "npadvmod", "appos")
        and tok.head.i >= end
        and tok.head.pos_ in ("NOUN", "PROPN", "ADJ")
        and not _is_number_word(tok.head)
    ):
        head = tok.head
        # "7.8-magnitude tremblor", "1,000-kilometer front line": the measure is the unit
        return head.i
    if tok.dep_ == "nummod" and tok.head.i < start and tok.head.pos_ in ("NOUN", "PROPN"):
        return tok.head.i
    # "50,000 of the occupier's army personnel", "11 of their children"
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                if pobj.dep_ == "pobj" and pobj.pos_ == "NOUN":
                    return pobj.i
    share_of = _relative_whole(tok, start)
    if share_of is not None:
        return share_of
    # "45 of 70 drones", "45 out of the 70 drones": a share of the whole the next figure counts
    sent_end = sentence_of(tok).end
    words = [t.lower_ for t in doc[end : min(end + 2, sent_end)]]
    nxt = 1 if words[:1] == ["of"] else 2 if words == ["out", "of"] else 0
    if nxt:
        nxt += end
        while nxt < sent_end and doc[nxt].dep_ in ("det", "poss"):
            nxt += 1
        whole = nxt
        while nxt < sent_end and (doc[nxt].like_num or doc[nxt].pos_ == "NUM"):
            nxt += 1
        if whole < nxt < sent_end and doc[nxt].pos_ == "NOUN":
            return nxt
    # a noun right after the number that the parser hung elsewhere ("four outlying arms")
    nxt = end
    while (
        nxt < sent_end
        and doc[nxt].pos_ in ("ADJ", "PUNCT")
        and doc[nxt].text not in (",", "(", ")", ";", ":")
    ):
        nxt += 1
    if (
        nxt < sent_end
        and doc[nxt].pos_ == "NOUN"
        and doc[nxt].tag_ == "NNS"
        and nxt - end <= 3
        and "\n" not in tokens_text(doc, end - 1, nxt)
    ):
        return nxt
    return None


_RELATIVE_PRONOUNS = {"which", "whom"}


def _relative_whole(tok: Token, start: int) -> int | None:
    """The noun a partitive relative counts a share of: "70 drones, of which 45 were shot down",
    "70 drones, 45 of which were shot down" (45 drones)."""
    doc = tok.doc
    sharing = any(_is_of_which(c) for c in tok.children) or (
        tok.dep_ in ("nsubj", "nsubjpass") and is_partitive_relative(tok.head)
    )
    if not sharing:
        return None
    if tok.head.dep_ == "relcl":
        return tok.head.head.i if tok.head.head.pos_ in ("NOUN", "PROPN") else None
    # a relative the parser hung on the verb: the noun just before it
    before = start - 1
    sent_start = sentence_of(tok).start
    while before >= sent_start and (
        doc[before].is_punct or doc[before].lower_ in {"of", *_RELATIVE_PRONOUNS}
    ):
        before -= 1
    return before if before >= sent_start and doc[before].pos_ == "NOUN" else None


def is_partitive_relative(verb: Token) -> bool:
    """A clause that tells of a share of what it describes: "of which 45 were shot down",
    "45 of which were shot down"."""
    return any(
        _is_of_which(c)
        or (c.dep_ in ("nsubj", "nsubjpass") and any(_is_of_which(g) for g in c.children))
        for c in verb.children
    )


def _is_of_which(tok: Token) -> bool:
    return (
        tok.dep_ == "prep"
        and tok.lower_ == "of"
        and any(c.dep_ == "pobj" and c.lower_ in _RELATIVE_PRONOUNS for c in tok.children)
    )


def _keep(doc: Doc, p: NumberPhrase) -> bool:  # noqa: C901 - one list of exclusions reads best
    num = doc[p.anchor]
    first_num = doc[p.start if doc[p.start].lower_ not in _CURRENCY_BEFORE else p.start + 1]
    head = doc[p.head] if p.head is not None else None
    head_lemma = head.lemma_.lower() if head is not None else ""
    before = doc[p.qualifier_start - 1] if p.qualifier_start > 0 else None
    after = doc[p.end] if p.end < len(doc) else None
    text = tokens_text(doc, p.start, p.end)

    # percentages
    if after is not None and after.lower_ in _PERCENT:
        return False
    # clock times
    if after is not None and after.lower_ in _CLOCK_AFTER:
        return False
    # vague amounts: "dozens", "thousands of", "a few hundred", "tens of thousands"
    if doc[p.end - 1].lower_ in _VAGUE_PLURALS or first_num.lower_ in _VAGUE_PLURALS:
        return False
    if (
        before is not None
        and before.lower_ in _VAGUE_BEFORE
        and p.unit != "usd"
        and doc[p.end - 1].lower_ in _SCALE_WORDS
    ):
        return False
    # ordinals written as digits are not matched; "No. 5", "#3" are labels
    if before is not None and before.lower_ in ("no.", "no", "number", "#", "nos."):
        return False
    # numbers inside names: "F-16", "DDG-58", "COVID-19", "Boeing 737", "Resolution 2231"
    dash = doc[p.start - 1] if p.start > 1 else None
    if dash is not None and dash.text in ("-", "–") and dash.whitespace_ == "":
        word = doc[p.start - 2]
        if (
            word.whitespace_ == ""
            and re.search(r"[A-Za-z]", word.text)
            and not _is_number_word(word)
            and word.lower_ not in _SCALE_NAMES
        ):
            return False
    if (
        re.fullmatch(r"[A-Za-z]+-[\d.,]+", num.text)
        and num.text.split("-")[0].lower() not in _SCALE_NAMES
    ):
        return False  # one token: "DDG-58"
    if (
        after is not None
        and after.text in ("-", "–")
        and after.whitespace_ == ""
        and p.end + 1 < len(doc)
        and doc[p.end + 1].text[:1].isupper()
        and doc[p.end + 1].pos_ == "PROPN"
    ):
        return False
    if num.ent_type_ in _NAME_LABELS:
        ent = next((e for e in doc.ents if e.start <= num.i < e.end), None)
        if ent is not None and ent.start < p.start:
            return False
        if ent is not None and ent.label_ in _PLACE_NAME_LABELS and num.head.pos_ == "PROPN":
            return False
    if (
        num.dep_ == "nummod"
        and num.head.tag_ == "NNP"
        and num.head.ent_type_ != "NORP"
        and p.unit not in CURRENCY_CODES
        and p.end < len(doc)
        and doc[p.end].tag_ == "NNP"
    ):
        return False  # "10 Downing Street": a number in a singular proper name
    if (
        before is not None
        and before.pos_ == "PROPN"
        and before.text[:1].isupper()
        and num.head.i == before.i
        and num.dep_ in ("nummod", "appos", "compound", "npadvmod")
    ):
        return False
    # calendar years
    if (
        p.unit != "usd"
        and re.fullmatch(r"1[89]\d\d|20\d\d", text)
        and p.high is None
        and (
            head is None
            or head_lemma in _TIME_UNITS
            or num.ent_type_ == "DATE"
            or head.tag_ != "NNS"
        )
    ):
        return False
    # fractions: "two-thirds of the population"
    if (
        after is not None
        and after.text in ("-", "–")
        and p.end + 1 < len(doc)
        and doc[p.end + 1].lower_ in _FRACTIONS
    ):
        return False
    if after is not None and after.lower_ in _FRACTIONS:
        return False
    # ages: "32-year-old", "10 years, 2 years and 2 months old", "ages 2 to 22", "aged 5",
    # "men aged between 18 and 60", "died at 85", "John Smith, 45, was arrested"
    lookback = doc[max(0, p.qualifier_start - 3) : p.qualifier_start]
    if any(t.lower_ in ("age", "ages", "aged") for t in lookback):
        return False
    if (
        head is None
        and before is not None
        and before.text == ","
        and after is not None
        and after.text in (",", ")")
        and p.qualifier_start > 1
        and (
            doc[p.qualifier_start - 2].ent_type_ == "PERSON"
            or doc[p.qualifier_start - 2].lemma_.lower() in _CONCRETE_SINGLES
        )
    ):
        return False
    if (
        head is None
        and before is not None
        and before.lower_ == "at"
        and before.head.lemma_.lower() in ("die", "retire", "pass", "marry", "debut")
    ):
        return False
    if _followed_by_old(doc, p.end):
        return False
    # dates and clock times; durations ("90 days", "three-month") stay
    in_date = num.ent_type_ in ("DATE", "TIME") or first_num.ent_type_ in ("DATE", "TIME")
    if in_date and head_lemma not in _TIME_UNITS:
        return False
    if head_lemma in _TIME_UNITS:
        # relative times: "two days ago", "the past 24 hours", "the first three months"
        after_head = doc[head.i + 1] if head.i + 1 < len(doc) else None
        if after_head is not None and after_head.lower_ in _RELATIVE_AFTER:
            return False
        if before is not None and before.lower_ in _RELATIVE_BEFORE:
            return False
        if (
            head_lemma == "year"
            and before is not None
            and before.lower_ in ("in", "for")
            and p.value >= 1000
        ):
            return False
    # unit conversions in parentheses: "1,000-kilometer (620-mile)", "350 km (217.5 miles)"
    if _in_conversion_parens(doc, p):
        return False
    # abstract items and participants already named
    if head_lemma in _ABSTRACT and p.unit != "usd":
        return False
    if (
        before is not None
        and before.lower_ == "the"
        and p.value <= 12
        and (head is None or head_lemma in _PARTICIPANTS or head.lower_ in _PARTICIPANTS)
    ):
        return False
    # "one": a count only beside other figures ("two intercepted and one missed")
    return not (
        text.lower() in ("one", "an", "a") and p.high is None and not _one_is_a_count(doc, p)
    )


def _followed_by_old(doc: Doc, end: int) -> bool:
    j = end
    while j < len(doc) and j - end < 12:
        t = doc[j]
        low = t.lower_
        if low in ("old", "-old"):
            return True
        if low in ("-", ",", "and", "or") or t.lemma_.lower() in _TIME_UNITS or _is_number_word(t):
            j += 1
            continue
        return False
    return False


def _in_conversion_parens(doc: Doc, p: NumberPhrase) -> bool:
    k = p.qualifier_start - 1
    if k < 0 or doc[k].text != "(":
        return False
    # what stands before the parenthesis: a measured figure ("1,000-kilometer", "350 km")
    j = k - 1
    while j >= 0 and doc[j].text in ("-", "–"):
        j -= 1
    if j < 0:
        return False
    prev = doc[j]
    unit_after = doc[p.head].lemma_.lower() if p.head is not None else ""
    if (
        p.unit is not None
        and p.unit in CURRENCY_CODES
        and (prev.lower_ in _CURRENCY_AFTER or prev.lower_ in _SCALE_WORDS)
    ):
        return True  # "1 billion reais ($200 million)"
    return (prev.lemma_.lower() in _MEASURE_UNITS or _is_number_word(prev)) and (
        unit_after in _MEASURE_UNITS or p.head is None
    )


def _one_is_a_count(doc: Doc, p: NumberPhrase) -> bool:
    after = doc[p.end] if p.end < len(doc) else None
    before = doc[p.qualifier_start - 1] if p.qualifier_start > 0 else None
    if after is not None and after.lower_ in (
        "of",
        "another",
        "day",
        "time",
        "point",
        "way",
        "side",
        "thing",
        "-",
        "–",
    ):
        return False
    if before is not None and before.lower_ in (
        "no",
        "any",
        "every",
        "each",
        "the",
        "this",
        "that",
        "which",
        "only",
        "at",
        "as",
        "no-",
    ):
        return False
    if p.head is not None and doc[p.head].lemma_.lower() in _CONCRETE_SINGLES:
        return True  # "one person was killed", "one missile missed"
    sent = sentence_of(doc[p.start])
    others = [
        t
        for t in sent
        if t.i not in range(p.start, p.end)
        and _is_number_word(t)
        and t.lower_ != "one"
        and t.ent_type_ not in ("DATE", "TIME")
    ]
    return bool(others)


@per_doc  # the events and the figures of an article number their sentences alike
def sentence_numbers(doc: Doc) -> list[int]:
    """For each token, the index of its sentence among the Doc's non-blank sentences (the
    numbering of `nlp.sentences`; a whitespace-only "sentence" takes its predecessor's)."""
    spaces = doc.to_array(IS_SPACE).tolist()
    index = [0] * len(doc)
    n = -1
    for sent in doc.sents:
        if not all(spaces[sent.start : sent.end]):
            n += 1
        index[sent.start : sent.end] = [max(n, 0)] * len(sent)
    return index
