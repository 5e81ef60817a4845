//! The monitoring store: every check's report, the conditions open per domain and the alerts
//! (pending until the webhook took them), in SQLite (one file, the default) or PostgreSQL (a team's
//! server), through one sqlx `Any` pool and the same SQL for both. Each check is stored, compared
//! and turned into an alert in one transaction, so a kill or crash leaves either all of it or none.

use std::borrow::Cow;

use mxray_report::watch::{transition, Alert, OpenCondition};
use mxray_report::{Report, Severity};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Row};

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no database mxray can use.
    #[error("unusable database URL {url:?}: use sqlite://FILE or postgres://USER@HOST/DB")]
    Url {
        /// The URL given.
        url: String,
    },
    /// The database refused or failed (locked, full, gone, …).
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Setting up the tables failed.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored value could not be read back.
    #[error("stored data unreadable: {0}")]
    Data(#[from] serde_json::Error),
}

/// Which database is behind the URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// One SQLite file (WAL journal).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The monitoring store.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// What storing one check did.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The stored check's id.
    pub check_id: i64,
    /// The alert made of it, if any (already queued for the webhook).
    pub alert: Option<Alert>,
}

/// An alert waiting for the webhook.
#[derive(Clone, Debug)]
pub struct PendingAlert {
    /// Its id.
    pub id: i64,
    /// The JSON body to post.
    pub body: String,
    /// Failed attempts so far.
    pub attempts: i64,
}

/// One stored check (the report parsed on demand).
#[derive(Clone, Debug)]
pub struct StoredCheck {
    /// Its id.
    pub id: i64,
    /// When it ran (Unix seconds).
    pub checked_at: i64,
    /// Its worst severity.
    pub worst: Severity,
    /// Fewest days left of any certificate.
    pub cert_days: Option<i64>,
    /// Whether the check finished.
    pub complete: bool,
    /// The report's JSON.
    pub report: String,
}

/// A domain's latest state.
#[derive(Clone, Debug)]
pub struct DomainState {
    /// The domain.
    pub domain: String,
    /// Stored checks.
    pub checks: i64,
    /// The latest check.
    pub latest: StoredCheck,
    /// When the worst severity became what it is now (Unix seconds).
    pub last_changed: i64,
}

impl Store {
    /// Opens (and creates, for SQLite) the database and brings its tables up to date.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (url, backend) = normalise(url)?;
        let options = AnyPoolOptions::new().max_connections(if backend == Backend::Sqlite { 4 } else { 8 });
        let pool = options.connect(&url).await?;
        if backend == Backend::Sqlite {
            // WAL: readers (the page, `mxray history`) never wait for the watcher's writes, and a
            // kill mid-write leaves the last committed state.
            sqlx::query("PRAGMA journal_mode=WAL").execute(&pool).await?;
        }
        migrator(backend).run(&pool).await?;
        Ok(Store { pool, backend })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Stores a check of `domain` at `now`, compares it with the one before and with the open
    /// conditions, keeps the conditions that last and queues the alert, all in one transaction.
    pub async fn record(
        &self,
        domain: &str,
        now: i64,
        report: &Report,
        cert_days: i64,
        body: impl FnOnce(&Alert) -> String,
    ) -> Result<Recorded, StoreError> {
        let mut tx = self.pool.begin().await?;
        let previous: Option<String> = sqlx::query_scalar(
            "SELECT report FROM checks WHERE domain = $1 AND complete = 1 ORDER BY checked_at DESC, id DESC LIMIT 1",
        )
        .bind(domain)
        .fetch_optional(&mut *tx)
        .await?;
        let previous: Option<Report> = previous.map(|json| serde_json::from_str(&json)).transpose()?;
        let open = open_conditions(&mut tx, domain).await?;
        let t = transition(previous.as_ref(), report, &open, now, cert_days);
        let check_id: i64 = sqlx::query_scalar(
            "INSERT INTO checks (domain, checked_at, worst, cert_days, complete, report) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(domain)
        .bind(now)
        .bind(severity_word(report.worst_severity()))
        .bind(fewest_cert_days(report))
        .bind(i64::from(report.complete))
        .bind(serde_json::to_string(report)?)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM conditions WHERE domain = $1").bind(domain).execute(&mut *tx).await?;
        for o in &t.open {
            sqlx::query(
                "INSERT INTO conditions (domain, key, since, last_alerted, condition) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(domain)
            .bind(&o.condition.key)
            .bind(o.since)
            .bind(o.last_alerted)
            .bind(serde_json::to_string(&o.condition)?)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(alert) = &t.alert {
            sqlx::query(
                "INSERT INTO alerts (domain, check_id, created_at, body, attempts, next_attempt) \
                 VALUES ($1, $2, $3, $4, 0, $5)",
            )
            .bind(domain)
            .bind(check_id)
            .bind(now)
            .bind(body(alert))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Recorded { check_id, alert: t.alert })
    }

    /// The conditions open for a domain now.
    pub async fn open_conditions(&self, domain: &str) -> Result<Vec<OpenCondition>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        open_conditions(&mut conn, domain).await
    }

    /// Alerts not yet sent whose next attempt is due at `now`, oldest first.
    pub async fn due_alerts(&self, now: i64, limit: i64) -> Result<Vec<PendingAlert>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, body, attempts FROM alerts WHERE sent_at IS NULL AND next_attempt <= $1 \
             ORDER BY id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(PendingAlert { id: r.try_get(0)?, body: r.try_get(1)?, attempts: r.try_get(2)? }))
            .collect()
    }

