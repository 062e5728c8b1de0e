import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_init, worker_process_init
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

# Every task (shared_task included) is a DeliveryCappedTask: a message redelivered after its
# worker died is run at most TASK_MAX_DELIVERIES times.
app = Celery("shop", task_cls="common.tasks:DeliveryCappedTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("index"), Queue("llm"))
app.autodiscover_tasks()


def worker_role() -> str:
    """ "worker:<queues>": the warm-up of a worker is that of the queues it consumes (-Q)."""
    queues = sorted(app.amqp.queues.consume_from or app.amqp.queues)
    return "worker:" + ",".join(queues)


@worker_process_init.connect
def _warm_pool_process(**kwargs) -> None:
    """Each prefork child loads the models its tasks use before taking one."""
    from config.readiness import start

    start(worker_role())


@worker_init.connect
def _warm_single_process(sender=None, **kwargs) -> None:
    # A prefork master only forks children: loading models (and torch's OpenMP threads)
    # before fork is unsafe, so only solo and thread pools warm in the main process.
    pool = getattr(sender, "pool_cls", "")
    if "prefork" in f"{getattr(pool, '__module__', '')}{pool}".lower():
        return
    from config.readiness import start

    start(worker_role())


# A task run eagerly (no broker: development, tests) runs inside the web request that queued
# it; its model calls are still background work, with the alias's timeouts and retries.
_background_tokens: dict[str, object] = {}


@task_prerun.connect
def _background_model_calls(task_id=None, **kwargs) -> None:
    from llm_services import background_calls

    context = background_calls()
    context.__enter__()
    _background_tokens[task_id] = context


@task_postrun.connect
def _end_background_model_calls(task_id=None, **kwargs) -> None:
    context = _background_tokens.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)
