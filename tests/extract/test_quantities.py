"""Figures: parsing written numbers, and which figures of a text count."""

from __future__ import annotations

import pytest

from extract.quantities import find_quantities, parse_number
from extract.records import Quote


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10,000", 10_000),
        ("a dozen", 12),
        ("dozen", 12),
        ("$7.1 billion", 7.1e9),
        ("US$3.5 billion", 3.5e9),
        ("three", 3),
        ("2.2 billion", 2.2e9),
        ("twenty-five", 25),
        ("one hundred and five", 105),
        ("two million", 2e6),
        ("about 30", 30),
        ("at least 5,894", 5894),
        ("1.5m", 1.5e6),
        ("7.8", 7.8),
        ("500 million euros", 5e8),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "dozens", "several", "ten thousand troops", "N/A", "-"])
def test_parse_number_rejects_what_is_not_one_number(text):
    assert parse_number(text) is None


# --------------------------------------------------------------------------------------------
# Figures in text (the trained pipeline: the `nlp` session fixture)
# --------------------------------------------------------------------------------------------
def _figures(nlp, text, quotes=()):
    doc = nlp(text)
    return find_quantities(doc, quotes=list(quotes))


def _values(nlp, text):
    return [(q.value, q.unit) for q in _figures(nlp, text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Over 10,000 soldiers have been sent to the front.", [(10_000, "troops")]),
        ("There is about $7.1 billion left in the fund.", [(7.1e9, "usd")]),
        ("It costs US$3.5 billion.", [(3.5e9, "usd")]),
        ("Officials reported about a dozen aerial drones.", [(12, "drones")]),
        (
            "Russia fired 11 ballistic missiles and five cruise missiles.",
            [(11, "ballistic_missiles"), (5, "cruise_missiles")],
        ),
        ("Restrictions hit 75 individuals and entities.", [(75, "individuals_and_entities")]),
        ("A 7.8-magnitude quake hit the region.", [(7.8, "magnitude")]),
        ("He announced a three-month state of emergency.", [(3, "months")]),
        ("Aid was paused for 90 days.", [(90, "days")]),
        ("The front line is roughly 1,000 kilometers long.", [(1000, "kilometers")]),
        ("Two were intercepted and one missed its target.", [(2, None), (1, None)]),
        ("The toll surpassed 40,000.", [(40_000, None)]),
        ("One person was killed in the attack.", [(1, "people")]),
        ("It came after a magnitude-8.1 quake.", [(8.1, "magnitude")]),
        ("A magnitude 6.2 earthquake struck.", [(6.2, "magnitude")]),
        ("The Senate voted 51-49 to pass the bill.", [(51, None), (49, None)]),
        ("They fired 12 rockets, of which 10 were downed.", [(12, "rockets"), (10, "rockets")]),
    ],
)
def test_figures_and_units(nlp, text, expected):
    assert _values(nlp, text) == [(pytest.approx(v), u) for v, u in expected]


@pytest.mark.parametrize(
    "text",
    [
        "The drills run from March 13-23.",  # dates
        "The attack happened on Feb. 7 and again in 2022.",
        "The missiles were launched at 7.10 a.m. local time.",  # clock times
        "A 32-year-old woman and children aged 5 were hurt.",  # ages
        "Children who were 10 years, 2 years and 2 months old died.",
        "The EU agreed its 17th package in the fourth year of war.",  # ordinals
        "The Airbus A321 and the F-16 jets were grounded.",  # numbers in names
        "He spoke outside 10 Downing Street.",
        "Dozens were hurt and thousands of people fled.",  # vague amounts
        "Tens of thousands of refugees crossed.",
        "Prices rose 40% last year.",  # percentages
        "We have agreed on three things.",  # abstract items
        "The two leaders also talked about the war.",  # participants already named
        "It happened two days ago.",  # relative times
        "It was one of the biggest attacks of the war.",
        "Two-thirds of the population fled.",  # fractions
        "John Smith, 45, was arrested on Monday.",  # an age in apposition
        "Men aged between 18 and 60 must stay.",
        "She died at 85.",
        "It came two weeks after the first quake.",  # relative time
    ],
)
def test_what_is_not_a_figure(nlp, text):
    assert _values(nlp, text) == []


def test_unit_conversion_in_parentheses_is_skipped(nlp):
    text = "They pushed along the roughly 1,000-kilometer (620-mile) front line."
    assert _values(nlp, text) == [(1000, "kilometers")]
    text = "The missiles flew over 350 kilometers (217.5 miles)."
    assert _values(nlp, text) == [(350, "kilometers")]


def test_range_qualifier_and_offsets(nlp):
    text = "The US said North Korea had sent 10,000 to 12,000 troops, and at least 30 died."
    doc = nlp(text)
    doc.user_data["article_id"] = "a9"
    first, second = find_quantities(doc, quotes=[])
    assert (first.value, first.high, first.unit, first.qualifier) == (
        10_000,
        12_000,
        "troops",
        None,
    )
    assert text[first.start_char : first.end_char] == first.text == "10,000 to 12,000"
    assert (second.value, second.qualifier) == (30, "at least")
    assert first.article_id == "a9" and first.sentence_index == 0
    assert [q.quantity_index for q in (first, second)] == [0, 1]


def test_a_repeated_figure_is_kept_once(nlp):
    text = "The parties agreed to exchange 1,000 prisoners. The 1,000 prisoners will be freed."
    assert _values(nlp, text) == [(1000, "prisoners")]


def test_figure_inside_a_claim_carries_its_claim(nlp):
    text = "Officials said 46 drones were shot down. Another 13 crashed."
    doc = nlp(text)
    start = text.index("46")
    quote = Quote(
        article_id="",
        claim_index=3,
        sentence_index=0,
        kind="reported",
        cue="say",
        cue_class=None,
        speaker_text="Officials",
        speaker_name="officials",
        speaker_type="unnamed",
        text="46 drones were shot down",
        sentence=text[:39],
        start_char=start,
        end_char=start + len("46 drones were shot down"),
        claim_date=None,
        date_text=None,
    )
    figures = find_quantities(doc, quotes=[quote])
    assert [(q.value, q.claim_index) for q in figures] == [(46, 3), (13, None)]
