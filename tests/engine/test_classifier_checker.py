"""``classifier``: learned from graded examples, or from the model answer alone."""

import pytest

from grader.checkers.base import CompileContext, Example, compile_check
from grader.checkers.classifier import training_targets
from grader.normalize import normalize_text

# TUM I2DL 2020 endterm 5h: "Why do we usually use small mini-batches in practice?"
# Grading note: limited GPU memory (1p); "faster computation" -> 0 points.
MB_MODEL = "Limited GPU memory: a large mini-batch does not fit into the memory of the GPU."
MB_FULL = [
    "Because GPU memory is limited.",
    "The whole batch does not fit into the GPU memory.",
    "memory constraints of the GPU",
    "Large batches do not fit in memory, the GPU has limited memory.",
    "We cannot load a big batch on the GPU because of its memory.",
    "GPU 메모리가 제한되어 있어서 큰 배치가 들어가지 않는다.",
]
MB_ZERO = [
    "Faster computation.",
    "To train faster.",
    "Small batches converge to better minima.",
    "More noise helps generalization.",
    "Because it is the default in PyTorch.",
    "계산이 더 빠르기 때문이다.",
]

# Homework 1 P2 (Korean): why sigmoid makes deep nets hard to train.
KO_MODEL = (
    "Sigmoid를 쓰는 깊은 신경망은 Gradient Vanishing이 발생한다. Sigmoid 함수의 양 끝으로 갈수록 기울기가 0이 되어 "
    "역전파 과정의 gradient가 점점 작아지고 입력 단의 가중치가 갱신되지 않는다."
)


def _ctx(model_answer="", examples=(), item_points=1.0, max_points=1.0, prompt=""):
    exs = tuple(Example(normalize_text(a), float(p), max_points, {}) for a, p in examples)
    return CompileContext("p", "i", item_points, normalize_text(model_answer), {}, exs, prompt=prompt)


def _compile(spec=None, **kw):
    c = compile_check({"type": "classifier", **(spec or {})}, _ctx(**kw))
    return lambda answer: c(normalize_text(answer))


MB = {"model_answer": MB_MODEL, "examples": [(a, 1) for a in MB_FULL] + [(a, 0) for a in MB_ZERO]}


@pytest.mark.parametrize(
    "answer, matched",
    [
        ("The GPU does not have enough memory for big batches.", True),
        ("memory of the GPU is limited", True),
        ("배치가 크면 GPU 메모리에 들어가지 않는다", True),
        ("it is faster to compute", False),
        ("because of faster training", False),
        ("small batches generalize better", False),
    ],
)
def test_learns_from_graded_examples(answer, matched):
    m = _compile(**MB)(answer)
    assert m.matched is matched, (answer, m)
    assert any("(examples)" in e for e in m.evidence)
    assert any(e.startswith("nearest graded example") for e in m.evidence)


def test_unseen_question_grades_from_the_model_answer():
    c = _compile(model_answer=MB_MODEL)
    good = c("Limited GPU memory, a large batch does not fit into GPU memory.")
    bad = c("Because the loss function is convex.")
    assert good.matched and not bad.matched
    assert good.confidence > 0.5 and bad.confidence > 0.5
    assert any("(unseen-question)" in e for e in good.evidence)
    assert any(e.startswith("model answer terms:") and "memory" in e for e in good.evidence)


def test_examples_of_one_class_only_fall_back_to_the_model_answer():
    c = _compile(model_answer=MB_MODEL, examples=[(a, 1) for a in MB_FULL[:3]])
    assert any("(unseen-question)" in e for e in c("GPU memory is limited").evidence)


def test_negated_answer_scores_lower():
    spec = {"concepts": [{"synonyms": ["memory", "메모리"]}]}
    c = _compile(spec, model_answer=MB_MODEL)
    pos = c("because of the limited GPU memory")
    neg = c("not because of the GPU memory, it is for speed")
    assert pos.matched and not neg.matched
    ko_pos = c("GPU 메모리가 부족하기 때문")
    ko_neg = c("GPU 메모리 때문이 아니다")
    assert ko_pos.matched and not ko_neg.matched


@pytest.mark.parametrize(
    "answer, matched",
    [
        (
            "Sigmoid의 양 끝에서 기울기가 0에 가까워 역전파 때 gradient vanishing이 생기고 앞쪽 층이 학습되지 않는다.",
            True,
        ),
        ("The sigmoid saturates, its gradient is near 0, so gradients vanish during backprop.", True),
        ("Sigmoid는 계산이 빠르고 출력이 0과 1 사이라서 좋다.", False),
    ],
)
def test_korean_and_mixed_without_examples(answer, matched):
    spec = {
        "concepts": [
            {"synonyms": ["gradient vanish*", "vanishing gradient", "기울기 소실", "gradient vanishing", "기울기가 0"]}
        ]
    }
    m = _compile(spec, model_answer=KO_MODEL)(answer)
    assert m.matched is matched, (answer, m)


def test_keyword_list_goes_to_review():
    c = _compile(model_answer=KO_MODEL)
    m = c("sigmoid, gradient vanishing, 기울기 소실, 역전파, 양 끝, ReLU, saturation")
    assert m.review and "possible keyword list" in m.review
    prose = c("Sigmoid는 양 끝에서 기울기가 0이 되어 gradient vanishing이 발생한다.")
    assert not (prose.review and "keyword" in prose.review)


def test_low_confidence_goes_to_review_with_the_reason():
    c = _compile({"min_confidence": 0.99}, **MB)
    m = c("memory maybe, or speed")
    assert m.review and "classifier unsure" in m.review


def test_soft_targets_give_partial_credit():
    # one item worth the whole part: the example's share of the points is the target
    examples = (
        [(a, 2) for a in MB_FULL[:4]] + [(a, 0) for a in MB_ZERO[:4]] + [("GPU", 1), ("memory", 1), ("hardware", 1)]
    )
    c = _compile(model_answer=MB_MODEL, examples=examples, item_points=2.0, max_points=2.0)
    full = c("The mini-batch must fit into the limited GPU memory.")
    zero = c("To compute faster.")
    assert full.credit is not None and zero.credit is not None
    assert full.credit > 0.5 > zero.credit


def test_training_targets():
    exs = (
        Example("a", 2, 2, {}),
        Example("b", 0, 2, {}),
        Example("c", 1, 2, {}),
        Example("d", 1, 2, {"i": True}),
        Example("e", 2, 2, {"i": False}),
    )
    assert training_targets(exs, "i", 1.0) == [("a", 1.0), ("b", 0.0), ("d", 1.0), ("e", 0.0)]
    assert training_targets(exs, "i", 2.0) == [("a", 1.0), ("b", 0.0), ("c", 0.5), ("d", 1.0), ("e", 0.0)]


def test_nothing_to_compare_with_goes_to_review():
    m = _compile()("anything")
    assert not m.matched and m.review and "no model answer" in m.review


def test_deterministic():
    a, b = _compile(**MB), _compile(**MB)
    for ans in ["GPU memory", "faster", "I don't know", "메모리"]:
        assert a(ans) == b(ans)


def test_prompt_is_used_when_the_engine_passes_it():
    c = _compile(model_answer=MB_MODEL, prompt="Why do we usually use small mini-batches in practice?")
    echo = c("We use small mini-batches in practice.")  # repeats the question
    assert not echo.matched
