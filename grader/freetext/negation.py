"""Which tokens an answer negates, in English and Korean (a small NegEx).

English cues negate forward to the end of the clause, at most ``EN_AFTER``
tokens ("does not use momentum"), and backward over a copula or auxiliary
("momentum is not used"). Korean negation follows what it negates
("모멘텀을 사용하지 않는다", "갱신이 안 된다", "기울기가 없다"), so a Korean cue
negates the ``KO_BEFORE`` tokens before it in the same clause. "not only" and
"no doubt" are not negations; "없애다" (to remove) is not one either; "not
enough X" and "X가 충분하지 않다" deny the quantity and leave X asserted.
"""

from __future__ import annotations

from functools import lru_cache

from grader.freetext.text import Token, _split, tokenize

EN_CUES = frozenset(
    _split("not no never without cannot nor neither none nothing nobody nowhere hardly barely lacks lack lacking")
)
EN_BACK_OVER = frozenset(
    _split(
        "is are was were be been being am do does did has have had will would shall should can could may might must "
        "it this that they which"
    )
)
EN_FALSE = {("not", "only"), ("no", "doubt"), ("not", "just"), ("no", "matter"), ("not", "necessarily")}
# "not enough memory" / "메모리가 충분하지 않다" deny a quantity, not the thing:
# the answer still says memory is the issue.
EN_QUANTITY = frozenset(_split("enough sufficient sufficiently much many"))
KO_QUANTITY = ("충분", "많", "넉넉")
EN_AFTER = 6
EN_BEFORE = 2
KO_BEFORE = 3
_KO_CUE_PREFIXES = (
    "않",
    "없",
    "못하",
    "못한",
    "못해",
    "못했",
    "아니",
    "아닌",
    "아님",
    "안되",
    "안돼",
    "안된",
    "안하",
    "안해",
)
_KO_NOT_CUES = ("없애", "없앤", "없앨")


def is_cue(t: Token) -> bool:
    w = t.text
    if t.hangul:
        if w in ("안", "못"):
            return True
        if w.startswith(_KO_NOT_CUES):
            return False
        # the cue is usually a syllable inside an eojeol: 사용하지않는다, 갱신이안된다, 소용없다
        return any(c in w for c in ("않", "없")) or w.startswith(_KO_CUE_PREFIXES) or "지못" in w or "지않" in w
    return w in EN_CUES or w.endswith("n't")


@lru_cache(maxsize=8192)
def negated_mask(text: str) -> tuple[bool, ...]:
    """For each token of ``tokenize(text)``: is it inside a negation's scope?"""
    toks = tokenize(text)
    mask = [False] * len(toks)
    for k, t in enumerate(toks):
        if not is_cue(t):
            continue
        if not t.hangul:
            nxt = toks[k + 1].text if k + 1 < len(toks) else ""
            if (t.text, nxt) in EN_FALSE or nxt in EN_QUANTITY:
                continue
            mask[k] = True
            for j in range(k + 1, min(len(toks), k + 1 + EN_AFTER)):
                if toks[j].clause != t.clause:
                    break
                mask[j] = True
            # backward over "is/are/does..." only: "momentum is not used"
            j = k - 1
            steps = 0
            while j >= 0 and toks[j].clause == t.clause and toks[j].text in EN_BACK_OVER and steps < 3:
                j -= 1
                steps += 1
            if steps and j >= 0 and toks[j].clause == t.clause:
                for i in range(max(0, j - EN_BEFORE + 1), k):
                    if toks[i].clause == t.clause:
                        mask[i] = True
        else:
            mask[k] = True
            if k > 0 and toks[k - 1].text.startswith(KO_QUANTITY):
                continue
            for j in range(k - 1, max(-1, k - 1 - KO_BEFORE), -1):
                if toks[j].clause != t.clause:
                    break
                mask[j] = True
    return tuple(mask)


def count_cues(text: str) -> int:
    toks = tokenize(text)
    n = 0
    for k, t in enumerate(toks):
        if is_cue(t):
            nxt = toks[k + 1].text if k + 1 < len(toks) else ""
            n += (t.text, nxt) not in EN_FALSE
    return n
