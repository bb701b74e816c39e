"""The dispatch board's inline style, script and page frame (``dispatcher.views.board``).

Nothing here is fetched: the page is one file. The script only reads the page's own
``data-`` attributes and toggles classes (filters, density, day switcher, tooltips).
"""

from __future__ import annotations

STYLE = """
*{box-sizing:border-box}
body{margin:0;padding:16px 20px;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif;color:#1f2937;background:#f3f4f6}
h1{font-size:22px;margin:0}
h2{font-size:15px;margin:0 0 6px}
.sub{margin:2px 0 8px;color:#4b5563}
.plain{margin:6px 0;padding:0;list-style:none;font-size:15px}
.plain li{margin:2px 0}
.plain .tier{font-weight:650}
.plain .bad{color:#b91c1c;font-weight:600}
details.solver{margin:4px 0 12px;color:#4b5563;font-size:12.5px}
details.solver summary{cursor:pointer}
details.solver table{max-width:720px;margin-top:6px}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:0 0 8px;color:#374151;font-size:12.5px}
.key{display:inline-flex;align-items:center;gap:6px}
.swatch{display:inline-block;width:22px;height:12px;border-radius:3px;background:var(--tier)}
.swatch.risky{background:#fff;border:2px solid #dc2626}
.swatch.done{background:repeating-linear-gradient(45deg,#9ca3af 0 3px,#d1d5db 3px 6px)}
.swatch.shift{background:#e0f2e9;border:1px solid #b7dec8}
.swatch.travel{height:4px;background:#111827}
.swatch.onsite{background:#9ca3af;border-bottom:4px solid #4b5563}
.swatch.away{background:repeating-linear-gradient(135deg,#9ca3af 0 3px,#e5e7eb 3px 6px)}
.swatch.p1{background:#9ca3af;border-left:5px solid #111827}
.swatch.crew{background:#9ca3af;outline:2px dashed #111827;outline-offset:-3px}
.main{display:grid;grid-template-columns:minmax(0,1fr) 340px;gap:14px;align-items:start}
@media (max-width:1100px){.main{grid-template-columns:minmax(0,1fr)}}
.board{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:0 12px 6px}
.bar{position:sticky;top:0;z-index:20;background:#fff;display:flex;flex-wrap:wrap;
align-items:center;gap:6px 14px;padding:8px 0 6px;border-bottom:1px solid #e5e7eb}
.bar .name{font-weight:700;font-size:15px;margin-right:4px}
.bar label{font-size:12.5px;color:#374151;display:inline-flex;align-items:center;gap:4px}
.bar select,.bar input[type=search]{font:inherit;font-size:12.5px;padding:2px 4px;
border:1px solid #d1d5db;border-radius:4px;background:#fff}
.bar input[type=search]{width:130px}
.bar .count{font-size:12px;color:#6b7280;margin-left:auto}
.axisrow{position:sticky;top:var(--bar,44px);z-index:15;background:#fff;padding-left:180px;
border-bottom:1px solid #e5e7eb}
.axis{position:relative;height:38px;overflow:hidden}
.inner{position:absolute;top:0;bottom:0;left:calc(var(--shift,0) * -1%);
width:calc(var(--zoom,1) * 100%)}
.axis .day{position:absolute;top:0;height:18px;font-weight:600;font-size:12px;
border-left:2px solid #9ca3af;padding-left:4px;white-space:nowrap;overflow:hidden}
.axis .hour{position:absolute;top:20px;font-size:11px;color:#6b7280;transform:translateX(-50%)}
.lane{display:flex;align-items:stretch;border-top:1px solid #f0f1f3}
.lane.off,.set.off,.qitem.off{display:none}
.who{width:180px;flex:none;padding:6px 8px 6px 0;display:flex;flex-direction:column;
overflow:hidden}
.who b{font-size:14px}
.who small{color:#6b7280;font-size:11.5px;line-height:1.3;white-space:nowrap;overflow:hidden;
text-overflow:ellipsis}
.who small.awaynote{color:#92400e;font-weight:600}
.track{position:relative;flex:1;height:58px;background:#fafafa;overflow:hidden}
.track .grid{position:absolute;top:0;bottom:0;width:1px;background:#eceef1}
.track .night{position:absolute;top:0;bottom:0;background:repeating-linear-gradient(135deg,
#e5e7eb 0 4px,#f3f4f6 4px 8px)}
.track .now{position:absolute;top:0;bottom:0;width:2px;background:#dc2626;z-index:4}
.track .shift{position:absolute;top:4px;bottom:4px;background:#e0f2e9;border:1px solid #b7dec8;
border-radius:4px}
.track .away{position:absolute;top:0;bottom:0;z-index:1;opacity:.85;
background:repeating-linear-gradient(135deg,#9ca3af 0 4px,#e5e7eb 4px 8px)}
.track .travel{position:absolute;top:27px;height:4px;background:#111827;border-radius:2px;z-index:2}
.track .pause{position:absolute;top:28px;height:0;border-top:2px dashed var(--tier);z-index:2}
.job{position:absolute;top:11px;height:36px;background:var(--tier);color:#fff;
border-radius:4px;font-size:11.5px;font-weight:600;overflow:hidden;white-space:nowrap;
padding:0 4px;line-height:36px;z-index:3;cursor:default;border:1px solid rgba(0,0,0,.15)}
.job span{display:block;overflow:hidden;text-overflow:ellipsis}
.job i.id{font-style:normal}
.job.narrow{padding:0 1px}
.job.narrow .id,.job.narrow .link,.job.narrow .bang{display:none}
.zoomed .job.narrow .id,.zoomed .job.narrow .link,.zoomed .job.narrow .bang{display:inline}
.job .prio{font-weight:700;margin-right:3px;padding:0 2px;border-radius:2px;
background:rgba(255,255,255,.25)}
.job.p1,.job.p2{border-left:5px solid #111827;font-weight:800}
.job.p1 .prio{background:#111827;color:#fff}
.job.p2 .prio{background:#fff;color:#111827}
.job.onsite{border-bottom:4px solid rgba(0,0,0,.35)}
.job.cont{border-top-left-radius:0;border-bottom-left-radius:0;opacity:.85}
.job.risky{box-shadow:0 0 0 2px #fff,0 0 0 4px #dc2626}
.job.crew{outline:2px dashed #111827;outline-offset:-4px}
.job .link{margin-left:4px;padding:0 3px;border-radius:3px;background:rgba(0,0,0,.3);
font-weight:700}
.chain{width:1.1em;height:1.1em;vertical-align:-.2em;fill:none;stroke:currentColor;
stroke-width:1.8;stroke-linecap:round}
.job i.bang{font-style:normal}
.job.tight .link,.job.tighter .link,.job.tighter .prio,.job.tighter .bang{display:none}
.job.bare .id,.job.bare .link,.job.bare .bang{display:none}
.job.bare .prio{margin-right:0}
.job.done{background:repeating-linear-gradient(45deg,#9ca3af 0 3px,#d1d5db 3px 6px);
color:#374151;opacity:.8}
.job:hover{filter:brightness(1.12);z-index:5}
.job:focus{outline:3px solid #f59e0b;outline-offset:1px;z-index:6}
.job.flash{animation:flash 1.2s 2}
@keyframes flash{50%{filter:brightness(1.6)}}
body.compact .who{flex-direction:row;align-items:center;gap:6px;padding:0 6px 0 0}
body.compact .who b{font-size:12px}
body.compact .who small{display:none}
body.compact .who small.load,body.compact .who small.awaynote{display:inline;font-size:10.5px}
body.compact .track{height:22px}
body.compact .track .shift{top:1px;bottom:1px;border-radius:2px}
body.compact .track .travel{top:10px;height:2px}
body.compact .track .pause{top:10px}
body.compact .job{top:2px;height:18px;line-height:16px;font-size:10.5px;border-radius:3px;
padding:0 3px}
body.compact .job.onsite{border-bottom-width:2px}
body.compact .job.risky{box-shadow:0 0 0 1px #fff,0 0 0 2px #dc2626}
body.compact .job.p1,body.compact .job.p2{border-left-width:4px}
body.compact .lane{border-top-color:#f5f5f6}
.side{position:sticky;top:0;max-height:100vh;overflow:auto;display:flex;flex-direction:column;
gap:12px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px}
.queue{list-style:none;margin:0;padding:0;font-size:12.5px}
.qitem{border-left:4px solid var(--tier);padding:4px 8px;margin:0 0 6px;background:#f9fafb;
border-radius:0 4px 4px 0;cursor:pointer}
.qitem:focus{outline:3px solid #f59e0b}
.qitem .head{font-weight:600}
.qitem .prio{display:inline-block;min-width:22px;text-align:center;border-radius:3px;
background:#e5e7eb;color:#111827;font-weight:700;margin-right:4px}
.qitem.p1 .prio{background:#111827;color:#fff}
.qitem.p2 .prio{background:#374151;color:#fff}
.qitem .why{color:#374151}
.qitem .detail,.qitem .meta{color:#6b7280}
.qitem .tag{font-size:11px;font-weight:700;color:#b91c1c;margin-left:4px}
table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #f0f1f3;vertical-align:top}
th{color:#6b7280;font-weight:600;font-size:12px}
.none{color:#6b7280;margin:0;font-size:12.5px}
#tip{position:fixed;z-index:30;max-width:420px;background:#111827;color:#f9fafb;
padding:8px 10px;border-radius:6px;font-size:12.5px;white-space:pre-line;pointer-events:none;
box-shadow:0 4px 14px rgba(0,0,0,.25)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
"""

