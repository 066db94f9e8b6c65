-- Import drafts, fenced.  A user has one draft per file: the same
-- content uploaded again (key: the user and the SHA-256 of the content)
-- is the same row, moved to the portfolio it was uploaded to, so that
-- concurrent uploads of one file cannot make two.  The body is stored
-- compressed (zlib) and body_size is its size uncompressed, which the
-- per-user limits add up (limit_drafts, limit_draft_bytes): a large
-- file costs the table and the binary log a fraction of its size, and
-- once, however often it is uploaded.
--
-- Drafts already stored are forgotten rather than marked uncompressed:
-- they live a day anyway, and two of them may hold the same file (the
-- unique key could not be added).  An upload waiting for its preview
-- while this runs answers "upload the file again".

DELETE FROM import_drafts;

ALTER TABLE import_drafts
	ADD COLUMN body_size INT UNSIGNED NOT NULL AFTER body,
	ADD UNIQUE KEY import_drafts_file (user_id, digest),
	DROP KEY import_drafts_user;
