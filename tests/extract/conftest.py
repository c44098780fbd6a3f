"""Fixtures shared by the extract tests: the trained spaCy pipeline, loaded once."""

from __future__ import annotations

import pytest
from spacy.language import Language

from extract.gazetteer import Country, Gazetteer, Organization, Title
from extract.nlp import build_nlp


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real pipeline (trained model + newsledger components), built once per session."""
    return build_nlp()


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """A small hand-made gazetteer: enough reference data for the entity and claim tests."""
    return Gazetteer(
        countries=[
            Country(
                "United States",
                "US",
                "USA",
                ("U.S.", "US", "America"),
                ("American", "Americans"),
                "Washington",
            ),
            Country("Ukraine", "UA", "UKR", (), ("Ukrainian", "Ukrainians"), "Kyiv"),
            Country(
                "Russia", "RU", "RUS", ("Russian Federation",), ("Russian", "Russians"), "Moscow"
            ),
            Country("North Korea", "KP", "PRK", ("DPRK",), ("North Korean",), "Pyongyang"),
            Country("South Korea", "KR", "KOR", ("ROK",), ("South Korean",), "Seoul"),
            Country("Thailand", "TH", "THA", (), ("Thai",), "Bangkok"),
            Country("Japan", "JP", "JPN", (), ("Japanese",), "Tokyo"),
        ],
        organizations=[
            Organization("Pentagon", None, ("the Pentagon",), "military", "USA"),
            Organization("Korean Central News Agency", "KCNA", (), "state_media", "PRK"),
            Organization(
                "NATO", None, ("North Atlantic Treaty Organization",), "international_org", None
            ),
        ],
        titles=[
            Title("president", "office", "government"),
            Title("major general", "rank", "military"),
            Title("general", "rank", "military"),
            Title("defense secretary", "office", "government"),
            Title("secretary", "office", "government"),
            Title("press secretary", "office", "government"),
            Title("spokesperson", "office", "government"),
            Title("spokesman", "office", "government"),
            Title("minister", "office", "government"),
            Title("interior minister", "office", "government"),
            Title("governor", "office", "government"),
            Title("leader", "office", "government"),
            Title("mr.", "honorific", None),
        ],
    )
