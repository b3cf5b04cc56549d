"""Key types and key loading.

RSA private keys, RSA public keys and client secrets are three distinct types, so one can never
be passed where another is meant. A key is parsed once (parsing with validation costs tens of
milliseconds; signing well under one) and the loaded object is reused.

Loading accepts the formats people actually hold: PEM (PKCS#8, PKCS#1, encrypted PKCS#8 or
PKCS#1 with a password), DER, bare base64 on one line or wrapped, PEM with CRLF line ends or
trailing spaces, PEM that is itself base64-encoded, ``\\n``-escaped strings from environment
variables, and file paths. Public keys also load from SubjectPublicKeyInfo, PKCS#1 and X.509
certificates. Errors name the formats tried, never the key material.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Generic, NoReturn, TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bisnap.errors import ConfigurationError, KeyLoadError, WeakKeyError

__all__ = [
    "IRIS_MERCHANT_KEY_ENV",
    "MIN_KEY_BITS",
    "RECOMMENDED_KEY_BITS",
    "ClientSecret",
    "GeneratedKeyPair",
    "IrisMerchantKey",
    "KeySource",
    "PrivateKey",
    "PublicKey",
    "WeakKeyWarning",
    "generate_key_pair",
    "load_client_secret",
    "load_iris_merchant_key",
    "load_private_key",
    "load_public_key",
]

MIN_KEY_BITS = 1024
RECOMMENDED_KEY_BITS = 2048

KeySource = str | bytes | bytearray | os.PathLike[str]

_Key = TypeVar("_Key", "PrivateKey", "PublicKey")
_PKCS1V15 = padding.PKCS1v15()
_SHA256 = hashes.SHA256()
_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----")
_BASE64_CHARS = re.compile(rb"[A-Za-z0-9+/=\s]+")
_LOOKS_LIKE_KEY_FILE = re.compile(r"\.(pem|key|der|crt|cer|pub|txt)$", re.IGNORECASE)


class WeakKeyWarning(UserWarning):
    """An RSA key below 2048 bits was loaded (some gateways still use 1024-bit keys)."""


_Wrapped = TypeVar("_Wrapped", rsa.RSAPrivateKey, rsa.RSAPublicKey)


class _RSAKey(Generic[_Wrapped]):
    """A ``cryptography`` RSA key of the half named by ``_half`` ("private" or "public")."""

    __slots__ = ("_key",)
    _wraps: ClassVar[type]
    _half: ClassVar[str]

    def __init__(self, key: _Wrapped) -> None:
        if not isinstance(key, self._wraps):
            raise ConfigurationError(
                f"{type(self).__name__} wraps an RSA {self._half} key", field=f"{self._half}_key"
            )
        self._key: _Wrapped = key

    @property
    def key_size(self) -> int:
        return self._key.key_size

    @property
    def cryptography_key(self) -> _Wrapped:
        """The underlying ``cryptography`` key object."""
        return self._key


class PrivateKey(_RSAKey[rsa.RSAPrivateKey]):
    """A loaded RSA private key. Its ``repr`` shows only the key size."""

    __slots__ = ()
    _wraps = rsa.RSAPrivateKey
    _half = "private"

    def public_key(self) -> PublicKey:
        """The public half of this key."""
        return PublicKey(self._key.public_key())

    def sign(self, data: bytes) -> bytes:
        """SHA256withRSA (PKCS#1 v1.5) over ``data``; returns the raw signature bytes."""
        return self._key.sign(data, _PKCS1V15, _SHA256)

    def to_pem(self, password: bytes | None = None) -> bytes:
        """PKCS#8 PEM, encrypted when ``password`` is given."""
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        return self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )

    def __repr__(self) -> str:
        return f"PrivateKey(rsa, {self.key_size} bits)"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a PrivateKey is not picklable; load it where it is used")


