"""Fine-tuning the models behind llm_services on the shop's own data.

Apps register tasks (what data, which prompt) with :func:`register_task`; ``manage.py finetune``
collects, cleans and scrubs the data, trains under a step and time budget, scores the model
before and after, and stores a :class:`~llm_services.models.ModelVersion` that can be activated
and rolled back (``manage.py llm_versions``, or the admin).

Importing this package loads no model code: torch, transformers, peft and matplotlib are
imported by the training functions when they run.
"""

from llm_services.training.data import (
    CollectOptions,
    Example,
    TrainingTask,
    UnknownTask,
    get_task,
    register_task,
    registered_tasks,
)

__all__ = [
    "CollectOptions",
    "Example",
    "TrainingTask",
    "UnknownTask",
    "get_task",
    "register_task",
    "registered_tasks",
]
