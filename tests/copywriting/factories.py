"""Product facts for the checks' tests, without a database."""

from copywriting.prompts import ProductFacts, build_facts


def tee_facts(**overrides) -> ProductFacts:
    values = {
        "product_id": 1,
        "language": "en",
        "category_id": 1,
        "title": "Everyday Crew Tee",
        "brand": "Northwind",
        "category": "Tees",
        "attributes": [
            ("color", "Colour", "Navy"),
            ("material", "Material", "Copper"),
            ("size", "Size", "M"),
        ],
        "highlights": [],
        "raw_attributes": {"color": "navy", "material": "copper", "size": "m"},
    }
    values.update(overrides)
    return build_facts(**values)
