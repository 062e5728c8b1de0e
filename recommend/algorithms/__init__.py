"""The recommender algorithms: pure numpy/scipy models behind one protocol (see base.py).

``popularity``, ``item_knn``, ``transitions``, ``content`` and ``sasrec`` (a wrapper over the
torch model in ``llm_services.training``) each score every item for a history; ``blend`` is the
served model, a LambdaRank ranker over their candidates that also names each item's source.
Importing this package loads neither torch nor LightGBM.
"""

from recommend.algorithms.base import Recommender, TrainData
from recommend.algorithms.blend import BlendRecommender
from recommend.algorithms.content import ContentRecommender
from recommend.algorithms.item_knn import ItemKNNRecommender
from recommend.algorithms.popularity import PopularityRecommender
from recommend.algorithms.sasrec import SASRecRecommender
from recommend.algorithms.transitions import TransitionRecommender

__all__ = [
    "BlendRecommender",
    "ContentRecommender",
    "ItemKNNRecommender",
    "PopularityRecommender",
    "Recommender",
    "SASRecRecommender",
    "TrainData",
    "TransitionRecommender",
]
