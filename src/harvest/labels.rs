//! The disclosure header's labels as portals write them (docs/domain.md §6): 索引号, 主题分类,
//! 发布机构, 成文日期, 发文字号, 发布日期, 有效性 … with spaces for alignment (索 引 号),
//! full-width colons, traditional characters (發布機構), and dates as 2017-06-08, 2017年06月08日,
//! 2017/06/08 or 2017.6.8, sometimes with a time.

use chrono::NaiveDate;

use crate::content::Validity;

/// A field of the disclosure header the harvester reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HeaderField {
    Title,
    IndexNo,
    Category,
    Publisher,
    DocNo,
    Written,
    Published,
    Effective,
    Validity,
    Repealed,
    Keywords,
    Summary,
}

impl HeaderField {
    pub const ALL: [HeaderField; 12] = [
        HeaderField::Title,
        HeaderField::IndexNo,
        HeaderField::Category,
        HeaderField::Publisher,
        HeaderField::DocNo,
        HeaderField::Written,
        HeaderField::Published,
        HeaderField::Effective,
        HeaderField::Validity,
        HeaderField::Repealed,
        HeaderField::Keywords,
        HeaderField::Summary,
    ];

    /// The key used in profiles (`[selectors]`) and reports; the same as the source format's.
    pub fn key(self) -> &'static str {
        match self {
            HeaderField::Title => "title",
            HeaderField::IndexNo => "index_no",
            HeaderField::Category => "category",
            HeaderField::Publisher => "publisher",
            HeaderField::DocNo => "doc_no",
            HeaderField::Written => "written",
            HeaderField::Published => "published",
            HeaderField::Effective => "effective",
            HeaderField::Validity => "validity",
            HeaderField::Repealed => "repealed",
            HeaderField::Keywords => "keywords",
            HeaderField::Summary => "summary",
        }
    }

    /// The Chinese name, as in `docs/content-format.md`.
    pub fn label(self) -> &'static str {
        match self {
            HeaderField::Title => "标题",
            HeaderField::IndexNo => "索引号",
            HeaderField::Category => "主题分类",
            HeaderField::Publisher => "发布机构",
            HeaderField::DocNo => "发文字号",
            HeaderField::Written => "成文日期",
            HeaderField::Published => "发布日期",
            HeaderField::Effective => "实施日期",
            HeaderField::Validity => "有效性",
            HeaderField::Repealed => "废止日期",
            HeaderField::Keywords => "主题词",
            HeaderField::Summary => "内容概述",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key || f.label() == key)
    }

    /// Whether the value is a date.
    pub fn is_date(self) -> bool {
        matches!(self, HeaderField::Written | HeaderField::Published | HeaderField::Effective | HeaderField::Repealed)
    }
}

/// Every label a portal uses for a field, after [`normalize_label`] (simplified characters, no
/// spaces, no colon). "Strong" labels are read from running text as well as from header cells;
/// the short ones (时间, 来源) only with a colon right after them.
const LABELS: &[(&str, HeaderField)] = &[
    ("索引号", HeaderField::IndexNo),
    ("索取号", HeaderField::IndexNo),
    ("信息索引号", HeaderField::IndexNo),
    ("主题分类", HeaderField::Category),
    ("分类", HeaderField::Category),
    ("信息分类", HeaderField::Category),
    ("主题类别", HeaderField::Category),
    ("发布机构", HeaderField::Publisher),
    ("发文机关", HeaderField::Publisher),
    ("发文单位", HeaderField::Publisher),
    ("发布单位", HeaderField::Publisher),
    ("来源", HeaderField::Publisher),
    ("信息来源", HeaderField::Publisher),
    ("文章来源", HeaderField::Publisher),
    ("发文字号", HeaderField::DocNo),
    ("文号", HeaderField::DocNo),
    ("发文号", HeaderField::DocNo),
    ("成文日期", HeaderField::Written),
    ("生成日期", HeaderField::Written),
    ("发布日期", HeaderField::Published),
    ("发布时间", HeaderField::Published),
    ("公开日期", HeaderField::Published),
    ("时间", HeaderField::Published),
    ("日期", HeaderField::Published),
    ("实施日期", HeaderField::Effective),
    ("施行日期", HeaderField::Effective),
    ("生效日期", HeaderField::Effective),
    ("有效性", HeaderField::Validity),
    ("时效性", HeaderField::Validity),
    ("效力状态", HeaderField::Validity),
    ("废止日期", HeaderField::Repealed),
    ("失效日期", HeaderField::Repealed),
    ("主题词", HeaderField::Keywords),
    ("关键词", HeaderField::Keywords),
    ("关键字", HeaderField::Keywords),
    ("标题", HeaderField::Title),
    ("名称", HeaderField::Title),
    ("文件名称", HeaderField::Title),
    ("内容概述", HeaderField::Summary),
    ("内容摘要", HeaderField::Summary),
    ("摘要", HeaderField::Summary),
];

