"""Which options an answer chooses: by letter, by number, in lists, per option, or by content.

Most answers are a bare list ("b, c", "B and C", "②③", "(a),(d)") and are read
whole. Otherwise the answer is cut into statements (sentences, lines, and the
parts before and after an arrow) and each statement's option *mentions* are
found: letters written as labels ("(c)", "c)", "C.", an upper-case "C", "c는"),
circled or numbered options ("②", "2번"), and options named by their content
in English or Korean (the rubric's option texts, compared through the shared
thesaurus, so "데이터 증강" names "Data augmentation").

Which statement holds the choice:
- per-option verdicts ("a) X b) O", "a false. b is true") tick the options said
  to be true;
- else the last statement that concludes ("→ ②③", "so B", "정답: c", "답은 c") or,
  without one, the first statement that mentions options; later statements are
  the explanation, and options they discuss are not ticks;
- an option with a denial next to it ("(c) is wrong", "tanh는 아님", "not b") is
  not ticked wherever it stands.

A reading found by content, from a later statement, or with a hedge next to
an option ("D, maybe also B?") carries a doubt for the review layer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from grader.checkers.base import Doubt
from grader.freetext.text import content_stems, tokenize
from grader.freetext.thesaurus import Thesaurus, shared
from grader.normalize import fold
from grader.readers.verdicts import truth

_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}  # ① .. ⑳
_TOKEN = re.compile(r"[a-z]+|[0-9]+|[\u2460-\u2473]")
_PREFIX = re.compile(
    r"^\s*(?:answers?|ans|sol(?:ution)?|정답|답|my answer|choice|선택)\s*(?:is|은|는)?\s*[:：=\-→>]*\s*", re.I
)
_FILLER = {"and", "or", "und", "both", "options", "option", "box", "boxes", "answer", "answers", "is", "are", "only"}
_NONE = re.compile(
    r"^\W*(?:none|nothing|neither|keine|no option|none of (?:them|the above)|없음|없다|아무것도|둘 다 아님|"
    r"(?:보기 중\s*)?(?:정)?답\s*없음|해당\s*없음)\b",
    re.I,
)
# Where one statement ends: sentence ends, line breaks, semicolons, dashes and arrows between statements.
_STATEMENT = re.compile(r"(?<=[.!?])\s+|\n+|;\s*|\s[—–-]\s|\s*(?:→|=>|->|⇒)\s*|(?<=[.!?])$")
_CONCLUDES = re.compile(
    r"(?:^|\b)(?:so|therefore|thus|hence|final(?:ly)?|answer(?: is)?|i'?d say|i choose|i pick)\b|"
    r"따라서|그래서|그러므로|즉|결론|정답|답은|답:|고르면|보기 중에서는|보기 중"
)
_DENY_AFTER = re.compile(
    r"^\W{0,3}(?:(?:is|are)\s+)?(?:false|wrong|incorrect|not\b|isn'?t|no\b|x\b|×|✗|거짓|틀|아니|아님|오답|제외|빼고|괜찮|는 아님|은 아님|"
    r"(?:은|는|도)\s*(?:틀|아니|아님|거짓|제외|x\b))",
)
# a clause that names an option by its content and denies it: "tanh는 괜찮음", "dropout is wrong", "not batch norm"
_DENY_IN_CLAUSE = re.compile(
    r"(?:\b(?:is|are)\s+(?:not|wrong|false|incorrect)\b|\b(?:wrong|false|incorrect)\b|^\W*not\b|"
    r"(?:은|는|도)\s*(?:아니|아님|틀|거짓|제외)|괜찮|해당\s*(?:안|없|x)|아님|제외|빼고)"
)
_DENY_BEFORE = re.compile(r"(?:\bnot|\bexcept|\bno|\bwithout|\bbut not|제외하고|빼고)\s*\W{0,2}$")
_AFFIRM_AFTER = re.compile(r"^\W{0,3}(?:(?:is|are)\s+)?(?:true|correct|right|o\b|○|참|맞|옳|정답|해당)")
_HEDGE = re.compile(r"\b(?:maybe|perhaps|probably|might|possibly|not sure)\b|\?|아마|것 같|듯|긴가민가")
# A candidate option letter; _is_label decides from its surroundings.
_LETTER = re.compile(r"(?<![\w\\^_{'’])(\()?([a-hA-H])(\))?(?![A-Za-z0-9_'’])")
_MARKED_AFTER = re.compile(r"^\s*(?:[.:,/&]|번|는|은|가|도|랑|와|과|만|이랑|하고|및|$)")
_CONNECTOR = re.compile(r"^[\s,/&]*(?:and|or|und|및|그리고)?[\s,/&]*$")
_WORD_AFTER = re.compile(r"^\s+([a-z]+)")
_CLAUSE_BREAK = re.compile(
    r"\s*(?:,|、|\+|/|\band\b|\bor\b|및|그리고)\s*|(?<=[가-힣])(?:이랑|랑|와|과|하고)\s+|\s*\(|\)\s*"
)
# "(a)는 ...", "(c) is wrong": a label that is the topic of a sentence, not an item of a list
_TOPIC_AFTER = re.compile(
    r"^(?:는|은|가|이|도|의|에서)|^\s+(?:is|are|was|were|isn'?t|has|have|does|doesn'?t)\b", re.IGNORECASE
)
_NUMBERED = re.compile(r"(?<![\w.])([1-9])\s*(?:번|\)|\.(?!\d))")


@dataclass(frozen=True)
class Reading:
    ticked: list[str] | None  # None: nothing readable
    how: str
    doubts: tuple[Doubt, ...] = ()


@dataclass(frozen=True)
class _Mention:
    option: str
    start: int
    end: int
    by_content: bool
    polarity: int  # 1 said true, -1 denied, 0 neither
    hedged: bool


class OptionTexts:
    """What each option says, prepared for finding it by content (compiled once per rubric item)."""

    def __init__(self, texts: Mapping[str, Sequence[str]], thesaurus: Thesaurus | None = None):
        self.thesaurus = thesaurus or shared()
        self.keys: dict[str, list[frozenset[str]]] = {
            option: [k for k in (self._keys(t) for t in aliases) if k] for option, aliases in texts.items()
        }
        counts: dict[str, int] = {}
        for alias_keys in self.keys.values():
            for key in set().union(*alias_keys) if alias_keys else ():
                counts[key] = counts.get(key, 0) + 1
        self.shared_keys = frozenset(k for k, n in counts.items() if n > 1)

    def _keys(self, text: str) -> frozenset[str]:
        """Thesaurus groups and the other content stems of a text."""
        toks = tokenize(text)
        keys = set()
        covered: set[int] = set()
        for group, a, b in self.thesaurus.canonical(text):
            keys.add(f"g{group}")
            covered.update(range(a, b + 1))
        stems = content_stems(" ".join(t.text for i, t in enumerate(toks) if i not in covered))
        keys.update(f"s{s}" for s in stems if len(s) >= 2 or not s.isascii())
        return frozenset(keys)

    def found_in(self, statement: str) -> list[str]:
        """Options whose distinctive content the statement names (most of it, and at least one distinctive key)."""
        if not self.keys:
            return []
        have = self._keys(statement)
        out = []
        for option, alias_keys in self.keys.items():
            for keys in alias_keys:
                own = keys - self.shared_keys
                if not own:
                    continue
                hit_own = _overlap(own, have)
                hit_all = _overlap(keys, have)
                if hit_own and (hit_all >= max(1, 0.6 * len(keys)) or hit_own >= max(1, 0.6 * len(own))):
                    out.append(option)
                    break
        return out


def _overlap(keys: frozenset[str], have: frozenset[str]) -> int:
    """Keys present; stems also when one is a prefix of the other (inception ~ inceptionv3, 낮다 ~ 낮은)."""
    return sum(1 for k in keys if k in have or any(_close(k, h) for h in have))


_KO_ENDINGS = frozenset("다은는음게고아어지을기면서며")


def _close(k: str, h: str) -> bool:
    if not (k.startswith("s") and h.startswith("s")):
        return False
    a, b = sorted((k[1:], h[1:]), key=len)
    if a.isascii():
        return len(a) >= 5 and b.startswith(a)
    # Korean: one stem and its inflections ("낮다" ~ "낮은" ~ "낮"); crude, and only for short words
    return len(b) <= 2 and a[0] == b[0] and all(len(w) == 1 or w[1] in _KO_ENDINGS for w in (a, b))


_PROMPT_LABEL = re.compile(r"(?:^|(?<=[\s(]))\(?([a-hA-H1-8])[.)]\s+")


def texts_from_prompt(prompt: str, options: Sequence[str]) -> dict[str, str]:
    """Option texts the prompt lists ("(a) Decrease the learning rate. (b) Add dropout."; "A. True B. False"),
    when its labels run in the options' order; {} when they do not."""
    labels = [o for o in options if len(o) == 1]
    if len(labels) != len(options) or len(labels) < 2:
        return {}
    marks = [m for m in _PROMPT_LABEL.finditer(prompt) if m.group(1).casefold() in labels]
    # the last run of marks that spells the labels in order
    for start in range(len(marks) - len(labels), -1, -1):
        run = marks[start : start + len(labels)]
        if [m.group(1).casefold() for m in run] == labels:
            out = {}
            for k, m in enumerate(run):
                end = run[k + 1].start() if k + 1 < len(run) else len(prompt)
                text = prompt[m.end() : end].strip().rstrip(".,;")
                if not text or len(text) > 200:
                    return {}
                out[labels[k]] = text
            return out
    return {}


