"""Free-text checker speed: compile time and checks per second on one core.

    python bench/checkers.py

Figures only (speed is never asserted in tests). Targets: a concept check
under 0.1 ms on a short answer; a classifier compiled from ~20 examples in
under 200 ms and scoring 2,000 short answers/s.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.checkers.base import CompileContext, Example, compile_check
from grader.normalize import normalize_text

MODEL = "Limited GPU memory: a large mini-batch does not fit into the memory of the GPU."
FULL = [
    "the GPU memory is too small for a large batch",
    "a big mini-batch does not fit in GPU memory",
    "limited memory on the graphics card",
    "GPU 메모리가 부족해서 큰 배치를 올릴 수 없다",
    "memory of the GPU is limited",
    "large batches need more GPU memory than we have",
]
ZERO = [
    "small batches train faster",
    "because of overfitting",
    "the learning rate is too high",
    "batch normalization needs it",
    "to get more epochs",
    "it is a hyperparameter",
]


def per_second(check, answers: list[str]) -> float:
    t0 = time.process_time()
    for a in answers:
        check(a)
    return len(answers) / (time.process_time() - t0)


def main() -> None:
    ctx = CompileContext("p", "i", 1.0, normalize_text(MODEL), {})
    concept = compile_check({"type": "concept", "synonyms": ["vanishing gradient*", "기울기 소실"]}, ctx)
    answers = [normalize_text(f"sigmoid saturates so the gradient vanishes in layer {i}") for i in range(2000)]
    rate = per_second(concept, answers)
    print(f"concept: {1000 / rate:.3f} ms per check, {rate:,.0f} checks/s")

    examples = tuple(Example(normalize_text(a), 1.0, 1.0) for a in FULL * 2) + tuple(
        Example(normalize_text(a), 0.0, 1.0) for a in ZERO * 2
    )
    ctx = CompileContext("p", "i", 1.0, normalize_text(MODEL), {}, examples[:20])
    t0 = time.process_time()
    compile_check({"type": "classifier"}, ctx)
    print(f"classifier: first compile, importing scikit-learn: {(time.process_time() - t0) * 1000:.0f} ms")
    t0 = time.process_time()
    classifier = compile_check({"type": "classifier"}, ctx)
    print(f"classifier: compiled from 20 examples in {(time.process_time() - t0) * 1000:.0f} ms")
    answers = [normalize_text(f"the GPU memory is limited, case {i}") for i in range(1000)]
    print(f"classifier: {per_second(classifier, answers):,.0f} answers/s")


if __name__ == "__main__":
    main()
