//! The offline store against a real SQLite file: import, the screens' queries, incremental
//! changes, failed imports that leave the previous content serving, and schema versions.

mod common;

use std::fs;

use common::{demo, demo_copy, edit};
use gongkai_kiosk::content::{self, DocKind, Validity};
use gongkai_kiosk::store::{DocFilter, Facet, ImportError, Item, Store, StoreError};

fn imported() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    store.import_folder(&demo()).unwrap();
    (dir, store)
}

#[test]
fn import_then_query_what_the_screens_need() {
    let (_dir, store) = imported();
    let counts = store.counts().unwrap();
    assert!(counts.documents >= 40);
    assert!(counts.interpretations >= 3);
    assert!(counts.in_force < counts.documents, "some documents are no longer in force");
    assert!(counts.guides >= 6 && counts.boards >= 2 && counts.faqs >= 15);

    // latest: newest first
    let latest = store.latest(10).unwrap();
    assert_eq!(latest.len(), 10);
    assert!(latest.windows(2).all(|w| w[0].published >= w[1].published));

    // catalogue tree by 主题分类, counts include children
    let tree = store.category_tree().unwrap();
    let root_total: u64 = tree.iter().map(|n| n.count).sum();
    assert_eq!(root_total, counts.documents, "every demo document has a 主题分类");
    let zhengwu = tree.iter().find(|n| n.name == "综合政务").expect("综合政务 root");
    assert_eq!(zhengwu.count, zhengwu.children.iter().map(|c| c.count).sum::<u64>());
    let gongkai = zhengwu.children.iter().find(|c| c.name == "政务公开").expect("政务公开 child");
    let filter = DocFilter { category: Some(gongkai.path.clone()), ..Default::default() };
    assert_eq!(store.count_documents(&filter).unwrap(), gongkai.count);
    let parent = DocFilter { category: Some("综合政务".into()), ..Default::default() };
    assert_eq!(store.count_documents(&parent).unwrap(), zhengwu.count, "a category includes its children");

    // facets: key area, publisher, year
    let areas = store.facet(Facet::Area, &DocFilter::default()).unwrap();
    assert!(areas.len() >= 8);
    for a in &areas {
        let f = DocFilter { area: Some(a.value.clone()), ..Default::default() };
        assert_eq!(store.count_documents(&f).unwrap(), a.count, "area {}", a.value);
        assert!(store.documents(&f, 100, 0).unwrap().iter().all(|d| d.area.as_deref() == Some(a.value.as_str())));
    }
    let years = store.facet(Facet::Year, &DocFilter::default()).unwrap();
    assert!(years.windows(2).all(|w| w[0].value > w[1].value), "years newest first");
    assert_eq!(years.iter().map(|y| y.count).sum::<u64>(), counts.documents);
    let publishers = store.facet(Facet::Publisher, &DocFilter::default()).unwrap();
    assert!(publishers.iter().any(|p| p.value == "望川区民政局"));
    let repealed = DocFilter { validity: Some(Validity::Repealed), ..Default::default() };
    assert!(store.documents(&repealed, 10, 0).unwrap().iter().all(|d| d.validity == Validity::Repealed));
    // paging
    let all = store.documents(&DocFilter::default(), 1000, 0).unwrap();
    let page2 = store.documents(&DocFilter::default(), 5, 5).unwrap();
    assert_eq!(&all[5..10], &page2[..]);

    // a policy and its interpretations, both ways
    let policy = store.document("wc-zc-2024-lnzc").unwrap().expect("policy");
    assert_eq!(policy.kind, DocKind::Policy);
    let interps = store.interpretations_of(&policy.id).unwrap();
    let ids: Vec<_> = interps.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["wc-tj-2024-lnzc", "wc-jd-2024-lnzc"]);
    for i in &interps {
        assert_eq!(store.policy_of(&i.id).unwrap().unwrap().id, policy.id);
    }
    assert!(store.policy_of(&policy.id).unwrap().is_none());

    // the infographic's image and the PDF attachment are in the blob directory, intact
    let infographic = store.document("wc-tj-2024-lnzc").unwrap().unwrap();
    let png = &infographic.images[0].blob;
    let bytes = fs::read(store.blobs().path(&png.sha256).unwrap()).unwrap();
    assert_eq!(bytes.len() as u64, png.size);
    assert!(bytes.starts_with(b"\x89PNG"));
    let budget = store.document("wc-ys-2024").unwrap().unwrap();
    assert!(store.blobs().contains(&budget.attachments[0].blob.sha256));

    // guides, boards, FAQ, any item by id
    let guides = store.guides().unwrap();
    assert!(guides[0].disclosure_request, "the 依申请公开 guide comes first");
    assert_eq!(store.disclosure_request_guide().unwrap().unwrap().id, guides[0].id);
    assert!(store.guide("guide-dibao").unwrap().unwrap().steps.len() >= 3);
    assert!(store.boards().unwrap().len() >= 2);
    assert!(!store.board("board-jsjf").unwrap().unwrap().items.is_empty());
    assert!(store.faqs(Some("社会救助")).unwrap().iter().all(|q| q.area.as_deref() == Some("社会救助")));
    assert!(matches!(store.item("guide-jzz").unwrap(), Some(Item::Guide(_))));
    assert!(matches!(store.item("faq-gk-01").unwrap(), Some(Item::Faq(_))));
    assert!(store.item("no-such-id").unwrap().is_none());
    assert!(store.site().unwrap().unwrap().sample);
}

