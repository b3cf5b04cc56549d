"""The one ``X-EXTERNAL-ID`` policy: how ids are made and which forms are accepted where.

SNAP lets a merchant choose the ``X-EXTERNAL-ID`` of each request; it must be unique per merchant
per day, and the gateway uses it to recognise an idempotent retry. What a valid id looks like
depends on the API family, so the form is data:

=====================  ==========================================  ==============================
form                   rule                                        used for
=====================  ==========================================  ==============================
``SNAP``               1-36 characters of ``A-Z a-z 0-9 - _ . ~``  Core API and Reporting calls
``NUMERIC``            1-36 ASCII digits                           Payouts calls
``NOTIFICATION``       1-128 visible ASCII characters              inbound notifications (lenient:
                                                                   the sender chooses)
=====================  ==========================================  ==============================

A gateway profile names the form of its calls (:attr:`GatewayProfile.external_id_form`) and an
operation may narrow it (Payouts: ``NUMERIC``). :func:`check_external_id` is the one check that
``SnapAuth``, the header functions, the typed clients and the emulator all call;
:func:`new_external_id` makes ids that satisfy every form.
"""

from __future__ import annotations

import enum
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from bisnap.errors import RequestValidationError

__all__ = [
    "EXTERNAL_ID_MAX_LENGTH",
    "ExternalIdFactory",
    "ExternalIdForm",
    "check_external_id",
    "external_id_problem",
    "new_external_id",
]

EXTERNAL_ID_MAX_LENGTH = 36
"""The longest ``X-EXTERNAL-ID`` a SNAP call may carry."""

ExternalIdFactory = Callable[[], str]
"""A callable returning a fresh ``X-EXTERNAL-ID`` (pass one as ``external_id_factory``)."""

_SNAP_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_DIGITS = frozenset("0123456789")
_VISIBLE_ASCII = frozenset(chr(code) for code in range(0x21, 0x7F))


@dataclass(frozen=True)
class _Rule:
    max_length: int
    allowed: frozenset[str]
    described: str


class ExternalIdForm(enum.Enum):
    """Which ``X-EXTERNAL-ID`` values a family of requests accepts."""

    SNAP = _Rule(EXTERNAL_ID_MAX_LENGTH, _SNAP_CHARS, "letters, digits and - _ . ~")
    NUMERIC = _Rule(EXTERNAL_ID_MAX_LENGTH, _DIGITS, "digits")
    NOTIFICATION = _Rule(128, _VISIBLE_ASCII, "visible ASCII characters")

    @property
    def max_length(self) -> int:
        """The longest id this form accepts."""
        return self.value.max_length


def external_id_problem(value: object, form: ExternalIdForm = ExternalIdForm.SNAP) -> str | None:
    """What is wrong with ``value`` as an ``X-EXTERNAL-ID`` of ``form``, or ``None`` if nothing.

    The message names the rule, never echoes the value (it may be attacker-chosen).
    """
    rule = form.value
    if not isinstance(value, str) or not value:
        return "X-EXTERNAL-ID must be a non-empty str"
    if len(value) > rule.max_length:
        return f"X-EXTERNAL-ID is {len(value)} characters; at most {rule.max_length} allowed"
    if not rule.allowed.issuperset(value):
        return f"X-EXTERNAL-ID may contain only {rule.described}"
    return None


def check_external_id(
    value: object,
    form: ExternalIdForm = ExternalIdForm.SNAP,
    *,
    field: str = "X-EXTERNAL-ID",
) -> str:
    """Return ``value`` if it is a valid ``X-EXTERNAL-ID`` of ``form``.

    Raises :class:`~bisnap.errors.RequestValidationError` (``field`` names what the caller
    called it) before anything is sent.
    """
    problem = external_id_problem(value, form)
    if problem is not None:
        raise RequestValidationError(problem, field=field)
    assert isinstance(value, str)
    return value


_RANDOM_DIGITS = 19
_RANDOM_BOUND = 10**_RANDOM_DIGITS


def new_external_id() -> str:
    """A new 32-digit numeric ``X-EXTERNAL-ID`` (valid in every :class:`ExternalIdForm`).

    The first 13 digits are the Unix time in milliseconds, the last 19 come from the operating
    system's CSPRNG (:mod:`secrets`), so ids made in different processes or on different hosts
    need no coordination. Two ids can only collide when made in the same millisecond *and* their
    19 random digits match: for ``n`` ids made in one millisecond the chance of any collision is
    at most ``n * (n - 1) / 2 / 10**19`` (for 1,000 ids in one millisecond, below ``5e-14``), and
    ids from different milliseconds never collide. Numeric because Payouts requires it; 32
    characters because SNAP allows at most 36.
    """
    millis = time.time_ns() // 1_000_000
    return f"{millis:013d}{secrets.randbelow(_RANDOM_BOUND):0{_RANDOM_DIGITS}d}"
