"""Shared by the API and integration tests (a unique module name: tests/ is not a package)."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
QUIZ_PATH = FIXTURES / "quiz.yaml"
QUIZ_YAML = QUIZ_PATH.read_text(encoding="utf-8")
FULL_ANSWERS = {"q1": "b", "q2": "True", "q3": "1.5", "q4": "a", "q5": "a sketch"}


def stored() -> dict[str, int]:
    """Counts of what a request may store: a refused one must leave them as they were."""
    from server.grading.models import Assignment, Batch, Membership, RubricVersion, Submission

    models = {"assignments": Assignment, "rubric versions": RubricVersion, "batches": Batch}
    models |= {"submissions": Submission, "memberships": Membership}
    return {name: model.objects.count() for name, model in models.items()}


def client_with_token(key: str | None):
    """An API client whose requests run their on-commit callbacks, as a real commit would (grading, webhooks)."""
    from django.test import TestCase
    from rest_framework.test import APIClient

    class CommittingClient(APIClient):
        def request(self, **kwargs):
            with TestCase.captureOnCommitCallbacks(execute=True):
                return super().request(**kwargs)

    client = CommittingClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def wait_until(predicate, timeout: float = 60, every: float = 0.1, what: str = "condition"):
    """Poll until ``predicate`` is truthy (a bound on waiting, not a timing: past it the test fails)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def make_zip(entries: dict[str, bytes | str], *, symlinks: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.external_attr = 0o120777 << 16
            zf.writestr(info, data)
    return buffer.getvalue()


def json_bytes(value) -> bytes:
    return json.dumps(value).encode("utf-8")


class Receiver:
    """A local webhook receiver: records every request, answers with the next status in ``codes``.

    ``location``: sent with the answer (a redirect). ``drip``: seconds between the bytes of the answer,
    a receiver that holds its caller; ``cut_off`` counts callers that gave up before the last byte.
    """

    def __init__(self, codes=(200,), *, host="127.0.0.1", port=0, location=None, drip=None):
        import http.server
        import threading
        import time

        self.requests: list[dict] = []
        self.codes = list(codes)
        self.cut_off = 0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"headers": dict(self.headers), "body": body, "path": self.path})
                code = receiver.codes.pop(0) if len(receiver.codes) > 1 else receiver.codes[0]
                answer = f"HTTP/1.1 {code} Answer\r\nContent-Length: 0\r\nConnection: close\r\n"
                answer += f"Location: {location}\r\n\r\n" if location else "\r\n"
                try:
                    for n in range(0, len(answer), 1 if drip else len(answer)):
                        self.wfile.write(answer[n : n + (1 if drip else len(answer))].encode("latin-1"))
                        self.wfile.flush()
                        if drip:
                            time.sleep(drip)
                except (BrokenPipeError, ConnectionResetError):
                    receiver.cut_off += 1
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((host, port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
