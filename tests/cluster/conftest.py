"""The cluster tests run on a PostgreSQL database of their own, whatever the suite uses:
several processes share it as production does."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from databases import fresh_database

CLUSTER_POSTGRES_URL = os.environ.get("CLUSTER_POSTGRES_URL",
                                      "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh PostgreSQL database for the cluster (overrides the suite's)."""
    with fresh_database(tmp_path_factory.mktemp("cluster_db"), CLUSTER_POSTGRES_URL) as url:
        yield url
