"""The HTML dispatch board: self-contained, one lane per engineer, every job of the
plan where the plan puts it, text escaped; and, in a real headless Chromium,
a page that loads without console errors and shows its tooltips.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from dispatcher.api import solve_scenario
from dispatcher.io.generator import generate_scenario
from dispatcher.io.loader import load_scenario, load_scenario_text
from dispatcher.semantics.evaluate import Job, evaluate
from dispatcher.semantics.problem import Problem
from dispatcher.solver.assemble import build_plan
from dispatcher.solver.reschedule.events import Events, Unavailable
from dispatcher.solver.reschedule.replan import reschedule
from dispatcher.solver.solve import SolveOptions
from dispatcher.views.board import CREW_MARK, render_board
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


FAST = SolveOptions(time_limit=2.0, workers=1, seed=0)


@pytest.fixture(scope="module")
def generated() -> tuple[Problem, Plan]:
    """A generated two-day scenario of 50 engineers and 400 tickets, planned briefly."""
    problem = load_scenario_text(generate_scenario(50, 400, seed=0), filename="g50.yaml")
    return problem, solve_scenario(problem, time_limit=2, seed=0, workers=1)


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


def test_board_header_speaks_plainly(plan: Plan, board: str) -> None:
    """Per tier, the expected breaches and the tickets planned in words; the solver's
    objective and bound folded into a details element."""
    header = board[board.index("<header>") : board.index("</header>")]
    for tier, kpi in plan.kpis.by_tier.items():
        assert (
            f'<span class="tier">{tier}</span>: {kpi.expected_breaches:.1f} expected SLA '
            f"breaches, {kpi.assigned} of {kpi.tickets} tickets planned"
        ) in header
    assert f"{plan.kpis.travel_minutes} min travel" in header
    details = header[header.index('<details class="solver">') :]
    assert f"objective {plan.objective.total:.4f}" in details and "gap" in details
    assert "objective" not in header[: header.index('<details class="solver">')]


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


@contextmanager
def board_page(
    board: str, path: Path, width: int, height: int, problems: list[str]
) -> Iterator[Any]:
    """The board, written to ``path``, open in headless Chromium at this size; console
    errors and warnings and page errors go to ``problems``. Skips without Chromium."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    path.write_text(board, encoding="utf-8")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on(
                "console",
                lambda message: (
                    problems.append(message.text) if message.type in ("error", "warning") else None
                ),
            )
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(path.as_uri())
            yield page
        finally:
            browser.close()


def test_board_in_headless_chromium(problem: Problem, board: str, tmp_path: Path) -> None:
    """The page loads without console errors, shows a lane per engineer and a tooltip
    (a full-page screenshot in tmp_path)."""
    problems: list[str] = []
    with board_page(board, tmp_path / "board.html", 1400, 900, problems) as page:
        page.screenshot(path=str(tmp_path / "board-6.png"), full_page=True)
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
    assert problems == []


def test_board_draws_the_crew_mark_without_a_font(board: str) -> None:
    """The chain is inline SVG (a headless Chromium without emoji fonts drew U+26D3 as an
    empty box), in the legend and on each crew job (T-2004, Northside's crew of two)."""
    assert "\u26d3" not in board
    assert CREW_MARK.startswith('<svg class="chain"') and "<text" not in CREW_MARK
    legend = board[board.index('class="legend"') : board.index('class="main"')]
    assert f"{CREW_MARK}+n crew job" in legend
    assert board.count(f'<b class="link">{CREW_MARK}+1</b>') == 2  # T-2004 in both lanes


# The room a label has and the natural width of its ticket id, per job, in the page.
LABEL_ROOM = """els => els.map(job => {
  const label = job.firstElementChild, id = job.querySelector(".id");
  const style = getComputedStyle(id);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.fontWeight + " " + style.fontSize + " " + style.fontFamily;
  return {ticket: job.dataset.ticket, room: label.clientWidth, cut: label.scrollWidth >
    label.clientWidth, shown: id.offsetWidth > 0, id: context.measureText(id.textContent).width,
    prio: job.querySelector(".prio").offsetWidth > 0};
})"""


