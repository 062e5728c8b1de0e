"""Template slots: places on the shop's pages that higher apps fill without shop knowing them.

The shop's templates write ``{% slot "product_description_after" %}``; an app registers a
template for that slot from its ``AppConfig.ready()``::

    register_slot("product_description_after", "copywriting/_ai_assisted_slot.html")

and the tag renders every registered template with the page's context (plus any keyword
arguments the tag passes). A slot nobody fills renders nothing, so the shop works with any of
the higher apps removed.

Slots offered today:

- ``product_description_after``: under the product page's description (``product``, ``card``).
- ``product_recommendations``: below the product page (``product``, ``card``).
- ``product_reviews_summary``: at the top of the product page's reviews, under their heading
  (``product_id``, ``product``); rendered per request outside the cached product body, so a
  template registered here must read only what is stored (one query at most).
- ``home_recommendations``: on the home page, above the new arrivals.
- ``cart_recommendations``: under the cart's lines (``cart``).
- ``product_reviews_after``: under the product page's list of reviews (``product``, ``card``);
  rendered once per page, not per review (each review's ``<li>`` carries ``lang`` and
  ``data-review-id`` for a script to work on).
- ``search_results_after``: under a page of search results (``result``).
- ``catalog_import_status_after``: on the admin's catalog import status page (``job``, the
  ``CatalogImport``).
- ``page_end``: the end of every storefront page (support chat's help widget).

A grid that adds something to each card names its template in ``card_after_template`` instead
(a slot tag per card would cost a template render per card on every listing).
"""

from __future__ import annotations

from collections import defaultdict

_slots: defaultdict[str, list[str]] = defaultdict(list)


def register_slot(name: str, template_name: str) -> None:
    """Render ``template_name`` in slot ``name`` (registering it twice keeps one)."""
    if template_name not in _slots[name]:
        _slots[name].append(template_name)


def unregister_slot(name: str, template_name: str) -> None:
    """Remove a registration (tests)."""
    if template_name in _slots.get(name, []):
        _slots[name].remove(template_name)


def slot_templates(name: str) -> tuple[str, ...]:
    """The templates registered for ``name``, in registration order."""
    return tuple(_slots.get(name, ()))
