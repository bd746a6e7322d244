"""The audit over time: ``diff`` (what changed between two versions, verdict included), ``verify``
(evidence, checklist pins, an embedded audit in a PDF, signatures) and their outputs.

This package sits at the render/gate layer: ``diff`` needs the policy engine's verdict, and the
HTML diff uses the report's templating (a listed sideways import, like grading's).
"""
