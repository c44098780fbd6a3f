"""The spaCy constructor and the one-pass tagging of articles."""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path

import pytest
from spacy.language import Language

import extract.nlp
from extract.events import load_taxonomy
from extract.gazetteer import Gazetteer
from extract.nlp import (
    DEFAULT_MODEL,
    ArticleTags,
    ArticleText,
    ModelNotInstalledError,
    NlpWorkerError,
    build_nlp,
    doc_sentences,
    model_meta,
    tag_articles,
)

TAXONOMY = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "event_types.csv"


def test_build_nlp_is_built_once(nlp: Language) -> None:
    assert build_nlp() is nlp
    assert "newsledger_paragraph_breaks_v1" in nlp.pipe_names
    assert nlp.pipe_names.index("newsledger_paragraph_breaks_v1") < nlp.pipe_names.index("parser")


@pytest.mark.parametrize("read", [build_nlp, model_meta])
def test_a_missing_model_says_how_to_install_it(read) -> None:
    with pytest.raises(ModelNotInstalledError) as err:
        read("en_core_web_nonexistent")
    message = str(err.value)
    assert "'en_core_web_nonexistent' is not installed" in message
    assert "NEWSLEDGER_SPACY_MODEL" in message


def test_the_meta_read_without_loading_is_the_loaded_pipelines(nlp: Language) -> None:
    meta = model_meta(DEFAULT_MODEL)
    assert (meta["lang"], meta["name"], meta["version"]) == (
        nlp.meta["lang"], nlp.meta["name"], nlp.meta["version"]
    )


@pytest.mark.parametrize("line_break", ["\n", "\r\n", " \n\n  ", "\t\n"])
def test_a_line_break_always_ends_a_sentence(nlp: Language, line_break: str) -> None:
    doc = nlp(f"Rebels seize the northern town{line_break}The army said it would respond.")
    assert [s.text.strip() for s in doc.sents] == [
        "Rebels seize the northern town",
        "The army said it would respond.",
    ]


def test_doc_sentences_trim_whitespace_and_keep_offsets(nlp: Language) -> None:
    text = "Headline here\n\n  The minister spoke on Monday. She left early.\n"
    sentences = doc_sentences(nlp(text), "a1")
    assert [s.sentence_index for s in sentences] == list(range(len(sentences)))
    assert sentences[0].text == "Headline here"
    for s in sentences:
        assert text[s.start_char : s.end_char] == s.text
        assert s.article_id == "a1" and s.text == s.text.strip()


def test_tag_articles_streams_one_result_per_article(nlp: Language, gazetteer: Gazetteer) -> None:
    articles = (
        ArticleText(f"art{i}", body, dt.date(2024, 11, 12))
        for i, body in enumerate(
            [
                "Ukrainian President Volodymyr Zelenskyy said on Monday that 12 drones were shot "
                'down. "We will respond," Zelenskyy said.',
                "Officials in Seoul said North Korea fired two missiles.",
                "",
            ]
        )
    )
    results = tag_articles(
        nlp, articles, gazetteer=gazetteer, taxonomy=load_taxonomy(TAXONOMY), batch_size=2
    )
    assert not isinstance(results, list)  # a generator: nothing is materialized up front
    tags = list(results)
    assert [t.article_id for t in tags] == ["art0", "art1", "art2"]
    assert all(isinstance(t, ArticleTags) for t in tags)
    first = tags[0]
    for records in (first.sentences, first.mentions, first.quotes, first.events, first.quantities):
        assert records, "every kind of record is produced"
        assert {r.article_id for r in records} == {"art0"}
    said = [q for q in first.quotes if q.kind == "reported"][0]
    assert said.speaker_name == "Volodymyr Zelenskyy"
    assert said.claim_date == dt.date(2024, 11, 11)  # "on Monday" before Tuesday 12 Nov
    assert tags[2].sentences == [] and tags[2].quotes == []


def _articles() -> list[ArticleText]:
    bodies = [
        "The harbour authority said on Friday that 40 ferries had been cancelled because of "
        'the storm. "Nobody sails until the wind drops," harbour master Ines Varga told '
        "reporters.",
        "Farmers in Ukraine blocked three roads on Wednesday, police said.",
        "Headline about the water board\n\nThe water board of the city of Lisbon approved a "
        "budget of $12 million. Its chair, Paulo Mendes, said the vote was close.",
        "",
        "Officials in Tokyo said Japan would send 200 engineers to Thailand after the floods.",
    ]
    return [ArticleText(f"text{i}", body, dt.date(2025, 3, 7)) for i, body in enumerate(bodies)]


def test_worker_processes_give_exactly_the_in_process_tags(
    nlp: Language, gazetteer: Gazetteer
) -> None:
    taxonomy = load_taxonomy(TAXONOMY)

    def tag(n_process: int) -> list[ArticleTags]:
        return list(
            tag_articles(
                nlp,
                iter(_articles()),
                gazetteer=gazetteer,
                taxonomy=taxonomy,
                batch_size=2,  # several batches, so the workers' results must be put in order
                n_process=n_process,
            )
        )

    in_process = tag(1)
    assert [t.article_id for t in in_process] == [a.article_id for a in _articles()]
    assert any(t.quotes for t in in_process) and any(t.events for t in in_process)
    assert tag(2) == in_process


def _die(batch: list[ArticleText]) -> list[ArticleTags]:
    os._exit(1)


def test_a_worker_that_dies_raises_instead_of_hanging(
    nlp: Language, gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extract.nlp, "_tag_batch", _die)
    signal.signal(signal.SIGALRM, _timed_out)
    signal.alarm(60)
    try:
        with pytest.raises(NlpWorkerError, match="worker process died while tagging articles"):
            list(
                tag_articles(
                    nlp,
                    _articles(),
                    gazetteer=gazetteer,
                    taxonomy=load_taxonomy(TAXONOMY),
                    batch_size=2,
                    n_process=2,
                )
            )
    finally:
        signal.alarm(0)


def _timed_out(signum: int, frame: object) -> None:
    raise TimeoutError("tag_articles hung after a worker died")
