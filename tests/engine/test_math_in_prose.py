"""Math inside answers: one plain form for patterns, and results given in two steps."""

import pytest
from helpers import checker

from grader.readers.mathtext import canonical_math, with_definitions


@pytest.mark.parametrize(
    "written, plain",
    [
        (r"\delta\, X^{\mathsf T}", r"\delta X^T"),
        (r"X^\top", "X^T"),
        (r"X^{\top}", "X^T"),
        ("Xᵀ", "X^T"),
        ("(y_hat - y) @ X.T", "(ŷ - y) X^T"),
        (r"\mathbf{W}^{T} \mathbf{x}", "W^T x"),
        (r"\left( \hat{y} - y \right)", "( ŷ - y )"),
        (r"\dfrac{1}{m}", r"\frac{1}{m}"),
        ("np.dot(W, x)", "(W)(x)"),
        ("yhat", "ŷ"),
    ],
)
def test_canonical_math(written, plain):
    assert canonical_math(written) == plain


@pytest.mark.parametrize(
    "answer, expanded",
    [
        ("dz = y_hat - y\ndW = dz @ X.T", "dz = ŷ - y\ndW = (ŷ - y) X^T"),
        (r"$\delta = \frac{\partial L}{\partial z} = \hat{y} - y$ 라 두면 $dW = \delta\, X^T$", None),
    ],
)
def test_a_name_defined_once_is_substituted_after_its_definition(answer, expanded):
    out = with_definitions(answer)
    if expanded is not None:
        assert out == expanded
    assert "(ŷ - y) X^T" in out


def test_a_name_defined_twice_is_left_alone():
    assert with_definitions("dz = a\ndz = b\ndW = dz X") == "dz = a\ndz = b\ndW = dz X"


def test_a_pattern_matches_the_plain_form_of_the_answer():
    product = {"type": "regex", "pattern": r"\(\s*ŷ\s*-\s*y\s*\)\s*X\^T"}
    assert checker(product)("dL/dW = (y_hat - y) @ X.T").matched
    assert checker(product)(r"$\frac{\partial L}{\partial W} = (\hat{y} - y)\, X^{\mathsf T}$").matched
    assert checker(product)("dz = y_hat - y\ndW = dz @ X.T").matched
    assert not checker(product)("dW = (y_hat - y) @ X").matched
