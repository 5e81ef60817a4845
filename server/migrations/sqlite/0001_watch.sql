-- mxray watch: every stored check, the conditions open per domain, and the alerts (pending until sent).
CREATE TABLE checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    domain TEXT NOT NULL,
    checked_at INTEGER NOT NULL,      -- Unix seconds of the watcher's clock
    worst TEXT NOT NULL,              -- ok | info | warning | critical
    cert_days INTEGER,                -- fewest days left of any certificate seen
    complete INTEGER NOT NULL,        -- 1: the check finished; 0: cut off (deadline)
    report TEXT NOT NULL              -- the report as `mxray check --json` writes it
);
CREATE INDEX checks_by_domain ON checks (domain, checked_at);

CREATE TABLE conditions (
    domain TEXT NOT NULL,
    key TEXT NOT NULL,
    since INTEGER NOT NULL,
    last_alerted INTEGER NOT NULL,
    condition TEXT NOT NULL,          -- JSON of the condition
    PRIMARY KEY (domain, key)
);

CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    domain TEXT NOT NULL,
    check_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL,               -- the webhook's JSON body, fixed when the alert is made
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    sent_at INTEGER,                  -- NULL while pending
    last_error TEXT
);
CREATE INDEX alerts_pending ON alerts (sent_at, next_attempt);
