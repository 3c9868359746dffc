"""Shared by the API and integration tests (a unique module name: tests/ is not a package)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
QUIZ_PATH = FIXTURES / "quiz.yaml"
QUIZ_YAML = QUIZ_PATH.read_text(encoding="utf-8")
FULL_ANSWERS = {"q1": "b", "q2": "True", "q3": "1.5", "q4": "a", "q5": "a sketch"}


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
    """A local webhook receiver: records every request, answers with the next status in ``codes``."""

    def __init__(self, codes=(200,)):
        import http.server
        import threading

        self.requests: list[dict] = []
        self.codes = list(codes)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                code = receiver.codes.pop(0) if len(receiver.codes) > 1 else receiver.codes[0]
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
