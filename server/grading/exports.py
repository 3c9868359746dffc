"""CSV export of scores per part, safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR is a formula to
Excel and LibreOffice (OWASP "CSV injection"): such string cells get a
leading apostrophe. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from server.grading import selectors
from server.grading.formats import points_json
from server.grading.models import Assignment, Status

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_header(assignment: Assignment) -> list[str]:
    part_ids = assignment.current_rubric.part_ids if assignment.current_rubric else []
    return ["student", "submission", "external_id", "status", "total", "max", "needs_review", *part_ids]


def export_rows(*, assignment: Assignment, latest: bool = True) -> Iterator[list[Any]]:
    """One row per submission (the latest per student by default), graded or not."""
    part_ids = assignment.current_rubric.part_ids if assignment.current_rubric else []
    submissions = assignment.submissions.all()
    if latest:
        submissions = selectors.latest_only(submissions)
    for sub in selectors.with_parts(submissions.order_by("student", "created_at")).iterator(chunk_size=500):
        points = {p.part_id: points_json(p.points) for p in sub.parts.all()}
        graded = sub.status == Status.GRADED
        yield [
            sub.student,
            str(sub.pk),
            sub.external_id,
            sub.status,
            points_json(sub.total) if graded else "",
            points_json(sub.max_points) if graded else "",
            int(sub.needs_review),
            *(points.get(pid, "") if graded else "" for pid in part_ids),
        ]


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])
