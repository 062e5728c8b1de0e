"""The Procfile (`make stack`) and docker-compose.yml run the same processes on one shared var/.

Docker cannot run on the project's build machines, so docker-compose.yml is checked here by
reading it; the Procfile's processes run for real in `make stack-smoke`.
"""

import re

import pytest

from config.env import BASE_DIR

yaml = pytest.importorskip("yaml")

APP_SERVICES = ("prepare", "web", "worker", "worker-llm", "beat")
VAR_VOLUMES = [
    "models:/app/var/models",
    "search:/app/var/search",
    "media:/app/var/media",
    "static:/app/var/static",
]


def procfile() -> dict[str, str]:
    lines = (BASE_DIR / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def test_the_procfile_runs_gunicorn_both_workers_and_beat():
    processes = procfile()

    assert list(processes) == ["web", "worker", "worker_llm", "beat"]
    assert processes["web"].startswith(
        "gunicorn config.wsgi:application --bind 127.0.0.1:$PORT --workers ${WEB_CONCURRENCY:-2} "
        "--access-logfile -"
    )
    assert "-Q default,index " in processes["worker"]
    assert "-Q llm " in processes["worker_llm"]
    assert "--concurrency 1 --prefetch-multiplier 1" in processes["worker_llm"]
    assert processes["beat"].endswith("--schedule ${VAR_DIR:-var}/celerybeat-schedule")


def test_images_are_pinned_to_exact_versions(compose):
    images = {name: service.get("image") for name, service in compose["services"].items()}

    assert images["postgres"] == "postgres:16.6"
    assert images["redis"] == "redis:7.4.1"
    base = re.search(r"^FROM (\S+)", (BASE_DIR / "Dockerfile").read_text(), re.MULTILINE)
    assert base.group(1) == "python:3.11.11-slim-bookworm"


def test_prepare_runs_once_before_web_and_the_workers(compose):
    services = compose["services"]
    script = services["prepare"]["command"][-1]

    steps = re.findall(r"python manage\.py (\w+)", script)
    assert steps == [
        "migrate",
        "collectstatic",
        "llm_prepare",
        "shell",
        "load_demo_shop",
        "rebuild_search_index",
    ]
    assert services["prepare"]["restart"] == "no"
    for name in ("web", "worker", "worker-llm", "beat"):
        assert services[name]["depends_on"]["prepare"] == {
            "condition": "service_completed_successfully"
        }, name


def test_prepare_web_and_workers_share_one_var(compose):
    services = compose["services"]

    for name in APP_SERVICES:
        assert services[name]["volumes"] == VAR_VOLUMES, name
        assert services[name]["environment"]["VAR_DIR"] == "/app/var", name
    assert sorted(compose["volumes"]) == ["media", "models", "pgdata", "search", "static"]


def test_web_and_workers_have_healthchecks(compose):
    services = compose["services"]

    assert "http://127.0.0.1:8000/healthz" in services["web"]["healthcheck"]["test"][-1]
    assert services["worker"]["healthcheck"]["test"][-1].startswith(
        "celery -A config inspect ping --timeout 10 -d default@"
    )
    assert services["worker-llm"]["healthcheck"]["test"][-1].startswith(
        "celery -A config inspect ping --timeout 10 -d llm@"
    )
    assert "--hostname default@%h" in services["worker"]["command"]
    assert "--hostname llm@%h" in services["worker-llm"]["command"]
