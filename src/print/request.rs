//! The 政府信息公开申请表 (docs/domain.md §1): its fields, the checks the request wizard runs on them
//! (GB 11643 ID check digit, phones, postcodes, required fields), a 填写示例 sample, and the
//! printed layout — blank, sample or filled.

use chrono::NaiveDate;

use super::pdf::{BODY, HEADING, Pages, Paper, PdfError, Rendered, SMALL, TITLE};
use crate::content::Site;
use crate::qr::QrMatrix;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Applicant {
    /// 公民
    #[default]
    Citizen,
    /// 法人或者其他组织
    Organisation,
}

pub const MEDIA: [&str; 4] = ["纸质", "电子邮件", "光盘", "磁盘"];
pub const RECEIVE: [&str; 5] = ["自行领取/当场阅读、抄录", "邮寄", "快递", "电子邮件", "传真"];

/// Everything a request form holds. Lives in memory only: never written to disk or logs (its
/// `Debug` shows no personal data, so a stray `?form` in a log line cannot leak it).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RequestForm {
    pub applicant: Applicant,
    // citizen
    pub name: String,
    pub employer: String,
    pub id_kind: String,
    pub id_number: String,
    pub address: String,
    pub postcode: String,
    pub phone: String,
    pub fax: String,
    pub email: String,
    // organisation
    pub org_name: String,
    pub credit_code: String,
    pub legal_rep: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub org_fax: String,
    pub org_address: String,
    // information wanted
    pub title_or_no: String,
    pub description: String,
    pub index_no: String,
    pub purpose: String,
    pub media: Vec<usize>,
    pub receive: Vec<usize>,
    pub accept_other_way: bool,
    pub date: Option<NaiveDate>,
    /// Filled in by the office for an oral application (代为填写).
    pub on_behalf: bool,
}

impl std::fmt::Debug for RequestForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestForm")
            .field("applicant", &self.applicant)
            .field("on_behalf", &self.on_behalf)
            .finish_non_exhaustive()
    }
}

/// A problem with one field, in plain words for the visitor (`message`, Chinese) and as a
/// translation key for the touch screen (`key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub key: &'static str,
    pub message: &'static str,
}

