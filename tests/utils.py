import os

import pytest


def skip_unless_available(available: bool, *, reason: str, required_by: str) -> None:
    """Skip a test whose environment is missing, unless CI demands it (then fail loudly).

    CI sets REQUIRE_BROWSER / REQUIRE_CELERY_WORKER / REQUIRE_POSTGRES so that a test which
    would quietly skip on a laptop can never quietly skip there.
    """
    if available:
        return
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{reason} ({required_by}=1 demands it)")
    pytest.skip(reason)
