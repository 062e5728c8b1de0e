import pytest

from demo.reader import demo_content


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    """The demo writes var/demo-accounts.txt; tests keep it in their own folder."""
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@pytest.fixture
def content_dir(monkeypatch):
    """Point the demo at another content folder (a broken copy); the cache forgets it after."""

    def use(directory):
        monkeypatch.setattr("demo.reader.CONTENT_DIR", directory)
        demo_content.cache_clear()

    yield use
    demo_content.cache_clear()
