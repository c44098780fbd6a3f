"""Hostile input at the extractor and the NLP layer: nothing raises, every file is accounted for.

`test_ingest_properties.py` throws random bytes and damaged sample files at the inbox; this
module throws text built to hurt: zero-width and bidirectional controls, quote marks that never
close, very long single lines, deeply nested and unclosed HTML, JSON with the wrong types or
nested too deep, feeds with broken CDATA or entity tricks, and a 5 MB single-line file.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from extract.events import EventTaxonomy, load_taxonomy
from extract.gazetteer import Gazetteer, load_gazetteer
from extract.ingest import DEFAULT_MAX_BYTES, Ingested, ingest_inbox
from extract.nlp import ArticleText, tag_articles

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"

INVISIBLE = (
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",  # zero-width, soft hyphen
    "\u200e", "\u200f", "\u061c",  # direction marks
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings and overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
    "\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\r",  # line and paragraph separators
)
QUOTES = ('"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "\u00ab", "\u00bb", "\u201e",
          "\u201a", "\u2039", "\u203a", "\u300c", "\u300d", "`", "''", "``")
WORDS = (
    "Officials", "said", "told", "reporters", "on", "Monday", "the", "minister", "President",
    "Maria", "Kovacs", "NATO", "Ukraine", "Kyiv", "troops", "drones", "killed", "12", "3,000",
    "wounded", "attack", "border", "according", "to", "a", "spokesperson",
    # Hebrew and Arabic words, right to left
    "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627", "\u0627\u0644\u062c\u064a\u0634",
    "Mr.", "U.S.", "(AP)", "\u2014",
    "--", ".", ",", ":", "...", "\u2026", "\n", "\n\n", "  ", "\t", "<b>", "</p>", "&amp;",
    "&nbsp;", "{{", "}}", "%", "$(id)", "\\", "#", "*", "_",
)

pieces = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(INVISIBLE),
    st.sampled_from(QUOTES),
    st.text(max_size=4),
)


@st.composite
def hostile_text(draw: st.DrawFn, max_repeat: int = 1_500) -> str:
    """Words, invisible characters and stray quotes; sometimes a run of them repeated into a
    very long single line."""
    parts = draw(st.lists(pieces, max_size=80))
    separators = st.sampled_from([" ", "", "\n", " \u200b", "\u202e "])
    text = "".join(part + draw(separators) for part in parts)
    if draw(st.booleans()):
        run = draw(st.lists(st.sampled_from(WORDS[:30] + QUOTES), min_size=1, max_size=8))
        text += " ".join(run).replace("\n", " ") * draw(st.integers(1, max_repeat))
    return text


@st.composite
def hostile_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file name and its bytes: hostile text as plain text, Markdown, nested or unclosed HTML,
    JSON with odd types, JSON Lines with broken lines, or a feed with broken markup."""
    text = draw(hostile_text())
    title = draw(st.one_of(hostile_text(), st.none()))
    kind = draw(st.sampled_from(["txt", "md", "html", "json", "jsonl", "rss", "atom"]))
    if kind in ("txt", "md"):
        content = text if title is None else f"{title}\n\n{text}"
    elif kind == "html":
        depth = draw(st.integers(0, 400))
        tag = draw(st.sampled_from(["div", "p", "b", "span", "table", "article"]))
        closed = draw(st.booleans())
        content = (
            f"<html><head><title>{title or ''}</title></head><body>{f'<{tag}>' * depth}"
            f"<p>{text}</p>{f'</{tag}>' * depth if closed else ''}</body></html>"
        )
    elif kind == "json":
        odd = st.one_of(st.none(), st.integers(), st.floats(), st.booleans(), st.just([]),
                        st.just({}), hostile_text(), st.lists(st.text(max_size=5), max_size=3))
        record = {
            draw(st.sampled_from(["body", "text", "content"])): text,
            "title": draw(odd),
            "published": draw(st.one_of(odd, st.sampled_from(["2024-13-45", "yesterday",
                                                              "9999-12-31T25:61", "0"]))),
            "outlet": draw(st.one_of(odd, st.fixed_dictionaries({"name": odd}))),
            "author": draw(odd),
            "url": draw(odd),
        }
        shape = draw(st.sampled_from(["object", "list", "articles", "nested"]))
        data = {"object": record, "list": [record, record], "articles": {"articles": [record]},
                "nested": [[record]]}[shape]
        content = json.dumps(data, ensure_ascii=draw(st.booleans()))
        if draw(st.booleans()):
            content = content[: draw(st.integers(0, len(content)))]
    elif kind == "jsonl":
        lines = [json.dumps({"title": title, "text": line}) for line in text.split("\n")]
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(
            ["{", "[" * 2_000 + "]" * 2_000, '{"text": 5}', "null", '"just a string"', ""]
        )))
        content = "\n".join(lines)
    else:
        cdata = draw(st.booleans())
        inner = f"<![CDATA[{text}" + ("]]>" if draw(st.booleans()) else "") if cdata else text
        entity = draw(st.sampled_from(["", "&nosuch;", "&#0;", "&#x110000;", "&amp"]))
        if kind == "rss":
            content = (
                f'<?xml version="1.0"?><rss version="2.0"><channel><item><title>{title}{entity}'
                f"</title><description>{inner}</description></item></channel></rss>"
            )
        else:
            content = (
                '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
                f"<title>{title}</title><content type=\"html\">{inner}{entity}</content>"
                "</entry></feed>"
            )
    return f"file.{kind}", content.encode("utf-8", errors="surrogatepass")


