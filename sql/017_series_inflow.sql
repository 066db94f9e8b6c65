-- Each day's money in, gross (lib/series.c): a period that starts from
-- nothing takes its first day's money in as its capital and what went
-- out that day as part of what became of it, so a buy and a sell of the
-- first day are not taken as their balance.  Every stored series is
-- computed again, with it.
ALTER TABLE portfolio_series
	ADD COLUMN flow_in DECIMAL(30,12) NOT NULL DEFAULT 0 AFTER flow;
UPDATE portfolios SET series_from = '1000-01-01' WHERE series_to IS NOT NULL;
