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


@pytest.mark.parametrize(
    "answer, value",
    [
        ("그렇다. 데이터 손실만 최소화하게 되니까", True),
        ("맞습니다", True),
        ("맞음. 1 - tanh^2 <= 1", True),
        ("옳다", True),
        ("아니다. 확률이 항상 균일하지는 않음", False),
        ("아님", False),
        ("아니요, 편향 때문에", False),
        ("nope", False),
        ("yep, always", True),
        ("맞지 않다", False),
        ("그렇지 않다. 학습률이 크면 발산", False),
        ("참이 아니다", False),
        ("틀리지 않다", True),
        ("Fasle", False),
        ("Ture", True),
        ("flase, because", False),
        ("not correct", False),
        ("O (맞음)", True),
        ("X (틀림)", False),
        ("F (거짓)", False),
        ("거짓 (False)", False),
        ("참인 것 같다", True),
    ],
)
def test_reads_korean_and_informal_verdicts_with_their_negations(answer, value):
    assert checker({"type": "truefalse", "correct": value})(answer).matched
    assert not checker({"type": "truefalse", "correct": not value})(answer).matched


def test_letters_stand_for_verdicts_when_the_prompt_lists_them():
    from grader.checkers.base import CompileContext, compile_check

    ctx = CompileContext("p", "i", 1.0, "", {}, prompt="the gradient always decreases. a. true b. false")
    check = compile_check({"type": "truefalse", "correct": True}, ctx)
    assert check("A").matched
    assert check("A — the gradient gets multiplied by σ(z)").matched
    assert not check("B").matched
    assert not check("B i think? depends on the input").matched


def test_explicit_letters_override_the_prompt():
    c = checker({"type": "truefalse", "correct": False, "letters": {"1": True, "2": False}})
    assert not c("1").matched  # digits are not words: letters map only option words
    c = checker({"type": "truefalse", "correct": False, "letters": {"a": True, "b": False}})
    assert c("b").matched


@pytest.mark.parametrize(
    "answer",
    [
        "애매함. x=0이라 dL/dw = 0 은 확실",
        "둘 다 가능: relu 미분 정의에 따라 다름",
        "dead ReLU 현상. learning rate를 줄여야 함",
    ],
)
def test_an_answer_that_does_not_commit_is_unread_and_says_so(answer):
    m = checker({"type": "truefalse", "correct": "any"})(answer)
    assert not m.matched
    assert m.message.startswith("Could not read a true/false answer")
    assert [d.kind for d in m.doubts] == ["unread"]


def test_a_verdict_after_calling_the_statement_ambiguous_counts_with_a_doubt():
    m = checker({"type": "truefalse", "correct": False})(
        "Ambiguous. Weight grads are 0, but the bias grad depends on b. I'd say False: the bias can still update."
    )
    assert m.matched
    assert {d.kind for d in m.doubts} == {"indirect"}


def test_a_hedged_verdict_is_read_and_marked():
    m = checker({"type": "truefalse", "correct": True})("True (not sure)")
    assert m.matched and [d.kind for d in m.doubts] == ["hedged"]
