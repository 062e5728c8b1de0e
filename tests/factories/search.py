import factory

from search.models import BlockedSuggestion, SearchLog


class SearchLogFactory(factory.django.DjangoModelFactory):
    """A logged first-page search that found something, by one browser session."""

    class Meta:
        model = SearchLog

    query = "running shoe"
    normalized = factory.LazyAttribute(lambda log: " ".join(log.query.casefold().split()))
    language = "en"
    result_count = 3
    latency_ms = 12.0
    mode = "hybrid"
    session_key = factory.Sequence(lambda n: f"session-{n:032d}"[-32:])


class BlockedSuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlockedSuggestion

    term = "cheap pills"
