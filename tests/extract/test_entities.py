"""Entity mentions: typed by evidence, junk dropped, names resolved within the article."""

from __future__ import annotations

import pytest
from spacy.language import Language

from extract.entities import find_mentions
from extract.gazetteer import Gazetteer
from extract.records import EntityMention

ACTORS = ("person", "organization", "country", "group")


@pytest.fixture()
def mentions(nlp: Language, gazetteer: Gazetteer):
    def run(text: str) -> list[EntityMention]:
        return find_mentions(nlp(text), gazetteer=gazetteer)

    return run


def by_text(found: list[EntityMention]) -> dict[str, EntityMention]:
    return {m.text: m for m in found}


def actors(found: list[EntityMention]) -> list[tuple[str, str, str]]:
    return [(m.text, m.name, m.entity_type) for m in found if m.entity_type in ACTORS]


def test_records_are_ordered_and_offsets_slice_the_text(mentions) -> None:
    text = "Officials in Seoul said North Korea fired a missile. Japan protested."
    found = mentions(text)
    assert [m.mention_index for m in found] == list(range(len(found)))
    assert [m.start_char for m in found] == sorted(m.start_char for m in found)
    for m in found:
        assert text[m.start_char : m.end_char] == m.text and m.article_id == ""
    assert [m.sentence_index for m in found if m.entity_type == "country"] == [0, 1]


def test_a_title_makes_a_person_and_is_kept_as_role(mentions) -> None:
    found = by_text(
        mentions(
            "Ukrainian President Zelenskyy met Major General Pat Ryder. Ryder said talks went well."
        )
    )
    assert found["Zelenskyy"].entity_type == "person"
    assert (found["Zelenskyy"].role, found["Zelenskyy"].affiliation) == ("President", "Ukraine")
    assert found["Pat Ryder"].name == "Pat Ryder" and found["Pat Ryder"].role == "Major General"
    assert found["Ryder"].name == "Pat Ryder" and found["Ryder"].entity_type == "person"


def test_an_apposition_gives_the_role(mentions) -> None:
    found = by_text(mentions("Pat Ryder, the Pentagon press secretary, spoke on Monday."))
    assert found["Pat Ryder"].role == "Pentagon press secretary"


def test_a_compound_title_gives_role_and_affiliation(mentions) -> None:
    found = by_text(mentions("U.S. Defense Secretary Lloyd Austin spoke with reporters."))
    austin = found["Lloyd Austin"]
    assert (austin.name, austin.role, austin.affiliation) == (
        "Lloyd Austin",
        "Defense Secretary",
        "United States",
    )
    assert "Defense" not in found  # a title word, not an organization


def test_countries_are_normalized_through_the_gazetteer(mentions) -> None:
    found = mentions("The U.S. and the DPRK traded warnings, and America said more.")
    assert [(m.text, m.name) for m in found if m.entity_type == "country"] == [
        ("U.S.", "United States"),
        ("DPRK", "North Korea"),
        ("America", "United States"),
    ]


def test_korean_hyphenated_names_fold_to_one_spelling(mentions) -> None:
    found = mentions("North Korean leader Kim Jong-un visited the site. Kim Jong Un later left.")
    assert {m.name for m in found if m.entity_type == "person"} == {"Kim Jong Un"}


def test_possessives_are_stripped(mentions) -> None:
    found = mentions("President Zelenskyy’s hometown was hit, and Ukraine's army responded.")
    names = {m.name for m in found if m.entity_type in ACTORS}
    assert "Zelenskyy" in names
    assert not any("’s" in m.text or "'s" in m.text for m in found if m.entity_type == "person")


def test_a_surname_resolves_only_when_unambiguous(mentions) -> None:
    one = mentions("Kim Jong Un inspected the troops. Analysts said Kim wanted attention.")
    assert [m.name for m in one if m.text == "Kim"] == ["Kim Jong Un"]
    two = mentions(
        "Kim Jong Un met Kim Yo Jong in March.\n\nLater in the year, officials "
        "reported that the talks had stalled. Nobody knows why.\n\n"
        "Analysts said Kim wanted attention."
    )
    assert [m.name for m in two if m.text == "Kim"] == ["Kim"]


def test_an_acronym_in_parentheses_is_the_full_name(mentions) -> None:
    found = mentions(
        "The International Rescue Committee (IRC) closed clinics. The IRC said it had no choice."
    )
    assert {m.name for m in found if m.entity_type == "organization"} == {
        "International Rescue Committee"
    }


def test_organization_names_come_from_the_gazetteer(mentions) -> None:
    found = by_text(mentions("KCNA said the Pentagon was lying."))
    assert found["KCNA"].name == "Korean Central News Agency"
    assert found["KCNA"].affiliation == "North Korea"
    assert found["Pentagon"].entity_type == "organization"


def test_a_demonym_stands_for_its_state_only_when_the_state_acts(mentions) -> None:
    found = mentions("Thai officials moved the patients, while Thai food stalls stayed open.")
    assert [(m.text, m.name, m.entity_type) for m in found if m.entity_type == "country"] == [
        ("Thai", "Thailand", "country")
    ]


def test_a_capital_is_its_government_only_when_it_acts(mentions) -> None:
    found = mentions("Moscow denied the report. Protesters gathered in Moscow.")
    assert [(m.name, m.entity_type) for m in found if m.text == "Moscow"] == [
        ("Russia", "country"),
        ("Moscow", "location"),
    ]


def test_a_body_described_by_its_country_is_a_mention_when_it_speaks(mentions) -> None:
    found = mentions(
        "Ukraine's air force said it shot down 46 drones. The air force of "
        "another state was not involved."
    )
    orgs = [
        (m.text, m.entity_type, m.affiliation) for m in found if m.entity_type == "organization"
    ]
    assert orgs == [("Ukraine's air force", "organization", "Ukraine")]


def test_the_government_of_a_demonym_is_the_country(mentions) -> None:
    found = mentions("The Japanese government protested.")
    assert actors(found) == [("Japanese government", "Japan", "country")]


def test_places_are_locations_not_actors(mentions) -> None:
    found = mentions("Fighting continued in the Kursk region and around Kursk Oblast.")
    assert actors(found) == []


def test_names_before_a_plural_place_word_are_locations(mentions) -> None:
    found = mentions(
        "Aid convoys reached front-line communities in the Kharkiv and Zaporizhzhia regions."
    )
    assert actors(found) == []
    assert by_text(found)["Zaporizhzhia"].entity_type == "location"


@pytest.mark.parametrize(
    "text",
    [
        "He said they would come back on Tuesday with 300 officials.",
        "by · Voice of America",
        "Kim Yo Jong in 2019 Photographer: Jorge Silva/Reuters/Bloomberg",
        "Material from The Associated Press and Reuters was used in this report.",
    ],
)
def test_junk_is_not_an_actor(mentions, text: str) -> None:
    found = mentions(text)
    assert not any(
        m.text
        in (
            "Voice of America",
            "Jorge Silva",
            "Associated Press",
            "Reuters",
            "He",
            "officials",
            "Tuesday",
            "300",
        )
        for m in found
    )
    if "Photographer" in text:
        assert [m.name for m in found if m.entity_type == "person"] == ["Kim Yo Jong"]


def test_an_empty_document_has_no_mentions(mentions) -> None:
    assert mentions("") == []
