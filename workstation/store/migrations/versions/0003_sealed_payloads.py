"""sealed payloads: records' payloads and PDFs encrypted under the store's key; purge columns

Every record's JSON payload becomes `sealed` (AES-GCM under the store's key from the OS
keyring, bound to the record's UUID; plain format 0 where the PC has no keyring) beside the
hall's content hash and the clear look-up keys (case number, PDF hash) that stay after a
purge; every PDF in document_blobs is sealed in place. The key's id is written in the same
transaction as the first value sealed with it. Re-runnable after an interruption.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

KEY_STATE = "store.key_id"

records = sa.table(
    'records', sa.column('uuid', sa.Uuid()), sa.column('kind', sa.String()),
    sa.column('created_at', sa.DateTime(timezone=True)), sa.column('payload', sa.JSON()),
    sa.column('sealed', sa.LargeBinary()), sa.column('content_sha256', sa.String()),
    sa.column('case_number', sa.String()), sa.column('sha256', sa.String()),
    sa.column('purged_at', sa.DateTime(timezone=True)))
blobs = sa.table('document_blobs', sa.column('sha256', sa.String()), sa.column('content', sa.LargeBinary()))
state = sa.table('sync_state', sa.column('key', sa.String()), sa.column('value', sa.Text()))


def _sealer():
    sealer = op.get_context().config.attributes.get("sealer") if op.get_context().config else None
    if sealer is None:
        from workstation.store.crypto import Sealer

        sealer = Sealer(None)
    return sealer


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def _lookup(payload: dict, field: str):
    value = payload.get(field)
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


def _content_sha256(kind: str, created_at, payload: dict) -> str:
    created_at = created_at.replace(tzinfo=UTC) if created_at.tzinfo is None else created_at.astimezone(UTC)
    canonical = json.dumps({"kind": kind, "created_at": created_at.isoformat(), "payload": payload},
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _drop_leftover() -> None:
    op.execute("DROP TABLE IF EXISTS _alembic_tmp_records")


def upgrade() -> None:
    bind = op.get_bind()
    sealer = _sealer()
    op.execute("PRAGMA secure_delete=ON")  # the plain payloads' pages are zeroed when freed
    _drop_leftover()
    if 'sealed' not in _columns('records'):
        with op.batch_alter_table('records', schema=None) as batch_op:
            batch_op.add_column(sa.Column('sealed', sa.LargeBinary(), nullable=True))
            batch_op.add_column(sa.Column('content_sha256', sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column('case_number', sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column('sha256', sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True))
    if sealer.encrypting:
        bind.execute(state.delete().where(state.c.key == KEY_STATE))
        bind.execute(state.insert().values(key=KEY_STATE, value=sealer.key_id))
    if 'payload' in _columns('records'):
        rows = bind.execute(sa.select(records.c.uuid, records.c.kind, records.c.created_at, records.c.payload)
                            .where(records.c.sealed.is_(None))).all()
        for row in rows:
            payload = row.payload if isinstance(row.payload, dict) else {}
            plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
            bind.execute(records.update().where(records.c.uuid == row.uuid).values(
                sealed=sealer.seal(plain, row.uuid.bytes), content_sha256=_content_sha256(row.kind, row.created_at,
                                                                                         payload),
                case_number=_lookup(payload, "case_number"), sha256=_lookup(payload, "sha256")))
        for row in bind.execute(sa.select(blobs.c.sha256, blobs.c.content)).all():
            content = bytes(row.content)
            if content[:1] not in (b"\x00", b"\x01"):  # a PDF starts with %PDF; else sealed by a run cut short
                bind.execute(blobs.update().where(blobs.c.sha256 == row.sha256).values(
                    content=sealer.seal(content, row.sha256.encode())))
        with op.batch_alter_table('records', schema=None) as batch_op:
            batch_op.alter_column('content_sha256', existing_type=sa.String(length=64), nullable=False)
            batch_op.drop_column('payload')
            batch_op.create_index(batch_op.f('ix_records_case_number'), ['case_number'], unique=False)
            batch_op.create_index(batch_op.f('ix_records_sha256'), ['sha256'], unique=False)


def downgrade() -> None:
    bind = op.get_bind()
    sealer = _sealer()
    _drop_leftover()
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))
    for row in bind.execute(sa.select(records.c.uuid, records.c.sealed)).all():
        # A purged record's payload is gone: the older schema gets an empty object.
        payload = json.loads(sealer.open(row.sealed, row.uuid.bytes)) if row.sealed is not None else {}
        bind.execute(records.update().where(records.c.uuid == row.uuid).values(payload=payload))
    for row in bind.execute(sa.select(blobs.c.sha256, blobs.c.content)).all():
        bind.execute(blobs.update().where(blobs.c.sha256 == row.sha256).values(
            content=sealer.open(row.content, row.sha256.encode())))
    bind.execute(state.delete().where(state.c.key == KEY_STATE))
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.alter_column('payload', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_index(batch_op.f('ix_records_sha256'))
        batch_op.drop_index(batch_op.f('ix_records_case_number'))
        batch_op.drop_column('purged_at')
        batch_op.drop_column('sha256')
        batch_op.drop_column('case_number')
        batch_op.drop_column('content_sha256')
        batch_op.drop_column('sealed')
