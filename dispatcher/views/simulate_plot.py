"""``dispatch simulate --plot``: the breaches of each run, per tier, as a PNG chart.

One panel per tier: a bar per number of breaches (response + resolution, as
``expected_breaches`` counts them) with the share of runs that had it, the plan's promise
(its ``expected_breaches``) as a dashed vertical line, the mean as a solid one and the
10th to 90th percentile as a shaded band. matplotlib is an optional dependency (the
``plot`` extra): it is imported here, inside the functions, so that importing
``dispatcher`` or any view never loads it, and drawn on a bare ``Figure`` (the Agg
renderer, no display, no pyplot state).
"""

from __future__ import annotations

import io
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from dispatcher.io.planfile import write_atomic_bytes
from dispatcher.semantics.simulation import SimulationReport, TierOutcome

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

INSTALL = "pip install 'msp-dispatch[plot]'"
PANEL_HEIGHT = 2.4  # inches per tier
WIDTH = 9.0  # inches
DPI = 100


class PlotUnavailable(ImportError):
    """matplotlib is not installed: the message says how to install it."""


def require_matplotlib() -> None:
    """Raise ``PlotUnavailable`` unless matplotlib can be imported (checked before the
    work, so that a missing library costs no simulation)."""
    try:
        import matplotlib.figure  # noqa: F401
    except ImportError as exc:
        raise PlotUnavailable(f"plotting needs matplotlib: {INSTALL}") from exc


def simulation_title(report: SimulationReport, plan_name: str = "") -> str:
    what = f"{report.runs} runs against fresh efforts (seed {report.seed})"
    return f"{plan_name}: {what}" if plan_name else what


def simulation_figure(report: SimulationReport, plan_name: str = "") -> Figure:
    """The chart as a matplotlib ``Figure`` (one panel per tier, tiers in report order)."""
    require_matplotlib()
    from matplotlib.figure import Figure

    tiers = list(report.by_tier.items())
    panels = max(len(tiers), 1)
    figure = Figure(figsize=(WIDTH, 1.0 + PANEL_HEIGHT * panels), dpi=DPI, layout="constrained")
    figure.suptitle(simulation_title(report, plan_name))
    axes = figure.subplots(panels, 1, squeeze=False)[:, 0]
    if not tiers:
        axes[0].text(0.5, 0.5, "no tickets", ha="center", va="center")
        axes[0].set_axis_off()
        return figure
    for ax, (tier, outcome) in zip(axes, tiers, strict=True):
        _panel(ax, tier, outcome, report.runs)
    axes[-1].set_xlabel("breaches in a run (response + resolution)")
    return figure


def _panel(ax: Axes, tier: str, outcome: TierOutcome, runs: int) -> None:
    from matplotlib.ticker import MaxNLocator

    histogram = outcome.runs_by_breaches
    ax.bar(
        range(len(histogram)),
        [count / runs for count in histogram],
        width=0.8,
        color="#8fb3d9",
        edgecolor="#4a7bb0",
        label="share of runs",
        zorder=2,
    )
    ax.axvspan(
        outcome.p10,
        outcome.p90,
        facecolor="#f2b13440",
        edgecolor="#f2b134",
        linewidth=1.5 if outcome.p10 == outcome.p90 else 0,
        zorder=1,
        label=f"p10-p90 {outcome.p10:g}-{outcome.p90:g}",
    )
    ax.axvline(
        outcome.mean, color="#1f3b5c", linewidth=2, label=f"mean {outcome.mean:.2f}", zorder=3
    )
    ax.axvline(
        outcome.promised,
        color="#c0392b",
        linewidth=2,
        linestyle="--",
        label=f"promised {outcome.promised:.2f}",
        zorder=4,
    )
    # From the fewest breaches any run had (or the promise, if lower) to the most.
    fewest = next((k for k, count in enumerate(histogram) if count), 0)
    left = max(min(fewest, outcome.promised, outcome.p10) - 1, 0) - 0.6
    right = max(len(histogram) - 0.4, outcome.promised + 0.6, outcome.p90 + 0.6, left + 3)
    ax.set_xlim(left, right)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("share of runs")
    ax.set_title(tier, loc="left", fontsize="medium", fontweight="bold")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)


def simulation_png(report: SimulationReport, plan_name: str = "") -> bytes:
    """The chart as PNG bytes."""
    figure = simulation_figure(report, plan_name)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def write_simulation_plot(
    report: SimulationReport,
    path: Path,
    plan_name: str = "",
    protected: Collection[Path] = (),
) -> bytes:
    """Write the chart to ``path`` as PNG, whole or not at all, never over ``protected``
    (the command's inputs); the PNG bytes."""
    data = simulation_png(report, plan_name)
    write_atomic_bytes(path, data, protected)
    return data
