//! Counters that survive a restart (migration 8): how often the kiosk reset itself for the
//! next visitor, how often systemd's watchdog had to restart it, how many print jobs failed.
//! The monitoring exports them as Prometheus counters, which must never go down.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// The idle countdown ran out and the kiosk went back to Home for the next visitor.
    IdleReset,
    /// The kiosk was stopped by systemd's watchdog (it had hung) and started again.
    WatchdogRestart,
    /// A print job did not come out (a printer problem, a job that could not finish).
    PrintJobFailed,
}

impl Counter {
    pub const ALL: [Counter; 3] = [Counter::IdleReset, Counter::WatchdogRestart, Counter::PrintJobFailed];

    pub fn name(self) -> &'static str {
        match self {
            Counter::IdleReset => "idle-reset",
            Counter::WatchdogRestart => "watchdog-restart",
            Counter::PrintJobFailed => "print-job-failed",
        }
    }
}

impl Store {
    /// Adds one to a counter.
    pub fn bump(&self, counter: Counter) -> Result<(), StoreError> {
        self.sql(self.conn.execute(
            "INSERT INTO counters (name, value) VALUES (?1, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1",
            params![counter.name()],
        ))?;
        Ok(())
    }

    /// A counter's value (0 before the first count).
    pub fn counter(&self, counter: Counter) -> Result<u64, StoreError> {
        let v: Option<i64> = self.sql(
            self.conn
                .query_row("SELECT value FROM counters WHERE name = ?1", [counter.name()], |r| r.get(0))
                .optional(),
        )?;
        Ok(v.unwrap_or(0).max(0) as u64)
    }

    /// Every page printed since the store was made (the usage table keeps every day).
    pub fn pages_printed_total(&self) -> Result<u64, StoreError> {
        let v: i64 = self.sql(self.conn.query_row(
            "SELECT coalesce(sum(count), 0) FROM usage WHERE event = 'print-pages'",
            [],
            |r| r.get(0),
        ))?;
        Ok(v.max(0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::UsageEvent;

    #[test]
    fn counters_survive_reopening_the_store() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            assert_eq!(store.counter(Counter::IdleReset).unwrap(), 0);
            store.bump(Counter::IdleReset).unwrap();
            store.bump(Counter::IdleReset).unwrap();
            store.bump(Counter::WatchdogRestart).unwrap();
            store.record_usage_on("2026-11-01", UsageEvent::Print { layout: "guide", pages: 3 }).unwrap();
            store.record_usage_on("2026-11-02", UsageEvent::Print { layout: "document", pages: 4 }).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.counter(Counter::IdleReset).unwrap(), 2);
        assert_eq!(store.counter(Counter::WatchdogRestart).unwrap(), 1);
        assert_eq!(store.counter(Counter::PrintJobFailed).unwrap(), 0);
        assert_eq!(store.pages_printed_total().unwrap(), 7);
    }
}
