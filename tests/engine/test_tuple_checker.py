import pytest
from helpers import checker


@pytest.mark.parametrize(
    "answer, matched",
    [
        ("8x8x5", True),
        ("8 × 8 × 5", True),
        ("8 \\times 8 \\times 5", True),
        ("(8, 8, 5)", True),
        ("[8,8,5]", True),
        ("output: 8*8*5", True),
        ("32x32x3 -> 8x8x5", True),
        ("8x5x8", False),
        ("8x8", False),
    ],
)
def test_shapes(answer, matched):
    assert checker({"type": "tuple", "value": [8, 8, 5]})(answer).matched is matched


def test_unordered_compares_as_multisets():
    c = checker({"type": "tuple", "value": [3, 4, 5, 5], "ordered": False})
    assert c("(5, 3, 5, 4)").matched
    assert not c("(5, 3, 4, 4)").matched


def test_require_parens():
    c = checker({"type": "tuple", "value": [3, 4], "require_parens": True})
    assert c("(3, 4)").matched
    assert not c("3, 4").matched


@pytest.mark.parametrize("answer", ["The output is 8 × 8 × 5.", "출력은 8x8x5이다", "8x8x5."])
def test_a_shape_ending_a_sentence_or_meeting_a_particle_keeps_its_last_number(answer):
    assert checker({"type": "tuple", "value": [8, 8, 5]})(answer).matched
