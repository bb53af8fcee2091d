"""The command line, run as a user would: `python -m allocation ...` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from allocation_builders import line, org, problem_dict

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "allocation", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def problem_file(tmp_path: Path) -> Path:
    data = problem_dict(
        [org("0180", FFP2=line(1000, 200, 5000, "critical")), org("0181", FFP2=line(0, 100, 5000))],
        stock=6000,
        whole_packs=True,
        pack=20,
    )
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(data))
    return path


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def test_solve_writes_a_plan_and_exits_0(problem_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    done = cli("solve", problem_file, "-o", out)
    assert done.returncode == 0, done.stderr
    plan = json.loads(out.read_text())
    assert plan["status"] == "optimal" and plan["solver"] == "HiGHS"
    assert sum(s["quantity"] for s in plan["shipments"]) == 6000
    assert {"available", "allocated", "unmet", "level_days"} <= set(plan["items"]["FFP2"])


def test_solve_without_output_prints_only_json(problem_file: Path) -> None:
    done = cli("solve", problem_file, "--solver", "cbc")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["solver"] == "CBC"


def test_compare_prints_both_policies_side_by_side(problem_file: Path, tmp_path: Path) -> None:
    done = cli("compare", problem_file, "-o", tmp_path / "cmp.json")
    assert done.returncode == 0, done.stderr
    assert "needs" in done.stdout and "population" in done.stdout
    assert "recipients below 7 days" in done.stdout
    figures = json.loads((tmp_path / "cmp.json").read_text())
    assert set(figures) == {"needs", "population"}
    assert set(figures["needs"]) >= {
        "lowest_days_after",
        "below_7_days",
        "below_14_days",
        "unmet",
        "unit_km",
    }


def test_compare_two_plan_files(problem_file: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert cli("solve", problem_file, "-o", a).returncode == 0
    assert cli("solve", problem_file, "-o", b, "--solver", "cbc").returncode == 0
    done = cli("compare", problem_file, a, b)
    assert done.returncode == 0, done.stderr
    assert "lowest days after" in done.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"items": []}, "items: must list at least one item"),
        ("{not json", "is not valid JSON"),
        (
            problem_dict([org("A", FFP2=line(-1, 1, 1))]),
            "organisations[0].lines.FFP2.on_hand: must be a whole number >= 0, got -1",
        ),
        (
            problem_dict([org("A", FFP2=line(1, "ten", 1))]),
            "organisations[0].lines.FFP2.daily_use: must be a number >= 0, got 'ten'",
        ),
        (problem_dict([org("A", MASK=line(1, 1, 1))]), "unknown item code 'MASK'"),
    ],
)
def test_a_bad_file_exits_2_with_a_clear_message_and_writes_nothing(
    tmp_path: Path, content: Any, message: str
) -> None:
    out = tmp_path / "out.json"
    done = cli("solve", write(tmp_path / "bad.json", content), "-o", out)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "bad.json"]


def test_compare_rejects_a_bad_file_too(tmp_path: Path) -> None:
    bad = write(
        tmp_path / "bad.json",
        problem_dict([org("A", FFP2=line(1, 1, 1)), org("A", FFP2=line(1, 1, 1))]),
    )
    done = cli("compare", bad, "-o", tmp_path / "cmp.json")
    assert done.returncode == 2
    assert "organisations[1].code: duplicate code 'A'" in done.stderr
    assert not (tmp_path / "cmp.json").exists()


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    done = cli("solve", tmp_path / "nope.json")
    assert done.returncode == 2
    assert "nope.json: cannot be read" in done.stderr
