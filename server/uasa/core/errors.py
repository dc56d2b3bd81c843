"""The one error type every layer raises for a request it cannot answer.

It carries what the client should see: the HTTP status, a message that names the problem, and
any headers (``Allow``, ``Retry-After``, ``Vary``). The web layer renders it in one place
(`uasa.web.support.errors`), which also counts it; other layers never build responses.
"""

from __future__ import annotations

RETRY = frozenset({429, 503})
RETRY_AFTER = "5"  # seconds, when the raiser knows no better


class UasaError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        reason: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason or str(status)  # "timeout", "busy", "crash" … for metrics
        self.headers = dict(headers or {})
        if status in RETRY and "Retry-After" not in self.headers:
            # Every 503 (and 429) says when to come back, so clients back off instead of looping.
            self.headers["Retry-After"] = RETRY_AFTER

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross the pipe from query workers; keep the keyword arguments on the way.
        return (_rebuild, (type(self), self.status, self.message, self.reason, self.headers))


def _rebuild(
    cls: type[UasaError], status: int, message: str, reason: str, headers: dict[str, str]
) -> UasaError:
    error = cls.__new__(cls)  # subclasses may take other constructor arguments
    UasaError.__init__(error, status, message, reason=reason, headers=headers)
    return error
