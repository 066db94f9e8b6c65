-- Each portfolio's daily series, from its first transaction to today:
-- the close of every day valued at that day's closes and rates, in its
-- currency (lib/series.c), so that a chart or a return is a read.
CREATE TABLE portfolio_series (
	portfolio_id BIGINT UNSIGNED NOT NULL,
	day DATE NOT NULL,
	value DECIMAL(30,12) NOT NULL,
	cost DECIMAL(30,12) NOT NULL,
	cash DECIMAL(30,12) NOT NULL,
	flow DECIMAL(30,12) NOT NULL,
	income DECIMAL(30,12) NOT NULL,
	fees DECIMAL(30,12) NOT NULL,
	unpriced SMALLINT UNSIGNED NOT NULL,
	PRIMARY KEY (portfolio_id, day),
	CONSTRAINT portfolio_series_fk FOREIGN KEY (portfolio_id)
		REFERENCES portfolios (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- series_to: the last day stored (NULL: none). series_from: the first
-- stored day that may be wrong since (a back-dated transaction, a price
-- of a day long past). series_gen counts the marks, so that a rebuild
-- clears only what it saw.
-- series_run: the valuation run (portfolio_latest.run_id) the last day
-- was computed after; a later run means today's prices moved.
-- series_twr: the time-weighted return since the first day, as of the
-- last day stored (NULL: none yet, or no capital ever).
ALTER TABLE portfolios
	ADD COLUMN series_from DATE NULL,
	ADD COLUMN series_to DATE NULL,
	ADD COLUMN series_gen INT UNSIGNED NOT NULL DEFAULT 0,
	ADD COLUMN series_run BIGINT UNSIGNED NULL,
	ADD COLUMN series_twr DECIMAL(30,12) NULL;
-- Every portfolio there is has its series to compute.
UPDATE portfolios SET series_from = '1000-01-01';

-- Counts the changes to an instrument's closes of days past (a price of
-- a day long past, a backfill), so that a process's copy of them knows
-- when to read them again.
ALTER TABLE instruments
	ADD COLUMN history_gen INT UNSIGNED NOT NULL DEFAULT 0;