def ingest(files: dict[str, bytes], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Ingested:
    with tempfile.TemporaryDirectory() as folder:
        inbox = Path(folder)
        for name, content in files.items():
            (inbox / name).write_bytes(content)
        return ingest_inbox(inbox, max_bytes=max_bytes)


def assert_accounted_for(result: Ingested, names: list[str]) -> None:
    """Every file ingested with its stories, or rejected with a reason a person can act on."""
    assert [d.source_file for d in result.documents] == sorted(names)
    for document in result.documents:
        found = [a for a in result.articles if a.source_file == document.source_file]
        if document.status == "ingested":
            assert document.n_articles == len(found) > 0
        else:
            assert document.status == "rejected"
            assert document.n_articles == 0 and not found
            assert document.reject_reason
        assert "unexpected error" not in (document.reject_reason or ""), document.reject_reason
    for article in result.articles:
        assert isinstance(article.body, str) and article.body.strip()
        assert article.word_count == len(article.body.split())
    assert len({a.article_id for a in result.articles}) == len(result.articles)


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.lists(hostile_file(), min_size=1, max_size=3))
def test_hostile_files_are_ingested_or_rejected_with_a_reason(
    files: list[tuple[str, bytes]],
) -> None:
    named = {f"f{n}_{name}": content for n, (name, content) in enumerate(files)}
    assert_accounted_for(ingest(named), list(named))


def test_json_with_half_a_surrogate_pair_is_ingested_with_a_replacement_character() -> None:
    # Lone surrogate escapes, as some exporters write them, beside a whole pair (an emoji).
    text = (
        r'{"title": "Ferry \ud83d strike", "tags": ["\ud800"], "body": "Ferry crews walked '
        r'out on Monday \udc00 over pay, the union said. \ud83d\ude00"}'
    )
    files = {"one.json": text.encode(), "lines.jsonl": (text + "\n" + text).encode()}
    result = ingest(files)
    assert_accounted_for(result, list(files))
    assert {d.status for d in result.documents} == {"ingested"}
    for article in result.articles:
        assert "\ufffd over pay" in article.body and article.body.endswith("\U0001f600")
        assert article.title == "Ferry \ufffd strike"
        assert json.loads(article.extra) == {"tags": ["\ufffd"]}


@pytest.fixture(scope="module")
def reference() -> tuple[Gazetteer, EventTaxonomy]:
    return load_gazetteer(SEEDS), load_taxonomy(SEEDS / "event_types.csv")


def tag(nlp: Language, reference: tuple[Gazetteer, EventTaxonomy], bodies: list[str],
        published: dt.date | None = None) -> list:
    gazetteer, taxonomy = reference
    articles = [ArticleText(f"a{n}", body, published) for n, body in enumerate(bodies)]
    return list(tag_articles(nlp, articles, gazetteer=gazetteer, taxonomy=taxonomy))


