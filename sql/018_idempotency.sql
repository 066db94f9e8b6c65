-- Idempotent writes: a signed-in user's state-changing request may carry
-- a key (the Idempotency-Key header, or a form's hidden idem field).  The
-- first request with a key is carried out and its answer kept; the same
-- key within a day answers as the first did and writes nothing again,
-- so a request retried after a lost connection is recorded once.
--   state 0: being answered; 1: its writes committed (set in their own
--   transaction, db_mark_commits), the answer not yet kept; 2: answered,
--   status and answer kept.
CREATE TABLE idempotency_keys (
	user_id BIGINT UNSIGNED NOT NULL,
	digest BINARY(32) NOT NULL,		-- SHA-256 of the key as sent
	request BINARY(32) NOT NULL,		-- SHA-256 of method, path, body
	state TINYINT UNSIGNED NOT NULL DEFAULT 0,
	status SMALLINT UNSIGNED NOT NULL DEFAULT 0,
	content_type VARCHAR(100) NULL,
	headers TEXT NULL,			-- extra header lines, no cookie
	body MEDIUMBLOB NULL,
	created_at DATETIME NOT NULL,
	PRIMARY KEY (user_id, digest),
	KEY idempotency_created (created_at),
	CONSTRAINT idempotency_user_fk FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB;
