-- When each valuation run committed (about: its last statement), so
-- that the live panel finds runs by time as well as by id: on a Galera
-- cluster ids from different nodes interleave and runs may commit out
-- of id order.
ALTER TABLE valuation_runs
	ADD COLUMN finished_at DATETIME(3) NULL,
	ADD KEY valuation_runs_finished (finished_at);
UPDATE valuation_runs
	SET finished_at = started_at + INTERVAL duration_ms * 1000 MICROSECOND;