def _pure_list(tokens: list[str], options: Sequence[str], letters: Sequence[str]) -> bool:
    """True when the answer is nothing but option names ("b, c", "BC", "2 and 3")."""
    for tok in tokens:
        if tok in options or tok in _CIRCLED or tok.isdigit() or tok in _FILLER:
            continue
        if tok.isalpha() and len(tok) <= len(letters) and len(set(tok)) == len(tok) and set(tok) <= set(letters):
            continue
        return False
    return True


_LIST_HANGUL = frozenset(("와", "과", "랑", "이랑", "및", "그리고", "번", "하고", "만", "정답", "답", "둘", "다"))


def _only_list_words(text: str) -> bool:
    """No Korean besides list words ("a와 b", "2번, 3번"): "a) 거짓 b) 참" is not a bare list."""
    return all(w in _LIST_HANGUL for w in re.findall(r"[가-힣]+", text))


def option_index(tok: str, n: int) -> int | None:
    """1-based option number written as a digit or circled number."""
    if tok in _CIRCLED and _CIRCLED[tok] <= n:
        return _CIRCLED[tok]
    if tok.isdigit() and 1 <= int(tok) <= n:
        return int(tok)
    return None


def _read_list(tokens: list[str], options: Sequence[str], letters: Sequence[str]) -> list[str]:
    found: list[str] = []
    for tok in tokens:
        index = option_index(tok, len(options)) if letters or tok in _CIRCLED else None
        if tok in options:
            found.append(tok)
        elif index is not None:
            found.append(options[index - 1])
        elif tok.isalpha() and tok not in _FILLER:
            found.extend(tok)  # "bc" written without separators
    return list(dict.fromkeys(found))


