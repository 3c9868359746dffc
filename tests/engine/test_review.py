"""Whether a person should look: the review layer's confidence, status and reasons."""

from __future__ import annotations

import pytest
from helpers import yaml_text

from grader import compile_rubric, grade, load_rubric_text
from grader.review import assess, fitted
from grader.review.assess import FEATURES, Logistic

RUBRIC = yaml_text(
    """
    format: 1
    exam: {id: review, title: Review}
    parts:
      - id: opt
        prompt: Which optimizer keeps first and second moments?
        model_answer: Adam keeps running averages of the gradient and its square.
        max: 1
        items:
          - id: adam
            points: 1
            check: {type: concept, synonyms: [adam]}
        examples:
          - {answer: "Adam", points: 1}
          - {answer: "SGD with momentum", points: 0}
      - id: draw
        prompt: Draw the block.
        max: 1
        items:
          - {id: drawing, points: 1, check: {type: manual}}
    """
)


def model(**weights: float) -> Logistic:
    """A review model that weighs only the named signals (tests pin the mechanism, not the fit)."""
    return Logistic(
        FEATURES, tuple(weights.get(n, 0.0) for n in FEATURES), 3.0, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES)
    )


@pytest.fixture
def compiled():
    return compile_rubric(load_rubric_text(RUBRIC, "review.yaml"))


def test_the_shipped_model_weighs_exactly_the_signals_the_engine_computes():
    assert fitted.MODEL.names == FEATURES


def test_a_doubt_below_the_threshold_sends_the_part_to_review_with_its_evidence(compiled, monkeypatch):
    monkeypatch.setattr(fitted, "MODEL", model(hedged=-5.0))
    part = grade(compiled, {"opt": "Adam or AdaGrad? not sure"}).parts["opt"]
    assert part.points == 1  # the machine's proposal stands
    assert part.status == "needs_review"
    assert part.confidence < assess.REVIEW_BELOW
    assert any("item 'adam'" in r and "hedged" in r for r in part.review_reasons)


def test_a_confident_reading_is_graded_and_reports_its_confidence(compiled, monkeypatch):
    monkeypatch.setattr(fitted, "MODEL", model(hedged=-5.0))
    part = grade(compiled, {"opt": "Adam: both moments."}).parts["opt"]
    assert part.status == "graded" and part.review_reasons == ()
    assert part.confidence == pytest.approx(1 / (1 + 2.718281828459045**-3.0), rel=1e-6)


def test_a_part_below_the_threshold_without_a_doubt_still_says_why(compiled, monkeypatch):
    monkeypatch.setattr(fitted, "MODEL", model(free=-10.0))
    part = grade(compiled, {"opt": "Adam"}).parts["opt"]
    assert part.status == "needs_review"
    assert part.review_reasons and all(r.strip() for r in part.review_reasons)


def test_checker_review_reasons_stand_whatever_the_model_says(compiled, monkeypatch):
    monkeypatch.setattr(fitted, "MODEL", model(free=+10.0))
    part = grade(compiled, {"draw": "[drawing of the block]"}).parts["draw"]
    assert part.status == "needs_review"


def test_a_blank_part_is_blank_and_certain(compiled):
    part = grade(compiled, {}).parts["opt"]
    assert part.status == "blank" and part.confidence == 1.0


def test_needs_review_always_comes_with_a_reason(compiled):
    for answer in ["Adam", "SGD", "Adam? maybe", "모르겠습니다", "adagrad and rmsprop, not adam"]:
        part = grade(compiled, {"opt": answer}).parts["opt"]
        assert (part.status == "needs_review") == bool(part.review_reasons), answer


def test_the_second_opinion_reads_korean_against_an_english_model_answer(compiled):
    reviewer = compiled.parts["opt"].reviewer
    assert reviewer is not None and reviewer.second is not None
    from grader.freetext.thesaurus import in_english

    assert "learning rate" in in_english("학습률을 낮춘다")
    # the same claim in either language gets a similar opinion
    english = reviewer.second.prob(in_english("Adam keeps running averages of the gradient"))
    korean = reviewer.second.prob(in_english("Adam은 기울기의 이동 평균을 유지한다"))
    assert abs(english - korean) < 0.5


def test_a_bare_keyword_list_that_earns_points_goes_to_review(compiled, monkeypatch):
    monkeypatch.setattr(fitted, "MODEL", model(free=+10.0))  # however confident the model
    rubric = compile_rubric(load_rubric_text(LIST_RUBRIC, "list.yaml"))
    part = grade(rubric, {"m": "l1 sparse regularization weights"}).parts["m"]
    assert part.points == 2 and part.status == "needs_review"
    assert "terms" in " ".join(part.review_reasons)
    assert grade(rubric, {"m": "L1 regularization"}).parts["m"].status == "graded"
    assert grade(rubric, {"m": "Use L1: its penalty pulls small weights to zero"}).parts["m"].status == "graded"


LIST_RUBRIC = yaml_text(
    """
    format: 1
    exam: {id: lists, title: Lists}
    parts:
      - id: m
        prompt: How do you make the weights sparse? Why?
        model_answer: Use L1 regularization; its constant pull drives small weights to exactly zero.
        max: 3
        items:
          - {id: l1, points: 2, check: {type: concept, synonyms: [l1]}}
          - {id: why, points: 1, check: {type: concept, synonyms: ["exactly zero", "pull*"]}}
    """
)
