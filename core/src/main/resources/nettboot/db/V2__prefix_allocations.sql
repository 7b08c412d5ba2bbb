-- nett-boot inventory schema, version 2: production prefixes carved from pools.
-- Same portable SQL on SQLite and PostgreSQL (see V1__init.sql).
-- A pool is a parent prefix carved into sub-prefixes of one length; sub-prefix number idx is
-- parent + idx * 2^(128 - length). An owner (a node) holds at most one sub-prefix per pool, and a
-- sub-prefix has at most one owner: both are primary/unique keys, the race guard for concurrent
-- allocations across processes and replicas.

CREATE TABLE prefix_pools (
  name       TEXT PRIMARY KEY,
  parent     TEXT NOT NULL,
  length     INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE prefix_allocations (
  pool         TEXT NOT NULL REFERENCES prefix_pools (name),
  owner        TEXT NOT NULL,
  idx          BIGINT NOT NULL,
  prefix       TEXT NOT NULL,
  static       INTEGER NOT NULL,
  allocated_at BIGINT NOT NULL,
  PRIMARY KEY (pool, owner),
  UNIQUE (pool, idx)
);
