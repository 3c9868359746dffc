"""Bulk uploads read into rows, and the row checks every submission passes.

Formats (docs/api.md): a JSON list of ``{"student", "answers", "id"?}``; a
CSV with a ``student`` column and one column per part; a ZIP of per-student
files ``STUDENT.json`` (``{"answers": {...}}`` or a plain part -> answer
object) or ``STUDENT.txt`` (``## PART_ID`` lines start each answer). Every
row is checked before anything is stored, and the errors name the row.

ZIP entries are read in memory only, never extracted: names are still
checked (no absolute paths, ``..``, backslashes or symlinks). Sizes are capped
from what the archive declares before any entry is opened, and reading cannot
go past a declared size: ``zipfile`` stops there and checks the CRC, so an
archive that understates its sizes fails its checksum instead of expanding.
"""

from __future__ import annotations

import csv
import io
import math
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError

from server.grading.errors import BatchRejected
from server.grading.parsers import BAD_TEXT, parse_json_bytes, text_encoding

STUDENT_MAX_CHARS = 200
EXTERNAL_ID_MAX_CHARS = 200
MAX_LIST_ANSWER_ITEMS = 50
MAX_ANSWER_INT_DIGITS = 15
MAX_ERRORS = 500
MAX_CSV_LINE_CELLS = 100_000
CSV_FALLBACK_ENCODINGS = ("cp949",)  # Korean Excel saves CSV in cp949 unless told otherwise
STUDENT_COLUMNS = ("student", "student_id", "학번")
ID_COLUMNS = ("id", "submission_id")
TEXT_HEADER = re.compile(r"^\s*##\s*([A-Za-z0-9][A-Za-z0-9._-]{0,31})\s*$")
# The C csv module refuses longer fields; the limit is process-wide, so it is set once here.
csv.field_size_limit(max(csv.field_size_limit(), 1_000_000))


@dataclass
class Row:
    number: int
    student: Any
    answers: Any
    external_id: Any = ""
    errors: list[dict[str, Any]] = field(default_factory=list)
    # a CSV's header: its errors are reported with the rows', it is no submission
    header: bool = False
    # False when the CSV has no student column: that is said once, on the header, not on every row
    has_student: bool = True


@dataclass(frozen=True)
class CleanRow:
    student: str
    answers: dict[str, Any]
    external_id: str = ""


# --- checks shared by single and bulk submissions -----------------------------


def _has_control(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in text)


def clean_student(value: Any) -> tuple[str, str | None]:
    """NFC, trimmed; control and bidi characters refused (they spoof names in exports)."""
    if not isinstance(value, str):
        return "", "must be text"
    text = unicodedata.normalize("NFC", value.strip())
    if not text:
        return "", "must not be empty"
    if len(text) > STUDENT_MAX_CHARS:
        return "", f"longer than {STUDENT_MAX_CHARS} characters"
    if _has_control(text):
        return "", "contains control or invisible formatting characters"
    return text, None


def clean_external_id(value: Any) -> tuple[str, str | None]:
    if value is None or value == "":
        return "", None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return "", "must be text"
    text = str(value).strip()
    if len(text) > EXTERNAL_ID_MAX_CHARS or _has_control(text):
        return "", f"must be at most {EXTERNAL_ID_MAX_CHARS} printable characters"
    return text, None


def _answer_error(value: Any) -> str | None:
    limit = settings.GRADING["MAX_ANSWER_CHARS"]
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        # Past 15 digits a JSON number loses its digits in most clients, and past 309 it is no float at all.
        if abs(value) >= 10**MAX_ANSWER_INT_DIGITS:
            return f"a number of more than {MAX_ANSWER_INT_DIGITS} digits must be sent as text (a JSON string)"
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else "must be a finite number"
    if isinstance(value, str):
        if len(value) > limit:
            return f"longer than {limit} characters"
        if BAD_TEXT.search(value):
            return "contains a NUL character or an unpaired surrogate"
        return None
    if isinstance(value, list):
        if len(value) > MAX_LIST_ANSWER_ITEMS:
            return f"a list answer has at most {MAX_LIST_ANSWER_ITEMS} items"
        for item in value:
            if isinstance(item, (list, dict)):
                return "a list answer holds only text or numbers"
            reason = _answer_error(item)
            if reason:
                return f"in a list answer: {reason}"
        return None
    return "must be text (or a number, a list of options, or null)"


