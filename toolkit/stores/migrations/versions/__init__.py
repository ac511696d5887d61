"""Alembic revisions of the SQL store's schema, oldest first."""
