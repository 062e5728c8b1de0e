"""``llm_services.onnx_decoding`` against transformers on tiny random Gemma 3 and Llama models.

Each tiny model is built into ONNX once per session (a child process running
onnxruntime-genai's builder, a few seconds each).
"""

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

from llm_services import LLMUnavailable
from llm_services.constraints import avoid_processor
from llm_services.onnx_decoding import (
    OnnxDecoder,
    build_key,
    build_model,
    model_path,
)
from tests.llm_services.tiny_models import build_tiny_causal_lm

# Lengths 2-13 tokens: longer than the tiny Gemma's sliding window of 4.
PROMPTS = [
    "a",
    "running shoes",
    "a ceramic coffee mug that keeps drinks warm",
    "trail and road, light and breathable running shoes for everyone",
]


@pytest.fixture(scope="session")
def onnx_models_dir(tmp_path_factory):
    """A model directory whose onnx/ holds this session's builds (LLM_MODEL_DIR for the
    backend tests)."""
    return tmp_path_factory.mktemp("onnx-models")


@pytest.fixture(scope="session")
def tiny_llama_dir(tmp_path_factory):
    return build_tiny_causal_lm(tmp_path_factory.mktemp("models") / "tiny-llama-16", heads=2)


@pytest.fixture(scope="session")
def built(onnx_models_dir, tiny_gemma3_dir, tiny_llama_dir):
    """Build a tiny model (by name) as a variant once per session; its folder."""
    sources = {"gemma3": tiny_gemma3_dir, "llama": tiny_llama_dir}
    folders = {}

    def get(name, variant):
        if (name, variant) not in folders:
            folders[name, variant] = build_model(
                sources[name], variant, root=onnx_models_dir / "onnx"
            )[0]
        return folders[name, variant]

    return get


def transformers_greedy(source, prompts, new_tokens):
    """transformers' own float32 left-padded greedy continuations (no EOS stop)."""
    tokenizer = AutoTokenizer.from_pretrained(source)
    model = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32).eval()
    tokenizer.padding_side = "left"
    batch = tokenizer(prompts, return_tensors="pt", padding=True)
    config = GenerationConfig(
        max_new_tokens=new_tokens, do_sample=False, eos_token_id=None, pad_token_id=0
    )
    with torch.inference_mode():
        output = model.generate(**batch, generation_config=config)
    return output[:, batch["input_ids"].shape[1] :].tolist()


def prompt_ids(source, prompts=PROMPTS):
    tokenizer = AutoTokenizer.from_pretrained(source)
    return [tokenizer(p)["input_ids"] for p in prompts]


@pytest.mark.parametrize(
    ("name", "variant"), [("gemma3", "float32"), ("gemma3", "int8"), ("llama", "float32")]
)
def test_greedy_tokens_equal_transformers(built, tiny_gemma3_dir, tiny_llama_dir, name, variant):
    """A left-padded batch and each prompt alone: transformers' float32 greedy tokens (the
    tiny models' decisive logits leave int8 no near-tie to flip)."""
    source = {"gemma3": tiny_gemma3_dir, "llama": tiny_llama_dir}[name]
    decoder = OnnxDecoder(built(name, variant), threads=2)
    ids = prompt_ids(source)
    width = max(len(i) for i in ids)
    expected = transformers_greedy(source, PROMPTS, 12)

    batched = decoder.generate(ids, max_new_tokens=12, pad_id=0)
    alone = [decoder.generate([i], max_new_tokens=12, pad_id=0)[0, len(i) :] for i in ids]

    assert batched.shape == (4, width + 12)
    assert batched[:, width:].tolist() == expected
    assert [a.tolist() for a in alone] == expected
    # The prompts come back left-padded.
    assert batched[0, : width - len(ids[0])].tolist() == [0] * (width - len(ids[0]))
    assert batched[0, width - len(ids[0]) : width].tolist() == ids[0]


def test_a_banned_token_is_never_decoded(built, tiny_gemma3_dir):
    decoder = OnnxDecoder(built("gemma3", "float32"), threads=1)
    ids = prompt_ids(tiny_gemma3_dir, ["running shoes"])[0]
    plain = decoder.generate([ids], max_new_tokens=6, pad_id=0)[0, len(ids) :].tolist()
    banned = avoid_processor([((plain[0],),)], len(ids))

    avoided = decoder.generate([ids], max_new_tokens=6, pad_id=0, processors=banned)

    assert plain[0] not in avoided[0, len(ids) :].tolist()


def test_sampling_with_top_k_1_is_greedy(built, tiny_gemma3_dir):
    from transformers.generation import LogitsProcessorList, TopKLogitsWarper

    decoder = OnnxDecoder(built("gemma3", "float32"), threads=1)
    ids = prompt_ids(tiny_gemma3_dir)
    processors = LogitsProcessorList([TopKLogitsWarper(1)])

    sampled = decoder.generate(ids, max_new_tokens=8, pad_id=0, processors=processors, sample=True)

    assert sampled.tolist() == decoder.generate(ids, max_new_tokens=8, pad_id=0).tolist()


