//! The domain types: what a zone publishes. Serializable so the store can keep each item whole
//! and a pack can carry it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The kinds of content item a zone publishes: what a pack carries, what the store keeps in its
/// tables, and (all but boards) what search finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Document,
    Guide,
    Board,
    Faq,
}

impl ItemKind {
    pub const ALL: [ItemKind; 4] = [ItemKind::Document, ItemKind::Guide, ItemKind::Board, ItemKind::Faq];
    /// The kinds search indexes (a 码上公开 board is a page of QR codes, not text to search).
    pub const SEARCHED: [ItemKind; 3] = [ItemKind::Document, ItemKind::Guide, ItemKind::Faq];

    pub fn key(self) -> &'static str {
        match self {
            ItemKind::Document => "document",
            ItemKind::Guide => "guide",
            ItemKind::Board => "board",
            ItemKind::Faq => "faq",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "document" => ItemKind::Document,
            "guide" => ItemKind::Guide,
            "board" => ItemKind::Board,
            "faq" => ItemKind::Faq,
            _ => return None,
        })
    }

    /// The kind's name in Chinese (CLI output).
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Document => "公开文件",
            ItemKind::Guide => "办事指南",
            ItemKind::Board => "码上公开",
            ItemKind::Faq => "政策问答",
        }
    }
}

/// The longest id an item may have.
pub const MAX_ID_LEN: usize = 100;

/// Whether `id` is a usable item id: 1 to [`MAX_ID_LEN`] ASCII letters, digits, `-`, `_` or `.`
/// (never `..` alone or a path). The source loader checks every id with it, and so does sync
/// for every id a pack names, signed or not.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id != "."
        && id != ".."
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The 26 key areas of basic-level government disclosure (基层政务公开标准化规范化 领域).
pub const KEY_AREAS: [&str; 26] = [
    "城乡规划",
    "重大建设项目",
    "公共资源交易",
    "财政预决算",
    "安全生产",
    "税收管理",
    "征地补偿",
    "国有土地上房屋征收与补偿",
    "保障性住房",
    "农村危房改造",
    "环境保护",
    "公共文化服务",
    "公共法律服务",
    "扶贫",
    "救灾",
    "食品药品监管",
    "城市综合执法",
    "就业",
    "社会保险",
    "社会救助",
    "养老服务",
    "户籍管理",
    "涉农补贴",
    "义务教育",
    "卫生健康",
    "市政服务",
];

pub fn is_key_area(s: &str) -> bool {
    KEY_AREAS.contains(&s)
}

macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $key:literal, $label:literal $(| $alias:literal)*;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The key written in source files and on the command line.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key,)+ }
            }

            /// The Chinese name shown to visitors.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// Accepts the key, the Chinese name, or a listed alias.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                match s {
                    $($key | $label $(| $alias)* => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// "a (甲), b (乙)" for error messages.
            pub fn allowed() -> String {
                Self::ALL.iter().map(|v| format!("{} ({})", v.key(), v.label())).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

labelled_enum! {
    /// What kind of published information a document is.
    DocKind {
        Policy = "policy", "政策文件";
        Interpretation = "interpretation", "政策解读";
        Regulation = "regulation", "规范性文件";
        Notice = "notice", "通知公告";
        Plan = "plan", "规划计划";
        Report = "report", "工作报告";
        AnnualReport = "annual-report", "政府信息公开年报";
        DisclosureGuide = "disclosure-guide", "政府信息公开指南";
        DisclosureRules = "disclosure-rules", "政府信息公开制度";
        Budget = "budget", "财政预决算";
        Statistics = "statistics", "统计信息";
        Procurement = "procurement", "政府采购";
        Project = "project", "重大项目";
        Licensing = "licensing", "行政许可";
        Penalty = "penalty", "行政处罚";
        Personnel = "personnel", "人事信息";
        Emergency = "emergency", "应急管理";
        Other = "other", "其他";
    }
}

labelled_enum! {
    /// 有效性: whether a document is still in force.
    Validity {
        Valid = "valid", "有效";
        Expired = "expired", "失效";
        Repealed = "repealed", "废止";
        Amended = "amended", "已修订";
    }
}

labelled_enum! {
    /// 公开方式.
    Disclosure {
        Proactive = "proactive", "主动公开" | "主动";
        OnRequest = "on-request", "依申请公开" | "依申请";
    }
}

/// A file carried with the content (attachment, image, blank form), named by its sha256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobRef {
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    /// File name as the publisher named it (shown to visitors, used when saving).
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub title: String,
    pub blob: BlobRef,
    /// What publishing prepared so the kiosk can show, play and search it (`crate::attachments`);
    /// none straight from a source folder (and in packs made before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derived: Option<Derived>,
}

/// What publishing (or an import) derives from an attachment: the PDF the kiosk shows and
/// prints, its page count and text, captions and transcript. It travels inside the document's
/// item; the files it names are content-addressed blobs like the attachment itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derived {
    /// The version of the derivation rules (`attachments::DERIVE_VERSION`).
    pub version: u32,
    /// The PDF shown and printed when it is not the attachment itself (an office file's
    /// conversion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf: Option<BlobRef>,
    /// Pages of the PDF shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// The text of each page (empty for a page without text: a scan).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub page_text: Vec<String>,
    /// Captions (`.vtt` or `.srt` beside a video or audio file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captions: Option<BlobRef>,
    /// A transcript (`.txt` beside an audio or video file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript: Option<String>,
    /// Playing time of audio and video, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// Why the kiosk cannot show it (for the log and the attendant; visitors get the QR card).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl Attachment {
    /// The derived files this attachment refers to besides itself.
    pub fn derived_blobs(&self) -> impl Iterator<Item = &BlobRef> {
        self.derived.iter().flat_map(|d| d.pdf.iter().chain(d.captions.iter()))
    }

    /// The PDF shown and printed: the attachment itself, or its conversion.
    pub fn view_pdf(&self) -> Option<&BlobRef> {
        match self.derived.as_ref().and_then(|d| d.pdf.as_ref()) {
            Some(p) => Some(p),
            None => (self.blob.media_type == "application/pdf").then_some(&self.blob),
        }
    }
}

