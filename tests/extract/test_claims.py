"""Claims: direct quotes and reported speech with speakers, cues and spans."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language

from extract.claims import CUE_CLASSES, find_claims, find_quote_spans
from extract.entities import find_mentions
from extract.gazetteer import Gazetteer
from extract.records import Quote


@pytest.fixture()
def claims(nlp: Language, gazetteer: Gazetteer):
    def run(text: str, anchor: dt.date | None = None) -> list[Quote]:
        doc = nlp(text)
        return find_claims(doc, find_mentions(doc, gazetteer=gazetteer), anchor_date=anchor)

    return run


def summary(found: list[Quote]) -> list[tuple[str, str | None, str, str]]:
    return [(q.kind, q.speaker_name, q.cue, q.text) for q in found]


# --------------------------------------------------------------------------------------------
# Quotation marks, without the model
# --------------------------------------------------------------------------------------------
def test_quote_spans_pair_curly_and_straight_marks() -> None:
    text = 'He said “one thing” and then "another thing" too.'
    spans = find_quote_spans(text)
    assert [text[q.start : q.end] for q in spans] == ["one thing", "another thing"]
    assert all(q.closed for q in spans)
    assert text[spans[0].open_char : spans[0].close_char] == "“one thing”"


def test_an_unclosed_quote_ends_with_its_paragraph() -> None:
    text = "“We will never give up.\nThe minister left.\n“Last words"
    spans = find_quote_spans(text)
    assert [text[q.start : q.end] for q in spans] == ["We will never give up.", "Last words"]
    assert not spans[0].closed and not spans[1].closed


def test_apostrophes_are_not_quotes() -> None:
    assert find_quote_spans("Russia’s army and the rebels’ leader met.") == []
    spans = find_quote_spans("The kicker ‘BIG LIE’ ran on page one.")
    assert [s.closed for s in spans] == [True]


# --------------------------------------------------------------------------------------------
# Direct quotes
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("open_mark,close_mark", [('"', '"'), ("“", "”")])
def test_a_quote_split_around_the_attribution_gives_two_claims(
    claims, open_mark: str, close_mark: str
) -> None:
    text = (
        f"{open_mark}We will not back down,{close_mark} Kirby said. "
        f"{open_mark}The response will be swift.{close_mark}"
    )
    found = claims(text)
    assert summary(found) == [
        ("direct_quote", "Kirby", "say", "We will not back down"),
        ("direct_quote", "Kirby", "say", "The response will be swift"),
    ]
    for q in found:
        assert text[q.start_char : q.end_char] == q.text
    assert found[0].cue_class == "assert" and found[0].speaker_type == "person"


def test_a_multi_sentence_quote_belongs_to_the_attribution_that_closes_it(claims) -> None:
    found = claims('"The first point is clear. The second one is too," the minister said.')
    assert summary(found) == [
        ("direct_quote", "minister", "say", "The first point is clear. The second one is too")
    ]
    assert found[0].speaker_type == "unnamed"


def test_a_quote_interrupted_by_narration_is_joined_with_an_ellipsis(claims) -> None:
    found = claims(
        '"We do not know what they plan" for the region, but the risk is '
        '"very real," the spokesman said.'
    )
    assert summary(found) == [
        ("direct_quote", "spokesman", "say", "We do not know what they plan ... very real")
    ]


def test_bracketed_insertions_are_kept_as_written(claims) -> None:
    found = claims('Ryder said, "the secretary reaffirmed President [Joe] Biden\'s commitment."')
    assert [q.text for q in found] == [
        "the secretary reaffirmed President [Joe] Biden's commitment"
    ]
    assert found[0].kind == "direct_quote"


def test_inverted_attribution_with_an_apposition(claims) -> None:
    found = claims('"It was a tragedy," said Maria Lopez, a local teacher.')
    assert summary(found) == [("direct_quote", "Maria Lopez", "say", "It was a tragedy")]


def test_a_quote_never_closed_does_not_crash(claims) -> None:
    found = claims('The mayor said: "We are ready.\nOfficials said the roads were closed.')
    assert ("direct_quote", "mayor", "say", "We are ready") in summary(found)
    assert ("reported", "Officials", "say", "the roads were closed") in summary(found)


def test_a_quote_cut_off_by_the_end_of_the_text_is_not_a_claim(claims) -> None:
    assert claims('The president warned of "a spread of the') == []


# --------------------------------------------------------------------------------------------
# Reported speech
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The minister said the talks had failed.",
            ("reported", "minister", "say", "the talks had failed"),
        ),
        (
            "The minister said that the talks had failed.",
            ("reported", "minister", "say", "the talks had failed"),
        ),
        (
            "The talks had failed, the minister said on Tuesday.",
            ("reported", "minister", "say", "The talks had failed"),
        ),
        (
            "According to the Pentagon, 40 drones were shot down overnight.",
            ("reported", "Pentagon", "according_to", "40 drones were shot down overnight"),
        ),
        (
            "40 drones were shot down overnight, according to Ukrainian officials.",
            (
                "reported",
                "Ukrainian officials",
                "according_to",
                "40 drones were shot down overnight",
            ),
        ),
        (
            "Spokesperson Jane Doe told reporters that the ship had been hit.",
            ("reported", "Jane Doe", "tell", "the ship had been hit"),
        ),
        (
            "The army denied that its forces had entered the village.",
            ("reported", "army", "deny", "its forces had entered the village"),
        ),
        (
            "Analysts estimate that the war has cost $100 billion.",
            ("reported", "Analysts", "estimate", "the war has cost $100 billion"),
        ),
        (
            "Governor Oleh Syniehubov said in a post on Telegram that two people were killed.",
            ("reported", "Oleh Syniehubov", "say", "two people were killed"),
        ),
        ("NATO confirmed the meeting.", ("reported", "NATO", "confirm", "the meeting")),
        (
            "The rebels vowed to continue their attacks.",
            ("reported", "rebels", "vow", "to continue their attacks"),
        ),
    ],
)
def test_reported_speech(claims, text: str, expected: tuple) -> None:
    assert summary(claims(text)) == [expected]


def test_a_that_clause_hung_on_a_noun_is_still_the_content(claims) -> None:
    found = claims("Maria Kolesnikova told the BBC in an interview that the crackdown was harsh.")
    assert summary(found) == [("reported", "Maria Kolesnikova", "tell", "the crackdown was harsh")]


def test_an_as_clause_attributes_the_main_clause(claims) -> None:
    found = claims("As Blinken noted last week, the deal remains fragile.")
    assert summary(found) == [("reported", "Blinken", "note", "the deal remains fragile")]


def test_a_statement_speaks_for_who_spoke_just_before(claims) -> None:
    found = claims(
        "Russia fired 40 drones, Ukraine's air force said. Air defenses shot down "
        "35 of them, a statement said. Reports said the attack lasted hours."
    )
    assert [(q.speaker_text, q.speaker_name) for q in found] == [
        ("Ukraine's air force", "Ukraine's air force"),
        ("statement", "Ukraine's air force"),
        ("Reports", "Reports"),
    ]


def test_a_quoted_fragment_inside_reported_speech_keeps_its_words(claims) -> None:
    found = claims('Kirby said the U.S. is "working closely with our allies" on the matter.')
    assert summary(found) == [
        ("reported", "Kirby", "say", "the U.S. is working closely with our allies on the matter")
    ]


def test_a_referral_is_a_claim_with_cue_refer(claims) -> None:
    found = claims("Kremlin spokesman Dmitry Peskov referred questions to the Defense Ministry.")
    assert summary(found) == [
        ("reported", "Dmitry Peskov", "refer", "questions to the Defense Ministry")
    ]
    assert found[0].cue_class == "decline_to_comment"


def test_a_headline_attribution(claims) -> None:
    found = claims("Prices rise again, say economists\n\nThe bank raised its forecast.")
    assert summary(found) == [("reported", "economists", "say", "Prices rise again")]


def test_a_joint_attribution_gives_one_claim_per_speaker(claims) -> None:
    found = claims("The US and Ukraine announced that the deal had been signed.")
    assert summary(found) == [
        ("reported", "United States", "announce", "the deal had been signed"),
        ("reported", "Ukraine", "announce", "the deal had been signed"),
    ]
    assert {q.speaker_type for q in found} == {"country"}


@pytest.mark.parametrize(
    "text",
    [
        "Officials will not confirm the report.",
        "Moscow will neither confirm nor deny their involvement.",
        "Rising tensions threatened to derail the talks.",
        "The fire claimed ten lives.",
        "Police told residents to stay indoors.",
        "The minister declined to say when the talks would resume.",
        "No damage was reported.",
    ],
)
def test_no_claim_without_a_statement(claims, text: str) -> None:
    assert claims(text) == []


# --------------------------------------------------------------------------------------------
# Speakers
# --------------------------------------------------------------------------------------------
def test_a_surname_speaker_resolves_to_the_full_name(claims) -> None:
    found = claims(
        "Major General Pat Ryder spoke on Monday. Ryder said the strikes were successful."
    )
    assert [(q.speaker_text, q.speaker_name) for q in found] == [("Ryder", "Pat Ryder")]


def test_a_pronoun_speaker_is_the_nearest_person_named_before(claims) -> None:
    found = claims(
        "Interior Minister Igor Klymenko visited the site. "
        '"We will rebuild," he said. "Nobody will be forgotten."'
    )
    assert [(q.speaker_text, q.speaker_name, q.speaker_type) for q in found] == [
        ("he", "Igor Klymenko", "person"),
        ("he", "Igor Klymenko", "person"),
    ]


def test_a_person_named_inside_a_quote_is_not_the_pronouns_antecedent(claims) -> None:
    found = claims(
        'Kirby spoke to reporters. "President [Vladimir] Putin wants this war," '
        'Kirby said. "He will not stop," he added.'
    )
    assert [q.speaker_name for q in found] == ["Kirby", "Kirby"]


def test_it_resolves_to_the_organization_that_spoke_before(claims) -> None:
    found = claims("The Pentagon said it had struck two targets. It said the operation was over.")
    assert [q.speaker_name for q in found] == ["Pentagon", "Pentagon"]


def test_the_agency_resolves_to_the_agency_named_before(claims) -> None:
    found = claims(
        "The Korean Central News Agency (KCNA) reported the launch. "
        "The agency said the missile flew 1,000 kilometers."
    )
    assert found[-1].speaker_text == "agency"
    assert found[-1].speaker_name == "Korean Central News Agency"
    assert found[-1].speaker_type == "organization"


def test_an_acronym_speaker_is_named_in_full(claims) -> None:
    found = claims(
        "The Korean Central News Agency (KCNA) reported the launch on Monday. "
        '"The test was a success," KCNA said.'
    )
    assert found[-1].speaker_name == "Korean Central News Agency"


def test_unnamed_speakers_keep_their_words(claims) -> None:
    found = claims(
        "A U.S. official said the drone was shot down. "
        "Officials in Ukraine's capital said the attack lasted hours."
    )
    assert [(q.speaker_name, q.speaker_type) for q in found] == [
        ("A U.S. official", "unnamed"),
        ("Officials in Ukraine's capital", "unnamed"),
    ]


def test_a_document_speaks_for_its_author(claims) -> None:
    found = claims(
        "A joint statement by mediators the United States and Japan said "
        "the talks would resume next week."
    )
    assert [q.speaker_name for q in found] == ["United States", "Japan"]


def test_a_document_named_for_its_author_speaks_for_that_author(claims) -> None:
    found = claims(
        "Zelenskyy said the attack killed 12 people. A United Nations report released on "
        "Monday said 300 civilians had died."
    )
    assert [(q.speaker_text, q.speaker_name) for q in found] == [
        ("Zelenskyy", "Zelenskyy"),
        ("United Nations", "United Nations"),
    ]


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------
def test_record_fields(claims) -> None:
    text = (
        "Ukraine's air force said on Tuesday that it shot down 46 drones overnight. "
        "The damage was limited."
    )
    (q,) = claims(text, anchor=dt.date(2024, 11, 14))
    assert q.kind == "reported" and q.cue == "say" and q.cue_class == "assert"
    assert q.text == "it shot down 46 drones overnight"
    assert text[q.start_char : q.end_char] == q.text
    assert q.sentence == (
        "Ukraine's air force said on Tuesday that it shot down 46 drones overnight."
    )
    assert q.sentence_index == 0 and q.claim_index == 0 and q.article_id == ""
    assert q.date_text == "on Tuesday" and q.claim_date == dt.date(2024, 11, 12)


def test_cue_classes_are_a_small_closed_set() -> None:
    assert CUE_CLASSES["according_to"] == "attribute"
    assert {
        "assert",
        "confirm",
        "deny",
        "warn",
        "estimate",
        "decline_to_comment",
        "announce",
    } <= set(CUE_CLASSES.values())


def test_an_empty_document_has_no_claims(claims) -> None:
    assert claims("") == []


def test_a_claim_ending_in_an_abbreviation_keeps_its_period(claims) -> None:
    text = 'The army said the troops arrived in the U.S. "We will meet in the U.K.," Rubio said.'
    found = claims(text)
    assert [(q.kind, q.text) for q in found] == [
        ("reported", "the troops arrived in the U.S."),
        ("direct_quote", "We will meet in the U.K."),
    ]
    assert [text[q.start_char : q.end_char] for q in found] == [q.text for q in found]
