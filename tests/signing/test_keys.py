"""Key loading: every format people hold, weak keys, passwords, and errors that leak nothing."""

from __future__ import annotations

import base64
import datetime
import pickle
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from bisnap.errors import ConfigurationError, KeyLoadError, WeakKeyError
from bisnap.keys import (
    ClientSecret,
    GeneratedKeyPair,
    PrivateKey,
    PublicKey,
    WeakKeyWarning,
    generate_key_pair,
    load_client_secret,
    load_private_key,
    load_public_key,
)
from bisnap.signing import sign_hmac, sign_rsa, verify_rsa

VECTOR_KEYS = Path(__file__).resolve().parents[2] / "vectors" / "keys"
PEM = serialization.Encoding.PEM
DER = serialization.Encoding.DER
PKCS8 = serialization.PrivateFormat.PKCS8
PKCS1 = serialization.PrivateFormat.TraditionalOpenSSL
NO_ENCRYPTION = serialization.NoEncryption()


@pytest.fixture(scope="module")
def rsa_key(merchant_keys: GeneratedKeyPair) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(merchant_keys.private_pem, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


@pytest.fixture(scope="module")
def key_1024() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)


def _same_private(loaded: PrivateKey, original: rsa.RSAPrivateKey) -> bool:
    return loaded.cryptography_key.private_numbers() == original.private_numbers()


def _same_public(loaded: PublicKey, original: rsa.RSAPrivateKey) -> bool:
    return loaded.cryptography_key.public_numbers() == original.public_key().public_numbers()


def _pem_body(pem: bytes) -> str:
    """The base64 inside a PEM block, on one line."""
    return "".join(line for line in pem.decode().splitlines() if not line.startswith("-----"))


def _secret_chunks(material: bytes | str, size: int = 12) -> list[str]:
    """Slices of key material long enough that finding one in a message means a leak."""
    text = material.decode("latin-1") if isinstance(material, bytes) else material
    compact = re.sub(r"\s+|-----[A-Z ]+-----", "", text)
    return [compact[i : i + size] for i in range(0, max(len(compact) - size, 1), size)]


def _assert_no_leak(exc: BaseException, material: bytes | str) -> None:
    shown = f"{exc} {exc!r}"
    leaked = [chunk for chunk in _secret_chunks(material) if chunk and chunk in shown]
    assert not leaked, f"key material in the error message: {leaked[:3]}"


# --- private keys: every format -------------------------------------------------------------


def _private_forms(key: rsa.RSAPrivateKey) -> dict[str, bytes | bytearray | str]:
    pkcs8 = key.private_bytes(PEM, PKCS8, NO_ENCRYPTION)
    pkcs1 = key.private_bytes(PEM, PKCS1, NO_ENCRYPTION)
    der = key.private_bytes(DER, PKCS8, NO_ENCRYPTION)
    one_line = _pem_body(pkcs8)
    return {
        "pkcs8-pem-bytes": pkcs8,
        "pkcs8-pem-str": pkcs8.decode(),
        "pkcs1-pem": pkcs1,
        "der-pkcs8": der,
        "der-pkcs1": key.private_bytes(DER, PKCS1, NO_ENCRYPTION),
        "bare-base64-one-line": one_line,
        "bare-base64-wrapped": "\n".join(textwrap.wrap(one_line, 64)),
        "bare-base64-pkcs1": _pem_body(pkcs1),
        "bare-base64-unpadded": one_line.rstrip("="),
        "crlf": pkcs8.replace(b"\n", b"\r\n"),
        "trailing-spaces": b"\n".join(line + b"   " for line in pkcs8.split(b"\n")),
        "leading-indent": textwrap.indent(pkcs8.decode(), "    "),
        "pem-itself-base64": base64.b64encode(pkcs8),
        "env-escaped-newlines": pkcs8.decode().replace("\n", "\\n"),
        "env-escaped-crlf": pkcs8.decode().replace("\n", "\\r\\n"),
        "env-quoted": '"' + pkcs8.decode().replace("\n", "\\n") + '"',
        "text-before-pem": b"Bag Attributes\n    friendlyName: merchant\n" + pkcs8,
        "bytearray": bytearray(pkcs8),
    }


FORMS = sorted(
    _private_forms(rsa.generate_private_key(public_exponent=65537, key_size=1024)).keys()
)


@pytest.mark.parametrize("form", FORMS)
def test_private_key_loads_from(form: str, rsa_key: rsa.RSAPrivateKey) -> None:
    data = _private_forms(rsa_key)[form]
    assert _same_private(load_private_key(data), rsa_key)


