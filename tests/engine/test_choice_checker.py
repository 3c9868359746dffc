import pytest
from helpers import checker

ABCD = {"type": "choice", "options": ["a", "b", "c", "d"], "correct": ["b", "c"]}


@pytest.mark.parametrize(
    "answer, matched",
    [
        ("b, c", True),
        ("B and C", True),
        ("2,3", True),
        ("②③", True),
        ("(b), (c)", True),
        ("정답: b, c", True),
        ("Answer: C, B", True),
        ("BC", True),
        (" b , c. ", True),
        ("Ｂ，Ｃ", True),  # full-width
        ("b", False),
        ("a, b, c", False),
        ("d", False),
        ("В, С", False),  # Cyrillic look-alikes are not options
    ],
)
def test_exact_mode_needs_exactly_the_key(answer, matched):
    assert checker(ABCD)(answer).matched is matched


def test_unreadable_answer_says_so():
    m = checker(ABCD)("I am not sure")
    assert not m.matched and "Could not read" in m.message


def test_empty_key_accepts_none():
    c = checker({"type": "choice", "options": ["a", "b"], "correct": []})
    assert c("none").matched
    assert not c("a").matched


def test_each_mode_gives_share_of_options_right():
    c = checker({**ABCD, "mode": "each"})
    assert c("b").credit == 0.75  # a, b, d decided right; c missed
    assert c("b, c").credit == 1.0


@pytest.mark.parametrize(
    "mode, answer, matched",
    [("subset", "b", True), ("subset", "a, b", False), ("contains", "a, b, c", True), ("contains", "b", False)],
)
def test_subset_and_contains(mode, answer, matched):
    assert checker({**ABCD, "mode": mode})(answer).matched is matched


@pytest.mark.parametrize(
    "answer, matched",
    [("edbac", True), ("E D B A C", True), ("e, d, b, a, c", True), ("e→d→b→a→c", True), ("ebadc", False)],
)
def test_order_sequences(answer, matched):
    c = checker({"type": "choice", "order": True, "options": ["bcdea", "ebadc", "eadbc", "edbac"], "correct": "edbac"})
    assert c(answer).matched is matched


def test_option_text_is_read_when_no_letters():
    c = checker(
        {
            "type": "choice",
            "options": ["a", "b"],
            "correct": ["b"],
            "texts": {"a": "Dropout", "b": "Batch normalization"},
        }
    )
    assert c("batch normalization").matched


@pytest.mark.parametrize(
    "spec, reason",
    [
        ({"type": "choice", "options": ["a", "b"], "correct": ["z"]}, "not among options"),
        ({"type": "choice", "options": ["a", "a"], "correct": ["a"]}, "repeat"),
        ({"type": "choice", "correct": ["a"]}, "options"),
        ({"type": "choice", "options": ["a"], "correct": ["a"], "mode": "some"}, "Input should be"),
    ],
)
def test_bad_specs_are_rejected(spec, reason):
    from grader.checkers.base import SpecError

    with pytest.raises(SpecError, match=reason):
        checker(spec)


@pytest.mark.parametrize(
    "answer, ticked",
    [
        ("c - dropout is bad", ["c"]),
        ("c (add dropout)", ["c"]),
        ("b and c because dropout regularizes", ["b", "c"]),
        ("B. Dropout", ["b"]),
        ("neither", []),
    ],
)
def test_prose_after_the_options_is_not_read_as_ticks(answer, ticked):
    from grader.checkers.choice import read_ticked

    assert read_ticked(answer, ["a", "b", "c", "d"], {}) == ticked


def test_longest_option_text_wins():
    from grader.checkers.choice import read_ticked

    assert read_ticked("Leaky ReLU", ["a", "b", "c", "d"], {"b": "ReLU", "d": "Leaky ReLU"}) == ["d"]


@pytest.mark.parametrize("answer", ["4", "④", "(d) edbac", "e → d → b → a → c (4th option)", "edbac"])
def test_order_answer_by_number_or_listed_sequence(answer):
    c = checker({"type": "choice", "order": True, "options": ["bcdea", "ebadc", "eadbc", "edbac"], "correct": "edbac"})
    assert c(answer).matched
