-- A request with an idempotency key being answered is claimed in a
-- MEMORY table: on the database node of the connection answering it
-- only (Galera replicates no MEMORY table), and gone with that node.  A
-- replicated row (idempotency_keys) is written only with the request's
-- own writes (state 1, in their transaction) and with its answer (state
-- 2): a keyed write costs the cluster no write of its own for the claim.
-- Every application host writes to the same node (db_nodes in the same
-- order), so a claim holds wherever the same request comes in again.
CREATE TABLE idempotency_claims (
	user_id BIGINT UNSIGNED NOT NULL,
	digest BINARY(32) NOT NULL,		-- SHA-256 of the key as sent
	request BINARY(32) NOT NULL,		-- SHA-256 of method, path, body
	conn_id BIGINT UNSIGNED NOT NULL,	-- the connection answering it
	created_at DATETIME NOT NULL,
	PRIMARY KEY (user_id, digest)
) ENGINE=MEMORY;

-- Claims no longer live in idempotency_keys (state 0 is gone).
DELETE FROM idempotency_keys WHERE state = 0;
ALTER TABLE idempotency_keys DROP COLUMN node, DROP COLUMN conn_id;
