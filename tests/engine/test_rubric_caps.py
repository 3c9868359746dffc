"""A rubric's shape is capped (parts, items, examples, learned parts), so compiling one takes bounded time.

A 10,000-part rubric once took 11.6 s to create inside a web request. The
caps are documented in docs/rubric-format.md; ``bench/hostile.py`` measures
the largest rubric they allow.
"""

from __future__ import annotations

import pytest

from grader import RubricError, load_rubric_text

# The caps as docs/rubric-format.md states them.
MAX_PARTS = 200
MAX_ITEMS_PER_PART = 30
MAX_ITEMS = 300
MAX_EXAMPLES_PER_PART = 50
MAX_EXAMPLES = 2000
MAX_LEARNED_PARTS = 10

CHOICE = "{type: choice, options: [a, b], correct: [a]}"
LEARNED = "{type: classifier}"


def rubric(parts: int, items: int = 1, examples: int = 0, learned: int = 0) -> str:
    lines = ["exam: {id: caps, title: Caps}", "parts:"]
    for p in range(parts):
        lines += [f"  - id: p{p}", f"    max: {items}", "    model_answer: momentum keeps a velocity", "    items:"]
        check = LEARNED if p < learned else CHOICE
        lines += [f"      - {{id: i{i}, points: 1, check: {check}}}" for i in range(items)]
        if examples:
            lines.append("    examples:")
            lines += [f'      - {{answer: "a {e}", points: 0}}' for e in range(examples)]
    return "\n".join(lines) + "\n"


def the_issue(text: str):
    with pytest.raises(RubricError) as caught:
        load_rubric_text(text, "caps.yaml")
    [issue] = caught.value.issues
    return issue


def test_a_rubric_at_every_cap_loads():
    loaded = load_rubric_text(rubric(MAX_PARTS, 1, MAX_EXAMPLES // MAX_PARTS), "caps.yaml")
    assert len(loaded.parts) == MAX_PARTS
    assert sum(len(p.examples) for p in loaded.parts) == MAX_EXAMPLES


@pytest.mark.parametrize(
    "text, field, words",
    [
        (rubric(MAX_PARTS + 1), "parts", f"at most {MAX_PARTS}"),
        (rubric(1, MAX_ITEMS_PER_PART + 1), "parts[0].items", f"at most {MAX_ITEMS_PER_PART}"),
        (rubric(1, 1, MAX_EXAMPLES_PER_PART + 1), "parts[0].examples", f"at most {MAX_EXAMPLES_PER_PART}"),
        (rubric(MAX_ITEMS // MAX_ITEMS_PER_PART + 1, MAX_ITEMS_PER_PART), "", f"at most {MAX_ITEMS} items"),
        (rubric(MAX_EXAMPLES // MAX_EXAMPLES_PER_PART + 1, 1, MAX_EXAMPLES_PER_PART), "", f"{MAX_EXAMPLES} examples"),
        (rubric(MAX_LEARNED_PARTS + 1, learned=MAX_LEARNED_PARTS + 1), "parts", f"at most {MAX_LEARNED_PARTS} parts"),
    ],
    ids=["parts", "items per part", "examples per part", "items", "examples", "learned parts"],
)
def test_a_rubric_past_a_cap_is_an_error_that_names_the_cap(text, field, words):
    issue = the_issue(text)
    assert issue.field == field and words in issue.reason, str(issue)
    assert issue.line is not None