def answers_errors(answers: Any, part_ids: Sequence[str], where: str = "answers") -> list[dict[str, Any]]:
    if not isinstance(answers, dict):
        return [{"field": where, "reason": "must be an object of part id -> answer"}]
    known = set(part_ids)
    unknown = [k for k in answers if k not in known]
    errors = []
    if unknown:
        shown = ", ".join(repr(k[:40]) for k in unknown[:10])
        errors.append({"field": where, "reason": f"unknown part ids {shown}; the rubric's parts are {list(part_ids)}"})
    for key, value in answers.items():
        reason = None if key in unknown else _answer_error(value)
        if reason:
            errors.append({"field": f"{where}.{key}", "reason": reason})
    return errors


def clean_row(row: Row, part_ids: Sequence[str]) -> CleanRow | None:
    """Check one row; its errors are appended to ``row.errors``."""
    student, reason = clean_student(row.student) if row.has_student else ("", None)
    if reason:
        row.errors.append({"field": "student", "reason": reason})
    external_id, reason = clean_external_id(row.external_id)
    if reason:
        row.errors.append({"field": "id", "reason": reason})
    row.errors += answers_errors(row.answers, part_ids)
    if row.errors:
        return None
    return CleanRow(student=student, answers=row.answers, external_id=external_id)


def clean_rows(rows: Sequence[Row], part_ids: Sequence[str]) -> list[CleanRow]:
    """All rows or none: any error rejects the batch with every row's errors (and a CSV header's)."""
    headers = [row for row in rows if row.header]
    rows = [row for row in rows if not row.header]
    if not rows and not any(h.errors for h in headers):
        raise BatchRejected("the upload holds no submissions", [{"row": None, "field": "", "reason": "no rows"}])
    limit = settings.GRADING["BULK_MAX_ROWS"]
    if len(rows) > limit:
        raise BatchRejected(f"at most {limit} submissions per upload", [])
    cleaned = [clean_row(row, part_ids) for row in rows]
    first_row: dict[str, int] = {}
    for row, clean in zip(rows, cleaned, strict=True):
        if clean is None or not row.has_student:
            continue
        if clean.student in first_row:
            row.errors.append(
                {
                    "field": "student",
                    "reason": f"student {clean.student!r} appears twice (row {first_row[clean.student]})",
                }
            )
        first_row.setdefault(clean.student, row.number)
    errors = [{"row": row.number, **err} for row in [*headers, *rows] for err in row.errors]
    if errors:
        shown = errors[:MAX_ERRORS]
        raise BatchRejected(
            f"{len(errors)} problems in {len({e['row'] for e in errors})} rows; nothing was stored", shown
        )
    return [c for c in cleaned if c is not None]


def _reject(reason: str, row: int | None = None, field_name: str = "") -> BatchRejected:
    return BatchRejected(reason, [{"row": row, "field": field_name, "reason": reason}])


# --- JSON --------------------------------------------------------------------


def rows_from_json(items: list[Any]) -> list[Row]:
    rows = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            row = Row(n, None, None)
            row.errors.append({"field": "", "reason": "each submission is an object with 'student' and 'answers'"})
            rows.append(row)
            continue
        extra = set(item) - {"student", "answers", "id"}
        row = Row(n, item.get("student"), item.get("answers"), item.get("id", ""))
        if extra:
            row.errors.append({"field": "", "reason": f"unknown fields {sorted(extra)}"})
        rows.append(row)
    return rows


# --- CSV ---------------------------------------------------------------------


def decode_text(data: bytes, charset: str | None) -> str:
    if charset:
        try:
            codec = text_encoding(charset)
        except LookupError as exc:
            raise _reject(f"charset not accepted: {exc}", None, "encoding") from None
        try:
            return data.decode(codec)
        except UnicodeDecodeError as exc:
            raise _reject(f"the file is not valid {codec} (byte {exc.start})") from None
    for encoding in ("utf-8-sig", *CSV_FALLBACK_ENCODINGS):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _reject("the file is neither UTF-8 nor cp949; send it with a charset (text/csv; charset=...)")


