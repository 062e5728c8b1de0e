"""Load the active recommender before the first request.

``config.readiness`` calls ``warm_recommender`` when a web process starts: the version's
neighbour lists and the served model (the blend, with SASRec's weights) are read from disk
and one history is scored, so the first shopper's page costs what every later one does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from recommend.artifacts import active_recommender


def warm_recommender() -> dict[str, Any]:
    """``ok`` is True with no active version too: the pages then show no list, by design."""
    served = active_recommender()
    if served is None:
        return {"ok": True, "version": None}
    model = served.served_model()
    if model is not None and len(served.product_ids):
        with served.single_threaded():
            model.score([np.array([0], dtype=np.int64)])
    return {
        "ok": model is not None,
        "version": served.name,
        "served_model": served.served_name,
        "degraded": served.degraded or None,
    }
