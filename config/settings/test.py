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
# Tests call tasks inline; tests marked celery_worker switch this off to use the real worker.
CELERY_TASK_ALWAYS_EAGER = True
