-- Accounts, sessions and sign-in throttling.

CREATE TABLE users (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	email VARCHAR(254) NOT NULL,
	password_hash VARCHAR(255) NOT NULL,
	is_admin TINYINT(1) NOT NULL DEFAULT 0,
	created_at DATETIME NOT NULL,
	disabled_at DATETIME NULL,
	UNIQUE KEY users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Only the SHA-256 of a session token is stored; the token itself lives
-- in the browser's __Host-sid cookie.
CREATE TABLE sessions (
	token_hash BINARY(32) NOT NULL PRIMARY KEY,
	user_id BIGINT UNSIGNED NOT NULL,
	created_at DATETIME NOT NULL,
	last_seen_at DATETIME NOT NULL,
	address VARCHAR(64) NOT NULL DEFAULT '',
	KEY sessions_user (user_id),
	KEY sessions_last_seen (last_seen_at),
	CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed sign-ins, per account (email) and per client address.
CREATE TABLE login_failures (
	kind ENUM('account', 'address') NOT NULL,
	subject VARCHAR(254) NOT NULL,
	failures INT UNSIGNED NOT NULL,
	last_failure_at DATETIME NOT NULL,
	PRIMARY KEY (kind, subject),
	KEY login_failures_last (last_failure_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
