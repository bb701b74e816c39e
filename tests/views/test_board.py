"""The HTML dispatch board: self-contained, one lane per engineer, every job of the
plan where the plan puts it, text escaped; and, in a real headless Chromium,
a page that loads without console errors and shows its tooltips.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dispatcher.api import solve_scenario
from dispatcher.io.loader import load_scenario
from dispatcher.semantics.problem import Problem
from dispatcher.views.board import render_board
from dispatcher.views.planview import AT_RISK
from models import Plan
from tests.scenarios import SCENARIOS, members, tiny, trips_of

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def problem() -> Problem:
    return load_scenario(SCENARIOS / "northside.yaml")


@pytest.fixture(scope="module")
def plan(problem: Problem) -> Plan:
    return solve_scenario(problem, time_limit=2, seed=0, workers=1)


@pytest.fixture(scope="module")
def board(problem: Problem, plan: Plan) -> str:
    return render_board(problem, plan)


class Elements(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def with_class(self, name: str) -> list[dict[str, str]]:
        return [attrs for _, attrs in self.tags if name in attrs.get("class", "").split()]


def test_board_is_self_contained(board: str) -> None:
    """No file, font, script or style is fetched: nothing points outside the page."""
    tags = Elements(board).tags
    assert not [attrs for _, attrs in tags if "src" in attrs or "href" in attrs]
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", board, re.IGNORECASE)
    assert "@import" not in board and "url(" not in board
    assert not [tag for tag, _ in tags if tag in ("link", "img", "iframe")]


def test_board_has_one_lane_per_engineer(problem: Problem, board: str) -> None:
    lanes = Elements(board).with_class("lane")
    assert [lane["data-engineer"] for lane in lanes] == [e.id for e in problem.engineers]


def test_board_shows_every_job_where_the_plan_puts_it(
    problem: Problem, plan: Plan, board: str
) -> None:
    jobs = Elements(board).with_class("job")
    for assignment in plan.assignments:
        pieces = [job for job in jobs if job["data-ticket"] == assignment.ticket]
        assert pieces, assignment.ticket
        for piece in pieces:
            assert piece["data-start"] == assignment.start.astimezone(problem.tz).isoformat()
            assert piece["data-end"] == assignment.end.astimezone(problem.tz).isoformat()
            risky = assignment.response_risk + assignment.resolution_risk > AT_RISK
            assert ("risky" in piece["class"].split()) == risky
    assert {job["data-ticket"] for job in jobs} == {a.ticket for a in plan.assignments}


def test_board_lanes_hold_their_engineers_jobs(plan: Plan, board: str) -> None:
    lanes = re.split(r'(?=<div class="lane")', board)[1:]
    for lane in lanes:
        engineer = re.search(r'data-engineer="([^"]+)"', lane)
        assert engineer is not None
        shown = set(re.findall(r'class="job[^"]*" data-ticket="([^"]+)"', lane))
        # A crew job is in every member's lane.
        assert shown == {a.ticket for a in plan.assignments if engineer.group(1) in members(a)}


def test_board_draws_travel_before_each_on_site_job(plan: Plan, board: str) -> None:
    trips = [(a.ticket, minutes) for a in plan.assignments for minutes in trips_of(a) if minutes]
    drawn = [bar for bar in Elements(board).with_class("travel") if "swatch" not in bar["class"]]
    assert len(drawn) == len(trips)  # a crew job: one bar per member who drives
    for ticket, minutes in trips:
        assert f"{minutes} min travel to {ticket}" in board


def test_board_kpis_are_the_plans(plan: Plan, board: str) -> None:
    for kpi in plan.kpis.by_tier.values():
        assert f"{kpi.assigned} / {kpi.tickets}" in board
        assert f"{kpi.expected_breaches:.2f} expected breaches" in board
    assert f"{plan.kpis.travel_minutes} min" in board
    assert f"{plan.objective.total:.4f}" in board
    assert "no_eligible_engineer" in board and "needs azure&gt;=3" in board


def test_board_for_one_engineer(problem: Problem, plan: Plan) -> None:
    lanes = Elements(render_board(problem, plan, "sam")).with_class("lane")
    assert [lane["data-engineer"] for lane in lanes] == ["sam"]


def test_board_escapes_every_text() -> None:
    """A summary or a name with markup shows as text, never as markup."""
    problem = tiny(
        """
engineers:
  - id: alice
    name: "Alice <b>O'Neil</b>"
    home: alice-home
    shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]
tickets:
  - {id: T-1, client: northwind, priority: P1, opened: 2026-11-30T08:00, effort: 1h,
     summary: "<script>alert('x')</script> & \\"quotes\\""}
"""
    )
    html = render_board(problem, solve_scenario(problem, time_limit=1, workers=1))
    assert "<script>alert" not in html and "<b>O'Neil</b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot;" in html
    assert "Alice &lt;b&gt;O&#x27;Neil&lt;/b&gt;" in html


def test_board_in_headless_chromium(problem: Problem, board: str, tmp_path: Path) -> None:
    """The page loads without console errors, shows a lane per engineer and a tooltip."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "board.html"
    page_file.write_text(board, encoding="utf-8")
    problems: list[str] = []
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on(
                "console",
                lambda message: (
                    problems.append(message.text) if message.type in ("error", "warning") else None
                ),
            )
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(page_file.as_uri())
            lanes = page.locator(".lane")
            assert lanes.count() == len(problem.engineers)
            for lane, engineer in zip(lanes.all(), problem.engineers, strict=True):
                assert lane.is_visible()
                assert lane.get_attribute("data-engineer") == engineer.id
            page.locator('.job[data-ticket="T-1001"]').first.hover()
            tip = page.locator("#tip")
            assert tip.is_visible()
            assert "T-1001" in tip.inner_text()
            assert "resolution due" in tip.inner_text()
        finally:
            browser.close()
    assert problems == []
