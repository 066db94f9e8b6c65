-- What the live panel tells open browsers about besides valuation runs:
-- each change of a portfolio's ledger, so that a second tab stays in
-- step.  Kept a day (nestegg gc); a browser that comes back later gets
-- the whole current state instead.
CREATE TABLE ledger_changes (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	user_id BIGINT UNSIGNED NOT NULL,
	portfolio_id BIGINT UNSIGNED NOT NULL,
	at DATETIME(3) NOT NULL,
	KEY ledger_changes_at (at),
	KEY ledger_changes_user (user_id, id)
) ENGINE=InnoDB;
