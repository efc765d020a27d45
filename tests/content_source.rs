//! The publisher's source format: the demo content loads, broken folders report every problem
//! with file and line, and no input makes the parser panic.

mod common;

use std::collections::BTreeSet;
use std::fs;

use common::{Rng, demo, demo_copy, edit};
use gongkai_kiosk::content::{self, BoardTarget, DocKind, Validity};

#[test]
fn demo_content_is_complete_and_varied() {
    let set = content::load(&demo()).expect("demo content loads");
    assert!(set.site.sample, "demo content is marked as sample content");
    assert!(set.site.name.contains("望川区"));
    assert!(set.documents.len() >= 40, "{} documents", set.documents.len());
    let kinds: BTreeSet<_> = set.documents.iter().map(|d| d.kind).collect();
    assert!(kinds.len() >= 8, "kinds: {kinds:?}");
    let areas: BTreeSet<_> = set.documents.iter().filter_map(|d| d.area.clone()).collect();
    assert!(areas.len() >= 8, "areas: {areas:?}");
    let interpretations: Vec<_> = set.documents.iter().filter(|d| d.kind == DocKind::Interpretation).collect();
    assert!(interpretations.len() >= 3);
    assert!(interpretations.iter().all(|d| d.interprets.is_some()));
    assert!(
        set.documents
            .iter()
            .any(|d| d.kind == DocKind::Interpretation && d.images.iter().any(|i| i.blob.media_type == "image/png")),
        "an interpretation with an infographic"
    );
    assert!(set.documents.iter().any(|d| d.validity == Validity::Expired));
    assert!(set.documents.iter().any(|d| d.validity == Validity::Repealed && d.repealed.is_some()));
    assert!(set.documents.iter().any(|d| d.attachments.iter().any(|a| a.blob.media_type == "application/pdf")));
    assert!(
        set.documents.iter().any(|d| d.title.contains("臺") || d.title.contains("須")),
        "a traditional-character document"
    );
    assert!(set.guides.len() >= 6);
    assert!(set.guides.iter().any(|g| g.disclosure_request), "the 依申请公开 guide");
    assert!(set.guides.iter().all(|g| !g.fee.trim().is_empty()), "收费标准 never blank");
    assert!(set.boards.len() >= 2);
    assert!(set.boards.iter().flat_map(|b| &b.items).any(|i| matches!(i.target, BoardTarget::Document(_))));
    assert!(set.faqs.len() >= 15);
    for (sha, path) in &set.blobs {
        assert_eq!(sha.len(), 64);
        assert!(path.is_file());
    }
}