/// Labels too common in prose to be trusted without a colon right after them.
const WEAK: &[&str] = &["时间", "日期", "来源", "分类", "名称", "标题", "文号", "摘要"];

/// A label as compared: traditional → simplified, full-width → half-width (so `：` is `:`), no
/// whitespace (incl. U+3000 and no-break spaces), no trailing colon.
pub fn normalize_label(text: &str) -> String {
    // character by character: a label is no place for fold's phrase replacements
    let folded: String =
        text.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').map(crate::text::fold::fold_char).collect();
    folded.trim_end_matches([':', '：']).to_string()
}

/// The field a (normalized) label names, if any.
pub fn field_of_label(label: &str) -> Option<HeaderField> {
    LABELS.iter().find(|(l, _)| *l == label).map(|(_, f)| *f)
}

/// Whether a label may be read out of running text without a colon.
fn is_weak(label: &str) -> bool {
    WEAK.contains(&label)
}

/// One `label：value` found in a line of running text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    pub field: HeaderField,
    pub value: String,
}

/// Reads `label：value` pairs from a line of running text such as
/// `发布时间：2024-03-15 10:30　来源：望川区民政局　浏览次数：12`. A value runs to the next
/// label or to a wide gap (two spaces, an ideographic space, a tab). Labels may be spaced out
/// (`索 引 号：`) or traditional; a colon must follow each label.
pub fn scan_running_text(line: &str) -> Vec<Labelled> {
    // Candidate label positions: a colon, and the label is the text before it since the last gap.
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut marks: Vec<(usize, usize, Option<HeaderField>)> = Vec::new(); // (label start, value start, field)
    for (k, &(i, c)) in chars.iter().enumerate() {
        if c != ':' && c != '：' {
            continue;
        }
        // walk back over at most 8 label characters (spaces inside allowed)
        let mut start = i;
        let mut taken = 0;
        let mut j = k;
        while j > 0 {
            let (pi, pc) = chars[j - 1];
            if pc == '　' || pc == '\t' || pc == '|' || pc == '】' || pc == '[' || pc == ']' || pc == '【' {
                break;
            }
            if pc == ' ' || pc == '\u{a0}' {
                // a single space inside a spaced label (索 引 号), two spaces end it
                if j >= 2 && matches!(chars[j - 2].1, ' ' | '\u{a0}') {
                    break;
                }
                if taken == 0 {
                    j -= 1;
                    start = pi;
                    continue;
                }
                // keep going only when the character before the space is CJK (spaced label)
                if j >= 2 && crate::text::fold::is_cjk(chars[j - 2].1) {
                    j -= 1;
                    start = pi;
                    continue;
                }
                break;
            }
            if !crate::text::fold::is_cjk(crate::text::fold::fold_char(pc)) || taken >= 8 {
                break;
            }
            taken += 1;
            start = pi;
            j -= 1;
        }
        // the longest known label that ends at the colon
        let candidate = &line[start..i];
        let mut found = None;
        for (off, _) in candidate.char_indices() {
            let norm = normalize_label(&candidate[off..]);
            // a weak label (时间, 来源) counts only as the whole label: 会议时间 is not 时间
            if off > 0 && is_weak(&norm) {
                continue;
            }
            if let Some(f) = field_of_label(&norm) {
                found = Some((start + off, f));
                break;
            }
        }
        let value_start = i + c.len_utf8();
        match found {
            Some((s, f)) => marks.push((s, value_start, Some(f))),
            None if taken > 0 => marks.push((start, value_start, None)),
            None => {}
        }
    }
    let mut out = Vec::new();
    for (n, &(_, value_start, field)) in marks.iter().enumerate() {
        let Some(field) = field else { continue };
        let end = marks.get(n + 1).map_or(line.len(), |m| m.0);
        let raw = &line[value_start..end.max(value_start)];
        let value = cut_at_gap(raw);
        if !value.is_empty() {
            out.push(Labelled { field, value });
        }
    }
    out
}

