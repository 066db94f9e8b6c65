-- Bringing histories in: longer symbols (a manual asset's name or id),
-- liabilities, a time of day and currency exchanges in the ledger,
-- cash tracking per portfolio, and what an import needs between the
-- preview and the write.

ALTER TABLE instruments
	MODIFY symbol VARCHAR(64) NOT NULL,
	MODIFY kind ENUM('stock', 'etf', 'fund', 'bond', 'crypto', 'cash',
		'other', 'liability') NOT NULL;
ALTER TABLE user_symbols MODIFY symbol VARCHAR(64) NOT NULL;

-- time: the time of day when the source gave one; it orders the rows of
-- a day (a split first, then by time, then as entered).
-- counter_currency: an exchange's currency bought (quantity of it for
-- amount of currency sold).
ALTER TABLE transactions
	MODIFY type ENUM('buy', 'sell', 'dividend', 'interest', 'fee', 'tax',
		'split', 'deposit', 'withdrawal', 'transfer_in', 'transfer_out',
		'exchange') NOT NULL,
	ADD COLUMN time TIME NULL AFTER date,
	ADD COLUMN counter_currency CHAR(3) CHARACTER SET ascii
		COLLATE ascii_bin NULL AFTER currency,
	ADD COLUMN import_id BIGINT UNSIGNED NULL;

-- The ledger order of a position's latest transaction (see
-- ledger_order_key): a new transaction that sorts after it is applied
-- to the stored position; NULL re-derives it.
ALTER TABLE positions
	ADD COLUMN last_key VARCHAR(24) CHARACTER SET ascii NULL;

-- 1: deposits and withdrawals fund the trades and the value includes
-- cash; 0: the value is the holdings alone.
ALTER TABLE portfolios
	ADD COLUMN track_cash TINYINT(1) NOT NULL DEFAULT 1;
-- A portfolio whose trades were never funded by a deposit shows a
-- negative balance that is only a missing deposit: its value is its
-- holdings alone.
UPDATE portfolios p SET p.track_cash = 0
WHERE NOT EXISTS (SELECT 1 FROM transactions t WHERE t.portfolio_id = p.id
		AND t.type IN ('deposit', 'withdrawal'))
	AND EXISTS (SELECT 1 FROM cash_balances c WHERE c.portfolio_id = p.id
		AND c.balance < 0);
INSERT INTO revalue_pending (portfolio_id)
	SELECT id FROM portfolios WHERE track_cash = 0;

-- A file between its upload and its write: the preview, creating the
-- symbols it lacks and trying again need it without a new upload.
-- Kept a day (nestegg gc).
CREATE TABLE import_drafts (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	user_id BIGINT UNSIGNED NOT NULL,
	portfolio_id BIGINT UNSIGNED NOT NULL,
	format VARCHAR(24) CHARACTER SET ascii NOT NULL,
	filename VARCHAR(200) NOT NULL DEFAULT '',
	body LONGBLOB NOT NULL,
	digest BINARY(32) NOT NULL,
	created_at DATETIME NOT NULL,
	KEY import_drafts_user (user_id),
	KEY import_drafts_created (created_at),
	CONSTRAINT import_drafts_portfolio_fk FOREIGN KEY (portfolio_id)
		REFERENCES portfolios (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What each import wrote, for the record.
CREATE TABLE imports (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	user_id BIGINT UNSIGNED NOT NULL,
	portfolio_id BIGINT UNSIGNED NOT NULL,
	format VARCHAR(24) CHARACTER SET ascii NOT NULL,
	digest BINARY(32) NOT NULL,
	rows_written INT UNSIGNED NOT NULL,
	created_at DATETIME NOT NULL,
	KEY imports_portfolio (portfolio_id, digest),
	CONSTRAINT imports_portfolio_fk FOREIGN KEY (portfolio_id)
		REFERENCES portfolios (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- A generic CSV's column mapping, chosen once and remembered for files
-- with the same header line (signature: SHA-256 of the header).
CREATE TABLE import_mappings (
	user_id BIGINT UNSIGNED NOT NULL,
	signature BINARY(32) NOT NULL,
	mapping VARCHAR(2000) NOT NULL,
	updated_at DATETIME NOT NULL,
	PRIMARY KEY (user_id, signature),
	CONSTRAINT import_mappings_user_fk FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB;
