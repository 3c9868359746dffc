"""Feedback lines that explain a part's points: what earned them, what cost them, what was missing.

Students read these lines and never the item ids, so every line names an
item by its ``title``, else its ``feedback`` text, else its id written as
words ("conv1_params" -> "conv1 params"). A part below its max lists each
positive item it did not (fully) earn with the points it would have been
worth: the item's ``miss_feedback``, or a default built from its name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from fractions import Fraction

from grader.checkers.base import Match
from grader.points import ZERO
from grader.rubric.model import Item

_ID_SEPARATORS = re.compile(r"[_\-.]+")


def fmt_points(points: Fraction) -> str:
    return str(int(points)) if points.denominator == 1 else str(float(points))


def signed(points: Fraction) -> str:
    return f"+{fmt_points(points)}" if points > 0 else fmt_points(points)


def item_name(item: Item) -> str:
    """How a student sees an item named: its title, its feedback, or its id as words."""
    return item.title or item.feedback.strip().rstrip(".") or _ID_SEPARATORS.sub(" ", item.id).strip()


def earned_line(item: Item, points: Fraction, match: Match) -> str:
    """``+1: <feedback>`` for an award; a deduction also says how often it applied."""
    text = item.feedback or item.title or item_name(item)
    times = f" ({match.count} times)" if item.per_occurrence and match.count > 1 else ""
    return f"{signed(points)}: {text}{times}"


def effect_line(item: Item) -> str:
    """What a matched ``multiply`` or ``zero`` item did to the whole part."""
    text = item.feedback or item_name(item)
    if item.effect == "multiply":
        return f"×{fmt_points(item.factor or Fraction(1))}: {text}"
    return f"No points for the part: {text}"


def missing_line(item: Item, shortfall: Fraction) -> str:
    unit = "point" if shortfall == 1 else "points"
    text = item.miss_feedback or f"{item_name(item)} (not found in the answer)."
    return f"Not earned ({fmt_points(shortfall)} {unit}): {text}"


def missing_lines(items: Sequence[Item], earned: Iterable[tuple[Item, Fraction]]) -> list[str]:
    """One line per positive item (per exclusive group: its best item) worth more than it earned.

    ``earned`` are the items that counted and their points. Manual items are
    left to the person who will grade them.
    """
    counted: dict[str, Fraction] = {}
    by_group: dict[str, Fraction] = {}
    for item, points in earned:
        counted[item.id] = points
        if item.group is not None:
            by_group[item.group] = max(by_group.get(item.group, ZERO), points)
    lines: list[str] = []
    seen_groups: set[str] = set()
    for item in items:
        if item.effect != "add" or item.points <= 0 or item.check.get("type") == "manual":
            continue
        if item.group is None:
            shortfall = item.points - counted.get(item.id, ZERO)
        elif item.group in seen_groups:
            continue
        else:
            group = item.group
            seen_groups.add(group)
            item = max((i for i in items if i.group == group and i.effect == "add"), key=lambda i: i.points)
            shortfall = item.points - by_group.get(group, ZERO)
        if shortfall > 0:
            lines.append(missing_line(item, shortfall))
    return lines