/// An e-mail address: something@domain.tld, no spaces.
pub fn email_ok(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

/// GB 11643-1999: 17 digits and a check character (0–9 or X).
pub fn id_number_ok(s: &str) -> bool {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let chars: Vec<char> = s.trim().chars().map(|c| c.to_ascii_uppercase()).collect();
    if chars.len() != 18 || !chars[..17].iter().all(char::is_ascii_digit) {
        return false;
    }
    let sum: u32 = chars[..17].iter().zip(W).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    CHECK[(sum % 11) as usize] == chars[17]
}

/// A mainland mobile (11 digits from 1) or a landline with area code (0 + 9–11 digits, dashes allowed).
pub fn phone_ok(s: &str) -> bool {
    let d: String = s.chars().filter(|c| *c != '-' && *c != ' ').collect();
    d.chars().all(|c| c.is_ascii_digit())
        && ((d.len() == 11 && d.starts_with('1')) || (d.starts_with('0') && (10..=12).contains(&d.len())))
}

pub fn postcode_ok(s: &str) -> bool {
    s.len() == 6 && s.chars().all(|c| c.is_ascii_digit())
}

impl RequestForm {
    /// What must be fixed before printing (empty: ready).
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut p = Vec::new();
        let mut need = |ok: bool, field: &'static str, key: &'static str, message: &'static str| {
            if !ok {
                p.push(FieldProblem { field, key, message });
            }
        };
        let filled = |s: &str| !s.trim().is_empty();
        match self.applicant {
            Applicant::Citizen => {
                need(filled(&self.name), "name", "req-need-name", "请填写姓名");
                need(filled(&self.id_number), "id_number", "req-need-id", "请填写证件号码");
                if self.id_kind.is_empty() || self.id_kind == "居民身份证" {
                    need(
                        !filled(&self.id_number) || id_number_ok(&self.id_number),
                        "id_number",
                        "req-bad-id",
                        "身份证号码不正确，请核对最后一位",
                    );
                }
                need(
                    filled(&self.phone) || filled(&self.address) || filled(&self.email),
                    "phone",
                    "req-need-contact",
                    "请至少留一种联系方式",
                );
                need(self.phone.is_empty() || phone_ok(&self.phone), "phone", "req-bad-phone", "电话号码不正确");
                need(
                    self.postcode.is_empty() || postcode_ok(&self.postcode),
                    "postcode",
                    "req-bad-postcode",
                    "邮政编码应为6位数字",
                );
                need(self.email.is_empty() || email_ok(&self.email), "email", "req-bad-email", "电子邮箱不正确");
                need(self.fax.is_empty() || phone_ok(&self.fax), "fax", "req-bad-fax", "传真号码不正确");
            }
            Applicant::Organisation => {
                need(filled(&self.org_name), "org_name", "req-need-org", "请填写单位名称");
                need(
                    self.credit_code.trim().chars().count() == 18,
                    "credit_code",
                    "req-bad-credit-code",
                    "统一社会信用代码应为18位",
                );
                need(filled(&self.legal_rep), "legal_rep", "req-need-legal-rep", "请填写法定代表人");
                need(filled(&self.contact_name), "contact_name", "req-need-contact-name", "请填写联系人姓名");
                need(phone_ok(&self.contact_phone), "contact_phone", "req-bad-contact-phone", "联系人电话不正确");
                need(
                    self.contact_email.is_empty() || email_ok(&self.contact_email),
                    "contact_email",
                    "req-bad-email",
                    "电子邮箱不正确",
                );
                need(self.org_fax.is_empty() || phone_ok(&self.org_fax), "org_fax", "req-bad-fax", "传真号码不正确");
            }
        }
        need(filled(&self.title_or_no), "title_or_no", "req-need-title", "请填写所需信息的名称或文号");
        need(filled(&self.description), "description", "req-need-description", "请描述所需信息的内容特征");
        need(!self.media.is_empty(), "media", "req-need-media", "请选择获取信息的载体形式");
        need(!self.receive.is_empty(), "receive", "req-need-receive", "请选择获取信息的方式");
        p
    }

    /// The 填写示例: a made-up applicant (a rare-character name, to show it prints).
    pub fn sample() -> RequestForm {
        RequestForm {
            applicant: Applicant::Citizen,
            name: "吉𠮷（示例）".into(),
            employer: "无".into(),
            id_kind: "居民身份证".into(),
            id_number: "11010519491231002X".into(),
            address: "岚州市望川区示例路1号".into(),
            postcode: "100000".into(),
            phone: "13800000000".into(),
            email: "example@example.com".into(),
            title_or_no: "望川区社区老年助餐服务实施办法（望民发〔2024〕7号）".into(),
            description: "2024年本区老年助餐点的名单及各助餐点的补贴标准".into(),
            purpose: "了解本人可享受的助餐补贴".into(),
            media: vec![0],
            receive: vec![0],
            accept_other_way: true,
            date: NaiveDate::from_ymd_opt(2025, 1, 6),
            ..RequestForm::default()
        }
    }
}

/// Which form to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    Blank,
    Sample,
    Filled(Box<RequestForm>),
}

