-- mxray watch: every stored check, the conditions open per domain, and the alerts (pending until sent).
CREATE TABLE checks (
    id BIGSERIAL PRIMARY KEY,
    domain TEXT NOT NULL,
    checked_at BIGINT NOT NULL,      -- Unix seconds of the watcher's clock
    worst TEXT NOT NULL,              -- ok | info | warning | critical
    cert_days BIGINT,                -- fewest days left of any certificate seen
    complete BIGINT NOT NULL,        -- 1: the check finished; 0: cut off (deadline)
    report TEXT NOT NULL              -- the report as `mxray check --json` writes it
);
CREATE INDEX checks_by_domain ON checks (domain, checked_at);

CREATE TABLE conditions (
    domain TEXT NOT NULL,
    key TEXT NOT NULL,
    since BIGINT NOT NULL,
    last_alerted BIGINT NOT NULL,
    condition TEXT NOT NULL,          -- JSON of the condition
    PRIMARY KEY (domain, key)
);

CREATE TABLE alerts (
    id BIGSERIAL PRIMARY KEY,
    domain TEXT NOT NULL,
    check_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    body TEXT NOT NULL,               -- the webhook's JSON body, fixed when the alert is made
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt BIGINT NOT NULL,
    sent_at BIGINT,                  -- NULL while pending
    last_error TEXT
);
CREATE INDEX alerts_pending ON alerts (sent_at, next_attempt);
