-- What a user is told of an instrument's fetch trouble: its kind only.
-- last_error keeps the detail (an address, a status, a parser's words)
-- for the admin page and the log; the instrument's page shows its owner
-- only "could not be reached", "not understood", "does not know it" or
-- why a price was refused.
ALTER TABLE instrument_health
	ADD COLUMN problem ENUM('unreachable', 'not_understood', 'not_found',
		'refused') NULL AFTER last_error;
UPDATE instrument_health SET problem = 'unreachable' WHERE last_error <> '';
