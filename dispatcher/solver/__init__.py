"""Making plans: the construction heuristics and the SPEC's rule of thumb
(``construct``), the CP-SAT model (``model``, with its travel buffers in ``buffers``
and its modes in ``scopes``), every CP-SAT call (``cpsat``), the time limit's shares
(``budget``), the neighbourhood search (``lns``), the lower bound (``bound``), the
solver's own rule test (``feasibility``), unassigned reasons (``reasons``), plan
assembly (``assemble``), the daily solve (``solve``) and rescheduling and impact
pricing (``reschedule``).

May import: ``models``, ``dispatcher.errors``, ``dispatcher.interrupt``,
``dispatcher.semantics``, ``dispatcher.io``, ortools. Never ``checker``, ``views`` or
``cli``.
"""
