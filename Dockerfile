# Not built in this project's CI (no Docker engine there); kept correct by reading.
FROM python:3.11.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# Everything the app writes at run time: docker-compose.yml mounts volumes for the models,
# search indexes, media and static files under it, shared by prepare, web and the workers.
ENV VAR_DIR=/app/var
WORKDIR /app
# gcc: llm_services/kernels/decode.c (the decoding kernels) is compiled on first use.
RUN apt-get update && apt-get install -y --no-install-recommends gettext gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN DJANGO_SETTINGS_MODULE=config.settings.prod SECRET_KEY=build ALLOWED_HOSTS=* \
    EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
    python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", \
     "--config", "config/gunicorn.py", "--control-socket", "/app/var/gunicorn.ctl"]
