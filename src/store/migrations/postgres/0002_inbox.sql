-- The clinic inbox, in PostgreSQL: the same tables as migrations/sqlite/0002_inbox.sql.
-- Nurses' accounts and their sign-in sessions, who claimed which check-in to call back, and
-- the outcome of the call. `checkins` stays as it was written: what happened to a check-in
-- afterwards is kept in tables of its own.
--
-- Names of people are compared without regard to case through a lower-cased `key`, made by
-- the program (not by SQL lower(), whose folding depends on the database's locale), and
-- ordered byte by byte (COLLATE "C"), as Rust orders strings. Columns named `user` are
-- quoted: a reserved word here.

-- A clinic user who signs in to the inbox. Never deleted: the audit trail names them, so an
-- account that should no longer be used is disabled.
CREATE TABLE users (
    -- The name lower-cased: one account per name, whatever its case.
    key TEXT COLLATE "C" PRIMARY KEY,
    -- The name as it was given, shown and written in the audit trail.
    name TEXT NOT NULL,
    -- A password hash in its own self-describing text form; the store never sees passwords.
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);

-- A signed-in browser. `key` is a hash of the cookie, never the cookie itself: a copy of
-- this database does not sign anyone in. A session ends at the first of its two deadlines;
-- the idle one moves on with use but never past the absolute one.
CREATE TABLE sessions (
    key TEXT COLLATE "C" PRIMARY KEY,
    "user" TEXT COLLATE "C" NOT NULL REFERENCES users (key),
    created_at TIMESTAMPTZ NOT NULL,
    idle_until TIMESTAMPTZ NOT NULL,
    absolute_until TIMESTAMPTZ NOT NULL,
    CHECK (idle_until <= absolute_until)
);

-- Disabling a user ends their sessions.
CREATE INDEX sessions_user ON sessions ("user");
-- The purge of ended sessions: since idle_until <= absolute_until, a session has ended at
-- `now` exactly when idle_until <= now.
CREATE INDEX sessions_idle_until ON sessions (idle_until);

-- Who claimed a check-in to call the person back, and when. A check-in is claimed once,
-- ever: the primary key refuses a second claim.
CREATE TABLE claims (
    checkin TEXT COLLATE "C" PRIMARY KEY REFERENCES checkins (id) ON DELETE CASCADE,
    "user" TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);

-- The outcome of the callback, recorded by the nurse who claimed the check-in; recorded
-- again, it is replaced (the audit trail keeps that it was recorded twice).
CREATE TABLE outcomes (
    checkin TEXT COLLATE "C" PRIMARY KEY REFERENCES checkins (id) ON DELETE CASCADE,
    "user" TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    reached BOOLEAN NOT NULL,
    disposition_after TEXT NOT NULL,
    note TEXT NOT NULL
);

-- The check-ins still without an outcome: the inbox's work. Over months nearly every
-- check-in gets its outcome; read from `checkins`, finding the few still open would mean
-- reading past all the others on every page. A row is added with its check-in, marked
-- claimed with its claim, and removed when the outcome is recorded; urgency and sent_at are
-- copied from the check-in (which never changes) so that an index gives the inbox's order.
-- Its rows are also what claims lock first (FOR UPDATE), so that concurrent claims, outcomes
-- and erasures take their locks in one order.
CREATE TABLE open_checkins (
    checkin TEXT COLLATE "C" PRIMARY KEY REFERENCES checkins (id) ON DELETE CASCADE,
    urgency SMALLINT NOT NULL,
    sent_at TIMESTAMPTZ NOT NULL,
    claimed BOOLEAN NOT NULL DEFAULT FALSE
);

-- The inbox's order: most urgent first, then the longest waiting, then by id.
CREATE INDEX open_checkins_inbox ON open_checkins (urgency DESC, sent_at, checkin);
-- The next check-in to claim, in the same order.
CREATE INDEX open_checkins_unclaimed ON open_checkins (urgency DESC, sent_at, checkin)
    WHERE NOT claimed;

-- Every check-in sent before this migration is still open and unclaimed.
INSERT INTO open_checkins (checkin, urgency, sent_at, claimed)
    SELECT id, urgency, sent_at, FALSE FROM checkins;

-- The inbox lists the check-ins with an outcome after the open ones, in the same order; the
-- id settles ties, so that the index gives the whole order.
DROP INDEX checkins_inbox;
CREATE INDEX checkins_inbox ON checkins (urgency DESC, sent_at, id);

-- Retention removes the check-ins sent before a time.
CREATE INDEX checkins_sent_at ON checkins (sent_at, id);

-- Reading the audit trail for a period.
CREATE INDEX audit_at ON audit (at);
-- Counting a name's recent failed sign-ins, at every sign-in.
CREATE INDEX audit_sign_in_failed ON audit (at) WHERE action = 'sign_in_failed';