def test_board_shows_each_ticket_id_whole_where_it_fits(board: str, tmp_path: Path) -> None:
    """At 1600 px, every job block with room for its ticket id shows the id whole: the
    crew mark and then the priority give way first ('T-1101', not 'P2 T-1…'); a block
    too narrow for the id shows its priority only."""
    problems: list[str] = []
    with board_page(board, tmp_path / "board.html", 1600, 1000, problems) as page:
        page.screenshot(path=str(tmp_path / "board-1600.png"))
        labels = page.locator(".job:not(.cont)").evaluate_all(LABEL_ROOM)
        fits = [label for label in labels if label["id"] <= label["room"]]
        assert len(fits) >= 4, labels
        assert [label for label in fits if not label["shown"] or label["cut"]] == []
        too_narrow = [label for label in labels if label["id"] > label["room"]]
        assert too_narrow and all(label["prio"] and not label["shown"] for label in too_narrow)
        # Wider, the priority comes back beside the id.
        page.set_viewport_size({"width": 2600, "height": 1000})
        wide = page.locator(".job:not(.cont)").evaluate_all(LABEL_ROOM)
        assert any(label["prio"] and label["shown"] and not label["cut"] for label in wide)
    assert problems == []


def test_board_lists_a_ticket_nobody_can_take_as_needing_a_person(plan: Plan, board: str) -> None:
    """T-1008 (needs azure>=3, nobody has it; risk 1.00) is not savable by any plan: the
    queue marks it as needing a person; the at-risk lists and counts leave it out."""
    assert {u.ticket: u.reason for u in plan.unassigned}["T-1008"] == "no_eligible_engineer"
    queue = board[board.index('<section id="queue"') : board.index('<section id="savable"')]
    savable = board[board.index('<section id="savable"') : board.index('<section id="breached"')]
    item = queue[queue.index('data-ticket="T-1008"') :]
    item = item[: item.index("</li>")]
    assert '<span class="tag">needs a person</span>' in item
    assert "it needs a person" in item  # its aria-label
    assert 'data-ticket="T-1008"' not in savable
    others = [u for u in plan.unassigned if u.reason != "no_eligible_engineer"]
    assert others and all(
        "needs a person" not in queue[queue.index(f'data-ticket="{u.ticket}"') :].split("</li>")[0]
        for u in others
    )
    assert "(1 needs a person: no engineer can take it)" in board


# --- the board at scale: sticky bar, filters, density, queue, at-risk split, labels ---------


def test_board_header_and_time_axis_stick(board: str) -> None:
    style = board[board.index("<style>") : board.index("</style>")]
    assert re.search(r"\.bar\{position:sticky;top:0", style)
    assert re.search(r"\.axisrow\{position:sticky;top:var\(--bar", style)
    assert 'class="bar" id="bar"' in board and 'class="axisrow"' in board


def test_board_density_toggle_and_compact_default(problem: Problem, plan: Plan) -> None:
    """Six lanes open normal; the toggle offers both; compact styles exist."""
    board = render_board(problem, plan)
    assert '<body class="">' in board
    assert '<option value="normal" selected>' in board and '<option value="compact">' in board
    assert "body.compact .track{height:22px}" in board


def test_board_filter_controls_and_job_attributes(problem: Problem, plan: Plan, board: str) -> None:
    elements = Elements(board)
    ids = {attrs.get("id") for _, attrs in elements.tags}
    assert {"f-tier", "f-priority", "f-skill", "f-engineer", "f-risk", "f-density"} <= ids
    controls = [attrs for tag, attrs in elements.tags if tag in ("select", "input")]
    assert all(control.get("aria-label") for control in controls)
    tiers = {t.tier for t in problem.tickets}
    tier_options = re.search(r'id="f-tier"[^>]*>(.*?)</select>', board)
    assert tier_options is not None
    assert set(re.findall(r'<option value="([^"]+)"', tier_options.group(1))) == tiers
    tickets = {t.id: t for t in problem.tickets}
    for job in elements.with_class("job"):
        if "swatch" in job["class"]:
            continue
        ticket = tickets[job["data-ticket"]]
        assert job["data-tier"] == ticket.tier and job["data-priority"] == ticket.priority
        assignment = next(a for a in plan.assignments if a.ticket == ticket.id)
        risk = assignment.response_risk + assignment.resolution_risk
        assert float(job["data-risk"]) == pytest.approx(risk, abs=1e-4)
    assert re.search(r'id="board" data-at-risk="0.2"', board)


def test_board_shows_each_jobs_priority(problem: Problem, board: str) -> None:
    tickets = {t.id: t for t in problem.tickets}
    pieces = re.findall(
        r'<div class="(job [^"]*)" data-ticket="([^"]+)".*?<span>(.*?)</span>', board, re.S
    )
    assert pieces
    for classes, ticket, label in pieces:
        priority = tickets[ticket].priority
        assert label.startswith(f'<b class="prio">{priority}</b>')
        assert (priority.lower() in classes.split()) == (priority in ("P1", "P2"))


