"""Hand-made tagged articles, written into a build database of a test's own as the load run
writes them, for dbt to build from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extract.nlp import ArticleTags, ArticleText
from extract.records import Article, Document, EntityMention, Quantity, Quote, Sentence
from orchestration.settings import BUILD_DATABASE_NAME
from orchestration.tag_files import TagFiles
from orchestration.warehouse import Warehouse


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


def load_stories(root: Path, stories: Sequence[Story]) -> Path:
    """A build database in `root` whose inbox is `stories`, tagged as written; its path."""
    path = root / BUILD_DATABASE_NAME
    warehouse = Warehouse(path=str(path), published_path=str(root / "warehouse.duckdb"))
    warehouse.ensure_tables()
    articles = [story.article() for story in stories]
    warehouse.replace_inbox(
        [story.document() for story in stories], articles, reader_version="test"
    )
    warehouse.forget_stale_tags("test")
    tag_files = TagFiles(path=str(root / "tagging"))
    batch = "-".join(story.article_id for story in stories)
    tag_files.write_batch(batch, "test", [
        ArticleText(article_id=a.article_id, body=a.body, published_date=a.published_date)
        for a in articles
    ])
    tag_files.write_tags(batch, [story.tags() for story in stories])
    warehouse.load_tags([tag_files.batches()[batch]])
    return path
