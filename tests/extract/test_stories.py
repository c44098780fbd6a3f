"""Story splitting and boilerplate detection on small texts written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.stories import (
    ends_mid_sentence,
    outlet_for_url,
    outlet_named,
    paragraphs,
    split_stories,
    wire_agencies_in,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest"
SEEDS = Path(__file__).parents[2] / "seeds"

PARA_A = "The city council voted on Monday to extend the night bus network to the outer districts."
PARA_B = "Transport officials said the first new routes would start running before the winter."
PARA_C = "Opposition members said the plan did not say how the extra drivers would be paid."


def first_words(body: str, n: int = 8) -> str:
    return " ".join(body.split()[:n])


def test_single_story_keeps_headline_byline_and_body_apart() -> None:
    text = f"Night buses reach the outer districts\nBy Lena Hart\n{PARA_A}\n{PARA_B}\n"
    [story] = split_stories(text)
    assert story.title == "Night buses reach the outer districts"
    assert story.byline == "By Lena Hart"
    assert story.body == f"{PARA_A}\n\n{PARA_B}"
    assert story.boilerplate == ("By Lena Hart",)


def test_briefs_page_splits_on_headline_byline_dateline_and_kicker() -> None:
    stories = split_stories((FIXTURES / "briefs.txt").read_text(encoding="utf-8"))
    assert [(s.title, s.kicker) for s in stories] == [
        ("Storm knocks out power across northern valleys", None),
        ("Rail strike ends after pay deal", None),
        (None, "HARVEST WARNING"),
    ]
    assert [first_words(s.body, 3) for s in stories] == [
        "GRANTHAM, Eastland (Reuters)",
        "LORWICK, Westmark (AP)",
        "Farm groups say",
    ]
    assert stories[0].credits == ("Reuters",)
    assert stories[1].credits == ("Associated Press",)
    assert stories[1].outlet == "Associated Press"


def test_paragraph_opening_with_a_dateline_starts_a_story() -> None:
    text = (
        f"NORTHPORT (AP) — {PARA_A}\n{PARA_B}\n"
        "SOUTHFIELD, Westmark (AFP) — Two ferries collided in fog outside the harbor on Sunday."
    )
    stories = split_stories(text)
    assert len(stories) == 2
    assert stories[1].credits == ("Agence France-Presse",)


def test_text_after_an_end_of_story_credit_is_a_new_story() -> None:
    text = (
        f"{PARA_A}\n{PARA_B}\n(Reporting by Ana Silva; Editing by Tom Reed)\n"
        "Museum reopens after flood\nThe river museum reopened on Friday after a year of repairs."
    )
    first, second = split_stories(text)
    assert first.boilerplate == ("(Reporting by Ana Silva; Editing by Tom Reed)",)
    assert second.title == "Museum reopens after flood"


def test_text_after_a_paragraph_cut_off_mid_sentence_is_a_new_story() -> None:
    cut = f"{PARA_A} {PARA_B} {PARA_C} The council will debate the budget for the"
    text = f"{cut}\nA fire at a paper mill forced the evacuation of two streets late on Sunday."
    assert len(split_stories(text)) == 2


def test_embedded_post_ending_in_a_link_does_not_cut_the_story() -> None:
    post = f"{PARA_A} {PARA_B} {PARA_C} pic.twitter.com/AbCdEf123"
    assert not ends_mid_sentence(post)
    assert len(split_stories(f"{PARA_A}\n{post}\n{PARA_C}")) == 1


def test_a_whole_story_flattened_onto_one_line_starts_a_new_story() -> None:
    flattened = (
        "Seven hikers were rescued from a flooded canyon after a sudden storm, park rangers said. "
        "Helicopters lifted the group from a narrow ledge where they had sheltered overnight. "
        "Two of them were treated for mild hypothermia at a clinic near the park entrance. "
        "Rangers closed the canyon trail until the water level drops, and they asked visitors to "
        "check the weather service before setting out on any of the longer routes this week. "
        "The park reopened its visitor center on Sunday."
    )
    stories = split_stories(f"{PARA_A}\n{PARA_B}\n{PARA_C}\n{flattened}")
    assert [first_words(s.body, 3) for s in stories] == ["The city council", "Seven hikers were"]


def test_a_long_paragraph_on_the_same_subject_stays_in_the_story() -> None:
    long_same = " ".join([PARA_A, PARA_B, PARA_C, PARA_A.replace("Monday", "Tuesday")])
    assert len(split_stories(f"{PARA_A}\n{PARA_B}\n{PARA_C}\n{long_same}")) == 1


def test_subheadings_stay_in_the_body_and_do_not_split() -> None:
    text = f"Night buses reach the outer districts\n{PARA_A}\n{PARA_B}\nDriver shortage\n{PARA_C}"
    [story] = split_stories(text)
    assert "\n\nDriver shortage\n\n" in story.body


@pytest.mark.parametrize(
    "caption",
    [
        "Photo: EPA-EFE",
        "Rescuers search the rubble in the old town. (AP Photo/Jan Novak)",
        "The mayor speaks at the city hall in Northport, Westmark, March 3, 2024.",
        "Aftermath of a flood in the river district",
        "Ana Silva in 2021 Photographer: Tom Reed/Bloomberg",
        "FILE - Commuters wait for a train at the central station.",
    ],
)
def test_photo_captions_go_to_boilerplate(caption: str) -> None:
    [story] = split_stories(f"{caption}\n{PARA_A}\n{PARA_B}")
    assert caption in story.boilerplate
    assert story.body == f"{PARA_A}\n\n{PARA_B}"


@pytest.mark.parametrize(
    ("line", "credits"),
    [
        (
            "Material from The Associated Press and Reuters was used in this report.",
            ("Associated Press", "Reuters"),
        ),
        (
            "Some information was provided by Agence France-Presse and dpa.",
            ("Agence France-Presse", "dpa"),
        ),
        ("Staff correspondent Ana Silva contributed to this report.", ()),
        ("— With AFP", ("Agence France-Presse",)),
        ("Copyright 2024 The Associated Press. All rights reserved.", ("Associated Press",)),
    ],
)
def test_credit_lines_go_to_boilerplate_and_name_the_agencies(line: str, credits: tuple) -> None:
    [story] = split_stories(f"{PARA_A}\n{PARA_B}\n{line}")
    assert story.boilerplate == (line,)
    assert story.credits == credits
    assert story.body == f"{PARA_A}\n\n{PARA_B}"


def test_source_line_names_the_outlet() -> None:
    [story] = split_stories(f"{PARA_A}\nSource: voanews.com")
    assert story.outlet == "Voice of America"
    assert story.boilerplate == ("Source: voanews.com",)


@pytest.mark.parametrize(
    ("byline", "outlet", "credits"),
    [
        ("by · Voice of America", "Voice of America", ()),
        ("By Omar Reyes | Reuters", "Reuters", ("Reuters",)),
        (
            "UPI News 3/4/2024 Ana Silva & Tom Reed",
            "United Press International",
            ("United Press International",),
        ),
        ("Associated Press", "Associated Press", ("Associated Press",)),
        ("By Omar Reyes", None, ()),
    ],
)
def test_bylines_name_outlets_and_agencies(byline: str, outlet: str | None, credits: tuple) -> None:
    [story] = split_stories(f"Night buses reach the outer districts\n{byline}\n{PARA_A}")
    assert story.byline == byline
    assert story.outlet == outlet
    assert story.credits == credits
    assert story.body == PARA_A


def test_deck_after_headline_is_body_and_standalone_dateline_is_not() -> None:
    headline, deck = "Night buses reach the outer districts", "New routes start before winter"
    text = f"{headline}\n{deck}\nNORTHPORT\n{PARA_A}"
    [story] = split_stories(text)
    assert story.title == "Night buses reach the outer districts"
    assert story.body == f"New routes start before winter\n\n{PARA_A}"
    assert story.boilerplate == ("NORTHPORT",)


def test_inline_dateline_stays_in_the_body_and_credits_the_agency() -> None:
    [story] = split_stories(f"Feb. 7 (UPI) -- {PARA_A}")
    assert story.body.startswith("Feb. 7 (UPI) --")
    assert story.credits == ("United Press International",)


def test_a_dateline_of_two_places_credits_the_agency() -> None:
    [story] = split_stories(f"KYIV/MOSCOW, May 16 (Reuters) - {PARA_A}")
    assert story.credits == ("Reuters",)


def test_metadata_title_is_used_and_its_repeat_dropped() -> None:
    [story] = split_stories(f"Night buses\n{PARA_A}", title="Night buses | City Paper")
    assert story.title == "Night buses | City Paper"
    assert story.body == PARA_A


def test_no_split_when_told_the_text_is_one_article() -> None:
    text = f"{PARA_A}\nSOUTHFIELD (AP) — Two ferries collided in fog outside the harbor on Sunday."
    assert len(split_stories(text, split=False)) == 1


def test_headings_alone_are_kept_as_text() -> None:
    [story] = split_stories("Night buses reach the outer districts")
    assert story.title is None
    assert story.body == "Night buses reach the outer districts"


def test_a_menu_alone_gives_no_story() -> None:
    assert split_stories("Home\nWorld\nPolitics\nSubscribe now") == []


def test_a_short_line_among_text_is_kept() -> None:
    [story] = split_stories(f"Live updates\n{PARA_A}")
    assert story.body.endswith(PARA_A)


def test_boilerplate_alone_gives_no_story() -> None:
    assert split_stories("Photo: Reuters\nSource: voanews.com") == []


def test_hard_wrapped_paragraphs_are_joined() -> None:
    [story] = split_stories((FIXTURES / "wrapped.txt").read_text(encoding="utf-8"))
    assert story.title == "Snow closes three mountain passes"
    assert len(story.body.split("\n\n")) == 2
    assert "had closed three mountain passes" in story.body


def test_markdown_headings_emphasis_and_links_are_plain_text() -> None:
    [story] = split_stories((FIXTURES / "story.md").read_text(encoding="utf-8"), markdown=True)
    assert story.title == "Museum returns looted statues"
    assert story.byline == "By Aiko Tran"
    assert "said on Friday." in story.body and "](" not in story.body


def test_paragraphs_normalize_line_breaks_and_spaces() -> None:
    assert paragraphs("One  two\r\nthree\tfour\u2028\n\nfive") == ["One two", "three four", "five"]


def test_wire_agencies_match_abbreviations_only_in_their_case() -> None:
    assert wire_agencies_in("(AP) and Reuters and the AFP") == (
        "Associated Press",
        "Reuters",
        "Agence France-Presse",
    )
    assert wire_agencies_in("a map of the capital") == ()


@pytest.mark.parametrize(
    ("value", "outlet"),
    [
        ("https://www.voanews.com/a/story.html", "Voice of America"),
        ("edition.cnn.com", "CNN"),
        ("https://news.example.org/x", "news.example.org"),
    ],
)
def test_outlet_for_url_uses_known_outlets_then_the_domain(value: str, outlet: str) -> None:
    assert outlet_for_url(value) == outlet


def test_outlet_named_ignores_plain_words() -> None:
    assert outlet_named("the ministry") is None
    assert outlet_named("The Associated Press") == "Associated Press"


def test_seed_page_splits_into_its_five_stories() -> None:
    stories = split_stories((SEEDS / "001_7b4aea63d7dec936.txt").read_text(encoding="utf-8"))
    assert [s.kicker for s in stories] == [
        None,
        None,
        "‘BALD-FACED LIE’",
        "BORDER SERVICES",
        "TESTING BAN",
    ]
    assert stories[0].boilerplate == ("Photo: EPA-EFE",)


@pytest.mark.parametrize(
    "line",
    [
        "MR. PRICE: We have seen the reports and we are looking into them.",
        "QUESTION: Can you say more about the talks?",
        "EDITOR'S NOTE: This story has been updated.",
        "NEW ROUTES: the council said the plan was final.",
    ],
)
def test_speaker_labels_and_notes_are_not_kickers(line: str) -> None:
    [story] = split_stories(f"{PARA_A}\n{PARA_B}\n{line}")
    assert story.kicker is None


def test_headline_may_end_on_a_quoted_phrase() -> None:
    [story] = split_stories(f"Mayor promises ‘a bus for every street’\n{PARA_A}")
    assert story.title == "Mayor promises ‘a bus for every street’"


def test_agency_and_poll_names_with_a_slash_stay_in_the_body() -> None:
    poll = "An AP/Ipsos Poll found that most riders support the plan, its authors said on Friday."
    [story] = split_stories(
        f"{PARA_A}\n{poll}\nA man waits at a stop in Northport. REUTERS/Ana Silva"
    )
    assert poll in story.body
    assert story.boilerplate == ("A man waits at a stop in Northport. REUTERS/Ana Silva",)
