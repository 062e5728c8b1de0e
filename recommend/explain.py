"""Explanations true to the source that put an item in a list, in the visitor's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

# Sources a list item can come from (the models of recommend.algorithms, plus merchant pins).
POPULARITY = "popularity"
ITEM_KNN = "item_knn"
TRANSITIONS = "transitions"
CONTENT = "content"
BOUGHT = "bought"
SASREC = "sasrec"
PINNED = "pinned"
SEARCHED = "searched"


def reason_for(
    source: str,
    *,
    anchor_title: str = "",
    category_name: str = "",
    from_history: bool = False,
    query: str = "",
) -> str:
    """The sentence shown under a recommended product, e.g. "Often bought with Trail Socks".

    ``from_history``: the anchor is a product the visitor looked at (home, search), not the
    page's own product, so co-viewing reads "Because you viewed …". ``query``: the visitor's
    search that found it (source SEARCHED).
    """
    if source == PINNED:
        return _("Picked by our team")
    if source == SEARCHED and query:
        return _("Because you searched “%(query)s”") % {"query": query}
    if source == POPULARITY:
        if category_name:
            return _("Popular in %(category)s this week") % {"category": category_name}
        return _("Popular this week")
    if not anchor_title:
        return _("Picked for you")
    if source == BOUGHT:
        return _("Often bought with %(title)s") % {"title": anchor_title}
    if source == CONTENT:
        return _("Similar to %(title)s") % {"title": anchor_title}
    if source in (ITEM_KNN, TRANSITIONS) and not from_history:
        return _("Often viewed with %(title)s") % {"title": anchor_title}
    # transitions, sasrec and the blend's history-based picks: what the visitor looked at.
    return _("Because you viewed %(title)s") % {"title": anchor_title}
