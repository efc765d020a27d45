//! Search against the demo content in a real store: the issue's own checks, recall against a
//! brute-force scan, incremental indexing, filters, and no dead ends.

mod common;

use std::collections::BTreeSet;
use std::fs;

use common::{demo, demo_copy, edit};
use gongkai_kiosk::content::{DocKind, ItemKind, markdown};
use gongkai_kiosk::search::{SearchFilter, Searcher};
use gongkai_kiosk::store::{DocFilter, Store, document_text};
use gongkai_kiosk::text::fold::fold_str;

fn demo_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    store.import_folder(&demo()).unwrap();
    (dir, store)
}

/// A valid notice of 测试局 published 2024-01-01, with nothing else set.
fn notice(id: String, title: String) -> gongkai_kiosk::content::Document {
    let published = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    gongkai_kiosk::content::Document::new(id, DocKind::Notice, title, "测试局".into(), published, String::new())
}

fn ids(store: &Store, q: &str) -> Vec<String> {
    let s = Searcher::new(store).unwrap();
    s.search(store, q, &SearchFilter::default(), 1000, 0).unwrap().hits.into_iter().map(|h| h.id).collect()
}

#[test]
fn disclosure_request_found_by_chinese_traditional_and_initials() {
    let (_d, store) = demo_store();
    for q in ["依申请公开", "依申請公開", "ysqgk"] {
        let top: Vec<String> = ids(&store, q).into_iter().take(3).collect();
        assert_eq!(top[0], "guide-ysqgk", "{q}: the 依申请公开 guide first, got {top:?}");
        assert!(top.contains(&"wc-gkzn-2024".to_string()), "{q}: the disclosure guide document in the top 3: {top:?}");
    }
}

#[test]
fn two_character_queries_find_every_document_containing_them() {
    let (_d, store) = demo_store();
    let docs = store.documents(&DocFilter::default(), 1000, 0).unwrap();
    let texts: Vec<(String, String)> = docs
        .iter()
        .map(|s| {
            let d = store.document(&s.id).unwrap().unwrap();
            let (t, b) = document_text(&d);
            (d.id, fold_str(&format!("{t}\n{b}")))
        })
        .collect();
    let s = Searcher::new(&store).unwrap();
    let filter = SearchFilter { item: Some(ItemKind::Document), ..Default::default() };
    for q in [
        "补贴", "公开", "标准", "老年", "申请", "住房", "教育", "税务", "街道", "居民", "证明", "通知", "资金", "臺灣",
        "办法",
    ] {
        let expected: BTreeSet<String> =
            texts.iter().filter(|(_, t)| t.contains(&fold_str(q))).map(|(id, _)| id.clone()).collect();
        let got: BTreeSet<String> =
            s.search(&store, q, &filter, 1000, 0).unwrap().hits.into_iter().map(|h| h.id).collect();
        assert_eq!(got, expected, "query {q}");
    }
    // one character: every occurrence, including at the end of a run
    for q in ["税", "粮", "臺", "号"] {
        let expected: BTreeSet<String> =
            texts.iter().filter(|(_, t)| t.contains(&fold_str(q))).map(|(id, _)| id.clone()).collect();
        let got: BTreeSet<String> =
            s.search(&store, q, &filter, 1000, 0).unwrap().hits.into_iter().map(|h| h.id).collect();
        assert_eq!(got, expected, "one-character query {q}");
        assert!(!expected.is_empty() || q == "粮");
    }
}

#[test]
fn traditional_document_found_by_simplified_query_in_its_own_characters() {
    let (_d, store) = demo_store();
    let s = Searcher::new(&store).unwrap();
    let r = s.search(&store, "港澳台居民居住证", &SearchFilter::default(), 5, 0).unwrap();
    let hit = r.hits.iter().find(|h| h.id == "wc-zn-2024-gat").expect("found");
    assert_eq!(hit.title.marked(), "【港澳臺居民居住證】申領須知");
    let r = s.search(&store, "合法稳定就业", &SearchFilter::default(), 5, 0).unwrap();
    let hit = r.hits.iter().find(|h| h.id == "wc-zn-2024-gat").expect("found by body");
    assert!(hit.snippet.as_ref().unwrap().marked().contains("【合法穩定就業】"), "{:?}", hit.snippet);
    // vocabulary differences fold too: 資訊 → 信息
    assert!(ids(&store, "政府資訊公開").contains(&"wc-gkzn-2024".to_string()));
}

