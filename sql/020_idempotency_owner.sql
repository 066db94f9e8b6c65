-- Who is answering a request with a key (state 0): the database node its
-- connection is on (@@wsrep_node_incoming_address, "AUTO" on a server
-- without one set) and the connection's id.  A retry that finds the key
-- still being answered takes it over at once when that connection is
-- gone (same node) or its node has left the cluster: the writes it had
-- not committed went with it.
ALTER TABLE idempotency_keys
	ADD COLUMN node VARCHAR(255) CHARACTER SET ascii NOT NULL DEFAULT '',
	ADD COLUMN conn_id BIGINT UNSIGNED NOT NULL DEFAULT 0;