def read_options(answer: str, options: Sequence[str], content: OptionTexts | None = None) -> Reading:
    """The options an answer ticks, in the order written; ``ticked`` None if nothing is readable."""
    prefix = _PREFIX.match(answer.strip())
    declared = bool(prefix and prefix.group(0).strip())  # "정답: ...", "Answer: ..." says where the choice is
    original = _PREFIX.sub("", answer.strip(), count=1)
    text = fold(original)
    letters = [o for o in options if len(o) == 1 and o.isalpha()]
    tokens = _TOKEN.findall(text)
    if tokens and _pure_list(tokens, options, letters) and _only_list_words(text) and not _HEDGE.search(text):
        return Reading(_read_list(tokens, options, letters), "a list of options")
    if _NONE.match(text):
        return Reading([], "none of the options")

    statements, arrowed = _statements(original)
    mentions = [_mentions(s, options, letters, content) for s in statements]
    leading = [m for m in (_leading(s, ms) for s, ms in zip(statements, mentions, strict=True)) if m is not None]
    flat = [m for ms in mentions for m in ms]
    if not flat:
        if any(_NONE.match(fold(s)) for s in statements):
            return Reading([], "none of the options")
        return Reading(None, "no option named")
    doubts: list[Doubt] = []
    denied = {m.option for m in flat if m.polarity < 0}
    verdicts = [m for m in flat if m.polarity != 0 and not m.by_content]
    if len({m.option for m in verdicts}) >= 2 or (verdicts and all(m.polarity != 0 for m in flat)):
        chosen = [m for m in flat if m.polarity > 0]
        how = "a verdict per option"
    elif len(leading) >= 2 and not declared:
        chosen = [m for m in leading if m.polarity >= 0]
        how = "one option per line"
    else:
        index = _choice_statement(statements, arrowed, mentions)
        if index > 0:
            doubts.append(Doubt("indirect", f"choice read from a later statement: {statements[index].strip()[:60]!r}"))
        chosen = [m for m in mentions[index] if m.polarity >= 0]
        how = f"chosen in {statements[index].strip()[:60]!r}"
    ticked = [o for o in dict.fromkeys(m.option for m in chosen) if o not in denied or _affirmed(chosen, o)]
    if any(m.by_content for m in chosen if m.option in ticked):
        named = ", ".join(dict.fromkeys(m.option for m in chosen if m.by_content))
        doubts.append(Doubt("indirect", f"option(s) {named} read from their content, not a letter"))
    if any(m.hedged for m in chosen if m.option in ticked):
        doubts.append(Doubt("hedged", "an option is chosen with a hedge (maybe, ?, 아마)"))
    return Reading(ticked, how, tuple(doubts))


