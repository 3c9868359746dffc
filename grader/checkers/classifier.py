"""``classifier``: free text graded by a model of what earns the credit.

Training data, per the rubric format: the part's examples with this item's
``items`` label (true -> 1, false -> 0); without one, an example's share of
the part's points when this item is worth the whole part (a soft target:
0.5 of 1 point is 0.5), else full-credit examples -> 1, zero -> 0 and the
rest unlabelled for this item. The model answer is one more credited
example. From :data:`MIN_EXAMPLES` graded answers of both kinds the item
learns from them (unseen answers); with fewer it grades like an unseen
question, from the model answer, prompt and concepts alone
(:mod:`grader.freetext.scorer`).

The calibrated probability is the confidence; under ``min_confidence`` the
part goes to review with the reason. With soft targets the probability is
the expected share of the points and becomes partial ``credit``. An answer
that looks like a keyword list (and the model answer does not) goes to
review as well.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from grader.checkers.base import Checker, CompileContext, Example, Match, SpecBase, SpecError, register
from grader.checkers.concept import ConceptSpec, build_concept, part_lexicon
from grader.freetext.concepts import Lexicon
from grader.freetext.scorer import MIN_EXAMPLES, PartScorer
from grader.freetext.stuffing import stuffing_score
from grader.rubric.numbers import FINITE

STUFFING_REVIEW = 0.6  # answers at or above this stuffing score (model answer below it) go to review

__all__ = ["MIN_EXAMPLES", "ClassifierSpec", "compile_classifier", "training_targets"]


class ClassifierSpec(SpecBase):
    type: Literal["classifier"]
    min_confidence: Annotated[float, Field(ge=0.5, le=1.0), FINITE] = 0.7
    concepts: list[dict[str, Any]] = Field(default_factory=list)


def training_targets(examples: tuple[Example, ...], item_id: str, item_points: float) -> list[tuple[str, float]]:
    """(answer, target in [0, 1]) pairs for this item; see the module docstring."""
    out = []
    for ex in examples:
        if not ex.answer:
            continue
        if item_id in ex.items:
            out.append((ex.answer, 1.0 if ex.items[item_id] else 0.0))
        elif ex.max > 0 and item_points >= ex.max:
            out.append((ex.answer, min(1.0, max(0.0, ex.points / ex.max))))
        elif ex.points >= ex.max:
            out.append((ex.answer, 1.0))
        elif ex.points <= 0:
            out.append((ex.answer, 0.0))
    return out


def _concepts(raw: list[dict[str, Any]], lexicon: Lexicon) -> list:
    from pydantic import ValidationError

    out = []
    for i, c in enumerate(raw):
        if not isinstance(c, dict):
            raise SpecError("a concept is a mapping like {type: concept, synonyms: [...]}", ("concepts", i))
        try:
            spec = ConceptSpec.model_validate({"type": "concept", **c})
        except ValidationError as exc:
            err = exc.errors()[0]
            raise SpecError(err["msg"].removeprefix("Value error, "), ("concepts", i, *err["loc"])) from None
        try:
            out.append(build_concept(spec, lexicon))
        except SpecError as exc:
            raise SpecError(exc.reason, ("concepts", i, *exc.loc)) from None
    return out


@register("classifier", ClassifierSpec, learns=True)
def compile_classifier(spec: ClassifierSpec, ctx: CompileContext) -> Checker:
    concepts = _concepts(spec.concepts, part_lexicon(ctx))
    examples = training_targets(ctx.examples, ctx.item_id, ctx.item_points)
    soft = any(0.0 < t < 1.0 for _, t in examples)
    if ctx.model_answer:
        examples.append((ctx.model_answer, 1.0))
    scorer = PartScorer([ctx.model_answer], ctx.prompt, examples, concepts)
    model_stuffing = stuffing_score(ctx.model_answer) if ctx.model_answer else 0.0
    item = ctx.item_id
    if not scorer.usable:
        reason = f"{item}: no model answer or graded examples to compare with"
        return lambda answer: Match.needs_review(reason)

    def check(answer: str) -> Match:
        verdict = scorer.verdict(answer)
        p = verdict.prob
        confidence = verdict.confidence
        reviews = []
        if confidence < spec.min_confidence:
            reviews.append(
                f"{item}: classifier unsure (p={p:.2f}, confidence {confidence:.2f} < {spec.min_confidence:g})"
            )
        stuffed = stuffing_score(answer)
        if stuffed >= STUFFING_REVIEW and model_stuffing < STUFFING_REVIEW and p >= 0.25:
            reviews.append(f"{item}: possible keyword list")
        evidence = (*verdict.evidence, f"p={p:.2f} ({verdict.regime})")
        review = "; ".join(reviews) or None
        if soft:
            # expected share of the points; the engine rounds it to 0.5-point steps
            return Match(
                p * ctx.item_points >= 0.25, count=1, evidence=evidence, credit=p, confidence=confidence, review=review
            )
        return Match(p >= 0.5, count=1 if p >= 0.5 else 0, evidence=evidence, confidence=confidence, review=review)

    return check
