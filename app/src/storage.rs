//! Reports kept in the browser, if the user wants: an index of entries (newest first, capped at
//! [`CAP`]) and one key per report, in `localStorage`. The logic runs over the small
//! [`KeyValue`] trait, so capping, ordering and running out of quota are tested natively; the
//! browser's storage implements it in the hydrate build. Nothing here reaches the server.

use serde::{Deserialize, Serialize};

use mxray_report::model::finding::Severity;
use mxray_report::model::report::Report;
use mxray_report::render;

/// How many reports are kept at most.
pub const CAP: usize = 20;
/// The index: a JSON array of [`Entry`], newest first.
const INDEX_KEY: &str = "mxray.reports";
/// `"0"` when the user chose not to keep reports.
const KEEP_KEY: &str = "mxray.keep";
/// Prefix of each report's key (followed by the entry's id).
const REPORT_PREFIX: &str = "mxray.report.";

/// What the list of kept reports shows of one report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// `{domain}@{checked_at}`: one check of one domain.
    pub id: String,
    /// The domain checked.
    pub domain: String,
    /// When the check ran (RFC 3339).
    pub checked_at: String,
    /// The worst severity found.
    pub verdict: Severity,
}

impl Entry {
    /// The entry of a report.
    pub fn of(report: &Report) -> Entry {
        Entry {
            id: format!("{}@{}", report.domain, report.checked_at),
            domain: report.domain.clone(),
            checked_at: report.checked_at.clone(),
            verdict: report.worst_severity(),
        }
    }
}

/// Why a value could not be stored.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The storage is full, even with every older report removed.
    #[error("the browser's storage is full")]
    Quota,
    /// The browser refuses storage (e.g. disabled for this site).
    #[error("the browser's storage is not available: {0}")]
    Unavailable(String),
}

/// A string store such as `localStorage`.
pub trait KeyValue {
    /// The value under `key`.
    fn get(&self, key: &str) -> Option<String>;
    /// Stores `value` under `key`.
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;
    /// Removes `key`.
    fn remove(&self, key: &str);
}

/// A report was stored; older ones may have made room for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// The index after storing, newest first.
    pub entries: Vec<Entry>,
    /// How many older reports were removed because the storage was full.
    pub evicted_for_space: usize,
}

/// The kept reports in a store.
#[derive(Debug)]
pub struct Shelf<S> {
    store: S,
}

/// Puts `entry` first (replacing an entry with its id) and cuts the list to `cap`; returns the
/// list and the entries cut off.
pub fn admit(mut entries: Vec<Entry>, entry: Entry, cap: usize) -> (Vec<Entry>, Vec<Entry>) {
    entries.retain(|e| e.id != entry.id);
    entries.insert(0, entry);
    let cut = entries.split_off(cap.max(1).min(entries.len()));
    (entries, cut)
}

impl<S: KeyValue> Shelf<S> {
    /// The shelf over a store.
    pub fn new(store: S) -> Self {
        Shelf { store }
    }

    /// The kept reports, newest first (none when the index is missing or unreadable).
    pub fn entries(&self) -> Vec<Entry> {
        self.store.get(INDEX_KEY).and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default()
    }

    /// Whether new reports are kept (yes unless the user said no).
    pub fn keep(&self) -> bool {
        self.store.get(KEEP_KEY).as_deref() != Some("0")
    }

    /// Remembers whether to keep new reports.
    pub fn set_keep(&self, keep: bool) -> Result<(), StoreError> {
        self.store.set(KEEP_KEY, if keep { "1" } else { "0" })
    }

    /// The kept report with this id, if it is there and still reads as a report.
    pub fn open(&self, id: &str) -> Option<Report> {
        render::import(&self.store.get(&report_key(id))?).ok()
    }

    /// Keeps a report as the newest, removing the oldest beyond [`CAP`] and, when the storage is
    /// full, as many older ones as it takes to make room.
    pub fn save(&self, report: &Report) -> Result<Stored, StoreError> {
        // The export's pretty JSON: one serializer in the WASM for both.
        let json = render::json::render(report);
        let entry = Entry::of(report);
        let (mut entries, cut) = admit(self.entries(), entry.clone(), CAP);
        cut.iter().for_each(|e| self.store.remove(&report_key(&e.id)));
        let mut evicted_for_space = 0;
        let mut write = |key: &str, value: &dyn Fn(&[Entry]) -> String| loop {
            match self.store.set(key, &value(&entries)) {
                Err(StoreError::Quota) if entries.len() > 1 => {
                    let oldest = entries.pop().expect("more than one entry");
                    self.store.remove(&report_key(&oldest.id));
                    evicted_for_space += 1;
                }
                Err(StoreError::Quota) => {
                    self.store.remove(&report_key(&entry.id));
                    return Err(StoreError::Quota);
                }
                other => return other,
            }
        };
        write(&report_key(&entry.id), &|_| json.clone())?;
        write(INDEX_KEY, &|entries| serde_json::to_string(entries).unwrap_or_else(|_| "[]".into()))?;
        Ok(Stored { entries, evicted_for_space })
    }

