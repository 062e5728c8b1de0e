"""Fine-tuning step time of the generator: the served training step against the plain one.

    .venv/bin/python bench/finetune_step.py [--model var/models/gemma-3-270m] [--steps 3]
        [--json]

A LoRA step (rank 8, every linear layer, AdamW) on batches shaped like the copywriting task's:
4 rows of a 150-token prompt and a 60-token description, labels on the description only.

- "plain": ``model(**batch).loss`` in float32, the vocabulary projection for every column
  (the training step before 2026-12-07);
- "label_columns": ``llm_services.training.generator._target_loss``, the projection only for the
  columns from the first label on, float32;
- "served": the same under bfloat16 autocast when the CPU has native bfloat16
  (``llm_services.cpu.native_bfloat16``), else the same as "label_columns".

The variants alternate, after one warm-up step each, so a busy spell slows all of them alike;
the figures are seconds per step and the ratio of "plain" to each. The same batches, the same
LoRA weights at the start of every variant's steps (one model, its adapters reset).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(ROOT / "var" / "models" / "gemma-3-270m"))
    parser.add_argument("--steps", type=int, default=3, help="Timed steps per variant.")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from llm_services.cpu import describe, native_bfloat16
    from llm_services.training.generator import IGNORE_INDEX, _target_loss

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32)
    model = get_peft_model(
        model, LoraConfig(r=8, target_modules="all-linear", bias="none", task_type="CAUSAL_LM")
    )
    start = {k: v.detach().clone() for k, v in model.state_dict().items() if "lora_" in k}
    parameters = [p for p in model.parameters() if p.requires_grad]
    prompt, target, rows = 150, 60, 4
    ids = torch.randint(10, 20000, (rows, prompt + target))
    labels = ids.clone()
    labels[:, :prompt] = IGNORE_INDEX
    batch = {"input_ids": ids, "labels": labels, "attention_mask": torch.ones_like(ids)}
    mixed = native_bfloat16()

    def plain() -> float:
        return model(**batch).loss

    def label_columns() -> float:
        return _target_loss(torch, model, batch)

    def served() -> float:
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=mixed):
            return _target_loss(torch, model, batch)

    variants = {"plain": plain, "label_columns": label_columns, "served": served}
    times: dict[str, list[float]] = {name: [] for name in variants}
    losses: dict[str, float] = {}
    for round_ in range(args.steps + 1):
        for name, loss_of in variants.items():
            model.load_state_dict(start, strict=False)
            optimizer = torch.optim.AdamW(parameters, lr=2e-4)
            began = time.perf_counter()
            loss = loss_of()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            elapsed = time.perf_counter() - began
            losses[name] = round(float(loss.detach()), 4)
            if round_:
                times[name].append(elapsed)
    seconds = {name: sum(t) / len(t) for name, t in times.items()}
    report = {
        "cpu": describe(),
        "native_bfloat16": mixed,
        "threads": args.threads,
        "batch": f"{rows} x ({prompt} prompt + {target} target) tokens",
        "seconds_per_step": {k: round(v, 2) for k, v in seconds.items()},
        "speedup_over_plain": {k: round(seconds["plain"] / v, 2) for k, v in seconds.items()},
        "first_step_loss": losses,
    }
    if args.json:
        print(json.dumps(report))
        return
    for name in variants:
        print(
            f"{name:<14} {seconds[name]:6.2f} s/step  x{report['speedup_over_plain'][name]:.2f}"
            f"  loss {losses[name]}"
        )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