def test_board_queue_lists_every_unassigned_ticket_with_its_reason(plan: Plan, board: str) -> None:
    queue = board[board.index('<section id="queue"') : board.index('<section id="savable"')]
    items = Elements(queue).with_class("qitem")
    assert [item["data-ticket"] for item in items] != []
    assert {item["data-ticket"] for item in items} == {u.ticket for u in plan.unassigned}
    for entry in plan.unassigned:
        start = queue.index(f'data-ticket="{entry.ticket}"')
        item = queue[start : queue.index("</li>", start)]
        assert f'<div class="why">{entry.reason}</div>' in item
        assert html.escape(entry.detail) in item
    assert "needs azure&gt;=3" in queue
    assert "<table" not in board[board.index("</main>") :]  # no table below the board


def test_board_lanes_and_jobs_are_labelled(board: str) -> None:
    elements = Elements(board)
    for lane in elements.with_class("lane"):
        assert lane["role"] == "group" and lane["aria-label"].startswith(lane["data-engineer"])
    first = [job for job in elements.with_class("job") if "cont" not in job["class"].split()]
    first = [job for job in first if "swatch" not in job["class"]]
    assert first
    for job in first:
        assert job["tabindex"] == "0"
        label = job["aria-label"]
        assert label.startswith(f"{job['data-ticket']}, priority {job['data-priority']}")
        assert "engineer " in label and ("risk " in label or "completed" in label)


CLOCKED = """
engineers:
  - id: alice
    name: Alice Smith
    home: alice-home
    shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00},
             {start: 2026-12-01T08:00, end: 2026-12-01T17:00}]
tickets:
  - {id: OLD, client: northwind, priority: P1, opened: 2026-11-27T08:00, effort: 30m}
  - {id: LATE, client: northwind, priority: P1, opened: 2026-11-30T08:00, effort: 30m,
     assigned_to: alice, fixed_start: 2026-11-30T14:00}
  - {id: HALF, client: northwind, priority: P3, opened: 2026-11-27T10:00,
     effort: {p50: 1h, p90: 2h}, assigned_to: alice, fixed_start: 2026-12-01T09:30}
  - {id: GONE, client: northwind, priority: P2, opened: 2026-11-26T09:00, effort: 30m}
"""


def test_board_keeps_the_already_breached_apart_from_the_savable() -> None:
    """OLD (P1 of last Friday: both dues past at the start), LATE (P1 of today, booked
    for 14:00: late but nothing past yet), HALF (Friday's P3: response past, resolution due
    Tue 10:00, booked for Tue 09:30: still savable), GONE (unassigned, both dues past)."""
    problem = tiny(CLOCKED)
    index = problem.ticket_index
    jobs = [
        Job(index["OLD"], 0, 0, 30),
        Job(index["LATE"], 0, 6 * 60, 6 * 60 + 30),
        Job(index["HALF"], 0, 24 * 60 + 90, 24 * 60 + 150),
    ]
    plan = build_plan(
        problem, jobs, evaluate(problem, jobs), status="feasible", time_s=0, bound=None, seed=0
    )
    html_text = render_board(problem, plan)
    savable = html_text[
        html_text.index('<section id="savable"') : html_text.index('<section id="breached"')
    ]
    breached = html_text[html_text.index('<section id="breached"') : html_text.index("</aside>")]
    assert html_text.index('<section id="savable"') < html_text.index('<section id="breached"')
    shown_savable = {item["data-ticket"] for item in Elements(savable).with_class("qitem")}
    shown_breached = {item["data-ticket"] for item in Elements(breached).with_class("qitem")}
    assert shown_savable == {"LATE", "HALF"}
    assert shown_breached == {"OLD", "GONE"}
    assert "response was due Fri 27 Nov 08:30" in breached
    assert "2 at risk and still savable, 2 already breached" in html_text
    queue = html_text[
        html_text.index('<section id="queue"') : html_text.index('<section id="savable"')
    ]
    assert 'data-ticket="GONE"' in queue and "already breached" in queue


def test_board_greys_an_absence_a_reschedule_recorded(problem: Problem, plan: Plan) -> None:
    now = dt.datetime(2026, 11, 30, 10, 0, tzinfo=problem.tz)
    gone = Unavailable("sam", now.replace(hour=12), now.replace(hour=15))
    result = reschedule(problem, plan, now, Events(unavailable=[gone]), FAST)
    html_text = render_board(problem, result.plan)
    lanes = {lane["data-engineer"]: lane for lane in Elements(html_text).with_class("lane")}
    assert "absent" in lanes["sam"]["class"].split()
    assert "unavailable Mon 12:00-15:00" in lanes["sam"]["aria-label"]
    assert not [name for name, lane in lanes.items() if "absent" in lane["class"] and name != "sam"]
    sam = html_text[html_text.index('data-engineer="sam"') :]
    sam = sam[: sam.index('<div class="lane', 1) if '<div class="lane' in sam else len(sam)]
    assert '<i class="away"' in sam and "sam unavailable Mon 12:00-15:00" in sam
    assert "Re-planned at Mon 10:00: sam unavailable Mon 12:00-15:00" in html_text


