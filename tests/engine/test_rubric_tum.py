"""The TUM I2DL endterm rubric: every official grading note, as a table of answers and points.

These answers are not the rubric's own examples: they are further cases, one
or more per note of the sample solution ("only name gives 0.5p", "-0.5p if no
tuple", "only grade the first 4", "wrong loss + correct loss: 50% deduction",
...), so that a change to a synonym list or a checker that breaks a note shows
up here by name.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from grader import compile_rubric, load_rubric

RUBRIC_PATH = Path(__file__).resolve().parents[2] / "rubrics" / "tum-i2dl-ss20-endterm.yaml"

PART_IDS = (
    [f"1{c}" for c in "abcdefghi"]
    + [f"2{c}" for c in "abcd"]
    + [f"3{c}" for c in "abcd"]
    + [f"4{c}" for c in "abcdefg"]
    + [f"5{c}" for c in "abcdefghijk"]
    + [f"6{c}" for c in "abcde"]
    + [f"7{c}" for c in "abcdefgh"]
    + [f"8{c}" for c in "abcdef"]
)
PROBLEM_CREDITS = {"1": 18, "2": 8, "3": 6, "4": 12, "5": 15, "6": 9, "7": 11, "8": 11}


@pytest.fixture(scope="module")
def rubric():
    return load_rubric(RUBRIC_PATH, compile=False)


@pytest.fixture(scope="module")
def compiled(rubric):
    return compile_rubric(rubric)


def test_part_ids_are_the_contract(rubric):
    assert [p.id for p in rubric.parts] == PART_IDS


def test_ninety_credits_split_as_the_exam_states(rubric):
    assert rubric.exam.total == 90 and rubric.max == 90
    per_problem: dict[str, Fraction] = {}
    for part in rubric.parts:
        per_problem[part.id[0]] = per_problem.get(part.id[0], Fraction(0)) + part.max
    assert per_problem == {k: Fraction(v) for k, v in PROBLEM_CREDITS.items()}


def test_problem_one_is_all_or_nothing(rubric):
    for part in rubric.parts[:9]:
        assert part.policy == "all_or_nothing" and part.max == 2


def test_debatable_keys_and_problem_eight_decision_are_written_down(rubric):
    assert "DEBATABLE" in rubric.part("1d").notes and "DEBATABLE" in rubric.part("1e").notes
    assert "Problem 8" in rubric.exam.notes and "11" in rubric.exam.notes


def test_drawn_halves_are_manual(rubric):
    for part_id in ("2a", "3d", "4f"):
        assert any(item.check["type"] == "manual" for item in rubric.part(part_id).items), part_id


CASES = [
    # Problem 1: 2 points only for exactly the right set of boxes
    ("1a", "(b) and (c)", 2, None),
    ("1a", "b", 0, None),
    ("1b", "D, A", 2, None),
    ("1b", "a, c, d", 0, None),
    ("1c", "e, d, b, a, c", 2, None),
    ("1c", "e d a b c", 0, None),
    ("1f", "b, c and d", 2, None),
    ("1h", "a, b, d", 2, None),
    ("1h", "a, b", 0, None),
    ("1i", "②", 2, None),
    ("1d", "translation invariant", 2, None),
    # debatable keys: the defensible alternative goes to a human
    ("1d", "None of them", 0, "needs_review"),
    ("1e", "A, B, C", 0, "needs_review"),
    # 2a: 0.5p per computed value; the plot is manual
    ("2a", "s = -0.03 ; s = 1.5", 1, "needs_review"),
    ("2a", "s = 0.03 ; s = 1.5", 0.5, "needs_review"),
    # 2b: only "vanishing gradient" is 0.5p per case, gradients must be mentioned
    ("2b", "both variances lead to vanishing gradients", 1, None),
    ("2b", "too small: outputs go to zero; too large: tanh saturates", 1, None),
    # 2c: 0.5p for only writing down the formula
    ("2c", "Var(w) = 1/n_in", 0.5, None),
    ("2c", "Glorot initialization", 1, None),
    # 2d: relu(x) = 0 for x < 0 only 0.5p; only the name gives 0.5p
    ("2d", "ReLU is 0 for x < 0. Kaiming init", 1, None),
    ("2d", "ReLU zeroes half of the activations, so use Var(w) = 2/n", 2, None),
    # 3a: only 0.5p for side effects
    ("3a", "it regularizes the network", 0.5, None),
    ("3a", "reduces internal covariate shift", 1, None),
    # 3b: one of scale and shift 0.5p; hyperparameters get nothing
    ("3b", "γ scales the normalized value", 0.5, None),
    ("3b", "γ and β are hyperparameters that undo the normalization", 0, None),
    # 3c: only training-set statistics without the method: 0.5p for test time
    ("3c", "train: mini-batch mean/var, keep an exponential moving average. test: use the moving average", 2, None),
    ("3c", "test: use the mean and variance of the training data", 0.5, None),
    # 3d: -1p for each wrong operator (here: each required operator missing)
    ("3d", "-, √, 1/·, ·, ·, +", 2, "needs_review"),
    ("3d", "-, √, 1/·, *, *, *", 1, "needs_review"),
    # 4a: only mean instead of blur is 0.5p
    ("4a", "C1: averaging; C2: vertical edge detector", 1.5, None),
    ("4a", "C1: local smoothing, C2: edge detection (vertical edges)", 2, None),
    # 4b: 1p for only the spatial size
    ("4b", "8 x 8 x 5", 2, None),
    ("4b", "8 x 8 x 3", 1, None),
    # 4c: -1p if the 5s are only "filter size", -1p if only 3 dimensions
    ("4c", "(4, 3, 5, 5): output channels, input channels (RGB), kernel height, kernel width", 2, None),
    ("4c", "(4, 3, 5, 5): filters, rgb, filter size", 1, None),
    ("4c", "(3, 5, 5): input channels, height, width", 1, None),
    # 4d: -0.5p if no tuple
    ("4d", "7x7", 1, None),
    ("4d", "receptive field = 7", 0.5, None),
    # 4e: reasonable but incomplete -0.5p
    ("4e", "1. identity 2. global average pooling", 2, None),
    ("4e", "1. 1x1 convolution 2. a layer with a large kernel", 1.5, None),
    # 4f: only forward pass: no points for the explanation
    ("4f", "[drawing] skip connection: the gradient flows back directly through the identity", 1, "needs_review"),
    ("4f", "[drawing] the output is x + l2(l1(x))", 0, "needs_review"),
    ("4g", "\\frac{\\partial H}{\\partial x} = 1 + r", 1, None),
    # 5a: 0.5p for all three splits, 0.5p for percentages with training > 50%
    ("5a", "train/val/test", 0.5, None),
    ("5a", "train 60 %, val 20 %, test 20 %", 1, None),
    # 5b: zero for cross validation / data augmentation as the fix
    ("5b", "different distributions, bad generalization; fix: augment the day images to look like night", 1, None),
    ("5b", "different distributions, bad generalization; fix: shuffle everything and split again", 2, None),
    # 5c: 0.5p each, max 2p, only the first 4
    ("5c", "rotation, flipping, cropping, noise, scaling, shearing", 2, None),
    ("5c", "batch norm, dropout, rotation, flipping, cropping", 1, None),
    ("5c", "rotation", 0.5, None),
    # 5d / 5e: half points
    ("5d", "gradient is 0 there", 0.5, None),
    ("5e", "it can escape saddle points", 0.5, None),
    # 5f: informal explanation 0.5p
    ("5f", "the update keeps its direction, like inertia", 0.5, None),
    # 5g: less noisy without gradients: 0.5p
    ("5g", "less noisy gradients", 1, None),
    ("5g", "less noise", 0.5, None),
    # 5h: faster computation: 0p
    ("5h", "faster computation per step", 0, None),
    ("5h", "GPU memory is limited", 1, None),
    ("5i", "adam", 1, None),
    # 5j: -0.5p if divergence not mentioned
    ("5j", "too high: jumps over the minimum; too low: takes very long", 1.5, None),
    ("5j", "too high: diverges; too low: slow", 2, None),
    # 5k: generalization gap only: not enough; only regularization: 0.5p
    ("5k", "overfitting, data augmentation", 2, None),
    ("5k", "overfitting, regularization", 1.5, None),
    ("5k", "generalization gap", 0, None),
    # 6a: 1p for 45, else 0
    ("6a", "15 + 25 + 5 = 45", 1, None),
    ("6a", "15 + 25 + 3 = 43", 0, None),
    # 6b: repeating the formula gives no explanation point
    ("6b", "False: h_t = tanh(V h_{t-1})", 0.5, None),
    ("6b", "False, the non-linearity and V still change h", 1, None),
    # 6c: only correct results count, no intermediate steps
    ("6c", "h1 = 6, h2 = relu(-9) = 0, h3 = relu(3) = 3", 2, None),
    ("6c", "h1 = 6, h2 = 9, h3 = 0", 0, None),
    # 6d: alternative 3/2 for dh3/dV; dead ReLU explanation for dh3/dx1
    ("6d", "∂h3/∂V = 3/2, ∂h3/∂W = 1, ∂h3/∂x1 = 0", 3, None),
    ("6d", "∂h3/∂V = 2/3\n∂h3/∂W = 1\n∂h3/∂x1: dead ReLU", 3, None),
    ("6d", "∂h3/∂V = 5, ∂h3/∂W = 2, ∂h3/∂x1 = 1", 0, None),
    # 6e: gates 1p for all three, zero otherwise; "what it does" 0.5p
    ("6e", "g1 = output, g2 = forget, g3 = input gate; c_t = cell state", 2, None),
    ("6e", "g1 = output, g2 = update, g3 = forget; c_t = memory", 1, None),
    # 7a: wrong reasoning after the correct choice 0.5p
    ("7a", "unsupervised, because it needs labels", 0.5, None),
    # 7b: parameters / conv layers only: no point
    ("7b", "autoencoders have more parameters", 0, None),
    ("7c", "too small: underfitting; too big: overfitting", 2, None),
    # 7d: the VAE notes
    ("7d", "yes, a VAE can do this", 0, None),
    ("7d", "no, you need a variational autoencoder", 0.5, None),
    ("7d", "no, you need a VAE so you can sample from the gaussian latent space", 1, None),
    # 7e: change output layer 1p with dimension, else 0.5p; add conv only with dims; FC 0p
    ("7e", "replace the output layer", 0.5, None),
    ("7e", "replace the output layer to output 1 channel", 1, None),
    ("7e", "add a conv layer at the end", 0, None),
    ("7e", "add a dense layer with 2 outputs per pixel", 0, None),
    # 7f: dice 1p / 2p with explanation; softmax loss 0p; wrong + correct: 50% deduction
    ("7f", "dice loss", 1, None),
    ("7f", "softmax loss", 0, None),
    ("7f", "MSE and cross entropy, per pixel", 1, None),
    # 7g: transfer learning only 1p; freeze all and train the last layer only: -0.5p
    ("7g", "transfer learning", 1, None),
    ("7g", "use the pretrained encoder and freeze it", 2, None),
    ("7g", "freeze all weights of the autoencoder, train only the last layer", 0.5, None),
    # 7h: features 0.5p, which features 1p, prior knowledge 0.5p
    ("7h", "the features translate to the new task", 0.5, None),
    ("7h", "the encoder learned low-level features", 1, None),
    ("7h", "much more data was used for pretraining", 1, None),
    # 8a
    ("8a", "to add non-linearity", 1, None),
    # 8b / 8d: worth 1p (problem 8 decision), the premise alone is 0.5p
    ("8b", "σ(ReLU(z)) ≥ 0.5 always", 0.5, None),
    ("8b", "the classifier only predicts one class", 1, None),
    ("8c", "gradient clipping", 1, None),
    ("8d", "accuracy is discrete", 0.5, None),
    ("8d", "accuracy is not differentiable", 1, None),
    # 8e: an error in the derivation 0.5p; explanation only with a derivation
    ("8e", "W ← W(1 − ηλ) − η∇J, ηλ ≪ 1, so W shrinks towards zero every step", 3, None),
    ("8e", "W gets pushed towards zero", 0, None),
    # 8f: 1p per step
    ("8f", "Var(w) = α²/3 → α = √(3/n)", 2, None),
    ("8f", "α = sqrt(3/n)", 1, None),
]


@pytest.mark.parametrize("part_id, answer, points, status", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_official_notes(compiled, part_id, answer, points, status):
    result = compiled.parts[part_id].grade(answer)
    assert result.points == Fraction(points).limit_denominator(2), result.to_dict()
    if status:
        assert result.status == status


# Ways students answer an order question that the choice checker must read.
ORDER_ANSWERS = [
    ("1c", "4", 2, "choice order mode: a ticked option number is not read as the n-th offered sequence"),
    ("1c", "④", 2, "choice order mode: a circled option number is not read"),
    ("1c", "(d) edbac", 2, "choice order mode: the box label beside the sequence confuses the reader"),
    (
        "1c",
        "e → d → b → a → c (4th option)",
        2,
        "choice order mode: every Latin letter of the answer is read as a step",
    ),
]


@pytest.mark.parametrize("part_id, answer, points, why", ORDER_ANSWERS, ids=[f"{c[0]}-{c[1]}" for c in ORDER_ANSWERS])
def test_order_answers(compiled, part_id, answer, points, why):
    assert compiled.parts[part_id].grade(answer).points == points, why
