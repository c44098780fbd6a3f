"""Time expressions of news copy: find them in a clause and resolve them to calendar dates.

News reports anchor relative dates to the day of publication: "on Tuesday" in past-tense copy is
the most recent Tuesday on or before the article's date, "a day earlier" the day before it,
"last week" seven days back. Expressions that name only a month or a year resolve to its first
day; durations ("for four months"), vague spans ("in recent weeks") and anything that needs an
anchor when none is known resolve to None.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from extract.doctext import char_span_expanded, doc_text, ents_within, span_text
from extract.quantities import SMALL_NUMBERS

__all__ = ["DateExpression", "date_expressions", "find_date_text", "resolve_date"]

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    **{word: n for word, n in SMALL_NUMBERS.items() if 1 <= n <= 12},
    "a couple of": 2,
    "a few": 3,
}
_DAYS_AHEAD = 60  # how far past the anchor a date without a year may lie
_UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14}

# Words around a date that do not change the day it names.
_LEADING = re.compile(
    r"^(?:(?:on|in|at|by|since|from|until|till|during|of|as of|around|about|nearly|almost|"
    r"some|roughly|approximately|just|only|the|early|late|mid|mid-|earlier|later)\s+)+"
)
_TRAILING = re.compile(r"(?:\s+(?:morning|afternoon|evening|night|overnight|local time|time))+$")
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(
    rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\.?,?(?:\s+(\d{{4}}))?$"
)
_MONTH_DAY_YEAR = re.compile(
    rf"^({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{{1,2}})?(?:,?\s+(\d{{4}}))?$"
)
_MONTH_YEAR = re.compile(rf"^({_MONTH_RE})\.?,?(?:\s+(?:of\s+)?(\d{{4}}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_WEEKDAY_RE = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_WEEKDAY = re.compile(rf"^(?:(last|this|next|past|coming)\s+)?({_WEEKDAY_RE})\.?$")
_AGO = re.compile(
    r"^(a couple of|a few|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)"
    r"\s+(day|week|fortnight|month|year)s?\s+(ago|earlier|before|previously|later|after|from now)$"
)
_SAME_DAY = {
    "today",
    "tonight",
    "this morning",
    "this afternoon",
    "this evening",
    "earlier today",
    "later today",
    "the same day",
    "that day",
    "the day",
    "later in the day",
    "earlier in the day",
    "overnight",
    "nighttime",
    "night",
    "now",
    "so far today",
}
_DAY_BEFORE = {
    "yesterday",
    "last night",
    "the day before",
    "the previous day",
    "the day earlier",
    "the previous night",
    "a day before",
    "a day earlier",
    "one day earlier",
    "yesterday morning",
}
_DAY_AFTER = {"tomorrow", "the next day", "the following day", "a day later", "one day later"}
_WEEKEND = re.compile(r"^(?:the |this |last |past )?weekend$")

# DATE/TIME entities that are not about when something happened.
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
    "seconds",
    "minutes",
    "hours",
    "days",
    "weeks",
    "months",
    "years",
    "decades",
    "centuries",
}
_DATE_PREPS = {
    "on",
    "in",
    "at",
    "by",
    "since",
    "from",
    "until",
    "till",
    "during",
    "for",
    "between",
    "before",
    "after",
    "within",
    "through",
    "throughout",
    "as of",
    "earlier",
    "later",
}
_EXTRA_DATE_WORDS = re.compile(
    r"\b(?:overnight|yesterday|today|tonight|tomorrow|last night|"
    r"(?:a|one|two|three|several) days? (?:earlier|later|before|after)|"
    r"(?:earlier|later) (?:this|last|that) (?:week|month|year)|"
    r"(?:last|next|this|past) (?:week|month|year|weekend))\b",
    re.IGNORECASE,
)


def resolve_date(text: str, anchor: dt.date | None) -> dt.date | None:
    """The calendar date `text` names, resolved against `anchor` (the article's date).

    Weekdays are past-tense news usage: the most recent such day on or before the anchor ("last
    Tuesday": strictly before; "next Tuesday": strictly after). "a day earlier" and "yesterday"
    are the day before the anchor, "last week" seven days before it, "in June" the first day of
    the most recent June. Absolute dates ("Nov. 12, 2024", "Feb. 7") need no anchor unless their
    year is missing. None when the text names no single day, month or year.
    """
    if not text:
        return None
    raw = _normalize(text)
    if not raw:
        return None
    found = _absolute(raw, anchor)
    if found is not None or anchor is None:
        return found
    return _relative(raw, anchor)


@dataclass(frozen=True)
class DateExpression:
    """A time expression found in text: its words (with a governing preposition), where it is,
    the token its phrase hangs on, and whether it names a point in time."""

    text: str
    start_char: int
    end_char: int
    root: int  # token index of the expression's syntactic head
    is_point: bool  # a day, month or year ("on Tuesday"), not a duration ("for four months")


def date_expressions(span: Span) -> list[DateExpression]:
    """The time expressions inside `span`, in text order: DATE and TIME entities plus a few
    relative expressions the entity recognizer misses; ages ("32-year-old"), durations used as
    modifiers ("three-month") and clock times are skipped."""
    doc = span.doc
    found: list[tuple[int, int, int]] = []  # (start_char, end_char, token index of its head)
    taken: set[int] = set()
    for ent in ents_within(span):
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if _is_modifier_or_clock(ent):
            continue
        found.append((ent.start_char, ent.end_char, ent.root.i))
        taken.update(range(ent.start, ent.end))
    for match in _EXTRA_DATE_WORDS.finditer(span_text(span)):
        start = span.start_char + match.start()
        end = span.start_char + match.end()
        piece = char_span_expanded(doc, start, end)
        if piece is None or any(i in taken for i in range(piece.start, piece.end)):
            continue
        found.append((start, end, piece.root.i))
        taken.update(range(piece.start, piece.end))
    out = []
    for start, end, head in sorted(found):
        piece = char_span_expanded(doc, start, end)
        prep = _governing_prep(piece) if piece is not None else None
        text_start = prep.idx if prep is not None else start
        words = doc_text(doc)[text_start:end]
        bare = doc_text(doc)[start:end]
        if prep is None and _is_bare_duration(bare):
            continue  # "2 years" with nothing to say it is a date
        point = resolve_date(words, dt.date(2000, 6, 15)) is not None
        out.append(DateExpression(words, text_start, end, head, point))
    return out


def find_date_text(span: Span) -> str | None:
    """The time expression of a clause or sentence, as written ("on Tuesday", "a day earlier").

    Candidates are those of `date_expressions`; a point in time is preferred to a duration,
    then the expression closest to the span's root in the dependency tree. A preposition that
    governs the expression is kept ("in June").
    """
    found = date_expressions(span)
    if not found:
        return None
    doc, root = span.doc, span.root
    best = min(found, key=lambda d: (0 if d.is_point else 1, _tree_distance(doc[d.root], root)))
    return best.text


# --------------------------------------------------------------------------------------------
def _normalize(text: str) -> str:
    s = text.strip().lower().replace("’", "'")
    s = re.sub(r"\s+", " ", s)
    s = s.strip(" ,.;:()")
    s = re.sub(r"^(?:as of|on|in|at|by|since|from|until|till|during|of)\s+", "", s)
    s = s.replace("mid-", "mid ")
    return s.strip()


def _absolute(s: str, anchor: dt.date | None) -> dt.date | None:
    s = _LEADING.sub("", s).strip()
    s = _TRAILING.sub("", s).strip()
    m = _ISO.match(s)
    if m:
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _SLASHED.match(s)
    if m:  # US order, month first
        year = int(m.group(3))
        year = year + 2000 if year < 100 else year
        return _safe_date(year, int(m.group(1)), int(m.group(2)))
    m = _MONTH_DAY_YEAR.match(s)
    if m:
        return _month_day(MONTHS[m.group(1)], int(m.group(2)), m.group(3), anchor)
    m = _DAY_MONTH_YEAR.match(s)
    if m:
        return _month_day(MONTHS[m.group(2)], int(m.group(1)), m.group(3), anchor)
    m = _MONTH_YEAR.match(s)
    if m and not (m.group(1) == "may" and m.group(2) is None):  # "may" alone is a verb
        month = MONTHS[m.group(1)]
        if m.group(2):
            return dt.date(int(m.group(2)), month, 1)
        if anchor is None:
            return None
        year = anchor.year if month <= anchor.month else anchor.year - 1
        return dt.date(year, month, 1)
    m = _YEAR.match(s)
    if m:
        return dt.date(int(m.group(1)), 1, 1)
    return None


def _month_day(month: int, day: int, year: str | None, anchor: dt.date | None) -> dt.date | None:
    if year:
        return _safe_date(int(year), month, day)
    if anchor is None:
        return None
    # A date without its year is a recent one, or one announced for the coming weeks.
    for year in (anchor.year + 1, anchor.year, anchor.year - 1):
        found = _safe_date(year, month, day)
        if found is not None and found <= anchor + dt.timedelta(days=_DAYS_AHEAD):
            return found
    return None


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _relative(s: str, anchor: dt.date) -> dt.date | None:
    s = re.sub(r"^(?:about|around|nearly|almost|roughly|some|just|only|more than)\s+", "", s)
    if s in _SAME_DAY:
        return anchor
    if s in _DAY_BEFORE:
        return anchor - dt.timedelta(days=1)
    if s in _DAY_AFTER:
        return anchor + dt.timedelta(days=1)
    m = _WEEKDAY.match(_TRAILING.sub("", re.sub(r"^(?:early|late)\s+", "", s)).strip())
    if m:
        return _weekday(WEEKDAYS[m.group(2)], m.group(1), anchor)
    if _WEEKEND.match(s):
        back = (anchor.weekday() - 5) % 7  # its Saturday: the most recent one on or before
        return anchor - dt.timedelta(days=back)
    m = _AGO.match(s)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBER_WORDS[m.group(1)]
        unit, direction = m.group(2), m.group(3)
        sign = 1 if direction in ("later", "after", "from now") else -1
        if unit in _UNIT_DAYS:
            return anchor + dt.timedelta(days=sign * n * _UNIT_DAYS[unit])
        if unit == "month":
            return _add_months(anchor, sign * n)
        return _safe_date(anchor.year + sign * n, anchor.month, min(anchor.day, 28))
    s = re.sub(r"^(?:earlier|later)\s+", "", s)
    if s in ("last week", "the past week", "the previous week", "a week ago", "the week before"):
        return anchor - dt.timedelta(days=7)
    if s in ("this week",):
        return anchor - dt.timedelta(days=anchor.weekday())
    if s in ("next week", "the coming week", "the following week"):
        return anchor + dt.timedelta(days=7)
    if s in ("last month", "the previous month", "a month ago", "the past month"):
        return _add_months(anchor.replace(day=1), -1)
    if s in ("this month",):
        return anchor.replace(day=1)
    if s in ("next month", "the coming month", "the following month"):
        return _add_months(anchor.replace(day=1), 1)
    if s in ("last year", "the previous year", "a year ago", "the past year"):
        return dt.date(anchor.year - 1, 1, 1)
    if s in ("this year",):
        return dt.date(anchor.year, 1, 1)
    if s in ("next year",):
        return dt.date(anchor.year + 1, 1, 1)
    return None


def _weekday(target: int, modifier: str | None, anchor: dt.date) -> dt.date:
    back = (anchor.weekday() - target) % 7
    if modifier in ("next", "coming"):
        ahead = (target - anchor.weekday()) % 7 or 7
        return anchor + dt.timedelta(days=ahead)
    if modifier in ("last", "past") and back == 0:
        back = 7
    return anchor - dt.timedelta(days=back)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return _safe_date(year, month + 1, min(day.day, 28)) or day


def _is_modifier_or_clock(ent: Span) -> bool:
    """Ages, durations used as adjectives ("three-month state") and clock times."""
    text = span_text(ent).lower()
    if re.search(r"\d\s*(?:a\.?m\.?|p\.?m\.?|gmt|utc)\b|\d:\d\d", text):
        return True
    if re.search(r"\bold\b|-old\b", text) or text.startswith(("aged", "age ")):
        return True
    root = ent.root
    if root.dep_ in ("amod", "compound", "nmod", "npadvmod") and root.head.i >= ent.end:
        return root.head.lower_ not in _TIME_UNITS
    return False


def _is_bare_duration(text: str) -> bool:
    words = text.lower().split()
    return (
        bool(words)
        and words[-1].rstrip("s") in {u.rstrip("s") for u in _TIME_UNITS}
        and not any(w in ("last", "next", "this", "ago", "earlier", "later", "past") for w in words)
    )


def _governing_prep(piece: Span) -> Token | None:
    doc = piece.doc
    before = doc[piece.start - 1] if piece.start > 0 else None
    if before is None or before.lower_ not in _DATE_PREPS:
        return None
    if piece.root.head.i == before.i or before.head.i in range(piece.start, piece.end):
        return before  # the preposition governs the expression ("in June"), not a noun after it
    return None


def _tree_distance(a: Token, b: Token) -> int:
    """Edges between two tokens of one sentence in the dependency tree (large if apart)."""
    up_a = [a, *a.ancestors]
    index = {t.i: n for n, t in enumerate(up_a)}
    for n, t in enumerate([b, *b.ancestors]):
        if t.i in index:
            return index[t.i] + n
    return 1000 + abs(a.i - b.i)