/// A value up to the first wide gap, trimmed.
fn cut_at_gap(raw: &str) -> String {
    let raw = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
    let mut end = raw.len();
    let bytes: Vec<(usize, char)> = raw.char_indices().collect();
    for w in bytes.windows(2) {
        let (i, a) = w[0];
        let b = w[1].1;
        let gap = a == '　' || a == '\t' || a == '\n' || (matches!(a, ' ' | '\u{a0}') && matches!(b, ' ' | '\u{a0}'));
        if gap {
            end = i;
            break;
        }
    }
    if let Some(&(i, c)) = bytes.last()
        && (c == '　' || c == '\t')
    {
        end = end.min(i);
    }
    raw[..end].trim().to_string()
}

/// Whether a cell's whole text is a label (for header tables: the value is the next cell).
/// Strong labels need no colon; weak ones (时间, 来源) do.
pub fn cell_label(text: &str) -> Option<HeaderField> {
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
    if trimmed.is_empty() || trimmed.chars().count() > 14 {
        return None;
    }
    let has_colon = trimmed.ends_with([':', '：']);
    let norm = normalize_label(trimmed);
    let field = field_of_label(&norm)?;
    (has_colon || !is_weak(&norm)).then_some(field)
}

/// The first date in a text: `2017-06-08`, `2017年6月8日`, `2017/06/08`, `2017.06.08`, possibly
/// followed by a time (ignored).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let folded: String = text.chars().map(crate::text::fold::fold_char).collect();
    let chars: Vec<char> = folded.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if let Some((d, _)) = date_at(&chars[i..]) {
            return Some(d);
        }
        i += 1;
    }
    None
}

fn digits(chars: &[char], min: usize, max: usize) -> Option<(u32, usize)> {
    let n = chars.iter().take(max).take_while(|c| c.is_ascii_digit()).count();
    if n < min {
        return None;
    }
    let s: String = chars[..n].iter().collect();
    Some((s.parse().ok()?, n))
}

fn date_at(chars: &[char]) -> Option<(NaiveDate, usize)> {
    let (y, n) = digits(chars, 4, 4)?;
    if chars.get(n).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let sep = *chars.get(n)?;
    if !matches!(sep, '-' | '/' | '.' | '年') {
        return None;
    }
    let mut k = n + 1;
    let (m, mn) = digits(&chars[k..], 1, 2)?;
    k += mn;
    let sep2 = *chars.get(k)?;
    let expected = if sep == '年' { '月' } else { sep };
    if sep2 != expected {
        return None;
    }
    k += 1;
    let (d, dn) = digits(&chars[k..], 1, 2)?;
    k += dn;
    if chars.get(k).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    (1900..=2200).contains(&y).then_some((date, k))
}

/// 有效性 as portals write it: 有效, 现行有效, 失效, 已失效, 废止, 已废止, 已修订, 已修改 …
pub fn parse_validity(text: &str) -> Option<Validity> {
    let t = normalize_label(text);
    if t.contains("废止") {
        Some(Validity::Repealed)
    } else if t.contains("修订") || t.contains("修改") || t.contains("修正") {
        Some(Validity::Amended)
    } else if t.contains("失效") || t.contains("过期") {
        Some(Validity::Expired)
    } else if t.contains("有效") || t.contains("现行") {
        Some(Validity::Valid)
    } else {
        None
    }
}

