-- The first schema of the check-in store. Applied once, in one transaction, with its row in
-- schema_migrations; a later change is a new numbered file, never an edit of this one (a
-- clinic's file already holds what this made).
--
-- Every time is RFC 3339 UTC text of one fixed width, "2025-03-01T09:30:00.000000Z", so that
-- comparing the text compares the times: an index or an ORDER BY on it is in time order.

-- A check-in being filled in, one page at a time: kept so that a reload or a lost
-- connection does not lose the answers so far. Removed when it is sent, or once expired.
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    -- The answers so far, as JSON text; the store does not read it.
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- The purge looks for expired drafts; without this it would read them all.
CREATE INDEX drafts_expires_at ON drafts (expires_at);

-- A sent check-in, as the clinic will see it. Never changed once written: what the person
-- answered and what the rules said then, with the rule set that said it.
CREATE TABLE checkins (
    id TEXT PRIMARY KEY,
    answers TEXT NOT NULL,
    result TEXT NOT NULL,
    disposition TEXT NOT NULL,
    -- Higher is more urgent.
    urgency INTEGER NOT NULL CHECK (urgency >= 0),
    rule_set_name TEXT NOT NULL,
    rule_set_version TEXT NOT NULL,
    patient_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    consent_to_call INTEGER NOT NULL CHECK (consent_to_call IN (0, 1)),
    started_at TEXT NOT NULL,
    sent_at TEXT NOT NULL
);

-- The clinic inbox lists the most urgent first, then the longest waiting.
CREATE INDEX checkins_inbox ON checkins (urgency DESC, sent_at);

-- Who did what to which check-in, and when. seq gives the order even when two rows share a
-- time; AUTOINCREMENT so that a number is never used twice, even after the last row went.
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    -- The clinic user; NULL for the person checking in, who has no account.
    user TEXT,
    action TEXT NOT NULL,
    -- Not a foreign key: the trail must outlast a check-in that is later removed.
    checkin TEXT
);

-- An audit trail that can be edited proves nothing: rows are only ever added.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
