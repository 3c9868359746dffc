"""Words that say true or false, in English, Korean and German, shared by the true/false and choice readers."""

from __future__ import annotations

from rapidfuzz.distance import OSA


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TRUE_WORDS = _words(
    "true t yes y yep yeah yup correct right agree o ○ ⭕ ✓ ✔ wahr richtig 참 예 네 응 맞다 맞음 맞아 맞아요 맞습니다 "
    "맞는 맞고 그렇다 그렇습니다 그래 그렇죠 옳다 옳음 옳습니다 옳은 사실 사실이다 동의"
)
FALSE_WORDS = _words(
    "false f no n nope nah incorrect wrong disagree x × ✗ ✘ falsch 거짓 틀리다 틀림 틀려 틀렸다 틀립니다 틀린 틀렸음 "
    "아니다 아님 아니오 아니요 아뇨 아닙니다 아니 아니에요 그렇지않다 오답"
)
# Korean verdict words are inflected: the stem decides ("참이다", "거짓입니다", "맞는다", "틀렸음").
KO_STEMS = (
    ("참", True),
    ("거짓", False),
    ("맞", True),
    ("옳", True),
    ("그렇", True),
    ("틀리", False),
    ("틀렸", False),
    ("틀린", False),
    ("틀림", False),
    ("아니", False),
    ("아닙", False),
    ("아님", False),
)
_TYPO_WORDS = {"true": True, "false": False, "correct": True, "incorrect": False, "richtig": True, "falsch": False}


def truth(word: str) -> bool | None:
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    for stem, value in KO_STEMS:
        if word.startswith(stem):
            return value
    return None


def typo_truth(word: str) -> bool | None:
    """One transposed, missing or wrong letter in a verdict word of four letters or more ("Fasle")."""
    if len(word) < 4 or not word.isascii():
        return None
    for target, value in _TYPO_WORDS.items():
        if abs(len(word) - len(target)) <= 1 and OSA.distance(word, target, score_cutoff=1) <= 1:
            return value
    return None
