"""Instructor grading: grade a class of submitted audits against a rubric, with per-team feedback and a class overview.

Modules: ``rubric`` (load and check rubrics and presets), ``criteria`` (one function per measure, and
the late penalty), ``overrides`` (the instructor's manual points), ``batch`` (find and grade the
submissions in parallel), ``similarity`` (near-identical notes between teams), ``outputs``
(grades.csv, overview.html, feedback HTML/PDF). Importing this package is cheap.
"""
