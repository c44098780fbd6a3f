"""Hand-built frames, one small good sample per table, shaped as DuckDB returns them."""

from __future__ import annotations

import pandas as pd
import pytest

BODY = (
    "Ukrainian President Volodymyr Zelenskyy said on Monday that Russian drones struck Kyiv "
    'overnight. "We will rebuild every home," Zelenskyy told reporters in the capital. '
    "Officials said three people were killed and 12 wounded in the attack. "
    "The United States pledged $7.1 billion in new military aid to Ukraine on Tuesday."
)
TITLE = "Russian drones strike Kyiv as U.S. pledges new aid"
SECOND_BODY = (
    "NATO defence ministers met in Brussels on Thursday to discuss air defence for Ukraine. "
    "Secretary General Mark Rutte said the alliance would send more interceptors this winter."
)


def span(text: str, body: str = BODY) -> tuple[int, int]:
    start = body.index(text)
    return start, start + len(text)


def sentence_of(text: str, body: str = BODY) -> str:
    for sentence in _sentences(body):
        if text in sentence:
            return sentence
    raise ValueError(text)


def _sentences(body: str) -> list[str]:
    parts, start = [], 0
    for end in [i + 1 for i, c in enumerate(body) if c == "." and body[i + 1 : i + 2] in (" ", "")]:
        part = body[start:end].strip()
        if part and not part.endswith("U.S."):
            parts.append(part)
            start = end
    return parts


def dates(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)), dtype="datetime64[us]")


def ints(*values: int | None) -> pd.Series:
    return pd.Series(list(values), dtype="Int64")


def raw_documents() -> pd.DataFrame:
    unsupported = "unsupported file type .pdf: newsledger reads .txt .md .html"
    return pd.DataFrame(
        {
            "document_id": ["d1", "d2", "d3", "d4"],
            "source_file": ["pages/front.html", "wire/nato.txt", "feeds/world.xml", "scan.pdf"],
            "file_type": ["html", "text", "feed", "unknown"],
            "size_bytes": ints(5120, 900, 2048, 40960),
            "content_hash": ["f1", "f2", "f3", None],
            "modified_at": dates(
                "2024-03-04 08:00", "2024-03-07 09:30", "2024-03-07 10:00", "2024-03-08 12:00"
            ),
            "status": ["ingested", "ingested", "ingested", "rejected"],
            # an ingested file may carry notes on parts it skipped
            "reject_reason": [None, None, "entry 3: no article text", unsupported],
            "n_articles": ints(2, 1, 4, 0),
        }
    )


def raw_articles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3"],
            "document_id": ["d1", "d1", "d2"],
            "source_file": ["pages/front.html", "pages/front.html", "wire/nato.txt"],
            "story_index": ints(0, 1, 0),
            "title": [TITLE, "NATO ministers discuss air defence", TITLE],
            "kicker": [None, "WORLD", None],
            "byline": ["By Jane Doe", None, None],
            "outlet": ["The Daily Ledger", "The Daily Ledger", "Wire Weekly"],
            "url": [None, None, "https://example.org/nato"],
            "published_date": dates("2024-03-04", "2024-03-07", None),
            "date_source": ["metadata", "text", "unknown"],
            "date_text": ["2024-03-04", "Thursday, March 7, 2024", None],
            "body": [BODY, SECOND_BODY, BODY],
            "word_count": ints(len(BODY.split()), len(SECOND_BODY.split()), len(BODY.split())),
            "credits": [["Associated Press"], [], ["Reuters"]],
            "boilerplate": [["Photo: AP"], [], []],
            "content_hash": ["h1", "h2", "h1"],
            "duplicate_of": [None, None, "a1"],
            "extra": [None, '{"section": "world"}', None],
        }
    )


def nlp_sentences() -> pd.DataFrame:
    rows = []
    for article_id, body in (("a1", BODY), ("a2", SECOND_BODY)):
        for index, text in enumerate(_sentences(body)):
            start, end = span(text, body)
            rows.append((article_id, index, start, end, text))
    return pd.DataFrame(
        rows, columns=["article_id", "sentence_index", "start_char", "end_char", "text"]
    )


