-- The currency effect of each day (lib/series.c): what the change of
-- the rates since the last close made of what was held overnight in
-- other currencies, so that a period's gain splits into price gain,
-- income, fees and taxes, and currency effect.
ALTER TABLE portfolio_series
	ADD COLUMN fx DECIMAL(30,12) NOT NULL DEFAULT 0 AFTER fees;
-- Every stored series is computed again, with it.
UPDATE portfolios SET series_from = '1000-01-01' WHERE series_to IS NOT NULL;
