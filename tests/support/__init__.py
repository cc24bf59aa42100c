"""Test support shared across test packages: fixtures for outside services (S3 via moto)."""
