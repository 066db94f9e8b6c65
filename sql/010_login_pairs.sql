-- Sign-in failures are also counted per account and address pair: a
-- guesser's address is slowed at once without the owner, elsewhere,
-- being kept out (lib/auth.c).  The subject of a pair is "address email".
ALTER TABLE login_failures
	MODIFY kind ENUM('account', 'address', 'pair') NOT NULL,
	MODIFY subject VARCHAR(320) NOT NULL;
-- What was counted per account before counts toward the new, higher
-- ceiling only: nobody is slowed by it now.
DELETE FROM login_failures WHERE kind = 'account';