SCRIPT = """
(function () {
  "use strict";
  var body = document.body;
  var board = document.getElementById("board");
  var bar = document.getElementById("bar");
  var tip = document.getElementById("tip");
  var limit = parseFloat(board.getAttribute("data-at-risk"));
  function byId(id) { return document.getElementById(id); }

  document.querySelectorAll("[title]").forEach(function (el) {
    el.setAttribute("data-tip", el.getAttribute("title"));
    el.removeAttribute("title");
  });
  function place(x, y) {
    x = Math.max(4, Math.min(x, window.innerWidth - tip.offsetWidth - 8));
    if (y + tip.offsetHeight > window.innerHeight) { y = y - tip.offsetHeight - 28; }
    tip.style.left = x + "px";
    tip.style.top = Math.max(4, y) + "px";
  }
  var owner = "";  // what showed the tip: the mouse or the keyboard focus
  document.addEventListener("mouseover", function (event) {
    var target = event.target.closest("[data-tip]");
    if (target) {
      owner = "mouse";
      tip.hidden = false;
      tip.textContent = target.getAttribute("data-tip");
    } else if (owner === "mouse") {
      tip.hidden = true;
    }
  });
  document.addEventListener("mousemove", function (event) {
    if (!tip.hidden && owner === "mouse") { place(event.clientX + 14, event.clientY + 18); }
  });
  document.addEventListener("focusin", function (event) {
    var target = event.target.closest(".job[data-tip]");
    if (!target) { return; }
    owner = "focus";
    tip.hidden = false;
    tip.textContent = target.getAttribute("data-tip");
    var box = target.getBoundingClientRect();
    place(box.left, box.bottom + 8);
  });
  document.addEventListener("focusout", function () {
    if (owner === "focus") { tip.hidden = true; }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { tip.hidden = true; }
  });

  // A job's label gives way from the end that matters least: first the crew mark (the
  // dashed outline still says crew), then the priority and the at-risk "!" (the dark
  // left edge, the red ring and the details still say them), so that the ticket id
  // shows whole wherever it fits. A block too narrow for the id alone shows its
  // priority only, as a narrow block does.
  var blocks = Array.prototype.slice.call(document.querySelectorAll(".job"));
  function over(job) {
    var label = job.firstElementChild;
    return label !== null && label.scrollWidth > label.clientWidth;
  }
  function fit() {
    blocks.forEach(function (job) { job.classList.remove("tight", "tighter", "bare"); });
    var cut = blocks.filter(function (job) {
      var id = job.querySelector(".id");
      return id !== null && id.offsetWidth > 0 && over(job);
    });
    cut.forEach(function (job) { job.classList.add("tight"); });
    cut = cut.filter(over);
    cut.forEach(function (job) { job.classList.replace("tight", "tighter"); });
    cut.filter(over).forEach(function (job) { job.classList.replace("tighter", "bare"); });
  }

  function measure() {
    document.documentElement.style.setProperty("--bar", bar.offsetHeight + "px");
    fit();
  }
  window.addEventListener("resize", measure);

  var density = byId("f-density");
  density.addEventListener("change", function () {
    body.classList.toggle("compact", density.value === "compact");
    measure();
  });

  var day = byId("f-day");
  if (day) {
    day.addEventListener("change", function () {
      var option = day.options[day.selectedIndex];
      var left = parseFloat(option.getAttribute("data-left") || "0");
      var width = parseFloat(option.getAttribute("data-width") || "100");
      var zoom = 100 / width;
      board.style.setProperty("--zoom", String(zoom));
      board.style.setProperty("--shift", String(left * zoom));
      body.classList.toggle("zoomed", zoom > 1.001);
      fit();
    });
  }

  var tier = byId("f-tier"), priority = byId("f-priority"), skill = byId("f-skill");
  var who = byId("f-engineer"), risky = byId("f-risk"), count = byId("f-count");
  function matches(el) {
    return (!tier.value || el.getAttribute("data-tier") === tier.value) &&
      (!priority.value || el.getAttribute("data-priority") === priority.value) &&
      (!risky.checked || parseFloat(el.getAttribute("data-risk")) > limit);
  }
  function apply() {
    var text = who.value.trim().toLowerCase();
    var lanes = 0, laneTotal = 0, jobs = 0, jobTotal = 0;
    document.querySelectorAll(".lane").forEach(function (lane) {
      var skills = " " + lane.getAttribute("data-skills") + " ";
      var on = (!text || lane.getAttribute("data-search").indexOf(text) >= 0) &&
        (!skill.value || skills.indexOf(" " + skill.value + " ") >= 0);
      lane.classList.toggle("off", !on);
      laneTotal += 1;
      if (on) { lanes += 1; }
      lane.querySelectorAll(".set").forEach(function (set) {
        var job = set.querySelector(".job");
        var shown = job !== null && matches(job);
        set.classList.toggle("off", !shown);
        if (on) { jobTotal += 1; if (shown) { jobs += 1; } }
      });
    });
    document.querySelectorAll(".qitem").forEach(function (item) {
      item.classList.toggle("off", !matches(item));
    });
    count.textContent = jobs + " of " + jobTotal + " jobs shown, in " + lanes + " of " +
      laneTotal + " lanes";
    measure();
  }
  [tier, priority, skill, risky].forEach(function (el) { el.addEventListener("change", apply); });
  who.addEventListener("input", apply);
  apply();

  function go(item) {
    var id = item.getAttribute("data-goto");
    var job = document.querySelector('.job[data-ticket="' + CSS.escape(id) + '"]');
    if (!job) { return; }
    job.scrollIntoView({block: "center", inline: "nearest"});
    job.focus({preventScroll: true});
    job.classList.add("flash");
    setTimeout(function () { job.classList.remove("flash"); }, 2500);
  }
  document.addEventListener("click", function (event) {
    var item = event.target.closest("[data-goto]");
    if (item) { go(item); }
  });
  document.addEventListener("keydown", function (event) {
    var item = event.target.closest && event.target.closest("[data-goto]");
    if (item && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); go(item); }
  });
})();
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}{tier_style}</style>
</head>
<body class="{body_class}">
<header>{header}</header>
<div class="legend" aria-label="Legend">{legend}</div>
<div class="main">
<main class="board" id="board" data-at-risk="{at_risk}" aria-label="Dispatch board">
<div class="bar" id="bar">{toolbar}</div>
<div class="axisrow" aria-hidden="true">
<div class="axis"><div class="inner">{axis}</div></div>
</div>
{lanes}
</main>
<aside class="side" aria-label="Unassigned and at-risk tickets">{side}</aside>
</div>
<div id="tip" role="tooltip" hidden></div>
<script>{script}</script>
</body>
</html>
"""
