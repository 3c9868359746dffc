import pytest
from helpers import checker

from grader.checkers.elements import split_elements

ACTIONS = {
    "type": "elements",
    "first_n": 4,
    "accept": [
        {"type": "regex", "pattern": r"\bflip"},
        {"type": "regex", "pattern": r"\bcrop"},
        {"type": "regex", "pattern": r"\brotat"},
        {"type": "regex", "pattern": r"\bnoise"},
        {"type": "regex", "pattern": r"\bscal"},
    ],
}


@pytest.mark.parametrize(
    "answer, parts",
    [
        ("flip, crop and rotate", ["flip", "crop", "rotate"]),
        ("1) flip\n2) crop", ["flip", "crop"]),
        ("- flip\n- crop", ["flip", "crop"]),
        ("(1) flip (2) crop", ["flip", "crop"]),
        ("one long sentence.", ["one long sentence"]),
        ("flip / rotate / crop / noise", ["flip", "rotate", "crop", "noise"]),
        ("fewer params + locality", ["fewer params", "locality"]),
        ("flip/rotate", ["flip", "rotate"]),
        ("a ratio of 1/4", ["a ratio of 1/4"]),
    ],
)
def test_split_elements(answer, parts):
    assert split_elements(answer) == parts


def test_first_n_only_and_each_concept_once():
    c = checker(ACTIONS)
    assert c("flip, crop, rotate, noise").count == 4
    assert c("flip, flip, crop").count == 2
    m = c("flip, blur, sharpen, contrast, crop, rotate")
    assert m.count == 1 and "first 4" in m.message


def test_catastrophic_regex_is_bounded_and_goes_to_review():
    m = checker({"type": "regex", "pattern": r"(a|aa)+$"})("a" * 40 + "b")
    assert not m.matched and m.review


def test_invalid_regex_is_a_spec_error():
    from grader.checkers.base import SpecError

    with pytest.raises(SpecError, match="invalid pattern"):
        checker({"type": "regex", "pattern": "(unclosed"})


def test_any_all_not():
    tf = {"type": "truefalse", "correct": True}
    assert checker({"type": "any", "of": [tf, {"type": "regex", "pattern": "maybe"}]})("maybe").matched
    assert not checker({"type": "all", "of": [tf, {"type": "regex", "pattern": "because"}]})("True").matched
    assert checker({"type": "not", "of": {"type": "regex", "pattern": "hyperparam"}})("learned").matched


def test_nested_spec_errors_name_their_path():
    from grader.checkers.base import SpecError

    with pytest.raises(SpecError) as exc:
        checker(
            {
                "type": "any",
                "of": [{"type": "number", "value": 1}, {"type": "choice", "options": ["a"], "correct": ["q"]}],
            }
        )
    assert exc.value.loc[:2] == ("of", 1)


def test_a_kind_registered_at_run_time_compiles_and_stays_out_of_the_schema():
    from typing import Literal

    from grader.checkers.base import Match, SpecBase, register
    from grader.schema import rubric_json_schema

    class EchoSpec(SpecBase):
        type: Literal["echo-test"]

    @register("echo-test", EchoSpec)
    def compile_echo(spec, ctx):
        return lambda answer: Match.yes(answer)

    assert checker({"type": "echo-test"})("hi").evidence == ("hi",)
    assert "check_echo-test" not in rubric_json_schema()["$defs"]
