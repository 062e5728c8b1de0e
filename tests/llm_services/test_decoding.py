"""decode.c's products and ``llm_services.decoding``'s Gemma 3 loop against transformers."""

import copy

import pytest
import torch
from torch import nn
from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

from llm_services import LLMBadRequest
from llm_services.constraints import avoid_processor
from llm_services.decoding import Gemma3Decoder, unsupported_reason
from llm_services.kernels import (
    FLAGS,
    KernelUnavailable,
    Matrix,
    NativeKernels,
    build,
    compile_flags,
)
from llm_services.quantization import NATIVE, Int8Linear, quantize_causal_lm, quantize_per_channel

# Lengths 2-13 tokens: longer than the tiny model's sliding window of 4.
PROMPTS = [
    "a",
    "running shoes",
    "a ceramic coffee mug that keeps drinks warm",
    "trail and road, light and breathable running shoes for everyone",
]


@pytest.fixture(scope="module")
def tokenizer(tiny_gemma3_dir):
    return AutoTokenizer.from_pretrained(tiny_gemma3_dir)


@pytest.fixture(scope="module")
def float_model(tiny_gemma3_dir):
    return AutoModelForCausalLM.from_pretrained(tiny_gemma3_dir, dtype=torch.float32).eval()


@pytest.fixture(scope="module")
def int8_model(float_model, kernels):
    model = copy.deepcopy(float_model)
    quantize_causal_lm(model, native=kernels)
    return model


def transformers_greedy(model, tokenizer, prompts, new_tokens):
    """transformers' own left-padded greedy continuations (no EOS stop)."""
    tokenizer.padding_side = "left"
    batch = tokenizer(prompts, return_tensors="pt", padding=True)
    config = GenerationConfig(
        max_new_tokens=new_tokens, do_sample=False, eos_token_id=None, pad_token_id=0
    )
    with torch.inference_mode():
        output = model.generate(**batch, generation_config=config)
    return output[:, batch["input_ids"].shape[1] :].tolist()


def decoder_greedy(decoder, tokenizer, prompts, new_tokens):
    ids = [tokenizer(p)["input_ids"] for p in prompts]
    output = decoder.generate(ids, max_new_tokens=new_tokens, pad_id=0)
    return output[:, max(len(i) for i in ids) :].tolist()


@pytest.mark.parametrize("rows", [1, 2, 3, 4, 5, 8])
@pytest.mark.parametrize(("n", "k"), [(300, 64), (37, 640), (4100, 32), (16, 2048), (70, 48)])
def test_int8_products_equal_the_dequantised_weights(kernels, rows, n, k):
    """int8 x int16 products: off the float32 product of the int8 weights by no more than
    rounding each activation to int16 (half of its row's |x| max / 32767) can explain."""
    torch.manual_seed(rows)
    weight = torch.randn(n, k) * torch.linspace(0.1, 2.0, n)[:, None]
    q, scale = quantize_per_channel(weight)
    bias = torch.randn(n)
    x = torch.randn(rows, k) * 3
    x[:, 5] = 60.0  # an outlier channel, as Gemma's activations have

    y = kernels(x, Matrix.of(q, scale, bias))

    dequantized = q.float() * scale[:, None]
    expected = nn.functional.linear(x, dequantized, bias)
    rounding = x.abs().amax(dim=1, keepdim=True) / 32767 / 2 * dequantized.abs().sum(dim=1)
    assert (y.shape, y.dtype) == ((rows, n), torch.float32)
    assert bool(((y - expected).abs() <= rounding + 1e-5 * expected.abs() + 1e-5).all())


def test_avx512_vnni_is_used_where_the_cpu_has_it():
    avx2 = {"avx2", "fma"}
    vnni = avx2 | {"avx512f", "avx512bw", "avx512vl", "avx512_vnni"}

    assert compile_flags(avx2) == FLAGS
    assert compile_flags(vnni - {"avx512_vnni"}) == FLAGS
    assert compile_flags(vnni) == (
        *FLAGS,
        "-mavx512f",
        "-mavx512bw",
        "-mavx512vl",
        "-mavx512vnni",
    )