def nlp_entity_mentions() -> pd.DataFrame:
    mentions = [
        ("Volodymyr Zelenskyy", "PERSON", "Volodymyr Zelenskyy", "person", "President", "Ukraine"),
        ("Russian", "NORP", "Russia", "country", None, None),
        ("Kyiv", "GPE", "Kyiv", "location", None, None),
        ("Zelenskyy", "PERSON", "Volodymyr Zelenskyy", "person", None, None),
        ("The United States", "GPE", "United States", "country", None, None),
        ("Ukraine", "GPE", "Ukraine", "country", None, None),
    ]
    rows = []
    for index, (text, label, name, entity_type, role, affiliation) in enumerate(mentions):
        start, end = span(text, BODY)
        sentence_index = next(
            i
            for i, s in enumerate(_sentences(BODY))
            if BODY.index(s) <= start < BODY.index(s) + len(s)
        )
        rows.append(
            (
                "a1",
                index,
                sentence_index,
                start,
                end,
                text,
                label,
                name,
                entity_type,
                role,
                affiliation,
            )
        )
    columns = [
        "article_id", "mention_index", "sentence_index", "start_char", "end_char", "text",
        "label", "name", "entity_type", "role", "affiliation",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _quotes() -> list[dict]:
    direct = "We will rebuild every home,"
    reported = "three people were killed and 12 wounded in the attack"
    drones = "Russian drones struck Kyiv overnight"
    return [
        {"claim_index": 0, "sentence_index": 0, "kind": "reported", "cue": "say",
         "speaker_name": "Volodymyr Zelenskyy", "speaker_type": "person", "text": drones},
        {"claim_index": 1, "sentence_index": 1, "kind": "direct_quote", "cue": "tell",
         "speaker_name": "Volodymyr Zelenskyy", "speaker_type": "person", "text": direct},
        {"claim_index": 2, "sentence_index": 2, "kind": "reported", "cue": "say",
         "speaker_name": "officials", "speaker_type": "unnamed", "text": reported},
    ]  # fmt: skip


def nlp_quotes() -> pd.DataFrame:
    rows = []
    for q in _quotes():
        start, end = span(q["text"])
        rows.append(
            {
                "article_id": "a1",
                **{k: q[k] for k in ("claim_index", "sentence_index", "kind", "cue")},
                "cue_class": "assert",
                "speaker_text": q["speaker_name"].split()[-1],
                "speaker_name": q["speaker_name"],
                "speaker_type": q["speaker_type"],
                "text": q["text"],
                "sentence": sentence_of(q["text"]),
                "start_char": start,
                "end_char": end,
                "claim_date": pd.Timestamp("2024-03-04"),
                "date_text": "Monday",
            }
        )
    frame = pd.DataFrame(rows)
    frame["claim_date"] = frame["claim_date"].astype("datetime64[us]")
    return frame


def _events() -> list[dict]:
    return [
        {"trigger": "struck", "trigger_lemma": "strike", "event_type": "drone_or_missile_attack",
         "actor_name": "Russia", "target_name": "Kyiv", "location": "Kyiv", "killed": None,
         "wounded": None, "quantity": None, "quantity_high": None, "quantity_unit": None,
         "claim_index": 0},
        {"trigger": "killed", "trigger_lemma": "kill", "event_type": "casualties",
         "actor_name": None, "target_name": None, "location": "Kyiv", "killed": 3.0,
         "wounded": 12.0, "quantity": None, "quantity_high": None, "quantity_unit": None,
         "claim_index": 2},
        {"trigger": "pledged", "trigger_lemma": "pledge", "event_type": "aid_or_funding",
         "actor_name": "United States", "target_name": "Ukraine", "location": None,
         "killed": None, "wounded": None, "quantity": 7.1e9, "quantity_high": 7.1e9,
         "quantity_unit": "USD", "claim_index": None},
    ]  # fmt: skip


def nlp_event_mentions() -> pd.DataFrame:
    rows = []
    for index, e in enumerate(_events()):
        sentence = sentence_of(e["trigger"])
        start, end = span(sentence)
        rows.append(
            {
                "article_id": "a1",
                "event_index": index,
                "sentence_index": _sentences(BODY).index(sentence),
                **{k: v for k, v in e.items() if k != "claim_index"},
                "event_date": pd.Timestamp("2024-03-04"),
                "date_text": "Monday",
                "modality": "asserted",
                "claim_index": e["claim_index"],
                "sentence": sentence,
                "start_char": start,
                "end_char": end,
            }
        )
    frame = pd.DataFrame(rows)
    frame["claim_index"] = frame["claim_index"].astype("Int64")
    frame["event_date"] = frame["event_date"].astype("datetime64[us]")
    for column in ("killed", "wounded", "quantity", "quantity_high"):
        frame[column] = frame[column].astype("float64")
    return frame


def nlp_quantities() -> pd.DataFrame:
    figures = [("three", 3.0, None, "people", None, 2), ("12", 12.0, None, None, None, 2),
               ("$7.1 billion", 7.1e9, None, "USD", None, None)]  # fmt: skip
    rows = []
    for index, (text, value, high, unit, qualifier, claim_index) in enumerate(figures):
        start, end = span(text)
        sentence_index = _sentences(BODY).index(sentence_of(text))
        rows.append(("a1", index, sentence_index, text, value, high, unit, qualifier,
                     claim_index, start, end))  # fmt: skip
    columns = [
        "article_id", "quantity_index", "sentence_index", "text", "value", "high", "unit",
        "qualifier", "claim_index", "start_char", "end_char",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    frame["high"] = frame["high"].astype("float64")
    frame["claim_index"] = frame["claim_index"].astype("Int64")
    return frame


def marts_articles() -> pd.DataFrame:
    frame = raw_articles()
    return frame[
        ["article_id", "document_id", "source_file", "story_index", "title", "outlet",
         "published_date", "date_source", "body", "word_count", "credits", "duplicate_of"]
    ].copy()  # fmt: skip


def marts_sources() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": ["s1", "s2", "s3", "s4"],
            "name": ["The Daily Ledger", "Associated Press", "Volodymyr Zelenskyy", "officials"],
            "source_type": ["outlet", "wire_agency", "person", "unnamed"],
            "actor_id": [None, None, "p1", None],
            "articles_published": ints(2, 0, 0, 0),
            "articles_credited": ints(0, 1, 0, 0),
            "claims_made": ints(0, 0, 2, 1),
            "first_seen": dates("2024-03-04", "2024-03-04", "2024-03-04", "2024-03-04"),
            "last_seen": dates("2024-03-07", "2024-03-04", "2024-03-04", "2024-03-04"),
        }
    )


