"""The anonymity rules against an attacker who adds and subtracts every figure shown.

`smallest_leak` is that attacker: it finds the smallest non-empty group of people whose
combined figure can be computed from the shown cells (a 0/1 combination of atoms in the
linear span of the shown cells), by brute force over subsets of atoms and exact rational
arithmetic. Suppression is proven by showing that nothing smaller than the minimum leaks.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Hashable, Mapping, Sequence
from fractions import Fraction

import pytest

from bot.reports.anonymity import (
    DEFAULT_COMMENT_THRESHOLD,
    DEFAULT_MIN_GROUP_SIZE,
    Cell,
    cells_to_show,
    comment_threshold,
    may_quote,
    min_group_size,
    suppress_breakdown,
    total_shown,
)

MIN = 5


def _rank(rows: list[list[Fraction]]) -> int:
    matrix = [row[:] for row in rows]
    rank = 0
    columns = len(matrix[0]) if matrix else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column] / matrix[rank][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def smallest_leak(
    cells: Sequence[Cell], shown: frozenset[Hashable], respondents: Mapping[Hashable, int]
) -> int | None:
    """The fewest respondents (> 0) whose combined figure a reader can compute, if any."""
    atoms = sorted(respondents, key=repr)
    vectors = [
        [Fraction(1 if atom in cell.population else 0) for atom in atoms]
        for cell in cells
        if cell.key in shown
    ]
    if not vectors:
        return None
    base = _rank(vectors)
    smallest: int | None = None
    for size in range(1, len(atoms) + 1):
        for subset in itertools.combinations(atoms, size):
            people = sum(respondents[a] for a in subset)
            if people == 0 or (smallest is not None and people >= smallest):
                continue
            target = [Fraction(1 if atom in subset else 0) for atom in atoms]
            if _rank([*vectors, target]) == base:
                smallest = people
    return smallest


def total_and_groups(counts: Mapping[str, int]) -> tuple[list[Cell], dict[Hashable, int]]:
    respondents: dict[Hashable, int] = dict(counts)
    cells = [Cell(key=group, population=frozenset([group])) for group in counts]
    cells.append(Cell(key="total", population=frozenset(counts)))
    return cells, respondents


def assert_safe(
    cells: Sequence[Cell], shown: frozenset[Hashable], respondents: Mapping[Hashable, int]
) -> None:
    leak = smallest_leak(cells, shown, respondents)
    assert leak is None or leak >= MIN, f"a reader can compute a figure over {leak} people"


def test_the_attacker_finds_the_whole_minus_all_but_one_attack() -> None:
    cells, respondents = total_and_groups({"managers": 12, "end users": 40, "executives": 2})
    naive = frozenset(c.key for c in cells if c.key != "executives")
    assert smallest_leak(cells, naive, respondents) == 2


def test_whole_audience_minus_other_groups_does_not_reveal_a_small_group() -> None:
    cells, respondents = total_and_groups({"managers": 12, "end users": 40, "executives": 2})
    shown = cells_to_show(cells, respondents=respondents, min_group_size=MIN)
    assert "executives" not in shown
    assert "total" in shown, "the total is the most useful figure; hide a group instead"
    assert "managers" not in shown, "the cheapest complementary cell is hidden"
    assert "end users" in shown
    assert_safe(cells, shown, respondents)


def test_an_explicit_all_but_one_figure_is_not_shown_next_to_the_total() -> None:
    groups = {"managers": 12, "end users": 40, "executives": 2}
    respondents: dict[Hashable, int] = dict(groups)
    cells = [
        Cell(key="total", population=frozenset(groups)),
        Cell(key="all but executives", population=frozenset({"managers", "end users"})),
    ]
    shown = cells_to_show(cells, respondents=respondents, min_group_size=MIN)
    assert shown == {"total"}
    assert_safe(cells, shown, respondents)


def test_two_small_groups_together_still_too_small_pull_in_a_third() -> None:
    cells, respondents = total_and_groups({"a": 10, "b": 2, "c": 2, "d": 11})
    shown = cells_to_show(cells, respondents=respondents, min_group_size=MIN)
    assert {"b", "c"}.isdisjoint(shown)
    assert "a" not in shown and "d" in shown and "total" in shown
    assert_safe(cells, shown, respondents)


def test_small_groups_that_add_up_to_the_minimum_need_no_complement() -> None:
    cells, respondents = total_and_groups({"a": 10, "b": 3, "c": 2, "d": 11})
    shown = cells_to_show(cells, respondents=respondents, min_group_size=MIN)
    assert shown == {"a", "d", "total"}
    assert_safe(cells, shown, respondents)


def test_this_week_minus_last_week_cumulative_figures_do_not_reveal_a_few_new_answers() -> None:
    # Running totals to date after each week; week 2 brought only two new answers.
    respondents: dict[Hashable, int] = {"w1": 20, "w2": 2, "w3": 10}
    cells = [
        Cell(key="to week 1", population=frozenset({"w1"})),
        Cell(key="to week 2", population=frozenset({"w1", "w2"})),
        Cell(key="to week 3", population=frozenset({"w1", "w2", "w3"})),
    ]
    assert smallest_leak(cells, frozenset(c.key for c in cells), respondents) == 2
    shown = cells_to_show(cells, respondents=respondents, min_group_size=MIN)
    assert len(shown) == 2
    assert_safe(cells, shown, respondents)


def test_a_report_seen_twice_in_one_week_does_not_reveal_the_answers_in_between() -> None:
    # The same figure before and after three more people answered: the second look is
    # withheld (which is why open cycles show no answer figures at all).
    respondents: dict[Hashable, int] = {"before": 30, "since": 3}
    cells = [
        Cell(key="monday", population=frozenset({"before"})),
        Cell(key="tuesday", population=frozenset({"before", "since"})),
    ]
    shown = cells_to_show(cells, respondents=respondents, min_group_size=MIN)
    assert len(shown) == 1
    assert_safe(cells, shown, respondents)


def test_groups_across_two_measures_do_not_interfere() -> None:
    respondents: dict[Hashable, int] = {
        ("mood", "a"): 9,
        ("mood", "b"): 9,
        ("adoption", "a"): 9,
        ("adoption", "b"): 1,
    }
    cells = [Cell(key=atom, population=frozenset([atom])) for atom in respondents]
    cells += [
        Cell(key=("mood", "total"), population=frozenset({("mood", "a"), ("mood", "b")})),
        Cell(
            key=("adoption", "total"),
            population=frozenset({("adoption", "a"), ("adoption", "b")}),
        ),
    ]
    shown = cells_to_show(cells, respondents=respondents, min_group_size=MIN)
    assert {("mood", "a"), ("mood", "b"), ("mood", "total")} <= shown
    assert ("adoption", "b") not in shown
    assert_safe(cells, shown, respondents)


@pytest.mark.parametrize("seed", range(60))
def test_random_tables_never_leak_and_hiding_more_never_reopens(seed: int) -> None:
    rng = random.Random(seed)
    groups = {f"g{i}": rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 15, 30]) for i in range(5)}
    respondents: dict[Hashable, int] = dict(groups)
    cells, _ = total_and_groups(groups)
    # Sometimes a running total of the first groups too, as cumulative figures would be.
    if rng.random() < 0.5:
        cells.append(Cell(key="first three", population=frozenset(["g0", "g1", "g2"])))
    shown = cells_to_show(cells, respondents=respondents, min_group_size=MIN)
    assert_safe(cells, shown, respondents)
    for key in shown:
        assert_safe(cells, shown - {key}, respondents)


def test_breakdown_marks_the_pool_of_small_groups_like_any_other_group() -> None:
    breakdown = suppress_breakdown({"managers": 8, "end users": 30, None: 3}, min_group_size=MIN)
    assert breakdown.total
    assert not breakdown.shows(None)
    assert not breakdown.shows("managers")
    assert breakdown.shows("end users")


def test_breakdown_with_every_group_small_shows_only_a_large_enough_total() -> None:
    breakdown = suppress_breakdown({"a": 2, "b": 2, "c": 2}, min_group_size=MIN)
    assert breakdown.total and not breakdown.groups
    assert suppress_breakdown({"a": 2, "b": 2}, min_group_size=MIN).total is False


@pytest.mark.parametrize("seed", range(200))
def test_a_breakdown_shows_its_total_exactly_when_it_is_large_enough(seed: int) -> None:
    """What lets trends show per-cycle totals without rebuilding every breakdown."""
    rng = random.Random(seed)
    counts: dict[str | None, int] = {
        f"g{i}": rng.choice([0, 1, 2, 3, 4, 5, 7, 20]) for i in range(rng.randint(0, 8))
    }
    if rng.random() < 0.5:
        counts[None] = rng.randint(0, 6)
    breakdown = suppress_breakdown(counts, min_group_size=MIN)
    assert breakdown.total == total_shown(sum(counts.values()), min_group_size=MIN)


def test_breakdown_of_nobody_shows_nothing() -> None:
    assert suppress_breakdown({}, min_group_size=MIN).total is False


@pytest.mark.parametrize(
    ("configured", "effective"), [(None, 5), (5, 5), (8, 8), (3, 3), (2, 3), (0, 3), (-4, 3)]
)
def test_min_group_size_never_goes_below_three(configured: int | None, effective: int) -> None:
    assert min_group_size(configured) == effective


def test_comment_threshold_is_never_below_the_minimum_group() -> None:
    assert comment_threshold(min_group_size=DEFAULT_MIN_GROUP_SIZE) == DEFAULT_COMMENT_THRESHOLD
    assert comment_threshold(min_group_size=8) == 8
    assert comment_threshold(min_group_size=5, configured=10) == 10
    assert comment_threshold(min_group_size=5, configured=2) == 5
    assert may_quote(5, threshold=5) and not may_quote(4, threshold=5)