def test_stop_callback_ends_rows_and_pads_them(built, tiny_gemma3_dir):
    """A row the stop check finishes continues with the pad id; all finished: generation ends."""
    decoder = OnnxDecoder(built("gemma3", "float32"), threads=1)
    ids = prompt_ids(tiny_gemma3_dir, PROMPTS[:2])
    width = max(len(i) for i in ids)
    seen = []

    def stop(sequences):
        seen.append(sequences.shape[1] - width)
        return [sequences.shape[1] - width >= 2, sequences.shape[1] - width >= 4]

    output = decoder.generate(ids, max_new_tokens=10, pad_id=0, stop=stop)

    assert output.shape == (2, width + 4)
    assert seen == [1, 2, 3, 4]
    assert output[0, width + 2 :].tolist() == [0, 0]
    assert 0 not in output[1, width:].tolist()


def test_rows_that_finish_leave_the_batch_without_changing_the_others(built, tiny_llama_dir):
    """Rows stopped early are padded from then on; the rows still decoding (now fewer in the
    engine's batch) make the tokens they make when nobody stops; processors see every row."""
    decoder = OnnxDecoder(built("llama", "float32"), threads=1)
    ids = prompt_ids(tiny_llama_dir)
    width = max(len(i) for i in ids)
    free = decoder.generate(ids, max_new_tokens=10, pad_id=0)
    stops_after = {0: 2, 2: 3, 3: 3}  # new tokens each row makes; row 1 runs to the end

    def stop(so_far):
        made = so_far.shape[1] - width
        return [made >= stops_after.get(row, 99) for row in range(len(ids))]

    seen = []

    def processors(so_far, scores):
        seen.append((tuple(so_far.shape), tuple(scores.shape)))
        return scores

    stopped = decoder.generate(ids, max_new_tokens=10, pad_id=0, stop=stop, processors=processors)

    assert stopped.shape == free.shape
    for row, count in {**stops_after, 1: 10}.items():
        assert (
            stopped[row, width : width + count].tolist()
            == free[row, width : width + count].tolist()
        )
        assert stopped[row, width + count :].tolist() == [0] * (10 - count)
    assert {scores for _, scores in seen} == {(4, decoder.vocab_size)}
    assert [ids_shape for ids_shape, _ in seen] == [(4, width + n) for n in range(10)]


def test_streamer_gets_the_prompt_then_every_token(built, tiny_gemma3_dir):
    decoder = OnnxDecoder(built("gemma3", "float32"), threads=1)
    events = []

    class Recorder:
        def put(self, value):
            events.append(value.tolist())

        def end(self):
            events.append("end")

    ids = prompt_ids(tiny_gemma3_dir, ["running shoes"])[0]
    output = decoder.generate([ids], max_new_tokens=3, pad_id=0, streamer=Recorder())

    assert events == [[ids], *[[t] for t in output[0, len(ids) :].tolist()], "end"]


def test_builds_are_cached_by_source_variant_and_engine(
    built, onnx_models_dir, tiny_gemma3_dir, tmp_path
):
    """A second build reuses the first; another variant or another source folder is another
    build; nothing half-written stays behind."""
    root = onnx_models_dir / "onnx"
    first = built("gemma3", "float32")

    again, seconds = build_model(tiny_gemma3_dir, "float32", root=root)

    assert (again, seconds) == (first, 0.0)
    assert first == model_path(tiny_gemma3_dir, "float32", root=root)
    assert first.name == f"tiny-gemma3-float32-{build_key(tiny_gemma3_dir, 'float32')}"
    assert sorted(p.name for p in first.iterdir()) == [
        "genai_config.json",
        "model.onnx",
        "model.onnx.data",
    ]
    assert build_key(tiny_gemma3_dir, "int8") != build_key(tiny_gemma3_dir, "float32")
    # Beside it only the build's lock file, no half-written folder.
    assert not [p for p in root.iterdir() if p.name.endswith(".partial")]
    assert (root / f".{first.name}.lock").is_file()
    # Another folder with the same files but another manifest (a re-prepared model).
    import shutil

    copy = shutil.copytree(tiny_gemma3_dir, tmp_path / "tiny-gemma3")
    (copy / "manifest.json").write_text('{"model": "tiny-random-gemma3", "seed": 1}')
    assert build_key(copy, "float32") != build_key(tiny_gemma3_dir, "float32")


