"""``validate`` reports every error of a file in one run: the shape and type errors
(pydantic), and the cross-check errors (unknown references and the like) found on the
elements whose shape is right, each with file, line and field path; exit 2."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import assert_no_traceback, run, stderr_of

BROKEN = """\
version: 1
name: broken
timezone: Europe/London
horizon: {start: 2026-11-30T08:00, end: 2026-12-01T18:00}
sla_policies:
  gold: {tier: managed, clock: 24x7, targets: {P1: {response: 1h, resolution: 4h}}}
sites:
  hq: {lat: 51.5, lon: -0.1}
clients:
  - {id: acme, sla: gold, site: hq}
engineers:
  - id: alice
    home: nowhere
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T17:00}
  - id: bob
    home: hq
    skils: {x: 1}
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T17:00}
tickets:
  - id: T-1
    client: nobody
    priority: P1
    opened: 2026-11-30T08:00
    effort: {p50: banana, p90: 4h}
  - id: T-2
    client: acme
    priority: P9
    opened: 2026-11-30T08:00
    effort: {p50: 3h, p90: 4h}
  - id: T-3
    client: acme
    priority: P1
    opened: 2026-11-30T08:00
    assigned_to: bob
    effort: {p50: 3h, p90: 1h}
"""


def _line(text: str, needle: str, after: int = 0) -> int:
    lines = text.splitlines()
    return 1 + next(i for i, line in enumerate(lines) if i >= after and needle in line)


def test_type_and_reference_errors_come_in_one_run(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 2
    err = stderr_of(result)
    expected = [
        f"{path}:{_line(BROKEN, 'skils')}: engineers[1].skils: unknown key",
        f"{path}:{_line(BROKEN, 'banana')}: tickets[0].effort.p50: 'banana' is not a duration",
        f"{path}:{_line(BROKEN, 'home: nowhere')}: engineers[0].home: unknown site 'nowhere'",
        f"{path}:{_line(BROKEN, 'P9')}: tickets[1].priority: priority 'P9' is not in",
        f"{path}:{_line(BROKEN, 'p90: 1h')}: tickets[2].effort.p90: p90 must not be less",
    ]
    for line in expected:
        assert f"error: {line}" in err, (line, err)
    # T-3 is assigned to bob, whose entry has the shape error: no second error for it.
    assert "'bob'" not in err
    assert_no_traceback(result)


def test_a_broken_horizon_still_reports_its_errors(tmp_path: Path) -> None:
    """Without a horizon there is nothing to cross-check against: the shape errors."""
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN.replace("end: 2026-12-01T18:00", "end: someday"), encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 2
    err = stderr_of(result)
    assert "horizon.end" in err and "engineers[1].skils" in err
    assert_no_traceback(result)