def _sniff_delimiter(text: str) -> str:
    """The header decides: the most frequent of , ; and tab outside quotes."""
    end = text.find("\n")
    header = text if end < 0 else text[:end]
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_columns(
    header: list[str], part_ids: Sequence[str]
) -> tuple[int | None, int | None, list[tuple[int, str]], list[dict[str, Any]]]:
    """(student column, id column, part columns, the header's errors): the rows are read and checked
    whatever the header's errors, so that one answer reports both."""
    names = [unicodedata.normalize("NFC", h.strip()) for h in header]
    lowered = [n.lower() for n in names]
    errors: list[dict[str, Any]] = []
    student_col = next((i for i, n in enumerate(lowered) if n in STUDENT_COLUMNS), None)
    if student_col is None:
        reason = f"the header needs a student column (one of {list(STUDENT_COLUMNS)})"
        errors.append({"field": "student", "reason": reason})
    id_col = next((i for i, n in enumerate(lowered) if n in ID_COLUMNS), None)
    known = set(part_ids)
    parts: list[tuple[int, str]] = []
    for i, name in enumerate(names):
        if i in (student_col, id_col):
            continue
        if name not in known:
            errors.append({"field": name[:40], "reason": f"unknown part id; the rubric's parts are {list(part_ids)}"})
        elif any(name == taken for _, taken in parts):
            errors.append({"field": name, "reason": "column appears twice"})
        else:
            parts.append((i, name))
    return student_col, id_col, parts, errors[:MAX_ERRORS]


def rows_from_csv(data: bytes, charset: str | None, part_ids: Sequence[str]) -> list[Row]:
    text = decode_text(data, charset)
    if "\x00" in text:
        raise _reject("the file contains NUL characters (is it really CSV?)")
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(_bounded_lines(text, delimiter), delimiter=delimiter, strict=True)
    limit = settings.GRADING["BULK_MAX_ROWS"]
    try:
        header = next(reader, None)
        if not header:
            raise _reject("the file is empty", 1)
        student_col, id_col, parts, header_errors = _csv_columns(header, part_ids)
        rows = [Row(1, None, None, errors=header_errors, header=True)]
        for cells in _nonblank(reader):
            if len(rows) > limit:  # stop reading: the rest is never built (the header is no submission)
                raise BatchRejected(f"at most {limit} submissions per upload", [])
            rows.append(_csv_row(reader.line_num, cells, len(header), student_col, id_col, parts))
        return rows
    except csv.Error as exc:
        raise _reject(f"unreadable CSV: {exc}", reader.line_num) from None


def _bounded_lines(text: str, delimiter: str) -> Iterator[str]:
    """The text's lines for the csv reader, one at a time, refusing one with more than MAX_CSV_LINE_CELLS
    delimiters: the reader builds a whole row in memory, and 31 MB of ``ab,`` is ten million cells (600 MB).

    Lines end at \\n, \\r\\n or \\r, as with ``newline=""``; they are cut with str.find and
    counted before they are copied (io.StringIO would copy the text first, at up to four bytes a
    character, and a regular expression walks it a character at a time).
    """
    start, size, number = 0, len(text), 0
    while start < size:
        number += 1
        newline = text.find("\n", start)
        newline = size if newline < 0 else newline
        end = min(newline + 1, size)
        ret = text.find("\r", start, newline)
        if ret >= 0:  # an old Mac line end, or \r\n
            end = ret + 2 if text.startswith("\n", ret + 1) else ret + 1
        if text.count(delimiter, start, end) >= MAX_CSV_LINE_CELLS:
            raise _reject(f"line {number} holds more than {MAX_CSV_LINE_CELLS} cells", number)
        yield text[start:end]
        start = end


def _nonblank(reader: Iterable[list[str]]) -> Iterable[list[str]]:
    return (cells for cells in reader if any(c.strip() for c in cells))


def _csv_row(number: int, cells: list[str], width: int, student_col: int | None, id_col: int | None, parts) -> Row:
    student = cells[student_col] if student_col is not None and student_col < len(cells) else ""
    row = Row(number, student, {}, has_student=student_col is not None)
    if len(cells) != width:
        row.errors.append({"field": "", "reason": f"{len(cells)} cells where the header has {width}"})
        return row
    row.external_id = cells[id_col] if id_col is not None else ""
    row.answers = {part: cells[i] for i, part in parts if cells[i].strip()}
    return row


# --- ZIP ---------------------------------------------------------------------


