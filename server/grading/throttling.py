"""Request rates: per token for callers with one, per IP address for the rest and for failed tokens.

DRF throttles: past a rate the answer is 429 with ``Retry-After``. Rates
come from ``settings.THROTTLE_RATES`` (``THROTTLE_*`` in the environment),
read on every request; ``None`` switches a scope off. Counts live in Django's
cache: each process's memory in the embedded mode, Redis when ``REDIS_URL`` is
set, so every web worker counts against the same totals.

A failed token counts against its IP address before anything else: past the
``auth_failures`` rate every token from that address is refused until the
window passes, so guessing tokens is as slow as the rate says.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.throttling import SimpleRateThrottle

BARE_KEY = re.compile(r"[0-9a-f]{40}")  # a key as DRF makes them, without the "Token " in front


class _SettingsRate(SimpleRateThrottle):
    """A DRF throttle whose rate is read from settings.THROTTLE_RATES when the request comes."""

    def get_rate(self) -> str | None:
        return settings.THROTTLE_RATES.get(self.scope)


class TokenRateThrottle(_SettingsRate):
    """Every request made with a token (or a session), per user."""

    scope = "token"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class SubmissionRateThrottle(TokenRateThrottle):
    """Submission POSTs per user, on top of the token rate (150 submissions in 2 s were taken)."""

    scope = "submissions"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return super().get_cache_key(request, view) if request.method == "POST" else None


class AddressRateThrottle(_SettingsRate):
    """Requests without a token, per IP address (health checks and the schema included)."""

    scope = "address"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.user is not None and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuthFailureThrottle(_SettingsRate):
    """Failed tokens per IP address: checked before a token is looked at, counted when one fails."""

    scope = "auth_failures"

    def blocked(self, request: Any) -> float | None:
        """Seconds to wait when this address is past its failures, else None."""
        if self.rate is None:
            return None
        self.key = self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return (self.wait() or 1.0) if len(self.history) >= self.num_requests else None

    def record(self) -> None:
        if self.rate is not None:
            self.throttle_success()


class ThrottledTokenAuthentication(TokenAuthentication):
    """Token authentication that counts failures per IP address and refuses an address past its rate.

    ``Authorization: Token <key>``; a bare key (what people paste into Swagger UI's Authorize dialog)
    is read as the same.
    """

    def authenticate(self, request: Any) -> Any:
        header = request.META.get("HTTP_AUTHORIZATION")
        if not header:
            return None
        failures = AuthFailureThrottle()
        wait = failures.blocked(request)
        if wait is not None:
            raise Throttled(wait, detail="too many failed tokens from this address")
        try:
            if BARE_KEY.fullmatch(header.strip()):
                return self.authenticate_credentials(header.strip())
            return super().authenticate(request)
        except AuthenticationFailed:
            failures.record()
            raise
