"""The benchmark scripts import and run end to end with tiny sizes (no timing is asserted)."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def bench_module(name: str) -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


def test_fit_recovers_an_exact_line() -> None:
    scaling = bench_module("scaling")
    intercept, slope, r2 = scaling.fit([(1.0, 3.0), (2.0, 5.0), (4.0, 9.0)])
    assert (round(intercept, 9), round(slope, 9), round(r2, 9)) == (1.0, 2.0, 1.0)


def test_percentile_interpolates() -> None:
    report = bench_module("report")
    values = [float(v) for v in range(100, 0, -1)]
    assert report.percentile(values, 0.5) == 50.5
    assert report.percentile(values, 0.99) == pytest.approx(99.01)
    assert report.percentile([7.0], 0.99) == 7.0


def test_append_result_records_machine_and_command(tmp_path: Path) -> None:
    report = bench_module("report")
    target = tmp_path / "RESULTS.md"
    report.append_result(
        "A title", "a | table", notes=["a note"], command="python x.py", path=target
    )
    text = target.read_text()
    assert "### A title" in text
    assert "- command: `python x.py`" in text
    assert "cores" in text
    assert "a | table" in text
    assert "- a note" in text


def test_a_new_run_goes_first_and_the_previous_one_moves_under_earlier_runs(
    tmp_path: Path,
) -> None:
    report = bench_module("report")
    target = tmp_path / "RESULTS.md"
    report.start_run("## run one", path=target)
    report.append_result("first table", "one", command="x", path=target)
    report.start_run("## run two", path=target)
    report.append_result("second table", "two", command="x", path=target)
    report.start_run("## run three", path=target)
    report.append_result("third table", "three", command="x", path=target)
    headings = [line for line in target.read_text().splitlines() if line.startswith("#")]
    assert headings == [
        "# Benchmark results",
        "## run three",
        "### third table",
        "## Earlier runs, with older code",
        "### run two",
        "#### second table",
        "### run one",
        "#### first table",
    ]


def test_make_body_is_compact_json_of_the_asked_size() -> None:
    primitives = bench_module("primitives")
    indented, compact = primitives.make_body(4096)
    assert 4096 <= len(compact) < 4096 + 300
    assert compact.count(b"\n") == 0
    assert len(indented) > len(compact)


@pytest.mark.parametrize("size", [100, 700, 4096])
def test_signing_make_body_stops_at_the_first_item_reaching_the_size(size: int) -> None:
    signing = bench_module("signing")
    pretty, compact = signing.make_body(size)
    body = json.loads(compact)
    shorter = {**body, "items": body["items"][:-1]}
    assert len(compact.decode()) >= size
    assert len(json.dumps(shorter, separators=(",", ":"), ensure_ascii=False)) < size
    assert json.loads(pretty) == body


def test_signing_comparisons_run() -> None:
    primitives = bench_module("primitives")
    results = primitives.run(repeat=1, sizes=(1024,))
    names = [r.name for r in results]
    assert "sign_rsa (2048-bit)" in names
    assert "verify_rsa (2048-bit)" in names
    assert "symmetric pipeline, serialize_body output" in names
    assert all(r.bisnap_us > 0 and r.baseline_us > 0 for r in results)


def test_headers_comparison_runs() -> None:
    headers_auth = bench_module("headers_auth")
    results = dict(headers_auth.run(repeat=1))
    assert set(results) >= {"httpx + SnapAuth (warm token)", "httpx + headers by hand"}
    assert "vs by hand" in headers_auth.format_results(list(results.items()))


def test_import_costs_are_parsed() -> None:
    imports = bench_module("imports")
    heavy = imports.heaviest_modules("import json", top=50)
    assert "json" in [name for name, _ in heavy]


@pytest.mark.slow
def test_loopback_runs_each_client_in_its_own_process_with_one_token(tmp_path: Path) -> None:
    loopback = bench_module("loopback")
    Case = loopback.Case
    cases = [Case("sync", 1), Case("async", 3, "httpx"), Case("async", 3, "aiohttp")]
    bench = loopback.Bench(tmp_path, max_seconds=30, budget=300)
    try:
        # One round: each case in its own process once (run_rounds' rotation over several
        # rounds is tested with a fake bench below).
        rounds = loopback.run_rounds(bench, cases, count=4, rounds=1)
        latency = loopback.run_latency(
            bench, node=False, delays=(0.01,), concurrencies=(2,), calls_per_slot=2, min_calls=4
        )
    finally:
        bench.stop()
    assert [[run.case for run in one] for one in rounds] == [cases]
    for run in [*rounds[0], *latency]:
        assert run.ok == run.requested == run.creates_seen - run.case.concurrency, run.error
        assert run.token_exchanges == 1
    assert {run.case.backend for run in latency} == {"httpx", "aiohttp"}
    assert all(run.delay == 0.01 for run in latency)
    assert "aiohttp / httpx transport x1" not in loopback.format_ratios(loopback.ratios(rounds))


def test_rounds_rotate_the_order_and_report_each_round_in_case_order() -> None:
    loopback = bench_module("loopback")
    Case, Run = loopback.Case, loopback.Run
    cases = [Case("sync", 1), Case("async", 3, "httpx"), Case("async", 3, "aiohttp")]
    ran: list[object] = []

    class FakeBench:
        def run(self, case: object, count: int, delay: float = 0.0) -> object:
            ran.append(case)
            return Run(case, count, count, 1.0, [])

    rounds = loopback.run_rounds(FakeBench(), cases, count=4, rounds=4)
    a, b, c = cases
    assert ran == [a, b, c, b, c, a, c, a, b, a, b, c]
    assert [[run.case for run in one] for one in rounds] == [cases] * 4
    assert all(run.requested == 4 for one in rounds for run in one)


def test_ratios_are_taken_per_round() -> None:
    loopback = bench_module("loopback")
    Case, Run = loopback.Case, loopback.Run
    mine, theirs = Case("sync", 1), Case("node", 1)

    def run(case: object, per_second: float) -> object:
        return Run(case, 10, 10, 10 / per_second, [])

    rounds = [[run(mine, 300), run(theirs, 100)], [run(mine, 100), run(theirs, 50)]]
    found = loopback.ratios(rounds)
    assert [(r.label, r.values) for r in found] == [
        ("bisnap SnapClient (sync) x1 / Node SDK", [3.0, 2.0])
    ]
    assert "2.50x" in loopback.format_ratios(found)