/// An image used in a Markdown body: the `src` as written, and the file it resolved to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyImage {
    pub src: String,
    pub blob: BlobRef,
}

/// The office that receives disclosure requests (docs/domain.md §1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    pub name: String,
    pub address: String,
    pub hours: String,
    pub phone: String,
    pub fax: Option<String>,
    pub postcode: Option<String>,
    pub email: Option<String>,
    /// Where to apply online.
    pub online_url: Option<String>,
    /// Where the request window is in the hall (packs made before it existed have none).
    #[serde(default)]
    pub window: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenDay {
    pub summary: String,
    pub schedule: Option<String>,
    pub how_to_join: Option<String>,
}

/// A notice the office shows on Home (a hall closed for a holiday, a change of hours), between
/// two days inclusive; without dates it is always shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    pub text: String,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl Announcement {
    /// Whether Home shows it on `day`.
    pub fn is_shown_on(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day <= u)
    }
}

/// `site.toml`: the zone and its government. It travels in the pack, so an office changes
/// every kiosk's zone information (hours, phones, announcements) by publishing; the kiosk's
/// own settings (keys, PIN, printer) are never in it (see `LOCAL_ONLY` in `content::source`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    /// Zone name shown on every screen, e.g. 望川区政务公开专区.
    pub name: String,
    /// The government whose information this is.
    pub government: String,
    /// True for demonstration content: the kiosk marks it on screen.
    pub sample: bool,
    pub address: String,
    pub hours: String,
    pub phone: String,
    pub portal_url: Option<String>,
    pub intro: Option<String>,
    /// Where the staff desk is in the hall (packs made before it existed have none).
    #[serde(default)]
    pub staff_desk: Option<String>,
    pub request_office: Office,
    pub open_day: Option<OpenDay>,
    /// Notices for Home, in the publisher's order (packs made before they existed have none).
    #[serde(default)]
    pub announcements: Vec<Announcement>,
    /// `[opening_hours]`: the hours as the monitoring reads them (left out of the pack's JSON
    /// when absent, so packs without it keep their hashes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_hours: Option<super::hours::OpeningHours>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub title: String,
    pub kind: DocKind,
    /// 索引号: an opaque string, its format differs by portal.
    pub index_no: Option<String>,
    /// 主题分类, levels separated by `\` (e.g. `综合政务\政务公开`).
    pub category: Option<String>,
    /// 发布机构.
    pub publisher: String,
    /// 发文字号.
    pub doc_no: Option<String>,
    /// 成文日期.
    pub written: Option<NaiveDate>,
    /// 发布日期.
    pub published: NaiveDate,
    /// 实施日期.
    pub effective: Option<NaiveDate>,
    pub validity: Validity,
    /// 废止日期 (or the date it ceased to be in force).
    pub repealed: Option<NaiveDate>,
    pub disclosure: Disclosure,
    /// One of [`KEY_AREAS`].
    pub area: Option<String>,
    /// 主题词.
    pub keywords: Vec<String>,
    /// 内容概述.
    pub summary: Option<String>,
    /// The online original.
    pub url: Option<String>,
    pub attachments: Vec<Attachment>,
    /// For an interpretation: the policy it explains.
    pub interprets: Option<String>,
    /// Markdown body.
    pub body: String,
    pub images: Vec<BodyImage>,
    /// Path in the publisher's source folder, for messages.
    pub source: String,
}

