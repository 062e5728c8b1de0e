"""A lean prefill + decode loop for Gemma 3 text models, on the model's own weights.

transformers' ``generate`` spends more time per token on a 270M model than the weights take
to stream: masks and caches rebuilt by generic code, hundreds of small modules and hooks
(docs/benchmarks.md measured 10-16 ms per token with every matrix product stubbed out). This
module runs the same arithmetic as ``Gemma3ForCausalLM`` with a preallocated KV cache, two
masks per step, siblings (q/k/v, gate/up) in one product, and only the last position's logits.
It reads the model's modules (float32 ``nn.Linear`` or ``llm_services.quantization``'s
``Int8Linear``, fine-tuned or not), so every weight format the backend loads decodes here.

``tests/llm_services/test_decoding.py`` checks it against transformers on a random Gemma 3
(left padding, sliding window, sampling processors) token for token.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from llm_services.prefix_cache import PrefixCache
from llm_services.quantization import NATIVE, Int8Linear

SUPPORTED_MODEL_TYPES = ("gemma3_text",)
SUPPORTED_ACTIVATIONS = {"gelu_pytorch_tanh": "tanh"}

StopCheck = Callable[[torch.Tensor], Sequence[bool]]


def unsupported_reason(model: nn.Module) -> str | None:
    """Why ``Gemma3Decoder`` cannot run ``model``, or None when it can."""
    config = getattr(model, "config", None)
    if config is None or getattr(config, "model_type", None) not in SUPPORTED_MODEL_TYPES:
        return f"model type {getattr(config, 'model_type', None)!r} is not Gemma 3 text"
    if getattr(config, "hidden_activation", None) not in SUPPORTED_ACTIVATIONS:
        return f"activation {config.hidden_activation!r}"
    if getattr(config, "attn_logit_softcapping", None) is not None:
        return "attention logit soft-capping"
    if getattr(config, "use_bidirectional_attention", False):
        return "bidirectional attention"
    if model.dtype != torch.float32:
        return f"dtype {model.dtype}"
    return None


def _siblings(modules: list[nn.Module]) -> Callable[[torch.Tensor], Sequence[torch.Tensor]]:
    """One call computing every module of ``modules`` (fed the same input) at once.

    ``Int8Linear`` rows of one shared int8 kernel (llm_services.quantization packs q/k/v and
    gate/up) are one product; anything else (float32 ``nn.Linear``) is called one by one.
    """
    if _whole_kernel(modules):
        kernel = modules[0].kernel
        sizes = [m.out_features for m in modules]
        return lambda x: kernel(x).split(sizes, dim=-1)
    return lambda x: [m(x) for m in modules]


def _whole_kernel(modules: list[nn.Module]) -> bool:
    """Whether ``modules`` are, in order, all the rows of one shared int8 kernel."""
    if not all(isinstance(m, Int8Linear) for m in modules):
        return False
    kernel = modules[0].kernel
    return (
        all(m.kernel is kernel for m in modules)
        and modules[0].start == 0
        and all(a.stop == b.start for a, b in zip(modules, modules[1:], strict=False))
        and modules[-1].stop == kernel.out_features
    )


def _native_matrix(modules: list[nn.Module]) -> Any:
    """The decode.c matrix computing ``modules`` (fed the same input) in one product, or None.

    int8: the shared kernel they are rows of, when it runs natively. float32 ``nn.Linear``:
    their weights concatenated once, the modules' weights becoming views of the result, so
    no memory is duplicated.
    """
    from llm_services.kernels import Matrix

    if any(isinstance(m, Int8Linear) for m in modules):
        kernel = modules[0].kernel
        return kernel.matrix if _whole_kernel(modules) and kernel.mode == NATIVE else None
    if not all(type(m) is nn.Linear and m.weight.dtype == torch.float32 for m in modules):
        return None
    with torch.no_grad():
        if len(modules) == 1:
            weight = modules[0].weight.data.contiguous()
            modules[0].weight.data = weight
        else:
            weight = torch.cat([m.weight.data for m in modules]).contiguous()
            start = 0
            for m in modules:
                m.weight.data = weight[start : start + m.out_features]
                start += m.out_features
        biases = [m.bias for m in modules]
        bias = None
        if any(b is not None for b in biases):
            bias = torch.cat(
                [
                    torch.zeros(m.out_features) if m.bias is None else m.bias.detach().float()
                    for m in modules
                ]
            )
    matrix = Matrix.of(weight, None, bias)
    return matrix if matrix.accepts() else None


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Gemma3Decoder:
    """Greedy or sampled generation for a loaded ``Gemma3ForCausalLM`` (float32 or int8).

    With ``kernels`` (``llm_services.kernels.NativeKernels``), decode steps of up to 8 rows
    run each layer in one native call; prefill (many columns at once) runs on torch. A single
    prompt reuses the keys and values of the longest beginning it shares with a recent one
    (``prefixes``, a ``PrefixCache``; None turns it off).
    """

    def __init__(
        self, model: nn.Module, kernels: Any = None, prefixes: PrefixCache | None = None
    ) -> None:
        reason = unsupported_reason(model)
        if reason:
            raise ValueError(f"Gemma3Decoder cannot run this model: {reason}")
        config = model.config
        inner = model.model
        self.model = model
        self.embed = model.get_input_embeddings()
        self.head = model.get_output_embeddings()
        self.rotary = inner.rotary_emb
        self.layer_types = list(config.layer_types)
        self.window = int(config.sliding_window or 0)
        self.heads = int(config.num_attention_heads)
        self.kv_heads = int(config.num_key_value_heads)
        self.head_dim = int(config.head_dim)
        self.hidden = int(config.hidden_size)
        self.eps = float(config.rms_norm_eps)
        self.scaling = float(config.query_pre_attn_scalar) ** -0.5
        self.softcap = config.final_logit_softcapping
        self.approximate = SUPPORTED_ACTIVATIONS[config.hidden_activation]
        with torch.no_grad():
            # Gemma's RMSNorm multiplies by (1 + weight); folding the 1 in once saves an add
            # per norm per step.
            self.final_norm = (1.0 + inner.norm.weight.detach().float()).contiguous()
            self.layers = []
            for layer in inner.layers:
                attention, mlp = layer.self_attn, layer.mlp
                self.layers.append(
                    {
                        "kind": config.layer_types[len(self.layers)],
                        "input_norm": 1.0 + layer.input_layernorm.weight.detach().float(),
                        "qkv": _siblings([attention.q_proj, attention.k_proj, attention.v_proj]),
                        "q_norm": 1.0 + attention.q_norm.weight.detach().float(),
                        "k_norm": 1.0 + attention.k_norm.weight.detach().float(),
                        "o_proj": attention.o_proj,
                        "post_attention_norm": 1.0
                        + layer.post_attention_layernorm.weight.detach().float(),
                        "pre_feedforward_norm": 1.0
                        + layer.pre_feedforward_layernorm.weight.detach().float(),
                        "gate_up": _siblings([mlp.gate_proj, mlp.up_proj]),
                        "down_proj": mlp.down_proj,
                        "post_feedforward_norm": 1.0
                        + layer.post_feedforward_layernorm.weight.detach().float(),
                    }
                )
        self.kernels = kernels
        self.native_layers = self._native_layers(model) if kernels is not None else None
        self.prefixes = prefixes

    def _native_layers(self, model: nn.Module) -> list[Any] | None:
        """decode.c's description of every layer, or None if one has a format it lacks."""
        from llm_services.kernels import LAYER_NORMS, Layer

        layers = []
        for weights, layer in zip(self.layers, model.model.layers, strict=True):
            attention, mlp = layer.self_attn, layer.mlp
            matrices = {
                "qkv": _native_matrix([attention.q_proj, attention.k_proj, attention.v_proj]),
                "o": _native_matrix([attention.o_proj]),
                "gate_up": _native_matrix([mlp.gate_proj, mlp.up_proj]),
                "down": _native_matrix([mlp.down_proj]),
            }
            if any(m is None for m in matrices.values()):
                return None
            norms = {name: weights[name].contiguous() for name in LAYER_NORMS}
            native = Layer(
                **matrices,
                **{name: tensor.data_ptr() for name, tensor in norms.items()},
                hidden=self.hidden,
                heads=self.heads,
                kv_heads=self.kv_heads,
                head_dim=self.head_dim,
                intermediate=int(mlp.down_proj.in_features),
                window=self.window if weights["kind"] == "sliding_attention" else 0,
                eps=self.eps,
                scaling=self.scaling,
            )
            native.tensors = (matrices, norms)
            layers.append(native)
        return layers

    def _norm(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        # Spelled out: torch's fused rms_norm on the CPU dispatches twice as many ops.
        return x * torch.rsqrt(x.square().mean(-1, keepdim=True).add_(self.eps)) * weight

    def rope_tables(self, length: int) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
        """cos/sin of every position below ``length`` for each layer type, computed once."""
        positions = torch.arange(length)[None, :]
        probe = torch.empty(1, dtype=torch.float32)
        return {kind: self.rotary(probe, positions, kind) for kind in set(self.layer_types)}

    def _attend(
        self, q: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, mask: torch.Tensor
    ) -> torch.Tensor:
        if q.shape[2] > 8:
            return F.scaled_dot_product_attention(
                q,
                keys,
                values,
                attn_mask=mask,
                scale=self.scaling,
                enable_gqa=self.kv_heads != self.heads,
            )
        # A few query rows (decoding): torch's flash kernel costs ~180 us a call to set up,
        # four plain ops cost a tenth of that.
        batch, heads, width, dim = q.shape
        group = heads // self.kv_heads
        q = q.reshape(batch, self.kv_heads, group * width, dim)
        scores = torch.matmul(q, keys.transpose(-1, -2)).mul_(self.scaling)
        scores = scores.view(batch, self.kv_heads, group, width, -1)
        scores = scores.masked_fill_(~mask[:, :, None], float("-inf")).softmax(dim=-1)
        out = torch.matmul(scores.view(batch, self.kv_heads, group * width, -1), values)
        return out.view(batch, heads, width, dim)

    def forward(
        self,
        ids: torch.Tensor,
        pads: torch.Tensor,
        start: int,
        cache: list[tuple[torch.Tensor, torch.Tensor]],
        rope: dict[str, tuple[torch.Tensor, torch.Tensor]],
    ) -> torch.Tensor:
        """Run columns ``start .. start + T`` of left-padded rows; the last column's logits.

        ``pads[b]``: row b's padding columns (its tokens start there). Keys and values of the
        new columns are written into ``cache``, whose tensors hold every column so far;
        ``rope`` is ``rope_tables()`` of at least every position in use.
        """
        batch, width = ids.shape
        if (
            width == 1
            and self.native_layers is not None
            and batch <= self.kernels.max_rows
            and "native" in rope
        ):
            return self._native_step(ids, pads, start, cache, rope["native"])
        end = start + width
        columns = torch.arange(start, end)
        key_columns = torch.arange(end)
        positions = columns[None, :] - pads[:, None]
        # transformers gives padding positions 1; they attend to nothing anyone reads.
        positions = positions.masked_fill(positions < 0, 1)
        allowed = (key_columns[None, None, :] >= pads[:, None, None]) & (
            key_columns[None, :] <= columns[:, None]
        )
        # A padding column sees itself, so no row of the softmax is empty (NaN).
        allowed |= key_columns[None, :] == columns[:, None]
        masks = {"full_attention": allowed[:, None]}
        if "sliding_attention" in self.layer_types:
            near = (columns[:, None] - key_columns[None, :]) < self.window
            masks["sliding_attention"] = (allowed & near)[:, None]
        x = self.embed(ids)
        rotations = {
            kind: (rope[kind][0][0][positions][:, None], rope[kind][1][0][positions][:, None])
            for kind in set(self.layer_types)
        }
        for index, weights in enumerate(self.layers):
            kind = self.layer_types[index]
            h = self._norm(x, weights["input_norm"])
            q, k, v = weights["qkv"](h)
            q = self._norm(q.view(batch, width, self.heads, self.head_dim), weights["q_norm"])
            k = self._norm(k.view(batch, width, self.kv_heads, self.head_dim), weights["k_norm"])
            q, k = q.transpose(1, 2), k.transpose(1, 2)
            cos, sin = rotations[kind]
            q = q * cos + _rotate_half(q) * sin
            k = k * cos + _rotate_half(k) * sin
            keys, values = cache[index]
            keys[:, :, start:end] = k
            values[:, :, start:end] = v.view(batch, width, self.kv_heads, self.head_dim).transpose(
                1, 2
            )
            attended = self._attend(q, keys[:, :, :end], values[:, :, :end], masks[kind])
            attended = attended.transpose(1, 2).reshape(batch, width, self.heads * self.head_dim)
            x = x + self._norm(weights["o_proj"](attended), weights["post_attention_norm"])
            h = self._norm(x, weights["pre_feedforward_norm"])
            gate, up = weights["gate_up"](h)
            down = weights["down_proj"](F.gelu(gate, approximate=self.approximate) * up)
            x = x + self._norm(down, weights["post_feedforward_norm"])
        return self._logits(x[:, -1])

    def _native_step(
        self,
        ids: torch.Tensor,
        pads: torch.Tensor,
        column: int,
        cache: list[tuple[torch.Tensor, torch.Tensor]],
        scratch: torch.Tensor,
    ) -> torch.Tensor:
        import ctypes

        batch = ids.shape[0]
        x = self.embed(ids)[:, 0].contiguous()
        positions = (column - pads).contiguous()
        capacity = cache[0][0].shape[2]
        library = self.kernels.library
        with self.kernels.lock:
            for layer, (keys, values) in zip(self.native_layers, cache, strict=True):
                status = library.gemma3_layer(
                    ctypes.byref(layer),
                    x.data_ptr(),
                    batch,
                    keys.data_ptr(),
                    values.data_ptr(),
                    capacity,
                    column,
                    pads.data_ptr(),
                    positions.data_ptr(),
                    scratch.data_ptr(),
                )
                if status != 0:
                    raise RuntimeError("decode.c refused a Gemma 3 layer (shapes out of range)")
        return self._logits(x)

    def _logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """Next-token logits of one hidden state per row: final norm, LM head, soft-cap."""
        logits = self.head(self._norm(hidden, self.final_norm))
        if self.softcap is not None:
            logits = torch.tanh(logits / self.softcap) * self.softcap
        return logits

    def _prepare_native(self, rope: dict[str, Any], batch: int, capacity: int) -> dict[str, Any]:
        """Point every native layer at this call's rope tables; scratch for decode.c."""
        if self.native_layers is None or batch > self.kernels.max_rows:
            return rope
        tables = {
            kind: (cos[0].contiguous(), sin[0].contiguous()) for kind, (cos, sin) in rope.items()
        }
        for layer, weights in zip(self.native_layers, self.layers, strict=True):
            cos, sin = tables[weights["kind"]]
            layer.cos, layer.sin = cos.data_ptr(), sin.data_ptr()
        widest = max(self.hidden, max(layer.down.k for layer in self.native_layers))
        qkv = self.native_layers[0].qkv.n
        intermediate = max(layer.intermediate for layer in self.native_layers)
        floats = (
            batch * (2 * self.hidden + qkv + self.heads * self.head_dim + 3 * intermediate)
            + capacity
            + batch
            + batch * (widest // 2 + 1)
            + 64
        )
        return {**rope, "native": torch.empty(floats), "native_tables": tables}

    def generate(
        self,
        prompts: Sequence[Sequence[int]],
        *,
        max_new_tokens: int,
        pad_id: int,
        processors: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
        sample: bool = False,
        stop: StopCheck | None = None,
        streamer: Any = None,
    ) -> torch.Tensor:
        """Prompt and generated ids of every row, left-padded: ``(rows, width + generated)``.

        ``processors`` (transformers' logits processors) see every row's ids so far and the
        next-token scores; ``stop`` gets the ids so far after each step and says which rows
        have finished. Finished rows continue with ``pad_id`` until all have finished or
        ``max_new_tokens`` are made. ``streamer`` gets ``put(prompt ids)``, then
        ``put(next ids)`` per step, then ``end()``, as transformers' streamers do.
        """
        batch = len(prompts)
        width = max(len(p) for p in prompts)
        total = width + max_new_tokens
        ids = torch.full((batch, total), pad_id, dtype=torch.long)
        for row, prompt in enumerate(prompts):
            ids[row, width - len(prompt) : width] = torch.tensor(list(prompt), dtype=torch.long)
        pads = torch.tensor([width - len(p) for p in prompts], dtype=torch.long)
        cache = [
            (
                torch.zeros(batch, self.kv_heads, total, self.head_dim),
                torch.zeros(batch, self.kv_heads, total, self.head_dim),
            )
            for _ in self.layers
        ]
        rope = self._prepare_native(self.rope_tables(total), batch, total)
        if streamer is not None:
            streamer.put(ids[:, :width])
        # Batches are left-padded, so a shared beginning sits in different columns: only a
        # prompt on its own reuses (interactive calls such as a chat answer).
        reuse = self.prefixes if batch == 1 else None
        reused = 0
        if reuse is not None:
            reused, stored = reuse.lookup(prompts[0])
            if stored is not None:
                for (keys, values), (old_keys, old_values) in zip(cache, stored, strict=True):
                    keys[:, :, :reused] = old_keys[:, :, :reused]
                    values[:, :, :reused] = old_values[:, :, :reused]
        with torch.inference_mode():
            logits = self.forward(ids[:, reused:width], pads, reused, cache, rope)
            if reuse is not None:
                reuse.store(prompts[0], cache)

            def advance(active: torch.Tensor, keep: torch.Tensor | None, length: int) -> Any:
                nonlocal pads, cache
                if keep is not None:
                    pads, cache = pads[keep], [(k[keep], v[keep]) for k, v in cache]
                column = length - 1
                return self.forward(ids[active, column:length], pads, column, cache, rope)

            length = decode_steps(
                ids,
                width,
                logits,
                advance,
                pad_id=pad_id,
                processors=processors,
                sample=sample,
                stop=stop,
                streamer=streamer,
            )
        if streamer is not None:
            streamer.end()
        return ids[:, :length]


# advance(active rows, the rows kept of the previous active ones or None, length) -> the
# next-token logits of the active rows, the token at column length - 1 fed.
Advance = Callable[[torch.Tensor, "torch.Tensor | None", int], torch.Tensor]


def decode_steps(
    ids: torch.Tensor,
    width: int,
    logits: torch.Tensor,
    advance: Advance,
    *,
    pad_id: int,
    processors: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    sample: bool = False,
    stop: StopCheck | None = None,
    streamer: Any = None,
) -> int:
    """The steps after prefill, shared by ``Gemma3Decoder`` and ``onnx_decoding.OnnxDecoder``:
    fill ``ids`` (rows, total), prompts in the columns before ``width``, from the prefill's
    ``logits``; returns the length filled. ``advance`` runs one step of the caller's model.

    Rows that finish leave the batch once a quarter of the active ones have (a step costs
    about in proportion to its rows); ``advance`` is told which stay (``keep``) and drops them
    from its cache. Processors keep state per row of the whole batch, so they see all rows.
    """
    batch, total = ids.shape
    unfinished = torch.ones(batch, dtype=torch.bool)
    active = torch.arange(batch)
    length = width
    while length < total:
        if processors is not None:
            if len(active) < batch:
                everyone = logits.new_zeros(batch, logits.shape[1])
                everyone[active] = logits
                logits = processors(ids[:, :length], everyone)[active]
            else:
                logits = processors(ids[:, :length], logits)
        if sample:
            picked = torch.multinomial(F.softmax(logits, dim=-1), num_samples=1)[:, 0]
        else:
            picked = logits.argmax(dim=-1)
        chosen = torch.full((batch,), pad_id, dtype=torch.long)
        chosen[active] = picked
        chosen = torch.where(unfinished, chosen, torch.full_like(chosen, pad_id))
        ids[:, length] = chosen
        length += 1
        if streamer is not None:
            streamer.put(chosen)
        if stop is not None:
            unfinished &= ~torch.tensor(list(stop(ids[:, :length])), dtype=torch.bool)
        if not bool(unfinished.any()) or length == total:
            break
        keep = None
        done = int((~unfinished[active]).sum())
        if done and done >= len(active) // 4:
            keep = unfinished[active].nonzero()[:, 0]
            active = active[keep]
        logits = advance(active, keep, length)
    return length
