"""``dispatch simulate --plot``'s chart: each tier's breaches per run as a PNG."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dispatcher import plot_simulation, simulate, solve_scenario
from dispatcher.errors import InputError
from dispatcher.io.loader import load_scenario
from dispatcher.io.planfile import write_atomic_bytes
from dispatcher.semantics.problem import Problem
from dispatcher.semantics.simulation import SimulationReport
from dispatcher.views.simulate_plot import (
    DPI,
    PANEL_HEIGHT,
    WIDTH,
    PlotUnavailable,
    require_matplotlib,
    simulation_figure,
)
from models import Plan
from tests.scenarios import ROOT

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NORTHSIDE = ROOT / "scenarios" / "northside.yaml"
RUNS = 50


@pytest.fixture(scope="module")
def solved() -> tuple[Problem, Plan]:
    problem = load_scenario(NORTHSIDE)
    return problem, solve_scenario(problem, time_limit=1, workers=1, seed=0)


@pytest.fixture(scope="module")
def report(solved: tuple[Problem, Plan]) -> SimulationReport:
    problem, plan = solved
    return simulate(problem, plan, runs=RUNS, seed=0)


def test_the_report_carries_each_tiers_runs_by_number_of_breaches(
    report: SimulationReport,
) -> None:
    """runs_by_breaches[k] runs had k breaches: every run counted once, the mean and the
    percentiles agree with it, and the report still round-trips through JSON."""
    assert report.by_tier
    for outcome in report.by_tier.values():
        histogram = outcome.runs_by_breaches
        assert sum(histogram) == RUNS and histogram[-1] > 0
        mean = sum(k * runs for k, runs in enumerate(histogram)) / RUNS
        assert mean == pytest.approx(outcome.mean)
        seen = [k for k, runs in enumerate(histogram) if runs]
        assert min(seen) <= outcome.p10 <= outcome.p90 <= max(seen)
    assert SimulationReport.model_validate_json(report.model_dump_json()) == report
    # reports made before the histogram existed still read
    old = report.model_dump(mode="json")
    for outcome_data in old["by_tier"].values():
        del outcome_data["runs_by_breaches"]
    assert SimulationReport.model_validate(old).by_tier.keys() == report.by_tier.keys()


def test_the_png_is_written_whole_and_is_a_png_of_the_expected_size(
    report: SimulationReport, tmp_path: Path
) -> None:
    from matplotlib.image import imread

    out = tmp_path / "sim.png"
    data = plot_simulation(report, out, plan_name="plan.json")
    assert data.startswith(PNG_SIGNATURE)
    assert out.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["sim.png"]  # no temporary left behind
    pixels = imread(out)
    tiers = len(report.by_tier)
    assert pixels.shape[:2] == (round((1 + PANEL_HEIGHT * tiers) * DPI), round(WIDTH * DPI))
    assert plot_simulation(report).startswith(PNG_SIGNATURE)  # bytes only, no file


def test_the_chart_names_the_plan_and_marks_promise_mean_and_band(
    report: SimulationReport,
) -> None:
    figure = simulation_figure(report, "plan.json")
    title = figure.get_suptitle()
    assert "plan.json" in title and f"{RUNS} runs" in title and "seed 0" in title
    axes = figure.get_axes()
    assert [ax.get_title(loc="left") for ax in axes] == list(report.by_tier)
    for ax, outcome in zip(axes, report.by_tier.values(), strict=True):
        labels = ax.get_legend_handles_labels()[1]
        assert f"promised {outcome.promised:.2f}" in labels
        assert f"mean {outcome.mean:.2f}" in labels
        assert f"p10-p90 {outcome.p10:g}-{outcome.p90:g}" in labels
        promised = [line for line in ax.get_lines() if line.get_label().startswith("promised")]
        assert list(promised[0].get_xdata()) == [outcome.promised] * 2  # a vertical line


def test_without_matplotlib_plotting_says_how_to_install_it(
    report: SimulationReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("matplotlib", "matplotlib.figure"):
        monkeypatch.setitem(sys.modules, name, None)  # import raises ImportError
    with pytest.raises(PlotUnavailable, match=r"msp-dispatch\[plot\]"):
        require_matplotlib()
    with pytest.raises(ImportError, match="needs matplotlib"):
        plot_simulation(report, tmp_path / "sim.png")
    assert not list(tmp_path.iterdir())


def test_write_atomic_bytes_refuses_the_inputs(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("kept\n", encoding="utf-8")
    with pytest.raises(InputError, match="input file"):
        write_atomic_bytes(scenario, PNG_SIGNATURE, (scenario,))
    assert scenario.read_text(encoding="utf-8") == "kept\n"
    out = tmp_path / "out.bin"
    write_atomic_bytes(out, b"\x00\xff", (scenario,))
    assert out.read_bytes() == b"\x00\xff"


def test_importing_dispatcher_never_loads_matplotlib() -> None:
    code = (
        "import sys, dispatcher, dispatcher.api, dispatcher.cli, dispatcher.views.simulate_plot;"
        "sys.exit('matplotlib' in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
