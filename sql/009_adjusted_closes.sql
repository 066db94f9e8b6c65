-- A source whose daily history is split-adjusted (Stooq) gives every
-- close as adjusted for the splits up to the day it was fetched:
-- adjusted_to is that day, so that a portfolio's series can take the
-- splits it records between the close's day and then back out of it
-- (lib/history.c), and holdings are never divided twice.  NULL: the
-- close is as it traded.
ALTER TABLE price_history ADD COLUMN adjusted_to DATE NULL;
