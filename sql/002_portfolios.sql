-- Instruments, portfolios, the transaction ledger, derived positions and
-- cash, prices, exchange rates and valuation runs.
-- Money, prices, quantities and rates are DECIMAL(30,12): exact, twelve
-- places. Currency codes are case-sensitive (GBp is pence, GBP pounds).

ALTER TABLE users ADD COLUMN currency CHAR(3) CHARACTER SET ascii
	COLLATE ascii_bin NOT NULL DEFAULT 'USD';

-- owner_id 0: the shared catalogue; otherwise a user's own instrument
-- (a house, a private fund), priced by that user alone.
CREATE TABLE instruments (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	owner_id BIGINT UNSIGNED NOT NULL DEFAULT 0,
	symbol VARCHAR(32) NOT NULL,
	name VARCHAR(200) NOT NULL,
	kind ENUM('stock', 'etf', 'fund', 'bond', 'crypto', 'cash', 'other')
		NOT NULL,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	isin CHAR(12) CHARACTER SET ascii NULL,
	source VARCHAR(16) CHARACTER SET ascii NOT NULL,
	source_symbol VARCHAR(64) NOT NULL DEFAULT '',
	created_by BIGINT UNSIGNED NULL,
	created_at DATETIME NOT NULL,
	UNIQUE KEY instruments_symbol (owner_id, symbol),
	KEY instruments_source (source)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE portfolios (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	user_id BIGINT UNSIGNED NOT NULL,
	name VARCHAR(100) NOT NULL,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	cost_method ENUM('fifo', 'average') NOT NULL DEFAULT 'fifo',
	-- Income, fees and taxes of transactions without an instrument.
	cash_income DECIMAL(30,12) NOT NULL DEFAULT 0,
	cash_fees DECIMAL(30,12) NOT NULL DEFAULT 0,
	cash_taxes DECIMAL(30,12) NOT NULL DEFAULT 0,
	created_at DATETIME NOT NULL,
	KEY portfolios_user (user_id),
	CONSTRAINT portfolios_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE transactions (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	portfolio_id BIGINT UNSIGNED NOT NULL,
	instrument_id BIGINT UNSIGNED NULL,
	date DATE NOT NULL,
	type ENUM('buy', 'sell', 'dividend', 'interest', 'fee', 'tax', 'split',
		'deposit', 'withdrawal', 'transfer_in', 'transfer_out') NOT NULL,
	quantity DECIMAL(30,12) NULL,
	price DECIMAL(30,12) NULL,
	fee DECIMAL(30,12) NULL,
	amount DECIMAL(30,12) NULL,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	fx_rate DECIMAL(30,12) NULL,
	note VARCHAR(500) NOT NULL DEFAULT '',
	created_at DATETIME NOT NULL,
	KEY transactions_date (portfolio_id, date, id),
	KEY transactions_instrument (portfolio_id, instrument_id, date, id),
	CONSTRAINT transactions_portfolio_fk FOREIGN KEY (portfolio_id)
		REFERENCES portfolios (id) ON DELETE CASCADE,
	CONSTRAINT transactions_instrument_fk FOREIGN KEY (instrument_id)
		REFERENCES instruments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Derived from transactions whenever they change (lib/ledger.c), so that
-- valuing a portfolio never replays its ledger. Base currency.
CREATE TABLE positions (
	portfolio_id BIGINT UNSIGNED NOT NULL,
	instrument_id BIGINT UNSIGNED NOT NULL,
	quantity DECIMAL(30,12) NOT NULL,
	cost DECIMAL(30,12) NOT NULL,
	realized DECIMAL(30,12) NOT NULL,
	income DECIMAL(30,12) NOT NULL,
	fees DECIMAL(30,12) NOT NULL,
	taxes DECIMAL(30,12) NOT NULL,
	charges DECIMAL(30,12) NOT NULL,
	PRIMARY KEY (portfolio_id, instrument_id),
	KEY positions_instrument (instrument_id),
	CONSTRAINT positions_portfolio_fk FOREIGN KEY (portfolio_id)
		REFERENCES portfolios (id) ON DELETE CASCADE,
	CONSTRAINT positions_instrument_fk FOREIGN KEY (instrument_id)
		REFERENCES instruments (id)
) ENGINE=InnoDB;

CREATE TABLE cash_balances (
	portfolio_id BIGINT UNSIGNED NOT NULL,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	balance DECIMAL(30,12) NOT NULL,
	PRIMARY KEY (portfolio_id, currency),
	CONSTRAINT cash_portfolio_fk FOREIGN KEY (portfolio_id)
		REFERENCES portfolios (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- The latest price of each instrument, and the close before its day.
CREATE TABLE prices (
	instrument_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	price DECIMAL(30,12) NOT NULL,
	prev_close DECIMAL(30,12) NULL,
	as_of DATETIME NOT NULL,
	source VARCHAR(16) CHARACTER SET ascii NOT NULL,
	updated_at DATETIME NOT NULL,
	CONSTRAINT prices_instrument_fk FOREIGN KEY (instrument_id)
		REFERENCES instruments (id) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE price_history (
	instrument_id BIGINT UNSIGNED NOT NULL,
	day DATE NOT NULL,
	close DECIMAL(30,12) NOT NULL,
	source VARCHAR(16) CHARACTER SET ascii NOT NULL,
	PRIMARY KEY (instrument_id, day),
	CONSTRAINT price_history_instrument_fk FOREIGN KEY (instrument_id)
		REFERENCES instruments (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- One unit of base is rate units of quote.
CREATE TABLE fx_rates (
	base CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	quote CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	rate DECIMAL(30,12) NOT NULL,
	as_of DATETIME NOT NULL,
	PRIMARY KEY (base, quote)
) ENGINE=InnoDB;

CREATE TABLE valuation_runs (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	started_at DATETIME(3) NOT NULL,
	prices_as_of DATETIME NULL,
	portfolios INT UNSIGNED NOT NULL,
	duration_ms INT UNSIGNED NOT NULL
) ENGINE=InnoDB;

CREATE TABLE portfolio_values (
	run_id BIGINT UNSIGNED NOT NULL,
	portfolio_id BIGINT UNSIGNED NOT NULL,
	value DECIMAL(30,12) NOT NULL,
	cost DECIMAL(30,12) NOT NULL,
	day_change DECIMAL(30,12) NOT NULL,
	unpriced INT UNSIGNED NOT NULL,
	PRIMARY KEY (portfolio_id, run_id),
	KEY portfolio_values_run (run_id),
	CONSTRAINT portfolio_values_run_fk FOREIGN KEY (run_id)
		REFERENCES valuation_runs (id) ON DELETE CASCADE,
	CONSTRAINT portfolio_values_portfolio_fk FOREIGN KEY (portfolio_id)
		REFERENCES portfolios (id) ON DELETE CASCADE
) ENGINE=InnoDB;