#[test]
fn instant_results_while_typing() {
    let (_d, store) = demo_store();
    let s = Searcher::new(&store).unwrap();
    for (q, spelled) in [
        ("zfxxgk", "政府信息公开"),
        ("zhengfuxxgk", "政府信息公开"),
        ("zhengfuxinxigongkai", "政府信息公开"),
        ("政府信息", "政府信息"),
    ] {
        let hits = s.instant(&store, q, 8).unwrap();
        assert!(hits.len() >= 3, "{q}");
        assert!(hits.iter().all(|h| fold_str(&h.title.text).contains(spelled)), "{q}: {hits:?}");
        assert!(hits.iter().all(|h| !h.title.highlights.is_empty()), "{q}: every title shows what matched");
    }
    let hits = s.instant(&store, "jzz", 8).unwrap();
    assert!(hits.iter().any(|h| h.id == "guide-jzz"), "guide names by initials");
    assert!(hits.iter().any(|h| h.id == "wc-zn-2024-gat"), "traditional titles by initials");
    let hits = s.instant(&store, "dib", 8).unwrap();
    assert!(hits.iter().any(|h| h.title.text.contains("低保")), "still typing the second syllable");
}

#[test]
fn filters_and_counts() {
    let (_d, store) = demo_store();
    let s = Searcher::new(&store).unwrap();
    let all = s.search(&store, "补贴", &SearchFilter::default(), 1000, 0).unwrap();
    let item_total: u64 = all.counts.item.iter().map(|(_, n)| n).sum();
    assert_eq!(item_total, all.total);
    let policies = SearchFilter::any(DocFilter { kind: Some(DocKind::Policy), ..Default::default() });
    let r = s.search(&store, "补贴", &policies, 1000, 0).unwrap();
    assert!(r.total > 0);
    assert!(r.hits.iter().all(|h| h.kind == Some(DocKind::Policy)));
    let policy_count = all.counts.kind.iter().find(|(k, _)| k == "policy").unwrap().1;
    assert_eq!(r.total, policy_count, "the count shown for a filter is what choosing it gives");
    let area = SearchFilter::any(DocFilter { area: Some("涉农补贴".into()), ..Default::default() });
    let r = s.search(&store, "补贴", &area, 1000, 0).unwrap();
    assert_eq!(r.total, all.counts.area.iter().find(|(a, _)| a == "涉农补贴").unwrap().1);
    // counts for other values of the same filter stay visible while it is set
    assert!(r.counts.area.len() > 1);
    // valid documents rank above repealed ones with the same words
    let r = s.search(&store, "公共租赁住房管理办法", &SearchFilter::default(), 10, 0).unwrap();
    let pos = |id: &str| r.hits.iter().position(|h| h.id == id).unwrap();
    assert!(pos("wc-gf-2023-gzf") < pos("wc-gf-2019-gzf"), "有效 above 废止");
    // paging
    let page2 = s.search(&store, "补贴", &SearchFilter::default(), 3, 3).unwrap();
    assert_eq!(
        page2.hits.iter().map(|h| &h.id).collect::<Vec<_>>(),
        all.hits[3..6].iter().map(|h| &h.id).collect::<Vec<_>>()
    );
}