def marts_actors() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "actor_id": ["p1", "c1", "c2", "o1"],
            "name": ["Volodymyr Zelenskyy", "Russia", "United States", "NATO"],
            "actor_type": ["person", "country", "country", "organization"],
            "aliases": [
                ["Zelenskyy", "Volodymyr Zelenskyy", "Ukrainian President Volodymyr Zelenskyy"],
                ["Russia", "Russian"],
                ["The United States", "U.S."],
                ["NATO"],
            ],
            "roles": [["President"], [], [], []],
            "affiliation": ["Ukraine", None, None, None],
            "n_mentions": ints(2, 1, 2, 1),
            "n_articles": ints(1, 1, 1, 1),
            "first_seen": dates("2024-03-04", "2024-03-04", "2024-03-04", "2024-03-07"),
            "last_seen": dates("2024-03-04", "2024-03-04", "2024-03-07", "2024-03-07"),
        }
    )


def marts_claims() -> pd.DataFrame:
    quotes = nlp_quotes()
    return pd.DataFrame(
        {
            "claim_id": ["k0", "k1", "k2"],
            "article_id": quotes["article_id"],
            "source_id": ["s3", "s3", "s4"],
            "speaker_actor_id": ["p1", "p1", None],
            "speaker_name": quotes["speaker_name"],
            "kind": quotes["kind"],
            "cue": quotes["cue"],
            "text": quotes["text"],
            "sentence": quotes["sentence"],
            "start_char": quotes["start_char"],
            "end_char": quotes["end_char"],
            "claim_date": quotes["claim_date"],
        }
    )


