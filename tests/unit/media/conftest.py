"""Fixtures for the media tests.

The S3 fixtures live in ``tests.support.s3``; they are imported here until the root conftest
registers that module with ``pytest_plugins``.
"""

from tests.support.s3 import s3_bucket, s3_client, s3_server, s3_store  # noqa: F401