@pytest.mark.parametrize("fmt", [PKCS8, PKCS1], ids=["pkcs8", "pkcs1-legacy"])
@pytest.mark.parametrize("password", ["s3cret", b"s3cret"], ids=["str", "bytes"])
def test_encrypted_pem_loads_with_its_password(
    rsa_key: rsa.RSAPrivateKey, fmt: serialization.PrivateFormat, password: str | bytes
) -> None:
    pem = rsa_key.private_bytes(PEM, fmt, serialization.BestAvailableEncryption(b"s3cret"))
    assert _same_private(load_private_key(pem, password), rsa_key)
    # The legacy form keeps its Proc-Type/DEK-Info header through CRLF and env-var escaping.
    assert _same_private(load_private_key(pem.replace(b"\n", b"\r\n"), password), rsa_key)
    assert _same_private(load_private_key(pem.decode().replace("\n", "\\n"), password), rsa_key)


def test_encrypted_der_loads_with_its_password(rsa_key: rsa.RSAPrivateKey) -> None:
    der = rsa_key.private_bytes(DER, PKCS8, serialization.BestAvailableEncryption(b"pw"))
    assert _same_private(load_private_key(der, "pw"), rsa_key)


def test_missing_password_is_named(rsa_key: rsa.RSAPrivateKey) -> None:
    pem = rsa_key.private_bytes(PEM, PKCS8, serialization.BestAvailableEncryption(b"pw"))
    with pytest.raises(KeyLoadError, match="encrypted: pass its password") as info:
        load_private_key(pem)
    _assert_no_leak(info.value, pem)


def test_wrong_password_is_named(rsa_key: rsa.RSAPrivateKey) -> None:
    pem = rsa_key.private_bytes(PEM, PKCS8, serialization.BestAvailableEncryption(b"pw"))
    with pytest.raises(KeyLoadError, match="password is wrong") as info:
        load_private_key(pem, "not-the-password")
    assert "not-the-password" not in str(info.value)
    _assert_no_leak(info.value, pem)


