"""Readers for each input format: bytes in, article drafts (text plus metadata) out.

Every reader returns a `Parsed`: the drafts it found, notes on parts it had to skip (a bad JSON
line), or the reason nothing could be read. Readers never raise on bad input; the third-party
parsers they call are guarded, since their failure modes on arbitrary bytes are not documented.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import feedparser
import trafilatura

from extract.stories import outlet_for_url, outlet_named

# Extension -> the file type it promises.
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}
BODY_FIELDS = ("body", "text", "content")
_KNOWN_FIELDS = {*BODY_FIELDS, "title", "url", "published", "outlet", "source", "byline", "author"}
# Control, surrogate and private-use characters: rare in text, common in decoded binary data.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_TEXT_ONLY = "newsledger reads text files"
_MAX_CONTROL_SHARE = 0.02  # real text has almost no control characters
_MIN_ASCII_SHARE_CP1252 = 0.7  # Windows-1252 news text is mostly ASCII; random bytes are not
_HTML_DATES = {"extensive_search": False, "original_date": True}  # dates from markup, not prose


@dataclass(frozen=True)
class Draft:
    """One article as a format gives it: text to split into stories, and metadata."""

    text: str
    label: str  # where it sits in the file, for messages ("line 3", "entry 2"); "" for all of it
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    byline: str | None = None
    extra: str | None = None  # JSON object of fields newsledger has no column for
    split: bool = False  # whether the text may hold several stories
    markdown: bool = False


@dataclass(frozen=True)
class Parsed:
    """What a reader found in one file."""

    file_type: str
    drafts: list[Draft] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # parts skipped, with the reason
    reason: str | None = None  # why the file as a whole could not be read


def decode_text(data: bytes) -> tuple[str | None, str | None]:
    """Decode file bytes as text: (text, None), or (None, why it is not text)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked(data.decode("utf-16"))
        except UnicodeDecodeError as error:
            return None, f"not UTF-16 text despite its byte-order mark: {error.reason}"
    nul = data.find(b"\x00")
    if nul >= 0:
        return None, f"binary file: NUL byte at offset {nul}; {_TEXT_ONLY}"
    try:
        return _checked(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        not_utf8 = f"not UTF-8 text: byte 0x{data[error.start]:02x} at offset {error.start}"
    lenient = data.decode("utf-8", errors="replace")
    damaged = lenient.count("\ufffd")
    if sum(not c.isascii() for c in lenient) - damaged > 2 * damaged:
        # Mostly valid UTF-8 with a few bad bytes: read as Windows-1252 it would be mojibake.
        return None, f"{not_utf8}; the rest is UTF-8, so the file looks damaged"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None, f"{not_utf8}, nor Windows-1252; save it as UTF-8"
    ascii_share = sum(c.isascii() for c in text) / len(text)
    if ascii_share < _MIN_ASCII_SHARE_CP1252 or _control_share(text) > _MAX_CONTROL_SHARE:
        return None, f"{not_utf8}, and as Windows-1252 it does not read as text; save it as UTF-8"
    return text, None


def sniff(text: str, declared: str) -> str:
    """The file type the content shows, where it clearly contradicts the extension's."""
    head = re.sub(r"^(?:\s|<\?xml[^>]*\?>|<!--.*?-->)*", "", text[:4096], flags=re.DOTALL)
    lowered = head[:1024].lower()
    if re.match(r"<(?:rss|feed|rdf:rdf)\b", lowered):
        return "feed"
    if re.match(r"<(?:!doctype\s+html|html|head|body)\b", lowered):
        return "html"
    if head.startswith(("{", "[")):
        if _parses_as_json(text):
            return "json"
        first_line = head.split("\n", 1)[0]
        if first_line.startswith("{") and _parses_as_json(first_line):
            return "jsonl"
    return declared


def read(data: bytes, text: str, file_type: str, *, markdown: bool = False) -> Parsed:
    """Read a decoded file of `file_type` (text, html, json, jsonl or feed) into drafts."""
    if file_type == "html":
        return read_html(text)
    if file_type == "json":
        return read_json(text)
    if file_type == "jsonl":
        return read_jsonl(text)
    if file_type == "feed":
        return read_feed(data)
    return Parsed("text", [Draft(text, "", split=True, markdown=markdown)])


def read_html(html: str) -> Parsed:
    """The main text and metadata of a web page, extracted with trafilatura."""
    try:
        page = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, date_extraction_params=_HTML_DATES
        )
    except Exception as error:  # noqa: BLE001 - trafilatura's failures on bad markup vary
        return Parsed("html", reason=f"could not parse the HTML: {error}")
    text = (page.text or "") if page else ""
    if not text.strip():
        return Parsed("html", reason="no article text found in the HTML (truncated or empty page?)")
    url = page.url or page.hostname
    outlet = (outlet_named(page.sitename) or page.sitename) if page.sitename else None
    draft = Draft(
        text,
        "",
        title=page.title,
        url=page.url,
        outlet=outlet or (outlet_for_url(url) if url else None),
        published=page.date,
        byline=page.author,
        split=True,
    )
    return Parsed("html", [draft])


