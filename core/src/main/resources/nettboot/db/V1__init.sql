-- nett-boot inventory schema, version 1.
-- The same SQL runs on SQLite and PostgreSQL: portable types only (TEXT, BIGINT, INTEGER),
-- timestamps are epoch milliseconds, enums are stored by their wire names.
-- Statements are separated by a semicolon at the end of a line.

CREATE TABLE profiles (
  name       TEXT PRIMARY KEY,
  tenant     TEXT NOT NULL,
  kernel     TEXT NOT NULL,
  initrd     TEXT NOT NULL,
  cmdline    TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE machines (
  key         TEXT PRIMARY KEY,
  uuid        TEXT UNIQUE,
  tenant      TEXT NOT NULL,
  role        TEXT NOT NULL,
  hostname    TEXT,
  profile     TEXT,
  state       TEXT NOT NULL,
  version     BIGINT NOT NULL,
  wipe_served INTEGER NOT NULL,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);

CREATE INDEX machines_tenant ON machines (tenant, created_at);

CREATE TABLE machine_macs (
  mac         TEXT PRIMARY KEY,
  machine_key TEXT NOT NULL REFERENCES machines (key),
  position    INTEGER NOT NULL
);

CREATE INDEX machine_macs_machine ON machine_macs (machine_key);

CREATE TABLE history (
  machine_key TEXT NOT NULL REFERENCES machines (key),
  version     BIGINT NOT NULL,
  from_state  TEXT,
  to_state    TEXT NOT NULL,
  actor       TEXT NOT NULL,
  reason      TEXT NOT NULL,
  at          BIGINT NOT NULL,
  PRIMARY KEY (machine_key, version)
);

CREATE TABLE artifacts (
  name       TEXT PRIMARY KEY,
  sha256     TEXT NOT NULL,
  size       BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
