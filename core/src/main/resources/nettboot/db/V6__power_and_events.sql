-- nett-boot inventory schema, version 6: BMCs, per-tenant boot settings, the event feed and
-- idempotent admin requests.

-- A machine's BMC: base URL, pinned certificate (PEM), user and a reference to the password
-- (file:/path or env:NAME); the password itself is never stored.
CREATE TABLE machine_bmcs (
  machine_key TEXT PRIMARY KEY REFERENCES machines (key),
  url         TEXT NOT NULL,
  certificate TEXT NOT NULL,
  bmc_user    TEXT NOT NULL,
  credential  TEXT NOT NULL,
  updated_at  BIGINT NOT NULL
);

-- Per tenant: the profile Maintenance boots, the profile Decommission boots once, and the
-- virtual-media URL a power cycle mounts.
CREATE TABLE tenant_settings (
  tenant         TEXT PRIMARY KEY,
  rescue_profile TEXT,
  erase_profile  TEXT,
  media_url      TEXT,
  updated_at     BIGINT NOT NULL
);

-- Every history row in commit order: id is gap-free and increasing (assigned under the write
-- lock), so a follower resumes with "after the last id I saw".
CREATE TABLE events (
  id          BIGINT PRIMARY KEY,
  machine_key TEXT NOT NULL,
  version     BIGINT NOT NULL,
  tenant      TEXT NOT NULL
);

CREATE INDEX events_tenant ON events (tenant, id);

INSERT INTO events (id, machine_key, version, tenant)
  SELECT ROW_NUMBER() OVER (ORDER BY h.at, h.machine_key, h.version), h.machine_key, h.version,
         m.tenant
  FROM history h JOIN machines m ON m.key = h.machine_key;

-- Answers to admin requests sent with an Idempotency-Key, replayed for a retry.
CREATE TABLE idempotent_requests (
  subject        TEXT NOT NULL,
  request_key    TEXT NOT NULL,
  request_sha256 TEXT NOT NULL,
  status         INTEGER NOT NULL,
  body           TEXT NOT NULL,
  at             BIGINT NOT NULL,
  PRIMARY KEY (subject, request_key)
);