def read_json(text: str) -> Parsed:
    """Articles of a JSON file: one object, a list of objects, or an object holding such a list."""
    try:
        value = _json_loads(text)
    except json.JSONDecodeError as error:
        return Parsed(
            "json", reason=f"invalid JSON at line {error.lineno} column {error.colno} ({error.msg})"
        )
    except RecursionError:
        return Parsed("json", reason="invalid JSON: nested too deeply")
    items = _json_items(value)
    if items is None:
        kind = type(value).__name__
        return Parsed(
            "json", reason=f"JSON holds a {kind}, not an article object or a list of them"
        )
    parsed = _from_objects("json", items)
    if not parsed.drafts and not parsed.notes:
        return Parsed("json", reason="JSON holds no article objects")
    return parsed


def read_jsonl(text: str) -> Parsed:
    """Articles of a JSON Lines file, one object a line; bad lines are noted and skipped."""
    items: list[tuple[str, Any]] = []
    notes = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append((f"line {number}", _json_loads(line)))
        except json.JSONDecodeError as error:
            notes.append(f"line {number}: invalid JSON ({error.msg})")
        except RecursionError:
            notes.append(f"line {number}: invalid JSON (nested too deeply)")
    parsed = _from_objects("jsonl", items)
    return Parsed("jsonl", parsed.drafts, notes + parsed.notes)


