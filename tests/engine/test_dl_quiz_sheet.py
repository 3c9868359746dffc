"""A real answer sheet (seeds/000_c90f703fddd99509.txt) graded against rubrics/dl-quiz.yaml.

The sheet's answers are stored verbatim in tests/data/dl-quiz-sheet.json. The
expected points below are a human grader's, part by part; the rubric must
reproduce them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from grader import load_rubric
from grader.engine import grade

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = ROOT / "rubrics" / "dl-quiz.yaml"
SHEET = ROOT / "tests" / "data" / "dl-quiz-sheet.json"

EXPECTED = {
    # Q1 "A: True." - True is right: sigma' = sigma(1 - sigma) <= 1/4.
    "1": 1,
    # Q2 "A, B, C" - A and B are the key; C (batch norm) is debatable and accepted; no D.
    "2": 2,
    # Q3 "D" - wrong: batch normalization makes training faster (B); it is not
    # standardizing the data before training.
    "3": 0,
    # Q4 pruning instead of L1 regularization: pruning makes weights sparse but not
    # smaller (1 of the 2 method points), and the why - removing the low-importance
    # weights (중요도가 낮은 Weights의 연결을 제거) - earns its 1 point.
    "4": 2,
    # Q5 the full derivation ending in tanh(x) = 2σ(2x) - 1: result 2 + work 1.
    "5": 3,
    # Q6 only the chain rule with σ(z)(1 - σ(z)) and unsimplified matrices; never
    # reaches ŷ - y or (ŷ - y)Xᵀ: the 0.5 chain-rule partial credit.
    "6": 0.5,
    # Q7 "모든 prediction이 positive ... ŷ ≥ 0.5" (what) and "ReLU는 0 혹은 양수 값을
    # 리턴" (why): full.
    "7": 2,
    # Q8 "이용하지 않을 것이다" (no), "gradient가 0이다" (zero gradient) and the
    # backpropagation consequence: full.
    "8": 2,
    # Q9 both reasons are the spatial / local-connectivity reason (공간정보, 더 좁은
    # 범위의 feature): one distinct reason, 1 of 2.
    "9": 1,
    # Q10 the table's numbers are all right: 448, 32, 2320, 10250 and every size.
    "10": 7,
}


def load_sheet() -> dict:
    return json.loads(SHEET.read_text(encoding="utf-8"))


def test_sheet_is_the_real_submission() -> None:
    sheet = load_sheet()
    assert sheet["id"] == "c90f703fddd99509"
    assert list(sheet["answers"]) == [str(i) for i in range(1, 11)]
    seed = ROOT.parent / "shared" / "seeds" / "000_c90f703fddd99509.txt"
    if seed.exists():
        text = seed.read_text(encoding="utf-8")
        for part_id, answer in sheet["answers"].items():
            pieces = answer.split("\n\n \n") if part_id == "6" else [answer]
            for piece in pieces:
                assert piece.strip() in text, f"answer {part_id} is not verbatim from the seed"
    assert "\t" in sheet["answers"]["10"]


@pytest.fixture(scope="module")
def result():
    rubric = load_rubric(RUBRIC)
    sheet = load_sheet()
    return grade(rubric, sheet["answers"], submission_id=sheet["id"])


@pytest.mark.parametrize("part_id", list(EXPECTED))
def test_sheet_part_points(result, part_id: str) -> None:
    part = result.parts[part_id]
    # whether a person should also look is the review layer's call (tests/engine/test_review.py);
    # the points are the rubric's, and the machine's proposal stands either way
    assert part.status in ("graded", "needs_review"), part.status
    assert float(part.points) == EXPECTED[part_id], (part.feedback, part.matched)


def test_sheet_total(result) -> None:
    assert float(result.total) == sum(EXPECTED.values()) == 20.5
    assert float(result.max) == 26


def test_sheet_table_cells(result) -> None:
    matched = {m.id for m in result.parts["10"].matched}
    assert {"conv1_params", "bn_params", "conv2_params", "fc_params"} <= matched


def test_cli_grade_prints_documented_json() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(RUBRIC), str(SHEET), "--no-progress"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert isinstance(out, list) and len(out) == 1
    [sub] = out
    assert {"id", "total", "max", "parts"} <= set(sub)
    assert sub["id"] == "c90f703fddd99509"
    assert sub["total"] == 20.5 and sub["max"] == 26
    assert list(sub["parts"]) == [str(i) for i in range(1, 11)]
    for part_id, points in EXPECTED.items():
        part = sub["parts"][part_id]
        assert part["points"] == points
        assert {"points", "max", "status", "feedback"} <= set(part)
