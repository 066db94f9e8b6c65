-- What an account's owner is told once, on the dashboard, the next time
-- they sign in: for now, that someone tried to register their email
-- address (POST /register answers the same whether or not an account
-- has it, so only the owner learns of it).  Only when and from which
-- address; never the password tried.  Each account keeps its latest
-- AUTH_NOTICES_KEEP (5) rows (lib/auth.c); account_notice_counts holds
-- how many there were since the owner last saw them, and its row lock
-- puts an account's notices in order.
CREATE TABLE account_notices (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	user_id BIGINT UNSIGNED NOT NULL,
	kind ENUM('register') NOT NULL,
	at DATETIME NOT NULL,
	address VARCHAR(64) NOT NULL DEFAULT '',
	seen_at DATETIME NULL,
	KEY account_notices_user (user_id, id),
	CONSTRAINT account_notices_user_fk FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE account_notice_counts (
	user_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	unseen INT UNSIGNED NOT NULL,
	CONSTRAINT account_notice_counts_user_fk FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
