"""What people read: a plan against its scenario (``planview``), the terminal reports
(``report``, ``report_changes``, ``progress``), the dispatch board (``board``), exports
(``export``) and explanations (``explain``), and a plan carried out
against fresh random efforts (``simulate``).

May import: ``models``, ``dispatcher.errors``, ``dispatcher.semantics``,
``dispatcher.io``, and the ortools-free parts of ``dispatcher.solver`` (the
construction, for what-ifs). Never ortools itself, nor ``cli``.
"""
