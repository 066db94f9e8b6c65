-- Who may define what.  An instrument priced from an address a user gave
-- (source 'url') is theirs alone, since the address may hold their key,
-- unless an admin lists it (which makes it shared).  A shared
-- instrument's name comes from an admin or from its source (name_by),
-- not from the first user who added it: each user's own name for an
-- instrument is kept with their symbol for it (user_symbols.name, NULL
-- for the instrument's own name).

ALTER TABLE instruments
	ADD COLUMN name_by ENUM('admin', 'user', 'source') NOT NULL
		DEFAULT 'user' AFTER name;
ALTER TABLE user_symbols ADD COLUMN name VARCHAR(200) NULL;

-- A url instrument a user (no admin) added, and nobody else holds,
-- becomes theirs; its name stays theirs on the instrument.
UPDATE instruments i JOIN users u ON u.id = i.created_by
SET i.owner_id = i.created_by, i.listed = 0
WHERE i.owner_id = 0 AND i.source = 'url' AND u.is_admin = 0
	AND NOT EXISTS (SELECT 1 FROM user_symbols us
		WHERE us.instrument_id = i.id AND us.user_id <> i.created_by)
	AND NOT EXISTS (SELECT 1 FROM transactions t
		JOIN portfolios p ON p.id = t.portfolio_id
		WHERE t.instrument_id = i.id AND p.user_id <> i.created_by);
INSERT IGNORE INTO user_symbols (user_id, symbol, instrument_id)
	SELECT owner_id, symbol, id FROM instruments WHERE owner_id <> 0;
-- One that others hold too stays shared for those who have it, but is
-- no longer in the catalogue: an admin lists it again if it should be.
UPDATE instruments i JOIN users u ON u.id = i.created_by
SET i.listed = 0
WHERE i.owner_id = 0 AND i.source = 'url' AND u.is_admin = 0;

-- What an admin added (on the command line: nobody's) is named by an
-- admin.
UPDATE instruments i LEFT JOIN users u ON u.id = i.created_by
SET i.name_by = 'admin'
WHERE i.owner_id = 0 AND (i.created_by IS NULL OR u.is_admin = 1);

-- What a user added keeps their name for them alone; everyone else sees
-- its source symbol until its source or an admin names it.
UPDATE user_symbols us
	JOIN instruments i ON i.id = us.instrument_id
	JOIN users u ON u.id = i.created_by AND u.id = us.user_id
SET us.name = i.name
WHERE i.owner_id = 0 AND u.is_admin = 0 AND i.name <> i.source_symbol;
UPDATE instruments i JOIN users u ON u.id = i.created_by
SET i.name = i.source_symbol, i.name_by = 'user'
WHERE i.owner_id = 0 AND u.is_admin = 0;
