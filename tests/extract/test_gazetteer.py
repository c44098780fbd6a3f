"""Reference lookups: countries, organizations and titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.gazetteer import Country, Gazetteer, Organization, Title, load_gazetteer, lookup_key

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("U.S.", "us"),
        ("the United States", "united states"),
        ("Côte d’Ivoire", "cote d'ivoire"),
        ("  North   Korea ", "north korea"),
    ],
)
def test_lookup_key_folds_case_periods_accents_and_article(text: str, key: str) -> None:
    assert lookup_key(text) == key


def test_country_by_name_alias_demonym_and_capital(gazetteer: Gazetteer) -> None:
    assert gazetteer.country("U.S.").name == "United States"
    assert gazetteer.country("US").name == "United States"
    assert gazetteer.country("DPRK").name == "North Korea"
    assert gazetteer.country("USA").name == "United States"  # ISO3 code, upper case only
    assert gazetteer.country("Atlantis") is None
    assert gazetteer.country_by_demonym("North Korean").name == "North Korea"
    assert gazetteer.country_by_demonym("Russians").name == "Russia"
    assert gazetteer.country_by_capital("Pyongyang").name == "North Korea"
    assert gazetteer.country_by_iso3("tha").name == "Thailand"


def test_organization_by_name_alias_and_acronym(gazetteer: Gazetteer) -> None:
    assert gazetteer.organization("KCNA").name == "Korean Central News Agency"
    assert gazetteer.organization("the Pentagon").name == "Pentagon"
    assert gazetteer.organization("North Atlantic Treaty Organization").name == "NATO"
    assert gazetteer.organization("Pentagram") is None


def test_names_start_only_with_the_first_words_of_countries_capitals_and_organizations(
    gazetteer: Gazetteer,
) -> None:
    assert gazetteer.may_start_name("North")  # North Korea, North Atlantic Treaty Organization
    assert gazetteer.may_start_name("U.S.")  # "us"
    assert gazetteer.may_start_name("Korean")  # Korean Central News Agency
    assert not gazetteer.may_start_name("Korea")
    assert not gazetteer.may_start_name("Zelenskyy")
    assert gazetteer.may_start_name("the")  # "the" is dropped from the front of a name
    assert gazetteer.may_start_name(".")  # no word of its own


def test_a_full_name_wins_over_another_organizations_acronym() -> None:
    gaz = Gazetteer(
        organizations=[
            Organization("Some Acronym Body", "EU"),
            Organization("European Union", None, ("EU",)),
        ]
    )
    assert gaz.organization("EU").name == "European Union"


def test_titles_match_longest_first(gazetteer: Gazetteer) -> None:
    assert gazetteer.title_length(["Major", "General", "Pat", "Ryder"]) == 2
    assert gazetteer.title_length(["press", "secretary", "Ryder"]) == 2
    assert gazetteer.title_length(["Pat", "Ryder"]) == 0
    assert gazetteer.title("President").kind == "office"
    assert gazetteer.is_title_word("secretary")
    assert not gazetteer.is_title_word("troops")


def test_load_gazetteer_reads_the_seed_formats(tmp_path: Path) -> None:
    (tmp_path / "countries.csv").write_text(
        "country_name,iso2,iso3,aliases,demonyms,capital,region\n"
        "United Kingdom,GB,GBR,UK|U.K.|Britain,British|Briton,London,Northern Europe\n",
        encoding="utf-8",
    )
    (tmp_path / "organizations.csv").write_text(
        "org_name,acronym,aliases,org_type,country_iso3\n"
        "Houthis,,Houthi|Ansar Allah,armed_group,YEM\n",
        encoding="utf-8",
    )
    (tmp_path / "titles.csv").write_text(
        "title,kind,source_type\nforeign secretary,office,government\n", encoding="utf-8"
    )
    gaz = load_gazetteer(tmp_path)
    uk = gaz.country("Britain")
    assert uk == Country(
        "United Kingdom",
        "GB",
        "GBR",
        ("UK", "U.K.", "Britain"),
        ("British", "Briton"),
        "London",
        "Northern Europe",
    )
    assert gaz.country_by_demonym("British") is uk
    assert gaz.organization("Ansar Allah").org_type == "armed_group"
    assert gaz.title("Foreign Secretary") == Title("foreign secretary", "office", "government")


def test_load_gazetteer_tolerates_missing_files(tmp_path: Path) -> None:
    gaz = load_gazetteer(tmp_path)
    assert gaz.countries == () and gaz.organizations == () and gaz.titles == ()
    assert gaz.country("France") is None


@pytest.mark.skipif(not (SEEDS / "countries.csv").is_file(), reason="seeds not written yet")
def test_the_real_seeds_load() -> None:
    gaz = load_gazetteer(SEEDS)
    assert len(gaz.countries) > 150
    assert gaz.country("U.S.").name == "United States"
    assert gaz.country_by_demonym("Ukrainian").name == "Ukraine"
    assert gaz.title_length(["press", "secretary"]) == 2
