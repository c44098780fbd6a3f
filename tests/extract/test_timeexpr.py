"""Time expressions: resolving news-style dates against the article's date, and finding them."""

from __future__ import annotations

import datetime as dt

import pytest

from extract.timeexpr import date_expressions, find_date_text, resolve_date

TUESDAY = dt.date(2024, 11, 12)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on Tuesday", dt.date(2024, 11, 12)),  # the anchor's own weekday is that day
        ("Tuesday", dt.date(2024, 11, 12)),
        ("late Tuesday", dt.date(2024, 11, 12)),
        ("Tuesday night", dt.date(2024, 11, 12)),
        ("on Monday", dt.date(2024, 11, 11)),
        ("Wednesday", dt.date(2024, 11, 6)),  # past tense: the most recent one
        ("last Tuesday", dt.date(2024, 11, 5)),  # strictly before
        ("next Monday", dt.date(2024, 11, 18)),
        ("a day earlier", dt.date(2024, 11, 11)),
        ("yesterday", dt.date(2024, 11, 11)),
        ("overnight", dt.date(2024, 11, 12)),
        ("later in the day", dt.date(2024, 11, 12)),
        ("by tomorrow", dt.date(2024, 11, 13)),
        ("two days ago", dt.date(2024, 11, 10)),
        ("about a week ago", dt.date(2024, 11, 5)),
        ("last week", dt.date(2024, 11, 5)),
        ("next week", dt.date(2024, 11, 19)),
        ("at the weekend", dt.date(2024, 11, 9)),
        ("earlier this month", dt.date(2024, 11, 1)),
        ("last month", dt.date(2024, 10, 1)),
        ("last year", dt.date(2023, 1, 1)),
        ("in June", dt.date(2024, 6, 1)),
        ("in November", dt.date(2024, 11, 1)),
        ("in December", dt.date(2023, 12, 1)),  # the most recent December
        ("Feb. 7", dt.date(2024, 2, 7)),
        ("Jan. 3", dt.date(2025, 1, 3)),  # a few weeks ahead: announced for the coming days
        ("March 13-23", dt.date(2024, 3, 13)),
        ("Nov. 12, 2024", dt.date(2024, 11, 12)),
        ("January 24, 2024", dt.date(2024, 1, 24)),
        ("12 November 2024", dt.date(2024, 11, 12)),
        ("in February 2022", dt.date(2022, 2, 1)),
        ("2/8/2023", dt.date(2023, 2, 8)),
        ("2024-05-03", dt.date(2024, 5, 3)),
        ("in 2022", dt.date(2022, 1, 1)),
    ],
)
def test_resolve_date_against_the_article_date(text, expected):
    assert resolve_date(text, TUESDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nov. 12, 2024", dt.date(2024, 11, 12)),
        ("in February 2022", dt.date(2022, 2, 1)),
        ("2/8/2023", dt.date(2023, 2, 8)),
        ("on Tuesday", None),  # a relative date needs an anchor
        ("Feb. 7", None),  # so does a date without its year
        ("yesterday", None),
        ("in June", None),
    ],
)
def test_resolve_date_without_an_anchor(text, expected):
    assert resolve_date(text, None) == expected


@pytest.mark.parametrize(
    "text",
    [
        "for four months",
        "in recent weeks",
        "previously",
        "every single day",
        "",
        "may",
        "the war",
        "Feb. 30, 2024",
    ],
)
def test_expressions_that_name_no_date(text):
    assert resolve_date(text, TUESDAY) is None


def test_in_a_month_of_the_previous_year():
    assert resolve_date("in June", dt.date(2024, 3, 1)) == dt.date(2023, 6, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Putin and Kim signed the strategic pact in June.", "in June"),
        ("The 34-year-old woman was charged on Tuesday.", "on Tuesday"),  # not her age
        ("The missiles were launched at 7.10 a.m. on Wednesday.", "on Wednesday"),  # no clock
        ("A day earlier, Zelenskyy said the troops were deployed.", "A day earlier"),
        ("Russia attacked the region overnight.", "overnight"),
        ("The war has raged for four months.", "for four months"),  # a duration, as a last resort
        ("A three-month state of emergency was declared.", None),  # a duration as a modifier
        ("Nothing happened here.", None),
    ],
)
def test_find_date_text(nlp, text, expected):
    assert find_date_text(nlp(text)[:]) == expected


def test_date_expressions_tell_points_from_durations(nlp):
    doc = nlp("Fighting has raged for four months, officials said on Monday.")
    found = [(d.text, d.is_point) for d in date_expressions(doc[:])]
    assert found == [("for four months", False), ("on Monday", True)]
    first = date_expressions(doc[:])[0]
    assert doc.text[first.start_char : first.end_char] == first.text
