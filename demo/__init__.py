"""The demo shop: a deterministic bilingual catalog, customers and history for development.

A development-only app: ``manage.py load_demo_shop`` writes the demo data, generated from the
content files in ``demo/content/`` (YAML, with explicit ``en``/``zh`` text) by ``products``,
``product_copy`` and ``customers``; ``reader`` reads and checks the files and ``loader``
writes everything to the database in atomic chunks. The shop itself knows nothing of it.
"""
