"""Request body parsers that fail with 400/413, never 500.

DRF's JSON parser lets a 10,000-deep document raise RecursionError (a 500),
accepts NUL characters (PostgreSQL refuses them in text) and lone
surrogates, and reads bodies of any size. This one caps the size, the
nesting depth and the text, and rejects NaN/Infinity, which are not JSON.
CSV, ZIP and YAML bodies arrive as bytes for the upload code to read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from server.grading.errors import PayloadTooLarge

MAX_JSON_DEPTH = 32
BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


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


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


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


def parse_json_bytes(raw: bytes, encoding: str = "utf-8") -> Any:
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ParseError(f"JSON body is not valid {encoding}: {exc}") from None
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
        raw = read_capped(stream, settings.MAX_REQUEST_BYTES)
        return parse_json_bytes(raw, media_charset(media_type) or "utf-8")


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
        raw = read_capped(stream, settings.MAX_REQUEST_BYTES)
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