#[test]
fn changes_touch_only_what_changed() {
    let (tmp, src) = demo_copy();
    let data = tmp.path().join("data");
    let mut store = Store::open(&data).unwrap();
    let first = store.import_folder(&src).unwrap();
    assert_eq!(first.version, 1);
    let again = store.import_folder(&src).unwrap();
    assert!(!again.any(), "unchanged source changes nothing: {again:?}");
    assert_eq!(again.version, 1);

    edit(&src.join("docs/culture/library-hours.md"), "9:00—21:00", "9:00—21:30");
    fs::remove_file(src.join("docs/city/water-outage.md")).unwrap();
    let r = store.import_folder(&src).unwrap();
    assert_eq!((r.documents.added, r.documents.changed, r.documents.removed), (0, 1, 1));
    assert_eq!(r.guides.changed + r.boards.changed + r.faqs.changed, 0);
    assert_eq!(r.version, 2);
    assert!(store.document("wc-tz-2024-ts").unwrap().is_none());
    assert!(store.document("wc-gg-2024-tsg").unwrap().unwrap().body.contains("21:30"));

    // the same end state as a fresh import of the same folder
    let fresh_dir = tmp.path().join("fresh");
    let mut fresh = Store::open(&fresh_dir).unwrap();
    fresh.import_folder(&src).unwrap();
    assert_eq!(fresh.snapshot().unwrap().unwrap().content_hash, store.snapshot().unwrap().unwrap().content_hash);
}

#[test]
fn an_unchanged_reimport_writes_only_its_log_line() {
    let (tmp, src) = demo_copy();
    let mut store = Store::open(&tmp.path().join("data")).unwrap();
    store.import_folder(&src).unwrap();
    let before = store.connection().total_changes();
    let again = store.import_folder(&src).unwrap();
    assert!(!again.any(), "unchanged source changes nothing: {again:?}");
    // Every row SQLite inserted, replaced or deleted, the search index's own tables included:
    // only the import log's line, so the index (and every reader's cached view of it) is left
    // as it was.
    assert_eq!(store.connection().total_changes() - before, 1, "rows written by an unchanged re-import");
}

