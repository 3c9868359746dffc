"""Auto-grading engine: rubric files in, itemized feedback out.

Pure Python, deterministic, no web framework. The public API::

    from grader import load_rubric, grade
    rubric = load_rubric("rubrics/dl-quiz.yaml")
    result = grade(rubric, {"1": "B", "3": "b"})
    result.to_dict()
"""

from grader.engine import CompiledRubric, answer_text, compile_rubric, grade
from grader.errors import AnswersError, Issue, RubricError
from grader.result import PartResult, SubmissionResult
from grader.rubric import Rubric, load_rubric, load_rubric_text

__all__ = [
    "AnswersError",
    "CompiledRubric",
    "Issue",
    "PartResult",
    "Rubric",
    "RubricError",
    "SubmissionResult",
    "answer_text",
    "compile_rubric",
    "grade",
    "load_rubric",
    "load_rubric_text",
]
