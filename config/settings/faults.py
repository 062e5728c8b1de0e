"""Settings of scripts/fault_drills.py: production's wiring of PostgreSQL, the Redis cache and
the Celery broker (from the environment, as base reads them), with the test suite's models
(all-MiniLM from its package for the index) and the fake generator for copy jobs: the drills
are about processes and services going away, not about the text, and must run in seconds on
two cores (the tiny random model CI builds refuses the demo shop's prompts as too long)."""

from . import base
from .test import *  # noqa: F403

# test.py keeps a local-memory cache and runs tasks inline; the drills need what production
# has: the fail-open Redis cache (REDIS_URL) and a real broker (CELERY_BROKER_URL).
CACHES = base.CACHES
CELERY_TASK_ALWAYS_EAGER = base.CELERY_TASK_ALWAYS_EAGER
LLM_MODELS = {
    **LLM_MODELS,  # noqa: F405
    "generate": {
        "BACKEND": "llm_services.backends.fake.FakeGenerator",
        "MODEL": "fake",
        "REVISION": "fault-drills",
        "OPTIONS": {"reply": "A dependable everyday piece, made to be worn often."},
    },
}