@pytest.mark.skipif(
    compile_flags() == FLAGS,
    reason="needs AVX-512 VNNI (CPU flag avx512_vnni, not capped by LLM_KERNEL_ISA=avx2)",
)
def test_avx512_vnni_products_are_the_avx2_products_exactly(kernels, tmp_path, monkeypatch):
    """Both kernels sum the same integer products: the results agree to the bit."""
    monkeypatch.setattr("llm_services.kernels.compile_flags", lambda: FLAGS)
    monkeypatch.setenv("LLM_KERNEL_DIR", str(tmp_path))
    avx2 = NativeKernels(2)
    torch.manual_seed(3)
    q, scale = quantize_per_channel(torch.randn(96, 80))
    matrix = Matrix.of(q, scale, torch.randn(96))

    assert (kernels.isa, avx2.isa) == ("avx512-vnni", "avx2")
    for rows in range(1, 9):
        x = torch.randn(rows, 80)
        assert torch.equal(kernels(x, matrix), avx2(x, matrix))


@pytest.mark.parametrize("k", [16, 40, 640])
def test_activations_round_to_int16_half_to_even_with_one_scale_per_row(kernels, k):
    """decode.c's vector rounding gives exactly the scalar one (lrintf, nearest even)."""
    import ctypes

    torch.manual_seed(k)
    x = torch.randn(3, k) * 5
    x[1, 2] = -80.0
    x[2] = 0.0
    xq, xs = torch.empty(3, k, dtype=torch.int16), torch.empty(3)

    kernels.library.quantize_activations(
        ctypes.c_void_p(x.data_ptr()),
        ctypes.c_void_p(xq.data_ptr()),
        ctypes.c_void_p(xs.data_ptr()),
        ctypes.c_int64(3),
        ctypes.c_int64(k),
    )

    top = x.abs().amax(dim=1)
    scale = torch.where(top > 0, top / 32767.0, torch.ones(3))
    assert torch.equal(xs, scale)
    assert torch.equal(xq, torch.round(x * (1.0 / scale)[:, None]).to(torch.int16))
    assert int(xq[1, 2]) == -32767


@pytest.mark.parametrize("rows", [1, 4, 8])
def test_float32_products_equal_torch(kernels, rows):
    torch.manual_seed(0)
    weight, x = torch.randn(333, 128), torch.randn(rows, 128)

    y = kernels(x, Matrix.of(weight))

    torch.testing.assert_close(y, x @ weight.T, rtol=1e-5, atol=1e-4)


def test_products_refuse_shapes_the_kernel_does_not_take(kernels):
    q, scale = quantize_per_channel(torch.randn(8, 64))
    matrix = Matrix.of(q, scale)

    with pytest.raises(ValueError, match="the kernel takes 1-8 rows of 64"):
        kernels(torch.randn(9, 64), matrix)
    with pytest.raises(ValueError, match="the kernel takes 1-8 rows of 64"):
        kernels(torch.randn(2, 48), matrix)
    with pytest.raises(ValueError, match="an int8 matrix needs float32 scales"):
        Matrix.of(q)
    with pytest.raises(ValueError, match="no kernel for torch.bfloat16 weights"):
        Matrix.of(torch.zeros(4, 16, dtype=torch.bfloat16))
    assert (kernels.accepts(640), kernels.accepts(40), kernels.accepts(8192)) == (
        True,
        False,
        False,
    )


def test_build_is_cached_and_needs_a_compiler(tmp_path, monkeypatch):
    """One library per source version; without a compiler the reason is given."""
    first = build(tmp_path / "kernels")
    assert build(tmp_path / "kernels") == first
    assert first.name.startswith("native-")
    assert first.suffix == ".so"

    monkeypatch.setenv("CC", str(tmp_path / "no-such-compiler"))
    with pytest.raises(KernelUnavailable, match="cannot run .*no-such-compiler"):
        build(tmp_path / "elsewhere")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_gemma3_is_supported_and_llama_is_not(float_model, tiny_causal_lm_dir):
    llama = AutoModelForCausalLM.from_pretrained(tiny_causal_lm_dir, dtype=torch.float32)

    assert unsupported_reason(float_model) is None
    assert unsupported_reason(llama) == "model type 'llama' is not Gemma 3 text"
    with pytest.raises(ValueError, match="not Gemma 3 text"):
        Gemma3Decoder(llama)