#[test]
fn every_problem_is_reported_with_file_and_line() {
    let (_tmp, src) = demo_copy();
    // 1. a bad date (the issue's own example)
    edit(&src.join("docs/finance/sangong-2024.md"), "published = \"2024-02-02\"", "published = \"2023-13-01\"");
    // 2. an unknown kind and 3. a misspelled field in the same file
    edit(&src.join("docs/health/flu-vaccine.md"), "kind = \"notice\"", "kind = \"notise\"");
    edit(&src.join("docs/health/flu-vaccine.md"), "keywords =", "keyword =");
    // 4. a dangling interpretation target
    edit(
        &src.join("docs/tax/small-taxpayer-relief-interpretation.md"),
        "interprets = \"wc-zc-2024-xgm\"",
        "interprets = \"no-such-policy\"",
    );
    // 5. a duplicate id
    edit(&src.join("docs/culture/library-hours.md"), "id = \"wc-gg-2024-tsg\"", "id = \"wc-tz-2024-ts\"");
    // 6. a TOML syntax error in a guide
    edit(&src.join("guides/dibao.toml"), "visits = 1", "visits = = 1");
    // 7. a board pointing at a missing guide
    edit(&src.join("boards/services.toml"), "guide = \"guide-jzz\"", "guide = \"guide-nope\"");
    // 8. a FAQ with a key area that is not one of the 26
    edit(&src.join("faq/social.toml"), "area = \"社会救助\"", "area = \"社会求助\"");
    // 9. an image that does not exist
    edit(&src.join("docs/elderly/meal-infographic.md"), "meal-infographic.png", "missing.png");
    // 10. a path that escapes the source folder
    edit(&src.join("docs/finance/budget-2024.md"), "../../media/budget-2024-tables.pdf", "../../../../etc/passwd.pdf");
    // 11. a file that is not UTF-8
    fs::create_dir_all(src.join("docs/2024")).unwrap();
    fs::write(src.join("docs/2024/latin1.md"), b"+++\nid = \"x\"\ntitle = \"caf\xe9\"\n+++\n").unwrap();

    let err = content::load(&src).expect_err("broken folder is refused");
    let lines: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
    let text = lines.join("\n");
    let expect = [
        "docs/finance/sangong-2024.md:9: 发布日期 \"2023-13-01\" is not a date",
        "docs/health/flu-vaccine.md:4: 类别 \"notise\" is not one of",
        "docs/health/flu-vaccine.md:12: keyword is not a known field; did you mean `keywords`?",
        "docs/tax/small-taxpayer-relief-interpretation.md:12: 解读对象 \"no-such-policy\" is not the id of any document",
        "docs/culture/library-hours.md:2: id \"wc-tz-2024-ts\" is already used by docs/city/water-outage.md:2",
        "guides/dibao.toml:19: TOML syntax error",
        "boards/services.toml:15: 指南 \"guide-nope\" is not the id of any guide",
        "faq/social.toml:19: 问答[3].重点领域 \"社会求助\" is not one of the 26 key areas; did you mean \"社会救助\"?",
        "docs/elderly/meal-infographic.md:15: 正文图片 \"../../media/missing.png\" does not exist",
        "docs/finance/budget-2024.md:16: 附件[1].文件 \"../../../../etc/passwd.pdf\" points outside the source folder",
        "docs/2024/latin1.md:3: is not valid UTF-8 text",
    ];
    for e in expect {
        assert!(lines.iter().any(|l| l.starts_with(e)), "missing {e:?} in:\n{text}");
    }
    assert_eq!(lines.len(), expect.len(), "exactly these problems:\n{text}");
}

#[test]
fn interpretation_rules_are_checked() {
    let (_tmp, src) = demo_copy();
    // an interpretation of an interpretation, and a policy with `interprets`
    edit(
        &src.join("docs/elderly/meal-interpretation.md"),
        "interprets = \"wc-zc-2024-lnzc\"",
        "interprets = \"wc-tj-2024-lnzc\"",
    );
    edit(
        &src.join("docs/health/flu-vaccine.md"),
        "validity = \"有效\"",
        "validity = \"有效\"\ninterprets = \"wc-zc-2024-lnzc\"",
    );
    // repealed without a date, a date with 有效, and 成文日期 after 发布日期
    edit(&src.join("docs/housing/rental-2019.md"), "repealed = \"2023-09-01\"\n", "");
    edit(
        &src.join("docs/city/waste-sorting.md"),
        "validity = \"有效\"",
        "validity = \"有效\"\nrepealed = \"2024-01-01\"",
    );
    edit(
        &src.join("docs/economy/economy-2024h1.md"),
        "published = \"2024-07-25\"",
        "published = \"2024-07-25\"\nwritten = \"2024-08-01\"",
    );
    let err = content::load(&src).expect_err("refused");
    let text = err.to_string();
    assert!(
        text.contains("meal-interpretation.md:13: 解读对象 \"wc-tj-2024-lnzc\" is itself an interpretation"),
        "{text}"
    );
    assert!(text.contains("flu-vaccine.md:11: 解读对象 is only for kind \"interpretation\""), "{text}");
    assert!(text.contains("rental-2019.md:12: 有效性 is 废止 but 废止日期 (repealed) is missing"), "{text}");
    assert!(text.contains("waste-sorting.md:13: 废止日期 2024-01-01 is given but 有效性 is 有效"), "{text}");
    assert!(text.contains("economy-2024h1.md:9: 成文日期 2024-08-01 is after 发布日期 2024-07-25"), "{text}");
    assert!(text.ends_with("5 problem(s) found; nothing was imported"), "{text}");
}

#[test]
fn renamed_file_with_wrong_content_is_caught() {
    let (_tmp, src) = demo_copy();
    fs::write(src.join("media/budget-2024-tables.pdf"), b"this is not a pdf").unwrap();
    let err = content::load(&src).expect_err("refused");
    assert!(err.to_string().contains("is not really a PDF file"), "{err}");
}

