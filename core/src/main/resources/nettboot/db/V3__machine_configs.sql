-- nett-boot inventory schema, version 3: Talos machine configs and their per-boot capability tokens.
-- Portable SQL (SQLite and PostgreSQL); timestamps are epoch milliseconds.

CREATE TABLE machine_configs (
  machine_key TEXT PRIMARY KEY REFERENCES machines (key),
  body        TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  updated_at  BIGINT NOT NULL
);

-- Only the SHA-256 of a token is stored: a database dump does not hand out configs.
CREATE TABLE config_tokens (
  token_hash  TEXT PRIMARY KEY,
  machine_key TEXT NOT NULL REFERENCES machines (key),
  tenant      TEXT NOT NULL,
  boot_id     TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL
);

CREATE INDEX config_tokens_machine ON config_tokens (machine_key);
CREATE INDEX config_tokens_expiry ON config_tokens (expires_at);
