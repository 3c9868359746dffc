"""Engine throughput: grade a generated cohort and print submissions/s and per-part latency.

    python bench/engine.py                      # 1,000 submissions of the TUM endterm rubric
    python bench/engine.py --rubric rubrics/dl-quiz.yaml --n 5000

The cohort is built from the rubric's own example answers with variations
(case, spacing, typos, extra words), so most answers are new to the cache, as a
real class's would be. The same run times a naive `simplify(a - b) == 0`
checker on the expression parts for comparison. Figures, never assertions.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from grader import compile_rubric, grade, load_rubric  # noqa: E402
from grader.rubric.model import Rubric  # noqa: E402

DEFAULT_RUBRIC = ROOT / "rubrics" / "tum-i2dl-ss20-endterm.yaml"
FILLERS = ["I think", "Answer:", "so", "therefore", "(see above)", "i.e.", "정답:", "because of this"]


def vary(text: str, rng: random.Random) -> str:
    """A plausible rewrite of an example answer: the grader must still cope."""
    roll = rng.random()
    if roll < 0.25:
        return text
    if roll < 0.45:
        return text.upper() if len(text) < 12 else text.lower()
    if roll < 0.65 and len(text) > 8:
        i = rng.randrange(1, len(text) - 1)
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]  # swapped letters
    if roll < 0.85:
        return f"{rng.choice(FILLERS)} {text}"
    return "  ".join(text.split(" "))


def make_cohort(rubric: Rubric, n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    cohort = []
    for k in range(n):
        answers = {}
        for part in rubric.parts:
            if not part.examples or rng.random() < 0.03:
                continue  # a few blank parts, as in real exams
            answers[part.id] = vary(rng.choice(part.examples).answer, rng)
        cohort.append({"id": f"s{k:05d}", "answers": answers})
    return cohort


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    s = sorted(samples)
    if not s:
        return (0.0, 0.0, 0.0)
    return (statistics.median(s), s[min(len(s) - 1, int(0.95 * len(s)))], s[-1])


def bench_engine(rubric_path: Path, n: int) -> None:
    t0 = time.perf_counter()
    rubric = load_rubric(rubric_path)
    compiled = compile_rubric(rubric)
    compile_s = time.perf_counter() - t0
    cohort = make_cohort(rubric, n)
    print(f"rubric {rubric.exam.id}: {len(rubric.parts)} parts, compiled in {compile_s * 1000:.0f} ms")

    t0 = time.perf_counter()
    for sub in cohort:
        grade(compiled, sub["answers"], submission_id=sub["id"])
    wall = time.perf_counter() - t0
    print(f"cohort of {n}: {wall:.2f} s, {n / wall:,.0f} submissions/s (cache warm as it fills)")

    # Per-part latency with a cold cache: a fresh compile, each answer timed alone.
    fresh = compile_rubric(load_rubric(rubric_path, compile=False))
    per_part: dict[str, list[float]] = {p.id: [] for p in rubric.parts}
    for sub in cohort[:300]:
        for pid, text in sub["answers"].items():
            t = time.perf_counter()
            fresh.parts[pid].grade(text + f" #{sub['id']}")  # defeat the cache on purpose
            per_part[pid].append((time.perf_counter() - t) * 1000)
    allms = [x for v in per_part.values() for x in v]
    med, p95, worst = percentiles(allms)
    print(f"per-part latency, uncached: median {med:.3f} ms, p95 {p95:.3f} ms, max {worst:.1f} ms")
    slow = sorted(per_part.items(), key=lambda kv: -percentiles(kv[1])[1])[:5]
    for pid, samples in slow:
        med, p95, worst = percentiles(samples)
        print(f"  part {pid:>6}: median {med:.3f} ms, p95 {p95:.3f} ms, max {worst:.1f} ms")
    bench_math(rubric, cohort)


def bench_math(rubric: Rubric, cohort: list[dict]) -> None:
    """Ours vs a naive simplify(a - b) == 0 on the expression items' answers."""
    try:
        from naive_math import naive_equiv_ms
    except ImportError:
        print("math comparison: bench/naive_math.py needs sympy")
        return
    from grader.engine import compile_rubric as _compile

    compiled = _compile(rubric)
    pairs = []
    for part in rubric.parts:
        for ci in compiled.parts[part.id].items:
            if ci.item.check.get("type") == "expression":
                for sub in cohort[:200]:
                    if part.id in sub["answers"]:
                        pairs.append((ci, sub["answers"][part.id], ci.item.check["expr"]))
    if not pairs:
        print("math comparison: the rubric has no expression items")
        return
    ours, naive = [], []
    for ci, answer, key in pairs:
        t = time.perf_counter()
        ci.run(answer + " ")
        ours.append((time.perf_counter() - t) * 1000)
        naive.append(naive_equiv_ms(answer, key))
    for name, samples in (("engine", ours), ("naive simplify", naive)):
        med, p95, worst = percentiles(samples)
        print(f"math checks ({len(samples)}), {name}: median {med:.2f} ms, p95 {p95:.2f} ms, max {worst:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rubric", type=Path, default=DEFAULT_RUBRIC)
    ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()
    if not args.rubric.exists():
        sys.exit(f"{args.rubric} not found")
    bench_engine(args.rubric, args.n)


if __name__ == "__main__":
    main()
