"""Math written inside prose, in the forms students use, rewritten to one plain form.

Instructors write patterns (``regex`` checks) for the common spelling of a
result; students write the same result in LaTeX with spacing commands and
fonts, with numpy operators, or in two steps. :func:`canonical_math` rewrites:

- LaTeX spacing (``\\,`` ``\\;`` ``\\!`` ``\\quad``), ``\\left``/``\\right``, and font
  commands (``\\mathbf{X}``, ``\\boldsymbol{X}``, ``\\mathrm{d}``, ``\\bm{X}``) to their content;
- transposes (``^{\\mathsf T}``, ``^\\top``, ``^{T}``, ``^\\intercal``, ``ᵀ``, numpy ``.T``) to ``^T``;
- ``\\hat{y}``, ``\\hat y``, ``y_hat``, ``yhat``, ``y_pred`` to ``ŷ``;
- numpy's ``@`` and ``np.dot(A, B)`` to a product;
- ``\\dfrac``/``\\tfrac`` to ``\\frac``.

:func:`with_definitions` also substitutes a name the answer defines once
(``δ = ŷ - y``, ``dz = y_hat - y``) into what follows it, so a result given
in two steps (``dW = dz @ X.T``) reads as one (``dW = (ŷ - y) X^T``).
"""

from __future__ import annotations

import re
from functools import lru_cache

_SPACING = re.compile(r"\\[,;:!]|\\(?:q?quad|enspace|thinspace)\b|~")
_LEFT_RIGHT = re.compile(r"\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big)(?![a-zA-Z])\s*")
_FONT = re.compile(r"\\(?:mathbf|boldsymbol|bm|mathrm|mathit|mathsf|mathcal|textbf|text|operatorname)\s*\{([^{}]*)\}")
_TRANSPOSE = re.compile(
    r"\^\s*\{\s*(?:\\mathsf\s*\{?\s*T\s*\}?|\\top|\\intercal|T|\\mathrm\s*\{\s*T\s*\}|t)\s*\}|\^\s*(?:\\top|\\intercal)\b|ᵀ|"
    r"(?<=[\w)\]}])\.T\b"
)
_HAT_Y = re.compile(r"\\(?:hat|widehat)\s*\{\s*y\s*\}|\\hat\s+y\b|\by_?hat\b|\by_pred\b|\\hat\{\\mathbf\{y\}\}")
_DFRAC = re.compile(r"\\[dt]frac\b")
_MATMUL = re.compile(r"\s*@\s*")
_NP_DOT = re.compile(r"\bnp\.(?:dot|matmul)\s*\(\s*([^(),]+?)\s*,\s*([^(),]+?)\s*\)")
# "name = expression" where the name is short and not itself a result (not dL/dW)
# (a chain "δ = ∂L/∂z = ŷ - y" defines δ as its last side)
_DEFINITION = re.compile(
    r"(?<![\w\\/∂])(\\delta|δ|\\varepsilon|ε|\\epsilon|dz|dZ|err|delta|error)\s*(?::=|=)\s*"
    r"(?:[^=\n,;$]+?=\s*)*"
    r"([^=\n,;$]+?)(?=\s*(?:$|\n|,|;|\(|\s(?:이|라|로|and|so|then)\b|\\in\b|∈|이므로|이니까|라\s*두면|\$|\.\s))"
)


@lru_cache(maxsize=4096)
def canonical_math(text: str) -> str:
    t = _SPACING.sub(" ", text)
    t = _LEFT_RIGHT.sub("", t)
    for _ in range(2):  # fonts nest: \mathbf{\hat{y}}
        t = _FONT.sub(r"\1", t)
    t = _DFRAC.sub(r"\\frac", t)
    t = _TRANSPOSE.sub("^T", t)
    t = _HAT_Y.sub("ŷ", t)
    t = _NP_DOT.sub(r"(\1)(\2)", t)
    t = _MATMUL.sub(" ", t)
    return re.sub(r"[ \t]{2,}", " ", t)


@lru_cache(maxsize=4096)
def with_definitions(text: str) -> str:
    """``canonical_math`` with each once-defined short name replaced by its definition after it."""
    t = canonical_math(text)
    found = list(_DEFINITION.finditer(t))
    names = [m.group(1) for m in found]
    for m in found:
        name, value = m.group(1), m.group(2).strip()
        if names.count(name) != 1 or not value or len(value) > 60:
            continue
        use = re.compile(rf"(?<![\w\\]){re.escape(name)}(?![\w])")
        head, tail = t[: m.end()], t[m.end() :]
        t = head + use.sub(f"({value})".replace("\\", "\\\\"), tail)
    return t
