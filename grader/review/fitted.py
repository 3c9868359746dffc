"""The shipped review model (generated: ``python bench/trust.py --emit-model``).

Logistic weights on the signals of grader.review.assess.FEATURES, fitted on the dev split of
tests/data/trust (484 graded parts, 406 exactly right) with L2 1.
"""

from grader.freetext.linear import LinearModel

MODEL = LinearModel(
    names=('free', 'math', 'share', 'partial', 'matched_share', 'near_miss', 'negated', 'hedged', 'unread', 'indirect', 'off_subject', 'disagree', 'unforeseen', 'length_off', 'nonanswer', 'log_tokens'),
    weights=(0.727, 0.3853, 0.4564, -0.7779, 0.4929, 0, 0, 0, 0, 0, 0, 0.006821, -0.3559, -0.1797, 0.1349, -0.6246,),
    bias=2.182,
    mean=(0.4752, 0.1116, 0.5436, 0.2603, 0.514, 0, 0, 0, 0, 0, 0, 0.1207, 0.1697, 0.2913, 0.002066, 2.541,),
    scale=(0.4994, 0.3148, 0.4361, 0.4388, 0.4241, 1, 1, 1, 1, 1, 1, 0.1805, 0.244, 0.4311, 0.04541, 0.8109,),
)
