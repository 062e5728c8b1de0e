"""Fine-tuning the models behind llm_services on the shop's own data: the public training API.

Apps register tasks (what data, which prompt, whose names to scrub) with :func:`register_task`;
``manage.py finetune`` collects, cleans and scrubs the data, trains under a step and time
budget, scores the model before and after, and stores a
:class:`~llm_services.models.ModelVersion` that can be activated and rolled back
(``manage.py llm_versions``, or the admin). Apps that train a model of their own (the search
ranker) store it as a version with :func:`building_folder`, :func:`write_manifest` and
:func:`create_version`.

Apps import these names from here, never from the submodules. Importing this package loads no
model code: torch, transformers, peft and matplotlib are imported by the training functions
when they run. It imports ModelVersion, so import it once Django's apps are loaded.
"""

from llm_services.heads import ActiveHead, LogisticHead, train_logistic_head
from llm_services.open_set import (
    OpenSetHead,
    OpenSetPrediction,
    OpenSetSettings,
    train_open_set_head,
)
from llm_services.training.artifacts import (
    building_folder,
    new_version_name,
    stored_path,
    versions_dir,
    write_manifest,
)
from llm_services.training.data import (
    CollectOptions,
    Dataset,
    DatasetStats,
    Example,
    TrainingTask,
    UnknownTask,
    clean_examples,
    get_task,
    register_task,
    registered_tasks,
)
from llm_services.training.generator import GeneratorSettings, finetune_generator
from llm_services.training.metrics import generation_scores
from llm_services.training.pii import PIIScrubber, words_of
from llm_services.training.pipeline import FinetuneError, alias_config, run_finetune
from llm_services.training.runs import RunHandle, queue_training_run, recorded_run
from llm_services.training.sequential import (
    SequenceModel,
    SequenceModelSettings,
    train_sequence_model,
)
from llm_services.training.text import clean_text
from llm_services.training.versions import (
    VersionError,
    activate_version,
    active_version,
    create_version,
    store_version,
)

__all__ = [
    "ActiveHead",
    "CollectOptions",
    "Dataset",
    "DatasetStats",
    "Example",
    "FinetuneError",
    "GeneratorSettings",
    "LogisticHead",
    "OpenSetHead",
    "OpenSetPrediction",
    "OpenSetSettings",
    "PIIScrubber",
    "RunHandle",
    "SequenceModel",
    "SequenceModelSettings",
    "TrainingTask",
    "UnknownTask",
    "VersionError",
    "activate_version",
    "active_version",
    "alias_config",
    "building_folder",
    "clean_examples",
    "clean_text",
    "create_version",
    "finetune_generator",
    "generation_scores",
    "get_task",
    "new_version_name",
    "queue_training_run",
    "recorded_run",
    "register_task",
    "registered_tasks",
    "run_finetune",
    "store_version",
    "stored_path",
    "train_logistic_head",
    "train_open_set_head",
    "train_sequence_model",
    "versions_dir",
    "words_of",
    "write_manifest",
]