def _affirmed(mentions: list[_Mention], option: str) -> bool:
    return any(m.option == option and m.polarity > 0 for m in mentions)


def _statements(text: str) -> tuple[list[str], list[bool]]:
    """The statements of an answer, and for each whether an arrow led to it ("... → ②③")."""
    out: list[str] = []
    arrowed: list[bool] = []
    pos = 0
    arrow = False
    for m in _STATEMENT.finditer(text):
        piece = text[pos : m.start()]
        if piece.strip():
            out.append(piece)
            arrowed.append(arrow)
        arrow = any(a in m.group(0) for a in ("→", "=>", "->", "⇒"))
        pos = m.end()
    if text[pos:].strip():
        out.append(text[pos:])
        arrowed.append(arrow)
    return (out, arrowed) if out else ([text], [False])


def _choice_statement(statements: list[str], arrowed: list[bool], mentions: list[list[_Mention]]) -> int:
    """Index of the statement that holds the choice (see the module docstring)."""
    concluding = [
        i
        for i, ms in enumerate(mentions)
        if ms and i > 0 and (_CONCLUDES.search(fold(statements[i])) or (arrowed[i] and _bare(statements[i])))
    ]
    if concluding:
        return concluding[-1]
    return next(i for i, ms in enumerate(mentions) if ms)


def _bare(statement: str) -> bool:
    """Nothing but options: "②③", "b, c", "(b)"."""
    s = fold(statement)
    return len(s) <= 24 and len(_TOKEN.findall(s)) <= 4 and not re.search(r"[가-힣]{2,}", s)


def _leading(statement: str, mentions: list[_Mention]) -> _Mention | None:
    """The label a statement starts with ("a) decrease lr"), if any."""
    # a particle glued to the label ("(a)는") makes it a topic; "a) 가중치" is an item whose text starts with 가
    if (
        mentions
        and not mentions[0].by_content
        and not statement[: mentions[0].start].strip()
        and not _TOPIC_AFTER.match(statement[mentions[0].end :])
    ):
        return mentions[0]
    return None


