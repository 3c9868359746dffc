"""``concept``: phrases, wildcards, typos, Korean inside words, negation."""

import pytest
from helpers import checker

from grader.checkers.base import CompileContext, SpecError, compile_check

VANISHING = {
    "type": "concept",
    "synonyms": ["vanishing gradient", "gradient vanish*", "기울기 소실", "그래디언트 소실"],
}
MOMENTUM = {"type": "concept", "synonyms": ["momentum", "모멘텀"]}


@pytest.mark.parametrize(
    "answer",
    [
        "The vanishing gradient problem",
        "gradients vanish in the early layers",  # plural, wildcard
        "VANISHING GRADIENTS",  # case
        "vanishing of the gradient",  # a gap of filler words
        "the vanishng gradient",  # typo, 1 edit in a 9-letter word
        "기울기가 소실되는 문제",  # particle and ending attached
        "기울기소실 때문",  # written without the space
        "Sigmoid를 쓰면 gradient vanishing이 생긴다",  # mixed script, particle on a Latin word
        "그래디언트 소실",
    ],
)
def test_vanishing_gradient_matches(answer):
    m = checker(VANISHING)(answer)
    assert m.matched, answer
    assert m.evidence and all(e in answer for e in m.evidence)


@pytest.mark.parametrize(
    "answer",
    [
        "vanishing and exploding gradient",  # a content word in between: not the phrase
        "the gradient is small",
        "기울기가 크다",
        "",
    ],
)
def test_vanishing_gradient_does_not_match(answer):
    assert not checker(VANISHING)(answer).matched


@pytest.mark.parametrize(
    "answer, matched",
    [
        ("SGD with momentum", True),
        ("It does not use momentum.", False),
        ("Momentum is not used here", False),
        ("without momentum the loss oscillates", False),
        ("No momentum, just plain SGD", False),
        ("It doesn't need momentum", False),
        ("Adam is not plain SGD, but it uses momentum", True),  # the negation ends at 'but'
        ("Not only momentum but also adaptive rates", True),  # 'not only' is no negation
        ("모멘텀을 사용한다", True),
        ("모멘텀을 사용하지 않는다", False),
        ("모멘텀을 안 쓴다", False),
        ("모멘텀이 없다", False),
        ("모멘텀은 쓰지 못한다", False),
        ("모멘텀이 아니다", False),
        ("모멘텀을 쓰지 않지만 Adam은 모멘텀을 쓴다", True),  # second clause states it
    ],
)
def test_negation(answer, matched):
    assert checker(MOMENTUM)(answer).matched is matched


@pytest.mark.parametrize(
    "answer, matched",
    [
        ("the GPU has not enough memory", True),  # denies the quantity, asserts memory
        ("메모리가 충분하지 않다", True),
        ("it does not need memory", False),
        ("메모리를 쓰지 않는다", False),
    ],
)
def test_negated_quantity_keeps_the_concept(answer, matched):
    assert checker({"type": "concept", "synonyms": ["memory", "메모리"]})(answer).matched is matched


def test_negation_can_be_switched_off():
    assert checker({**MOMENTUM, "negation": False})("It does not use momentum").matched


def test_a_negative_phrase_is_matched_as_written():
    c = checker({"type": "concept", "synonyms": ["not differentiable", "미분 불가능"]})
    assert c("ReLU is not differentiable at 0").matched
    assert not c("ReLU is differentiable").matched


@pytest.mark.parametrize(
    "synonym, answer, matched",
    [
        ("xavier", "Xavier initialization", True),
        ("xavier", "xavir init", True),  # 6 letters: one edit allowed
        ("xavier", "xvr init", False),
        ("batch normalization", "batch normalisation", True),  # 13 letters: two edits allowed
        ("batch normalization", "batch nrm", False),
        ("normaliz*", "normalizing", True),
        ("normaliz*", "normalising", True),  # the prefix is typo-tolerant from 5 letters
        ("normaliz*", "nominal", False),
        ("relu", "relu", True),
        ("relu", "rely", False),  # no typo tolerance under 5 letters
        ("dropout", "drip off", False),
    ],
)
def test_typos_and_wildcards(synonym, answer, matched):
    assert checker({"type": "concept", "synonyms": [synonym]})(answer).matched is matched


