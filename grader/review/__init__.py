"""Should a person look at this part? A calibrated confidence and reasons that name the evidence.

The checkers decide the points; this package decides how far to trust them.
For every graded part it gathers signals (doubts the checkers raised, a second
opinion from the free-text scorer, words no rubric item explains, the answer's
length against the graded examples), turns them into the probability that the
points are exactly right (a logistic model fitted on a development set of
answers nobody wrote the rubrics from: ``python bench/trust.py --emit-model``),
and sends the part to review when that probability is below the threshold.
"""

from grader.review.assess import REVIEW_BELOW, PartReviewer, Verdict

__all__ = ["REVIEW_BELOW", "PartReviewer", "Verdict"]
