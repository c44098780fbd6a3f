"""ingest_inbox end to end: walking, ids, formats, metadata, duplicates and bad input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from extract.ingest import Ingested, ScannedFile, article_id, document_id, ingest_inbox
from extract.records import Document

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest"
SEEDS = Path(__file__).parents[2] / "seeds"
READS = ".txt .md .html .htm .json .jsonl .xml .rss .atom"
STORY = (
    "Night buses reach the outer districts\n\n"
    "The city council voted on Monday to extend the night bus network to the outer districts.\n\n"
    "Transport officials said the first new routes would start running before the winter.\n"
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def by_file(result: Ingested) -> dict[str, Document]:
    return {d.source_file: d for d in result.documents}


def test_walks_recursively_in_path_order_and_skips_hidden_entries(tmp_path: Path) -> None:
    write(tmp_path, "b.txt", STORY)
    write(tmp_path, "a/z.txt", STORY.replace("Monday", "Tuesday"))
    write(tmp_path, "a/b/c.txt", STORY.replace("Monday", "Friday"))
    write(tmp_path, ".hidden.txt", STORY)
    write(tmp_path, ".git/config.txt", STORY)
    result = ingest_inbox(tmp_path)
    assert [d.source_file for d in result.documents] == ["a/b/c.txt", "a/z.txt", "b.txt"]
    assert [a.source_file for a in result.articles] == ["a/b/c.txt", "a/z.txt", "b.txt"]


def test_progress_is_reported_after_every_file(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", STORY)
    write(tmp_path, "b.bin", b"\x00\x01")
    write(tmp_path, "c.txt", STORY.replace("Monday", "Friday"))
    calls: list[tuple[int, int]] = []
    ingest_inbox(tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_ids_and_hashes_follow_the_contract(tmp_path: Path) -> None:
    data = STORY.encode()
    write(tmp_path, "sub/story.txt", data)
    result = ingest_inbox(tmp_path)
    [document], [article] = result.documents, result.articles
    assert document.document_id == hashlib.sha256(b"sub/story.txt").hexdigest()[:16]
    assert document.content_hash == hashlib.sha256(data).hexdigest()
    assert document.size_bytes == len(data)
    assert (document.status, document.reject_reason, document.n_articles) == ("ingested", None, 1)
    normalized = " ".join(article.body.split())
    assert article.content_hash == hashlib.sha256(normalized.encode()).hexdigest()
    key = f"sub/story.txt\x1f0\x1f{article.content_hash}".encode()
    assert article.article_id == hashlib.sha256(key).hexdigest()[:16]
    assert article.article_id == article_id("sub/story.txt", 0, article.content_hash)
    assert article.document_id == document.document_id == document_id("sub/story.txt")
    assert article.word_count == len(article.body.split())


def test_changed_file_gives_new_article_ids_but_the_same_document_id(tmp_path: Path) -> None:
    path = write(tmp_path, "story.txt", STORY)
    before = ingest_inbox(tmp_path)
    path.write_text(STORY.replace("Monday", "Tuesday"), encoding="utf-8")
    after = ingest_inbox(tmp_path)
    assert before.documents[0].document_id == after.documents[0].document_id
    assert before.articles[0].article_id != after.articles[0].article_id


def earlier_scan(result: Ingested) -> dict[str, ScannedFile]:
    scanned = {}
    for document in result.documents:
        stories = tuple(a for a in result.articles if a.source_file == document.source_file)
        minhashes = {a.article_id: result.minhashes[a.article_id] for a in stories}
        scanned[document.source_file] = ScannedFile(document, stories, minhashes)
    return scanned


def test_a_scan_keeps_the_minhash_of_each_story_and_reuses_those_of_unchanged_files(
    tmp_path: Path,
) -> None:
    write(tmp_path, "a.txt", STORY)
    write(tmp_path, "b.txt", STORY.replace("Monday", "Friday"))
    weather = "An unrelated note about the weather on the coast this weekend."
    write(tmp_path, "c.txt", weather)
    first = ingest_inbox(tmp_path)
    assert sorted(first.minhashes) == sorted(a.article_id for a in first.articles)
    [a_story, b_story, c_story] = first.articles
    assert b_story.duplicate_of == a_story.article_id
    earlier = earlier_scan(first)
    # b's stored MinHash now is c's: a scan that reuses it takes b for a story like c, so a new
    # copy of c has b judged again, and b is no longer found a copy of a.
    stored = first.minhashes[c_story.article_id]
    earlier["b.txt"] = ScannedFile(
        earlier["b.txt"].document, (b_story,), {b_story.article_id: stored}
    )
    copy_of_c = write(tmp_path, "0.txt", weather + " Again.")
    os.utime(copy_of_c, (1_700_000_000, 1_700_000_000))  # comes before b

    again = ingest_inbox(tmp_path, earlier=earlier)

    assert again.reused == 3
    assert [a.duplicate_of for a in again.articles if a.source_file == "b.txt"] == [None]
    assert again.minhashes[b_story.article_id] == stored
    assert len(again.minhashes) == 4


def test_a_file_with_its_earlier_size_and_time_is_not_read_again(tmp_path: Path) -> None:
    kept = write(tmp_path, "kept.txt", STORY)
    edited = write(tmp_path, "edited.txt", STORY.replace("Monday", "Friday"))
    bad = write(tmp_path, "bad.json", b"{")
    before = ingest_inbox(tmp_path)
    # Same size and modification time, other words: only a scan that reads the file sees them.
    stamp = kept.stat()
    kept.write_text(STORY.replace("Monday", "Sunday"), encoding="utf-8")
    os.utime(kept, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    edited_stamp = edited.stat()
    edited.write_text(STORY.replace("Monday", "Sunday"), encoding="utf-8")
    os.utime(edited, ns=(edited_stamp.st_atime_ns, edited_stamp.st_mtime_ns + 1_000_000))
    bad.write_text(json.dumps({"title": "Buses", "body": STORY}), encoding="utf-8")
    after = ingest_inbox(tmp_path, earlier=earlier_scan(before))
    bodies = {a.source_file: a.body for a in after.articles}
    assert "on Monday" in bodies["kept.txt"]
    assert "on Sunday" in bodies["edited.txt"]
    assert by_file(after)["bad.json"].status == "ingested"
    assert after.reused == 1
    assert by_file(after)["kept.txt"] == by_file(before)["kept.txt"]


def test_a_file_over_a_lowered_limit_is_read_again_and_rejected(tmp_path: Path) -> None:
    write(tmp_path, "story.txt", STORY)
    before = ingest_inbox(tmp_path)
    after = ingest_inbox(tmp_path, max_bytes=100, earlier=earlier_scan(before))
    assert (after.reused, after.documents[0].status, after.articles) == (0, "rejected", [])


@pytest.mark.parametrize(
    "change",
    [
        "add a copy first",
        "add a copy between",
        "add a copy last",
        "remove the first",
        "edit the first",
        "add a broken file first",
        "nothing",
    ],
)
def test_a_scan_that_reuses_records_equals_a_fresh_one(tmp_path: Path, change: str) -> None:
    write(tmp_path, "b.txt", STORY)
    write(tmp_path, "c.txt", STORY.replace("first new routes", "first of the new routes"))
    write(tmp_path, "d.txt", STORY.replace("night bus", "tram").replace("Monday", "Friday"))
    before = ingest_inbox(tmp_path)
    copy = STORY.replace("Monday", "Monday evening")
    if change == "add a copy first":
        write(tmp_path, "a.txt", copy)
    elif change == "add a copy between":
        write(tmp_path, "c0.txt", copy)
    elif change == "add a copy last":
        write(tmp_path, "e.txt", copy)
    elif change == "add a broken file first":
        write(tmp_path, "0.json", b"{")
    elif change == "remove the first":
        (tmp_path / "b.txt").unlink()
    elif change == "edit the first":
        write(tmp_path, "b.txt", STORY.replace("the winter", "the winter holidays"))
    after = ingest_inbox(tmp_path, earlier=earlier_scan(before))
    fresh = ingest_inbox(tmp_path)
    assert after.documents == fresh.documents
    assert after.articles == fresh.articles
    assert after.reused == len(fresh.documents) - (change.startswith(("add", "edit")))


@pytest.mark.parametrize(
    ("added", "written_before_a", "kept"),
    [("b.txt", False, True), ("0.txt", False, True), ("b.txt", True, False)],
)
def test_stories_before_the_first_new_file_keep_their_earlier_verdicts(
    tmp_path: Path, added: str, written_before_a: bool, kept: bool
) -> None:
    write(tmp_path, "a.txt", STORY)
    before = earlier_scan(ingest_inbox(tmp_path))
    [story] = before["a.txt"].articles
    # A verdict no fresh scan gives: only a scan that judges the story again changes it.
    before["a.txt"] = ScannedFile(
        before["a.txt"].document, (dataclasses.replace(story, duplicate_of="elsewhere"),)
    )
    new = write(tmp_path, added, STORY.replace("night bus", "tram").replace("Monday", "Friday"))
    if written_before_a:  # a file copied in with its old time comes before a.txt
        os.utime(new, (1_700_000_000, 1_700_000_000))
    after = ingest_inbox(tmp_path, earlier=before)
    [verdict] = [a.duplicate_of for a in after.articles if a.source_file == "a.txt"]
    assert verdict == ("elsewhere" if kept else None)


def test_reading_in_several_processes_gives_what_one_gives(tmp_path: Path) -> None:
    for n in range(80):
        write(tmp_path, f"{n:02d}.txt", STORY.replace("Monday", f"day {n}"))
    write(tmp_path, "41-broken.json", b"{")
    calls: list[tuple[int, int]] = []
    together = ingest_inbox(tmp_path, readers=2, progress=lambda *call: calls.append(call))
    alone = ingest_inbox(tmp_path)
    assert together == alone
    assert calls == [(n, 81) for n in range(1, 82)]


def test_plain_text_article_fields_and_file_date(tmp_path: Path) -> None:
    path = write(tmp_path, "story.txt", STORY)
    os.utime(path, (0, dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC).timestamp()))
    result = ingest_inbox(tmp_path)
    [document], [article] = result.documents, result.articles
    assert document.file_type == "text"
    assert document.modified_at == dt.datetime(2024, 5, 6, 7, 8, 9)
    assert article.title == "Night buses reach the outer districts"
    assert article.body.startswith("The city council voted")
    assert (article.published_date, article.date_source) == (dt.date(2024, 5, 6), "file")
    assert article.date_text == "file modified 2024-05-06T07:08:09"
    assert (article.story_index, article.duplicate_of, article.extra) == (0, None, None)


def test_seed_inbox(tmp_path: Path) -> None:
    result = ingest_inbox(SEEDS)
    assert [d.n_articles for d in result.documents] == [1, 5, 1]
    assert all(d.status == "ingested" for d in result.documents)
    first, *_ = result.articles
    assert (first.outlet, first.published_date, first.date_source) == (
        "Voice of America",
        dt.date(2024, 11, 12),
        "text",
    )
    assert first.credits == ("Associated Press", "Reuters", "Agence France-Presse")
    assert [a.story_index for a in result.articles] == [0, 0, 1, 2, 3, 4, 0]


def test_every_format_in_one_inbox(tmp_path: Path) -> None:
    for name in (
        "page.html",
        "feed.rss",
        "feed.atom",
        "articles.jsonl",
        "article.json",
        "story.md",
    ):
        shutil.copy(FIXTURES / name, tmp_path / name)
    result = ingest_inbox(tmp_path)
    documents = by_file(result)
    assert {name: (d.file_type, d.status, d.n_articles) for name, d in documents.items()} == {
        "article.json": ("json", "ingested", 1),
        "articles.jsonl": ("jsonl", "ingested", 3),
        "feed.atom": ("feed", "ingested", 1),
        "feed.rss": ("feed", "ingested", 2),
        "page.html": ("html", "ingested", 1),
        "story.md": ("text", "ingested", 1),
    }
    assert documents["articles.jsonl"].reject_reason == (
        "line 3: invalid JSON (Unterminated string starting at); "
        "line 4: no text in a body/text/content field"
    )
    articles = {(a.source_file, a.story_index): a for a in result.articles}
    page = articles[("page.html", 0)]
    assert (page.title, page.outlet, page.byline) == (
        "Harbor bridge reopens after storm repairs",
        "Coastal Ledger",
        "Mara Quill",
    )
    assert (page.published_date, page.date_source, page.date_text) == (
        dt.date(2024, 3, 5),
        "metadata",
        "2024-03-05",
    )
    assert page.credits == ("Associated Press",)
    assert page.boilerplate == ("Material from The Associated Press was used in this report.",)
    assert page.body.startswith("PORT ELLIS (AP) — The harbor bridge reopened")
    rss = articles[("feed.rss", 0)]
    assert (rss.published_date, rss.date_source) == (dt.date(2024, 6, 3), "metadata")
    assert rss.url == "https://valleycourier.example/regional/flood-barriers-hold"
    atom = articles[("feed.atom", 0)]
    assert atom.published_date == dt.date(2024, 9, 11)
    flights = articles[("article.json", 0)]
    assert flights.boilerplate == (
        "Photo: Airport authority",
        "Reuters contributed to this report.",
    )
    assert flights.credits == ("Reuters",)
    assert json.loads(flights.extra) == {"language": "en"}
    assert [a.story_index for a in result.articles if a.source_file == "articles.jsonl"] == [
        0,
        1,
        2,
    ]


def test_content_decides_when_the_extension_lies(tmp_path: Path) -> None:
    write(tmp_path, "saved.txt", (FIXTURES / "page.html").read_text(encoding="utf-8"))
    write(tmp_path, "dump.json", (FIXTURES / "articles.jsonl").read_text(encoding="utf-8"))
    write(tmp_path, "feed.html", (FIXTURES / "feed.rss").read_text(encoding="utf-8"))
    documents = by_file(ingest_inbox(tmp_path))
    assert documents["saved.txt"].file_type == "html"
    assert (documents["dump.json"].file_type, documents["dump.json"].n_articles) == ("jsonl", 3)
    assert (documents["feed.html"].file_type, documents["feed.html"].n_articles) == ("feed", 2)


def test_duplicates_across_files_point_to_the_first_copy(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", STORY)
    write(tmp_path, "b.txt", STORY.replace("\n\n", "\n"))  # same words, other layout
    write(tmp_path, "c.txt", STORY.replace("first new routes", "first of the new routes"))
    first, exact, near = ingest_inbox(tmp_path).articles
    assert first.duplicate_of is None
    assert exact.duplicate_of == first.article_id
    assert near.duplicate_of == first.article_id


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file (0 bytes)"),
        ("blank.txt", b" \n\t\r\n  ", "file holds only whitespace"),
        (
            "nul.txt",
            b"Text\x00with a NUL",
            "binary file: NUL byte at offset 4; newsledger reads text files",
        ),
        (
            "latin.txt",
            b"ok \xff\x81",
            "not UTF-8 text: byte 0xff at offset 3, nor Windows-1252; save it as UTF-8",
        ),
        (
            "cut.html",
            b"<html><head><title>Storm warn",
            "no article text found in the HTML (truncated or empty page?)",
        ),
        (
            "bad.json",
            b'{"title": "x" "body": "y"}',
            "invalid JSON at line 1 column 15 (Expecting ',' delimiter)",
        ),
        (
            "bad.jsonl",
            b"{oops\n[1]\n",
            "line 1: invalid JSON (Expecting property name enclosed in double quotes); "
            "line 2: not a JSON object",
        ),
        ("none.rss", (FIXTURES / "empty_feed.xml").read_bytes(), "no RSS or Atom entries found"),
        (
            "table.csv",
            b"a,b\n1,2\n",
            f"unsupported file type .csv: newsledger reads {READS}",
        ),
        (
            "photo.png",
            b"\x89PNG\r\n\x1a\n",
            f"unsupported file type .png: newsledger reads {READS}",
        ),
        (
            "README",
            b"notes",
            f"unsupported file type (no extension): newsledger reads {READS}",
        ),
        (
            "credits.txt",
            b"Photo: Reuters\nSource: voanews.com\n",
            "no article text besides headings, captions, bylines, credits and menus",
        ),
        (
            "menu.html",
            b"<html><head><title>World | City Paper</title></head><body><nav><ul>"
            b"<li><a href='/'>Home</a></li><li><a href='/world'>World</a></li>"
            b"<li><a href='/sport'>Sport</a></li><li><a href='/join'>Subscribe now</a></li>"
            b"</ul></nav></body></html>",
            "no article text besides headings, captions, bylines, credits and menus",
        ),
    ],
)
def test_bad_input_is_rejected_with_a_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    write(tmp_path, name, content)
    write(tmp_path, "good.txt", STORY)
    result = ingest_inbox(tmp_path)
    document = by_file(result)[name]
    assert (document.status, document.n_articles, document.reject_reason) == ("rejected", 0, reason)
    assert by_file(result)["good.txt"].status == "ingested"
    assert {a.source_file for a in result.articles} == {"good.txt"}


def test_file_over_the_limit_is_rejected_unread(tmp_path: Path) -> None:
    with (tmp_path / "huge.txt").open("wb") as handle:
        handle.truncate(6_200_000)  # sparse: nothing to write, nothing is read
    [document] = ingest_inbox(tmp_path).documents
    assert (
        document.reject_reason
        == "file is 6.2 MB, over the 5.0 MB limit (NEWSLEDGER_MAX_FILE_BYTES)"
    )
    assert (document.size_bytes, document.content_hash) == (6_200_000, None)
    write(tmp_path, "small.txt", "x" * 2_000)
    limited = by_file(ingest_inbox(tmp_path, max_bytes=1_500))["small.txt"]
    assert (
        limited.reject_reason == "file is 2.0 kB, over the 1.5 kB limit (NEWSLEDGER_MAX_FILE_BYTES)"
    )


def test_symbolic_links_are_rejected_and_never_followed(tmp_path: Path) -> None:
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    write(outside, "secret.txt", STORY)
    write(inbox, "real.txt", STORY)
    (inbox / "inside.txt").symlink_to(inbox / "real.txt")
    (inbox / "escape.txt").symlink_to(outside / "secret.txt")
    (inbox / "folder").symlink_to(outside, target_is_directory=True)
    documents = by_file(ingest_inbox(inbox))
    assert set(documents) == {"escape.txt", "folder", "inside.txt", "real.txt"}
    assert documents["escape.txt"].reject_reason == (
        f"symbolic link to {outside / 'secret.txt'}, outside the inbox: newsledger does not follow "
        "links; copy the file into the inbox instead"
    )
    assert documents["inside.txt"].reject_reason.startswith(
        f"symbolic link to {inbox / 'real.txt'}:"
    )
    assert documents["folder"].reject_reason.startswith(
        f"symbolic link to {outside}, outside the inbox"
    )
    assert all(documents[n].content_hash is None for n in ("escape.txt", "folder", "inside.txt"))


def test_special_files_are_rejected_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    [document] = ingest_inbox(tmp_path).documents
    assert (
        document.reject_reason
        == "not a regular file (a device, pipe or socket); newsledger reads files"
    )


def test_missing_inbox_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        ingest_inbox(tmp_path / "nowhere")


def test_a_copy_added_later_under_a_name_that_sorts_first_stays_the_copy(tmp_path: Path) -> None:
    original = write(tmp_path, "z-original.txt", STORY)
    os.utime(original, (1_700_000_000, 1_700_000_000))
    before = ingest_inbox(tmp_path)
    write(tmp_path, "a-copy.txt", STORY)
    for scan in (ingest_inbox(tmp_path, earlier=earlier_scan(before)), ingest_inbox(tmp_path)):
        copy, first = scan.articles  # in path order
        assert (copy.source_file, first.source_file) == ("a-copy.txt", "z-original.txt")
        assert first.duplicate_of is None
        assert copy.duplicate_of == first.article_id


def test_a_name_that_is_not_utf8_is_read_and_shown_with_its_bytes_escaped(tmp_path: Path) -> None:
    write(tmp_path, "plain.txt", STORY)
    odd = os.fsencode(tmp_path) + b"/caf\xe9 " + b"\xff.txt"
    with open(odd, "wb") as file:
        file.write(STORY.replace("night bus", "tram").encode())
    scan = ingest_inbox(tmp_path)
    assert sorted(d.source_file for d in scan.documents) == ["caf\\xe9 \\xff.txt", "plain.txt"]
    assert {d.status for d in scan.documents} == {"ingested"}
    again = ingest_inbox(tmp_path, earlier=earlier_scan(scan))
    assert again.reused == 2
