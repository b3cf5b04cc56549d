"""The ``bisnap`` logger, which never shows a secret.

Every record logged to ``bisnap`` passes :class:`RedactingFilter`: bearer tokens, signature
headers, access tokens and private keys are replaced by ``[redacted]``. Modules log through
:data:`logger` from here, so none needs the HTTP layer just for a logger.
"""

from __future__ import annotations

import logging
import re

__all__ = ["REDACTED", "SENSITIVE_HEADERS", "RedactingFilter", "logger", "redact_text"]

logger = logging.getLogger("bisnap")

REDACTED = "[redacted]"
SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "authorization-customer",
        "x-signature",
        "x-client-secret",
        "proxy-authorization",
        "cookie",
        "set-cookie",
    }
)

# Values that must not reach a log even inside free text: bearer tokens and signature headers.
_SECRET_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[^\s,;'\"]+"),
    re.compile(
        r"(?i)((?:x-signature|authorization(?:-customer)?)['\"]?\s*[:=]\s*['\"]?)[^'\",}\s]+"
    ),
    re.compile(r"(?i)(\"accessToken\"\s*:\s*\")[^\"]+"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----"),
)


def redact_text(text: str) -> str:
    """``text`` with bearer tokens, signature headers, access tokens and private keys hidden."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(
            lambda m: (m.group(1) if m.groups() else "") + REDACTED,
            text,
        )
    return text


class RedactingFilter(logging.Filter):
    """Scrubs secrets from every record logged to the ``bisnap`` logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


if not any(isinstance(f, RedactingFilter) for f in logger.filters):
    logger.addFilter(RedactingFilter())
