"""Split plain news text into stories and set aside what is not story text.

A file of news text may hold one story or a whole page of them. Each paragraph (a line, or a
block of hard-wrapped lines) is classified by its layout and wording — kicker, headline,
byline, standalone dateline, photo caption, credit line, "Source:" line, related-story or ad
line, or body — and the page is cut into stories where a new one visibly begins: an ALL-CAPS
kicker, a headline followed by a byline or dateline, a body paragraph that opens with an inline
dateline, text after an end-of-story credit line, text after a paragraph cut off mid-sentence,
or a whole story flattened onto one long line after ordinary paragraphs.
"""

from __future__ import annotations

import functools
import re
import statistics
from dataclasses import dataclass
from urllib.parse import urlsplit

# Canonical wire-agency names with the other names they are credited under. Abbreviations
# (all upper case, or "dpa") only count as whole words in the exact case.
WIRE_AGENCIES: dict[str, tuple[str, ...]] = {
    "Associated Press": ("The Associated Press", "AP"),
    "Reuters": ("Thomson Reuters",),
    "Agence France-Presse": ("Agence France Presse", "AFP"),
    "United Press International": ("UPI",),
    "Bloomberg": ("Bloomberg News",),
    "Yonhap": ("Yonhap News Agency",),
    "Xinhua": ("Xinhua News Agency",),
    "TASS": ("ITAR-TASS",),
    "Kyodo": ("Kyodo News",),
    "dpa": ("Deutsche Presse-Agentur",),
    "ANSA": (),
    "EFE": ("Agencia EFE",),
    "PA Media": ("Press Association", "PA"),
    "Anadolu Agency": ("Anadolu",),
    "Interfax": (),
    "RIA Novosti": (),
    "Ukrinform": (),
    "Press Trust of India": ("PTI",),
    "Jiji Press": ("Jiji",),
}

# Well-known outlets: canonical name -> other names and web domains they appear under.
OUTLETS: dict[str, tuple[str, ...]] = {
    "Voice of America": ("VOA", "VOA News", "voanews.com"),
    "Associated Press": ("AP News", "apnews.com"),
    "Reuters": ("reuters.com",),
    "Agence France-Presse": ("afp.com",),
    "United Press International": ("UPI News", "upi.com"),
    "BBC": ("BBC News", "bbc.com", "bbc.co.uk"),
    "Al Jazeera": ("aljazeera.com",),
    "CNN": ("cnn.com",),
    "The New York Times": ("nytimes.com",),
    "The Washington Post": ("washingtonpost.com",),
    "The Guardian": ("theguardian.com",),
    "Deutsche Welle": ("DW", "dw.com"),
    "France 24": ("france24.com",),
    "Radio Free Europe/Radio Liberty": ("RFE/RL", "rferl.org"),
    "Taipei Times": ("taipeitimes.com",),
    "Anadolu Agency": ("aa.com.tr",),
    "TRT World": ("trtworld.com",),
    "Kyiv Independent": ("The Kyiv Independent", "kyivindependent.com"),
    "Yonhap": ("yna.co.kr", "en.yna.co.kr"),
    "Xinhua": ("xinhuanet.com", "news.cn"),
    "TASS": ("tass.com",),
    "Bloomberg": ("bloomberg.com",),
    "NK News": ("nknews.org",),
    "The Japan Times": ("japantimes.co.jp",),
    "The Korea Herald": ("koreaherald.com",),
}

_TERMINAL = ".!?…"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
FULL_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})"
)
_FULL_DATE_RE = re.compile(rf"\b{FULL_DATE}\b")

