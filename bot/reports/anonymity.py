"""The anonymity rules every number, breakdown and quote of a report passes through.

Three promises, each a function here so digests, reports, App Home and exports cannot drift:

- **Minimum group size.** No figure is shown for fewer than `min_group_size` respondents
  (default 5; a team may raise it but never set it below 3, because at 2 either person can
  subtract their own answer and read the other's).
- **Quotes need more.** A comment is quoted only when its stakeholder group wrote at least
  `comment_threshold` texts that week (default 5, never below `min_group_size`): words carry
  style, so a quote from a quiet group is easier to attribute than an average.
- **No differencing.** A reader can add and subtract any figures shown to them. Hiding each
  small cell is not enough: with the whole audience and all groups but one shown, the missing
  group is the difference. `cells_to_show` models every figure as the population of people it
  counts and hides figures until every population a reader could compute is either empty or
  at least `min_group_size` people.

Figures of a cycle still open are not shown at all (`storage.reports.recent_cycles` reads
closed cycles): they would change answer by answer, and the difference between two looks at
the same report is exactly the few people who answered in between.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

DEFAULT_MIN_GROUP_SIZE = 5
MIN_GROUP_SIZE_FLOOR = 3
DEFAULT_COMMENT_THRESHOLD = 5

NOT_ENOUGH_RESPONSES = "not enough responses to show"
SUPPRESSED = "suppressed"

Atom = Hashable


def min_group_size(configured: int | None = None) -> int:
    """The effective minimum: the team's setting, never below the floor of 3."""
    if configured is None:
        return DEFAULT_MIN_GROUP_SIZE
    return max(MIN_GROUP_SIZE_FLOOR, configured)


def comment_threshold(*, min_group_size: int, configured: int | None = None) -> int:
    """Texts a group must have written in a week before any of them is quoted."""
    return max(min_group_size, DEFAULT_COMMENT_THRESHOLD if configured is None else configured)


def may_quote(texts_in_group_week: int, *, threshold: int) -> bool:
    return texts_in_group_week >= threshold


@dataclass(frozen=True)
class Cell:
    """One figure a reader would see, described by whom it counts.

    `population` is a set of atoms: disjoint slices of respondents (a stakeholder group in a
    cycle, say). A total is the union of its groups; "all but managers" is the union minus
    one; a running total to date is the union of weeks so far.
    """

    key: Hashable
    population: frozenset[Atom]


def cells_to_show(
    cells: Iterable[Cell], *, respondents: Mapping[Atom, int], min_group_size: int
) -> frozenset[Hashable]:
    """The keys of the cells that may be shown together without a small group leaking.

    A reader who sees several figures can compute the figure of any population built from
    them by adding and subtracting. Each such population is a union of *regions*: atoms that
    belong to exactly the same shown cells. So if every region that lies in some shown cell
    has no respondents or at least `min_group_size`, no computable population is smaller.

    First every cell below the minimum is hidden; then, while a region is too small, the
    cheapest further cell (fewest respondents) whose hiding merges that region into a large
    enough one, or out of every shown cell, is hidden too. Hiding only merges regions, so
    this ends, and any subset of the result is safe as well (a champion may see less than the
    change lead without reopening anything).
    """
    population = {cell.key: cell.population for cell in cells}
    size = {key: sum(respondents.get(a, 0) for a in part) for key, part in population.items()}
    atoms = sorted((a for a, n in respondents.items() if n > 0), key=repr)
    shown = {key for key, n in size.items() if n >= min_group_size}

    def region_size(signatures: Mapping[Atom, frozenset[Hashable]], atom: Atom) -> int:
        return sum(respondents[a] for a in atoms if signatures[a] == signatures[atom])

    def is_safe(signature: frozenset[Hashable], members: int) -> bool:
        return not signature or members >= min_group_size

    while True:
        signatures = {a: frozenset(k for k in shown if a in population[k]) for a in atoms}
        unsafe = [a for a in atoms if not is_safe(signatures[a], region_size(signatures, a))]
        if not unsafe:
            return frozenset(shown)
        small = unsafe[0]
        best: tuple[bool, int, int, str] | None = None
        hide: Hashable = None
        for key in shown:
            merged = {a: signature - {key} for a, signature in signatures.items()}
            members = region_size(merged, small)
            # Prefer a hiding that fixes the region, then the cheapest, then the one that
            # grows the region most, then a stable order.
            rank = (not is_safe(merged[small], members), size[key], -members, repr(key))
            if best is None or rank < best:
                best, hide = rank, key
        shown.discard(hide)


@dataclass(frozen=True)
class Breakdown:
    """Which figures of a one-measure table (a total plus one cell per group) may be shown."""

    total: bool
    groups: frozenset[str | None]

    def shows(self, group: str | None) -> bool:
        return group in self.groups


_TOTAL_KEY = ("total",)


def total_shown(respondents: int, *, min_group_size: int) -> bool:
    """Whether a breakdown's total is shown, without building the breakdown.

    `suppress_breakdown` shows a total exactly when it reaches the minimum: a region too
    small can only be hidden groups, and hiding any shown group (each at least the minimum,
    never more than the total) merges into it and fixes it, so the total is never the cell
    given up. Trends use this to show only totals, consistently with the breakdowns.
    """
    return respondents >= min_group_size


def suppress_breakdown(counts: Mapping[str | None, int], *, min_group_size: int) -> Breakdown:
    """Apply the rules to a total and its groups (`None` is the pool of small groups).

    Example: managers 12, end users 40, executives 2 → executives hidden (too few), and one
    more group hidden too, so that "total minus the groups shown" is never the 2 executives.
    """
    atoms: dict[Atom, int] = {("group", group): n for group, n in counts.items()}
    cells = [Cell(key=atom, population=frozenset([atom])) for atom in atoms]
    cells.append(Cell(key=_TOTAL_KEY, population=frozenset(atoms)))
    shown = cells_to_show(cells, respondents=atoms, min_group_size=min_group_size)
    return Breakdown(
        total=_TOTAL_KEY in shown,
        groups=frozenset(group for group in counts if ("group", group) in shown),
    )