    /// When the next pending alert is due (Unix seconds), if one is pending.
    pub async fn next_alert_due(&self) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar("SELECT MIN(next_attempt) FROM alerts WHERE sent_at IS NULL")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Marks an alert as delivered.
    pub async fn alert_sent(&self, id: i64, now: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE alerts SET sent_at = $1, last_error = NULL WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a failed delivery and when to try again.
    pub async fn alert_failed(&self, id: i64, next_attempt: i64, error: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE alerts SET attempts = attempts + 1, next_attempt = $1, last_error = $2 WHERE id = $3")
            .bind(next_attempt)
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes the checks older than `before` (Unix seconds), except each domain's latest, and the
    /// alerts sent before it; returns the checks deleted.
    pub async fn prune(&self, before: i64) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let deleted = sqlx::query(
            "DELETE FROM checks WHERE checked_at < $1 AND id NOT IN \
             (SELECT MAX(id) FROM checks GROUP BY domain)",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM alerts WHERE sent_at IS NOT NULL AND sent_at < $1")
            .bind(before)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(deleted)
    }

    /// The latest check time of every stored domain.
    pub async fn last_checked(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows =
            sqlx::query("SELECT domain, MAX(checked_at) FROM checks GROUP BY domain").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    }

    /// A domain's stored checks, oldest first (reports included).
    pub async fn history(&self, domain: &str) -> Result<Vec<StoredCheck>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, checked_at, worst, cert_days, complete, report FROM checks WHERE domain = $1 \
             ORDER BY checked_at, id",
        )
        .bind(domain)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_check).collect()
    }

    /// A domain's latest state (none before its first check).
    pub async fn state(&self, domain: &str) -> Result<Option<DomainState>, StoreError> {
        let row = sqlx::query(
            "SELECT id, checked_at, worst, cert_days, complete, report FROM checks WHERE domain = $1 \
             ORDER BY checked_at DESC, id DESC LIMIT 1",
        )
        .bind(domain)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let latest = stored_check(&row)?;
        let checks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checks WHERE domain = $1")
            .bind(domain)
            .fetch_one(&self.pool)
            .await?;
        // The first check after the last one with another worst severity.
        let other: Option<i64> =
            sqlx::query_scalar("SELECT MAX(checked_at) FROM checks WHERE domain = $1 AND worst <> $2 AND complete = 1")
                .bind(domain)
                .bind(severity_word(latest.worst))
                .fetch_one(&self.pool)
                .await?;
        let since: Option<i64> =
            sqlx::query_scalar("SELECT MIN(checked_at) FROM checks WHERE domain = $1 AND checked_at > $2")
                .bind(domain)
                .bind(other.unwrap_or(i64::MIN))
                .fetch_one(&self.pool)
                .await?;
        Ok(Some(DomainState {
            domain: domain.to_owned(),
            checks,
            last_changed: since.unwrap_or(latest.checked_at),
            latest,
        }))
    }

    /// One stored report of a domain.
    pub async fn report(&self, domain: &str, id: i64) -> Result<Option<Report>, StoreError> {
        let json: Option<String> = sqlx::query_scalar("SELECT report FROM checks WHERE domain = $1 AND id = $2")
            .bind(domain)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
    }

    /// SQLite's own consistency check (`ok` when the file is sound); PostgreSQL keeps its own.
    pub async fn integrity_check(&self) -> Result<String, StoreError> {
        match self.backend {
            Backend::Sqlite => Ok(sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&self.pool).await?),
            Backend::Postgres => Ok("ok".into()),
        }
    }

    /// Closes the pool (waits for connections in use).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn open_conditions(conn: &mut sqlx::AnyConnection, domain: &str) -> Result<Vec<OpenCondition>, StoreError> {
    let rows = sqlx::query("SELECT since, last_alerted, condition FROM conditions WHERE domain = $1 ORDER BY key")
        .bind(domain)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            let json: String = r.try_get(2)?;
            Ok(OpenCondition {
                since: r.try_get(0)?,
                last_alerted: r.try_get(1)?,
                condition: serde_json::from_str(&json)?,
            })
        })
        .collect()
}

