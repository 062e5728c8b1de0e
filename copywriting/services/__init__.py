"""Writes for copywriting: drafting candidates, approving or rejecting them, batch jobs.

The admin (its "Generate" form through a candidates job), the batch task and
``manage.py generate_copy`` call these functions; so does
``manage.py eval_copywriting`` (through :func:`prepare_copy` and :func:`generate_parts`), so
the figures it prints describe the prompts and checks the shop serves.

Split by what the code does, re-exported here for ``from copywriting import services``:

- ``generation``: the request, the model that writes, prompts, generation, checks, drafts;
- ``review``: approving (and applying) or rejecting a draft; recording approved copy
  written elsewhere;
- ``jobs``: batch and candidates jobs, queued for ``copywriting.tasks`` and run chunk by chunk;
- ``model``: retraining the copy model on the shop's approved copy.

Errors live in ``copywriting.exceptions``.
"""

from copywriting.exceptions import (
    ApprovalBlocked,
    CopyRefused,
    CopywritingError,
    CopywritingUnavailable,
)

from .generation import (
    CopyRequest,
    FinishedParts,
    GeneratedParts,
    GeneratorInfo,
    PreparedCopy,
    active_copywriting_version,
    build_draft,
    finish_parts,
    generate_drafts,
    generate_parts,
    generator_state,
    get_generator,
    input_hash,
    others_for,
    prepare_copy,
    prepare_for_product,
    shop_voice,
)
from .jobs import (
    RUN_JOB_TASK,
    ProgressCallback,
    resume_copy_job,
    run_copy_job,
    start_candidates_job,
    start_copy_job,
)
from .model import RETRAIN_TASK, queue_copy_model_training, retrain_copy_model
from .review import ApprovedCopy, approve_draft, record_approved_copy, reject_draft

__all__ = [
    "RETRAIN_TASK",
    "queue_copy_model_training",
    "retrain_copy_model",
    "RUN_JOB_TASK",
    "ApprovalBlocked",
    "ApprovedCopy",
    "CopyRefused",
    "CopyRequest",
    "CopywritingError",
    "CopywritingUnavailable",
    "FinishedParts",
    "GeneratedParts",
    "GeneratorInfo",
    "PreparedCopy",
    "ProgressCallback",
    "active_copywriting_version",
    "approve_draft",
    "build_draft",
    "finish_parts",
    "generate_drafts",
    "generate_parts",
    "generator_state",
    "get_generator",
    "input_hash",
    "others_for",
    "prepare_copy",
    "prepare_for_product",
    "record_approved_copy",
    "reject_draft",
    "resume_copy_job",
    "run_copy_job",
    "shop_voice",
    "start_candidates_job",
    "start_copy_job",
]
