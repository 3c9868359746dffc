"""Human overrides against a new rubric version: what still fits stands, what does not is set aside.

A regrade against a new version keeps an override (flagged ``override_stale``
when the machine's result under it changed). An override above the part's new
max would be exported as 3 of 1, and a part the new version removes took its
override with it, silently. So, when results are stored:

- an override above the part's new max is set aside: the machine's points
  stand, the part is flagged for the instructor (``override_stale``, not
  overridden: it joins the review queue);
- an override of a part the new version removes is set aside too;
- each of these is an audit entry (``set_aside``, by the service), and a part
  that comes back after its override was set aside comes back flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from server.grading.models import PartResult, RubricVersion, ScoreOverride


def _entry(part: PartResult, new_points: Decimal, reason: str) -> ScoreOverride:
    return ScoreOverride(
        submission_id=part.submission_id,
        part_id=part.part_id,
        old_points=part.points,
        new_points=new_points,
        reason=reason,
        cleared=True,
        set_aside=True,
    )


def set_aside_unfit(part: PartResult, version_number: int) -> ScoreOverride | None:
    """Set aside the override of an updated part when it is above the part's new max; the audit entry."""
    if not part.overridden or part.points <= part.max_points:
        return None
    entry = _entry(
        part,
        part.machine_points,
        f"set aside: the part's max is {part.max_points.normalize()} in rubric version {version_number}",
    )
    part.points, part.overridden, part.override_stale = part.machine_points, False, True
    part.override_reason = ""
    return entry


def set_aside_removed(parts: Iterable[PartResult], version_number: int) -> list[ScoreOverride]:
    """Audit entries for the overrides of parts a new version no longer has (the parts are deleted)."""
    return [
        _entry(p, Decimal(0), f"set aside: rubric version {version_number} has no part {p.part_id}")
        for p in parts
        if p.overridden
    ]


def flag_returning(created: Sequence[PartResult]) -> None:
    """Flag new parts whose last audit entry set an override aside: the instructor decided on them once."""
    if not created:
        return
    wanted = {(p.submission_id, p.part_id) for p in created}
    last: dict[tuple[Any, str], bool] = {}
    rows = ScoreOverride.objects.filter(
        submission_id__in={s for s, _ in wanted}, part_id__in={p for _, p in wanted}
    ).order_by("id")
    for submission_id, part_id, set_aside in rows.values_list("submission_id", "part_id", "set_aside"):
        last[(submission_id, part_id)] = set_aside
    for part in created:
        if last.get((part.submission_id, part.part_id)):
            part.override_stale = True


def refit(stored: Sequence[tuple[Any, int, Any, Any]], existing: dict[Any, dict[str, PartResult]]) -> list[Any]:
    """Set aside what a new version no longer fits in the plans about to be stored; the audit entries.

    ``stored``: (submission, version id, result, plan) per submission;
    ``existing``: their part rows before the plans, by submission id.
    """
    regraded = [(s, vid, r, plan) for s, vid, r, plan in stored if existing.get(s.pk)]
    if not regraded:
        return []  # first gradings: nothing was overridden
    numbers = dict(RubricVersion.objects.filter(pk__in={vid for _, vid, _, _ in regraded}).values_list("pk", "number"))
    entries: list[ScoreOverride] = []
    for submission, vid, result, plan in regraded:
        entries += [e for p in plan.updated if (e := set_aside_unfit(p, numbers[vid])) is not None]
        gone = [p for part_id, p in existing[submission.pk].items() if part_id not in result.parts]
        entries += set_aside_removed(gone, numbers[vid])
        flag_returning(plan.created)
    return entries
