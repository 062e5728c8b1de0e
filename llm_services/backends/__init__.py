"""Swappable model backends, chosen per alias by LLM_MODELS["<alias>"]["BACKEND"].

- ``local_embed.SentenceTransformerEmbedder`` and ``local_generate.CausalLMGenerator`` run
  models in-process (torch on CPU); ``local`` holds what they share.
- ``openai_compat.OpenAICompatEmbedder`` / ``OpenAICompatGenerator`` call an OpenAI-compatible
  HTTP server.
- ``fake`` holds deterministic test doubles for unit tests of callers; never a default.

Backend modules import torch and transformers only when a model is loaded, so importing one (as
the system checks do) stays cheap.
"""
