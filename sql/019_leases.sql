-- Jobs that run one at a time across every host and database node (the
-- fetch, the valuation run): a lease row each.  MariaDB's GET_LOCK()
-- is not replicated by Galera, a row is.  The holder of a row whose
-- expires_at has not passed runs the job and renews it while it runs
-- (lib/lease.c); one killed leaves a lease that expires on its own, or
-- at once for a taker on the same database server, which sees that the
-- holder's connection (server, conn) is gone.
CREATE TABLE leases (
	name VARCHAR(64) NOT NULL PRIMARY KEY,
	holder VARCHAR(128) NOT NULL DEFAULT '',	-- host:pid:random
	server VARCHAR(255) NOT NULL DEFAULT '',	-- the holder's database
	conn BIGINT UNSIGNED NOT NULL DEFAULT 0,	-- its CONNECTION_ID()
	expires_at DATETIME(3) NOT NULL DEFAULT '2000-01-01 00:00:00',
	taken_at DATETIME(3) NULL
) ENGINE=InnoDB;
INSERT INTO leases (name) VALUES ('fetch'), ('revalue');
