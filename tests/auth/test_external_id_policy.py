"""The one X-EXTERNAL-ID policy: each form accepts exactly what its rule says."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bisnap.errors import RequestValidationError
from bisnap.external_id import ExternalIdForm, check_external_id, new_external_id

# Independent restatements of the rules (spec section 8 and the Payouts pages).
_PATTERNS = {
    ExternalIdForm.SNAP: re.compile(r"[A-Za-z0-9\-_.~]{1,36}"),
    ExternalIdForm.NUMERIC: re.compile(r"[0-9]{1,36}"),
    ExternalIdForm.NOTIFICATION: re.compile(r"[!-~]{1,128}"),
}


@pytest.mark.parametrize(
    ("form", "value", "ok"),
    [
        (ExternalIdForm.SNAP, "inv-1001", True),
        (ExternalIdForm.SNAP, "a.b_c~d-9", True),
        (ExternalIdForm.SNAP, "a b", False),
        (ExternalIdForm.SNAP, "x" * 36, True),
        (ExternalIdForm.SNAP, "x" * 37, False),
        (ExternalIdForm.SNAP, "", False),
        (ExternalIdForm.SNAP, "é", False),
        (ExternalIdForm.NUMERIC, "0123456789", True),
        (ExternalIdForm.NUMERIC, "12a", False),
        (ExternalIdForm.NUMERIC, "١٢٣", False),  # Arabic-Indic digits are not ASCII digits
        (ExternalIdForm.NOTIFICATION, "ext:a/b", True),
        (ExternalIdForm.NOTIFICATION, "has space", False),
    ],
)
def test_each_form_accepts_exactly_its_rule(form: ExternalIdForm, value: str, ok: bool) -> None:
    if ok:
        assert check_external_id(value, form) == value
    else:
        with pytest.raises(RequestValidationError) as info:
            check_external_id(value, form, field="external_id")
        assert info.value.field == "external_id"


def test_a_non_string_is_a_typed_error_not_a_type_error() -> None:
    with pytest.raises(RequestValidationError, match="non-empty str"):
        check_external_id(12345)


def test_the_message_never_echoes_the_value() -> None:
    with pytest.raises(RequestValidationError) as info:
        check_external_id("secret value with spaces")
    assert "secret" not in str(info.value)


def test_generated_ids_satisfy_every_form() -> None:
    for _ in range(100):
        value = new_external_id()
        assert len(value) == 32
        for form in ExternalIdForm:
            assert check_external_id(value, form) == value


@given(st.text(max_size=140), st.sampled_from(list(ExternalIdForm)))
def test_policy_agrees_with_an_independent_pattern(value: str, form: ExternalIdForm) -> None:
    expected = _PATTERNS[form].fullmatch(value) is not None
    try:
        check_external_id(value, form)
    except RequestValidationError:
        accepted = False
    else:
        accepted = True
    assert accepted is expected
