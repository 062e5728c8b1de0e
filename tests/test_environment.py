import pytest
from django.db import connection

from tests.utils import skip_unless_available


@pytest.mark.postgres
@pytest.mark.django_db
def test_ci_runs_against_postgresql():
    """CI's database-dependent tests really exercise PostgreSQL, not a silent SQLite fallback."""
    skip_unless_available(
        connection.vendor == "postgresql",
        reason="DATABASE_URL is not PostgreSQL",
        required_by="REQUIRE_POSTGRES",
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 130000
