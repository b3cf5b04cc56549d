"""``bench/redis_outage.py`` end to end with tiny sizes: a real Redis killed under load."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "redis_outage.py"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_calls_go_on_when_redis_is_killed_and_restarted() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--processes", "2", "--threads", "3", "--seconds", "7",
         "--kill-at", "2", "--restart-at", "5", "--token-lifetime", "4", "--warmup", "6"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )  # fmt: skip
    report = json.loads(done.stdout)
    assert report["calls_failed"] == 0, report
    assert report["by_phase"]["before_kill.ok"] > 0
    assert report["by_phase"]["after_kill.ok"] > 0
    # One exchange for everyone before the kill; afterwards about one per process per refresh
    # (4 s tokens refresh from 2 s before expiry: about 3 refreshes in 5 s, one more when a
    # slow machine lets a refresh fall on either side of the restart) -- never one per call,
    # which would be hundreds.
    after_kill = report["exchanges_at_gateway"].get("after_kill", 0)
    assert report["exchanges_at_gateway"]["before_kill"] == 1
    assert after_kill <= 2 * 5, report
    assert after_kill * 10 < report["by_phase"]["after_kill.ok"], report
    assert done.stderr.count("Redis token store is unreachable") == 2
    assert done.stderr.count("reachable again") == 2
