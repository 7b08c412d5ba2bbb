-- nett-boot inventory schema, version 6: revoked client certificates, by serial (lower-case hex).
-- Every replica keeps the whole list in memory and refuses these serials on its mTLS listeners;
-- on PostgreSQL a new row is announced on the nettboot_revocations channel.

CREATE TABLE revocations (
    serial TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    reason TEXT NOT NULL,
    revoked_at BIGINT NOT NULL,
    actor TEXT NOT NULL
);