def test_password_for_an_unencrypted_key_is_refused(rsa_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(KeyLoadError, match="not encrypted"):
        load_private_key(rsa_key.private_bytes(PEM, PKCS8, NO_ENCRYPTION), "pw")


def test_private_key_loads_from_a_file_path(
    rsa_key: rsa.RSAPrivateKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "merchant-private.pem"
    path.write_bytes(rsa_key.private_bytes(PEM, PKCS8, NO_ENCRYPTION))
    assert _same_private(load_private_key(path), rsa_key)
    assert _same_private(load_private_key(str(path)), rsa_key)
    assert _same_private(load_private_key(f"  {path}\n"), rsa_key)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _same_private(load_private_key("~/merchant-private.pem"), rsa_key)
    der_path = tmp_path / "merchant.der"
    der_path.write_bytes(rsa_key.private_bytes(DER, PKCS8, NO_ENCRYPTION))
    assert _same_private(load_private_key(der_path), rsa_key)


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    with pytest.raises(KeyLoadError, match="file not found") as info:
        load_private_key(missing)
    assert str(missing) in str(info.value)
    with pytest.raises(KeyLoadError, match="file not found"):
        load_private_key("./keys/missing-private.pem")


def test_a_directory_is_not_a_key(tmp_path: Path) -> None:
    with pytest.raises(KeyLoadError):
        load_private_key(tmp_path)


def test_loaded_key_is_returned_as_is(merchant_keys: GeneratedKeyPair) -> None:
    key = merchant_keys.private_key()
    assert load_private_key(key) is key
    public = merchant_keys.public_key()
    assert load_public_key(public) is public


# --- public keys ----------------------------------------------------------------------------


def _certificate(key: rsa.RSAPrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gateway.example")])
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


def _public_forms(key: rsa.RSAPrivateKey) -> dict[str, bytes | str]:
    public = key.public_key()
    spki_pem = public.public_bytes(PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    spki_der = public.public_bytes(DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    pkcs1_pem = public.public_bytes(PEM, serialization.PublicFormat.PKCS1)
    cert = _certificate(key)
    return {
        "spki-pem": spki_pem,
        "spki-der": spki_der,
        "spki-bare-base64": _pem_body(spki_pem),
        "spki-crlf": spki_pem.replace(b"\n", b"\r\n"),
        "spki-env-escaped": spki_pem.decode().replace("\n", "\\n"),
        "spki-pem-itself-base64": base64.b64encode(spki_pem).decode(),
        "pkcs1-pem": pkcs1_pem,
        "pkcs1-der": public.public_bytes(DER, serialization.PublicFormat.PKCS1),
        "pkcs1-bare-base64": _pem_body(pkcs1_pem),
        "x509-pem": cert.public_bytes(PEM),
        "x509-der": cert.public_bytes(DER),
        "x509-bare-base64": base64.b64encode(cert.public_bytes(DER)).decode(),
    }


PUBLIC_FORMS = sorted(
    _public_forms(rsa.generate_private_key(public_exponent=65537, key_size=1024)).keys()
)


@pytest.mark.parametrize("form", PUBLIC_FORMS)
def test_public_key_loads_from(form: str, rsa_key: rsa.RSAPrivateKey) -> None:
    assert _same_public(load_public_key(_public_forms(rsa_key)[form]), rsa_key)


def test_public_key_loads_from_a_file(rsa_key: rsa.RSAPrivateKey, tmp_path: Path) -> None:
    path = tmp_path / "gateway.crt"
    path.write_bytes(_certificate(rsa_key).public_bytes(PEM))
    assert _same_public(load_public_key(path), rsa_key)
    assert _same_public(load_public_key(str(path)), rsa_key)


def test_the_published_demo_pair_matches() -> None:
    private = load_private_key(VECTOR_KEYS / "midtrans-demo-private.pem")
    public = load_public_key(VECTOR_KEYS / "midtrans-demo-public.pem")
    assert private.public_key() == public
    verify_rsa(public, "x", sign_rsa(private, "x"))


# --- one kind of key is never taken for another -------------------------------------------------


def test_a_private_key_is_not_a_public_key(merchant_keys: GeneratedKeyPair) -> None:
    with pytest.raises(KeyLoadError, match="load_private_key") as info:
        load_public_key(merchant_keys.private_pem)
    _assert_no_leak(info.value, merchant_keys.private_pem)
    with pytest.raises(KeyLoadError, match=r"\.public_key\(\)"):
        load_public_key(merchant_keys.private_key())  # type: ignore[arg-type]


def test_a_public_key_is_not_a_private_key(merchant_keys: GeneratedKeyPair) -> None:
    with pytest.raises(KeyLoadError, match="use load_public_key"):
        load_private_key(merchant_keys.public_pem)
    with pytest.raises(KeyLoadError, match="PublicKey was given"):
        load_private_key(merchant_keys.public_key())  # type: ignore[arg-type]
    with pytest.raises(KeyLoadError, match="ClientSecret was given"):
        load_private_key(ClientSecret("secret"))  # type: ignore[arg-type]


def test_rsa_keys_are_not_client_secrets(merchant_keys: GeneratedKeyPair) -> None:
    with pytest.raises(ConfigurationError, match="client secret"):
        load_client_secret(merchant_keys.private_key())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        sign_hmac(merchant_keys.private_key(), "x")  # type: ignore[arg-type]


def test_signing_needs_the_right_key_type(merchant_keys: GeneratedKeyPair) -> None:
    with pytest.raises(ConfigurationError, match="PrivateKey"):
        sign_rsa(merchant_keys.public_key(), "x")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="PrivateKey"):
        sign_rsa(merchant_keys.private_pem, "x")  # type: ignore[arg-type]
    signature = sign_rsa(merchant_keys.private_key(), "x")
    with pytest.raises(ConfigurationError, match="PublicKey"):
        verify_rsa(merchant_keys.private_key(), "x", signature)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "make",
    [lambda: ec.generate_private_key(ec.SECP256R1())],
    ids=["ec-p256"],
)
def test_non_rsa_keys_are_refused_by_name(make: Callable[[], ec.EllipticCurvePrivateKey]) -> None:
    key = make()
    with pytest.raises(KeyLoadError, match="EC, not RSA"):
        load_private_key(key.private_bytes(PEM, PKCS8, NO_ENCRYPTION))
    spki = key.public_key().public_bytes(PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(KeyLoadError, match="EC, not RSA"):
        load_public_key(spki)


# --- weak keys ----------------------------------------------------------------------------------


def test_a_1024_bit_key_loads_with_a_warning(key_1024: rsa.RSAPrivateKey) -> None:
    with pytest.warns(WeakKeyWarning, match="1024 bits"):
        private = load_private_key(key_1024.private_bytes(PEM, PKCS8, NO_ENCRYPTION))
    assert private.key_size == 1024
    spki = key_1024.public_key().public_bytes(PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.warns(WeakKeyWarning):
        assert load_public_key(spki).key_size == 1024


def test_a_2048_bit_key_loads_without_a_warning(merchant_keys: GeneratedKeyPair) -> None:
    # pytest runs with -W error: any warning here fails the test.
    assert load_private_key(merchant_keys.private_pem).key_size == 2048


def test_a_key_under_1024_bits_is_refused_unless_allowed() -> None:
    path = VECTOR_KEYS / "weak-512-private.pem"
    with pytest.raises(WeakKeyError, match="512 bits") as info:
        load_private_key(path)
    assert info.value.key_size == 512
    with pytest.raises(WeakKeyError):
        load_public_key(VECTOR_KEYS / "weak-512-public.pem")
    with pytest.warns(WeakKeyWarning):
        assert load_private_key(path, allow_weak=True).key_size == 512
    with pytest.warns(WeakKeyWarning):
        assert load_public_key(VECTOR_KEYS / "weak-512-public.pem", allow_weak=True).key_size == 512


def test_generate_key_pair_gives_dashboard_formats() -> None:
    pair = generate_key_pair()
    assert pair.private_pem.startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert pair.public_pem.startswith(b"-----BEGIN PUBLIC KEY-----\n")
    assert pair.private_key().public_key() == pair.public_key()
    assert pair.private_key().key_size == 2048
    assert "PRIVATE" not in repr(pair)


def test_generate_key_pair_refuses_weak_sizes() -> None:
    with pytest.raises(WeakKeyError):
        generate_key_pair(1024)


# --- failures say what was tried and never echo the key -----------------------------------------


def _garbled_inputs(merchant_keys: GeneratedKeyPair) -> dict[str, bytes | str]:
    pem = merchant_keys.private_pem
    body = _pem_body(pem)
    return {
        "truncated-pem": pem[: len(pem) // 2],
        "corrupted-pem": pem.replace(body[10:40].encode(), b"A" * 30),
        "corrupted-base64": body[:-40] + "AAAA" * 10,
        "base64-not-a-key": base64.b64encode(b"\x30" + bytes(range(200))).decode(),
        "der-garbage": b"\x30\x82" + bytes(range(256)),
        "plain-text": "this is not a key at all " * 3,
        "empty": "",
        "whitespace": "  \n\t ",
        "wrong-label": pem.replace(b"PRIVATE KEY", b"SOMETHING ELSE"),
    }


GARBLED = sorted(_garbled_inputs(generate_key_pair()).keys())


@pytest.mark.parametrize("case", GARBLED)
def test_a_failed_private_load_is_typed_and_leaks_nothing(
    case: str, merchant_keys: GeneratedKeyPair
) -> None:
    data = _garbled_inputs(merchant_keys)[case]
    with pytest.raises(KeyLoadError, match="tried: ") as info:
        load_private_key(data)
    _assert_no_leak(info.value, merchant_keys.private_pem)
    assert info.value.tried


@pytest.mark.parametrize("case", GARBLED)
def test_a_failed_public_load_is_typed_and_leaks_nothing(
    case: str, merchant_keys: GeneratedKeyPair
) -> None:
    data = _garbled_inputs(merchant_keys)[case]
    with pytest.raises(KeyLoadError) as info:
        load_public_key(data)
    _assert_no_leak(info.value, merchant_keys.private_pem)


@pytest.mark.parametrize("bad", [12345, None, 3.5, ["pem"]], ids=repr)
def test_a_value_of_the_wrong_type_is_refused(bad: object) -> None:
    with pytest.raises(KeyLoadError, match="must be"):
        load_private_key(bad)  # type: ignore[arg-type]
    with pytest.raises(KeyLoadError, match="must be"):
        load_public_key(bad)  # type: ignore[arg-type]


# --- secrets stay secret ------------------------------------------------------------------------


def test_private_key_repr_shows_only_the_size(merchant_keys: GeneratedKeyPair) -> None:
    key = merchant_keys.private_key()
    assert repr(key) == "PrivateKey(rsa, 2048 bits)"
    assert str(key) == repr(key)


def test_public_key_repr_shows_a_fingerprint(merchant_keys: GeneratedKeyPair) -> None:
    public = merchant_keys.public_key()
    assert re.fullmatch(r"PublicKey\(rsa, 2048 bits, sha256:[0-9a-f]{16}\)", repr(public))
    assert hash(public) == hash(load_public_key(merchant_keys.public_pem))


def test_client_secret_is_redacted_and_compared_by_value() -> None:
    secret = ClientSecret("fdppqbF5wq7vVegyvsV1CROMv646nJ7A")
    assert "fdpp" not in repr(secret)
    assert "fdpp" not in str(secret)
    assert "fdpp" not in f"{secret}"
    assert secret == ClientSecret(b"fdppqbF5wq7vVegyvsV1CROMv646nJ7A")
    assert secret != ClientSecret("other")
    assert load_client_secret(secret) is secret
    assert load_client_secret("x").as_bytes() == b"x"


@pytest.mark.parametrize("bad", ["", b""], ids=["empty-str", "empty-bytes"])
def test_an_empty_client_secret_is_refused(bad: str | bytes) -> None:
    with pytest.raises(ConfigurationError, match="empty") as info:
        ClientSecret(bad)
    assert info.value.field == "client_secret"


def test_a_client_secret_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="str or bytes"):
        load_client_secret(42)  # type: ignore[arg-type]


def test_keys_and_secrets_do_not_pickle(merchant_keys: GeneratedKeyPair) -> None:
    with pytest.raises(TypeError):
        pickle.dumps(merchant_keys.private_key())
    with pytest.raises(TypeError):
        pickle.dumps(ClientSecret("s"))


def test_a_generated_pair_loads_each_key_once(merchant_keys: GeneratedKeyPair) -> None:
    assert merchant_keys.private_key() is merchant_keys.private_key()
    assert merchant_keys.public_key() is merchant_keys.public_key()
    signature = merchant_keys.private_key().sign(b"payload")
    assert merchant_keys.public_key().verify(signature, b"payload")


def test_a_pair_built_from_pem_still_validates_its_private_key() -> None:
    other = generate_key_pair()
    broken = GeneratedKeyPair(private_pem=b"not a key", public_pem=other.public_pem)
    with pytest.raises(KeyLoadError):
        broken.private_key()
    rebuilt = GeneratedKeyPair(private_pem=other.private_pem, public_pem=other.public_pem)
    assert rebuilt.private_key().public_key() == other.public_key()


def test_a_pair_pickles_as_pem_only(merchant_keys: GeneratedKeyPair) -> None:
    merchant_keys.private_key()
    copy = pickle.loads(pickle.dumps(merchant_keys))
    assert copy == merchant_keys
    assert copy.private_key().public_key() == merchant_keys.public_key()


# --- the check of a private key's numbers, once per input ---------------------------------


@pytest.fixture
def checks(rsa_key: rsa.RSAPrivateKey, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each PEM private-key load in the test checked the key's numbers (an empty
    record of checked inputs to start with; ``rsa_key`` is loaded before recording starts)."""
    import bisnap.keys

    monkeypatch.setattr(bisnap.keys, "_CHECKED_INPUTS", set())
    seen: list[bool] = []
    load = serialization.load_pem_private_key

    def recording(data: bytes, password: bytes | None, **options: bool) -> object:
        seen.append(not options.get("unsafe_skip_rsa_key_validation", False))
        return load(data, password, **options)

    monkeypatch.setattr(serialization, "load_pem_private_key", recording)
    return seen


def _pem(key: rsa.RSAPrivateKey, password: bytes | None = None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def test_the_same_private_key_input_is_checked_once(
    rsa_key: rsa.RSAPrivateKey, checks: list[bool]
) -> None:
    pem = _pem(rsa_key)
    first, second = load_private_key(pem), load_private_key(pem.decode("ascii"))
    assert first.public_key() == second.public_key()
    # Other bytes for the same key (PKCS#1) are another input: checked again.
    pkcs1 = rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    load_private_key(pkcs1)
    assert checks == [True, False, True]


def test_a_password_is_part_of_the_input(rsa_key: rsa.RSAPrivateKey, checks: list[bool]) -> None:
    pem = _pem(rsa_key, b"right")
    load_private_key(pem, "right")
    with pytest.raises(KeyLoadError, match="password is wrong"):
        load_private_key(pem, "wrong")
    load_private_key(pem, b"right")
    assert checks == [True, True, False]


def test_a_key_whose_numbers_are_wrong_is_refused_every_time(
    rsa_key: rsa.RSAPrivateKey, checks: list[bool]
) -> None:
    numbers = rsa_key.private_numbers()
    wrong = rsa.RSAPrivateNumbers(
        numbers.p,
        numbers.q,
        numbers.d + 2,
        numbers.dmp1,
        numbers.dmq1,
        numbers.iqmp,
        numbers.public_numbers,
    ).private_key(unsafe_skip_rsa_key_validation=True)
    pem = _pem(wrong)
    for _ in range(2):
        with pytest.raises(KeyLoadError):
            load_private_key(pem)
    assert checks == [True, True]


def test_the_record_of_checked_inputs_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import bisnap.keys

    record: set[bytes] = set()
    monkeypatch.setattr(bisnap.keys, "_CHECKED_INPUTS", record)
    monkeypatch.setattr(bisnap.keys, "_CHECKED_INPUTS_MAX", 2)
    for digest in (b"a", b"b", b"c"):
        bisnap.keys._remember_checked(digest)
    assert record == {b"c"}
