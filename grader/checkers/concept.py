"""``concept``: a key idea named in free text, in English, Korean or both.

Matching rules (word order, gaps, wildcards, typos, Korean inside words,
negation) live in :mod:`grader.freetext.concepts`; patterns compile once here.
``count`` is the number of distinct synonyms found (for ``min_hits`` and
per-element credit); ``evidence`` the matched spans of the answer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from grader.checkers.base import Checker, CompileContext, Doubt, Match, SpecBase, SpecError, register
from grader.freetext.claims import Subjects, hedged, near_misses, phrases_of, reference_directions, reversal
from grader.freetext.concepts import Concept, Lexicon, compile_phrase, view
from grader.freetext.text import is_stop
from grader.freetext.thesaurus import Thesaurus
from grader.freetext.thesaurus import shared as shared_thesaurus
from grader.rubric.numbers import Count


class ConceptSpec(SpecBase):
    type: Literal["concept"]
    synonyms: list[str] = Field(default_factory=list)
    all: list[list[str]] = Field(default_factory=list)
    negation: bool = True
    typo: bool = True
    min_hits: Count = 1
    # the subject the idea must be said about ("pooling", "풀링"), when a part compares several:
    # a hit in a claim about another item's subject does not count
    about: list[str] = Field(default_factory=list)

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


def part_thesaurus(ctx: CompileContext) -> Thesaurus:
    """The shared thesaurus plus the rubric's own ``definitions.synonyms`` groups."""
    got = ctx.shared.get("thesaurus")
    if got is None:
        extra = (ctx.definitions or {}).get("synonyms") or []
        if not isinstance(extra, list) or not all(
            isinstance(g, list) and all(isinstance(n, str) for n in g) for g in extra
        ):
            raise SpecError("definitions.synonyms is a list of lists of names")
        got = ctx.shared["thesaurus"] = shared_thesaurus().extended(extra) if extra else shared_thesaurus()
    assert isinstance(got, Thesaurus)
    return got


def _with_variants(phrases: list[str], thesaurus: Thesaurus | None) -> list[str]:
    if thesaurus is None:
        return phrases
    return list(dict.fromkeys(v for p in phrases for v in thesaurus.variants(p)))


def build_concept(spec: ConceptSpec, lexicon: Lexicon | None = None, thesaurus: Thesaurus | None = None) -> Concept:
    """The compiled matcher; a phrase with no word in it (``"*"``) is a rubric error.

    With a thesaurus every synonym also matches the other names of the field's terms it contains."""
    for i, s in enumerate(spec.synonyms):
        if s.strip() and not compile_phrase(s).words:
            raise SpecError(f"{s!r} has no word to match", ("synonyms", i))
    for gi, group in enumerate(spec.all):
        if not group:
            raise SpecError("an 'all' entry is a non-empty list of synonyms", ("all", gi))
        for i, s in enumerate(group):
            if not compile_phrase(s).words:
                raise SpecError(f"{s!r} has no word to match", ("all", gi, i))
    synonyms = spec.synonyms if spec.min_hits > 1 else _with_variants(spec.synonyms, thesaurus)
    groups = [_with_variants(g, thesaurus) for g in spec.all]
    return Concept.build(
        synonyms, groups, negation=spec.negation, typo=spec.typo, min_hits=spec.min_hits, lexicon=lexicon
    )


def _only_typos(concept: Concept, answer: str, spans: tuple[tuple[int, int], ...]) -> bool:
    """A hit made of a word two letters away from a synonym, with no real word beside it: gibberish that happens
    to be near a long synonym earns nothing. A one-letter slip ("nonlinarity", "Xavir") still counts, and so does
    any misspelling in a sentence ("use l2 regularizaiotn")."""
    toks = view(answer).tokens
    lexicon = concept.lexicon
    hit = [toks[i].text for a, b in spans for i in range(a, b + 1) if not toks[i].hangul]
    if not hit or any(lexicon.exact(t) for t in hit):
        return False
    inside = {i for a, b in spans for i in range(a, b + 1)}
    if any(is_stop(t.text) or lexicon.exact(t.text) for i, t in enumerate(toks) if i not in inside):
        return False
    return any(lexicon.distance(t) >= 2 for t in hit)


def part_directions(ctx: CompileContext) -> frozenset[str]:
    """Direction words (increase, 줄이다, ...) of the part's model answer and full-credit examples."""
    got = ctx.shared.get("directions")
    if got is None:
        texts = (ctx.model_answer, *(e.answer for e in ctx.examples if e.max and e.points >= e.max))
        got = ctx.shared["directions"] = reference_directions(tuple(texts))
    assert isinstance(got, frozenset)
    return got


def part_subjects(ctx: CompileContext) -> Subjects:
    got = ctx.shared.setdefault("subjects", Subjects())
    assert isinstance(got, Subjects)
    return got


@register("concept", ConceptSpec)
def compile_concept(spec: ConceptSpec, ctx: CompileContext) -> Checker:
    concept = build_concept(spec, part_lexicon(ctx), part_thesaurus(ctx))
    subjects = part_subjects(ctx)
    own = subjects.add(phrases_of(spec.about)) if spec.about else None
    directions = part_directions(ctx)

    def check(answer: str) -> Match:
        keep = None
        if own is not None:
            owner = subjects.owner(answer)
            keep = lambda a, b: owner(a, b) in (None, own)  # noqa: E731
        hit = concept.find(answer, keep)
        doubts: list[Doubt] = []
        if hit.matched and _only_typos(concept, answer, hit.spans):
            return Match(
                False, count=0, doubts=(Doubt("near_miss", f"{hit.evidence[0]!r} is only a misspelling away"),)
            )
        if hit.matched:
            hedge = hedged(answer, hit.spans)
            if hedge:
                doubts.append(Doubt("hedged", f"{hit.evidence[0]!r} is hedged ({hedge!r})"))
            reversed_ = reversal(answer, hit.spans, directions)
            if reversed_:
                doubts.append(Doubt("negated", f"{hit.evidence[0]!r} in a reversed claim: {reversed_}"))
            return Match(True, count=max(hit.count, 1), evidence=hit.evidence, doubts=tuple(doubts))
        if hit.dropped:
            a, b = hit.dropped[0]
            said = view(answer).tokens
            doubts.append(
                Doubt("off_subject", f"{answer[said[a].start : said[b].end]!r} is said about another subject")
            )
        if hit.negated:
            doubts.append(Doubt("negated", f"{hit.negated[0]!r} appears only in a negated clause"))
        near = [p for p in near_misses(concept, answer) if p not in hit.negated]
        if near:
            doubts.append(Doubt("near_miss", f"the words of {near[0]!r} are all there, but not together"))
        return Match(False, count=0, doubts=tuple(doubts))

    return check
