"""Gateway profiles are data: hosts, paths, styles and schemes."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from bisnap.errors import ConfigurationError
from bisnap.gateways import (
    MIDTRANS_PRODUCTION,
    MIDTRANS_SANDBOX,
    MIDTRANS_STAGING,
    GatewayProfile,
    SignatureScheme,
    generic_profile,
    profile_from_env,
)
from bisnap.timestamps import TimestampStyle


@pytest.mark.parametrize(
    ("profile", "host", "app_host"),
    [
        (
            MIDTRANS_SANDBOX,
            "https://merchants.sbx.midtrans.com",
            "https://merchants-app.sbx.midtrans.com",
        ),
        (
            MIDTRANS_STAGING,
            "https://merchants.stg.midtrans.com",
            "https://merchants-app.stg.midtrans.com",
        ),
        (
            MIDTRANS_PRODUCTION,
            "https://merchants.midtrans.com",
            "https://merchants-app.midtrans.com",
        ),
    ],
)
def test_midtrans_hosts(profile: GatewayProfile, host: str, app_host: str) -> None:
    assert profile.base_url == host
    assert profile.app_base_url == app_host
    assert profile.token_url == host + "/v1.0/access-token/b2b"
    assert profile.token_body_key == "grantType"
    assert profile.timestamp_style is TimestampStyle.JAKARTA
    assert profile.signature_scheme is SignatureScheme.SYMMETRIC


def test_profiles_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        MIDTRANS_SANDBOX.base_url = "https://evil.example"  # type: ignore[misc]


def test_with_base_url_keeps_everything_else() -> None:
    local = MIDTRANS_SANDBOX.with_base_url("http://127.0.0.1:8080/")
    assert local.base_url == "http://127.0.0.1:8080"
    assert local.token_url == "http://127.0.0.1:8080/v1.0/access-token/b2b"
    assert local.app_base_url == MIDTRANS_SANDBOX.app_base_url
    assert MIDTRANS_SANDBOX.base_url == "https://merchants.sbx.midtrans.com"


def test_generic_profile_for_an_asymmetric_provider() -> None:
    profile = generic_profile(
        "https://api.example-pjp.co.id",
        name="example",
        path_prefix="/snap/",
        token_body_key="grant_type",
        timestamp_style=TimestampStyle.JAKARTA_MILLIS,
        signature_scheme=SignatureScheme.ASYMMETRIC,
    )
    assert profile.path("/v1.0/transfer-va/create-va") == "/snap/v1.0/transfer-va/create-va"
    assert profile.token_url == "https://api.example-pjp.co.id/snap/v1.0/access-token/b2b"
    assert profile.signature_scheme is SignatureScheme.ASYMMETRIC


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"base_url": "merchants.midtrans.com"}, "base_url"),
        ({"base_url": "ftp://x.example"}, "base_url"),
        ({"base_url": "https://x.example?a=1"}, "base_url"),
        ({"base_url": "https://x.example", "token_path": "v1.0/access-token/b2b"}, "token_path"),
        ({"base_url": "https://x.example", "path_prefix": "snap"}, "path_prefix"),
        ({"base_url": "https://x.example", "token_body_key": ""}, "token_body_key"),
    ],
)
def test_bad_profile_names_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        generic_profile(**kwargs)
    assert info.value.field == field


def test_profile_from_env() -> None:
    assert profile_from_env({}) is MIDTRANS_SANDBOX
    assert profile_from_env({"BISNAP_BASE_URL": "https://merchants.midtrans.com/"}) is (
        MIDTRANS_PRODUCTION
    )
    local = profile_from_env({"BISNAP_BASE_URL": "http://127.0.0.1:9000"})
    assert local.base_url == "http://127.0.0.1:9000"
    with pytest.raises(ConfigurationError) as info:
        profile_from_env({"BISNAP_BASE_URL": "not a url"})
    assert info.value.field == "BISNAP_BASE_URL"
    assert "BISNAP_BASE_URL" in str(info.value)
