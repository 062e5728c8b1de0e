import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()

# Models and the search index load now, in the background, not on the first request:
# GET /readyz answers 503 until they have (config/readiness.py).
from config import readiness  # noqa: E402 - needs the settings configured above

readiness.start("web")