def test_typo_can_be_switched_off():
    c = checker({"type": "concept", "synonyms": ["momentum"], "typo": False})
    assert not c("momentun").matched
    assert c("momentums").matched  # plurals are not typos


def test_all_groups_and_min_hits():
    c = checker({"type": "concept", "synonyms": ["scale", "scaling"], "all": [["shift", "shifting", "이동"]]})
    assert c("gamma scales and beta shifts").matched
    assert not c("gamma scales the output").matched
    assert c("scale 하고 이동시킨다").matched
    both = checker({"type": "concept", "synonyms": ["rotation", "crop*", "flip*"], "min_hits": 2})
    m = both("random crops and flips")
    assert m.matched and m.count == 2
    assert not both("only rotation").matched


def test_count_is_distinct_synonyms():
    c = checker({"type": "concept", "synonyms": ["rotation", "crop*", "flip*", "noise"]})
    assert c("rotation, rotation, cropping").count == 2


@pytest.mark.parametrize(
    "bad", [{"synonyms": []}, {"synonyms": ["*"]}, {"synonyms": ["a"], "min_hits": 2}, {"synonyms": ["a"], "all": [[]]}]
)
def test_spec_errors(bad):
    ctx = CompileContext("p", "i", 1.0, "", {})
    with pytest.raises(SpecError):
        compile_check({"type": "concept", **bad}, ctx)


def test_korean_synonym_inside_compound():
    c = checker({"type": "concept", "synonyms": ["과적합", "overfit*"]})
    assert c("모델이 과적합되는 것을 막아준다").matched
    assert c("overfitting을 막는다").matched


def test_seed_homework_p3_padding_answers():
    # 003 P3.2: padding keeps border information / keeps the size (Korean, with English terms)
    border = checker({"type": "concept", "synonyms": ["가장자리", "border*", "edge*", "테두리"]})
    assert border("padding을 쓰는 이유는 이미지 가장자리에 대한 정보 손실을 줄이기 위해서이다").matched
    assert border("Padding keeps information at the borders").matched
    assert not border("padding은 계산을 빠르게 한다").matched


def test_concepts_of_a_part_share_one_lexicon_and_match_as_alone():
    """The engine passes one word lexicon to all concepts of a part (an answer's
    words are matched once); each concept must still see only its own words."""
    from grader.freetext.concepts import Concept, Lexicon

    shared = Lexicon()
    specs = [
        (["vanishing gradient", "gradient vanish*"], []),
        (["momentum", "모멘텀"], []),
        ([], [["batch", "mini-batch"], ["normaliz*", "정규화"]]),
    ]
    together = [Concept.build(s, a, lexicon=shared) for s, a in specs]
    alone = [Concept.build(s, a) for s, a in specs]
    answers = [
        "the vanishng gradients and momentum",
        "모멘텀을 쓴다; batch normalisation",
        "we do not use momentum",
        "batch 정규화",
        "nothing relevant",
        "",
    ]
    for answer in answers:
        for a, b in zip(together, alone, strict=True):
            assert a.find(answer) == b.find(answer), answer


def test_lexicon_grows_after_use():
    """Words added after an answer was matched are matched too (the memo is per word set)."""
    from grader.freetext.concepts import Concept, Lexicon

    shared = Lexicon()
    first = Concept.build(["dropout"], lexicon=shared)
    assert first.find("dropout and momentum").matched
    second = Concept.build(["momentum"], lexicon=shared)
    assert second.find("dropout and momentum").matched
    assert not second.find("dropout only").matched


