"""Planning batches of articles to tag: every pending article in exactly one batch, keys stable."""

from __future__ import annotations

import pytest

from extract.tag_batches import batch_key, plan_batches

IDS = [f"a{i}" for i in range(7)]


def test_pending_articles_are_sliced_in_order_into_even_batches_of_at_most_the_size() -> None:
    plan = plan_batches(IDS, {}, tagger_version="v1", size=3)
    assert list(plan.new.values()) == [IDS[0:3], IDS[3:5], IDS[5:7]]
    assert [
        len(ids) for ids in plan_batches(IDS, {}, tagger_version="v1", size=7).new.values()
    ] == [7]
    assert [
        len(ids) for ids in plan_batches(IDS, {}, tagger_version="v1", size=1).new.values()
    ] == [1] * 7
    assert plan.kept == plan.dropped == []


def test_the_same_work_planned_twice_gets_the_same_keys() -> None:
    first = plan_batches(IDS, {}, tagger_version="v1", size=3)
    again = plan_batches(IDS, first.new, tagger_version="v1", size=3)
    assert again.kept == sorted(first.new) and again.new == {} and again.dropped == []


def test_a_batch_with_an_article_no_longer_pending_is_dropped_and_the_rest_replanned() -> None:
    first = plan_batches(IDS, {}, tagger_version="v1", size=3)
    pending = [i for i in IDS if i != "a4"]
    plan = plan_batches(pending, first.new, tagger_version="v1", size=3)
    assert plan.dropped == [batch_key("v1", IDS[3:5])]
    assert sorted(plan.kept) == sorted([batch_key("v1", IDS[0:3]), batch_key("v1", IDS[5:7])])
    assert list(plan.new.values()) == [["a3"]]


def test_a_new_tagger_version_replans_everything() -> None:
    first = plan_batches(IDS, {}, tagger_version="v1", size=3)
    plan = plan_batches(IDS, first.new, tagger_version="v2", size=3)
    assert sorted(plan.dropped) == sorted(first.new)
    assert set(plan.new).isdisjoint(first.new)


def test_every_pending_article_is_in_exactly_one_batch() -> None:
    existing = {batch_key("v1", ["a1", "a2"]): ["a1", "a2"], batch_key("v1", ["a2"]): ["a2"]}
    plan = plan_batches(IDS, existing, tagger_version="v1", size=2)
    batches = [existing[k] for k in plan.kept] + list(plan.new.values())
    assert sorted(i for ids in batches for i in ids) == IDS


def test_a_batch_holds_at_least_one_article() -> None:
    with pytest.raises(ValueError, match="at least one article"):
        plan_batches(IDS, {}, tagger_version="v1", size=0)


def test_two_owners_planning_the_same_articles_get_different_keys() -> None:
    mine = plan_batches(IDS, {}, tagger_version="v1", size=3, owner="/w/a/tagging")
    theirs = plan_batches(IDS, {}, tagger_version="v1", size=3, owner="/w/b/tagging")
    assert list(mine.new.values()) == list(theirs.new.values())
    assert set(mine.new).isdisjoint(theirs.new)
    again = plan_batches(IDS, mine.new, tagger_version="v1", size=3, owner="/w/a/tagging")
    assert again.kept == sorted(mine.new) and again.new == {}
