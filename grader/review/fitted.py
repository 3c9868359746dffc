"""The shipped review model (generated: ``python bench/trust.py --emit-model``).

Logistic weights on the signals of grader.review.assess.FEATURES, fitted on the dev split of
tests/data/trust (646 graded parts, 584 exactly right) with L2 1.
"""

from grader.freetext.linear import LinearModel

MODEL = LinearModel(
    names=('free', 'math', 'share', 'partial', 'matched_share', 'near_miss', 'negated', 'hedged', 'unread', 'indirect', 'off_subject', 'disagree', 'unforeseen', 'length_off', 'nonanswer', 'log_tokens', 'free_partial', 'patterns', 'math_in_answer', 'hangul', 'log_items', 'loose_numbers', 'free_zero'),
    weights=(-0.3761, -0.1171, 0.2993, -0.4613, -0.3019, -0.1341, -0.1606, -0.4677, -0.5183, 0.4861, 0, -0.6489, -0.5608, 0.1473, 0.2435, -0.6892, -0.3457, 0.06326, -0.1118, -0.1898, 0.1976, -0.2794, 0.296,),
    bias=3.464,
    mean=(0.5372, 0.1115, 0.5795, 0.257, 0.5402, 0.01238, 0.00774, 0.02167, 0.03096, 0.02941, 0, 0.124, 0.1826, 0.3008, 0.001548, 2.48, 0.2121, 0.3824, 0.1625, 0.3237, 1.095, 0.08977, 0.1269,),
    scale=(0.4986, 0.3147, 0.4307, 0.437, 0.4168, 0.1106, 0.08764, 0.1559, 0.1982, 0.1864, 1, 0.1762, 0.253, 0.4084, 0.03931, 0.7997, 0.4088, 0.486, 0.3689, 0.3626, 0.4146, 0.266, 0.3329,),
)