# "BORDER SERVICES: With ..." — an upper-case phrase and a colon opening a paragraph.
_KICKER_RE = re.compile(
    r"^(?P<kicker>[‘'\"“]?[A-Z0-9][A-Z0-9 .,'’&/-]*[’'\"”]?)\s*:\s+(?P<rest>\S.*)$"
)
_LABELS = {"EDITOR'S NOTE", "EDITOR’S NOTE", "FILE PHOTO", "READ MORE", "RELATED STORIES"}
_HONORIFICS = {"MR.", "MS.", "MRS.", "DR.", "SEN.", "REP.", "GEN.", "PRESIDENT", "SECRETARY"}
# "KYIV, Ukraine (AP) —", "DEIR AL-BALAH, Gaza Strip (AP) —", "Feb. 7 (UPI) --",
# "KYIV, June 23 (Reuters) -", "KYIV/MOSCOW, May 16 (Reuters) -": place(s) and/or date,
# optional agency, then a dash.
INLINE_DATELINE_RE = re.compile(
    rf"^(?P<dateline>(?:(?P<place>[A-Z][A-Z.'’-]*(?:(?:\s+|/)[A-Z][A-Z.'’-]*)*"
    rf"(?:,\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*){{0,2}})"
    rf"(?:,?\s+(?P<date1>{_MONTH}\s+\d{{1,2}}(?:,\s+\d{{4}})?))?"
    rf"|(?P<date2>{_MONTH}\s+\d{{1,2}}(?:,\s+\d{{4}})?))"
    r"\s*(?:\((?P<agency>[^()]{1,40})\))?\s*(?:—|–|--|-))\s+(?=\S)"
)
_STANDALONE_DATELINE_RE = re.compile(
    r"^[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}(?:,\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,2})?$"
)
_BY_RE = re.compile(r"^by\b[\s·•|:,-]*(?P<rest>.*)$", re.IGNORECASE)
_DATE_LINE_RE = re.compile(
    r"^(?:(?:first\s+)?published|posted|updated|last\s+(?:updated|modified))\b", re.IGNORECASE
)
_PHOTO_CREDIT_RE = re.compile(
    r"\b(?:Photo|Photograph|Photographer|Picture|Image|Video|Credit)s?\s*(?::|by\b)"
    r"|\((?:AP|AFP|Reuters|EPA)[^)]*Photo|\bAP Photo/|\bGetty Images\b"
    r"|\b[A-Z]{2,}(?:-[A-Z]{2,})?/[A-Z][\w'-]+(?:\s[A-Z][\w'-]+)+\)?$"
    r"|^FILE(?:\s+PHOTO)?\s*[-—–:]"
)
_CAPTION_OPENER_RE = re.compile(
    r"^(?:The\s+|A\s+)?(?:Aftermath|(?:General\s+)?View|Scenes?|Screenshot|Screengrab|Handout"
    r"|Illustration|Satellite\s+(?:image|photo|view)|File\s+(?:photo|image))s?\s+(?:of|from|at|in|shows?)\b",
    re.IGNORECASE,
)
_CAPTION_DATE_END_RE = re.compile(rf",\s*{FULL_DATE}\.?\s*$")
_RELATED_RE = re.compile(
    r"^(?:read\s+more|read\s+also|also\s+read|related(?:\s+stories|\s+articles)?\s*:|see\s+also"
    r"|recommended\s*:|advertisement|subscribe\b|sign\s+up\b|click\s+here|share\s+this"
    r"|follow\s+us|more\s+from\b|most\s+read|watch\s*:|listen\s*:)",
    re.IGNORECASE,
)
# "Tuesday, March 5, 2024, 10:15 a.m. EST": a line that is only a date and time.
_ONLY_DATE_RE = re.compile(
    rf"(?:[A-Z][a-z]+day,?\s+)?{FULL_DATE}"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+[A-Z]{2,5})?)?"
)
_SOURCE_RE = re.compile(r"^Sources?\s*:\s*(?P<value>\S.{0,100})$")
_CREDIT_SENTENCE_RE = re.compile(
    r"\b(?:material|information|reporting|content)\s+from\b.*\b(?:was|were)\s+used\b"
    r"|\b(?:information|material|reporting)\s+(?:was|were|is)\s+(?:provided|supplied)\s+by\b"
    r"|\bcontributed\b.*\bto\s+this\s+(?:report|story|article)\b"
    r"|\bcontributed\s+reporting\b"
    r"|^\(?(?:additional\s+)?(?:reporting|writing|editing|compiled|compilation)\s+(?:by|from)\b"
    r"|^\(?with\s+(?:additional\s+)?(?:reporting|input|inputs|files)\s+(?:from|by)\b"
    r"|^(?:copyright\b|©)|\ball\s+rights\s+reserved\b"
    r"|^this\s+(?:story|article|report)\s+(?:has\s+been|was)\s+(?:updated|corrected)\b",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[”\"’)]?\s+(?=[“\"‘(]?[A-Z])")
_MARKDOWN_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_COMMON_WORDS = (
    "about after also been before could from have into more most other over said says some "
    "such than that their them then there these they this those were what when where which "
    "while will with would told year years"
)
_STOPWORDS = frozenset(_COMMON_WORDS.split())

# Thresholds of the layout rules, measured on wire copy: body paragraphs run 1-3 sentences of
# 100-350 characters; a story flattened onto one line runs to 600+ characters.
_MAX_HEADING_WORDS = 25
_MAX_HEADING_CHARS = 200
_MAX_MENU_ITEM_WORDS = 3  # "Home", "World", "Subscribe now"; a line of article text runs longer
_CUT_OFF_MIN_CHARS = 200
_FLAT_STORY_MIN_CHARS = 450
_FLAT_STORY_MIN_SENTENCES = 3
_FLAT_STORY_LENGTH_RATIO = 2.5
_FLAT_STORY_MAX_OVERLAP = 0.25
_MAX_WRAP_WIDTH = 100  # fixed-width text wraps at 60-80 columns; news paragraphs run longer
_HEADER_KINDS = ("heading", "byline", "dateline", "date", "caption")


@dataclass(frozen=True)
class Story:
    """One story of a text: its body and what was set aside from it."""

    title: str | None
    kicker: str | None
    byline: str | None
    outlet: str | None
    body: str  # paragraphs joined by blank lines
    credits: tuple[str, ...]
    boilerplate: tuple[str, ...]


@dataclass(frozen=True)
class _Line:
    text: str
    kind: str  # kicker heading byline dateline date caption credit source related body
    kicker: str | None = None  # for kind == "kicker": the kicker; text is the rest


def split_stories(
    text: str, *, title: str | None = None, split: bool = True, markdown: bool = False
) -> list[Story]:
    """Cut `text` into stories (one when `split` is False) with boilerplate set aside.

    `title`, when known from metadata, is the first story's headline; a first line repeating it
    is dropped. Stories without body text are left out, and so are those whose body is a menu:
    lines of a few words each, none of them text.
    """
    lines = [_classify(p) for p in paragraphs(text, markdown=markdown)]
    if title and lines and _repeats_title(lines[0].text, title):
        lines = lines[1:]
    starts = _story_starts(lines) if split else [0]
    stories = []
    for number, (begin, end) in enumerate(zip(starts, [*starts[1:], len(lines)], strict=True)):
        story = _assemble(lines[begin:end], title=title if number == 0 else None)
        if story.body and not _is_menu(story.body):
            stories.append(story)
    return stories


def paragraphs(text: str, *, markdown: bool = False) -> list[str]:
    """Paragraphs of `text`: each non-blank line, with hard-wrapped blocks joined back."""
    text = re.sub(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]", "\n", text).replace("\t", " ")
    result: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if markdown:
            lines = [_strip_markdown(line) for line in lines]
            lines = [line for line in lines if line]
        result.extend(_unwrap(lines))
    return result


def wire_agencies_in(text: str) -> tuple[str, ...]:
    """Canonical names of the wire agencies named in `text`, in order of first mention."""
    found: list[tuple[int, str]] = []
    for canonical, aliases in WIRE_AGENCIES.items():
        names = (canonical, *aliases)
        positions = [m.start() for name in names for m in _name_pattern(name).finditer(text)]
        if positions:
            found.append((min(positions), canonical))
    return tuple(name for _, name in sorted(found))


def outlet_named(text: str) -> str | None:
    """The outlet or wire agency that `text` (a byline part, a name, a domain, a URL) names."""
    value = text.strip().strip("·•|,;:-—– ").strip()
    domain = _domain(value)
    for canonical, aliases in (*OUTLETS.items(), *WIRE_AGENCIES.items()):
        for name in (canonical, *aliases):
            if "." in name and domain and (domain == name or domain.endswith("." + name)):
                return canonical
            if "." not in name and re.fullmatch(
                rf"(?:the\s+)?{re.escape(name)}", value, _case(name)
            ):
                return canonical
    return None


def outlet_for_url(url: str) -> str | None:
    """The outlet a URL or bare domain belongs to: a well-known name, else the domain itself."""
    return outlet_named(url) or _domain(url)


def ends_mid_sentence(paragraph: str) -> bool:
    """Whether a long paragraph stops mid-sentence, as text cut off by a page or a scraper does."""
    if len(paragraph) < _CUT_OFF_MIN_CHARS:
        return False
    last_word = paragraph.split()[-1]
    if "/" in last_word or "@" in last_word or re.search(r"\w\.\w", last_word):
        return False  # a link or handle closing an embedded post
    return paragraph[-1].isalnum() or paragraph[-1] in ",—–-"


def _classify(paragraph: str) -> _Line:
    words = paragraph.split()
    short = len(words) <= 15 and paragraph[-1] not in _TERMINAL
    kicker = _KICKER_RE.match(paragraph)
    if kicker and _is_kicker(kicker.group("kicker"), kicker.group("rest")):
        return _Line(kicker.group("rest"), "kicker", kicker.group("kicker"))
    if _SOURCE_RE.match(paragraph):
        return _Line(paragraph, "source")
    if len(words) <= 25 and _RELATED_RE.match(paragraph):
        return _Line(paragraph, "related")
    if len(words) <= 80 and _is_caption(paragraph):
        return _Line(paragraph, "caption")
    if short and (_DATE_LINE_RE.match(paragraph) or _ONLY_DATE_RE.fullmatch(paragraph)):
        return _Line(paragraph, "date")
    if _is_byline(paragraph):
        return _Line(paragraph, "byline")
    if len(words) <= 80 and _is_credit(paragraph):
        return _Line(paragraph, "credit")
    if len(words) <= 4 and _STANDALONE_DATELINE_RE.match(paragraph):
        return _Line(paragraph, "dateline")
    if _is_heading(paragraph):
        return _Line(paragraph, "heading")
    return _Line(paragraph, "body")


def _is_menu(body: str) -> bool:
    """What a page's navigation, tags or links leave when they are all that was extracted."""
    return all(len(item.split()) <= _MAX_MENU_ITEM_WORDS for item in body.split("\n\n"))


def _is_kicker(kicker: str, rest: str) -> bool:
    """Kickers run two to six words; one upper-case word and a colon is a label or a speaker."""
    bare = kicker.strip("‘'\"“’”")
    words = bare.split()
    return (
        2 <= len(words) <= 6
        and sum(c.isalpha() for c in bare) >= 4
        and bare not in _LABELS
        and words[0] not in _HONORIFICS
        and rest.lstrip("‘'\"“(")[:1].isupper()
    )


def _is_caption(paragraph: str) -> bool:
    if _PHOTO_CREDIT_RE.search(paragraph):
        return True
    if len(paragraph.split()) <= 20 and paragraph[-1] not in _TERMINAL:
        return bool(_CAPTION_OPENER_RE.match(paragraph))
    # AP-style captions end in ", <place>, Nov. 12, 2024." — one sentence, date after a comma.
    return bool(_CAPTION_DATE_END_RE.search(paragraph)) and len(_sentences(paragraph)) == 1


def _is_credit(paragraph: str) -> bool:
    return all(_CREDIT_SENTENCE_RE.search(s) for s in _sentences(paragraph))


def _agency_only(paragraph: str) -> bool:
    """ "— AFP", "(With Reuters)", "Associated Press": a line that is just an agency credit."""
    bare = re.sub(r"^[\s(—–-]*(?:with\s+)?|[\s).]*$", "", paragraph, flags=re.IGNORECASE)
    return bool(bare) and bool(wire_agencies_in(bare)) and outlet_named(bare) is not None


def _is_byline(paragraph: str) -> bool:
    words = paragraph.split()
    if len(words) > 15 or paragraph[-1] in ".!?:":
        return False
    by = _BY_RE.match(paragraph)
    if by:
        rest = by.group("rest")
        return not rest or rest[0].isupper()
    if outlet_named(paragraph) or _agency_only(paragraph):
        return True
    # "UPI News 2/8/2023 Darryl Coote & Joe Fisher": an outlet, a date and names.
    if _FULL_DATE_RE.search(paragraph) and paragraph[0].isupper():
        return any(outlet_named(" ".join(words[:n])) for n in range(1, min(len(words), 5) + 1))
    return False


def _is_heading(paragraph: str) -> bool:
    words = paragraph.split()
    if not 2 <= len(words) <= _MAX_HEADING_WORDS or len(paragraph) > _MAX_HEADING_CHARS:
        return False
    first = paragraph.lstrip("‘'\"“")[:1]
    last = paragraph.rstrip("'\"”’")[-1:]  # a headline may end on a quoted phrase
    return (first.isupper() or first.isdigit()) and last not in ".!…:;,"


def _story_starts(lines: list[_Line]) -> list[int]:
    """Indexes of the lines where stories begin; the first story begins at 0."""
    starts = [0]
    body_lengths: list[int] = []
    seen_words: set[str] = set()
    ended = False  # a credit or "Source:" line closed the current story
    for i, line in enumerate(lines):
        if body_lengths and _closes_story(line):
            ended = True
        if line.kind not in ("kicker", "body"):
            continue
        header_start = _header_start(lines, i, floor=starts[-1])
        header = [h.kind for h in lines[header_start:i]]
        headed = "heading" in header
        new_story = bool(body_lengths) and (
            line.kind == "kicker"
            or ended
            or (headed and "byline" in header)
            or bool(INLINE_DATELINE_RE.match(line.text))
            or _follows_cut_off(lines, i)
            or _is_flattened_story(line.text, body_lengths, seen_words)
        )
        if new_story:
            # Header lines without a headline close the previous story instead.
            starts.append(header_start if headed else i)
            body_lengths, seen_words, ended = [], set(), False
        body_lengths.append(len(line.text))
        seen_words |= _content_words(line.text)
    return starts


def _closes_story(line: _Line) -> bool:
    return line.kind in ("credit", "source") or (line.kind == "byline" and _agency_only(line.text))


def _header_start(lines: list[_Line], i: int, *, floor: int) -> int:
    """First of the headline, byline, dateline and caption lines right before line `i`."""
    start = i
    while start - 1 > floor and lines[start - 1].kind in _HEADER_KINDS:
        start -= 1
    return start


def _follows_cut_off(lines: list[_Line], i: int) -> bool:
    previous = next((line for line in reversed(lines[:i]) if line.kind in ("body", "kicker")), None)
    opens_sentence = lines[i].text.lstrip("‘'\"“(")[:1].isupper()
    return previous is not None and ends_mid_sentence(previous.text) and opens_sentence


def _is_flattened_story(text: str, body_lengths: list[int], seen_words: set[str]) -> bool:
    """A whole story on one line after ordinary paragraphs, sharing little of their vocabulary."""
    if len(body_lengths) < 3 or len(text) < _FLAT_STORY_MIN_CHARS:
        return False
    if len(_sentences(text)) < _FLAT_STORY_MIN_SENTENCES:
        return False
    if len(text) < _FLAT_STORY_LENGTH_RATIO * statistics.median(body_lengths):
        return False
    words = _content_words(text)
    return len(words & seen_words) <= _FLAT_STORY_MAX_OVERLAP * len(words)


def _assemble(lines: list[_Line], *, title: str | None) -> Story:
    has_body = any(line.kind in ("kicker", "body") for line in lines)
    kicker = None
    byline = None
    body: list[str] = []
    boilerplate: list[str] = []
    credits: list[str] = []
    outlets: list[str] = []
    in_header = has_body  # a story of headings alone keeps them as its text
    for line in lines:
        if line.kind == "kicker" and kicker is None and not body:
            kicker = line.kicker
        if line.kind in ("kicker", "body"):
            in_header = False
        if in_header and line.kind == "heading" and title is None:
            title = line.text
        elif line.kind == "byline" and (in_header or _agency_only(line.text)):
            boilerplate.append(line.text)
            byline = byline or (line.text if in_header else None)
            outlets.extend(_byline_outlets(line.text) if in_header else ())
            credits.extend(wire_agencies_in(line.text))
        elif line.kind in ("caption", "related", "date") or (in_header and line.kind == "dateline"):
            boilerplate.append(line.text)
        elif line.kind in ("credit", "source"):
            boilerplate.append(line.text)
            credits.extend(wire_agencies_in(line.text))
            source = _SOURCE_RE.match(line.text)
            outlet = outlet_for_url(source.group("value")) if source else None
            outlets.extend([outlet] if outlet else [])
        else:
            body.append(line.text)
    dateline = INLINE_DATELINE_RE.match(body[0]) if body else None
    if dateline and dateline.group("agency"):
        credits.extend(wire_agencies_in(dateline.group("agency")))
    return Story(
        title=title,
        kicker=kicker,
        byline=byline,
        outlet=outlets[0] if outlets else None,
        body="\n\n".join(body),
        credits=tuple(dict.fromkeys(credits)),
        boilerplate=tuple(boilerplate),
    )


def _byline_outlets(byline: str) -> list[str]:
    rest = _BY_RE.match(byline)
    parts = re.split(r"\s*[·•|,/]\s*|\s+[-—–]\s+", rest.group("rest") if rest else byline)
    named = [outlet_named(part) for part in parts if part]
    words = byline.split()
    named += [outlet_named(" ".join(words[:n])) for n in range(min(len(words), 5), 0, -1)]
    return [name for name in named if name]


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END_RE.split(text) if s.strip()]


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z'’-]{3,}", text.lower()) if w not in _STOPWORDS}


