"""The UI's Vietnamese strings (ui/strings_vi.yaml), read once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

S: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "strings_vi.yaml").read_text(encoding="utf-8"))