def read_feed(data: bytes) -> Parsed:
    """One draft per RSS or Atom entry, read with feedparser."""
    try:
        # A file-like object: feedparser treats a string as a URL or a path to open.
        feed = feedparser.parse(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - feedparser's failures on bad XML vary
        return Parsed("feed", reason=f"could not parse the feed: {error}")
    problem = f" (not a well-formed feed: {feed.get('bozo_exception')})" if feed.get("bozo") else ""
    if not feed.entries:
        return Parsed("feed", reason=f"no RSS or Atom entries found{problem}")
    outlet = _feed_outlet(feed.get("feed", {}))
    drafts, notes = [], []
    for number, entry in enumerate(feed.entries, start=1):
        text = _entry_text(entry)
        if not text.strip():
            notes.append(f"entry {number}: no text")
            continue
        extra = {"id": entry.get("id"), "tags": [t.get("term") for t in entry.get("tags", [])]}
        drafts.append(
            Draft(
                text,
                f"entry {number}",
                title=entry.get("title") or None,
                url=entry.get("link") or None,
                outlet=outlet,
                published=entry.get("published") or entry.get("updated") or None,
                byline=entry.get("author") or None,
                extra=_extra_json({k: v for k, v in extra.items() if v}),
            )
        )
    reason = None if drafts else f"no RSS or Atom entries with text found{problem}"
    return Parsed("feed", drafts, notes, reason)


def html_fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content), one paragraph a line."""
    page = f"<html><body><article>{fragment}</article></body></html>"
    try:
        extracted = trafilatura.bare_extraction(page, include_comments=False)
    except Exception:  # noqa: BLE001 - fall back to all the text of the fragment
        extracted = None
    if extracted and extracted.text:
        return extracted.text
    try:
        return trafilatura.html2txt(page)
    except Exception:  # noqa: BLE001 - markup beyond repair holds no text we can trust
        return ""


def _from_objects(file_type: str, items: list[tuple[str, Any]]) -> Parsed:
    drafts, notes = [], []
    for label, value in items:
        draft = _draft_from_object(label, value)
        if isinstance(draft, Draft):
            drafts.append(draft)
        else:
            notes.append(draft)
    return Parsed(file_type, drafts, notes)


def _draft_from_object(label: str, value: Any) -> Draft | str:
    """A draft from one JSON object, or a note saying why it is not an article."""
    if not isinstance(value, dict):
        return f"{label}: not a JSON object"
    used: set[str] = set()

    def take(*names: str) -> str | None:
        for name in names:
            text = _as_text(value.get(name))
            if text:
                used.add(name)
                return text
        return None

    body_field = next((name for name in BODY_FIELDS if _body_text(value.get(name))), None)
    if body_field is None:
        return f"{label}: no text in a {'/'.join(BODY_FIELDS)} field"
    used.add(body_field)
    body = _body_text(value[body_field])
    if re.search(r"<(?:p|br|div|span|a)\b[^>]*>", body, re.IGNORECASE):
        body = html_fragment_text(body)
    title, url, published = take("title"), take("url"), take("published")
    outlet, byline = take("outlet", "source"), take("byline", "author")
    # Unused fields are kept, except empty ones of the fields newsledger knows.
    extra = {
        key: item
        for key, item in value.items()
        if key not in used and not (key in _KNOWN_FIELDS and _as_text(item) is None)
    }
    return Draft(
        body,
        label,
        title=title,
        url=url,
        outlet=(outlet_named(outlet) or outlet) if outlet else None,
        published=published,
        byline=byline,
        extra=_extra_json(extra),
    )


def _json_loads(text: str) -> Any:
    """`json.loads`, with each lone surrogate escape (`"\\udc00"`: half of a UTF-16 pair, which
    no stored text can hold) read as U+FFFD."""
    return _without_lone_surrogates(json.loads(text))


def _without_lone_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {
            _without_lone_surrogates(key): _without_lone_surrogates(item)
            for key, item in value.items()
        }
    return value


def _json_items(value: Any) -> list[tuple[str, Any]] | None:
    if isinstance(value, list):
        return [(f"item {n}", item) for n, item in enumerate(value, start=1)]
    if not isinstance(value, dict):
        return None
    if any(name in value for name in BODY_FIELDS):
        return [("object", value)]
    for key, inner in value.items():  # {"articles": [...]}, as news APIs export
        if isinstance(inner, list) and inner and all(isinstance(item, dict) for item in inner):
            return [(f"{key} item {n}", item) for n, item in enumerate(inner, start=1)]
    return [("object", value)]


def _body_text(value: Any) -> str | None:
    """A body field's prose: a string, or a list of paragraphs. A number, a flag or an object in
    a body field is not an article."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        paragraphs = [item.strip() for item in value if isinstance(item, str) and item.strip()]
        return "\n\n".join(paragraphs) or None
    return None


def _as_text(value: Any) -> str | None:
    """A metadata value as text: strings as they are, a list of names joined, {"name": ...}."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("title"))
    if isinstance(value, list):
        names = [name for name in (_as_text(item) for item in value) if name]
        return ", ".join(names) or None
    return None


def _extra_json(extra: dict[str, Any]) -> str | None:
    return json.dumps(extra, ensure_ascii=False, sort_keys=True, default=str) if extra else None


def _entry_text(entry: Any) -> str:
    detail = entry["content"][0] if entry.get("content") else entry.get("summary_detail")
    value = (detail or {}).get("value") or entry.get("summary") or ""
    if (detail or {}).get("type", "text/html") == "text/plain":
        return value
    return html_fragment_text(value) if value.strip() else ""


def _feed_outlet(feed: Any) -> str | None:
    link = feed.get("link") or ""
    title = feed.get("title") or ""
    return outlet_named(link) or outlet_named(title) or title or outlet_for_url(link)


def _parses_as_json(text: str) -> bool:
    try:
        json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


def _checked(text: str) -> tuple[str | None, str | None]:
    share = _control_share(text)
    if share > _MAX_CONTROL_SHARE:
        return None, f"binary file: {share:.0%} of characters are control codes; {_TEXT_ONLY}"
    return text, None


def _control_share(text: str) -> float:
    return len(_CONTROL_RE.findall(text)) / len(text) if text else 0.0
