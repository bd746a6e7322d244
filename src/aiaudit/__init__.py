"""aiaudit: AI-governance checklists and audits for generative-AI systems."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("aiaudit")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0+unknown"
