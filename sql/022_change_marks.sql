-- A count of changes to what every user sees (prices, exchange rates,
-- instruments, valuation runs), bumped after each such change commits.
-- The page workers of every host compare it, and a user's own ledger
-- changes and settings, with what their cached figures were made under
-- (lib/cache.h): a change made through one host is seen at once on all.
CREATE TABLE change_marks (
	scope VARCHAR(16) NOT NULL PRIMARY KEY,
	n BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB;
INSERT INTO change_marks (scope, n) VALUES ('shared', 0);
