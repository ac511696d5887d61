"""Alembic's environment for the SQL store: run by ``tenfold store init URL`` (see
:func:`toolkit.stores.migrate.upgrade`), which hands it an open connection."""

from __future__ import annotations

from alembic import context

from toolkit.stores.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "the Tenfold store's migrations run through `tenfold store init URL`, not the alembic "
        "command"
    )
context.configure(connection=connection, target_metadata=metadata, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
