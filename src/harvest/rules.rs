//! From what a page said to a source document: the profile's rules for kind, area and category
//! (column → kind, keyword → area, …), the interpretation ↔ policy links turned into
//! `interprets`, stable ids, and the fields the source format requires.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::labels::{self, HeaderField};
use super::output;
use super::profile::{Column, Profile, Rule};
use super::state::{AssetState, DocState, Record};
use crate::content::{Attachment, BodyImage, Disclosure, DocKind, Document, Validity, is_key_area};

/// What a mapping left undecided or changed, for the report: (document id, what).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct MappingNotes {
    /// Documents whose kind no rule or column gave (written as 其他).
    pub kind_unmapped: Vec<String>,
    /// Documents no area rule or column matched (written without 重点领域).
    pub area_unmapped: Vec<String>,
    /// Documents without 主题分类 on the page and none from a rule or column.
    pub category_unmapped: Vec<String>,
    /// Changes made so the source folder loads: (id, field, what was done).
    pub adjusted: Vec<(String, String, String)>,
}

fn field(r: &Record, f: HeaderField) -> Option<&str> {
    r.fields.get(f.key()).map(String::as_str).filter(|s| !s.trim().is_empty())
}

/// Checks that a freshly read page can become a document: a title, a 发布日期, a 发布机构 and a
/// body (or attachments). The message names the field and where it was looked for.
pub fn check_required(r: &Record, column: Option<&Column>, profile: &Profile) -> Result<(), String> {
    if field(r, HeaderField::Title).is_none() && r.list_title.as_deref().is_none_or(str::is_empty) {
        return Err("标题 (title) not found: no 标题 label, ArticleTitle meta tag, <h1> or <title>; add a `title` selector to the profile".into());
    }
    if published(r).is_none() {
        return Err("发布日期 (published) not found: no 发布日期/发布时间 label, PubDate meta tag or date beside the link on the list page; add a `published` selector to the profile".into());
    }
    if publisher(r, column, profile).is_none() {
        return Err("发布机构 (publisher) not found: no 发布机构/来源 label or ContentSource meta tag, and the profile names no `publisher` for the column".into());
    }
    if r.body.trim().is_empty() && r.attachments.is_empty() {
        return Err(
            "正文 (body) is empty and the page has no attachments; add a `body` selector naming the content container"
                .into(),
        );
    }
    Ok(())
}

fn published(r: &Record) -> Option<NaiveDate> {
    field(r, HeaderField::Published).and_then(labels::parse_date).or(r.list_date)
}

fn publisher(r: &Record, column: Option<&Column>, profile: &Profile) -> Option<String> {
    field(r, HeaderField::Publisher)
        .map(str::to_string)
        .or_else(|| column.and_then(|c| c.publisher.clone()))
        .or_else(|| profile.publisher.clone())
}

/// An id from a 索引号 (`11459901WC/2024-00015` → `11459901WC-2024-00015`), else from the page's
/// path (`/zwgk/zcwj/202403/t20240312_1.html` → `zwgk-zcwj-202403-t20240312_1`).
pub fn base_id(prefix: &str, r: &Record) -> String {
    let from_index = field(r, HeaderField::IndexNo).map(sanitize).filter(|s| s.len() >= 4);
    let raw = from_index.unwrap_or_else(|| {
        let u = reqwest::Url::parse(&r.url).ok();
        let path = u.as_ref().map(|u| u.path().to_string()).unwrap_or_default();
        let path =
            path.rsplit_once('.').filter(|(_, ext)| !ext.contains('/')).map_or(path.as_str(), |(p, _)| p).to_string();
        let query = u.as_ref().and_then(|u| u.query()).map(|q| format!("-{q}")).unwrap_or_default();
        let s = sanitize(&format!("{path}{query}"));
        if s.is_empty() { short_hash(&r.url) } else { s }
    });
    let mut id =
        format!("{prefix}{}{raw}", if prefix.is_empty() || prefix.ends_with(['-', '_', '.']) { "" } else { "-" });
    if id.len() > 100 {
        let keep: String = id.chars().rev().take(80).collect::<Vec<_>>().into_iter().rev().collect();
        id = format!("{}-{}", short_hash(&r.url), keep.trim_start_matches(['-', '_', '.']));
    }
    id
}