class PublicKey(_RSAKey[rsa.RSAPublicKey]):
    """A loaded RSA public key."""

    __slots__ = ()
    _wraps = rsa.RSAPublicKey
    _half = "public"

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when ``signature`` is a valid SHA256withRSA signature of ``data``."""
        try:
            self._key.verify(signature, data, _PKCS1V15, _SHA256)
        except InvalidSignature:
            return False
        return True

    def to_pem(self) -> bytes:
        """SubjectPublicKeyInfo PEM (``-----BEGIN PUBLIC KEY-----``), as dashboards ask for."""
        return self._key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def fingerprint(self) -> str:
        """Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo."""
        der = self._key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return hashlib.sha256(der).hexdigest()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PublicKey):
            return NotImplemented
        return self._key.public_numbers() == other._key.public_numbers()

    def __hash__(self) -> int:
        return hash(self.fingerprint())

    def __repr__(self) -> str:
        return f"PublicKey(rsa, {self.key_size} bits, sha256:{self.fingerprint()[:16]})"


class _SecretBytes:
    """A secret used as its UTF-8 bytes: compared in constant time, never shown or pickled."""

    __slots__ = ("_value",)
    _a_name: ClassVar[str]
    _the_name: ClassVar[str]
    _field: ClassVar[str]

    def __init__(self, value: str | bytes) -> None:
        if isinstance(value, str):
            value = value.encode("utf-8")
        if not isinstance(value, bytes):
            raise ConfigurationError(
                f"{self._a_name} is a str or bytes, not {type(value).__name__}", field=self._field
            )
        if not value:
            raise ConfigurationError(f"{self._the_name} is empty", field=self._field)
        self._check(value)
        self._value = value

    def _check(self, value: bytes) -> None:
        """Further checks of a non-empty value (none by default)."""

    def as_bytes(self) -> bytes:
        """The secret's bytes."""
        return self._value

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _SecretBytes)
        return hmac.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        return hash((type(self).__name__, hashlib.sha256(self._value).digest()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}('***')"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError(f"a {type(self).__name__} is not picklable")


class ClientSecret(_SecretBytes):
    """The HMAC client secret, used as its UTF-8 bytes. Never shown by ``repr`` or ``str``."""

    __slots__ = ()
    _a_name = "a client secret"
    _the_name = "the client secret"
    _field = "client_secret"


def load_client_secret(value: ClientSecret | str | bytes) -> ClientSecret:
    """A :class:`ClientSecret` from a str or bytes (returned unchanged if it already is one)."""
    if isinstance(value, ClientSecret):
        return value
    if isinstance(value, (PrivateKey, PublicKey)):  # type: ignore[unreachable]
        raise ConfigurationError(
            "an RSA key was given where the client secret is expected", field="client_secret"
        )
    given: object = value
    if isinstance(given, IrisMerchantKey):
        raise ConfigurationError(
            "the Iris merchant key was given where the client secret is expected",
            field="client_secret",
        )
    return ClientSecret(value)


@dataclass(frozen=True)
class GeneratedKeyPair:
    """A freshly generated key pair as PEM: PKCS#8 private, SubjectPublicKeyInfo public."""

    private_pem: bytes = field(repr=False)
    public_pem: bytes

    def private_key(self) -> PrivateKey:
        """The private key, loaded (and validated) once, then reused."""
        return self._loaded("_private_key", load_private_key, self.private_pem)

    def public_key(self) -> PublicKey:
        """The public key, loaded once, then reused."""
        return self._loaded("_public_key", load_public_key, self.public_pem)

    def _loaded(self, name: str, load: Callable[[bytes], _Key], pem: bytes) -> _Key:
        # Keys are immutable; loading a private key checks its numbers, which costs ~0.1 s.
        key: _Key | None = self.__dict__.get(name)
        if key is None:
            key = load(pem)
            object.__setattr__(self, name, key)
        return key

    def __getstate__(self) -> dict[str, bytes]:
        # The loaded keys refuse to pickle; the PEM is the whole state.
        return {"private_pem": self.private_pem, "public_pem": self.public_pem}


def generate_key_pair(bits: int = RECOMMENDED_KEY_BITS) -> GeneratedKeyPair:
    """A new RSA key pair in the formats the Midtrans dashboard asks for."""
    if bits < RECOMMENDED_KEY_BITS:
        raise WeakKeyError(
            f"refusing to generate a {bits}-bit key; use at least 2048", key_size=bits
        )
    key = PrivateKey(rsa.generate_private_key(public_exponent=65537, key_size=bits))
    pair = GeneratedKeyPair(private_pem=key.to_pem(), public_pem=key.public_key().to_pem())
    object.__setattr__(pair, "_private_key", key)  # generated here: nothing to validate
    return pair


# --- loading -----------------------------------------------------------------------------------


def _read_source(data: KeySource, what: str) -> bytes:
    """Raw bytes of a key given inline or as a file path."""
    if isinstance(data, os.PathLike):
        return _read_file(Path(data), what)
    if isinstance(data, str):
        candidate = data.strip()
        if "-----BEGIN" not in candidate and "\n" not in candidate and len(candidate) < 4096:
            if candidate and os.path.isfile(os.path.expanduser(candidate)):
                return _read_file(Path(candidate), what)
            if _LOOKS_LIKE_KEY_FILE.search(candidate) or candidate.startswith(("./", "~/")):
                raise KeyLoadError(f"{what} file not found: {candidate}")
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError:
            raise KeyLoadError(f"{what} text is not valid UTF-8") from None
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise KeyLoadError(
        f"{what} must be PEM/DER/base64 text or bytes, or a file path, not {type(data).__name__}"
    )


def _read_file(path: Path, what: str) -> bytes:
    try:
        return path.expanduser().read_bytes()
    except FileNotFoundError:
        raise KeyLoadError(f"{what} file not found: {path}") from None
    except OSError as exc:
        raise KeyLoadError(f"{what} file could not be read: {path} ({exc.strerror})") from None


def _normalise_text(raw: bytes) -> bytes:
    """Undo the ways key text gets mangled in env vars and copy-paste."""
    text = raw.strip()
    if len(text) >= 2 and text[:1] == text[-1:] and text[:1] in (b'"', b"'"):
        text = text[1:-1].strip()
    text = text.replace(b"\\r\\n", b"\n").replace(b"\\n", b"\n")
    text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    lines = [line.strip() for line in text.split(b"\n") if line.strip()]
    return b"\n".join(_restore_pem_header_gap(lines))


def _restore_pem_header_gap(lines: list[bytes]) -> list[bytes]:
    """Put back the blank line that ends a PEM header block (``Proc-Type``, ``DEK-Info``).

    Legacy encrypted PEM needs it, and it is the one blank line the clean-up above removes.
    """
    out: list[bytes] = []
    after_begin = False
    saw_header = False
    for line in lines:
        if after_begin and b":" in line and not line.startswith(b"-----"):
            saw_header = True
        elif after_begin:
            if saw_header:
                out.append(b"")
            after_begin = saw_header = False
        if line.startswith(b"-----BEGIN"):
            after_begin = True
        out.append(line)
    return out


def _b64decode(text: bytes) -> bytes | None:
    compact = re.sub(rb"\s+", b"", text)
    if not compact or not _BASE64_CHARS.fullmatch(compact):
        return None
    compact += b"=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None


def _candidates(raw: bytes) -> list[tuple[str, bytes]]:
    """Possible (encoding, bytes) readings of a key blob: PEM text or DER."""
    text = _normalise_text(raw)
    if _PEM_BLOCK.search(text):
        start = text.index(b"-----BEGIN")
        return [("PEM", text[start:] + b"\n")]
    decoded = _b64decode(text)
    if decoded is not None:
        inner = decoded.strip()
        if inner.startswith(b"-----BEGIN") or b"\\n-----BEGIN" in inner:
            return _candidates(inner)
        return [("base64 DER", decoded)]
    if raw[:1] == b"\x30":
        return [("DER", raw)]
    return []


def _check_size(key_size: int, allow_weak: bool) -> None:
    if key_size < MIN_KEY_BITS and not allow_weak:
        raise WeakKeyError(
            f"RSA key of {key_size} bits is below the {MIN_KEY_BITS}-bit minimum; "
            "pass allow_weak=True only for test keys",
            key_size=key_size,
        )
    if key_size < RECOMMENDED_KEY_BITS:
        warnings.warn(
            f"RSA key of {key_size} bits is below the recommended {RECOMMENDED_KEY_BITS} bits",
            WeakKeyWarning,
            stacklevel=3,
        )


def load_private_key(
    data: PrivateKey | KeySource,
    password: str | bytes | None = None,
    *,
    allow_weak: bool = False,
) -> PrivateKey:
    """Load an RSA private key from any common format (see the module docstring).

    Raises :class:`~bisnap.errors.KeyLoadError` naming the formats tried, or
    :class:`~bisnap.errors.WeakKeyError` for keys under 1024 bits unless ``allow_weak``.
    """
    if isinstance(data, PrivateKey):
        return data
    if isinstance(data, (PublicKey, ClientSecret, IrisMerchantKey)):
        raise KeyLoadError(f"a {type(data).__name__} was given where a private key is expected")
    raw = _read_source(data, "private key")
    pwd = password.encode("utf-8") if isinstance(password, str) else password
    digest = _input_digest(raw, pwd)
    checked = digest in _CHECKED_INPUTS
    tried: list[str] = []
    for encoding, blob in _candidates(raw):
        loader = (
            serialization.load_pem_private_key
            if encoding == "PEM"
            else serialization.load_der_private_key
        )
        tried.append(f"{encoding} PKCS#8/PKCS#1")
        try:
            key = loader(blob, password=pwd, unsafe_skip_rsa_key_validation=checked)
        except TypeError as exc:
            if "encrypted" in str(exc).lower() and pwd is None:
                raise KeyLoadError("the private key is encrypted: pass its password") from None
            if pwd is not None:
                raise KeyLoadError(
                    "a password was given but the private key is not encrypted"
                ) from None
            continue
        except ValueError as exc:
            if pwd is not None and "password" in str(exc).lower():
                raise KeyLoadError("the private key password is wrong") from None
            if encoding == "PEM" and _PEM_BLOCK.search(blob):
                label = _pem_label(blob)
                if label in ("PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE"):
                    raise KeyLoadError(
                        f"this is a {label.lower()}, not a private key: use load_public_key"
                    ) from None
            continue
        except UnsupportedAlgorithm:
            continue
        accepted = _accepted(key, PrivateKey, allow_weak)
        _remember_checked(digest)
        return accepted
    raise _not_loaded("private", tried)


# Digests of private-key inputs (bytes and password) that loaded and passed cryptography's
# check of the key's numbers in this process. The same input is the same key, so loading it
# again skips that check (about 40 ms for a 2048-bit key, far more for larger ones): test
# suites and in-process CLI runs load one key many times. Only digests are kept.
_CHECKED_INPUTS: set[bytes] = set()
_CHECKED_INPUTS_MAX = 256


def _input_digest(raw: bytes, password: bytes | None) -> bytes:
    given = b"\x00" if password is None else b"\x01" + password
    return hashlib.sha256(len(raw).to_bytes(8, "big") + raw + given).digest()


def _remember_checked(digest: bytes) -> None:
    if len(_CHECKED_INPUTS) >= _CHECKED_INPUTS_MAX:
        _CHECKED_INPUTS.clear()
    _CHECKED_INPUTS.add(digest)


def _accepted(key: object, wrapper: type[_Key], allow_weak: bool) -> _Key:
    """``key`` wrapped, once it is an RSA key of the wrapper's half and large enough."""
    if not isinstance(key, wrapper._wraps):
        raise KeyLoadError(f"the {wrapper._half} key is {_algorithm_name(key)}, not RSA")
    _check_size(key.key_size, allow_weak)
    return wrapper(key)


def _not_loaded(half: str, tried: list[str]) -> KeyLoadError:
    forms = tried or ["PEM", "base64 DER", "base64-encoded PEM", "DER", "file path"]
    return KeyLoadError(f"could not load an RSA {half} key", tried=tuple(forms))


def _algorithm_name(key: object) -> str:
    """A readable algorithm name for a non-RSA key (``EC``, ``Ed25519``, ``DSA``...)."""
    name = type(key).__name__.lstrip("_").removeprefix("Rust")
    for suffix in ("PrivateKey", "PublicKey"):
        name = name.removesuffix(suffix)
    return {"EllipticCurve": "EC"}.get(name, name) or "not RSA"


def _pem_label(blob: bytes) -> str:
    match = _PEM_BLOCK.search(blob)
    return match.group(1).decode("ascii") if match else ""


def _public_from_der(der: bytes) -> object:
    for loader in (
        serialization.load_der_public_key,
        lambda b: x509.load_der_x509_certificate(b).public_key(),
    ):
        try:
            return loader(der)
        except (ValueError, UnsupportedAlgorithm):
            continue
    return None


def load_public_key(data: PublicKey | KeySource, *, allow_weak: bool = False) -> PublicKey:
    """Load an RSA public key: SPKI or PKCS#1, PEM/DER/base64, or from an X.509 certificate."""
    if isinstance(data, PublicKey):
        return data
    if isinstance(data, (PrivateKey, ClientSecret, IrisMerchantKey)):
        raise KeyLoadError(
            f"a {type(data).__name__} was given where a public key is expected"
            + ("; use .public_key()" if isinstance(data, PrivateKey) else "")
        )
    raw = _read_source(data, "public key")
    tried: list[str] = []
    for encoding, blob in _candidates(raw):
        key: object = None
        if encoding == "PEM":
            label = _pem_label(blob)
            if "PRIVATE KEY" in label:
                raise KeyLoadError(
                    "this is a private key, not a public key: load it with load_private_key "
                    "and call .public_key()"
                )
            tried.append(f"PEM {label or 'block'}")
            try:
                if label == "CERTIFICATE":
                    key = x509.load_pem_x509_certificate(blob).public_key()
                else:
                    key = serialization.load_pem_public_key(blob)
            except (ValueError, UnsupportedAlgorithm):
                key = None
        else:
            tried.append(f"{encoding} SPKI/PKCS#1/X.509")
            key = _public_from_der(blob)
        if key is None:
            continue
        return _accepted(key, PublicKey, allow_weak)
    raise _not_loaded("public", tried)


IRIS_MERCHANT_KEY_ENV = "BISNAP_IRIS_MERCHANT_KEY"
"""The environment variable :func:`load_iris_merchant_key` reads when no key is given."""


class IrisMerchantKey(_SecretBytes):
    """The Iris Merchant Key that signs Payouts notifications (``Iris-Signature``).

    A credential from the Midtrans dashboard, distinct from the BI-SNAP client secret and from
    the RSA keys, so it is its own type: it cannot be passed where one of those is expected, or
    the other way round. Never shown by ``repr`` or ``str``.
    """

    __slots__ = ()
    _a_name = "an Iris merchant key"
    _the_name = "the Iris merchant key"
    _field = "iris_merchant_key"

    def _check(self, value: bytes) -> None:
        if not value.strip():
            raise ConfigurationError(f"{self._the_name} is empty", field=self._field)
        if value != value.strip() or any(ch in value for ch in b"\r\n\x00"):
            raise ConfigurationError(
                f"{self._the_name} has surrounding whitespace, a line break or NUL",
                field=self._field,
            )


def load_iris_merchant_key(
    value: IrisMerchantKey | str | bytes | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> IrisMerchantKey:
    """An :class:`IrisMerchantKey` from ``value``, or from ``BISNAP_IRIS_MERCHANT_KEY`` when None.

    Raises :class:`~bisnap.errors.ConfigurationError` naming the variable (never its value)
    when neither is set, and refuses a client secret or RSA key given by mistake.
    """
    if isinstance(value, IrisMerchantKey):
        return value
    if isinstance(value, (ClientSecret, PrivateKey, PublicKey)):
        raise ConfigurationError(
            f"a {type(value).__name__} was given where the Iris merchant key is expected",
            field="iris_merchant_key",
        )
    if value is None:
        env = os.environ if environ is None else environ
        found = env.get(IRIS_MERCHANT_KEY_ENV, "")
        if not found.strip():
            raise ConfigurationError(
                f"no Iris merchant key: pass one or set {IRIS_MERCHANT_KEY_ENV}",
                field="iris_merchant_key",
            )
        try:
            return IrisMerchantKey(found.strip())
        except ConfigurationError as exc:
            raise ConfigurationError(
                f"environment variable {IRIS_MERCHANT_KEY_ENV}: {exc.message}",
                field="iris_merchant_key",
            ) from None
    return IrisMerchantKey(value)