/// Keywords as portals write them: separated by spaces, commas, semicolons or 、.
pub fn split_keywords(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for k in text.split(|c: char| c.is_whitespace() || ",，;；、|".contains(c)) {
        let k = k.trim();
        if !k.is_empty() && k.chars().count() <= 30 && !out.iter().any(|o| o == k) {
            out.push(k.to_string());
        }
    }
    out
}

/// A 主题分类 as the kiosk writes it: levels separated by `\` (portals use `/`, `＼`, `>`, `-`).
pub fn normalize_category(text: &str) -> Option<String> {
    let levels: Vec<&str> = text
        .split(['\\', '/', '＼', '>', '＞', '》', '→'])
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}'))
        .filter(|l| !l.is_empty())
        .collect();
    (!levels.is_empty()).then(|| levels.join("\\"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn labels_with_spaces_colons_and_traditional_characters() {
        assert_eq!(cell_label("索 引 号："), Some(HeaderField::IndexNo));
        assert_eq!(cell_label("索\u{3000}引\u{3000}号:"), Some(HeaderField::IndexNo));
        assert_eq!(cell_label("發布機構"), Some(HeaderField::Publisher));
        assert_eq!(cell_label("主題分類："), Some(HeaderField::Category));
        assert_eq!(cell_label("时效性"), Some(HeaderField::Validity));
        // weak labels need a colon in a cell
        assert_eq!(cell_label("时间"), None);
        assert_eq!(cell_label("时间："), Some(HeaderField::Published));
        assert_eq!(cell_label("望川区民政局"), None);
    }

    #[test]
    fn running_text_pairs() {
        let got = scan_running_text("发布时间：2024-03-15 10:30　　来源：望川区民政局　　浏览次数：12");
        assert_eq!(
            got,
            vec![
                Labelled { field: HeaderField::Published, value: "2024-03-15 10:30".into() },
                Labelled { field: HeaderField::Publisher, value: "望川区民政局".into() },
            ]
        );
        let got = scan_running_text("索 引 号：11459901WC/2024-00015  发文字号：望民发〔2024〕7号");
        assert_eq!(got[0], Labelled { field: HeaderField::IndexNo, value: "11459901WC/2024-00015".into() });
        assert_eq!(got[1], Labelled { field: HeaderField::DocNo, value: "望民发〔2024〕7号".into() });
        assert!(scan_running_text("为解决老年人吃饭难问题，制定本办法。").is_empty());
    }

    #[test]
    fn dates_in_every_way_portals_write_them() {
        assert_eq!(parse_date("2017-06-08"), Some(d(2017, 6, 8)));
        assert_eq!(parse_date("2017年06月08日"), Some(d(2017, 6, 8)));
        assert_eq!(parse_date("2017年6月8日 09:30"), Some(d(2017, 6, 8)));
        assert_eq!(parse_date("发布时间：2017/06/08 10:00:00"), Some(d(2017, 6, 8)));
        assert_eq!(parse_date("２０１７－０６－０８"), Some(d(2017, 6, 8)));
        assert_eq!(parse_date("2017.6.8"), Some(d(2017, 6, 8)));
        assert_eq!(parse_date("2017-13-08"), None);
        assert_eq!(parse_date("浏览次数：20170608"), None);
    }

    #[test]
    fn validity_words() {
        assert_eq!(parse_validity("现行有效"), Some(Validity::Valid));
        assert_eq!(parse_validity("已废止"), Some(Validity::Repealed));
        assert_eq!(parse_validity("已失效"), Some(Validity::Expired));
        assert_eq!(parse_validity("已修订"), Some(Validity::Amended));
        assert_eq!(parse_validity("不详"), None);
    }

    #[test]
    fn keywords_and_categories() {
        assert_eq!(split_keywords("老年助餐 养老服务，补贴"), vec!["老年助餐", "养老服务", "补贴"]);
        assert_eq!(normalize_category("民政、扶贫、救灾/社会福利").unwrap(), "民政、扶贫、救灾\\社会福利");
        assert_eq!(normalize_category(" / ").as_deref(), None);
    }
}