    /// Removes one kept report; returns the index after.
    pub fn delete(&self, id: &str) -> Result<Vec<Entry>, StoreError> {
        let mut entries = self.entries();
        entries.retain(|e| e.id != id);
        self.store.set(INDEX_KEY, &serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into()))?;
        self.store.remove(&report_key(id));
        Ok(entries)
    }

    /// Removes every kept report.
    pub fn clear(&self) {
        self.entries().iter().for_each(|e| self.store.remove(&report_key(&e.id)));
        self.store.remove(INDEX_KEY);
    }
}

fn report_key(id: &str) -> String {
    format!("{REPORT_PREFIX}{id}")
}

/// The browser's `localStorage`.
#[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
#[derive(Debug)]
pub struct LocalStorage(web_sys::Storage);

/// No storage outside the browser: [`LocalStorage::open`] finds none.
#[cfg(not(all(target_arch = "wasm32", feature = "hydrate")))]
#[derive(Debug)]
pub enum LocalStorage {}

impl LocalStorage {
    /// The shelf in this browser's `localStorage`, if the browser allows it.
    pub fn open() -> Option<Shelf<LocalStorage>> {
        #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
        {
            web_sys::window()?.local_storage().ok().flatten().map(|s| Shelf::new(LocalStorage(s)))
        }
        #[cfg(not(all(target_arch = "wasm32", feature = "hydrate")))]
        None
    }
}

#[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
impl KeyValue for LocalStorage {
    fn get(&self, key: &str) -> Option<String> {
        self.0.get_item(key).ok().flatten()
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.0.set_item(key, value).map_err(|e| {
            let name = js_sys::Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string());
            match name.as_deref() {
                Some("QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED") => StoreError::Quota,
                _ => StoreError::Unavailable(name.unwrap_or_else(|| format!("{e:?}"))),
            }
        })
    }

    fn remove(&self, key: &str) {
        let _ = self.0.remove_item(key);
    }
}

#[cfg(not(all(target_arch = "wasm32", feature = "hydrate")))]
impl KeyValue for LocalStorage {
    fn get(&self, _: &str) -> Option<String> {
        match *self {}
    }

    fn set(&self, _: &str, _: &str) -> Result<(), StoreError> {
        match *self {}
    }

