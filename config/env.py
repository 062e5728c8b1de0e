"""One environment reader for all settings modules (django-environ)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's .env is optional; real deployments pass the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
