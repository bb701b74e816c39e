"""Files in and out: safe YAML with line numbers (``yamlio``), scenario loading
(``loader``: the entry points; ``read``: bounded file reading and the travel matrix;
``pydantic_errors``: shape errors as file/line/field issues; ``validate``: cross-checks
and compiling into a Problem; ``appointments``: booked appointments holding together),
plan files (``planfile``), the JSON Schema (``schema``) and the synthetic scenario
generator (``generator``: the drawing; ``generator_vocab``: what it draws from;
``generator_yaml``: the drawn board and its YAML).

May import: ``models``, ``dispatcher.errors``, ``dispatcher.semantics``. Never
``solver`` (so reading a plan never loads ortools), ``views`` or ``cli``.
"""