/// The content hash of the rows the store holds, read back from its tables.
fn content_hash_of_rows(store: &Store) -> String {
    let conn = store.connection();
    let site: String = conn.query_row("SELECT hash FROM site WHERE id = 1", [], |r| r.get(0)).unwrap();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for table in ["documents", "guides", "boards", "faqs"] {
        let mut stmt = conn.prepare(&format!("SELECT id, hash FROM {table}")).unwrap();
        pairs.extend(stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap));
    }
    gongkai_kiosk::pack::content_hash(&site, pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())))
}

#[test]
fn the_snapshot_records_the_content_hash_of_the_stored_rows() {
    let (tmp, src) = demo_copy();
    let mut store = Store::open(&tmp.path().join("data")).unwrap();
    let recorded = |store: &Store| store.snapshot().unwrap().unwrap().content_hash;
    store.import_folder(&src).unwrap();
    assert_eq!(recorded(&store), content_hash_of_rows(&store), "first import");
    edit(&src.join("docs/culture/library-hours.md"), "9:00—21:00", "9:00—21:30");
    fs::remove_file(src.join("docs/city/water-outage.md")).unwrap();
    let r = store.import_folder(&src).unwrap();
    assert_eq!((r.documents.changed, r.documents.removed), (1, 1));
    assert_eq!(recorded(&store), content_hash_of_rows(&store), "one changed, one removed");
    store.import_folder(&src).unwrap();
    assert_eq!(recorded(&store), content_hash_of_rows(&store), "unchanged");
}

#[test]
fn a_broken_source_leaves_the_previous_content_serving() {
    let (tmp, src) = demo_copy();
    let mut store = Store::open(&tmp.path().join("data")).unwrap();
    store.import_folder(&src).unwrap();
    let before = store.snapshot().unwrap().unwrap();
    let count = store.counts().unwrap();

    edit(&src.join("docs/culture/library-hours.md"), "9:00—21:00", "8:00—22:00");
    edit(&src.join("guides/dibao.toml"), "fee = \"不收费\"", "fee = \"\"");
    match store.import_folder(&src) {
        Err(ImportError::Source(e)) => assert!(e.to_string().contains("guides/dibao.toml:"), "{e}"),
        other => panic!("expected a source error, got {other:?}"),
    }
    assert_eq!(store.snapshot().unwrap().unwrap(), before);
    assert_eq!(store.counts().unwrap(), count);
    assert!(
        store.document("wc-gg-2024-tsg").unwrap().unwrap().body.contains("9:00—21:00"),
        "the good change in the same import was not applied either"
    );
}

#[test]
fn a_failure_inside_the_transaction_changes_nothing() {
    let (tmp, src) = demo_copy();
    let mut store = Store::open(&tmp.path().join("data")).unwrap();
    store.import_folder(&src).unwrap();
    let before = store.snapshot().unwrap().unwrap();
    let latest = store.latest(50).unwrap();
    // SQLite itself refuses one row late in the import (as a full disk or a damaged page would).
    store
        .connection()
        .execute_batch(
            "CREATE TRIGGER refuse_faq BEFORE INSERT ON faqs WHEN NEW.id = 'faq-new'
             BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;",
        )
        .unwrap();
    edit(&src.join("docs/culture/library-hours.md"), "9:00—21:00", "8:00—22:00");
    let faq = src.join("faq/social.toml");
    let mut text = fs::read_to_string(&faq).unwrap();
    text.push_str("\n[[faq]]\nid = \"faq-new\"\nquestion = \"新问题？\"\nanswer = \"新回答。\"\n");
    fs::write(&faq, text).unwrap();

    let err = store.import_folder(&src).expect_err("the trigger aborts the import");
    assert!(matches!(err, ImportError::Store(StoreError::Sqlite { .. })), "{err:?}");
    assert_eq!(store.snapshot().unwrap().unwrap(), before);
    assert_eq!(store.latest(50).unwrap(), latest);
    assert!(store.document("wc-gg-2024-tsg").unwrap().unwrap().body.contains("9:00—21:00"));
    assert!(store.faq("faq-new").unwrap().is_none());
}

