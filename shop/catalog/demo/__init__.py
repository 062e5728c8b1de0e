"""The deterministic bilingual demo shop loaded by ``manage.py load_demo_shop``.

``schema`` and the ``content_*`` modules hold the invented catalog (categories, attributes,
brands, copy pools), ``products`` turns them into product specs, ``customers`` writes customers
with coherent histories, and ``loader`` writes everything to the database in atomic chunks.
"""
