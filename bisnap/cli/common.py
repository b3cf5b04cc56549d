"""Helpers shared by the commands: one-line errors, reading input, settings lookup, key loading."""

from __future__ import annotations

import functools
import importlib
import sys
import warnings
from collections.abc import Callable
from typing import Any, BinaryIO, TypeVar, cast

import click

from bisnap.cli.config import ENV, Settings
from bisnap.errors import BisnapError, ConfigurationError, InvalidInputError
from bisnap.keys import PrivateKey, PublicKey, load_private_key, load_public_key

__all__ = [
    "BODY_FILE",
    "CONTEXT_SETTINGS",
    "CliError",
    "CliFailure",
    "load_any_public_key",
    "load_merchant_key",
    "load_optional",
    "read_body",
    "read_input",
    "settings",
    "translate_errors",
]

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT_SETTINGS: dict[str, Any] = {
    "help_option_names": ["-h", "--help"],
    "max_content_width": 100,
}


class CliError(click.ClickException):
    """A one-line usage or configuration error: exit status 2."""

    exit_code = 2


class CliFailure(click.ClickException):
    """A one-line failure (refused, unreachable, not available): exit status 1."""

    exit_code = 1


def translate_errors(func: F) -> F:
    """Turn bisnap errors into one-line messages with the right exit status."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ConfigurationError, InvalidInputError) as exc:
            raise CliError(exc.message) from None
        except BisnapError as exc:
            raise CliFailure(exc.message) from None

    return cast(F, wrapper)


BODY_FILE = click.Path(dir_okay=False, allow_dash=True)
"""A ``--body`` argument: a file path, or ``-`` for standard input (read by :func:`read_body`)."""


def read_input(path: str, what: str) -> bytes:
    """The exact bytes of file ``path``, or of stdin for ``-``; ``what`` names it in errors."""
    if path == "-":
        stdin: BinaryIO | None = getattr(sys.stdin, "buffer", None)
        if stdin is None:
            raise CliError(f"{what} -: standard input is not available")
        return stdin.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise CliError(f"{what} file not found: {path}") from None
    except OSError as exc:
        raise CliError(f"{what} file could not be read: {path} ({exc.strerror})") from None


def read_body(path: str | None) -> bytes:
    """The exact bytes of a ``--body`` file, or of stdin for ``-``; no option is an empty body."""
    if path is None:
        return b""
    if path == "-":
        return read_input(path, "--body")
    return read_input(path, "body")


def settings() -> Settings:
    """The settings of the running command (flags > --env-file > environment)."""
    obj = click.get_current_context().find_root().obj
    return obj if isinstance(obj, Settings) else Settings()


def _with_weak_key_notice(load: Callable[[], Any]) -> Any:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        key = load()
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    return key


def load_merchant_key(
    flag_value: str | None, password: str | None, *, flag: str = "--private-key"
) -> PrivateKey:
    """The merchant's private key from the flag or BISNAP_PRIVATE_KEY (a path or the PEM)."""
    conf = settings()
    source = conf.require(flag_value, ENV.PRIVATE_KEY, flag, "merchant private key")
    pwd = conf.get(password, ENV.PRIVATE_KEY_PASSWORD)
    return cast(PrivateKey, _with_weak_key_notice(lambda: load_private_key(source, pwd)))


def load_any_public_key(source: str) -> PublicKey:
    """A public key (path, PEM, base64 or certificate), reporting weak keys on stderr."""
    return cast(PublicKey, _with_weak_key_notice(lambda: load_public_key(source)))


def load_optional(module: str, name: str, what: str) -> Any:
    """``module.name``, or a one-line failure (exit 1) when that part is not installed."""
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as exc:
        if (exc.name or "").split(".")[0] in ("starlette", "uvicorn"):
            raise CliFailure(
                f"{what} needs the 'emulator' extra: pip install 'bisnap[emulator]'"
            ) from None
        raise CliFailure(f"{what} is not available in this installation") from None
    except AttributeError:
        raise CliFailure(f"{what} is not available in this installation") from None