def _unwrap(lines: list[str]) -> list[str]:
    """Join lines broken at a fixed width (e-mail, terminal dumps) back into paragraphs.

    A line is a broken one when it runs to near the block's width without ending a sentence;
    a shorter line, or one that ends a sentence, ends its paragraph.
    """
    width = max((len(line) for line in lines), default=0)
    if len(lines) < 2 or width > _MAX_WRAP_WIDTH:
        return lines
    broken = [len(line) >= 0.75 * width and line[-1] not in _TERMINAL for line in lines[:-1]]
    if len(lines) == 2:
        wrapped = broken[0] and lines[1][0].islower()
    else:
        wrapped = sum(broken) * 2 >= len(broken)
    if not wrapped:
        return lines
    result = [lines[0]]
    for was_broken, line in zip(broken, lines[1:], strict=True):
        if was_broken:
            result[-1] += " " + line
        else:
            result.append(line)
    return result


def _strip_markdown(line: str) -> str:
    line = re.sub(r"^#{1,6}\s+|^>\s*", "", line)
    line = _MARKDOWN_LINK_RE.sub(r"\1", line)
    return re.sub(r"\*\*|__", "", line).strip()


def _repeats_title(line: str, title: str) -> bool:
    """Whether a first line repeats the metadata title ("Headline" of "Headline | Site")."""
    line, title = _normalized(line), _normalized(title)
    return title == line or (title.startswith(line) and title[len(line) :][:2].strip() in "|-–—:")


def _normalized(text: str) -> str:
    return " ".join(text.casefold().split()).strip(" .")


def _domain(value: str) -> str | None:
    candidate = value if "//" in value else "//" + value
    try:
        host = urlsplit(candidate).hostname
    except ValueError:
        return None
    if not host or " " in value.strip() or not re.fullmatch(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", host):
        return None
    return host.removeprefix("www.")


def _case(name: str) -> int:
    return 0 if name.isupper() or name.islower() else re.IGNORECASE


@functools.cache
def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", _case(name))
