-- nett-boot inventory schema, version 5: the readiness probe's write.
-- Every replica commits its row about once a second; /readyz is ready only while that commit
-- succeeds within its deadline. Rows of replicas gone for an hour are deleted by the others.

CREATE TABLE replica_heartbeats (
    replica TEXT PRIMARY KEY,
    beat_at BIGINT NOT NULL
);
