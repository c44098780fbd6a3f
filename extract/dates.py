"""Publication dates of articles, with where each date was read from.

The order of trust: the file's own metadata (HTML meta tags, a JSON field, a feed entry), then
the text — a byline or "Published" line, a dateline that carries its year, a dated photo
caption, a dateline without a year ("Feb. 7 (UPI) --", taken as the latest such day on or
before the file's time) — then the file's modification time. Relative expressions in the body
("on Tuesday") are resolved later against the date chosen here, so its evidence is kept with it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from dateutil import parser as dateutil_parser

from extract.stories import FULL_DATE, INLINE_DATELINE_RE

_FULL_DATE_RE = re.compile(rf"\b{FULL_DATE}\b")
_CAPTION_DATE_RE = re.compile(rf",\s*(?P<date>{FULL_DATE})\.?\s*$")
_DATE_LINE_RE = re.compile(
    r"^(?:(?:first\s+)?published|posted|updated|last\s+(?:updated|modified))\b", re.IGNORECASE
)
_EARLIEST_YEAR = 1900
_MAX_METADATA_CHARS = 100  # longer "dates" are prose, not a date field


@dataclass(frozen=True)
class ArticleDate:
    """A publication date and its provenance, as stored on an Article."""

    published_date: dt.date | None
    date_source: str  # metadata | text | file | unknown
    date_text: str | None  # the evidence the date was read from


def parse_date(value: str, *, latest: dt.date | None = None) -> dt.date | None:
    """The calendar date a metadata string states, in its own time zone; None if it states none.

    Dates before 1900 or after `latest` (when given) are treated as no date.
    """
    value = value.strip()
    if not value or len(value) > _MAX_METADATA_CHARS or not re.search(r"\d", value):
        return None
    try:
        parsed = dateutil_parser.parse(value.replace("Sept", "Sep"), default=dt.datetime(1, 1, 1))
    except (ValueError, OverflowError):
        return None
    if parsed.year < _EARLIEST_YEAR or (latest is not None and parsed.date() > latest):
        return None
    return parsed.date()


def find_text_date(
    *, byline: str | None, boilerplate: Sequence[str], body: str, latest: dt.date | None = None
) -> tuple[dt.date, str] | None:
    """The publication date the story's text states, with the words it was read from.

    Looks at the byline and date lines, then a dateline that carries its year ("KYIV, March 3,
    2024 (Reuters) -"), then a photo caption ending in a date ("..., Nov. 12, 2024."), then a
    dateline without a year, read as the latest such day on or before `latest` when given.
    """
    date_lines = [line for line in boilerplate if _DATE_LINE_RE.match(line)]
    for line in [byline or "", *date_lines]:
        found = _first_date(line, latest)
        if found:
            return found
    dateline = INLINE_DATELINE_RE.match(body)
    stated = (dateline.group("date1") or dateline.group("date2")) if dateline else None
    if stated and _FULL_DATE_RE.search(stated):
        found = _first_date(stated, latest)
        if found:
            return found
    for line in boilerplate:
        caption = _CAPTION_DATE_RE.search(line)
        date = parse_date(caption.group("date"), latest=latest) if caption else None
        if caption and date:
            return date, caption.group("date")
    if stated and latest:
        date = _without_year(stated, latest)
        if date:
            return date, f"{stated} (year from the file's time)"
    return None


def article_date(
    *,
    metadata: str | None,
    byline: str | None,
    boilerplate: Sequence[str],
    body: str,
    modified_at: dt.datetime | None,
) -> ArticleDate:
    """Choose an article's publication date: metadata, else the text, else the file's time."""
    latest = modified_at.date() + dt.timedelta(days=1) if modified_at else None
    if metadata:
        date = parse_date(metadata, latest=latest)
        if date:
            return ArticleDate(date, "metadata", metadata.strip())
    found = find_text_date(byline=byline, boilerplate=boilerplate, body=body, latest=latest)
    if found:
        return ArticleDate(found[0], "text", found[1])
    if modified_at:
        return ArticleDate(modified_at.date(), "file", f"file modified {modified_at.isoformat()}")
    return ArticleDate(None, "unknown", None)


def _without_year(text: str, latest: dt.date) -> dt.date | None:
    """The latest date on or before `latest` with the month and day `text` states."""
    default = dt.datetime(latest.year, 1, 1)
    try:
        date = dateutil_parser.parse(text.replace("Sept", "Sep"), default=default).date()
        return date if date <= latest else date.replace(year=date.year - 1)
    except (ValueError, OverflowError):
        return None  # not a date, or Feb. 29 in a year without one


def _first_date(text: str, latest: dt.date | None) -> tuple[dt.date, str] | None:
    for match in _FULL_DATE_RE.finditer(text):
        date = parse_date(match.group(0), latest=latest)
        if date:
            return date, match.group(0)
    return None
