"""`python -m allocation transfers problem.json -o proposal.json`: exit 0 with the proposal,
2 on a bad file naming the field (nothing written), 1 when the solver fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from transfer_builders import ROAD, patient, problem, unit

import allocation.__main__ as cli_module
from allocation.transfers import SolveError

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "allocation", "transfers", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def data() -> dict[str, Any]:
    return problem(
        [
            unit("SOLNA", "01", 59.35, 18.03, staffed=20, occupied=20),
            unit("UPPSALA", "03", 59.85, 17.64, invasive=3, name="Uppsala CIVA"),
        ],
        [patient("T-2020-0001", "SOLNA")],
        [ROAD],
    )


def write(path: Path, content: Any) -> Path:
    path.write_text(json.dumps(content))
    return path


def test_a_good_file_gives_the_proposal_and_exit_0(tmp_path: Path) -> None:
    out = tmp_path / "proposal.json"
    done = cli(write(tmp_path / "problem.json", data()), "-o", out)
    assert done.returncode == 0, done.stderr
    proposal = json.loads(out.read_text())
    assert proposal["status"] == "optimal" and proposal["solver"] == "HiGHS"
    assert [(m["case"], m["from"], m["to"], m["mode"]) for m in proposal["moves"]] == [
        ("T-2020-0001", "SOLNA", "UPPSALA", "road")
    ]
    assert proposal["moves"][0]["reason"].startswith("to Uppsala CIVA by road, 0.9 h: nearest")
    assert set(proposal["regions"]) == {"01", "03"}


def test_without_output_the_proposal_goes_to_stdout_as_clean_json(tmp_path: Path) -> None:
    done = cli(write(tmp_path / "problem.json", data()))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["moves"][0]["to"] == "UPPSALA"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["patients"][0].update(unit="NOWHERE"), "patients[0].unit: unknown unit"),
        (lambda d: d["patients"][0].update(case="19121212-1212"), "patients[0].case: looks like"),
        (lambda d: d["units"][1]["free"].update(invasive=-2), "units[1].free.invasive"),
        (lambda d: d["units"][0].pop("lat"), "units[0].lat: is missing"),
    ],
)
def test_a_bad_file_exits_2_naming_the_field_and_writes_nothing(
    tmp_path: Path, edit: Any, message: str
) -> None:
    bad = data()
    edit(bad)
    out = tmp_path / "proposal.json"
    done = cli(write(tmp_path / "problem.json", bad), "-o", out)
    assert done.returncode == 2
    assert message in done.stderr
    assert not out.exists()
    assert "1212-1212" not in done.stderr


def test_a_file_that_is_not_json_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "problem.json"
    path.write_text("{not json")
    done = cli(path, "-o", tmp_path / "out.json")
    assert done.returncode == 2 and "is not valid JSON" in done.stderr
    assert not (tmp_path / "out.json").exists()


def test_a_failing_solver_exits_1_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise SolveError("HiGHS could not solve transfers: Infeasible")

    monkeypatch.setattr(cli_module, "propose", fail)
    out = tmp_path / "proposal.json"
    status = cli_module.main(["transfers", str(write(tmp_path / "p.json", data())), "-o", str(out)])
    assert status == 1
    assert "could not solve" in capsys.readouterr().err
    assert not out.exists()


def test_propose_called_from_python_prints_nothing_on_stdout() -> None:
    """An app calling `propose` (not the CLI) keeps its stdout: no HiGHS banner."""
    code = (
        "import json, sys\n"
        "from allocation.transfers import propose, read_problem\n"
        "proposal = propose(read_problem(json.loads(sys.argv[1])))\n"
        "print(len(proposal.moves), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(data())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "1"  # the model was solved and a patient moved
    assert done.stdout == ""
