"""The bottom layer: plain helpers every app and ``llm_services`` may import; it imports none."""