fn short_hash(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(s.as_bytes())[..4])
}

fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches(['-', '.']).to_string()
}

/// Gives every document without an id one (its [`base_id`], with `-2`, `-3` … when two pages
/// would share it); a document keeps its id for as long as the state remembers it.
pub fn assign_ids(profile: &Profile, docs: &mut BTreeMap<String, DocState>) {
    let mut taken: HashMap<String, String> =
        docs.iter().filter(|(_, d)| !d.id.is_empty()).map(|(u, d)| (d.id.clone(), u.clone())).collect();
    for (url, d) in docs.iter_mut() {
        if !d.id.is_empty() {
            continue;
        }
        let base = base_id(&profile.id_prefix, &d.record);
        let mut id = base.clone();
        let mut n = 2;
        while taken.contains_key(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(id.clone(), url.clone());
        d.id = id;
    }
}

fn matches_rule<T: Clone>(rules: &[Rule<T>], haystacks: &[&str]) -> Option<T> {
    rules
        .iter()
        .find(|r| r.keywords.iter().any(|k| haystacks.iter().any(|h| h.contains(k.as_str()))))
        .map(|r| r.value.clone())
}

/// Maps every live document to the source format's [`Document`] (its `source` is the file to
/// write). `docs` are by page address; `asset` finds a downloaded file by its path. The result
/// is sorted by id.
pub fn map_all<'a>(
    profile: &Profile,
    docs: &BTreeMap<String, DocState>,
    asset: &dyn Fn(&str) -> Option<&'a AssetState>,
) -> (Vec<Document>, MappingNotes) {
    let mut notes = MappingNotes::default();
    let columns: HashMap<&str, &Column> = profile.columns.iter().map(|c| (c.name.as_str(), c)).collect();
    let id_of: HashMap<&str, &str> = docs.iter().map(|(u, d)| (u.as_str(), d.id.as_str())).collect();

    // interpretation → policy, from both sides: a policy's 相关解读 list, an interpretation's 原文链接
    let mut policy_of: BTreeMap<&str, &str> = BTreeMap::new();
    for (url, d) in docs {
        for p in &d.record.policies {
            if id_of.contains_key(p.as_str()) && p != url {
                policy_of.entry(url.as_str()).or_insert(p.as_str());
            }
        }
    }
    for (url, d) in docs {
        for i in &d.record.interpretations {
            if id_of.contains_key(i.as_str()) && i != url {
                policy_of.entry(i.as_str()).or_insert(url.as_str());
            }
        }
    }
    // a policy must not itself be an interpretation: drop links into interpretations
    let interpretations: Vec<&str> = policy_of.keys().copied().collect();
    policy_of.retain(|_, p| !interpretations.contains(p));

    let mut out = Vec::new();
    for (url, d) in docs {
        let r = &d.record;
        let column = columns.get(r.column.as_str()).copied();
        let title =
            field(r, HeaderField::Title).map(str::to_string).or_else(|| r.list_title.clone()).unwrap_or_default();
        let keywords = field(r, HeaderField::Keywords).map(labels::split_keywords).unwrap_or_default();
        let portal_category = field(r, HeaderField::Category).and_then(labels::normalize_category);
        let column_meta = r.column_meta.clone().unwrap_or_default();
        let keyword_text = keywords.join(" ");
        let haystacks = [
            title.as_str(),
            keyword_text.as_str(),
            portal_category.as_deref().unwrap_or(""),
            r.column.as_str(),
            column_meta.as_str(),
        ];

        let interprets = policy_of.get(url.as_str()).and_then(|p| id_of.get(p)).map(|s| s.to_string());
        let mut kind = if interprets.is_some() {
            Some(DocKind::Interpretation)
        } else {
            matches_rule(&profile.kind_rules, &[title.as_str(), r.column.as_str(), column_meta.as_str()])
                .or(column.and_then(|c| c.kind))
        };
        if kind == Some(DocKind::Interpretation) && interprets.is_none() {
            notes.adjusted.push((
                d.id.clone(),
                "类别".into(),
                "an interpretation whose policy was not harvested: written as 其他 (other), since 解读对象 must name a harvested policy".into(),
            ));
            kind = Some(DocKind::Other);
        }
        let kind = kind.unwrap_or_else(|| {
            notes.kind_unmapped.push(d.id.clone());
            DocKind::Other
        });

        let area =
            matches_rule(&profile.area_rules, &haystacks).or_else(|| column.and_then(|c| c.area.clone())).or_else(
                || portal_category.as_deref().and_then(|c| c.split('\\').find(|l| is_key_area(l)).map(str::to_string)),
            );
        if area.is_none() {
            notes.area_unmapped.push(d.id.clone());
        }
        let category = matches_rule(&profile.category_rules, &haystacks)
            .or(portal_category.clone())
            .or_else(|| column.and_then(|c| c.category.clone()));
        if category.is_none() {
            notes.category_unmapped.push(d.id.clone());
        }

        let published = published(r).unwrap_or_default();
        let mut written = field(r, HeaderField::Written).and_then(labels::parse_date);
        if written.is_some_and(|w| w > published) {
            notes.adjusted.push((
                d.id.clone(),
                "成文日期".into(),
                format!("{} is after 发布日期 {published}: left out", written.unwrap_or_default()),
            ));
            written = None;
        }
        let effective = field(r, HeaderField::Effective).and_then(labels::parse_date);
        let mut validity = field(r, HeaderField::Validity).and_then(labels::parse_validity).unwrap_or(Validity::Valid);
        let mut repealed = field(r, HeaderField::Repealed).and_then(labels::parse_date);
        if validity == Validity::Repealed && repealed.is_none() {
            notes.adjusted.push((
                d.id.clone(),
                "有效性".into(),
                "废止 without 废止日期 on the page: written as 失效".into(),
            ));
            validity = Validity::Expired;
        }
        if validity == Validity::Valid && repealed.is_some() {
            repealed = None;
        }
        let body = if r.body.trim().is_empty() {
            let mut b = String::from("本文件以附件形式发布：\n");
            for (t, _) in &r.attachments {
                b.push_str(&format!("\n- {t}"));
            }
            b
        } else {
            r.body.clone()
        };
        let attachments = r
            .attachments
            .iter()
            .map(|(title, path)| Attachment {
                title: title.clone(),
                blob: output::blob_ref(path, asset(path)),
                derived: None,
            })
            .collect();
        let images = r
            .images
            .iter()
            .map(|path| BodyImage { src: format!("/{path}"), blob: output::blob_ref(path, asset(path)) })
            .collect();
        out.push(Document {
            id: d.id.clone(),
            title,
            kind,
            index_no: field(r, HeaderField::IndexNo).map(str::to_string),
            category,
            publisher: publisher(r, column, profile).unwrap_or_default(),
            doc_no: field(r, HeaderField::DocNo).map(str::to_string),
            written,
            published,
            effective,
            validity,
            repealed,
            disclosure: Disclosure::Proactive,
            area,
            keywords,
            summary: field(r, HeaderField::Summary).map(str::to_string),
            url: Some(url.clone()),
            attachments,
            interprets,
            body,
            images,
            source: format!("docs/{}/{}.md", r.folder, d.id),
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    (out, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(url: &str, index_no: Option<&str>) -> Record {
        let mut fields = BTreeMap::new();
        if let Some(i) = index_no {
            fields.insert("index_no".to_string(), i.to_string());
        }
        Record {
            url: url.into(),
            column: "c".into(),
            folder: "c".into(),
            fields,
            sources: BTreeMap::new(),
            column_meta: None,
            list_title: Some("t".into()),
            list_date: None,
            body: "b".into(),
            attachments: vec![],
            images: vec![],
            interpretations: vec![],
            policies: vec![],
        }
    }

    #[test]
    fn ids_from_index_number_or_path() {
        assert_eq!(base_id("", &record("https://x/a.html", Some("11459901WC/2024-00015"))), "11459901WC-2024-00015");
        assert_eq!(
            base_id("wc", &record("https://x/zwgk/zcwj/202403/t20240312_1.html", None)),
            "wc-zwgk-zcwj-202403-t20240312_1"
        );
        assert_eq!(base_id("", &record("https://x/art.jsp?id=7&c=2", None)), "art-id-7-c-2");
        let long = format!("https://x/{}.html", "a".repeat(150));
        let id = base_id("", &record(&long, None));
        assert!(id.len() <= 100, "{id}");
    }
}
