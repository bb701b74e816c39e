"""The SPEC's meaning, as pure functions on integers.

The scenario compiled to whole minutes since the horizon start (``problem``), local
time and time zones (``timeconv``), SLA clocks (``clock``), work inside shifts
(``shifts``), travel minutes (``travel``), breach risk (``risk``), the travel walk of
an engineer's day (``walk``) and the exact objective of a schedule (``evaluate``).

May import: ``models``, ``dispatcher.errors``, the standard library. No I/O, no
ortools, nothing from ``io``, ``solver``, ``views`` or ``cli``.
"""
