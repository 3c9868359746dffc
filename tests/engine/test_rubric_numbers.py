"""Every number in a rubric is read with a bounded grammar and range: out of range is a line-level error.

A quoted ``"1e3000000"`` once became a three-million-digit integer that the
service chewed on until its worker was killed; ``!!int abc``, ``!!float .inf``
and a 4,301-digit literal crashed the loader. Each case here puts one such
value into one field and expects a ``RubricError`` naming that line and field.
"""

from __future__ import annotations

import pytest

from grader import RubricError, load_rubric_text

TEMPLATE = """\
exam: {id: t, title: T, total: <total>}
parts:
  - id: a
    max: <max>
    items:
      - id: value
        points: <points>
        check: {type: number, value: <value>, abs_tol: <abs_tol>}
      - id: half
        points: 0
        effect: multiply
        factor: <factor>
        check: {type: number, value: 7, rel_tol: <rel_tol>}
      - id: figs
        points: 0.5
        check: {type: number, value: 2, sig_figs: <sig_figs>}
      - id: shape
        points: 0.5
        check: {type: tuple, value: [<tuple_value>, 2], abs_tol: <tuple_tol>}
      - id: expr
        points: 0.5
        check: {type: expression, expr: "x^2", variables: [x], domain: {x: [<domain_lo>, 2]}, tol: <expr_tol>}
      - id: words
        points: 0.5
        check: {type: concept, synonyms: [momentum, velocity], min_hits: <min_hits>}
      - id: pattern
        points: 0.5
        check: {type: regex, pattern: "mom", min_count: <min_count>}
      - id: many
        points: 0.5
        each: <each>
        check: {type: elements, accept: [{type: regex, pattern: "a"}], first_n: <first_n>}
      - id: wrong
        points: -0.5
        per_occurrence: true
        max_deduction: <max_deduction>
        check: {type: regex, pattern: "wrong"}
    examples:
      - {answer: "1.5", points: <example_points>}
"""
GOOD = {
    "total": "3",
    "max": "3",
    "points": "1",
    "value": "1.5",
    "abs_tol": "0.01",
    "factor": "0.5",
    "rel_tol": "0.01",
    "sig_figs": "2",
    "tuple_value": "1",
    "tuple_tol": "0",
    "domain_lo": "-2",
    "expr_tol": "0.001",
    "min_hits": "1",
    "min_count": "1",
    "each": "0.5",
    "first_n": "3",
    "max_deduction": "1",
    "example_points": "1",
}
FIELDS = {
    "total": "exam.total",
    "max": "parts[0].max",
    "points": "parts[0].items[0].points",
    "value": "parts[0].items[0].check.value",
    "abs_tol": "parts[0].items[0].check.abs_tol",
    "factor": "parts[0].items[1].factor",
    "rel_tol": "parts[0].items[1].check.rel_tol",
    "sig_figs": "parts[0].items[2].check.sig_figs",
    "tuple_value": "parts[0].items[3].check.value",
    "tuple_tol": "parts[0].items[3].check.abs_tol",
    "domain_lo": "parts[0].items[4].check.domain.x[0]",
    "expr_tol": "parts[0].items[4].check.tol",
    "min_hits": "parts[0].items[5].check.min_hits",
    "min_count": "parts[0].items[6].check.min_count",
    "each": "parts[0].items[7].each",
    "first_n": "parts[0].items[7].check.first_n",
    "max_deduction": "parts[0].items[8].max_deduction",
    "example_points": "parts[0].examples[0].points",
}
HOSTILE = [
    '"1e3000000"',
    '"1e1000000"',
    "1e1000000",
    "!!int abc",
    "!!float .inf",
    "1" * 4301,
    '"' + "1" * 4301 + '"',
    "1e400",
    '"inf"',
    '".nan"',
    '"-1e400"',
    "1000000000000000000000",
]
# Numbers that parse but lie outside the field's range (the database's numeric column included).
OUT_OF_RANGE = [
    ("max", "1000000"),
    ("points", "1000000"),
    ("total", "1000000"),
    ("example_points", "-1"),
    ("factor", "2"),
    ("abs_tol", "-1"),
    ("sig_figs", "16"),
    ("min_hits", "100000"),
    ("first_n", "100000"),
    ("min_count", "100000"),
    ("each", "1000000"),
    ("max_deduction", "1000000"),
    ("value", '"1e999"'),
    ("value", '"1e-999"'),
]


def rubric(field: str, value: str) -> str:
    text = TEMPLATE
    for name, good in GOOD.items():
        text = text.replace(f"<{name}>", value if name == field else good)
    return text


def line_of(field: str) -> int:
    return next(n for n, line in enumerate(TEMPLATE.splitlines(), 1) if f"<{field}>" in line)


def only_issue(text: str):
    with pytest.raises(RubricError) as caught:
        load_rubric_text(text, "numbers.yaml")
    issues = caught.value.issues
    assert len(issues) == 1, [str(i) for i in issues]
    return issues[0]


def test_the_template_itself_loads():
    assert load_rubric_text(rubric("", ""), "numbers.yaml").max == 3


CASES = [(field, value) for field in FIELDS for value in HOSTILE] + OUT_OF_RANGE


@pytest.mark.timeout(60)  # a hang guard: before the fix some of these ran for minutes
@pytest.mark.parametrize("field, value", CASES, ids=[f"{f}={v[:24]}" for f, v in CASES])
def test_a_number_outside_the_grammar_or_range_is_an_error_at_its_line_and_field(field, value):
    issue = only_issue(rubric(field, value))
    assert issue.file == "numbers.yaml"
    assert issue.line == line_of(field), str(issue)
    assert issue.field.startswith(FIELDS[field]) or value.startswith("!!"), str(issue)
    assert len(issue.reason) < 300, "the reason never echoes a huge literal"


@pytest.mark.parametrize(
    "value, why",
    [
        ("!!int abc", "tag"),
        ("!!float .inf", "tag"),
        ("!!str 3", "tag"),
        ("1" * 4301, "at most"),
        ("1e400", "range"),
        ('"1e3000000"', "range"),
        ("1000000", "out of range"),
    ],
)
def test_the_reason_says_what_is_wrong(value, why):
    assert why in only_issue(rubric("max", value)).reason


@pytest.mark.parametrize("value", ["1.5", '"1.5"', '"3/2"', "+1.5", "15e-1", '"0.15e1"'])
def test_ordinary_ways_to_write_a_number_still_work(value):
    loaded = load_rubric_text(rubric("points", value), "numbers.yaml")
    assert float(loaded.parts[0].items[0].points) == 1.5


def test_no_number_in_a_loaded_rubric_has_more_than_fifteen_digits():
    loaded = load_rubric_text(rubric("", ""), "numbers.yaml").model_dump(mode="python")

    def walk(node):
        if isinstance(node, dict):
            for v in node.values():
                yield from walk(v)
        elif isinstance(node, (list, tuple)):
            for v in node:
                yield from walk(v)
        elif isinstance(node, int) and not isinstance(node, bool):
            yield node

    assert all(abs(n) < 10**15 for n in walk(loaded))
