-- API writes per user and minute, for limit_api_writes: every
-- state-changing API request of a signed-in user adds one to its
-- minute's row (cgi-bin/dispatch.c), so that every worker process of
-- every host counts together.  minute is UNIX_TIMESTAMP() DIV 60 of the
-- database's clock; nestegg gc forgets the minutes past.
CREATE TABLE api_writes (
	user_id BIGINT UNSIGNED NOT NULL,
	minute INT UNSIGNED NOT NULL,
	n INT UNSIGNED NOT NULL,
	PRIMARY KEY (user_id, minute),
	KEY api_writes_minute (minute),
	CONSTRAINT api_writes_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
