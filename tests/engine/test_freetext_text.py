"""Tokens, stems, negation scope and keyword stuffing for English and Korean."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.freetext import stuffing_score
from grader.freetext.negation import count_cues, negated_mask
from grader.freetext.text import char_ngrams, content_stems, gram_counts, gram_key, stem, tokenize


def test_tokens_split_scripts_and_keep_spans():
    text = "ReLU는 기울기가 doesn’t vanish (x_1)"
    toks = tokenize(text)
    assert [t.text for t in toks] == ["relu", "는", "기울기가", "doesn't", "vanish", "x_1"]
    assert all(text[t.start : t.end].casefold().replace("’", "'") == t.text for t in toks)
    assert [t.hangul for t in toks][:3] == [False, True, True]


def test_clauses_break_at_punctuation_and_contrast():
    toks = tokenize("A is slow, but B is fast. 느리지만 빠르다")
    clauses = {t.text: t.clause for t in toks}
    assert clauses["a"] == clauses["slow"] < clauses["but"] <= clauses["b"] < clauses["느리지만"] < clauses["빠르다"]


@pytest.mark.parametrize(
    "a, b",
    [
        ("evaporated", "evaporation"),
        ("gradients", "gradient"),
        ("기울기가", "기울기"),
        ("소실되는", "소실"),
        ("학습이", "학습"),
    ],
)
def test_stems_agree(a, b):
    assert stem(a) == stem(b)


def test_short_korean_words_keep_their_last_syllable():
    assert stem("평가") == "평가"  # 가 is a particle only after a 2+ syllable stem


def test_content_stems_drop_stop_words_and_particles():
    assert content_stems("The water was evaporated, ReLU는") == ("water", "evapor", "relu")


def test_char_ngrams_are_counts():
    grams = char_ngrams("aa aa")
    assert grams[" aa "] == 2


@pytest.mark.parametrize("text", ["aa aa", "ReLU는 기울기가 doesn’t vanish (x_1)", "Straße", "x", "", "..."])
def test_gram_counts_are_the_char_ngrams_by_key(text):
    assert list(gram_counts(text).keys) == sorted(gram_counts(text).keys)
    assert _counted(text) == _defined(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab가나 .'’ßİ\u0301\U0001d400x1"), max_size=40) | st.text(max_size=40))
def test_gram_counts_equal_the_char_ngrams_on_any_text(text):
    assert _counted(text) == _defined(text)


def _counted(text):
    """gram_counts as {key: count}."""
    grams = gram_counts(text)
    return dict(zip(grams.keys.tolist(), grams.counts.tolist(), strict=True))


def _defined(text):
    """The readable definition (char_ngrams, 2-5) by the same keys."""
    return {gram_key(g): c for g, c in char_ngrams(text, 2, 5).items()}


@pytest.mark.parametrize(
    "text, negated, plain",
    [
        ("does not use momentum", {"momentum"}, set()),
        ("momentum is not used", {"momentum"}, set()),
        ("no dropout. adam uses momentum", {"dropout"}, {"momentum"}),  # the scope ends at the sentence
        ("모멘텀을 사용하지 않는다", {"모멘텀을"}, set()),
        ("기울기가 없어진다", {"기울기가"}, set()),
        ("gradient vanishing을 없애준다", set(), {"vanishing"}),  # 없애다 (remove) is not a negation
        ("갱신이 안 된다", {"갱신이"}, set()),
        ("안정적으로 학습된다", set(), {"안정적으로", "학습된다"}),  # 안정 (stable) is not 안
    ],
)
def test_negation_scope(text, negated, plain):
    toks = tokenize(text)
    words = {t.text for t, m in zip(toks, negated_mask(text), strict=True) if m}
    assert negated <= words, (text, words)
    assert not (plain & words), (text, words)


def test_count_cues():
    assert count_cues("not only A but not B") == 1
    assert count_cues("모멘텀을 쓰지 않고 못 한다") == 2


@pytest.mark.parametrize(
    "text, high",
    [
        ("vanishing gradient, ReLU, sigmoid, batch norm, Xavier, He init", True),
        ("기울기 소실, ReLU, 시그모이드, 배치 정규화, 드롭아웃", True),
        (
            "sigmoid saturation vanishing gradient relu xavier he initialization batch normalization dropout adam momentum",
            True,
        ),
        ("The sigmoid saturates at both ends, so its gradient is close to zero and the gradient vanishes.", False),
        ("Sigmoid는 양 끝에서 기울기가 0이 되어 gradient vanishing이 발생한다.", False),
        ("Xavier keeps activation variance constant", False),  # terse, but an answer
        ("GPU memory", False),
    ],
)
def test_stuffing_score(text, high):
    s = stuffing_score(text)
    assert 0.0 <= s <= 1.0
    assert (s >= 0.6) is high, (text, s)
