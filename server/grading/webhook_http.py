"""One webhook POST: to an address checked as it is connected to, within one deadline for the whole request.

urllib's timeout bounds each socket operation, not the request: a receiver
that sends a byte every few seconds holds the caller for ever. Here the
request has one deadline (connect, TLS, send and the answer, over every
redirect hop): each blocking step waits only for the time left, and a
watchdog shuts the socket down when it is spent, whatever the step.

Every hop resolves its host once and connects to an address it checked
(DNS cannot answer differently between the check and the connection), and
the peer actually connected to is checked again. Only 307 and 308 redirects
are followed, since they keep the method and body; 301, 302 and 303 would
turn the POST into a GET and count as a failed attempt.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from server.grading.addresses import refusal, resolve

MAX_REDIRECTS = 3
MAX_HEAD_BYTES = 16_384
STATUS_LINE = re.compile(rb"HTTP/1\.[01] ([1-5][0-9][0-9])[^\r\n]*\r\n")
UNSAFE_IN_TARGET = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class Reply:
    status: int | None  # the last HTTP status received, if any
    error: str = ""  # why this is not a success; empty for 2xx
    refused: bool = False  # the URL or an address is not allowed: trying again will not help

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and not self.error


class Refused(Exception):
    pass


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        return remaining


def post(url: str, body: bytes, headers: dict[str, str]) -> Reply:
    """POST ``body`` to ``url`` within ``WEBHOOK_TIMEOUT_SECONDS`` in all."""
    deadline = Deadline(settings.WEBHOOKS["TIMEOUT_SECONDS"])
    status = None
    try:
        for _ in range(MAX_REDIRECTS + 1):
            status, location = _exchange(url, body, headers, deadline)
            if location is None:
                return Reply(status, "" if 200 <= status < 300 else _status_error(status))
            url = urljoin(url, location)
        return Reply(status, f"more than {MAX_REDIRECTS} redirects")
    except Refused as exc:
        return Reply(status, f"URL refused: {exc}", refused=True)
    except TimeoutError:
        return Reply(status, f"timed out: no complete answer within {deadline.seconds:g} s")
    except (OSError, ValueError) as exc:
        return Reply(status, f"{type(exc).__name__}: {exc}"[:500])


def _status_error(status: int) -> str:
    if status in (301, 302, 303):
        return f"HTTP {status}: a redirect that would turn the POST into a GET is not followed"
    return f"HTTP {status}"


def _exchange(url: str, body: bytes, headers: dict[str, str], deadline: Deadline) -> tuple[int, str | None]:
    """One hop: returns the status and, for a 307 or 308, where it redirects."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("must be an http or https URL with a host")
    if parts.username or parts.password:
        raise Refused("credentials in the URL are not accepted")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if UNSAFE_IN_TARGET.search(target):
        raise ValueError("the URL's path has spaces or control characters")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    sock = _connect(parts.hostname, port, deadline)
    watchdog = threading.Timer(deadline.left(), _shut, (sock,))
    watchdog.start()
    try:
        if parts.scheme == "https":
            sock.settimeout(deadline.left())
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=parts.hostname)
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        lines = [f"POST {target} HTTP/1.1", f"Host: {host}" + (f":{parts.port}" if parts.port else "")]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
        sock.settimeout(deadline.left())
        sock.sendall("\r\n".join(lines).encode("latin-1") + body)
        return _read_head(sock, deadline)
    except OSError:
        deadline.left()  # past the deadline, whatever failed failed because the watchdog shut the socket
        raise
    finally:
        watchdog.cancel()
        sock.close()


def _connect(host: str, port: int, deadline: Deadline) -> socket.socket:
    """A TCP connection to an address of ``host`` that the policy allows (all of them must be)."""
    addresses = resolve(host, port, timeout=deadline.left())
    for address in addresses:
        reason = refusal(address)
        if reason:
            raise Refused(reason)
    last: OSError = OSError(f"{host} has no address")
    for address in addresses:
        timeout = min(settings.WEBHOOKS["CONNECT_TIMEOUT_SECONDS"], deadline.left())
        try:
            sock = socket.create_connection((str(address), port), timeout=timeout)
        except TimeoutError:
            last = ConnectionError(f"connecting to {address} timed out after {timeout:g} s")
            continue
        except OSError as exc:
            last = exc
            continue
        peer = ipaddress.ip_address(str(sock.getpeername()[0]).split("%")[0])
        reason = refusal(peer) or (None if peer == address else f"connected to {peer}, not {address}")
        if reason:
            sock.close()
            raise Refused(reason)
        return sock
    raise last


def _read_head(sock: socket.socket, deadline: Deadline) -> tuple[int, str | None]:
    """The status, and for a 307 or 308 the Location: enough to decide, so the body is never read."""
    data = b""
    while True:
        match = STATUS_LINE.match(data)
        if match and int(match.group(1)) not in (307, 308):
            return int(match.group(1)), None
        if match and b"\r\n\r\n" in data:
            location = re.search(rb"\r\nlocation:[ \t]*([^\r\n]+)", data[: data.index(b"\r\n\r\n") + 2], re.I)
            if location is None:
                raise ValueError(f"HTTP {match.group(1).decode()} without a Location")
            return int(match.group(1)), location.group(1).decode("latin-1").strip()
        if len(data) > MAX_HEAD_BYTES:
            raise ValueError("the response head is too long")
        sock.settimeout(deadline.left())
        chunk = sock.recv(4096)
        if not chunk:
            deadline.left()  # an end of stream after the deadline is the watchdog's doing
            raise ConnectionError("the receiver closed the connection before answering")
        data += chunk


def _shut(sock: socket.socket) -> None:
    """The deadline passed: whatever the sender is waiting for on this socket fails at once."""
    with contextlib.suppress(OSError):  # already closed: nothing left to stop
        sock.shutdown(socket.SHUT_RDWR)
