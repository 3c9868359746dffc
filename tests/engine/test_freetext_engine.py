"""Free-text parts through the engine: classifier rubrics, overrides, retraining."""

from fractions import Fraction

from helpers import yaml_text

from grader import compile_rubric, grade, load_rubric_text
from grader.freetext.retrain import override_example, retrain_all, retrain_part
from grader.freetext.scorer import PartScorer, calibrate_priors
from grader.normalize import normalize_text

RUBRIC = yaml_text(
    """
    format: 1
    exam: {id: ft, title: free text}
    parts:
      - id: "5h"
        prompt: Why do we usually use small mini-batches in practice?
        model_answer: "Limited GPU memory: a large mini-batch does not fit into the memory of the GPU."
        max: 1
        items:
          - id: memory
            points: 1
            check: {type: classifier, min_confidence: 0.6, concepts: [{synonyms: [memory, 메모리, VRAM]}]}
            feedback: Limited GPU memory.
        examples:
          - {answer: "Because GPU memory is limited.", points: 1}
          - {answer: "The whole batch does not fit into the GPU memory.", points: 1}
          - {answer: "GPU 메모리가 제한되어 있어서 큰 배치가 들어가지 않는다.", points: 1}
          - {answer: "Faster computation.", points: 0}
          - {answer: "To train faster.", points: 0}
          - {answer: "계산이 더 빠르기 때문이다.", points: 0}
      - id: "3b"
        prompt: Why are gamma and beta needed in batch normalization?
        model_answer: They let the network undo the normalization, scaling and shifting the normalized values.
        max: 1
        items:
          - id: why
            points: 1
            check: {type: classifier}
    """
)


def test_classifier_parts_grade_with_reasons():
    rubric = load_rubric_text(RUBRIC)
    res = grade(
        rubric,
        {"5h": "the GPU has not enough memory for a big batch", "3b": "to scale and shift, undoing the normalization"},
    )
    assert res.parts["5h"].points == 1 and res.parts["3b"].points == 1
    item = res.parts["5h"].matched[0]
    assert any("concept: memory" in e for e in item.evidence)
    wrong = grade(rubric, {"5h": "because it is faster", "3b": "they are hyperparameters"}).parts
    assert wrong["5h"].points == 0 and wrong["3b"].points == 0


def test_the_part_prompt_reaches_the_classifier():
    # The shipped combiners were fitted on features against model answer *and*
    # prompt (question demoting); graded without the prompt a part scores
    # differently from what bench/asag.py measures.
    rubric = load_rubric_text(RUBRIC)
    part = rubric.part("3b")
    answer = normalize_text("to scale and shift, undoing the normalization")
    model = [normalize_text(part.model_answer)]
    with_prompt = PartScorer(model, normalize_text(part.prompt)).prob(answer)
    without = PartScorer(model).prob(answer)
    assert f"{with_prompt:.2f}" != f"{without:.2f}"
    evidence = grade(rubric, {"3b": answer}).parts["3b"].matched[0].evidence
    assert f"p={with_prompt:.2f} (unseen-question)" in evidence


def test_overrides_retrain_one_part():
    rubric = load_rubric_text(RUBRIC)
    compiled = compile_rubric(rubric)
    answer = "the H100 has only 80 GB, so it cannot hold a large batch"  # no shared words with the examples
    before = compiled.parts["5h"].grade(answer)
    overrides = [
        override_example("the H100 has only 80 GB, so it cannot hold a large batch", 1, 1),
        override_example("80 GB is not enough to hold big batches", 1, 1),
        override_example("a big batch cannot be held on the card", 1, 1),
        override_example("it is faster per step", 0, 1),
    ]
    after = retrain_part(compiled, "5h", overrides)
    assert after.parts["3b"] is compiled.parts["3b"]  # untouched parts are shared
    assert compiled.parts["5h"].grade(answer) == before  # the old compiled rubric is unchanged
    graded = after.parts["5h"].grade(answer)
    assert graded.points == Fraction(1)
    assert retrain_all(compiled, {"5h": overrides}).parts["5h"].grade(answer).points == 1


def test_engine_extra_examples_reach_the_classifier():
    rubric = load_rubric_text(RUBRIC)
    extra = {
        "3b": [
            override_example(a, p, 1)
            for a, p in [
                ("so the layer can still represent the identity", 1),
                ("it can recover the original activations", 1),
                ("they are hyperparameters", 0),
                ("they are the mean and variance", 0),
            ]
        ]
    }
    compiled = compile_rubric(rubric, extra_examples=extra)
    m = compiled.parts["3b"].grade("so that the identity can be represented again").matched
    assert m and any("nearest graded example" in e for e in m[0].evidence)


def test_calibrate_priors_moves_the_offset_only():
    strict = [
        (
            ["Water evaporates and leaves the salt."],
            "How do you separate salt from water?",
            [
                ("the water evaporates", 0.0),
                ("evaporation", 0.0),
                ("the water evaporates and leaves salt behind", 1.0),
            ],
        )
    ]
    priors = calibrate_priors(strict)
    base = PartScorer(["Water evaporates and leaves the salt."])
    tuned = PartScorer(["Water evaporates and leaves the salt."], priors=priors)
    assert tuned.prob("the water evaporates") < base.prob("the water evaporates")
    # the order of answers is kept: only scale and offset changed
    a, b = "water evaporates leaving salt", "boil it"
    assert (tuned.prob(a) > tuned.prob(b)) == (base.prob(a) > base.prob(b))
