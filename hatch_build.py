"""Wheel build hook: pre-parse the built-in YAML (checklists and catalog) into one JSON cache.

At run time aiaudit uses a cached document only when the sha256 of the shipped YAML file matches
the one recorded here, so the YAML stays the single source and a stale cache is never used.
Parsing uses aiaudit's own safe loader, so cached data equals what the loader would build.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

CACHE_NAME = ".builtin-cache.json"


class BuiltinCacheHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        # Building a wheel must not write into the builder's own aiaudit cache (compiled records
        # would otherwise be kept there at the backend's exit, under the source tree's fingerprint).
        os.environ["AIAUDIT_NO_CACHE"] = "1"
        sys.path.insert(0, str(root / "src"))
        try:
            from aiaudit.loading import load_file
        finally:
            sys.path.pop(0)
        folder = root / "checklists"
        files = {}
        for path in sorted(folder.rglob("*.yaml")):
            raw = path.read_bytes()
            doc = load_file(path)
            files[path.relative_to(folder).as_posix()] = {"sha256": hashlib.sha256(raw).hexdigest(), "data": doc.data}
        out = Path(tempfile.mkdtemp(prefix="aiaudit-build-")) / CACHE_NAME
        out.write_text(json.dumps({"format": 1, "files": files}, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        build_data["force_include"][str(out)] = f"aiaudit/checklists/{CACHE_NAME}"
