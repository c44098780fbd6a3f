"""marts.figures built by dbt from a few hand-made tagged articles in a temporary warehouse.

The records mirror the sample articles about North Korean troops in Russia: four sources put
the number at 3,000, over 10,000, 11,000 and 10,000 to 12,000.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from extract.nlp import ArticleTags, ArticleText
from extract.records import Article, Document, EntityMention, Quantity, Quote, Sentence
from orchestration.settings import BUILD_DATABASE_NAME
from orchestration.tag_files import TagFiles
from orchestration.warehouse import Warehouse

pytestmark = pytest.mark.slow

@dataclass
class Story:
    """One article written as sentences, with the spans to tag given by their text."""

    article_id: str
    outlet: str
    published: dt.date
    sentences: list[str]
    # text, name, entity type, NER label, and the passage that holds the text (None: the text)
    mentions: list[tuple[str, str, str, str, str | None]] = field(default_factory=list)
    # speaker, claim text, claim date
    quotes: list[tuple[str, str, dt.date | None]] = field(default_factory=list)
    # text, value, high, unit, qualifier
    quantities: list[tuple[str, float, float | None, str, str | None]] = field(default_factory=list)

    @property
    def body(self) -> str:
        return " ".join(self.sentences)

    def span(self, text: str, within: str | None = None) -> tuple[int, int, int]:
        """Start, end and sentence index of `text`, first seen in the passage `within`."""
        start = self.body.index(within or text) + (within or text).index(text)
        offset = 0
        for index, sentence in enumerate(self.sentences):
            if offset <= start < offset + len(sentence):
                return start, start + len(text), index
            offset += len(sentence) + 1
        raise ValueError(text)

    def document(self) -> Document:
        return Document(
            document_id=f"doc-{self.article_id}",
            source_file=f"{self.article_id}.txt",
            file_type="text",
            size_bytes=len(self.body),
            content_hash=self.article_id,
            modified_at=None,
            status="ingested",
            reject_reason=None,
            n_articles=1,
        )

    def article(self) -> Article:
        return Article(
            article_id=self.article_id,
            document_id=f"doc-{self.article_id}",
            source_file=f"{self.article_id}.txt",
            story_index=0,
            title=None,
            kicker=None,
            byline=None,
            outlet=self.outlet,
            url=None,
            published_date=self.published,
            date_source="metadata",
            date_text=None,
            body=self.body,
            word_count=len(self.body.split()),
            credits=(),
            boilerplate=(),
            content_hash=self.article_id,
            duplicate_of=None,
            extra=None,
        )

    def tags(self) -> ArticleTags:
        sentences, offset = [], 0
        for index, text in enumerate(self.sentences):
            sentences.append(Sentence(self.article_id, index, offset, offset + len(text), text))
            offset += len(text) + 1
        mentions = []
        for index, (text, name, entity_type, label, within) in enumerate(self.mentions):
            start, end, sentence = self.span(text, within)
            mentions.append(
                EntityMention(
                    article_id=self.article_id,
                    mention_index=index,
                    sentence_index=sentence,
                    start_char=start,
                    end_char=end,
                    text=text,
                    label=label,
                    name=name,
                    entity_type=entity_type,
                    role=None,
                    affiliation=None,
                )
            )
        quotes = []
        for index, (speaker, text, claim_date) in enumerate(self.quotes):
            start, end, sentence = self.span(text)
            quotes.append(
                Quote(
                    article_id=self.article_id,
                    claim_index=index,
                    sentence_index=sentence,
                    kind="reported",
                    cue="say",
                    cue_class="assert",
                    speaker_text=speaker,
                    speaker_name=speaker,
                    speaker_type="country" if " " not in speaker else "person",
                    text=text,
                    sentence=self.sentences[sentence],
                    start_char=start,
                    end_char=end,
                    claim_date=claim_date,
                    date_text=None,
                )
            )
        quantities = []
        for index, (text, value, high, unit, qualifier) in enumerate(self.quantities):
            start, end, sentence = self.span(text)
            holding = [q for q in quotes if q.start_char <= start < q.end_char]
            quantities.append(
                Quantity(
                    article_id=self.article_id,
                    quantity_index=index,
                    sentence_index=sentence,
                    text=text,
                    value=value,
                    high=high,
                    unit=unit,
                    qualifier=qualifier,
                    claim_index=holding[0].claim_index if holding else None,
                    start_char=start,
                    end_char=end,
                )
            )
        return ArticleTags(self.article_id, sentences, mentions, quotes, [], quantities)


STORIES = [
    Story(
        article_id="voa-1",
        outlet="Voice of America",
        published=dt.date(2024, 11, 12),
        sentences=[
            '"Over 10,000 DPRK (North Korean) soldiers have been sent to eastern Russia," '
            "spokesperson Vedant Patel told reporters.",
            "A day earlier, Ukrainian President Volodymyr Zelenskyy said Ukrainian troops were "
            "facing 50,000 troops, including 11,000 North Korean troops deployed by Russia.",
        ],
        mentions=[
            ("DPRK", "North Korea", "country", "GPE", None),
            ("Russia", "Russia", "country", "GPE", None),
            ("Vedant Patel", "Vedant Patel", "person", "PERSON", None),
            ("Ukrainian", "Ukraine", "country", "NORP", "Ukrainian President"),
            ("Volodymyr Zelenskyy", "Volodymyr Zelenskyy", "person", "PERSON", None),
            ("Ukrainian", "Ukraine", "country", "NORP", "Ukrainian troops"),
            ("North Korean", "North Korea", "country", "NORP", "North Korean troops deployed"),
        ],
        quotes=[
            (
                "Vedant Patel",
                "Over 10,000 DPRK (North Korean) soldiers have been sent to eastern Russia",
                None,
            ),
            (
                "Volodymyr Zelenskyy",
                "Ukrainian troops were facing 50,000 troops, including "
                "11,000 North Korean troops deployed by Russia",
                dt.date(2024, 11, 11),
            ),
        ],
        quantities=[
            ("10,000", 10000, None, "troops", "over"),
            ("50,000", 50000, None, "troops", None),
            ("11,000", 11000, None, "troops", None),
        ],
    ),
    Story(
        article_id="voa-2",
        outlet="Voice of America",
        published=dt.date(2024, 10, 24),
        sentences=[
            "The United States said Wednesday that 3,000 North Korean troops were dispatched "
            "to Russia earlier this month.",
        ],
        mentions=[
            ("United States", "United States", "country", "GPE", None),
            ("North Korean", "North Korea", "country", "NORP", None),
            ("Russia", "Russia", "country", "GPE", None),
        ],
        quotes=[
            (
                "United States",
                "3,000 North Korean troops were dispatched to Russia earlier this month",
                dt.date(2024, 10, 23),
            ),
        ],
        quantities=[("3,000", 3000, None, "troops", None)],
    ),
    Story(
        article_id="ap-3",
        outlet="Associated Press",
        published=dt.date(2024, 12, 16),
        sentences=[
            "Those are the first reported casualties since the US and Ukraine announced that "
            "North Korea had sent 10,000 to 12,000 troops to Russia.",
        ],
        mentions=[
            ("US", "United States", "country", "GPE", None),
            ("Ukraine", "Ukraine", "country", "GPE", None),
            ("North Korea", "North Korea", "country", "GPE", None),
            ("Russia", "Russia", "country", "GPE", None),
        ],
        quotes=[
            ("United States", "North Korea had sent 10,000 to 12,000 troops to Russia", None),
            ("Ukraine", "North Korea had sent 10,000 to 12,000 troops to Russia", None),
        ],
        quantities=[("10,000 to 12,000", 10000, 12000, "troops", None)],
    ),
]


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory, run_dbt) -> Path:
    root = tmp_path_factory.mktemp("figures")
    path = root / BUILD_DATABASE_NAME
    warehouse = Warehouse(path=str(path), published_path=str(root / "warehouse.duckdb"))
    warehouse.ensure_tables()
    warehouse.replace_inbox(
        [story.document() for story in STORIES],
        [story.article() for story in STORIES],
        reader_version="test",
    )
    tag_files = TagFiles(path=str(root / "tagging"))
    articles = [story.article() for story in STORIES]
    tag_files.write_batch("figures", "test", [
        ArticleText(article_id=a.article_id, body=a.body, published_date=a.published_date)
        for a in articles
    ])
    tag_files.write_tags("figures", [story.tags() for story in STORIES])
    warehouse.load_tags(tag_files.batches().values())
    # cautious: leave out tests that also need marts outside the selection (actors, ...)
    result = run_dbt(path, "build", "--select", "+figures", "--indirect-selection", "cautious")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return path


def figures(path: Path) -> dict[tuple[str, str], dict]:
    with duckdb.connect(str(path), read_only=True) as conn:
        cursor = conn.execute("select * from marts.figures")
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {(row["subject"], row["measure"]): row for row in rows}


def test_the_north_korean_troop_figures_are_reconciled(warehouse_file) -> None:
    row = figures(warehouse_file)[("North Korea", "troops")]
    assert (row["n_claims"], row["n_sources"]) == (5, 4)
    assert (row["low"], row["best"], row["high"]) == (3000, 11000, 12000)
    assert row["disagreement"] is True
    assert (row["first_claimed_on"], row["last_claimed_on"]) == (
        dt.date(2024, 10, 23),
        dt.date(2024, 12, 16),
    )


def test_every_claim_keeps_its_value_source_and_date_in_date_order(warehouse_file) -> None:
    claims = figures(warehouse_file)[("North Korea", "troops")]["claims"]
    assert [
        (c["value"], c["high"], c["qualifier"], c["source_name"], c["claimed_on"]) for c in claims
    ] == [
        (3000, None, None, "United States", dt.date(2024, 10, 23)),
        (11000, None, None, "Volodymyr Zelenskyy", dt.date(2024, 11, 11)),
        (10000, None, "over", "Vedant Patel", dt.date(2024, 11, 12)),
        (10000, 12000, None, "Ukraine", dt.date(2024, 12, 16)),  # co-speakers by name
        (10000, 12000, None, "United States", dt.date(2024, 12, 16)),
    ]
    assert claims[0]["article_id"] == "voa-2"
    assert claims[0]["sentence"].startswith("The United States said Wednesday that 3,000")


def test_a_figure_without_a_subject_stays_out(warehouse_file) -> None:
    # "Ukrainian troops were facing 50,000 troops": whose troops the text does not say here
    rows = figures(warehouse_file)
    assert set(rows) == {("North Korea", "troops")}
