-- The first schema of the check-in store, in PostgreSQL: the same tables, columns and
-- meaning as migrations/sqlite/0001_initial.sql, in this database's own types. Applied once,
-- in one transaction with its row in schema_migrations; a later change is a new numbered
-- file, never an edit of this one (a clinic's database already holds what this made).
--
-- Times are timestamptz (microseconds, as the SQLite store's text keeps them). Ids are
-- compared byte by byte (COLLATE "C"), as SQLite compares text, whatever the database's own
-- collation: the inbox's order settles ties by id.

-- A check-in being filled in, one page at a time: kept so that a reload or a lost
-- connection does not lose the answers so far. Removed when it is sent, or once expired.
CREATE TABLE drafts (
    id TEXT COLLATE "C" PRIMARY KEY,
    -- The answers so far, as JSON text; the store does not read it.
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

-- The purge looks for expired drafts; without this it would read them all.
CREATE INDEX drafts_expires_at ON drafts (expires_at);

-- A sent check-in, as the clinic will see it. Never changed once written: what the person
-- answered and what the rules said then, with the rule set that said it.
CREATE TABLE checkins (
    id TEXT COLLATE "C" PRIMARY KEY,
    answers TEXT NOT NULL,
    result TEXT NOT NULL,
    disposition TEXT NOT NULL,
    -- Higher is more urgent.
    urgency SMALLINT NOT NULL CHECK (urgency >= 0),
    rule_set_name TEXT NOT NULL,
    rule_set_version TEXT NOT NULL,
    patient_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    consent_to_call BOOLEAN NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ NOT NULL
);

-- The clinic inbox lists the most urgent first, then the longest waiting.
CREATE INDEX checkins_inbox ON checkins (urgency DESC, sent_at);

-- Who did what to which check-in, and when. seq gives the order even when two rows share a
-- time; an identity is never used twice, even after a rolled-back insert.
CREATE TABLE audit (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    -- The clinic user; NULL for the person checking in, who has no account. Quoted: `user`
    -- is a reserved word here.
    "user" TEXT,
    action TEXT NOT NULL,
    -- Not a foreign key: the trail must outlast a check-in that is later removed.
    checkin TEXT COLLATE "C"
);

-- An audit trail that can be edited proves nothing: rows are only ever added. A statement
-- trigger, so that it fires even for a statement that matches no row, and for TRUNCATE,
-- which row triggers never see.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END
$$;

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Nor may any other role be given the right by default. (The table's owner, the role the
-- service connects as, keeps its rights; the trigger is what refuses it.)
REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM PUBLIC;
