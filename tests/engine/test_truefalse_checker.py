import pytest
from helpers import checker


@pytest.mark.parametrize(
    "answer, value",
    [
        ("True", True),
        ("A: True.", True),
        ("T", True),
        ("참", True),
        ("참이다. 왜냐하면...", True),
        ("O", True),
        ("○", True),
        ("yes", True),
        ("False", False),
        ("F", False),
        ("거짓", False),
        ("거짓입니다", False),
        ("X", False),
        ("×", False),
        ("틀렸다", False),
        ("not true", False),
        ("It isn't true", False),
        ("False, because the gradient can grow", False),
    ],
)
def test_reads_truth_values(answer, value):
    assert checker({"type": "truefalse", "correct": value})(answer).matched
    assert not checker({"type": "truefalse", "correct": not value})(answer).matched


@pytest.mark.parametrize("answer", ["True/False", "T or F", "", "maybe"])
def test_undecided_answers_never_match(answer):
    for correct in (True, False, "any"):
        assert not checker({"type": "truefalse", "correct": correct})(answer).matched


def test_any_accepts_both_for_an_ambiguous_statement():
    c = checker({"type": "truefalse", "correct": "any"})
    assert c("True").matched and c("거짓").matched


def test_one_letter_variables_later_in_the_answer_are_not_verdicts():
    assert checker({"type": "truefalse", "correct": False})("False, h_t = tanh(V h_{t-1})").matched


def test_a_sentence_break_separates_the_verdict_from_its_explanation():
    assert checker({"type": "truefalse", "correct": False})("False. True only if biases are zero").matched
