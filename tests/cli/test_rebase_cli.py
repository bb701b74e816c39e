"""``dispatch reschedule --rebase`` end to end: plan the morning export, re-plan onto the
re-import, check the new plan alone and against the morning plan."""

from __future__ import annotations

import json

from click.testing import CliRunner

from dispatcher.cli import main
from tests.scenarios import scenario_text
from tests.solver.reschedule.test_rebase import MORNING, NEW, NOW


def test_rebase_from_the_command_line(tmp_path):
    morning, new = tmp_path / "morning.yaml", tmp_path / "new.yaml"
    morning.write_text(scenario_text(MORNING))
    new.write_text(scenario_text(NEW))
    plan, rebased = tmp_path / "morning.json", tmp_path / "rebased.json"
    runner = CliRunner()
    fast = ["--time-limit", "1", "--workers", "1", "--seed", "0"]
    made = runner.invoke(main, ["plan", str(morning), "-o", str(plan), *fast, "--quiet"])
    assert made.exit_code == 0, made.output
    args = ["reschedule", str(new), "--plan", str(plan), "--now", NOW, "-o", str(rebased), *fast]
    refused = runner.invoke(main, args)
    assert refused.exit_code == 2 and "--rebase" in refused.output
    assert not rebased.exists()
    # Without --base-scenario: the scenario beside the plan whose sha256 it records.
    done = runner.invoke(main, [*args, "--rebase"])
    assert done.exit_code == 0, done.output
    assert f"--base-scenario: {morning} (the plan's scenario)" in done.output
    moved = tmp_path / "archive"
    moved.mkdir()
    morning = morning.rename(moved / "morning.yaml")
    no_base = runner.invoke(main, [*args, "--rebase"])
    assert no_base.exit_code == 2 and "--base-scenario" in no_base.output
    done = runner.invoke(main, [*args, "--rebase", "--base-scenario", str(morning)])
    assert done.exit_code == 0, done.output
    for word in ("closed in the PSA", "T-3", "new in the export: N-1", "priority", "carol"):
        assert word in done.output
    assert json.loads(rebased.read_text())["reschedule"]["rebase"]["new"] == ["N-1"]
    alone = runner.invoke(main, ["check", str(new), str(rebased)])
    assert alone.exit_code == 0, alone.output
    against = runner.invoke(main, ["check", str(new), str(rebased), "--base", str(plan)])
    assert against.exit_code == 0, against.output
    unknown = runner.invoke(
        main, [*args, "--rebase", "--base-scenario", str(morning), "--done", "NOPE"]
    )
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output
    assert unknown.output.count("error:") == 1
