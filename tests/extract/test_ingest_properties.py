"""Property: whatever bytes land in the inbox, every file is accounted for and nothing raises."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.ingest import ingest_inbox

SEEDS = sorted((Path(__file__).parents[2] / "seeds").glob("*.txt"))
SEED_BYTES = [path.read_bytes() for path in SEEDS]
EXTENSIONS = [
    ".txt",
    ".md",
    ".html",
    ".htm",
    ".json",
    ".jsonl",
    ".xml",
    ".rss",
    ".atom",
    ".csv",
    "",
]


@st.composite
def mangled_seed(draw: st.DrawFn) -> bytes:
    """A seed file truncated, with bytes flipped, and perhaps wrapped in HTML, JSON or a feed."""
    data = draw(st.sampled_from(SEED_BYTES))
    data = data[: draw(st.integers(0, len(data)))]
    flips = draw(
        st.lists(st.tuples(st.integers(0, max(len(data) - 1, 0)), st.integers(0, 255)), max_size=8)
    )
    buffer = bytearray(data)
    for index, value in flips:
        if buffer:
            buffer[index] = value
    text = bytes(buffer).decode("utf-8", errors="replace")
    wrapping = draw(st.sampled_from(["none", "html", "json", "jsonl", "feed", "cut-html"]))
    if wrapping == "html":
        paragraphs = "".join(f"<p>{line}</p>" for line in text.split("\n"))
        page = f"<html><head><title>T</title></head><body><article>{paragraphs}</article></body>"
        return (page + "</html>").encode()
    if wrapping == "cut-html":
        page = f"<html><body><article><p>{text}</p></article></body></html>"
        return page[: draw(st.integers(0, len(page)))].encode()
    if wrapping == "json":
        return json.dumps({"title": "T", "body": text, "x": [1]}).encode()
    if wrapping == "jsonl":
        lines = [json.dumps({"text": line}) for line in text.split("\n")]
        return "\n".join(lines[: draw(st.integers(0, len(lines)))]).encode()
    if wrapping == "feed":
        item = f"<item><title>T</title><description><![CDATA[{text}]]></description></item>"
        return f'<?xml version="1.0"?><rss version="2.0"><channel>{item}</channel></rss>'.encode()
    return bytes(buffer)


files = st.lists(
    st.tuples(st.sampled_from(EXTENSIONS), st.one_of(st.binary(max_size=2_000), mangled_seed())),
    min_size=1,
    max_size=3,
)


@settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(files=files)
def test_every_file_is_ingested_or_rejected_with_a_reason(files: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        inbox = Path(folder)
        names = [f"f{number}{extension}" for number, (extension, _) in enumerate(files)]
        for name, (_, content) in zip(names, files, strict=True):
            (inbox / name).write_bytes(content)
        result = ingest_inbox(inbox, max_bytes=50_000)
    assert [d.source_file for d in result.documents] == sorted(names)
    for document in result.documents:
        found = [a for a in result.articles if a.source_file == document.source_file]
        if document.status == "ingested":
            assert document.n_articles == len(found) > 0
        else:
            assert document.status == "rejected"
            assert document.n_articles == 0 and not found
            assert document.reject_reason
        assert "unexpected error" not in (document.reject_reason or "")
    assert all(article.body.strip() for article in result.articles)
    assert len({a.article_id for a in result.articles}) == len(result.articles)
