"""``concept``: a key idea named in free text, in English, Korean or both.

Matching rules (word order, gaps, wildcards, typos, Korean inside words,
negation) live in :mod:`grader.freetext.concepts`; patterns compile once here.
``count`` is the number of distinct synonyms found (for ``min_hits`` and
per-element credit); ``evidence`` the matched spans of the answer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from grader.checkers.base import Checker, CompileContext, Match, SpecBase, SpecError, register
from grader.freetext.concepts import Concept, Lexicon, compile_phrase


class ConceptSpec(SpecBase):
    type: Literal["concept"]
    synonyms: list[str] = Field(default_factory=list)
    all: list[list[str]] = Field(default_factory=list)
    negation: bool = True
    typo: bool = True
    min_hits: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _something_to_find(self) -> ConceptSpec:
        if not any(s.strip() for s in self.synonyms) and not any(s.strip() for g in self.all for s in g):
            raise ValueError("a concept needs at least one synonym")
        if self.synonyms and self.min_hits > len(self.synonyms):
            raise ValueError(f"min_hits {self.min_hits} is more than the {len(self.synonyms)} synonyms")
        return self


def part_lexicon(ctx: CompileContext) -> Lexicon:
    """The word lexicon the concepts of one part share: an answer is matched once for all."""
    lexicon = ctx.shared.setdefault("concept-lexicon", Lexicon())
    assert isinstance(lexicon, Lexicon)
    return lexicon


def build_concept(spec: ConceptSpec, lexicon: Lexicon | None = None) -> Concept:
    """The compiled matcher; a phrase with no word in it (``"*"``) is a rubric error."""
    for i, s in enumerate(spec.synonyms):
        if s.strip() and not compile_phrase(s).words:
            raise SpecError(f"{s!r} has no word to match", ("synonyms", i))
    for gi, group in enumerate(spec.all):
        if not group:
            raise SpecError("an 'all' entry is a non-empty list of synonyms", ("all", gi))
        for i, s in enumerate(group):
            if not compile_phrase(s).words:
                raise SpecError(f"{s!r} has no word to match", ("all", gi, i))
    return Concept.build(
        spec.synonyms, spec.all, negation=spec.negation, typo=spec.typo, min_hits=spec.min_hits, lexicon=lexicon
    )


@register("concept", ConceptSpec)
def compile_concept(spec: ConceptSpec, ctx: CompileContext) -> Checker:
    concept = build_concept(spec, part_lexicon(ctx))

    def check(answer: str) -> Match:
        hit = concept.find(answer)
        if hit.matched:
            return Match(True, count=max(hit.count, 1), evidence=hit.evidence)
        return Match(False, count=0)

    return check
