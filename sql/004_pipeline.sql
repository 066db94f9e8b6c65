-- The price pipeline: who defines an instrument, where each price came
-- from, how each source is doing, the latest value of each portfolio,
-- daily snapshots, and the fetch and valuation runs.

-- A shared instrument (owner_id 0) is identified by its price source and
-- the source's own symbol (plus, for 'url', its address and field): one
-- fetch serves everyone who holds it.  Its details come from an admin
-- (listed = 1: its symbol then resolves for every user) or from the
-- user who first added it; a user whose details differ gets an
-- instrument of their own.  Each user names instruments by their own
-- symbols (user_symbols: one symbol per instrument), so nobody else's
-- instrument can change what a user's symbol means.
UPDATE instruments SET source = 'url' WHERE source IN ('csv', 'ecb');
UPDATE instruments SET source_symbol = symbol WHERE source_symbol = '';
-- Two shared instruments fetched under one name cannot both stay
-- shared keys; the later ones keep their holdings and are marked so an
-- admin sees them (their fetch fails until fixed).
UPDATE instruments i JOIN (
	SELECT source, source_symbol, MIN(id) AS first FROM instruments
	WHERE owner_id = 0 GROUP BY source, source_symbol HAVING COUNT(*) > 1
) d ON d.source = i.source AND d.source_symbol = i.source_symbol
SET i.source_symbol = LEFT(CONCAT(i.source_symbol, ' (duplicate ', i.id, ')'), 64)
WHERE i.owner_id = 0 AND i.id <> d.first;

ALTER TABLE instruments
	ADD COLUMN fallback_source VARCHAR(16) CHARACTER SET ascii NULL,
	ADD COLUMN fallback_symbol VARCHAR(64) NOT NULL DEFAULT '',
	ADD COLUMN url_template VARCHAR(500) NOT NULL DEFAULT '',
	ADD COLUMN url_field VARCHAR(200) NOT NULL DEFAULT '',
	ADD COLUMN listed TINYINT(1) NOT NULL DEFAULT 0,
	ADD COLUMN shared_key BINARY(32) AS (IF(owner_id = 0,
		UNHEX(SHA2(CONCAT_WS(CHAR(0), source, source_symbol,
		IF(source = 'url', url_template, ''),
		IF(source = 'url', url_field, '')), 256)), NULL)) PERSISTENT,
	DROP INDEX instruments_symbol,
	ADD KEY instruments_symbol (symbol),
	ADD KEY instruments_owner (owner_id),
	ADD UNIQUE KEY instruments_shared (shared_key);