#[test]
fn no_dead_ends_and_nothing_personal_recorded() {
    let (_d, store) = demo_store();
    let s = Searcher::new(&store).unwrap();
    let r = s.search(&store, "低保 火星", &SearchFilter::default(), 10, 0).unwrap();
    assert_eq!(r.total, 0);
    assert!(r.suggestions.iter().any(|x| x.query == "低保" && x.total > 0), "{:?}", r.suggestions);
    assert!(r.related.iter().any(|h| h.id == "guide-dibao"), "{:?}", r.related);
    assert!(r.related.iter().any(|h| h.item == ItemKind::Faq));
    assert!(Searcher::record_zero_result(&store, "低保 火星").unwrap());
    assert!(Searcher::record_zero_result(&store, "低保 火星").unwrap());
    assert!(!Searcher::record_zero_result(&store, "张三 110101199003071234").unwrap(), "an ID number is never kept");
    assert!(!Searcher::record_zero_result(&store, "13812345678").unwrap(), "a phone number is never kept");
    assert!(!Searcher::record_zero_result(&store, "me@example.com").unwrap());
    let rows: Vec<(String, i64)> = {
        let mut stmt = store.connection().prepare("SELECT query, count FROM zero_result_queries").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(rows, vec![("低保 火星".to_string(), 2)]);
}

#[test]
fn indexing_follows_each_change_inside_the_import() {
    let (tmp, src) = demo_copy();
    let mut store = Store::open(&tmp.path().join("data")).unwrap();
    store.import_folder(&src).unwrap();
    let rowids = |store: &Store| -> Vec<(String, i64)> {
        let mut stmt = store.connection().prepare("SELECT id, rowid FROM search_items ORDER BY id").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let before = rowids(&store);
    assert!(ids(&store, "延长开放时间").contains(&"wc-gg-2024-tsg".to_string()));

    edit(&src.join("docs/culture/library-hours.md"), "延长开放时间", "调整开放时间");
    edit(&src.join("docs/culture/library-hours.md"), "少儿阅览室", "星空阅览室");
    fs::remove_file(src.join("docs/city/water-outage.md")).unwrap();
    let mut faq = fs::read_to_string(src.join("faq/social.toml")).unwrap();
    faq.push_str("\n[[faq]]\nid = \"faq-new\"\nquestion = \"图书馆周一开门吗？\"\nanswer = \"周一闭馆整理，法定节假日照常开放。\"\n");
    fs::write(src.join("faq/social.toml"), faq).unwrap();
    store.import_folder(&src).unwrap();

    assert!(ids(&store, "星空阅览室").contains(&"wc-gg-2024-tsg".to_string()), "changed text is found");
    assert!(!ids(&store, "少儿阅览室").contains(&"wc-gg-2024-tsg".to_string()), "old text is gone");
    assert!(ids(&store, "东岭片区").is_empty(), "a removed document is gone from the index");
    assert_eq!(ids(&store, "闭馆整理").first().map(String::as_str), Some("faq-new"));
    let after = rowids(&store);
    // unchanged items keep their index rows: only changed ones were rewritten
    let unchanged = before.iter().filter(|(id, _)| id != "wc-gg-2024-tsg" && id != "wc-tz-2024-ts");
    for (id, rowid) in unchanged {
        assert!(after.contains(&(id.clone(), *rowid)), "{id} was not touched");
    }
    // the same as a fresh index of the same content
    let fresh_dir = tmp.path().join("fresh");
    let mut fresh = Store::open(&fresh_dir).unwrap();
    fresh.import_folder(&src).unwrap();
    for q in ["补贴", "星空", "ysqgk", "税"] {
        let mut a = ids(&store, q);
        let mut b = ids(&fresh, q);
        a.sort();
        b.sort();
        assert_eq!(a, b, "{q}");
    }
}

#[test]
fn a_store_without_an_index_builds_it_on_open() {
    let (dir, store) = demo_store();
    store.connection().execute_batch("DELETE FROM search_fts; DELETE FROM search_items;").unwrap();
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(ids(&store, "依申请公开")[0], "guide-ysqgk");
}

#[test]
fn snippets_come_from_the_body_with_highlights() {
    let (_d, store) = demo_store();
    let s = Searcher::new(&store).unwrap();
    let r = s.search(&store, "送餐", &SearchFilter::default(), 10, 0).unwrap();
    let hit = r.hits.iter().find(|h| h.id == "wc-zc-2024-lnzc").unwrap();
    let sn = hit.snippet.as_ref().unwrap();
    assert!(sn.marked().contains("【送餐】"), "{}", sn.marked());
    for h in &sn.highlights {
        assert_eq!(&sn.text[h.clone()], "送餐");
    }
    let body = markdown::plain_text(&store.document("wc-zc-2024-lnzc").unwrap().unwrap().body);
    assert!(body.contains("送餐"));
}

/// With many matches, a filter that leaves only a few of them is still answered completely
/// (the ranked head of all matches would not contain them).
#[test]
fn a_narrow_filter_over_many_matches_finds_everything() {
    use gongkai_kiosk::content::{ContentSet, Document, Site};
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let doc = |i: usize, area: &str, body: String| Document {
        area: Some(area.into()),
        body,
        ..notice(format!("g{i}"), format!("第{i}号补贴补贴补贴通知"))
    };
    let mut documents: Vec<Document> = (0..300).map(|i| doc(i, "就业", "补贴发放。".repeat(20))).collect();
    // three documents in another area that mention the word only once, far down the ranking
    for i in 300..303 {
        documents.push(Document {
            title: format!("第{i}号通知"),
            ..doc(i, "救灾", "本文件顺带提到补贴一次。".to_string() + &"其他内容。".repeat(200))
        });
    }
    let set =
        ContentSet { site: Site { name: "测试".into(), ..Default::default() }, documents, ..Default::default() };
    store.apply(&set, "test").unwrap();
    let s = Searcher::new(&store).unwrap();
    let all = s.search(&store, "补贴", &SearchFilter::default(), 10, 0).unwrap();
    assert_eq!(all.total, 303);
    let narrow_ids = ["g300", "g301", "g302"];
    assert!(all.hits.iter().all(|h| !narrow_ids.contains(&h.id.as_str())), "the narrow ones are not on the first page");
    let narrow = SearchFilter::any(DocFilter { area: Some("救灾".into()), ..Default::default() });
    let r = s.search(&store, "补贴", &narrow, 10, 0).unwrap();
    assert_eq!(r.total, 3);
    let got: BTreeSet<String> = r.hits.into_iter().map(|h| h.id).collect();
    assert_eq!(got, narrow_ids.iter().map(|s| s.to_string()).collect());
    assert_eq!(all.counts.area.iter().find(|(a, _)| a == "救灾").map(|x| x.1), Some(3));
}

#[test]
fn many_matches_rank_title_matches_first_and_count_everything() {
    let (_d, store) = demo_store();
    let exact = Searcher::new(&store).unwrap();
    // The tier path, as a large corpus takes it: every match counted, title matches on top.
    let tiered = Searcher::new(&store).unwrap().with_exact_rank_limit(0);
    for q in ["公开", "服务", "补贴", "区"] {
        let a = exact.search(&store, q, &SearchFilter::default(), 1000, 0).unwrap();
        let b = tiered.search(&store, q, &SearchFilter::default(), 1000, 0).unwrap();
        assert_eq!(a.total, b.total, "{q}: same matches");
        assert_eq!(a.counts, b.counts, "{q}: same counts");
        let set =
            |r: &gongkai_kiosk::search::SearchResults| r.hits.iter().map(|h| h.id.clone()).collect::<BTreeSet<_>>();
        assert_eq!(set(&a), set(&b), "{q}: same results, maybe in another order");
        let folded_q = fold_str(q);
        // the title column: a document's title with its 文号 and keywords; a guide's name; a question
        let title_text = |id: &str, title: &str| match store.document(id).unwrap() {
            Some(d) => document_text(&d).0,
            None => title.to_string(),
        };
        let in_title: Vec<bool> =
            b.hits.iter().map(|h| fold_str(&title_text(&h.id, &h.title.text)).contains(&folded_q)).collect();
        let first_body_only = in_title.iter().position(|t| !t).unwrap_or(in_title.len());
        assert!(
            in_title[first_body_only..].iter().all(|t| !t),
            "{q}: every title match before the body-only matches: {in_title:?}"
        );
        assert!(first_body_only > 0, "{q}: some title matches");
    }
}

#[test]
fn the_catalogues_category_narrows_search_as_it_narrows_the_catalogue() {
    let (_d, store) = demo_store();
    let s = Searcher::new(&store).unwrap();
    // a top-level 主题分类 takes in everything below it, as in the catalogue
    for path in ["城乡建设、环境保护", "城乡建设、环境保护\\住房保障"] {
        let doc = DocFilter { category: Some(path.into()), ..Default::default() };
        let in_catalogue: BTreeSet<String> =
            store.documents(&doc, 1000, 0).unwrap().into_iter().map(|d| d.id).collect();
        assert!(!in_catalogue.is_empty(), "{path}");
        let all = s.search(&store, "望川", &SearchFilter::default(), 1000, 0).unwrap();
        let r = s.search(&store, "望川", &SearchFilter::any(doc.clone()), 1000, 0).unwrap();
        assert!(r.total > 0 && r.total < all.total, "{path}: {} of {}", r.total, all.total);
        assert_eq!(r.hits.len() as u64, r.total);
        for h in &r.hits {
            assert!(in_catalogue.contains(&h.id), "{path}: {} is not in the category", h.id);
        }
        // instant search and related items rank inside SQLite with the same filter
        let docs_only = SearchFilter::documents(doc);
        assert_eq!(s.search(&store, "望川", &docs_only, 1000, 0).unwrap().total, r.total);
    }
}

/// Issue 20: the pinyin index holds one `u16` per title character (a syllable, or a shared set
/// of a polyphone's readings). It finds exactly what matching the stored readings one by one
/// finds: the same titles, at the same characters, for full pinyin, initials, mixed input and
/// polyphones.
#[test]
fn the_compact_pinyin_index_finds_what_the_stored_readings_spell() {
    use gongkai_kiosk::search::PinyinIndex;
    use gongkai_kiosk::text::pinyin::{decode, find};
    let (_dir, store) = demo_store();
    let index = PinyinIndex::load(&store).unwrap();
    let titles: Vec<(i64, String)> = {
        let mut stmt = store.connection().prepare("SELECT rowid, readings FROM search_items ORDER BY rowid").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    assert!(titles.len() > 40, "{} titles", titles.len());
    let polyphones = titles.iter().filter(|(_, enc)| enc.contains('/')).count();
    assert!(polyphones > 10, "the demo titles have polyphones ({polyphones})");
    let mut found_any = 0;
    for q in [
        "zfxxgk",
        "zhengfu",
        "zhengfuxxgk",
        "yl",
        "yanglao",
        "gongkai",
        "xingzheng",
        "hang",
        "xing",
        "chongqing",
        "zhong",
        "dibao",
        "ysqgk",
        "g",
        "z",
        "2024",
        "qu",
        "lv",
        "nv",
        "xyz",
    ] {
        let expected: Vec<(i64, usize, usize)> =
            titles.iter().filter_map(|(rowid, enc)| find(q, &decode(enc)[..]).map(|(s, n)| (*rowid, s, n))).collect();
        assert_eq!(index.matches(q, usize::MAX), expected, "{q}");
        let limited: Vec<(i64, usize, usize)> = expected.iter().take(3).copied().collect();
        assert_eq!(index.matches(q, 3), limited, "{q}, at most 3");
        found_any += usize::from(!expected.is_empty());
    }
    assert!(found_any >= 12, "most queries find titles ({found_any})");
}

/// Issue 20: instant search ranks a large set of title matches in memory (bm25 from each
/// title's length in tokens × the boost) instead of inside SQLite. On titles that hold each
/// query term at most once, its top k is SQLite's, score for score and in the same order: one
/// length per title (10 to 169 tokens, past the one-byte sizes FTS5 stores), validity and
/// recency varied, FAQ among the documents, terms in most titles (idf at FTS5's floor) and in
/// a third of them, two terms at once, a single character, traditional characters.
#[test]
fn instant_ranks_large_title_match_sets_as_sqlite_does() {
    use chrono::Datelike;
    use gongkai_kiosk::content::{ContentSet, Document, Faq, Site, Validity};
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    // no character of a query term, so that a title holds each term where it is put, once
    let filler: Vec<char> =
        "区市县乡镇村街道社会事业发展规划工作方案意见实施管理服务中心人民政府办公室".chars().collect();
    let title = |i: usize, len: usize| -> String {
        let mut t: Vec<char> = (0..len).map(|j| filler[(i * 7 + j * 3) % filler.len()]).collect();
        let mut put = |at: usize, word: &str| {
            for (k, c) in word.chars().enumerate() {
                t[at + k] = c;
            }
        };
        if !i.is_multiple_of(5) {
            put(1, "补贴");
        }
        if i.is_multiple_of(3) {
            put(5, "救助");
        }
        if i % 3 == 1 {
            put(8, "帮");
        }
        t.into_iter().collect()
    };
    let this_year = chrono::Local::now().year();
    let documents: Vec<Document> = (0..150)
        .map(|i| Document {
            published: chrono::NaiveDate::from_ymd_opt(this_year - (i % 10) as i32, 1, 1).unwrap(),
            validity: [Validity::Valid, Validity::Amended, Validity::Expired][i % 4 % 3],
            body: "正文。".into(),
            ..notice(format!("d{i}"), title(i, 10 + i))
        })
        .collect();
    let faqs: Vec<Faq> = (150..160)
        .map(|i| Faq {
            id: format!("q{i}"),
            question: title(i, 10 + i),
            answer: "答复。".into(),
            area: None,
            related_documents: Vec::new(),
            related_guides: Vec::new(),
            source: String::new(),
        })
        .collect();
    let set =
        ContentSet {
            site: Site { name: "测试".into(), ..Default::default() }, documents, faqs, ..Default::default()
        };
    store.apply(&set, "test").unwrap();
    let exact = Searcher::new(&store).unwrap();
    let in_memory = Searcher::new(&store).unwrap().with_instant_exact_limit(0);
    for q in ["补贴", "救助", "补贴 救助", "救助 补贴", "帮", "补", "補貼", "帮 补贴"] {
        for k in [8, 30] {
            let a = exact.instant(&store, q, k).unwrap();
            let b = in_memory.instant(&store, q, k).unwrap();
            assert_eq!(a.len(), k, "{q}: more than {k} title matches");
            let ids = |h: &[gongkai_kiosk::search::Hit]| h.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
            assert_eq!(ids(&b), ids(&a), "{q}, top {k}: the same titles in the same order");
            for (x, y) in a.iter().zip(&b) {
                assert!(
                    (x.score - y.score).abs() <= 1e-12 * x.score.abs(),
                    "{q}: {} scored {} and {}",
                    x.id,
                    x.score,
                    y.score
                );
            }
        }
    }
}
