"""Free-text grading: tokens (English, Korean, mixed), concepts with negation
and typos, question-independent similarity features, calibrated models that
learn from graded examples, and keyword-stuffing detection.

Entry points: :class:`~grader.freetext.concepts.Concept` (the ``concept``
checker), :class:`~grader.freetext.scorer.PartScorer` (the ``classifier``
checker), :func:`stuffing_score`, :func:`~grader.freetext.retrain.retrain_part`
(learning from instructors' overrides). ``bench/asag.py`` measures it all on
public short-answer grading sets.
"""

from grader.freetext.concepts import Concept
from grader.freetext.stuffing import stuffing_score

__all__ = ["Concept", "stuffing_score"]