#[test]
fn a_store_from_a_newer_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(dir.path()).unwrap();
        store.import_folder(&demo()).unwrap();
        store.connection().pragma_update(None, "user_version", 99).unwrap();
        store.connection().pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let path = dir.path().join("kiosk.sqlite");
    let digest = |p: &std::path::Path| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(fs::read(p).unwrap()))
    };
    let before = digest(&path);
    let err = Store::open(dir.path()).err().expect("refused");
    let msg = err.to_string();
    assert!(matches!(err, StoreError::NewerSchema { found: 99, .. }), "{msg}");
    assert!(msg.contains("newer gongkai-kiosk") && msg.contains("was not changed"), "{msg}");
    assert!(Store::open_read_only(dir.path()).is_err());
    assert!(digest(&path) == before, "the file is byte-for-byte unchanged");
    assert!(!dir.path().join("kiosk.sqlite-wal").exists(), "no journal was created either");
}

#[test]
fn homes_counts_are_kept_beside_the_snapshot_and_follow_every_change() {
    let (dir, src) = demo_copy();
    let data = dir.path().join("data");
    let mut store = Store::open(&data).unwrap();
    store.import_folder(&src).unwrap();
    // what counting the tables gives
    let counted = |s: &Store| -> Vec<i64> {
        [
            "SELECT count(*) FROM documents",
            "SELECT count(*) FROM documents WHERE kind = 'interpretation'",
            "SELECT count(*) FROM documents WHERE validity = 'valid'",
            "SELECT count(*) FROM guides",
            "SELECT count(*) FROM boards",
            "SELECT count(*) FROM faqs",
        ]
        .iter()
        .map(|q| s.connection().query_row(q, [], |r| r.get(0)).unwrap())
        .collect()
    };
    let home = |s: &Store| -> Vec<i64> {
        let c = s.counts().unwrap();
        [c.documents, c.interpretations, c.in_force, c.guides, c.boards, c.faqs].iter().map(|&n| n as i64).collect()
    };
    assert_eq!(home(&store), counted(&store));
    // the counts are read from their row, not counted at every start (a cold start at
    // 500,000 documents spent most of its time counting)
    store.connection().execute("UPDATE snapshot_counts SET guides = 12345", []).unwrap();
    assert_eq!(store.counts().unwrap().guides, 12345);
    // a change of content writes them again: the two documents of docs/culture removed
    fs::remove_dir_all(src.join("docs/culture")).unwrap();
    let before = counted(&store);
    store.import_folder(&src).unwrap();
    assert_eq!(home(&store), counted(&store));
    assert_eq!(counted(&store)[0], before[0] - 2);
    // a store from before the counts were kept gets them when it is opened
    store.connection().execute_batch("DROP TABLE snapshot_counts; PRAGMA user_version = 11;").unwrap();
    drop(store);
    let store = Store::open(&data).unwrap();
    assert_eq!(home(&store), counted(&store));
    let ro = Store::open_read_only(&data).unwrap();
    assert_eq!(home(&ro), counted(&store));
}

#[test]
fn migrations_run_from_an_empty_file_and_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    // an empty SQLite file is schema version 0
    rusqlite::Connection::open(dir.path().join("kiosk.sqlite"))
        .unwrap()
        .execute_batch("PRAGMA user_version = 0;")
        .unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert!(store.schema_version().unwrap() >= 1);
    assert!(store.snapshot().unwrap().is_none());
    drop(store);
    // opening again migrates nothing and keeps the version
    let again = Store::open(dir.path()).unwrap();
    assert!(again.schema_version().unwrap() >= 1);
    // a read-only open of a fresh, migrated store works
    let ro = Store::open_read_only(dir.path()).unwrap();
    assert_eq!(ro.counts().unwrap().documents, 0);
}