def test_board_of_many_engineers_opens_compact_with_a_day_switcher(
    generated: tuple[Problem, Plan],
) -> None:
    problem, plan = generated
    board = render_board(problem, plan)
    assert '<body class="compact">' in board
    days = re.findall(r'<option value="\d+" data-left="([\d.]+)" data-width="([\d.]+)">', board)
    assert len(days) == 2 and float(days[0][0]) == 0.0
    assert float(days[1][0]) > float(days[0][1])
    assert len(Elements(board).with_class("lane")) == 50


def test_board_of_50_engineers_in_headless_chromium(
    generated: tuple[Problem, Plan], tmp_path: Path
) -> None:
    """A generated 50-engineer day: no console errors; the time axis stays in view when
    scrolled; the tier, at-risk and engineer filters hide what they should; the day
    switcher zooms; a job takes keyboard focus and says what it is. Screenshots in
    tmp_path."""
    problem, plan = generated
    problems: list[str] = []
    board = render_board(problem, plan)
    with board_page(board, tmp_path / "board-50.html", 1500, 950, problems) as page:
        page.screenshot(path=str(tmp_path / "board-50.png"))
        assert page.locator(".lane").count() == 50
        lane_height = page.locator(".lane").first.bounding_box()
        assert lane_height is not None and lane_height["height"] < 30  # compact
        # Scrolled down, the bar and the time axis stay at the top.
        page.mouse.wheel(0, 900)
        page.wait_for_timeout(100)
        bar, axis = page.locator("#bar").bounding_box(), page.locator(".axisrow").bounding_box()
        assert bar is not None and axis is not None
        assert abs(bar["y"]) < 1 and abs(axis["y"] - bar["height"]) < 2
        page.screenshot(path=str(tmp_path / "board-50-scrolled.png"))
        sets = ".lane:not(.off) .set:not(.off)"  # a set has no box of its own
        total = page.locator(sets).count()
        count = page.locator("#f-count").inner_text()
        assert count.startswith(f"{total} of {total} jobs shown, in 50 of 50 lanes")
        # A tier filter hides the other tiers' jobs.
        tier = next(t.tier for t in problem.tickets if t.id == plan.assignments[0].ticket)
        page.select_option("#f-tier", tier)
        shown = page.locator(".job:visible")
        assert 0 < page.locator(sets).count() < total
        tiers = set(shown.evaluate_all("els => els.map(e => e.dataset.tier)"))
        assert tiers == {tier}
        assert page.locator(f'.qitem:visible:not([data-tier="{tier}"])').count() == 0
        page.screenshot(path=str(tmp_path / "board-50-tier.png"))
        page.select_option("#f-tier", "")
        # At risk only.
        page.check("#f-risk")
        risks = page.locator(".job:visible").evaluate_all(
            "els => els.map(e => parseFloat(e.dataset.risk))"
        )
        assert all(risk > AT_RISK for risk in risks)
        page.uncheck("#f-risk")
        # The engineer search leaves one lane.
        page.fill("#f-engineer", "eng-007")
        assert page.locator(".lane:visible").count() == 1
        assert "in 1 of 50 lanes" in page.locator("#f-count").inner_text()
        page.fill("#f-engineer", "")
        # The day switcher shows the second day across the whole width.
        page.select_option("#f-day", "1")
        inner = page.locator(".axis .inner").bounding_box()
        axis_box = page.locator(".axis").bounding_box()
        assert inner is not None and axis_box is not None
        assert inner["width"] > 1.8 * axis_box["width"] and inner["x"] < axis_box["x"]
        page.screenshot(path=str(tmp_path / "board-50-day2.png"))
        page.select_option("#f-day", "")
        # Density back to normal: taller lanes.
        page.select_option("#f-density", "normal")
        taller = page.locator(".lane").first.bounding_box()
        assert taller is not None and taller["height"] > 50
        # The keyboard reaches a job; its details show.
        page.locator(".job[tabindex='0']").first.focus()
        assert page.locator("#tip").is_visible()
        assert "resolution due" in page.locator("#tip").inner_text()
    assert problems == []
