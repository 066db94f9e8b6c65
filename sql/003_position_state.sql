-- What it takes to apply the next transaction to a position without
-- reading its history: the date of its latest transaction and its open
-- FIFO lots ("qty:cost;qty:cost", exact decimals, oldest first).
-- NULL last_date: not known yet; the next change re-derives the
-- position from its transactions and fills both.
ALTER TABLE positions
	ADD COLUMN last_date DATE NULL,
	ADD COLUMN lots MEDIUMTEXT CHARACTER SET ascii NULL;
