"""The pytest plugin: registered through its entry point, docstring true, no rewrite warning."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import bisnap.emulator.pytest_plugin as plugin
from tests.fakes import OTHER_PYTEST_PLUGINS_OFF

_CONFTEST = """
from bisnap.emulator.testing import RecordingReceiver, SnapEmulatorFixture

__all__ = ["RecordingReceiver", "SnapEmulatorFixture"]
"""

_TEST = """
from bisnap.emulator.testing import SnapEmulatorFixture


def test_create_and_pay(snap_emulator: SnapEmulatorFixture) -> None:
    client = snap_emulator.client()
    client.virtual_accounts.create(
        partner_service_id="   70012",
        customer_no="6280123456",
        virtual_account_no="   700126280123456",
        virtual_account_name="Plugin Test",
        trx_id="plugin-1",
        total_amount={"value": "10000.00"},
        additional_info={"bank": "bca", "merchantId": "G059876677"},
    )
    snap_emulator.emulator.pay_va("plugin-1")
    assert snap_emulator.emulator.wait_for_notifications()
    assert snap_emulator.emulator.notifications[0].delivered
"""


def test_pytest_plugin_is_registered_through_an_entry_point() -> None:
    registered = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert registered.get("bisnap") == "bisnap.emulator.pytest_plugin"


@pytest.mark.slow
def test_pytest_plugin_needs_no_pytest_plugins_line_and_trips_no_rewrite_warning(
    tmp_path: Path,
) -> None:
    (tmp_path / "conftest.py").write_text(_CONFTEST)
    (tmp_path / "test_user_code.py").write_text(_TEST)
    command = [sys.executable, "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider"]
    result = subprocess.run(
        [*command, *OTHER_PYTEST_PLUGINS_OFF],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "1 passed" in output
    assert "PytestAssertRewriteWarning" not in output


def test_pytest_plugin_docstring_names_only_fixtures_that_exist() -> None:
    doc = plugin.__doc__ or ""
    named = set(re.findall(r"\bsnap_emulator\w*", doc))
    source = Path(plugin.__file__).read_text("utf-8")
    defined = set(re.findall(r"@pytest\.fixture(?:\([^)]*\))?\s+def (\w+)", source))
    assert (
        named
        == defined
        == {
            "snap_emulator",
            "snap_emulator_merchant_keys",
            "snap_emulator_notification_transport",
        }
    )