def test_generator_backend_serves_with_onnxruntime(
    built, settings, use_generator, onnx_models_dir, tiny_gemma3_dir
):
    """The backend with decoder "onnxruntime": no torch weights loaded, the prebuilt model
    reused, the same texts as the float32 Gemma loop, streamed and with avoided phrases too
    (the ban itself: test_a_banned_token_is_never_decoded)."""
    built("gemma3", "float32")
    settings.LLM_MODEL_DIR = str(onnx_models_dir)
    generator = use_generator(tiny_gemma3_dir, decoder="onnxruntime", threads=1)
    # Read now: pointing the alias at the reference below closes this backend.
    model, runtime = generator.model, generator.runtime
    batched = generator.generate_batch(PROMPTS, max_new_tokens=8, temperature=0)
    streamed = "".join(generator.stream(PROMPTS[2], max_new_tokens=8, temperature=0))
    avoid = [[batched[2].text[:1]], []]
    avoided = generator.generate_batch(PROMPTS[2:], max_new_tokens=8, temperature=0, avoid=avoid)

    reference = use_generator(tiny_gemma3_dir)  # decoder "auto": llm_services.decoding
    expected = reference.generate_batch(PROMPTS, max_new_tokens=8, temperature=0)
    expected_avoided = reference.generate_batch(
        PROMPTS[2:], max_new_tokens=8, temperature=0, avoid=avoid
    )

    assert model is None
    assert runtime.startswith("llm_services.onnx_decoding: onnxruntime ")
    assert "float32 weights" in runtime
    assert [g.text for g in batched] == [g.text for g in expected]
    assert streamed == batched[2].text
    assert [g.text for g in avoided] == [g.text for g in expected_avoided]
    assert avoided[1].text == batched[3].text


def test_llm_prepare_builds_the_configured_generators_model(
    built, settings, onnx_models_dir, tiny_gemma3_dir, tiny_llama_dir
):
    """manage.py llm_prepare's hook: the generator with decoder "onnxruntime" gets its model
    (here already built by this session: reported up to date); other aliases are left alone."""
    from io import StringIO

    from llm_services.management.commands.llm_prepare import Command

    folder = built("gemma3", "float32")
    settings.LLM_MODEL_DIR = str(onnx_models_dir)
    settings.LLM_MODELS = {
        "generate": {
            "BACKEND": "llm_services.backends.local_generate.CausalLMGenerator",
            "MODEL": str(tiny_gemma3_dir),
            "OPTIONS": {"decoder": "onnxruntime"},
        },
        "other": {
            "BACKEND": "llm_services.backends.local_generate.CausalLMGenerator",
            "MODEL": str(tiny_gemma3_dir),
        },
        # decoder "auto" on a Llama decodes on ONNX Runtime: its model is built too.
        "llama": {
            "BACKEND": "llm_services.backends.local_generate.CausalLMGenerator",
            "MODEL": str(tiny_llama_dir),
        },
        "off": None,
    }
    out = StringIO()
    command = Command(stdout=out)

    command._build_onnx_generators(verbosity=1)

    assert out.getvalue().splitlines() == [
        f"generate: ONNX model (float32) up to date: {folder}",
        f"llama: ONNX model (float32) up to date: {built('llama', 'float32')}",
    ]


def test_auto_decodes_gemma_natively_and_other_models_on_onnxruntime(
    built, settings, use_generator, onnx_models_dir, tiny_gemma3_dir, tiny_llama_dir
):
    """Any generator gets a fast path: Gemma 3 the project's own loop, a Llama (SmolLM2's
    architecture) ONNX Runtime instead of transformers' eager generate."""
    built("llama", "float32")
    settings.LLM_MODEL_DIR = str(onnx_models_dir)

    llama = use_generator(tiny_llama_dir, threads=1)
    llama_runtime, llama_model = llama.runtime, llama.model
    gemma = use_generator(tiny_gemma3_dir, threads=1)

    assert llama_model is None
    assert llama_runtime.startswith("llm_services.onnx_decoding: onnxruntime ")
    assert gemma.runtime.startswith("llm_services.decoding (native layers)")


def test_auto_says_why_a_model_falls_back_to_transformers(use_generator, tiny_causal_lm_dir):
    """The suite's tiny Llama has heads of 8, which ONNX Runtime's attention does not take."""
    generator = use_generator(tiny_causal_lm_dir, native_kernels=False)

    assert generator.runtime == (
        "transformers generate (onnxruntime does not serve it: head size 8 (ONNX Runtime's "
        "attention takes multiples of 16)); kernels: off (OPTIONS native_kernels)"
    )


def test_an_explicit_decoder_that_cannot_serve_the_model_is_refused(
    use_generator, tiny_causal_lm_dir
):
    with pytest.raises(LLMUnavailable) as caught:
        use_generator(tiny_causal_lm_dir, decoder="native")

    assert str(caught.value) == (
        "LLM alias 'generate': decoder 'native' cannot run this model: model type 'llama' is "
        "not Gemma 3 text."
    )


def test_auto_falls_back_to_transformers_when_the_build_fails(
    monkeypatch, settings, use_generator, onnx_models_dir, tiny_llama_dir
):
    from llm_services import onnx_decoding

    def fail(source, variant):
        raise onnx_decoding.OnnxBuildError("the builder does not know this model")

    monkeypatch.setattr(onnx_decoding, "build_model", fail)
    settings.LLM_MODEL_DIR = str(onnx_models_dir)

    generator = use_generator(tiny_llama_dir, native_kernels=False)

    assert generator.model is not None
    assert generator.runtime == (
        "transformers generate (onnxruntime failed: OnnxBuildError: the builder does not know "
        "this model); kernels: off (OPTIONS native_kernels)"
    )
    assert generator.generate("a", max_new_tokens=2, temperature=0).completion_tokens == 2
    with pytest.raises(LLMUnavailable, match="the builder does not know this model"):
        use_generator(tiny_llama_dir, decoder="onnxruntime")
