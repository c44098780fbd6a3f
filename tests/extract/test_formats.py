"""Per-format readers, decoding and sniffing, on fixture files written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract import formats

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Café “quoted” — dash".encode(), "Café “quoted” — dash"),
        ("\ufeffWith a BOM".encode(), "With a BOM"),
        (
            "Caf\u00e9 owners said the r\u00e9gime\u2019s rules".encode("cp1252"),
            "Café owners said the régime’s rules",
        ),
        ("Wide text".encode("utf-16"), "Wide text"),
    ],
)
def test_decode_text_reads_utf8_utf16_and_clean_cp1252(data: bytes, text: str) -> None:
    assert formats.decode_text(data) == (text, None)


def test_decode_text_rejects_damaged_utf8_rather_than_misreading_it() -> None:
    data = "“Quoted” — café ‘words’ and more".encode()
    damaged = data[:5] + b"\xff" + data[6:]
    assert formats.decode_text(damaged) == (
        None,
        "not UTF-8 text: byte 0xff at offset 5; the rest is UTF-8, so the file looks damaged",
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b"PK\x03\x04\x00\x00binary",
            "binary file: NUL byte at offset 4; newsledger reads text files",
        ),
        (
            bytes(range(1, 32)) * 4,
            "binary file: 90% of characters are control codes; newsledger reads text files",
        ),
        (
            b"abc\x81\x8d\x90",
            "not UTF-8 text: byte 0x81 at offset 3, nor Windows-1252; save it as UTF-8",
        ),
        (
            bytes(range(0x80, 0x100))
            .replace(b"\x81", b"")
            .replace(b"\x8d", b"")
            .replace(b"\x8f", b"")
            .replace(b"\x90", b"")
            .replace(b"\x9d", b""),
            "not UTF-8 text: byte 0x80 at offset 0, and as Windows-1252 it does not read as text; "
            "save it as UTF-8",
        ),
    ],
)
def test_decode_text_rejects_binary_and_undecodable_bytes(data: bytes, reason: str) -> None:
    assert formats.decode_text(data) == (None, reason)


@pytest.mark.parametrize(
    ("text", "declared", "sniffed"),
    [
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", "text", "html"),
        ('<?xml version="1.0"?>\n<!-- c -->\n<rss version="2.0"></rss>', "html", "feed"),
        ('<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "text", "feed"),
        ("<html><body>page</body></html>", "feed", "html"),
        ('{"body": "x"}', "text", "json"),
        ('{"body": "x"}\n{"body": "y"}\n', "json", "jsonl"),
        ('{\n  "body": "x"\n}\n', "jsonl", "json"),
        ("[Photo] Plain text that opens with a bracket.", "text", "text"),
        ("{not json", "json", "json"),
        ("<note>not a feed</note>", "feed", "feed"),
    ],
)
def test_sniff_overrides_the_extension_only_on_clear_evidence(
    text: str, declared: str, sniffed: str
) -> None:
    assert formats.sniff(text, declared) == sniffed


def test_read_html_extracts_main_text_and_metadata() -> None:
    parsed = formats.read_html(fixture_text("page.html"))
    [draft] = parsed.drafts
    assert draft.title == "Harbor bridge reopens after storm repairs"
    assert draft.outlet == "Coastal Ledger"
    assert draft.url == "https://www.coastalledger.example/news/harbor-bridge-reopens"
    assert draft.published == "2024-03-05"
    assert draft.byline == "Mara Quill"
    assert "PORT ELLIS (AP) — The harbor bridge reopened" in draft.text
    assert "Subscribe" not in draft.text and "Sport" not in draft.text
    assert draft.split


@pytest.mark.parametrize(
    "html",
    ["<html><head><title>Cut off", "<html><body><script>var a = 1;</script></body></html>", "<"],
)
def test_read_html_rejects_pages_without_text(html: str) -> None:
    parsed = formats.read_html(html)
    assert parsed.drafts == []
    assert parsed.reason == "no article text found in the HTML (truncated or empty page?)"


def test_read_feed_rss_gives_one_draft_per_item() -> None:
    parsed = formats.read_feed((FIXTURES / "feed.rss").read_bytes())
    first, second = parsed.drafts
    assert first.title == "Flood barriers hold as river crests"
    assert first.published == "Mon, 03 Jun 2024 23:15:00 -0400"
    assert first.outlet == "Valley Courier - Regional"
    assert first.text.split("\n") == [
        "Temporary flood barriers held overnight as the river crested just below the record mark, "
        "county officials said Tuesday.",
        "About 300 residents who left low-lying streets were told they could return by the "
        "afternoon.",
    ]
    assert json.loads(first.extra) == {"id": "vc-1001", "tags": ["Weather"]}
    assert second.label == "entry 2" and second.text.startswith("The central library")


def test_read_feed_atom_entry() -> None:
    [draft] = formats.read_feed((FIXTURES / "feed.atom").read_bytes()).drafts
    assert draft.byline == "Ren Okabe"
    assert draft.published == "2024-09-11T21:40:00+09:00"
    assert draft.url == "https://northwire.example/briefs/ferry-resumes"


def test_read_feed_without_entries_is_rejected() -> None:
    parsed = formats.read_feed((FIXTURES / "empty_feed.xml").read_bytes())
    assert parsed.reason == "no RSS or Atom entries found"
    malformed = formats.read_feed(b"<rss><channel><item><title>x")
    assert malformed.reason.startswith("no RSS or Atom entries with text found (not a well-formed")


def test_read_jsonl_keeps_good_lines_and_notes_bad_ones() -> None:
    parsed = formats.read_jsonl(fixture_text("articles.jsonl"))
    assert [d.label for d in parsed.drafts] == ["line 1", "line 2", "line 5"]
    assert parsed.notes == [
        "line 3: invalid JSON (Unterminated string starting at)",
        "line 4: no text in a body/text/content field",
    ]
    first, second, third = parsed.drafts
    assert (first.title, first.outlet, first.published) == (
        "Council approves new bus lanes",
        "Metro Daily",
        "2024-05-16",
    )
    assert json.loads(first.extra) == {"section": "City", "tags": ["transport", "council"]}
    assert second.outlet == "Voice of America"  # {"name": "VOA"} under "source"
    assert third.byline == "Lena Hart, Omar Reyes"


def test_read_jsonl_notes_lines_that_are_not_objects() -> None:
    parsed = formats.read_jsonl('[1, 2]\n\n"text"\n{"body": "Fine."}\n')
    assert parsed.notes == ["line 1: not a JSON object", "line 3: not a JSON object"]
    assert len(parsed.drafts) == 1


def test_read_json_single_object_keeps_unknown_fields() -> None:
    [draft] = formats.read_json(fixture_text("article.json")).drafts
    assert draft.title == "Airport adds night flights to the capital"
    assert draft.published == "September 2, 2024"
    assert json.loads(draft.extra) == {"language": "en"}
    assert not draft.split


def test_read_json_articles_list_and_html_bodies() -> None:
    first, second = formats.read_json(fixture_text("articles_list.json")).drafts
    assert first.label == "articles item 1"
    assert second.text == (
        "The west park will close for two weeks while its paths are repaired, the parks office "
        "said.\n"
        "Playgrounds stay open."
    )


def test_unused_alternative_body_field_is_kept_in_extra() -> None:
    [draft] = formats.read_json('{"body": "Main text.", "text": "Other text."}').drafts
    assert draft.text == "Main text."
    assert json.loads(draft.extra) == {"text": "Other text."}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            '{"title": "x", ',
            "invalid JSON at line 1 column 16 (Expecting property name enclosed in double quotes)",
        ),
        ("42", "JSON holds a int, not an article object or a list of them"),
        ("[]", "JSON holds no article objects"),
        ("[" * 100_000 + "]" * 100_000, "invalid JSON: nested too deeply"),
    ],
)
def test_read_json_rejects_what_is_not_articles(text: str, reason: str) -> None:
    parsed = formats.read_json(text)
    assert parsed.drafts == [] and parsed.reason == reason


def test_read_json_object_without_body_is_noted() -> None:
    parsed = formats.read_json('{"title": "Only a title"}')
    assert parsed.drafts == [] and parsed.notes == ["object: no text in a body/text/content field"]


@pytest.mark.parametrize("body", ["12345", "true", "{\"name\": \"Reuters\"}"])
def test_read_json_body_that_is_not_text_is_noted(body: str) -> None:
    parsed = formats.read_json(f'{{"title": "A number", "body": {body}}}')
    assert parsed.drafts == [] and parsed.notes == ["object: no text in a body/text/content field"]


def test_read_json_body_as_a_list_of_paragraphs_is_read() -> None:
    [draft] = formats.read_json('{"body": ["First paragraph.", "Second one."]}').drafts
    assert draft.text == "First paragraph.\n\nSecond one."


def test_read_dispatches_text_and_markdown() -> None:
    parsed = formats.read(b"", "# Title\n\nBody.", "text", markdown=True)
    assert parsed.file_type == "text"
    assert parsed.drafts[0].markdown and parsed.drafts[0].split
