"""A web worker imports every checker kind as it starts, not inside the first request that needs one.

Creating an assignment whose rubric has one classifier cost 2.5 s of imports
(scikit-learn, SciPy) inside that request.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_wsgi_application_loads_every_checker_kind(tmp_path):
    code = (
        "import sys; import server.wsgi\n"
        "from grader.checkers import KINDS, _MODULE\n"
        "print(all(f'grader.checkers.{_MODULE.get(k, k)}' in sys.modules for k in KINDS))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**env, "HANDGRADE_VAR_DIR": str(tmp_path), "SECRET_KEY": "x" * 60},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "True"
