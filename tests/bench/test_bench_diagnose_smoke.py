"""bench/diagnose.py runs end to end (no timing is asserted)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_diagnose_bench_cases_run() -> None:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    module = importlib.import_module("diagnose")
    timings = {name: module.best_ms(call, 1, 1) for name, (call, _) in module.cases().items()}
    assert len(timings) == 3
    assert all(value > 0 for value in timings.values())