@pytest.mark.parametrize("native", [False, True], ids=["torch-layers", "native-layers"])
def test_float32_decoder_makes_transformers_tokens(float_model, tokenizer, kernels, native):
    """Single prompts and a left-padded batch: token for token what transformers makes."""
    decoder = Gemma3Decoder(copy.deepcopy(float_model), kernels if native else None)
    assert (decoder.native_layers is not None) is native

    expected = transformers_greedy(float_model, tokenizer, PROMPTS, 12)

    assert decoder_greedy(decoder, tokenizer, PROMPTS, 12) == expected
    assert [decoder_greedy(decoder, tokenizer, [p], 12)[0] for p in PROMPTS] == expected


def test_int8_decoder_makes_the_int8_models_transformers_tokens(int8_model, tokenizer, kernels):
    """int8 weights, native layers: the same tokens as transformers on the same int8 model."""
    decoder = Gemma3Decoder(int8_model, kernels)

    assert int8_model.lm_head.kernel.mode == NATIVE
    assert decoder.native_layers is not None
    assert decoder_greedy(decoder, tokenizer, PROMPTS, 12) == transformers_greedy(
        int8_model, tokenizer, PROMPTS, 12
    )


def test_native_step_logits_equal_the_torch_step(float_model, kernels):
    """One decode step, 3 rows with different padding: native and torch logits agree."""
    native = Gemma3Decoder(copy.deepcopy(float_model), kernels)
    plain = Gemma3Decoder(copy.deepcopy(float_model))
    ids = torch.tensor([[0, 0, 5, 9, 40, 77, 100], [0, 8, 6, 7, 9, 11, 13], [3, 4, 5, 6, 7, 8, 9]])
    pads = torch.tensor([2, 1, 0])
    logits = []
    for decoder in (native, plain):
        cache = [(torch.zeros(3, 2, 8, 32), torch.zeros(3, 2, 8, 32)) for _ in range(3)]
        rope = decoder._prepare_native(decoder.rope_tables(8), 3, 8)
        with torch.inference_mode():
            decoder.forward(ids[:, :6], pads, 0, cache, rope)
            logits.append(decoder.forward(ids[:, 6:], pads, 6, cache, rope))

    assert logits[0].shape == (3, 300)
    torch.testing.assert_close(logits[0], logits[1], rtol=1e-4, atol=1e-4)


def test_stop_callback_ends_rows_and_pads_them(float_model, tokenizer):
    """A row the stop check finishes continues with the pad id; all finished: generation ends."""
    decoder = Gemma3Decoder(float_model)
    ids = [tokenizer(p)["input_ids"] for p in PROMPTS[:2]]
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


def test_sampling_with_top_k_1_is_greedy(float_model, tokenizer):
    """Sampling through transformers' processors: top-k 1 leaves only the greedy token."""
    from transformers.generation import LogitsProcessorList, TopKLogitsWarper

    decoder = Gemma3Decoder(float_model)
    ids = [tokenizer(p)["input_ids"] for p in PROMPTS]
    processors = LogitsProcessorList([TopKLogitsWarper(1)])

    sampled = decoder.generate(ids, max_new_tokens=8, pad_id=0, processors=processors, sample=True)

    assert sampled.tolist() == decoder.generate(ids, max_new_tokens=8, pad_id=0).tolist()


def test_streamer_gets_the_prompt_then_every_token(float_model, tokenizer):
    decoder = Gemma3Decoder(float_model)
    events = []

    class Recorder:
        def put(self, value):
            events.append(value.tolist())

        def end(self):
            events.append("end")

    ids = tokenizer("running shoes")["input_ids"]
    output = decoder.generate([ids], max_new_tokens=3, pad_id=0, streamer=Recorder())

    assert events == [[ids], *[[t] for t in output[0, len(ids) :].tolist()], "end"]


def test_generator_backend_decodes_gemma3_with_native_layers(use_generator, tiny_gemma3_dir):
    """The served path: int8 + native layers; batches equal single prompts; streams join up."""
    generator = use_generator(tiny_gemma3_dir, quantization="int8")
    runtime = generator.runtime
    batched = generator.generate_batch(PROMPTS, max_new_tokens=8, temperature=0)
    alone = [generator.generate(p, max_new_tokens=8, temperature=0).text for p in PROMPTS]
    streamed = "".join(generator.stream(PROMPTS[2], max_new_tokens=8, temperature=0))
    head = generator.model.lm_head

    reference = use_generator(tiny_gemma3_dir, quantization="int8", decoder="transformers")
    expected = reference.generate_batch(PROMPTS, max_new_tokens=8, temperature=0)

    assert runtime.startswith("llm_services.decoding (native layers); kernels: decode.c")
    assert reference.runtime.startswith("transformers generate; kernels: decode.c")
    assert [g.text for g in batched] == alone == [g.text for g in expected]
    assert streamed == alone[2]
    assert isinstance(head, Int8Linear)