#[test]
fn missing_site_and_not_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let err = content::load(tmp.path()).expect_err("empty folder is refused");
    assert!(err.to_string().contains("site.toml: is missing"), "{err}");
    let err = content::load(&tmp.path().join("nope")).expect_err("missing folder is refused");
    assert!(err.to_string().contains("is not a folder"), "{err}");
}

/// Random bytes and random damage to real files: the parser must answer, never panic.
#[test]
fn never_panics_on_random_or_damaged_input() {
    let originals: Vec<(String, Vec<u8>)> = [
        "docs/elderly/meal-policy.md",
        "docs/finance/budget-2024.md",
        "guides/disclosure-request.toml",
        "boards/policy.toml",
        "faq/social.toml",
        "site.toml",
    ]
    .iter()
    .map(|p| (p.to_string(), fs::read(demo().join(p)).unwrap()))
    .collect();
    let (_tmp, src) = demo_copy();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut refused = 0;
    for round in 0..120 {
        let (path, original) = &originals[round % originals.len()];
        let mut bytes = original.clone();
        match round % 4 {
            // pure random bytes
            0 => {
                let n = rng.below(2000);
                bytes = (0..n).map(|_| rng.next() as u8).collect();
            }
            // flip random bytes (breaks UTF-8 sequences mid-character)
            1 => {
                for _ in 0..1 + rng.below(8) {
                    let i = rng.below(bytes.len());
                    bytes[i] = rng.next() as u8;
                }
            }
            // truncate anywhere, even inside a character
            2 => bytes.truncate(rng.below(bytes.len())),
            // splice in TOML/Markdown punctuation
            _ => {
                let junk: &[&[u8]] =
                    &[b"+++", b"\n[[", b"]]", b"\"", b"= ", b"![x](", b"\n|---|", b"\\u{", b"\n\n+++\n"];
                for _ in 0..1 + rng.below(5) {
                    let i = rng.below(bytes.len());
                    let j = junk[rng.below(junk.len())];
                    bytes.splice(i..i, j.iter().copied());
                }
            }
        }
        fs::write(src.join(path), &bytes).unwrap();
        match content::load(&src) {
            Ok(_) => {}
            Err(e) => {
                refused += 1;
                assert!(!e.problems.is_empty());
                for p in &e.problems {
                    assert!(!p.file.is_empty() && !p.message.is_empty(), "{p:?}");
                }
            }
        }
        fs::write(src.join(path), original).unwrap();
    }
    assert!(refused > 60, "most damaged inputs are refused ({refused}/120)");
    content::load(&src).expect("restored folder loads again");
}

#[test]
fn announcements_are_read_and_a_site_never_carries_a_kiosks_own_settings() {
    let (_tmp, src) = demo_copy();
    let site = src.join("site.toml");
    let mut text = fs::read_to_string(&site).unwrap();
    text.push_str("\n[[announcements]]\n\"内容\" = \"2025年春节期间（1月28日至2月4日）本专区暂停开放。\"\n\"开始日期\" = 2025-01-20\n\"结束日期\" = 2025-02-04\n");
    fs::write(&site, &text).unwrap();
    let set = content::load(&src).expect("announcements load");
    let a = &set.site.announcements;
    assert_eq!(a.len(), 2, "{a:?}");
    assert!(
        a[0].from.is_none() && a[0].is_shown_on(chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap()),
        "the demo's undated one always shows"
    );
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2025, m, d).unwrap();
    assert!(
        !a[1].is_shown_on(day(1, 19))
            && a[1].is_shown_on(day(1, 20))
            && a[1].is_shown_on(day(2, 4))
            && !a[1].is_shown_on(day(2, 5))
    );

    // a kiosk's own settings in site.toml: each is refused at its line, and nothing loads
    let text =
        format!("pin_hash = \"$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA\"\n{text}[sync]\ntrusted_keys = [\"00\"]\n");
    let sync_line = text.lines().count() - 1;
    fs::write(&site, &text).unwrap();
    let err = content::load(&src).expect_err("a site carrying a PIN or keys is refused").to_string();
    assert!(err.contains("site.toml:1: pin_hash is a setting of each kiosk"), "{err}");
    assert!(err.contains(&format!("site.toml:{sync_line}: sync is a setting of each kiosk")), "{err}");
    assert!(err.contains("read only from its own kiosk.toml"), "{err}");
}