fn stored_check(r: &AnyRow) -> Result<StoredCheck, StoreError> {
    let worst: String = r.try_get(2)?;
    let complete: i64 = r.try_get(4)?;
    Ok(StoredCheck {
        id: r.try_get(0)?,
        checked_at: r.try_get(1)?,
        worst: serde_json::from_value(serde_json::Value::String(worst))?,
        cert_days: r.try_get(3)?,
        complete: complete != 0,
        report: r.try_get(5)?,
    })
}

/// The severity as stored (its JSON word).
fn severity_word(s: Severity) -> String {
    serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Fewest days left of any certificate the report saw.
pub fn fewest_cert_days(report: &Report) -> Option<i64> {
    report
        .mx
        .iter()
        .flat_map(|h| h.addresses.iter())
        .filter_map(|a| a.certificate.as_ref().map(|c| c.days_until_expiry))
        .min()
}

/// The URL as sqlx takes it: a bare path or `sqlite:` URL becomes a SQLite file created when
/// missing; `postgres://` and `postgresql://` go to PostgreSQL.
fn normalise(url: &str) -> Result<(String, Backend), StoreError> {
    let bad = || StoreError::Url { url: url.to_owned() };
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((url.to_owned(), Backend::Postgres));
    }
    let path = match url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        Some(rest) => rest,
        None if url.contains("://") || url.is_empty() => return Err(bad()),
        None => url,
    };
    if path.is_empty() {
        return Err(bad());
    }
    let sep = if path.contains('?') { '&' } else { '?' };
    let mode = if path.contains("mode=") { String::new() } else { format!("{sep}mode=rwc") };
    Ok((format!("sqlite://{path}{mode}"), Backend::Sqlite))
}

/// The embedded migrations for one backend (the same tables; SQLite and PostgreSQL spell the
/// types differently).
fn migrator(backend: Backend) -> Migrator {
    let sql = match backend {
        Backend::Sqlite => include_str!("../../migrations/sqlite/0001_watch.sql"),
        Backend::Postgres => include_str!("../../migrations/postgres/0001_watch.sql"),
    };
    Migrator {
        migrations: Cow::Owned(vec![Migration::new(
            1,
            Cow::Borrowed("watch"),
            MigrationType::Simple,
            Cow::Borrowed(sql),
            false,
        )]),
        ..Migrator::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(normalise("watch.db").unwrap(), ("sqlite://watch.db?mode=rwc".into(), Backend::Sqlite));
        assert_eq!(normalise("sqlite:///tmp/w.db").unwrap(), ("sqlite:///tmp/w.db?mode=rwc".into(), Backend::Sqlite));
        assert_eq!(normalise("sqlite://w.db?mode=ro").unwrap().0, "sqlite://w.db?mode=ro");
        assert_eq!(normalise("postgres://u@h/db").unwrap().1, Backend::Postgres);
        assert!(normalise("mysql://x").is_err());
        assert!(normalise("").is_err());
    }
}
