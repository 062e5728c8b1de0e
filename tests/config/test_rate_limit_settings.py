"""Request limits and login throttling are on by default in every settings module but the
tests'."""

import importlib

import pytest

from common.ratelimit import Rate, parse_rate


@pytest.mark.parametrize("module", ["config.settings.base", "config.settings.dev"])
def test_limits_are_on_by_default(module, monkeypatch):
    for name in ("SEARCH_RATE_LIMIT", "SEARCH_SUGGEST_RATE_LIMIT", "RECOMMEND_RATE_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    values = importlib.reload(importlib.import_module(module))

    assert parse_rate(values.SEARCH_RATE_LIMIT) == Rate(60, 60)
    assert parse_rate(values.SEARCH_SUGGEST_RATE_LIMIT) == Rate(60, 60)
    assert parse_rate(values.RECOMMEND_RATE_LIMIT) == Rate(120, 60)
    assert values.SUPPORT_CHAT_RATE_LIMIT == 30
    assert values.SUPPORT_CHAT_RATE_WINDOW_SECONDS == 60
    assert values.TRUSTED_PROXY_COUNT == 0
    assert values.AXES_FAILURE_LIMIT == 5
    assert "axes.middleware.AxesMiddleware" == values.MIDDLEWARE[-1]