#[test]
fn read_only_store_sees_the_old_snapshot_until_commit() {
    let (tmp, src) = demo_copy();
    let data = tmp.path().join("data");
    let mut writer = Store::open(&data).unwrap();
    writer.import_folder(&src).unwrap();
    let reader = Store::open_read_only(&data).unwrap();
    let before = reader.counts().unwrap();
    fs::remove_file(src.join("docs/city/water-outage.md")).unwrap();
    let set = content::load(&src).unwrap();
    writer.apply(&set, "test").unwrap();
    assert_eq!(reader.counts().unwrap().documents, before.documents - 1, "a new read sees the new snapshot");
    assert!(reader.snapshot().unwrap().unwrap().version == 2);
}

#[test]
fn blob_names_cannot_escape_the_blob_directory() {
    let (_dir, store) = imported();
    assert!(store.blobs().path("../../etc/passwd").is_none());
    assert!(store.blobs().path(&"A".repeat(64)).is_none());
    assert!(store.blobs().path(&"a".repeat(64)).is_some());
}

#[test]
fn a_store_from_before_the_folding_fix_gets_its_search_index_rebuilt() {
    let (dir, store) = imported();
    let count = |s: &Store, sql: &str| -> i64 { s.connection().query_row(sql, [], |r| r.get(0)).unwrap() };
    let items = count(
        &store,
        "SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM guides) + (SELECT count(*) FROM faqs)",
    );
    assert_eq!(count(&store, "SELECT count(*) FROM search_items"), items);
    // an index written by schema version 9's folding: here, stale and partial
    store.connection().execute_batch("DELETE FROM search_items WHERE rowid % 2 = 0; PRAGMA user_version = 9;").unwrap();
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    assert!(store.schema_version().unwrap() >= 10);
    assert_eq!(count(&store, "SELECT count(*) FROM search_items"), items, "the whole index is written again");
    // and one written by version 10's (Taiwan vocabulary replaced in simplified text too)
    store
        .connection()
        .execute_batch("DELETE FROM search_items WHERE rowid % 2 = 0; PRAGMA user_version = 10;")
        .unwrap();
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    assert!(store.schema_version().unwrap() >= 11);
    assert_eq!(count(&store, "SELECT count(*) FROM search_items"), items, "the whole index is written again");
}

#[test]
fn parts_of_the_kiosk_opening_an_old_store_at_once_upgrade_it_once_and_all_succeed() {
    // the window's first task, a background sync and a CLI command can open a store from an
    // older version at the same moment: each migration step and the index rebuild run once
    let (dir, store) = imported();
    let count = |s: &Store, sql: &str| -> i64 { s.connection().query_row(sql, [], |r| r.get(0)).unwrap() };
    let items = count(&store, "SELECT count(*) FROM search_items");
    // as schema version 8 left it: no index of the zero-result log (migration 9 creates it, and
    // creating it twice is an error), and a search index that migration 10 empties
    store.connection().execute_batch("DROP INDEX zero_result_queries_day; PRAGMA user_version = 8;").unwrap();
    drop(store);
    for round in 0..5 {
        if round > 0 {
            let s = Store::open(dir.path()).unwrap();
            s.connection().execute_batch("DROP INDEX zero_result_queries_day; PRAGMA user_version = 8;").unwrap();
        }
        let start = std::sync::Arc::new(std::sync::Barrier::new(4));
        let openers: Vec<_> = (0..4)
            .map(|_| {
                let (dir, start) = (dir.path().to_path_buf(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    Store::open(&dir).map(|s| s.schema_version().unwrap()).map_err(|e| e.to_string())
                })
            })
            .collect();
        let fresh = tempfile::tempdir().unwrap();
        let latest = Store::open(fresh.path()).unwrap().schema_version().unwrap();
        for o in openers {
            assert_eq!(o.join().unwrap(), Ok(latest), "round {round}");
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(count(&store, "SELECT count(*) FROM search_items"), items, "round {round}: indexed once, whole");
    }
}
