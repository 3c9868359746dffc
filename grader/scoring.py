"""Scoring policies: from the items that matched to a part's points.

Order of application, as the seed exams' notes need it:
1. each ``add`` item earns its points (partial ``credit`` and ``each`` per
   element, rounded to 0.5; ``per_occurrence`` deductions count matches);
2. within an exclusive ``group`` only the item with the largest effect counts;
3. the sum, or under ``all_or_nothing`` the maximum only when every
   positive item matched fully and nothing negative did;
4. a matched ``multiply`` item scales a positive sum (50 % deduction);
5. a matched ``zero`` item (forbidden answer) sets 0;
6. clamp to [0, max].
Any match with a review reason, a ``review`` item, or a manual check makes
the part ``needs_review``; the machine's points still stand as a proposal.
"""

from __future__ import annotations

import math
from fractions import Fraction

from grader.checkers.base import Match
from grader.explain import earned_line, effect_line, item_name, missing_lines
from grader.points import STEP, ZERO, clamp
from grader.result import ItemResult, PartResult, Status
from grader.rubric.model import Item, Part

BLANK_FEEDBACK = "No answer was given."


def round_half(value: Fraction) -> Fraction:
    """Round to the nearest 0.5, ties toward zero (never give away a half point)."""
    steps = math.ceil(abs(value) / STEP - Fraction(1, 2))
    return (STEP * steps) if value >= 0 else -(STEP * steps)


def item_points(item: Item, match: Match) -> Fraction:
    """What one matched ``add`` item is worth before groups and clamping."""
    if item.each is not None:
        return min(item.points, item.each * match.count)
    if item.per_occurrence:
        total = item.points * max(match.count, 1)
        if item.max_deduction is not None:
            total = max(total, -item.max_deduction)
        return total
    if match.credit is not None:
        return round_half(item.points * Fraction(match.credit).limit_denominator(1000))
    return item.points


def _apply_groups(earned: list[tuple[Item, Match, Fraction]]) -> list[tuple[Item, Match, Fraction]]:
    best: dict[str, tuple[Item, Match, Fraction]] = {}
    kept = []
    for entry in earned:
        item, _, pts = entry
        if item.group is None:
            kept.append(entry)
        elif item.group not in best or abs(pts) > abs(best[item.group][2]):
            best[item.group] = entry
    return kept + list(best.values())


def _is_full(item: Item, match: Match) -> bool:
    return match.matched and item_points(item, match) == item.points


def score_part(part: Part, answer: str, matches: list[tuple[Item, Match]]) -> PartResult:
    if not answer:
        return PartResult(part.id, ZERO, part.max, "blank", feedback=(BLANK_FEEDBACK,), confidence=1.0)

    feedback: list[str] = []
    reviews: list[str] = []
    earned: list[tuple[Item, Match, Fraction]] = []
    zeroed: list[tuple[Item, Match]] = []
    multipliers: list[tuple[Item, Match]] = []
    confidence = 1.0

    for item, match in matches:
        confidence = min(confidence, match.confidence)
        if match.message:
            feedback.append(match.message)
        if match.review:
            reviews.append(match.review)
        if item.check.get("type") == "manual":
            reviews.append(item.feedback or f"{item_name(item)}: needs a human (up to {item.points} points)")
            continue
        if not match.matched:
            continue
        if item.effect == "zero":
            zeroed.append((item, match))
        elif item.effect == "multiply":
            multipliers.append((item, match))
        elif item.effect == "review":
            reviews.append(item.feedback or f"{item_name(item)}: flagged for review")
        else:
            pts = item_points(item, match)
            if pts != 0:
                earned.append((item, match, pts))

    counted = _apply_groups(earned)
    all_or_nothing = part.policy == "all_or_nothing"
    if all_or_nothing:
        positives = [(i, m) for i, m in matches if i.effect == "add" and i.points > 0]
        all_right = all(_is_full(i, m) for i, m in positives)
        no_negative = not any(pts < 0 for _, _, pts in counted) and not zeroed and not multipliers
        total = part.max if (all_right and no_negative) else ZERO
    else:
        total = sum((pts for _, _, pts in counted), ZERO)

    for item, _ in multipliers:
        if total > 0:
            total = round_half(total * (item.factor or Fraction(1)))
    if zeroed:
        total = ZERO
    total = clamp(total, ZERO, part.max)

    matched = [
        ItemResult(item.id, pts, match.evidence, "add", item.feedback, match.confidence, item.title)
        for item, match, pts in counted
    ]
    for item, match in multipliers + zeroed:
        matched.append(ItemResult(item.id, ZERO, match.evidence, item.effect, item.feedback, title=item.title))

    aon_failed = all_or_nothing and total < part.max
    for item, match, pts in counted:
        if aon_failed and pts > 0:
            feedback.append(f"{item.feedback or item_name(item)} (all or nothing: counts only with the rest)")
        else:
            feedback.append(earned_line(item, pts, match))
    feedback.extend(effect_line(item) for item, _ in multipliers + zeroed)
    if total < part.max:
        credited = [] if aon_failed else [(item, pts) for item, _, pts in counted if pts > 0]
        feedback.extend(missing_lines(part.items, credited))
    if total == part.max and part.feedback_full:
        feedback.append(part.feedback_full)

    status: Status = "needs_review" if reviews else "graded"
    return PartResult(
        part.id,
        total,
        part.max,
        status,
        feedback=tuple(dict.fromkeys(feedback)),
        matched=tuple(matched),
        confidence=confidence,
        review_reasons=tuple(dict.fromkeys(reviews)),
    )
