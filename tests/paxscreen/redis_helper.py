"""The real redis-server of tests/matchers/conftest.py, for tests outside tests/matchers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_matchers_conftest", Path(__file__).parents[1] / "matchers" / "conftest.py")
_module = sys.modules.setdefault(_spec.name, importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(_module)
start_redis_server = _module.start_redis_server
