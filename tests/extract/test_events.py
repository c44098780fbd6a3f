"""Event mentions: the taxonomy seed, and typing, participants, counts, time and modality."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from extract.events import EventTaxonomy, EventType, find_events, load_taxonomy
from extract.records import EntityMention, EventMention, Quote

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
DESIGN_TYPES = [
    "attack",
    "airstrike_or_shelling",
    "drone_or_missile_attack",
    "interception",
    "battle",
    "casualties",
    "troop_deployment",
    "arms_transfer",
    "agreement_or_treaty",
    "sanctions",
    "aid_or_funding",
    "statement_or_warning",
    "meeting_or_talks",
    "arrest_or_legal",
    "protest",
    "disaster_or_accident",
    "election_or_vote",
    "other",
]


@pytest.fixture(scope="module")
def taxonomy() -> EventTaxonomy:
    return load_taxonomy(SEEDS / "event_types.csv")


def test_seed_holds_the_design_taxonomy_in_order(taxonomy):
    assert taxonomy.event_types == tuple(DESIGN_TYPES)


def test_seed_columns_and_codes():
    with (SEEDS / "event_types.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [
        "event_type",
        "description",
        "cameo_root",
        "plover",
        "acled_event_type",
        "trigger_lemmas",
    ]
    for row in rows:
        assert row["description"] and row["trigger_lemmas"]
        code = row["cameo_root"]
        assert code == "" or (len(code) == 2 and code.isdigit())
        assert row["trigger_lemmas"] == row["trigger_lemmas"].lower()
    by_type = {row["event_type"]: row for row in rows}
    assert by_type["meeting_or_talks"]["cameo_root"] == "04"
    assert by_type["protest"]["plover"] == "PROTEST"
    assert by_type["battle"]["acled_event_type"] == "Battles: Armed clash"


def test_load_taxonomy_from_the_seeds_folder(taxonomy):
    assert load_taxonomy(SEEDS) == taxonomy


def test_a_lemma_may_signal_several_types(taxonomy):
    assert set(taxonomy.types_for("send")) == {
        "troop_deployment",
        "arms_transfer",
        "aid_or_funding",
    }
    assert taxonomy.types_for("shoot_down") == ("interception",)
    assert taxonomy.types_for("cease-fire") == ("agreement_or_treaty",)  # hyphens folded
    assert taxonomy.types_for("banana") == ()


def test_taxonomy_built_by_hand():
    tax = EventTaxonomy(
        types=(
            EventType("protest", "Protests", "14", "PROTEST", None, ("rally", "march")),
            EventType("other", "Other", None, None, None, ("rally",)),
        )
    )
    assert tax.types_for("Rally") == ("protest", "other")
    assert tax.event_types == ("protest", "other")


# --------------------------------------------------------------------------------------------
# Events in sentences (the trained pipeline: the `nlp` session fixture)
# --------------------------------------------------------------------------------------------
ANCHOR = dt.date(2024, 11, 12)  # a Tuesday


def _mention(doc, text: str, name: str, entity_type: str) -> EntityMention:
    start = doc.text.index(text)
    return EntityMention(
        article_id="",
        mention_index=0,
        sentence_index=0,
        start_char=start,
        end_char=start + len(text),
        text=text,
        label="",
        name=name,
        entity_type=entity_type,
        role=None,
        affiliation=None,
    )


def _quote(doc, text: str, index: int, speaker: str) -> Quote:
    start = doc.text.index(text)
    return Quote(
        article_id="",
        claim_index=index,
        sentence_index=0,
        kind="reported",
        cue="say",
        cue_class=None,
        speaker_text=speaker,
        speaker_name=speaker,
        speaker_type="person",
        text=text,
        sentence=text,
        start_char=start,
        end_char=start + len(text),
        claim_date=None,
        date_text=None,
    )


def _events(nlp, taxonomy, text, *, anchor=ANCHOR, mentions=(), quotes=()):
    doc = nlp(text)
    built_mentions = [_mention(doc, *m) for m in mentions]
    built_quotes = [_quote(doc, q, i, "an official") for i, q in enumerate(quotes)]
    return find_events(
        doc, mentions=built_mentions, quotes=built_quotes, taxonomy=taxonomy, anchor_date=anchor
    )


def _one(nlp, taxonomy, text, **kwargs) -> EventMention:
    events = [e for e in _events(nlp, taxonomy, text, **kwargs) if e.modality == "asserted"]
    assert len(events) == 1, events
    return events[0]


@pytest.mark.parametrize(
    ("text", "event_type"),
    [
        (
            "Russian drones killed at least 10 civilians in Kyiv overnight.",
            "drone_or_missile_attack",
        ),
        (
            "An Israeli airstrike on a house in Gaza killed a mother and her three children.",
            "airstrike_or_shelling",
        ),
        ("Russian forces shelled the city of Kherson on Monday.", "airstrike_or_shelling"),
        ("Gunmen attacked a police station in the north of the country.", "attack"),
        ("Air defenses shot down 46 drones overnight.", "interception"),
        ("The army said it repelled 34 assaults near the town.", "battle"),
        ("Three soldiers went missing near the village.", "casualties"),
        ("North Korea has sent 10,000 to 12,000 troops to Russia.", "troop_deployment"),
        ("Iran has provided drones to Russia.", "arms_transfer"),
        ("Congress approved $4.3 billion in aid for Ukraine in April.", "aid_or_funding"),
        ("The parties agreed to exchange 1,000 prisoners.", "agreement_or_treaty"),
        ("The European Union imposed sanctions on 189 ships.", "sanctions"),
        ("The minister warned of severe consequences.", "statement_or_warning"),
        ("The two defense ministers met in Brussels on Tuesday.", "meeting_or_talks"),
        ("Police arrested the opposition leader on Saturday.", "arrest_or_legal"),
        ("Thousands of protesters rallied in the capital on Sunday.", "protest"),
        ("A powerful earthquake struck southern Turkey on Monday.", "disaster_or_accident"),
        ("Voters elected a new president on Sunday.", "election_or_vote"),
        ("North Korea fired two ballistic missiles into the sea on Thursday.", "other"),
        ("The president declared a three-month state of emergency.", "other"),
    ],
)
def test_event_type_from_trigger_and_clause(nlp, taxonomy, text, event_type):
    assert _one(nlp, taxonomy, text).event_type == event_type


def test_a_launch_at_a_target_is_an_attack(nlp, taxonomy):
    event = _one(nlp, taxonomy, "The Houthis fired three missiles at a merchant vessel.")
    assert event.event_type == "drone_or_missile_attack"
    assert (event.quantity, event.quantity_unit) == (3, "missiles")
    assert event.actor_name == "Houthis"
    assert event.target_name == "merchant vessel"


def test_a_mother_and_her_three_children_count_four(nlp, taxonomy):
    event = _one(
        nlp,
        taxonomy,
        "A Russian airstrike killed a mother and her three children and left 14 people wounded.",
    )
    assert (event.killed, event.wounded) == (4, 14)
    assert event.actor_name == "Russia"


def test_a_figure_after_were_killed_and_counts_the_wounded_past_a_dateline(nlp, taxonomy):
    event = _one(
        nlp,
        taxonomy,
        "GENEVA, July 10 (Reuters) - At least 1,174 civilians were killed and 5,493 wounded in "
        "the first six months of the year, a rise of about a third over the same period last "
        "year, the monitoring mission said on Thursday.",
    )
    assert (event.event_type, event.killed, event.wounded) == ("casualties", 1174, 5493)


def test_its_attacks_belong_to_the_subject_of_the_verb(nlp, taxonomy):
    event = _one(
        nlp, taxonomy, "Ukraine has intensified its attacks on Russian refineries this month.",
        mentions=[("Ukraine", "Ukraine", "country")],
    )
    assert (event.event_type, event.actor_name) == ("attack", "Ukraine")


def test_the_attack_mentioned_again_with_nothing_new_is_no_new_event(nlp, taxonomy):
    again = "The General Staff said the results of the attack were still being assessed."
    assert _events(nlp, taxonomy, again) == []
    with_news = _one(nlp, taxonomy, "The attack on the port killed three sailors.")
    assert (with_news.event_type, with_news.killed) == ("attack", 3)


def test_range_and_unit_on_a_deployment(nlp, taxonomy):
    event = _one(
        nlp,
        taxonomy,
        "North Korea has sent 10,000 to 12,000 troops to Russia.",
        mentions=[("North Korea", "North Korea", "country"), ("Russia", "Russia", "country")],
    )
    assert (event.quantity, event.quantity_high, event.quantity_unit) == (10_000, 12_000, "troops")
    assert (event.actor_name, event.target_name) == ("North Korea", "Russia")


def test_passive_deployment_takes_the_agent_as_actor(nlp, taxonomy):
    event = _one(
        nlp,
        taxonomy,
        "Ukrainian troops were facing 11,000 North Korean troops "
        "deployed by Russia to its Kursk region.",
    )
    assert event.event_type == "troop_deployment"
    assert event.actor_name == "Russia"
    assert (event.quantity, event.quantity_unit) == (11_000, "troops")


def test_a_toll_counts_when_the_kill_verb_is_parsed_as_a_participle(nlp, taxonomy):
    # the parser reads "killed" as a participle of "airstrikes"; its object makes it active
    event = _one(nlp, taxonomy, "Russian airstrikes killed at least 25 people in Idlib.")
    assert (event.event_type, event.killed) == ("airstrike_or_shelling", 25)


@pytest.mark.parametrize(
    "text",
    [
        "The navy said it destroyed 38 of 52 drones launched overnight.",
        "Air defences shot down 38 out of 52 drones.",
    ],
)
def test_a_share_of_a_whole_counts_the_share(nlp, taxonomy, text):
    event = _one(nlp, taxonomy, text)
    assert (event.event_type, event.quantity, event.quantity_unit) == (
        "interception", 38, "drones",
    )


@pytest.mark.parametrize(
    ("text", "launched", "downed", "unit"),
    [
        ("The army fired 12 rockets, of which 10 were intercepted.", 12, 10, "rockets"),
        ("Russia launched 70 drones, 45 of which were shot down.", 70, 45, "drones"),
        (
            "Russia launched 70 drones overnight, of which 45 were shot down by air defenses.",
            70,
            45,
            "drones",
        ),
    ],
)
def test_a_share_shot_down_in_a_relative_clause_is_an_interception_of_its_own(
    nlp, taxonomy, text, launched, downed, unit
):
    events = _events(nlp, taxonomy, text)
    counted = sorted((e.event_type, e.quantity, e.quantity_unit) for e in events)
    assert counted == [
        ("drone_or_missile_attack", launched, unit),
        ("interception", downed, unit),
    ]


def test_killed_and_injured_are_one_tally(nlp, taxonomy):
    event = _one(
        nlp,
        taxonomy,
        "At least 5,894 people were killed and 26,721 others were injured, the agency said.",
    )
    assert event.event_type == "casualties"
    assert (event.killed, event.wounded) == (5894, 26721)


def test_killed_or_wounded_is_its_own_count(nlp, taxonomy):
    event = _one(
        nlp,
        taxonomy,
        "About 30 North Korean troops were killed or wounded during a "
        "battle with the Ukrainian army.",
    )
    assert event.event_type == "battle"
    assert (event.quantity, event.quantity_unit) == (30, "killed_or_wounded")
    assert event.killed is None


def test_death_toll_of_a_disaster(nlp, taxonomy):
    event = _one(nlp, taxonomy, "The death toll from the earthquake surpassed 7,800.")
    assert event.event_type == "disaster_or_accident"
    assert event.killed == 7800


def test_a_death_toll_with_no_attack_named_is_casualties(nlp, taxonomy):
    event = _one(nlp, taxonomy, "The death toll in Gaza has surpassed 40,000.")
    assert (event.event_type, event.killed) == ("casualties", 40_000)


def test_a_tally_inside_an_attack_sentence_belongs_to_the_attack(nlp, taxonomy):
    events = _events(
        nlp,
        taxonomy,
        "Russian missiles killed 28 people in Kyiv, with 23 deaths reported in one building.",
    )
    assert [(e.event_type, e.killed) for e in events] == [("drone_or_missile_attack", 28)]


def test_a_fire_caused_by_an_attack_is_no_accident(nlp, taxonomy):
    events = _events(nlp, taxonomy, "A Ukrainian drone attack started a fire at an oil depot.")
    assert [e.event_type for e in events] == ["drone_or_missile_attack"]
    assert events[0].actor_name == "Ukraine"


def test_sanctions_agreed_are_sanctions_with_their_targets(nlp, taxonomy):
    event = _one(nlp, taxonomy, "EU countries agreed to impose sanctions on nearly 200 ships.")
    assert event.event_type == "sanctions"
    assert (event.quantity, event.quantity_unit) == (200, "ships")


def test_money_is_a_full_number_in_usd(nlp, taxonomy):
    event = _one(nlp, taxonomy, "Congress approved $4.3 billion in aid for Ukraine in April.")
    assert (event.quantity, event.quantity_unit) == (4.3e9, "usd")
    assert event.event_date == dt.date(2024, 4, 1)


def test_an_aid_package_announced_is_aid_from_the_announcer_to_its_recipient(nlp, taxonomy):
    countries = [("Canada", "Canada", "country"), ("Moldova", "Moldova", "country")]
    event = _one(
        nlp, taxonomy, "Canada announced a $90 million aid package for Moldova.",
        mentions=countries,
    )
    assert (event.event_type, event.actor_name, event.target_name) == (
        "aid_or_funding", "Canada", "Moldova",
    )
    assert (event.quantity, event.quantity_unit) == (90e6, "usd")
    debated = "Lawmakers in Canada debated an aid package for Moldova."
    assert _events(nlp, taxonomy, debated, mentions=countries) == []


def test_a_package_announced_by_a_body_is_that_body_s_aid(nlp, taxonomy):
    event = _one(
        nlp, taxonomy, "The aid package was announced by the Senate on Tuesday.",
        mentions=[("Senate", "Senate", "organization")],
    )
    assert (event.event_type, event.actor_name) == ("aid_or_funding", "Senate")


def test_aid_pledged_goes_to_the_country_named_after_it(nlp, taxonomy):
    event = _one(
        nlp, taxonomy, "Germany pledged 500 million euros in aid to Ukraine.",
        mentions=[("Germany", "Germany", "country"), ("Ukraine", "Ukraine", "country")],
    )
    assert (event.event_type, event.actor_name, event.target_name) == (
        "aid_or_funding", "Germany", "Ukraine",
    )


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("If North Korean soldiers do enter combat, the war will escalate.", "hypothetical"),
        ("Moscow and Kyiv may hold talks in Istanbul.", "hypothetical"),
        ("Troops could possibly fight alongside Russian forces.", "hypothetical"),
        ("Russia will deploy more troops to the border.", "future"),
        ("Moscow plans to send more troops to the front.", "future"),
        ("The parliament is to vote on the bill next week.", "future"),
        ("The missiles did not hit their targets.", "denied"),
        ("There were no reports of casualties.", "denied"),
        ("The army attacked the town on Monday.", "asserted"),
        ("The aide was not authorized to discuss the talks.", "hypothetical"),
        ("Kyiv says it is ready to negotiate with Moscow.", "hypothetical"),
        ("An officer, who spoke on condition of anonymity to discuss the talks, said so.",
         "hypothetical"),
        ("The envoys met in Geneva to discuss the talks.", "asserted"),
    ],
)
def test_modality(nlp, taxonomy, text, modality):
    events = _events(nlp, taxonomy, text)
    assert events and events[0].modality == modality


def test_relative_date_resolved_against_the_article_date(nlp, taxonomy):
    event = _one(
        nlp,
        taxonomy,
        "Officials said Thursday that Russia attacked the region with "
        "about a dozen drones overnight.",
    )
    assert event.date_text == "overnight"
    assert event.event_date == ANCHOR
    assert (event.quantity, event.quantity_unit) == (12, "drones")


def test_date_of_a_nested_clause_is_not_the_event_date(nlp, taxonomy):
    events = _events(nlp, taxonomy, "Lawmakers voted last week to ratify the deal.")
    assert [(e.event_type, e.date_text, e.event_date) for e in events] == [
        ("agreement_or_treaty", "last week", dt.date(2024, 11, 5))
    ]


def test_location_from_the_clause(nlp, taxonomy):
    event = _one(nlp, taxonomy, "Ukrainian drones hit an oil depot in Russia's Belgorod region.")
    assert event.location == "Belgorod region"
    assert event.actor_name == "Ukraine"


def test_location_from_the_sentence_before_in_the_paragraph(nlp, taxonomy):
    events = _events(
        nlp,
        taxonomy,
        "Fighting raged near the town of Pokrovsk. Ukrainian "
        "troops repelled 12 assaults, the army said.",
    )
    assert events[-1].location == "Pokrovsk"


def test_mention_names_are_used_for_actors(nlp, taxonomy):
    event = _one(
        nlp,
        taxonomy,
        "Austin spoke with his counterpart Umerov on Tuesday.",
        mentions=[("Austin", "Lloyd Austin", "person"), ("Umerov", "Rustem Umerov", "person")],
    )
    assert event.event_type == "meeting_or_talks"
    assert (event.actor_name, event.target_name) == ("Lloyd Austin", "Rustem Umerov")
    assert event.event_date == ANCHOR


def test_record_fields(nlp, taxonomy):
    text = "The minister said nothing. Police arrested 20 people in the capital."
    doc = nlp(text)
    doc.user_data["article_id"] = "a1"
    claim = "Police arrested 20 people in the capital"
    events = find_events(
        doc,
        mentions=[],
        quotes=[_quote(doc, claim, 7, "officials")],
        taxonomy=taxonomy,
        anchor_date=None,
    )
    assert len(events) == 1
    event = events[0]
    assert event.article_id == "a1"
    assert event.event_index == 0
    assert event.sentence_index == 1
    assert event.sentence == "Police arrested 20 people in the capital."
    assert text[event.start_char : event.end_char] == event.trigger == "arrested"
    assert event.trigger_lemma == "arrest"
    assert event.claim_index == 7
    assert (event.quantity, event.quantity_unit) == (20, "arrested")


def test_no_events_in_plain_prose(nlp, taxonomy):
    assert _events(nlp, taxonomy, "The weather was mild and the shops were open.") == []


def test_sentence_index_counts_non_blank_sentences_like_nlp_sentences(nlp, taxonomy):
    doc = nlp("\n\nPolice arrested 20 people.\n\n\n\nTroops were deployed to the border.")
    events = find_events(doc, mentions=[], quotes=[], taxonomy=taxonomy, anchor_date=None)
    assert [(e.sentence_index, e.sentence) for e in events] == [
        (0, "Police arrested 20 people."),
        (1, "Troops were deployed to the border."),
    ]


@pytest.mark.parametrize(
    ("text", "event_type"),
    [
        ("A suicide bomber killed 12 people at a market.", "attack"),
        ("Gunmen killed five villagers overnight.", "attack"),
        ("A bus crashed into a ravine, killing 20 passengers.", "disaster_or_accident"),
        ("Protesters clashed with police in the capital.", "protest"),
        ("Thousands of workers went on strike over pay.", "protest"),
        ("Fighter jets pounded militants in the village.", "airstrike_or_shelling"),
        ("Hamas released three hostages on Sunday.", "other"),
        ("Police raided the protest camp before dawn.", "arrest_or_legal"),
        ("North Korea test-fired a new missile into the sea.", "other"),
    ],
)
def test_who_does_it_decides_the_type(nlp, taxonomy, text, event_type):
    assert _one(nlp, taxonomy, text).event_type == event_type


@pytest.mark.parametrize(
    "text",
    [
        "Shares crashed on Monday as investors fled.",
        "The film was shot in Morocco last year.",
        "The company failed to meet expectations.",
        "Stocks rallied after the decision.",
        "The actor died of cancer.",
        "Students took a driving test.",
        "The minister came under fire from critics.",
        "He suffered a heart attack.",
        "The firm deployed new software across its network.",
        "The sanctioned company moved its money abroad.",
        "Ukrainian President Volodymyr Zelenskyy called it one of the biggest bombardments.",
    ],
)
def test_everyday_senses_of_event_words_are_no_events(nlp, taxonomy, text):
    assert [e for e in _events(nlp, taxonomy, text) if e.modality == "asserted"] == []


def test_the_people_in_a_tally_are_counted_across_conjuncts(nlp, taxonomy):
    event = _one(
        nlp,
        taxonomy,
        "He says 10 children and one woman were killed when the airstrike destroyed a house.",
    )
    assert (event.event_type, event.killed) == ("airstrike_or_shelling", 11)


def test_interest_in_talks_is_not_talks(nlp, taxonomy):
    events = _events(nlp, taxonomy, "Trump expressed interest in negotiating a deal with Iran.")
    assert [(e.event_type, e.modality) for e in events] == [("meeting_or_talks", "future")]


def test_a_victim_without_a_figure_adds_no_count(nlp, taxonomy):
    event = _one(nlp, taxonomy, "A gunman killed a police officer outside the station.")
    assert (event.event_type, event.killed) == ("attack", None)


def test_shelling_with_its_toll_and_place(nlp, taxonomy):
    event = _one(
        nlp,
        taxonomy,
        "Russian forces shelled the city of Kherson overnight, killing "
        "two civilians and wounding nine.",
    )
    assert event.event_type == "airstrike_or_shelling"
    assert (event.actor_name, event.location) == ("Russia", "Kherson")
    assert (event.killed, event.wounded) == (2, 9)


@pytest.mark.parametrize(
    ("text", "event_type", "killed", "wounded"),
    [
        (
            "The earthquake struck the region on Monday, with 232 people killed and 1,000 injured.",
            "disaster_or_accident",
            232,
            1000,
        ),
        ("Gunmen attacked a village, with at least 30 people killed.", "attack", 30, None),
    ],
)
def test_a_toll_in_a_with_clause_counts(nlp, taxonomy, text, event_type, killed, wounded):
    event = _one(nlp, taxonomy, text)
    assert (event.event_type, event.killed, event.wounded) == (event_type, killed, wounded)


def test_a_toll_conjoined_to_a_result_participle_stays_with_its_event(nlp, taxonomy):
    event = _one(
        nlp, taxonomy, "Russian missiles hit Kyiv overnight, killing 12 people and wounding 30."
    )
    assert (event.event_type, event.killed, event.wounded) == ("drone_or_missile_attack", 12, 30)
