"""A concept's words are credited only inside a claim that makes it: hedges, reversals, subjects, near misses."""

from helpers import checker

from grader.checkers.base import CompileContext, Example, compile_check
from grader.normalize import normalize_text


def part_checkers(specs, *, model_answer="", examples=()):
    """Checkers compiled as one part's items, sharing the part's subjects and lexicon."""
    shared = {}
    out = []
    for i, spec in enumerate(specs):
        ctx = CompileContext(
            "p", f"i{i}", 1.0, normalize_text(model_answer), {}, examples=tuple(examples), shared=shared
        )
        compiled = compile_check(spec, ctx)
        out.append(lambda a, c=compiled: c(normalize_text(a)))
    return out


def kinds(match):
    return [d.kind for d in match.doubts]


def test_a_hedged_hit_counts_but_carries_a_doubt():
    c = checker({"type": "concept", "synonyms": ["adam"]})
    for answer in ["Adam or AdaGrad?", "Adam? 아니면 AdaGrad... not sure", "아마 Adam일 것 같다"]:
        m = c(answer)
        assert m.matched and kinds(m) == ["hedged"], answer
    assert kinds(c("Adam: it keeps both moments.")) == []


def test_a_hit_in_a_reversed_claim_is_doubted():
    [c] = part_checkers([{"type": "concept", "synonyms": ["overfitting"]}], model_answer="Dropout reduces overfitting.")
    assert kinds(c("dropout makes overfitting worse and increases it")) == ["negated"]
    assert kinds(c("dropout reduces overfitting")) == []


def test_a_hit_said_about_another_subject_does_not_count():
    padding, pooling = part_checkers(
        [
            {"type": "concept", "synonyms": ["border", "가장자리"], "about": ["padding", "패딩"]},
            {"type": "concept", "synonyms": ["overfitting", "과적합"], "about": ["pooling", "풀링"]},
        ]
    )
    swapped = "padding은 overfitting을 막아주고, pooling은 가장자리 정보를 보존함"
    assert not padding(swapped).matched and kinds(padding(swapped)) == ["off_subject"]
    assert not pooling(swapped).matched and kinds(pooling(swapped)) == ["off_subject"]
    right = "Padding keeps the border pixels. Pooling reduces overfitting."
    assert padding(right).matched and pooling(right).matched
    # a subject named once carries over to the clauses after it
    assert pooling("Pooling: fewer activations. It also reduces overfitting.").matched
    # an answer that names no subject is read as usual
    assert pooling("reduces overfitting").matched


def test_swapped_roles_between_two_subjects_of_one_prompt():
    small, big = part_checkers(
        [
            {"type": "concept", "synonyms": ["underfitting"], "about": ["too small", "small"]},
            {"type": "concept", "synonyms": ["overfitting"], "about": ["too big", "big", "large"]},
        ]
    )
    swapped = "Too small: overfitting since there are fewer params. Too big: underfitting."
    assert not small(swapped).matched and not big(swapped).matched
    assert small("Too small: underfitting. Too big: overfitting.").matched


def test_an_idea_found_only_negated_and_a_near_miss_are_doubts_on_a_miss():
    c = checker({"type": "concept", "synonyms": ["zero gradient"]})
    m = c("it does not have a zero gradient")
    assert not m.matched and kinds(m) == ["negated"]
    m = c("the gradient of the step function is zero almost everywhere")
    assert not m.matched and kinds(m) == ["near_miss"]


def test_examples_are_part_of_the_reference_for_directions():
    [c] = part_checkers(
        [{"type": "concept", "synonyms": ["learning rate"]}],
        examples=[Example("lower the learning rate", 1.0, 1.0)],
    )
    assert kinds(c("higher learning rate")) == ["negated"]


def test_a_negation_does_not_reach_back_across_an_arrow():
    c = checker({"type": "concept", "synonyms": ["분포가 다름"]})
    assert c("분포가 다름 → 일반화가 안 됨").matched


def test_a_particle_glued_to_a_latin_word_in_a_synonym_is_not_required():
    c = checker({"type": "concept", "synonyms": ["gradient가 0"]})
    assert c("gradient는 0이 된다").matched and c("gradient 0").matched