def marts_events() -> pd.DataFrame:
    events = nlp_event_mentions()
    frame = events[
        ["article_id", "event_type", "actor_name", "target_name", "location", "event_date",
         "date_text", "killed", "wounded", "quantity", "quantity_unit", "sentence",
         "start_char", "end_char"]
    ].copy()  # fmt: skip
    frame.insert(0, "event_id", ["e0", "e1", "e2"])
    frame["actor_id"] = ["c1", None, "c2"]
    frame["target_id"] = [None, None, None]
    frame["source_id"] = ["s3", "s4", "s1"]
    return frame


def marts_quantities() -> pd.DataFrame:
    quantities = nlp_quantities()
    frame = quantities[
        ["article_id", "value", "high", "unit", "qualifier", "text", "sentence_index",
         "start_char", "end_char"]
    ].copy()  # fmt: skip
    frame.insert(0, "quantity_id", ["q0", "q1", "q2"])
    frame["source_id"] = ["s4", "s4", "s1"]
    return frame


def marts_figures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "figure_id": ["f0", "f1"],
            "subject": ["Northland", "Harbour Authority"],
            "subject_actor_id": ["c1", None],
            "measure": ["troops", "drones"],
            "n_claims": ints(2, 1),
            "n_sources": ints(2, 1),
            "low": [3000.0, 12.0],
            "best": [4500.0, 12.0],
            "high": [7000.0, 12.0],
            "disagreement": [True, False],
            "first_claimed_on": dates("2025-03-01", None),
            "last_claimed_on": dates("2025-03-04", None),
        }
    )


def marts_figure_claims() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "figure_claim_id": ["g0", "g1", "g2"],
            "figure_id": ["f0", "f0", "f1"],
            "article_id": ["a0", "a1", "a0"],
            "claim_id": ["k0", None, None],
            "source_id": ["s4", "s3", "s4"],
            "source_name": ["officials", "Ana", "officials"],
            "value": [3000.0, 5000.0, 12.0],
            "high": [None, 7000.0, None],
            "qualifier": [None, "about", None],
            "text": ["3,000", "5,000 to 7,000", "12"],
            "claimed_on": dates("2025-03-01", "2025-03-04", None),
            "incident": [None, None, "2025-03-02 Harbour"],
            "sentence": [
                "Officials said 3,000 troops had crossed.",
                "Ana said about 5,000 to 7,000 troops.",
                "Officials said 12 drones were downed.",
            ],
            "start_char": ints(15, 14, 15),
            "end_char": ints(20, 28, 17),
        }
    )


def marts_actor_links() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "link_id": ["l0", "l1", "l2"],
            "relation": ["mentioned_with", "mentioned_with", "claims_about"],
            "actor_id": ["c1", "c1", "p1"],
            "actor_name": ["Northland", "Northland", "Ana Ortiz"],
            "other_actor_id": ["c2", "p1", "c1"],
            "other_actor_name": ["Southland", "Ana Ortiz", "Northland"],
            "n_times": ints(3, 1, 2),
            "n_articles": ints(2, 1, 1),
            "first_seen": dates("2025-03-01", "2025-03-02", None),
            "last_seen": dates("2025-03-04", "2025-03-02", None),
        }
    )


GOOD_FRAMES = {
    "raw.documents": raw_documents,
    "raw.articles": raw_articles,
    "nlp.sentences": nlp_sentences,
    "nlp.entity_mentions": nlp_entity_mentions,
    "nlp.quotes": nlp_quotes,
    "nlp.event_mentions": nlp_event_mentions,
    "nlp.quantities": nlp_quantities,
    "marts.articles": marts_articles,
    "marts.sources": marts_sources,
    "marts.actors": marts_actors,
    "marts.claims": marts_claims,
    "marts.events": marts_events,
    "marts.quantities": marts_quantities,
    "marts.figures": marts_figures,
    "marts.figure_claims": marts_figure_claims,
    "marts.actor_links": marts_actor_links,
}


@pytest.fixture
def good_frame():
    """`good_frame(table)`: a fresh good sample of `table`."""
    return lambda table: GOOD_FRAMES[table]()