@settings(max_examples=100, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(
    bodies=st.lists(hostile_text(max_repeat=300).filter(str.strip), min_size=1, max_size=3),
    published=st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))),
)
def test_hostile_text_is_tagged_with_offsets_inside_the_body(
    nlp: Language, reference: tuple[Gazetteer, EventTaxonomy], bodies: list[str],
    published: dt.date | None,
) -> None:
    tagged = tag(nlp, reference, bodies, published)
    assert [t.article_id for t in tagged] == [f"a{n}" for n in range(len(bodies))]
    for body, tags in zip(bodies, tagged, strict=True):
        for sentence in tags.sentences:
            assert body[sentence.start_char : sentence.end_char] == sentence.text
        for mention in tags.mentions:
            assert body[mention.start_char : mention.end_char] == mention.text
        for record in (*tags.quotes, *tags.events, *tags.quantities):
            assert 0 <= record.start_char <= record.end_char <= len(body), record
        for quote in tags.quotes:
            assert quote.text


def test_5_mb_single_line_files_are_ingested_or_rejected_with_a_reason() -> None:
    line = " ".join(f"officials said {n} drones were shot down" for n in range(130_000))
    files = {
        "just_under.txt": ("Drones over the capital\n\n" + line)[: DEFAULT_MAX_BYTES].encode(),
        "just_over.txt": ("Drones over the capital\n\n" + line)[: DEFAULT_MAX_BYTES + 1].encode(),
        "one_line.jsonl": json.dumps({"title": "Drones", "text": line[:4_900_000]}).encode(),
    }
    result = ingest(files)
    assert_accounted_for(result, list(files))
    status = {d.source_file: (d.status, d.reject_reason) for d in result.documents}
    for name in ("just_under.txt", "one_line.jsonl"):  # within the file limit, one huge story
        assert status[name][0] == "rejected"
        assert "over the 1,000,000 the language model reads at once" in status[name][1]
    assert status["one_line.jsonl"][1].startswith("object: a story of 4,900,000 characters")
    assert status["just_over.txt"][0] == "rejected"
    assert "over the 5.0 MB limit (NEWSLEDGER_MAX_FILE_BYTES)" in status["just_over.txt"][1]


def test_a_story_longer_than_the_spacy_limit_does_not_stop_tagging(
    nlp: Language, reference: tuple[Gazetteer, EventTaxonomy]
) -> None:
    line = " ".join(f"officials said {n} drones were shot down" for n in range(27_000))
    content = f"Drones over the capital\n\n{line}\n".encode()
    assert 1_000_000 < len(content) < DEFAULT_MAX_BYTES
    result = ingest({"long.txt": content})
    assert_accounted_for(result, ["long.txt"])
    assert "split it into several files" in result.documents[0].reject_reason
    tag(nlp, reference, [article.body for article in result.articles])


def test_ten_thousand_nested_divs_are_ingested_or_rejected_with_a_reason() -> None:
    story = "<p>Officials said on Monday that the bridge had been closed after a storm.</p>"
    deep = "<div>" * 10_000 + story + "</div>" * 10_000
    files = {
        "deep.html": f"<html><head><title>Deep</title></head><body>{deep}</body></html>".encode(),
        "deep_unclosed.html": ("<html><body>" + "<div>" * 10_000 + story).encode(),
        "deep_as_text.txt": deep.encode(),
        "deep.json": ("[" * 10_000 + "]" * 10_000).encode(),
        "deep_field.json": ('{"text": "Officials said so.", "extra": ' + "[" * 10_000
                            + "]" * 10_000 + "}").encode(),
    }
    assert_accounted_for(ingest(files), list(files))


def test_feeds_do_not_expand_entity_bombs_or_read_files_outside_the_inbox(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET outside the inbox")
    laughs = "".join(
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
    )
    files = {
        "bomb.xml": (
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lol">{laughs}]>'
            '<rss version="2.0"><channel><item><title>&l9;</title>'
            "<description>Officials said &l9; on Monday.</description></item></channel></rss>"
        ).encode(),
        "xxe.rss": (
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
            '<rss version="2.0"><channel><item><title>T</title>'
            "<description>Officials said &x; on Monday.</description></item></channel></rss>"
        ).encode(),
    }
    result = ingest(files)
    assert_accounted_for(result, list(files))
    for article in result.articles:
        assert "TOP SECRET" not in article.body and "lollollol" not in article.body
