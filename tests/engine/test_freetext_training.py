"""Grouping and folds that the free-text fits and benches share."""

from grader.freetext.training import question_folds, rows_by_question

GROUPS = ["q2", "q1", "q2", "q3", "q1", "q2"]


def test_rows_by_question_keeps_first_seen_questions_and_row_order():
    by_q = rows_by_question(GROUPS)
    assert list(by_q) == ["q2", "q1", "q3"]
    assert {q: rows.tolist() for q, rows in by_q.items()} == {"q2": [0, 2, 5], "q1": [1, 4], "q3": [3]}


def test_rows_by_question_among_given_rows_in_their_order():
    by_q = rows_by_question(GROUPS, [5, 4, 0, 3])
    assert {q: rows.tolist() for q, rows in by_q.items()} == {"q2": [5, 0], "q1": [4], "q3": [3]}
    assert rows_by_question(GROUPS, []) == {}


def test_question_folds_hold_out_whole_questions():
    folds = question_folds(GROUPS, folds=2)
    assert [f.tolist() for f in folds] == [[1, 3, 4], [0, 2, 5]]  # sorted ids dealt round robin: q1, q3 | q2
    assert len(question_folds(GROUPS, folds=5)) == 3  # never more folds than questions
