"""Where the command line finds its settings: flags, then ``--env-file``, then the environment.

An env file holds ``NAME=value`` lines (``export`` prefix, ``#`` comments, single- or
double-quoted values that may span lines, as a PEM key does). Errors name the file and the line,
never a value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bisnap.errors import ConfigurationError

__all__ = ["ENV", "Settings", "parse_env_file"]


class ENV:
    """The environment variables the command line reads."""

    CLIENT_ID = "BISNAP_CLIENT_ID"
    CLIENT_SECRET = "BISNAP_CLIENT_SECRET"
    PRIVATE_KEY = "BISNAP_PRIVATE_KEY"
    PRIVATE_KEY_PASSWORD = "BISNAP_PRIVATE_KEY_PASSWORD"
    PARTNER_ID = "BISNAP_PARTNER_ID"
    CHANNEL_ID = "BISNAP_CHANNEL_ID"
    BASE_URL = "BISNAP_BASE_URL"
    PROFILE = "BISNAP_PROFILE"
    ACCESS_TOKEN = "BISNAP_ACCESS_TOKEN"
    GATEWAY_PUBLIC_KEY = "BISNAP_GATEWAY_PUBLIC_KEY"
    CA_BUNDLE = "BISNAP_CA_BUNDLE"


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Lines end at \n, \r\n or \r only: str.splitlines() would also end them at characters a
# value may hold, such as U+2028 or a form feed.
_LINE_END = re.compile(r"\r\n|\r|\n")


def parse_env_file(text: str, source: str = "env file") -> dict[str, str]:
    """Parse dotenv-style ``text`` into a dict; raise ConfigurationError on a malformed line."""
    values: dict[str, str] = {}
    lines = _LINE_END.split(text)
    index = 0
    while index < len(lines):
        number = index + 1
        line = lines[index].strip()
        index += 1
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        name, sep, rest = line.partition("=")
        name = name.strip()
        if not sep or not _NAME.fullmatch(name):
            raise ConfigurationError(f"{source}, line {number}: expected NAME=value")
        rest = rest.lstrip()
        if rest[:1] in ("'", '"'):
            quote = rest[0]
            body = rest[1:]
            while quote not in body:
                if index >= len(lines):
                    raise ConfigurationError(
                        f"{source}, line {number}: {name} has an unterminated {quote} quote"
                    )
                body += "\n" + lines[index]
                index += 1
            value, _, trailing = body.partition(quote)
            trailing = trailing.strip()
            if trailing and not trailing.startswith("#"):
                raise ConfigurationError(
                    f"{source}, line {number}: unexpected text after the quoted value of {name}"
                )
        else:
            value = re.split(r"\s+#", rest, maxsplit=1)[0].strip()
        values[name] = value
    return values


def _read_env_file(path: str) -> dict[str, str]:
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigurationError(f"env file not found: {path}") from None
    except UnicodeDecodeError:
        raise ConfigurationError(f"env file is not UTF-8 text: {path}") from None
    except OSError as exc:
        raise ConfigurationError(f"env file could not be read: {path} ({exc.strerror})") from None
    return parse_env_file(text, source=path)


@dataclass
class Settings:
    """Settings lookup: an explicit flag wins, then the ``--env-file``, then the environment."""

    file_values: Mapping[str, str] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)

    @classmethod
    def load(cls, env_file: str | None, environ: Mapping[str, str] | None = None) -> Settings:
        return cls(
            file_values=_read_env_file(env_file) if env_file else {},
            environ=os.environ if environ is None else environ,
        )

    def get(self, flag_value: str | None, env_name: str) -> str | None:
        """The flag value if given, else the env file's, else the environment's (or None)."""
        for candidate in (flag_value, self.file_values.get(env_name), self.environ.get(env_name)):
            if candidate is not None and candidate.strip():
                return candidate
        return None

    def require(self, flag_value: str | None, env_name: str, flag: str, what: str) -> str:
        """Like :meth:`get`, but a missing value is a one-line ConfigurationError."""
        value = self.get(flag_value, env_name)
        if value is None:
            raise ConfigurationError(f"missing {what}: pass {flag} or set {env_name}")
        return value

    def merged(self) -> dict[str, str]:
        """The environment overlaid with the env file, for APIs that read a mapping."""
        merged = dict(self.environ)
        merged.update(self.file_values)
        return merged
