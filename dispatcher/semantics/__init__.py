"""The SPEC's meaning, as pure functions on integers.

The scenario compiled to whole minutes since the horizon start (``problem``), local
time and time zones (``timeconv``), SLA clocks (``clock``), work inside shifts
(``shifts``), travel minutes (``travel``), breach risk (``risk``), the travel walk of
an engineer's day (``walk``) and the exact objective of a schedule (``evaluate``).
SPEC v2's execution: the fixed draws of every effort (``draws``), a job's shift pieces
and start table (``pieces``), work past the horizon on the SLA clock
(``after_horizon``), carrying a plan out against the draws (``execution``) and
``dispatch simulate``'s fresh draws and breach counts (``simulation``).

May import: ``models``, ``dispatcher.errors``, the standard library, numpy and pydantic. No I/O,
no ortools, nothing from ``io``, ``solver``, ``views`` or ``cli``.
"""