def test_typo_budget_per_word_in_one_matrix():
    """Words of different lengths share one typo matrix but keep their own budgets."""
    from grader.freetext.concepts import Concept, Lexicon

    shared = Lexicon()
    short = Concept.build(["relu"], lexicon=shared)  # 4 letters: no typo allowed
    mid = Concept.build(["sigmoid"], lexicon=shared)  # 7 letters: 1 edit
    long = Concept.build(["regularization"], lexicon=shared)  # 9+: 2 edits
    text = "rellu sigmoyd regularizaton regulrizaton sigmoydd"
    assert not short.find(text).matched
    assert mid.find(text).evidence == ("sigmoyd",)
    assert set(long.find(text).evidence) == {"regularizaton", "regulrizaton"}


@pytest.mark.parametrize(
    "synonym, answer",
    [
        ("batch normalization", "batch norm"),
        ("batch normalization", "BN을 쓴다"),
        ("dropout", "드롭아웃을 추가"),
        ("learning rate too high", "lr too high"),
        ("learning rate too high", "학습률 too high"),
        ("vanishing gradient", "기울기 소실 문제"),
        ("vanishing gradient", "gradient 소실"),
        ("exploding gradient", "기울기 폭주가 일어난다"),
        ("too much regularization", "too much 정칙화"),
        ("l2 regularization", "L2 정칙화"),
        ("information loss", "정보 손실이 크다"),
        ("skip connection", "잔차 연결 덕분에"),
        ("cell state", "셀 상태를 기억"),
        ("internal covariate shift", "ICS를 줄인다"),
        ("weight sharing", "파라미터 공유"),
        ("xavier initialization", "Glorot 초기화"),
        ("he initialization", "kaiming init"),
        ("sample from a gaussian", "sample from a normal distribution"),
        ("gradient is zero", "gradient is 0"),
        ("vertical edge", "수직 엣지"),
        ("output channels", "출력 채널"),
        ("moving average", "running average"),
        ("binary cross entropy", "BCE loss"),
        ("early stopping", "조기 종료"),
        ("feature", "특징을 추출"),
        ("reconstruction", "재구성 오차"),
        ("generalization", "일반화 성능"),
        ("gpu memory", "not enough GPU mem"),
    ],
)
def test_the_fields_other_names_for_a_term_match_through_the_shared_thesaurus(synonym, answer):
    assert checker({"type": "concept", "synonyms": [synonym]})(answer).matched


def test_a_rubric_adds_its_own_names():
    spec = {"type": "concept", "synonyms": ["gamma and beta"]}
    defs = {"synonyms": [["gamma", "γ", "감마"], ["beta", "β", "베타"]]}
    assert checker(spec, definitions=defs)("감마 and 베타 are learned").matched
    assert not checker(spec)("감마 and 베타 are learned").matched


@pytest.mark.parametrize(
    "synonym, answer",
    [
        ("제약이 없", "입력 이미지 크기에 제약 없음"),
        ("크기가 줄", "크기만 줄어든다"),
        ("크기를 유지", "size를 유지함"),
        ("stops learning", "앞쪽 layer는 학습이 안 됨"),
        ("stops learning", "학습되지 않는다"),
        ("stops learning", "학습 불가"),
    ],
)
def test_korean_particles_and_inflections_of_one_idea(synonym, answer):
    assert checker({"type": "concept", "synonyms": [synonym]})(answer).matched


def test_gibberish_two_letters_from_a_long_synonym_earns_nothing_alone():
    c = checker({"type": "concept", "synonyms": ["regularization"]})
    assert not c("regulxrizatiqn").matched  # no real word anywhere: not read as a misspelling
    assert [d.kind for d in c("regulxrizatiqn").doubts] == ["near_miss"]
    assert c("regularizaiton").matched  # one slip (a transposition) is a misspelling
    assert c("use l2 regulxrizatiqn").matched  # a misspelling inside a sentence is read as one