def _entry_name_error(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or "\\" in name:
        return "absolute or Windows-style path"
    if any(part == ".." for part in PurePosixPath(name).parts):
        return "path leaves the archive ('..')"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "symbolic links are not accepted"
    if info.flag_bits & 0x1:
        return "encrypted entries are not accepted"
    if len(name) > 255 or _has_control(name):
        return "unusable file name"
    return None


def _ignored(info: zipfile.ZipInfo) -> bool:
    path = PurePosixPath(info.filename)
    return info.is_dir() or path.parts[0] == "__MACOSX" or path.name.startswith(".")


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """Streamed read capped by the limits, whatever sizes the archive declares."""
    cap = min(settings.GRADING["ZIP_MAX_ENTRY_BYTES"], budget[0])
    with zf.open(info) as f:
        data = f.read(cap + 1)
    if len(data) > cap:
        raise _reject(f"{info.filename}: larger than the limit (a zip bomb?)", None, info.filename)
    budget[0] -= len(data)
    return data


def _check_declared_sizes(infos: list[zipfile.ZipInfo]) -> None:
    limits = settings.GRADING
    if len(infos) > limits["ZIP_MAX_ENTRIES"]:
        raise _reject(f"more than {limits['ZIP_MAX_ENTRIES']} entries")
    if sum(i.file_size for i in infos) > limits["ZIP_MAX_TOTAL_BYTES"]:
        raise _reject("the archive expands past the size limit (a zip bomb?)")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits["ZIP_MAX_ENTRY_BYTES"] or (
            info.file_size > 65536 and ratio > limits["ZIP_MAX_RATIO"]
        ):
            raise _reject(
                f"{info.filename}: expands {ratio:.0f}:1 to {info.file_size} bytes (a zip bomb?)", None, info.filename
            )


def rows_from_zip(data: bytes) -> list[Row]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise _reject(f"not a readable ZIP archive: {exc}") from None
    with zf:
        infos = [i for i in zf.infolist() if not _ignored(i)]
        bad = [{"row": None, "field": i.filename[:255], "reason": r} for i in infos if (r := _entry_name_error(i))]
        if bad:
            raise BatchRejected("the archive has entries that are not accepted", bad[:MAX_ERRORS])
        _check_declared_sizes(infos)
        budget = [settings.GRADING["ZIP_MAX_TOTAL_BYTES"]]
        try:
            return _zip_rows(zf, sorted(infos, key=lambda i: i.filename), budget)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as exc:
            raise _reject(f"cannot read the archive: {exc}") from None


def _zip_rows(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], budget: list[int]) -> list[Row]:
    rows, seen = [], {}
    for n, info in enumerate(infos, start=1):
        path = PurePosixPath(info.filename)
        row = Row(n, path.stem, None)
        key = path.stem.casefold()
        if key in seen:
            row.errors.append(
                {"field": info.filename, "reason": f"a second file for student {path.stem!r} ({seen[key]})"}
            )
        seen.setdefault(key, info.filename)
        suffix = path.suffix.lower()
        if suffix not in (".json", ".txt", ".md"):
            row.errors.append({"field": info.filename, "reason": "only .json, .txt or .md files per student"})
        else:
            _fill_from_file(row, info.filename, suffix, _read_entry(zf, info, budget))
        rows.append(row)
    return rows


def _fill_from_file(row: Row, name: str, suffix: str, raw: bytes) -> None:
    if suffix == ".json":
        try:
            obj = parse_json_bytes(raw)
        except ParseError as exc:
            row.errors.append({"field": name, "reason": str(exc.detail)})
            return
        if isinstance(obj, dict) and "answers" in obj:
            row.student = obj.get("student", row.student)
            row.external_id = obj.get("id", "")
            row.answers = obj["answers"]
        else:
            row.answers = obj
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        row.errors.append({"field": name, "reason": "text files must be UTF-8"})
        return
    row.answers, reason = parse_answer_text(text)
    if reason:
        row.errors.append({"field": name, "reason": reason})


def parse_answer_text(text: str) -> tuple[dict[str, str], str | None]:
    """``## PART_ID`` on a line of its own starts that part's answer."""
    answers: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        match = TEXT_HEADER.match(line)
        if match:
            if match.group(1) in answers:
                return {}, f"part {match.group(1)!r} appears twice"
            current = answers.setdefault(match.group(1), [])
        elif current is not None:
            current.append(line)
        elif line.strip():
            return {}, "text before the first '## PART_ID' line"
    if not answers:
        return {}, "no '## PART_ID' lines found"
    return {k: "\n".join(v).strip() for k, v in answers.items()}, None
