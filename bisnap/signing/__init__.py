"""The signing core: pure functions, no I/O, no HTTP or model library.

Each stage is public so that a test or a user can check it on its own::

    minify_json -> body_digest -> *_string_to_sign -> sign_rsa / sign_hmac

Payouts notifications are the exception: ``iris_signature`` hashes the raw body as received.
"""

from bisnap.signing.iris import iris_signature, verify_iris_signature
from bisnap.signing.minify import CompactJSON, minify_json
from bisnap.signing.signatures import (
    decode_signature,
    sign_hmac,
    sign_rsa,
    verify_hmac,
    verify_rsa,
)
from bisnap.signing.strings import (
    Digest,
    asymmetric_string_to_sign,
    body_digest,
    token_string_to_sign,
    transaction_string_to_sign,
)

__all__ = [
    "CompactJSON",
    "Digest",
    "asymmetric_string_to_sign",
    "body_digest",
    "decode_signature",
    "iris_signature",
    "minify_json",
    "sign_hmac",
    "sign_rsa",
    "token_string_to_sign",
    "transaction_string_to_sign",
    "verify_hmac",
    "verify_iris_signature",
    "verify_rsa",
]
