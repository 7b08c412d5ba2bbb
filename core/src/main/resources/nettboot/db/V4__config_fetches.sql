-- nett-boot inventory schema, version 4: where each config token was redeemed.
-- Talos's events sink (gRPC, no client identity) is attributed to a machine by the source address
-- that fetched that machine's config with a valid per-boot token.

ALTER TABLE config_tokens ADD COLUMN fetched_from TEXT;
ALTER TABLE config_tokens ADD COLUMN fetched_at BIGINT;
ALTER TABLE config_tokens ADD COLUMN fetched_id TEXT;

CREATE INDEX config_tokens_fetched_from ON config_tokens (fetched_from);
