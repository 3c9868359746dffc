"""Auto-grading engine: rubric files in, itemized feedback out.

Pure Python, deterministic, no web framework. The public API, and all that
the service uses::

    from grader import load_rubric, compile_rubric, grade
    rubric = load_rubric("rubrics/dl-quiz.yaml")
    compiled = compile_rubric(rubric)            # once; then from any thread
    result = grade(compiled, {"1": "B", "3": "b"})
    result.to_dict()

``grade_part`` grades one part's answer; ``answer_form`` says how the web
form asks for a part (options, true/false, a table or text); ``learning_parts`` names the parts
whose checks learn from graded examples, and ``compile_rubric(...,
extra_examples=...)`` teaches them ``graded_example``s; ``points_json`` is
the one way points become JSON numbers; ``load_checkers`` imports every
checker kind now (a web worker's start) instead of when a rubric first names it. ``grade(..., reraise=(E,))`` lets a
caller's own exceptions (a platform's time limit) through a checker instead
of turning them into a ``needs_review`` part.
"""

from grader.checkers import load_all as load_checkers
from grader.checkers.base import Example
from grader.engine import (
    CompiledRubric,
    answer_text,
    compile_rubric,
    grade,
    grade_part,
    graded_example,
    learning_parts,
)
from grader.errors import AnswersError, Issue, RubricError
from grader.forms import answer_form
from grader.points import points_json
from grader.result import PartResult, SubmissionResult
from grader.rubric import Rubric, load_rubric, load_rubric_text

__all__ = [
    "AnswersError",
    "CompiledRubric",
    "Example",
    "Issue",
    "PartResult",
    "Rubric",
    "RubricError",
    "SubmissionResult",
    "answer_form",
    "answer_text",
    "compile_rubric",
    "grade",
    "grade_part",
    "graded_example",
    "learning_parts",
    "load_checkers",
    "load_rubric",
    "load_rubric_text",
    "points_json",
]
