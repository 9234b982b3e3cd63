"""Persistence: one SQLAlchemy engine, schema owned by Alembic migrations."""
