-- A transaction in another currency entered without its rate takes the
-- rate of its own day from fx_history (the nearest earlier day's when
-- that day has none).  With no history on or before its day it takes
-- the latest rate, and is marked: fx_assumed = 1 until the rate is
-- entered.  Rows stored before keep their rates, unmarked.
ALTER TABLE transactions
	ADD COLUMN fx_assumed TINYINT(1) NOT NULL DEFAULT 0 AFTER fx_rate;

-- The rates of a range of days (an import's, a transaction's day).
ALTER TABLE fx_history ADD KEY fx_history_day (day);