/// Lays out the 申请表 for `site`'s receiving office.
pub fn layout(site: &Site, kind: &FormKind, printed_at: &str) -> Result<Rendered, PdfError> {
    let empty = RequestForm::default();
    let sample = RequestForm::sample();
    let (f, banner) = match kind {
        FormKind::Blank => (&empty, None),
        FormKind::Sample => (&sample, Some("填写示例（仅供参考，请勿提交本页）")),
        FormKind::Filled(f) => (f.as_ref(), f.on_behalf.then_some("本表由工作人员根据申请人口头申请代为填写")),
    };
    let mut p = Pages::new("政府信息公开申请表", Paper::A4)?;
    let (m, w) = (p.margin, p.inner());
    let title = "政府信息公开申请表";
    let tw = p.measure(title, TITLE.size);
    let y = p.y;
    p.text(m + (w - tw) / 2.0, y, title, TITLE);
    p.y += 10.0;
    let office = &site.request_office;
    p.para(m, w - 34.0, &format!("受理机构：{}", office.name), SMALL);
    p.para(
        m,
        w - 34.0,
        &format!("地址：{}　办公时间：{}　电话：{}", office.address, office.hours, office.phone),
        SMALL,
    );
    if let Some(url) = office.online_url.as_deref().or(site.portal_url.as_deref())
        && let Ok(q) = QrMatrix::encode(url)
    {
        p.qr(&q, m + w - 30.0, p.margin - 4.0, 30.0);
        p.text(m + w - 30.0, p.margin + 26.0, "扫码网上申请", SMALL);
    }
    p.y = p.y.max(p.margin + 32.0);
    if let Some(b) = banner {
        p.rect(m, p.y, w, 8.0, false);
        let y = p.y + 1.5;
        p.text(m + 3.0, y, b, HEADING);
        p.y += 10.0;
    }

    // row height and the spacing below are what fits the whole form, blank or sample, on one A4 page
    let row_h: f32 = 7.5;
    let label_w: f32 = 34.0;
    // one bordered row of label/value cells; a long value makes the row taller, never shorter text
    let row = |p: &mut Pages, cells: &[(&str, &str)]| p.label_row(cells, label_w, row_h, 1);
    let section = |p: &mut Pages, s: &str| {
        p.need(row_h * 2.0);
        p.y += 2.0;
        let y = p.y;
        p.text(m, y, s, HEADING);
        p.y += Pages::line_height(HEADING);
    };
    let citizen = f.applicant == Applicant::Citizen && *kind != FormKind::Blank;
    let org = f.applicant == Applicant::Organisation;
    let v = |on: bool, s: &str| if on { s.to_string() } else { String::new() };

    section(&mut p, "申请人信息");
    let y = p.y;
    p.tick_box(m, y + 0.5, 4.0, citizen);
    p.text(m + 6.0, y, "公民", BODY);
    p.tick_box(m + 30.0, y + 0.5, 4.0, org);
    p.text(m + 36.0, y, "法人或者其他组织", BODY);
    p.y += 7.0;
    row(&mut p, &[("姓名", &v(citizen, &f.name)), ("工作单位", &v(citizen, &f.employer))]);
    row(&mut p, &[("证件名称", &v(citizen, &f.id_kind)), ("证件号码", &v(citizen, &f.id_number))]);
    row(&mut p, &[("通信地址", &v(citizen, &f.address))]);
    row(&mut p, &[("邮政编码", &v(citizen, &f.postcode)), ("联系电话", &v(citizen, &f.phone))]);
    row(&mut p, &[("传真", &v(citizen, &f.fax)), ("电子邮箱", &v(citizen, &f.email))]);
    row(&mut p, &[("名称", &v(org, &f.org_name)), ("统一社会信用代码", &v(org, &f.credit_code))]);
    row(&mut p, &[("法定代表人", &v(org, &f.legal_rep)), ("联系人姓名", &v(org, &f.contact_name))]);
    row(&mut p, &[("联系人电话", &v(org, &f.contact_phone)), ("联系人邮箱", &v(org, &f.contact_email))]);
    row(&mut p, &[("传真", &v(org, &f.org_fax)), ("地址", &v(org, &f.org_address))]);

    section(&mut p, "所需政府信息情况");
    // a row with room for `lines` lines (more when the value needs them)
    let tall =
        |p: &mut Pages, label: &str, value: &str, lines: usize| p.label_row(&[(label, value)], label_w, row_h, lines);
    tall(&mut p, "所需信息的名称或文号（必填）", &f.title_or_no, 1);
    tall(&mut p, "所需信息的特征性描述（必填）", &f.description, 2);
    tall(&mut p, "索引号（选填）", &f.index_no, 1);
    tall(&mut p, "用途（选填）", &f.purpose, 1);

    let choices = |p: &mut Pages, label: &str, options: &[&str], chosen: &[usize]| {
        p.need(row_h * 2.0);
        let y = p.y;
        p.text(m, y, label, BODY);
        p.y += Pages::line_height(BODY);
        let mut x = m;
        let mut y = p.y;
        for (i, o) in options.iter().enumerate() {
            let ow = p.measure(o, BODY.size) + 12.0;
            if x + ow > m + w {
                x = m;
                y += 7.0;
            }
            p.tick_box(x, y + 0.5, 4.0, chosen.contains(&i));
            p.text(x + 6.0, y, o, BODY);
            x += ow;
        }
        p.y = y + 7.0;
    };
    section(&mut p, "获取信息的方式");
    choices(&mut p, "载体形式（可多选）：", &MEDIA, &f.media);
    choices(&mut p, "获取方式（可多选）：", &RECEIVE, &f.receive);
    let y = p.y;
    p.tick_box(m, y + 0.5, 4.0, f.accept_other_way);
    p.para(m + 6.0, w - 6.0, "若本机关无法按照指定方式提供所需信息，也可接受其他方式", BODY);

    p.need(22.0);
    p.y += 3.0;
    let y = p.y;
    let date = f.date.map(|d| d.format("%Y年%m月%d日").to_string()).unwrap_or_else(|| "　　　　年　　月　　日".into());
    p.text(m, y, "申请人签名或者盖章：", BODY);
    p.hline(m + 36.0, m + 100.0, y + 6.0);
    p.text(m + 110.0, y, &format!("申请时间：{date}"), BODY);
    p.y += 9.0;

    p.need(14.0);
    let y = p.y;
    p.rect(m, y, w, 13.0, false);
    p.text(m + 2.0, y + 1.0, "以下由受理机关填写", SMALL);
    p.text(m + 2.0, y + 6.0, "受理编号：", BODY);
    p.text(m + 62.0, y + 6.0, "收到日期：", BODY);
    p.text(m + 122.0, y + 6.0, "提交方式：", BODY);
    p.y += 14.0;
    p.finish(&format!("{} · 打印时间 {printed_at}", site.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_are_checked_by_gb_11643() {
        assert!(id_number_ok("11010519491231002X"));
        assert!(id_number_ok("11010519491231002x"));
        assert!(!id_number_ok("110105194912310021"), "wrong check digit");
        assert!(!id_number_ok("1101051949123100"), "too short");
        assert!(phone_ok("13800000000") && phone_ok("0000-81236600") && !phone_ok("12345"));
        assert!(postcode_ok("100000") && !postcode_ok("10000a"));
        assert!(
            email_ok("a.b@example.com")
                && !email_ok("a@b")
                && !email_ok("@example.com")
                && !email_ok("a b@example.com")
        );
    }

    #[test]
    fn debug_output_holds_no_personal_data() {
        let shown = format!("{:?}", RequestForm::sample());
        assert!(
            !shown.contains("吉") && !shown.contains("11010519491231002X") && !shown.contains("13800000000"),
            "{shown}"
        );
        assert!(shown.contains("Citizen"));
    }

    #[test]
    fn the_sample_is_complete_and_a_blank_form_is_not() {
        assert!(RequestForm::sample().problems().is_empty(), "{:?}", RequestForm::sample().problems());
        let blank = RequestForm::default().problems();
        assert!(blank.iter().any(|p| p.field == "name"));
        assert!(blank.iter().any(|p| p.field == "title_or_no"));
        let mut bad = RequestForm::sample();
        bad.id_number = "110105194912310021".into();
        assert_eq!(bad.problems()[0].message, "身份证号码不正确，请核对最后一位");
        assert_eq!(bad.problems()[0].key, "req-bad-id");
        let mut org = RequestForm { applicant: Applicant::Organisation, ..RequestForm::sample() };
        org.credit_code = "91110000MA0000000X".into();
        let fields: Vec<_> = org.problems().iter().map(|p| p.field).collect();
        assert_eq!(fields, ["org_name", "legal_rep", "contact_name", "contact_phone"]);
    }
}
