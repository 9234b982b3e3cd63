"""The audit chain's tables: append-only events, the chain head, and purge checkpoints."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, DateTime, LargeBinary, String, Text
from sqlmodel import Field, SQLModel

GENESIS_HASH = "0" * 64


class AuditEventRow(SQLModel, table=True):
    """One immutable entry: a record's opening, its closing, or a read of its bodies.

    `body`, `wrapped_key` and `wrap_key_id` are outside the chain's hash (the chain covers the
    ciphertext's digest) so that purge can shred a body and `rotate-key --rewrap` can re-wrap
    its data key without breaking the chain.
    """

    __tablename__ = "audit_events"

    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    request_id: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    recorded_at: dt.datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )
    payload: str = Field(sa_column=Column(Text, nullable=False))
    chain_key_id: str = Field(sa_column=Column(String(32), nullable=False))
    body_digest: str = Field(sa_column=Column(String(64), nullable=False))
    wrap_key_id: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    wrapped_key: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    body: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    shredded_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    prev_hash: str = Field(sa_column=Column(String(64), nullable=False))
    # Not indexed: only `verify` looks an entry up by its hash, to explain a break it found.
    hash: str = Field(sa_column=Column(String(64), nullable=False))


class AuditChainHeadRow(SQLModel, table=True):
    """The newest entry; its row lock (PostgreSQL) serialises appends across replicas."""

    __tablename__ = "audit_chain_head"

    id: int = Field(primary_key=True)
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))


class AuditCheckpointRow(SQLModel, table=True):
    """Left by purge: the last deleted entry's hash, signed, where verification resumes."""

    __tablename__ = "audit_checkpoints"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: str = Field(sa_column=Column(String(40), nullable=False))
    key_id: str = Field(sa_column=Column(String(32), nullable=False))
    mac: str = Field(sa_column=Column(String(64), nullable=False))
