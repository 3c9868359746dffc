"""Can an instructor trust the grades? Measured on answers nobody wrote the rubrics from.

    python bench/trust.py                  # the frozen test split: per rubric and overall
    python bench/trust.py --split dev      # the development split (the only one to look at while tuning)
    python bench/trust.py --split dev --show wrong   # every dev part graded wrong, flagged or not
    python bench/trust.py --split dev --thresholds   # review share and silent wrong per threshold
    python bench/trust.py --emit-model               # refit the review model on the calibration split
    python bench/trust.py --json

The answers in ``tests/data/trust/`` were written by people who saw only each exam's questions and
official solution, and graded in a separate pass by the official notes (see its README). Three
splits: ``dev`` (read while improving readers and rubrics), ``calib`` (written later by other writers;
the review model is fitted on it, and it is never read case by case) and ``test`` (a frozen third of
the first set: nothing is tuned on it). ``--show`` and ``--thresholds`` look at the dev split only.

Per rubric: exact (machine points equal the human's), silent wrong (graded, not sent to review,
points differ), review share, mean absolute error in points, and a calibration table (parts by
reported confidence: the share graded exactly right in each bin). Figures, never assertions.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader import compile_rubric, load_rubric  # noqa: E402
from grader.engine import CompiledRubric  # noqa: E402
from grader.result import PartResult  # noqa: E402

DATA = ROOT / "tests" / "data" / "trust"
RUBRICS = {
    "tum-i2dl-ss20-endterm": ROOT / "rubrics" / "tum-i2dl-ss20-endterm.yaml",
    "dl-quiz": ROOT / "rubrics" / "dl-quiz.yaml",
    "cs231n-midterm": ROOT / "rubrics" / "cs231n-midterm.yaml",
    "dl-homework1": ROOT / "rubrics" / "dl-homework1.yaml",
}
BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001)


@dataclass(frozen=True)
class Case:
    rubric: str
    id: str
    part: str
    answer: str
    points: Fraction
    split: str
    note: str


@dataclass(frozen=True)
class Graded:
    case: Case
    result: PartResult

    @property
    def exact(self) -> bool:
        return self.result.points == self.case.points

    @property
    def flagged(self) -> bool:
        return self.result.status == "needs_review"

    @property
    def silent_wrong(self) -> bool:
        return not self.exact and not self.flagged


def load_cases(rubric: str, split: str) -> list[Case]:
    cases = []
    with (DATA / f"{rubric}.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if split != "all" and row["split"] != split:
                continue
            cases.append(
                Case(
                    rubric,
                    row["id"],
                    row["part"],
                    row["answer"],
                    Fraction(str(row["points"])),
                    row["split"],
                    row.get("why", ""),
                )
            )
    return cases


def grade_cases(compiled: CompiledRubric, cases: list[Case]) -> list[Graded]:
    from grader.engine import grade_part

    return [Graded(c, grade_part(compiled, c.part, c.answer)) for c in cases]


def summary(graded: list[Graded]) -> dict:
    n = len(graded)
    if not n:
        return {"n": 0}
    exact = sum(g.exact for g in graded)
    silent = sum(g.silent_wrong for g in graded)
    flagged = sum(g.flagged for g in graded)
    flagged_wrong = sum(g.flagged and not g.exact for g in graded)
    mae = sum(abs(float(g.result.points - g.case.points)) for g in graded) / n
    return {
        "n": n,
        "exact": exact / n,
        "silent_wrong": silent / n,
        "review": flagged / n,
        "review_precision": flagged_wrong / flagged if flagged else None,
        "mae": mae,
        "calibration": calibration(graded),
    }


def calibration(graded: list[Graded]) -> list[dict]:
    rows = []
    for lo, hi in itertools.pairwise(BINS):
        inside = [g for g in graded if lo <= g.result.confidence < hi]
        if inside:
            mean_conf = sum(g.result.confidence for g in inside) / len(inside)
            rows.append(
                {
                    "bin": f"[{lo:.2f}, {min(hi, 1):.2f}{']' if hi > 1 else ')'}",
                    "n": len(inside),
                    "mean_confidence": mean_conf,
                    "exact": sum(g.exact for g in inside) / len(inside),
                }
            )
    return rows


def print_summary(name: str, s: dict) -> None:
    if not s["n"]:
        print(f"{name}: no cases")
        return
    prec = "-" if s["review_precision"] is None else f"{s['review_precision']:.0%}"
    print(
        f"{name:<24} n={s['n']:<4} exact {s['exact']:6.1%}  silent wrong {s['silent_wrong']:5.1%}  "
        f"review {s['review']:5.1%} (wrong among them {prec})  MAE {s['mae']:.3f}"
    )


def print_calibration(s: dict) -> None:
    print("    confidence bin     parts   mean conf   exactly right   gap")
    for row in s["calibration"]:
        gap = row["exact"] - row["mean_confidence"]
        flag = "" if row["n"] < 30 else ("  <- off by more than 5 points" if abs(gap) > 0.05 else "")
        print(
            f"    {row['bin']:<16} {row['n']:>6}   {row['mean_confidence']:9.3f}   {row['exact']:13.1%}"
            f"   {gap:+.3f}{flag}"
        )


def show(graded: list[Graded], what: str) -> None:
    for g in graded:
        if what == "wrong" and g.exact:
            continue
        if what == "silent" and not g.silent_wrong:
            continue
        r = g.result
        mark = "REVIEW" if g.flagged else "SILENT"
        print(
            f"--- {g.case.rubric} {g.case.part} [{g.case.id}] {mark}: machine {float(r.points):g} human "
            f"{float(g.case.points):g} / {float(r.max):g}  conf {r.confidence:.2f}"
        )
        print("    answer: " + g.case.answer.replace("\n", "\n            "))
        print(f"    human:  {g.case.note}")
        print(f"    items:  {[(m.id, float(m.points), list(m.evidence)[:3]) for m in r.matched]}")
        if r.review_reasons:
            print(f"    review: {list(r.review_reasons)}")


def part_signals(compiled: CompiledRubric, case: Case) -> list[float] | None:
    """The review signals of one case, as the engine computes them before the model weighs them."""
    from grader.normalize import normalize_text
    from grader.review.assess import FEATURES
    from grader.scoring import score_part

    cpart = compiled.parts[case.part]
    text = normalize_text(case.answer)
    if not text or cpart.reviewer is None:
        return None
    matches = [(ci.item, ci.run(text)) for ci in cpart.items]
    raw = score_part(cpart.part, text, matches)
    values, _ = cpart.reviewer.signals(text, matches, raw)
    return [values[name] for name in FEATURES]


def emit_model(l2: float, rubric_dir: Path | None = None, split: str = "calib") -> None:
    """Fit the review model on the calibration split and write grader/review/fitted.py.

    The calibration answers are never read one by one and no rubric was changed after them, so the model
    learns how often answers nobody foresaw are misread (the dev split, which rubrics were tuned on,
    would make it overconfident). ``rubric_dir``: grade with these rubric files instead."""
    import numpy as np

    from grader.freetext.linear import fit_logistic
    from grader.review.assess import FEATURES

    X, y = [], []
    for name in RUBRICS:
        path = rubric_dir / RUBRICS[name].name if rubric_dir else RUBRICS[name]
        compiled = compile_rubric(load_rubric(path))
        for g in grade_cases(compiled, load_cases(name, split)):
            x = part_signals(compiled, g.case)
            if x is not None:
                X.append(x)
                y.append(float(g.exact))
    model = fit_logistic(np.array(X), np.array(y), FEATURES, l2=l2)
    literal = model.as_literal().replace("LinearModel(", "Logistic(", 1)
    header = (
        '"""The shipped review model (generated: ``python bench/trust.py --emit-model``).\n\n'
        "Logistic weights on the signals of grader.review.assess.FEATURES, fitted on the calibration\n"
        f"split of tests/data/trust ({len(y)} graded parts, {int(sum(y))} exactly right) with L2 {l2:g}.\n"
        '"""\n\nfrom grader.review.assess import Logistic\n\n'
    )
    path = ROOT / "grader" / "review" / "fitted.py"
    path.write_text(header + "MODEL = " + literal + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)} from {len(y)} {split} parts")
    for n, w in sorted(zip(model.names, model.weights, strict=True), key=lambda nw: -abs(nw[1])):
        print(f"    {n:<14} {w:+.3f}")


