"""Request body parsers that fail with 400/413, never 500.

DRF's JSON parser lets a 10,000-deep document raise RecursionError (a 500),
accepts NUL characters (PostgreSQL refuses them in text) and lone
surrogates, and reads bodies of any size. This one caps the size, the
nesting depth and the text, and rejects NaN/Infinity, which are not JSON.

It also bounds what a body may expand to before building it: 31 MB of empty
objects become 1.6 GB of Python dicts, so the objects, arrays and values of a
body are counted on its text (strings blanked out) and a body past the view's
:class:`BodyLimits` is refused unbuilt. CSV, ZIP and YAML bodies arrive as
bytes for the upload code to read.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from server.grading.errors import DomainError, InvalidInput, PayloadTooLarge

MAX_JSON_DEPTH = 32
BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')  # a JSON string, escapes included
_LIST_ROOT = re.compile(r"\s*\[")


@dataclass(frozen=True)
class BodyLimits:
    """What one request body may be: bytes, and for JSON the objects and arrays and the values it expands to.

    ``list_root``: the error when the body is a JSON list, where a list is not
    for this caller (a student's bulk upload); None when lists are fine.
    """

    max_bytes: int
    containers: int = 1_000
    values: int = 20_000
    list_root: DomainError | None = None


def body_limits() -> BodyLimits:
    """Any one JSON object (a submission, an override, a rubric in JSON...)."""
    return BodyLimits(settings.MAX_REQUEST_BYTES)


def bulk_limits() -> BodyLimits:
    """A bulk upload of up to GRADING_BULK_MAX_ROWS submissions."""
    limits = settings.GRADING
    return BodyLimits(settings.MAX_REQUEST_BYTES, limits["BULK_MAX_JSON_CONTAINERS"], limits["BULK_MAX_JSON_VALUES"])


def view_limits(parser_context: dict[str, Any] | None) -> BodyLimits:
    view = (parser_context or {}).get("view")
    limits = getattr(view, "body_limits", None)
    return limits((parser_context or {}).get("request")) if limits else body_limits()


def content_length(request: Any) -> int:
    """The declared body size (0 when absent or malformed: the middleware answers malformed ones)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def read_capped(stream: Any, limit: int) -> bytes:
    if stream is None:
        return b""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"request body is larger than {limit} bytes")
    return data


def media_charset(media_type: str | None) -> str | None:
    match = re.search(r"charset=([\w.:-]+)", media_type or "", re.I)
    return match.group(1).lower() if match else None


# Charsets a client may declare: real text encodings only. Python's codec
# registry also holds unicode_escape (bytes in, lone surrogates out), utf-7,
# rot13, base64 and zlib, which no CSV, JSON or rubric file is written in.
TEXT_ENCODINGS = frozenset(
    {
        *("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "ascii"),
        *(f"iso8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16)),
        *(f"cp{n}" for n in range(1250, 1259)),
        *("cp949", "euc_kr", "johab", "shift_jis", "cp932", "euc_jp", "gb2312", "gbk", "gb18030"),
        *("big5", "big5hkscs", "cp950", "koi8-r", "koi8-u", "mac-roman"),
    }
)


def text_encoding(name: str) -> str:
    """The codec of a declared charset when it is a text encoding we read; LookupError otherwise."""
    try:
        codec = codecs.lookup(name).name
    except (LookupError, TypeError, ValueError):
        raise LookupError(f"unknown charset {name[:40]!r}") from None
    if codec not in TEXT_ENCODINGS:
        raise LookupError(f"{name[:40]!r} is not a text encoding (try utf-8)")
    return codec


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def rubric_text(raw: bytes, charset: str | None) -> str:
    """A rubric sent as the body (``application/yaml``): text in a real text encoding, UTF-8 unless declared."""
    try:
        codec = text_encoding(charset or "utf-8")
    except LookupError as exc:
        raise InvalidInput(f"charset not accepted: {exc}", [{"field": "rubric", "reason": str(exc)}]) from None
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        reason = f"not {codec} text (byte {exc.start})"
        raise InvalidInput(f"the rubric is {reason}", [{"field": "rubric", "reason": reason}]) from None


def check_text(value: str, where: str) -> None:
    """NUL cannot be stored in PostgreSQL text; lone surrogates cannot be encoded at all."""
    bad = BAD_TEXT.search(value)
    if bad:
        kind = "NUL character" if bad.group() == "\x00" else "unpaired surrogate"
        raise ParseError(f"{where}: contains a {kind}")


def check_tree(data: Any, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Walk without recursion: depth cap, and every key and string checked."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            check_text(node, "JSON string")
        elif isinstance(node, (dict, list)):
            if depth > max_depth:
                raise ParseError(f"JSON is nested deeper than {max_depth} levels")
            if isinstance(node, dict):
                for key, value in node.items():
                    check_text(key, "JSON key")
                    stack.append((value, depth + 1))
            else:
                stack.extend((value, depth + 1) for value in node)


def check_expansion(text: str, limits: BodyLimits) -> None:
    """Refuse, before parsing, a body that would build more objects, arrays or values than ``limits`` allow.

    With strings blanked out, every object or array starts with ``{`` or
    ``[`` and every value but the first follows ``[``, ``,`` or ``:``: counts
    that bound the parsed size from above, taken at C speed.
    """
    if limits.list_root is not None and _LIST_ROOT.match(text):
        raise limits.list_root
    bare = _STRING.sub("0", text)
    containers = bare.count("{") + bare.count("[")
    if containers > limits.containers:
        raise ParseError(f"JSON body holds more than {limits.containers} objects and arrays")
    values = 1 + bare.count(",") + bare.count(":") + bare.count("[")
    if values > limits.values:
        raise ParseError(f"JSON body holds more than {limits.values} values")


def parse_json_bytes(raw: bytes, encoding: str = "utf-8", limits: BodyLimits | None = None) -> Any:
    try:
        codec = text_encoding(encoding)
    except LookupError as exc:
        raise ParseError(f"charset not accepted: {exc}") from None
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise ParseError(f"JSON body is not valid {codec} (byte {exc.start})") from None
    check_expansion(text, limits or body_limits())
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ParseError(f"JSON is nested deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError as exc:
        raise ParseError(f"JSON parse error: {exc}") from None
    check_tree(data)
    return data


class SafeJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        limits = view_limits(parser_context)
        raw = read_capped(stream, limits.max_bytes)
        return parse_json_bytes(raw, media_charset(media_type) or "utf-8", limits)


@dataclass(frozen=True)
class RawUpload:
    """A file sent as the whole body (``Content-Type: text/csv`` etc.)."""

    kind: str
    data: bytes
    charset: str | None = None
    filename: str = ""


class _RawParser(BaseParser):
    kind = ""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = read_capped(stream, view_limits(parser_context).max_bytes)
        return RawUpload(self.kind, raw, media_charset(media_type))


class CSVParser(_RawParser):
    media_type = "text/csv"
    kind = "csv"


class ZipParser(_RawParser):
    media_type = "application/zip"
    kind = "zip"


class ZipAltParser(_RawParser):
    media_type = "application/x-zip-compressed"
    kind = "zip"


class YAMLParser(_RawParser):
    media_type = "application/yaml"
    kind = "yaml"


class YAMLAltParser(_RawParser):
    media_type = "application/x-yaml"
    kind = "yaml"


class YAMLTextParser(_RawParser):
    media_type = "text/yaml"
    kind = "yaml"
