-- A saved mapping is listed with the header it is for, and changed or
-- deleted by its id; its JSON (columns, words, lines left out) may be
-- longer than the older key=value form.
ALTER TABLE import_mappings
	ADD COLUMN id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE FIRST,
	ADD COLUMN header TEXT NOT NULL DEFAULT '' AFTER signature,
	MODIFY mapping TEXT NOT NULL;
