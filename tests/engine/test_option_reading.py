"""Reading which options an answer chooses, beyond a bare list of letters."""

import pytest

from grader.checkers.choice import option_texts
from grader.readers.options import read_options

ABCD = ["a", "b", "c", "d"]
ACTIVATIONS = option_texts({"a": "Tanh", "b": "ReLU", "c": "Sigmoid", "d": "Leaky ReLU"})
OVERFITTING = option_texts(
    {"a": "Data augmentation", "b": "Dropout", "c": "Batch Normalization", "d": "RMSprop Optimizer"}
)
FLAT_LOSS = option_texts(
    {
        "a": "학습률이 매우 낮다",
        "b": "regularization strength(정칙화 강도) 너무 높다",
        "c": "데이터 셋 내부의 클래스 분포가 고르지 않다",
        "d": "가중치 초기화 스케일이 잘못 설정되었다",
    }
)


@pytest.mark.parametrize(
    "answer, ticked",
    [
        ("a) 거짓 b) 거짓 c) 거짓 d) 참", ["d"]),
        ("a false. b: conv is translation equivariant so b is true", ["b"]),
        ("(a) X  (b) X", []),
        ("c, d 둘 다 맞음", ["c", "d"]),
    ],
)
def test_a_verdict_per_option_ticks_the_ones_said_true(answer, ticked):
    assert read_options(answer, ABCD).ticked == ticked


@pytest.mark.parametrize(
    "answer, ticked",
    [
        ("B랑 C. AlexNet은 11x11, 5x5, 3x3 섞어서 씀. VGG16은 마지막에 FC layer 3개 있음", ["b", "c"]),
        ("Only D. (c) is wrong because sigmoid goes to (0,1), (-1,1) is tanh", ["d"]),
        ("정답 (c). (a)는 pad=1이라 잘 맞고, (b)는 메모리가 7배가 아니라 49배 줄어든다.", ["c"]),
        ("Answer: (c). BN은 분포를 normalize하는 거고 b는 아님.", ["c"]),
        ("A만. 데이터가 많아지면 overfitting이 줄어듦", ["a"]),
        ("C, BN is non-linear since it divides by the std of the batch", ["c"]),
    ],
)
def test_the_first_statement_chooses_and_the_explanation_after_it_does_not(answer, ticked):
    assert read_options(answer, ABCD).ticked == ticked


def test_a_conclusion_after_an_arrow_is_the_choice_and_is_marked_indirect():
    r = read_options("AlexNet이랑 Inception은 여러 kernel size 씀. VGG16은 FC layer 있어서 d 틀림 → ②③", ABCD)
    assert r.ticked == ["b", "c"]
    assert [d.kind for d in r.doubts] == ["indirect"]


def test_one_option_per_line():
    assert read_options("a) decrease lr\nd) other optimizer e.g. Adam", ABCD).ticked == ["a", "d"]


@pytest.mark.parametrize("answer", ["A smaller learning rate helps", "a diverging loss means the step is too big"])
def test_an_article_is_not_option_a(answer):
    assert read_options(answer, ABCD).ticked is None


def test_a_variable_is_not_an_option():
    assert read_options("c = 3 so the output grows", ABCD).ticked is None


@pytest.mark.parametrize(
    "answer, texts, ticked",
    [
        ("데이터 증강, 드롭아웃", OVERFITTING, ["a", "b"]),
        ("Dropout + data augmentation. (more data / randomly dropping neurons)", OVERFITTING, ["b", "a"]),
        ("Sigmoid만 해당 (tanh는 zero-centered라서 괜찮음)", ACTIVATIONS, ["c"]),
        ("ReLU, Leaky ReLU: gradient is 0 for negative inputs", ACTIVATIONS, ["b", "d"]),
        ("학습률이 너무 낮은 경우와 가중치 초기화 스케일이 잘못 설정된 경우.", FLAT_LOSS, ["a", "d"]),
    ],
)
def test_options_named_by_their_content_in_either_language(answer, texts, ticked):
    r = read_options(answer, ABCD, texts)
    assert r.ticked == ticked
    assert "indirect" in {d.kind for d in r.doubts}


def test_a_hedged_option_is_ticked_with_a_doubt():
    r = read_options("D, maybe also B?", ABCD)
    assert r.ticked == ["d", "b"]
    assert "hedged" in {d.kind for d in r.doubts}


@pytest.mark.parametrize("answer", ["둘 다 아님", "보기 중 답 없음", "None."])
def test_none_of_the_options(answer):
    assert read_options(answer, ABCD).ticked == []


@pytest.mark.parametrize(
    "prompt, options, texts",
    [
        (
            "What can you do? (Check all that apply) A. Data augmentation B. Dropout C. Batch Normalization D. RMSprop",
            ABCD,
            {"a": "Data augmentation", "b": "Dropout", "c": "Batch Normalization", "d": "RMSprop"},
        ),
        (
            "(a) Tanh (b) ReLU (c) Sigmoid (d) Leaky ReLU",
            ABCD,
            {"a": "Tanh", "b": "ReLU", "c": "Sigmoid", "d": "Leaky ReLU"},
        ),
        ("a) update weights b) compute loss", ["a", "b", "c"], {}),  # the labels do not run through the options
        ("Which is true?", ABCD, {}),
    ],
)
def test_option_texts_come_from_the_prompt_when_the_rubric_gives_none(prompt, options, texts):
    from grader.readers.options import texts_from_prompt

    assert texts_from_prompt(prompt, options) == texts


def test_a_choice_check_reads_options_by_content_from_its_prompt():
    from grader.checkers.base import CompileContext, compile_check

    ctx = CompileContext("p", "i", 1.0, "", {}, prompt="(a) Tanh (b) ReLU (c) Sigmoid (d) Leaky ReLU")
    check = compile_check({"type": "choice", "options": ABCD, "correct": ["a", "c"]}, ctx)
    assert check("tanh and sigmoid").matched


def test_an_option_line_whose_text_starts_like_a_particle_is_still_an_option_line():
    assert read_options("a) 학습률이 매우 낮음\nd) 가중치 초기화 스케일이 잘못됨", ABCD).ticked == ["a", "d"]
