"""``bench/redis_outage.py`` end to end with tiny sizes: a real Redis killed under load."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "redis_outage.py"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_calls_go_on_when_redis_is_killed_and_restarted() -> None:
    # 2 s tokens: the refresh falls due at 1 s (half the lifetime), after the kill at 0.8 s.
    # Each thread pauses 50 ms between calls: still hundreds of calls, without taking every core.
    seconds, kill_at, restart_at, lifetime, processes = 3.5, 0.8, 2.0, 2, 2
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--processes", str(processes), "--threads", "3",
         "--seconds", str(seconds), "--kill-at", str(kill_at), "--restart-at", str(restart_at),
         "--token-lifetime", str(lifetime), "--pause", "0.05"],
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
    # window (half the lifetime: about 3 in the 2.7 s after the kill, one more when a slow
    # machine lets a refresh fall on either side of the restart) -- never one per call, which
    # would be hundreds.
    refreshes_per_process = math.ceil((seconds - kill_at) / (lifetime / 2)) + 1
    after_kill = report["exchanges_at_gateway"].get("after_kill", 0)
    assert report["exchanges_at_gateway"]["before_kill"] == 1
    assert after_kill <= processes * refreshes_per_process, report
    assert after_kill * 10 < report["by_phase"]["after_kill.ok"], report
    assert done.stderr.count("Redis token store is unreachable") == 2
    assert done.stderr.count("reachable again") == 2