def _mentions(
    statement: str, options: Sequence[str], letters: Sequence[str], content: OptionTexts | None
) -> list[_Mention]:
    folded = fold(statement)
    found: list[tuple[str, int, int, bool]] = []
    last_label_end = None
    for m in _LETTER.finditer(statement):
        letter = m.group(2).casefold()
        if letter in letters and _is_label(statement, m, last_label_end):
            found.append((letter, m.start(), m.end(), False))
            last_label_end = m.end()
    for m in re.finditer(r"[\u2460-\u2473]", statement):
        index = option_index(m.group(0), len(options))
        if index is not None:
            found.append((options[index - 1], m.start(), m.end(), False))
    for m in _NUMBERED.finditer(statement):
        index = option_index(m.group(1), len(options))
        if index is not None and letters:
            found.append((options[index - 1], m.start(), m.end(), False))
    for option in options:  # named options ("edbac", "bcdea") spelt out
        if len(option) > 1:
            for m in re.finditer(rf"(?<![a-z]){re.escape(option)}(?![a-z])", folded):
                found.append((option, m.start(), m.end(), False))
    if not found and content is not None:
        for clause in _clauses(statement):
            for option in content.found_in(clause[2]):
                found.append((option, clause[0], clause[1], True))
    found.sort(key=lambda f: f[1])
    out = []
    for k, (option, start, end, by_content) in enumerate(found):
        nxt = found[k + 1][1] if k + 1 < len(found) else len(statement)
        after = fold(statement[end:nxt]) if not by_content else fold(statement[start:nxt])
        before = fold(statement[max(0, start - 12) : start])
        polarity = 0
        denied = _DENY_IN_CLAUSE.search(after[:40]) if by_content else _DENY_AFTER.match(after)
        if denied or _DENY_BEFORE.search(before):
            polarity = -1
        elif _AFFIRM_AFTER.match(after) or _verdict_word_after(after) is True:
            polarity = 1
        if polarity == 0 and _verdict_word_after(after) is False:
            polarity = -1
        hedged = bool(_HEDGE.search(after[:20]) or _HEDGE.search(before))
        out.append(_Mention(option, start, end, by_content, polarity, hedged))
    return out


def _is_label(statement: str, m: re.Match[str], last_label_end: int | None) -> bool:
    """Is this letter an option label, not an article ("A smaller rate") or a variable ("c = 3")?"""
    if m.group(1) or m.group(3):  # "(c)", "c)"
        return True
    after = statement[m.end() :]
    if after.lstrip()[:1] in ("=", "+", "*", "^", "_", "<", ">"):
        return False
    if _MARKED_AFTER.match(after):
        return True
    word = _WORD_AFTER.match(after.casefold())
    if m.group(2) in "aA" and word and word.group(1) not in ("and", "or", "only") and truth(word.group(1)) is None:
        return False  # an article
    if m.group(2).isupper():
        return True
    before = statement[: m.start()]
    if not before.strip():
        return True  # a statement that starts with the letter: "c because ..."
    return last_label_end is not None and bool(_CONNECTOR.match(statement[last_label_end : m.start()]))


def _verdict_word_after(after: str) -> bool | None:
    """A verdict word right after a label ("a) X", "b: 참")."""
    words = re.findall(r"[a-z]+|[가-힣]+|[○×]", after[:12])
    return truth(words[0]) if words and len(words[0]) <= 5 else None


def _clauses(statement: str) -> list[tuple[int, int, str]]:
    """Comma- and conjunction-separated pieces of a statement, with their spans: "데이터 증강, 드롭아웃"."""
    out = []
    pos = 0
    for m in _CLAUSE_BREAK.finditer(statement):
        if m.start() > pos:
            out.append((pos, m.start(), statement[pos : m.start()]))
        pos = m.end()
    if pos < len(statement):
        out.append((pos, len(statement), statement[pos:]))
    return out or [(0, len(statement), statement)]
