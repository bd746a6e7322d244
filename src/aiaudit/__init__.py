"""aiaudit: AI-governance checklists and audits for generative-AI systems."""

# The single source of the version (pyproject.toml reads it; no importlib.metadata at start-up).
__version__ = "0.1.0"
