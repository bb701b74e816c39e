"""Files in and out: safe YAML with line numbers (``yamlio``), scenario loading and
validation (``loader``), plan files (``planfile``), the JSON Schema (``schema``) and the
synthetic scenario generator (``generator``).

May import: ``models``, ``dispatcher.errors``, ``dispatcher.semantics``. Never
``solver`` (so reading a plan never loads ortools), ``views`` or ``cli``.
"""