impl Document {
    /// A document with the fields every document has and nothing else: no other dates, no
    /// 索引号, 文号, area, keywords or attachments; in force and proactively disclosed. For
    /// content made by a program (tests, benchmarks), which sets what it varies with `..`.
    pub fn new(
        id: String,
        kind: DocKind,
        title: String,
        publisher: String,
        published: NaiveDate,
        body: String,
    ) -> Self {
        Document {
            id,
            title,
            kind,
            index_no: None,
            category: None,
            publisher,
            doc_no: None,
            written: None,
            published,
            effective: None,
            validity: Validity::Valid,
            repealed: None,
            disclosure: Disclosure::Proactive,
            area: None,
            keywords: Vec::new(),
            summary: None,
            url: None,
            attachments: Vec::new(),
            interprets: None,
            body,
            images: Vec::new(),
            source: String::new(),
        }
    }

    /// The media files this document refers to: attachments, then body images.
    pub fn blobs(&self) -> Vec<&BlobRef> {
        self.attachments
            .iter()
            .flat_map(|a| std::iter::once(&a.blob).chain(a.derived_blobs()))
            .chain(self.images.iter().map(|i| &i.blob))
            .collect()
    }

    pub fn year(&self) -> i32 {
        use chrono::Datelike;
        self.published.year()
    }
}

/// One application material of a service guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub name: String,
    /// 原件 / 复印件 / 原件和复印件 / 电子件.
    pub form: Option<String>,
    pub copies: u32,
    pub required: bool,
    pub note: Option<String>,
    pub blank_form: Option<BlobRef>,
    pub sample: Option<BlobRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub title: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionAnswer {
    pub question: String,
    pub answer: String,
}

/// 办事指南 (docs/domain.md §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guide {
    pub id: String,
    /// 事项名称.
    pub name: String,
    /// 事项编码.
    pub code: Option<String>,
    /// True for the 依申请公开 guide (政府信息公开申请).
    pub disclosure_request: bool,
    pub area: Option<String>,
    /// 设定依据.
    pub basis: Vec<String>,
    /// 申请条件.
    pub conditions: Vec<String>,
    pub materials: Vec<Material>,
    /// 办理机构.
    pub office: String,
    pub window: Option<String>,
    /// 办理地点.
    pub location: String,
    pub transport: Option<String>,
    /// 办理时间.
    pub hours: String,
    pub steps: Vec<Step>,
    /// 法定时限.
    pub legal_limit: String,
    /// 承诺时限.
    pub promised_limit: String,
    /// 即办件: handled on the spot.
    pub on_the_spot: bool,
    /// 收费标准; never blank (不收费 when free).
    pub fee: String,
    /// 结果送达.
    pub delivery: Option<String>,
    /// 到现场次数.
    pub visits: u32,
    /// 网上办理.
    pub online_url: Option<String>,
    pub faq: Vec<QuestionAnswer>,
    /// 咨询电话.
    pub consult_phone: String,
    /// 监督投诉电话.
    pub complaint_phone: String,
    pub source: String,
}

impl Guide {
    /// The media files this guide refers to: each material's blank form and sample.
    pub fn blobs(&self) -> Vec<&BlobRef> {
        self.materials.iter().flat_map(|m| m.blank_form.iter().chain(m.sample.iter())).collect()
    }
}

/// Where a 码上公开 QR code leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type", content = "target")]
pub enum BoardTarget {
    Url(String),
    Document(String),
    Guide(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardItem {
    pub label: String,
    pub note: Option<String>,
    pub target: BoardTarget,
}

/// 码上公开 board: a wall of labelled QR codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    pub items: Vec<BoardItem>,
    pub source: String,
}

/// A policy Q&A entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faq {
    pub id: String,
    pub question: String,
    pub answer: String,
    pub area: Option<String>,
    pub related_documents: Vec<String>,
    pub related_guides: Vec<String>,
    pub source: String,
}

/// Everything one source folder (or one pack) holds, checked and complete.
#[derive(Debug, Clone, Default)]
pub struct ContentSet {
    pub site: Site,
    pub documents: Vec<Document>,
    pub guides: Vec<Guide>,
    pub boards: Vec<Board>,
    pub faqs: Vec<Faq>,
    /// Every referenced file, by sha256, and where its bytes are now.
    pub blobs: BTreeMap<String, PathBuf>,
}