def thresholds(names: list[str]) -> None:
    """What each review threshold would cost and catch on the dev split (per rubric and overall)."""
    from grader.review import assess

    saved = assess.REVIEW_BELOW
    assess.REVIEW_BELOW = 0.0  # grade with the checkers' own review reasons only
    try:
        per: dict[str, list[Graded]] = {}
        for name in names:
            compiled = compile_rubric(load_rubric(RUBRICS[name]))
            per[name] = grade_cases(compiled, load_cases(name, "dev"))
    finally:
        assess.REVIEW_BELOW = saved
    everything = [g for gs in per.values() for g in gs]
    print("\n    threshold " + "".join(f"  {n[:14]:>14} review/silent" for n in [*per, "all"]))
    for t in (0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
        row = f"    {t:9.2f} "
        for gs in [*per.values(), everything]:
            flagged = [g.flagged or g.result.confidence < t for g in gs]
            silent = sum(not g.exact and not f for g, f in zip(gs, flagged, strict=True))
            row += f"  {sum(flagged) / len(gs):13.1%} {silent / len(gs):5.1%}"
        print(row)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["test", "dev", "calib", "all"], default="test")
    ap.add_argument("--rubric", choices=sorted(RUBRICS), action="append")
    ap.add_argument("--show", choices=["wrong", "silent"], help="print the cases (dev split only)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--emit-model", action="store_true", help="fit the review model on the dev split")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--rubric-dir", type=Path, help="grade with the rubric files in this folder instead")
    ap.add_argument("--thresholds", action="store_true", help="review share vs silent wrong per threshold (dev)")
    args = ap.parse_args(argv)
    if args.emit_model:
        emit_model(args.l2, args.rubric_dir, "calib" if args.split == "test" else args.split)
        return 0
    if (args.show or args.thresholds) and args.split != "dev":
        ap.error("--show and --thresholds look only at the dev split: the test split is never inspected while tuning")

    everything: list[Graded] = []
    out = {}
    for name in args.rubric or RUBRICS:
        path = args.rubric_dir / RUBRICS[name].name if args.rubric_dir else RUBRICS[name]
        compiled = compile_rubric(load_rubric(path))
        graded = grade_cases(compiled, load_cases(name, args.split))
        everything.extend(graded)
        out[name] = summary(graded)
        if args.show:
            show(graded, args.show)
    if args.thresholds:
        thresholds(args.rubric or list(RUBRICS))
    out["all"] = summary(everything)
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"split: {args.split}")
    for name, s in out.items():
        print_summary(name, s)
    for name, s in out.items():
        if s["n"]:
            print(f"\ncalibration, {name}:")
            print_calibration(s)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