CREATE TABLE user_symbols (
	user_id BIGINT UNSIGNED NOT NULL,
	symbol VARCHAR(32) NOT NULL,
	instrument_id BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (user_id, symbol),
	UNIQUE KEY user_symbols_once (user_id, instrument_id),
	KEY user_symbols_instrument (instrument_id),
	CONSTRAINT user_symbols_user_fk FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE,
	CONSTRAINT user_symbols_instrument_fk FOREIGN KEY (instrument_id)
		REFERENCES instruments (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every symbol a user already used keeps meaning what it meant.
INSERT IGNORE INTO user_symbols (user_id, symbol, instrument_id)
	SELECT owner_id, symbol, id FROM instruments WHERE owner_id <> 0;
INSERT IGNORE INTO user_symbols (user_id, symbol, instrument_id)
	SELECT DISTINCT p.user_id, i.symbol, i.id FROM transactions t
	JOIN portfolios p ON p.id = t.portfolio_id
	JOIN instruments i ON i.id = t.instrument_id;
INSERT IGNORE INTO user_symbols (user_id, symbol, instrument_id)
	SELECT i.created_by, i.symbol, i.id FROM instruments i
	JOIN users u ON u.id = i.created_by WHERE i.owner_id = 0;
-- What existed before was everyone's: it stays findable by symbol.
UPDATE instruments SET listed = 1 WHERE owner_id = 0;

-- Where the latest price came from and when a source last confirmed it.
ALTER TABLE prices ADD COLUMN checked_at DATETIME NULL;

ALTER TABLE fx_rates
	ADD COLUMN source VARCHAR(16) CHARACTER SET ascii NOT NULL
		DEFAULT 'manual',
	ADD COLUMN checked_at DATETIME NULL;

CREATE TABLE fx_history (
	base CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	quote CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	day DATE NOT NULL,
	rate DECIMAL(30,12) NOT NULL,
	source VARCHAR(16) CHARACTER SET ascii NOT NULL,
	PRIMARY KEY (base, quote, day)
) ENGINE=InnoDB;
INSERT IGNORE INTO fx_history (base, quote, day, rate, source)
	SELECT base, quote, DATE(as_of), rate, source FROM fx_rates;

-- How each source is doing, and each instrument's own trouble.
CREATE TABLE feed_health (
	source VARCHAR(16) CHARACTER SET ascii NOT NULL PRIMARY KEY,
	last_success_at DATETIME NULL,
	last_error_at DATETIME NULL,
	last_error VARCHAR(300) NOT NULL DEFAULT '',
	errors INT UNSIGNED NOT NULL DEFAULT 0,
	failing_runs INT UNSIGNED NOT NULL DEFAULT 0,
	last_quotes INT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB;

CREATE TABLE instrument_health (
	instrument_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	last_error VARCHAR(300) NOT NULL DEFAULT '',
	last_error_at DATETIME NULL,
	errors INT UNSIGNED NOT NULL DEFAULT 0,
	-- Why the sources disagree, '' when they do not.
	flag VARCHAR(300) NOT NULL DEFAULT '',
	flagged_at DATETIME NULL,
	-- A jump past the outlier limit, waiting to be seen again.
	pending_price DECIMAL(30,12) NULL,
	pending_count INT UNSIGNED NOT NULL DEFAULT 0,
	CONSTRAINT instrument_health_fk FOREIGN KEY (instrument_id)
		REFERENCES instruments (id) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE fetch_runs (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	started_at DATETIME(3) NOT NULL,
	duration_ms INT UNSIGNED NOT NULL DEFAULT 0,
	instruments INT UNSIGNED NOT NULL DEFAULT 0,
	requests INT UNSIGNED NOT NULL DEFAULT 0,
	stored INT UNSIGNED NOT NULL DEFAULT 0,
	unchanged INT UNSIGNED NOT NULL DEFAULT 0,
	rejected INT UNSIGNED NOT NULL DEFAULT 0,
	missing INT UNSIGNED NOT NULL DEFAULT 0,
	rates INT UNSIGNED NOT NULL DEFAULT 0,
	failed_sources VARCHAR(200) NOT NULL DEFAULT '',
	valuation_run_id BIGINT UNSIGNED NULL,
	KEY fetch_runs_started (started_at)
) ENGINE=InnoDB;

ALTER TABLE valuation_runs
	ADD COLUMN scope ENUM('all', 'changes') NOT NULL DEFAULT 'all',
	ADD COLUMN changes INT UNSIGNED NOT NULL DEFAULT 0,
	ADD KEY valuation_runs_started (started_at);

-- What the portfolio's ledger adds to its totals whatever the prices:
-- sums over its positions, and the net external flow in (deposits less
-- withdrawals, transfers in less out), base currency.  NULL until
-- derived ('nestegg migrate' derives them).
ALTER TABLE portfolios
	ADD COLUMN pos_realized DECIMAL(30,12) NULL,
	ADD COLUMN pos_income DECIMAL(30,12) NULL,
	ADD COLUMN pos_fees DECIMAL(30,12) NULL,
	ADD COLUMN pos_taxes DECIMAL(30,12) NULL,
	ADD COLUMN pos_charges DECIMAL(30,12) NULL,
	ADD COLUMN net_flow_in DECIMAL(30,12) NULL;

-- The latest value of each portfolio, one row each, and the run that
-- last changed it (its time is the run's); replaces a row per portfolio
-- per run.  Narrow on purpose: a run rewrites every row it touches.
CREATE TABLE portfolio_latest (
	portfolio_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	run_id BIGINT UNSIGNED NOT NULL,
	value DECIMAL(30,12) NOT NULL,
	cost DECIMAL(30,12) NOT NULL,
	day_change DECIMAL(30,12) NULL,
	total_gain DECIMAL(30,12) NOT NULL,
	unpriced SMALLINT UNSIGNED NOT NULL,
	stale SMALLINT UNSIGNED NOT NULL,
	prices_as_of DATETIME NULL,
	KEY portfolio_latest_run (run_id),
	CONSTRAINT portfolio_latest_fk FOREIGN KEY (portfolio_id)
		REFERENCES portfolios (id) ON DELETE CASCADE
) ENGINE=InnoDB;
INSERT INTO portfolio_latest (portfolio_id, run_id, value, cost, day_change,
		total_gain, unpriced, stale)
	SELECT v.portfolio_id, v.run_id, v.value, v.cost, v.day_change, 0,
		LEAST(v.unpriced, 65535), 0
	FROM portfolio_values v
	JOIN (SELECT portfolio_id, MAX(run_id) AS run_id FROM portfolio_values
		GROUP BY portfolio_id) m
		ON m.portfolio_id = v.portfolio_id AND m.run_id = v.run_id;
DROP TABLE portfolio_values;

-- One row per portfolio and day: its value at the day's last run.
CREATE TABLE portfolio_daily (
	portfolio_id BIGINT UNSIGNED NOT NULL,
	day DATE NOT NULL,
	value DECIMAL(30,12) NOT NULL,
	cost DECIMAL(30,12) NOT NULL,
	net_flow_in DECIMAL(30,12) NOT NULL,
	PRIMARY KEY (portfolio_id, day),
	CONSTRAINT portfolio_daily_fk FOREIGN KEY (portfolio_id)
		REFERENCES portfolios (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- What changed since the last valuation run: a price, an exchange rate
-- (currency) or a portfolio's ledger.  A run consumes the rows it saw.
CREATE TABLE revalue_pending (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	instrument_id BIGINT UNSIGNED NULL,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NULL,
	portfolio_id BIGINT UNSIGNED NULL
) ENGINE=InnoDB;
INSERT INTO revalue_pending (portfolio_id) SELECT id FROM portfolios;