def test_generate_token_ids_ignores_eos_when_asked(use_generator, tiny_gemma3_dir, tokenizer):
    generator = use_generator(tiny_gemma3_dir, quantization="int8")
    ids = [tokenizer(p)["input_ids"] for p in PROMPTS]

    rows = generator.generate_token_ids(ids, max_new_tokens=5, stop_at_eos=False)

    assert [len(r) for r in rows] == [5, 5, 5, 5]


def test_unknown_decoder_option_is_refused(use_generator, tiny_gemma3_dir):
    from llm_services import LLMUnavailable

    with pytest.raises(LLMUnavailable, match="decoder must be one of"):
        use_generator(tiny_gemma3_dir, decoder="vllm")


def test_avoided_tokens_are_not_decoded_by_the_gemma_loop(float_model, tokenizer, kernels):
    """Native decode steps apply the processor: the greedy choice, once banned, never comes."""
    decoder = Gemma3Decoder(copy.deepcopy(float_model), kernels)
    ids = tokenizer("running shoes")["input_ids"]
    plain = decoder.generate([ids], max_new_tokens=6, pad_id=0)[0, len(ids) :].tolist()
    banned = avoid_processor([((plain[0],),)], len(ids))

    avoided = decoder.generate([ids], max_new_tokens=6, pad_id=0, processors=banned)

    assert plain[0] not in avoided[0, len(ids) :].tolist()


def test_avoided_phrases_are_not_generated(use_generator, tiny_causal_lm_dir):
    """Through the backend: a word of the plain continuation is banned in its spellings;
    the batch's other prompt is untouched."""
    generator = use_generator(tiny_causal_lm_dir, quantization="int8")
    prompts = ["trail and road, light and breathable running shoes for everyone", "a"]
    plain = generator.generate_batch(prompts, max_new_tokens=12, temperature=0)

    avoided = generator.generate_batch(prompts, max_new_tokens=12, temperature=0, avoid=[["d"], []])

    assert " d " in f" {plain[0].text} "
    assert " d " not in f" {avoided[0].text} "
    assert avoided[1].text == plain[1].text
    with pytest.raises(LLMBadRequest, match="avoid needs one list of phrases per prompt"):
        generator.generate_batch(prompts, max_new_tokens=4, avoid=[["d"]])


@pytest.mark.parametrize("native", [False, True], ids=["torch-layers", "native-layers"])
def test_rows_that_finish_leave_the_batch_without_changing_the_others(
    int8_model, tokenizer, kernels, native
):
    """Rows stopped early are padded from then on; the rows still decoding (now fewer in
    the batch) make the tokens they make when nobody stops."""
    decoder = Gemma3Decoder(int8_model, kernels if native else None)
    ids = [tokenizer(p)["input_ids"] for p in PROMPTS]
    width = max(len(i) for i in ids)
    free = decoder.generate(ids, max_new_tokens=10, pad_id=0)
    stops_after = {0: 2, 2: 3, 3: 3}  # new tokens each row makes; row 1 runs to the end

    def stop(so_far):
        made = so_far.shape[1] - width
        return [made >= stops_after.get(row, 99) for row in range(len(ids))]

    seen = []

    def processors(so_far, scores):
        seen.append(tuple(scores.shape))
        return scores

    stopped = decoder.generate(ids, max_new_tokens=10, pad_id=0, stop=stop, processors=processors)

    assert stopped.shape == free.shape
    for row, count in {**stops_after, 1: 10}.items():
        assert (
            stopped[row, width : width + count].tolist()
            == free[row, width : width + count].tolist()
        )
        assert stopped[row, width + count :].tolist() == [0] * (10 - count)
    # Processors always see the whole batch, as transformers' do.
    assert set(seen) == {(4, int8_model.config.vocab_size)}
