"""Rescheduling a plan from an instant T with events, and pricing a job's impact (SPEC
"Rescheduling").

A reschedule flows through the package's modules in order:

- ``events``: what happened (added tickets, absences, jobs done, overruns) and the
  parsing of their command-line forms;
- ``situation``: the situation at T. The old plan's history is replayed
  (``dispatcher.io.history``), then the old plan splits at T into completed work,
  running work (kept, or cut when its engineer becomes unavailable) and future work
  (free to change, at a price: ``disruption``); events apply to a copy of the problem;
- ``repair``: keep every future job that still holds, insert the rest greedily, then
  let event tickets bump work where that pays;
- ``optimize``: CP-SAT on the whole day or, for big days, a neighbourhood search around
  the engineers the events touched, every model pricing the disruption exactly;
- ``changes``: what the new plan changed, and the objective per tier before and after;
- ``replan``: the entry point ``reschedule``, which runs these steps and writes the new
  plan with its ``reschedule`` block;
- ``impact``: what taking a job costs, from the best re-plan without it and with it;
- ``results``: the types returned (``RescheduleResult``, ``Changes``, ``TierCost``,
  ``Impact``); plain data, so the views import them without loading ortools.

Nothing is re-exported here: importing a module of the package loads only what that
module needs (``events`` and ``results`` never load ortools).
"""