    fn remove(&self, _: &str) {
        match *self {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mxray_report::render::fixtures::sample;
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    /// A store that holds at most `quota` bytes of values, like a browser's.
    struct Memory {
        values: RefCell<BTreeMap<String, String>>,
        quota: usize,
    }

    impl Memory {
        fn with_quota(quota: usize) -> Self {
            Memory { values: RefCell::default(), quota }
        }

        fn report_keys(&self) -> usize {
            self.values.borrow().keys().filter(|k| k.starts_with(REPORT_PREFIX)).count()
        }
    }

    impl KeyValue for Memory {
        fn get(&self, key: &str) -> Option<String> {
            self.values.borrow().get(key).cloned()
        }

        fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
            let others: usize = self.values.borrow().iter().filter(|(k, _)| *k != key).map(|(_, v)| v.len()).sum();
            if others + value.len() > self.quota {
                return Err(StoreError::Quota);
            }
            self.values.borrow_mut().insert(key.to_owned(), value.to_owned());
            Ok(())
        }

        fn remove(&self, key: &str) {
            self.values.borrow_mut().remove(key);
        }
    }

    fn checked(domain: &str, minute: u32) -> Report {
        let mut r = sample();
        r.domain = domain.into();
        r.checked_at = format!("2026-11-27T10:{minute:02}:00Z");
        r
    }

    fn ids(entries: &[Entry]) -> Vec<&str> {
        entries.iter().map(|e| e.id.as_str()).collect()
    }

    #[test]
    fn admit_puts_the_newest_first_replaces_the_same_check_and_caps() {
        let e = |id: &str| Entry { id: id.into(), domain: "d".into(), checked_at: "t".into(), verdict: Severity::Ok };
        let (list, cut) = admit(vec![e("b"), e("a")], e("c"), 3);
        assert_eq!(ids(&list), ["c", "b", "a"]);
        assert!(cut.is_empty());
        let (list, cut) = admit(list, e("a"), 3);
        assert_eq!(ids(&list), ["a", "c", "b"], "the same check moves to the top, once");
        assert!(cut.is_empty());
        let (list, cut) = admit(list, e("d"), 3);
        assert_eq!((ids(&list), ids(&cut)), (vec!["d", "a", "c"], vec!["b"]));
    }

    #[test]
    fn keeps_reports_newest_first_up_to_the_cap_and_reads_them_back() {
        let shelf = Shelf::new(Memory::with_quota(usize::MAX));
        assert!(shelf.entries().is_empty());
        for minute in 0..(CAP as u32 + 3) {
            shelf.save(&checked("example.com", minute)).unwrap();
        }
        let entries = shelf.entries();
        assert_eq!(entries.len(), CAP);
        assert_eq!(entries[0].checked_at, format!("2026-11-27T10:{:02}:00Z", CAP + 2));
        assert_eq!(entries[CAP - 1].checked_at, "2026-11-27T10:03:00Z");
        assert_eq!(shelf.store.report_keys(), CAP, "reports cut from the index are removed too");
        assert_eq!(shelf.open(&entries[0].id), Some(checked("example.com", CAP as u32 + 2)));
        assert_eq!(entries[0].verdict, sample().worst_severity());
        assert_eq!(shelf.open("example.com@2026-11-27T10:00:00Z"), None);
    }

    #[test]
    fn a_full_storage_drops_the_oldest_until_the_new_report_fits() {
        let size = render::json::render(&checked("example.com", 0)).len();
        let shelf = Shelf::new(Memory::with_quota(size * 3 + size / 2));
        for minute in 0..3 {
            assert_eq!(shelf.save(&checked("example.com", minute)).unwrap().evicted_for_space, 0);
        }
        let stored = shelf.save(&checked("example.com", 3)).unwrap();
        assert!(stored.evicted_for_space >= 1, "{stored:?}");
        assert_eq!(stored.entries[0].checked_at, "2026-11-27T10:03:00Z");
        assert!(!ids(&stored.entries).contains(&"example.com@2026-11-27T10:00:00Z"));
        assert_eq!(shelf.entries(), stored.entries);
        assert_eq!(shelf.store.report_keys(), stored.entries.len());
    }

    #[test]
    fn a_report_larger_than_the_storage_is_refused_and_leaves_nothing_behind() {
        let shelf = Shelf::new(Memory::with_quota(100));
        assert_eq!(shelf.save(&checked("example.com", 0)), Err(StoreError::Quota));
        assert!(shelf.entries().is_empty());
        assert_eq!(shelf.store.report_keys(), 0);
    }

    #[test]
    fn deletes_one_or_all_and_remembers_the_choice_to_keep() {
        let shelf = Shelf::new(Memory::with_quota(usize::MAX));
        assert!(shelf.keep(), "kept unless the user says no");
        shelf.set_keep(false).unwrap();
        assert!(!shelf.keep());
        for (domain, minute) in [("a.example", 1), ("b.example", 2), ("a.example", 3)] {
            shelf.save(&checked(domain, minute)).unwrap();
        }
        let left = shelf.delete("b.example@2026-11-27T10:02:00Z").unwrap();
        assert_eq!(ids(&left), ["a.example@2026-11-27T10:03:00Z", "a.example@2026-11-27T10:01:00Z"]);
        assert_eq!(shelf.store.report_keys(), 2);
        shelf.clear();
        assert!(shelf.entries().is_empty());
        assert_eq!(shelf.store.report_keys(), 0);
        assert!(!shelf.keep(), "clearing the reports keeps the choice");
    }

    #[test]
    fn a_damaged_index_or_report_reads_as_missing() {
        let shelf = Shelf::new(Memory::with_quota(usize::MAX));
        shelf.store.set(INDEX_KEY, "not json").unwrap();
        assert!(shelf.entries().is_empty());
        shelf.store.set(&report_key("x"), "{\"schema\":\"mxray.report.v1\"}").unwrap();
        assert_eq!(shelf.open("x"), None);
    }
}
