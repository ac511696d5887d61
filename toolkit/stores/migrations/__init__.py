"""The SQL store's Alembic migrations: env.py and versions/ (run by ``tenfold store init``)."""
