//! The generated corpus shared by the benchmarks: documents with titles of 10–30 characters and
//! bodies of 500–3,000 characters, built from real government terms and boilerplate sentences;
//! one document in twenty in traditional characters. Deterministic (a fixed xorshift seed).

#![allow(dead_code)]

use chrono::NaiveDate;
use gongkai_kiosk::content::{DocKind, Document, KEY_AREAS, Validity};

/// Real terms of government information (2 to 6 characters).
pub const TERMS: &[&str] = &[
    "政府信息公开",
    "依申请公开",
    "最低生活保障",
    "临时救助",
    "特困人员",
    "养老服务",
    "老年助餐",
    "居家养老",
    "义务教育",
    "招生入学",
    "随迁子女",
    "学前教育",
    "医疗保险",
    "养老保险",
    "失业保险",
    "工伤保险",
    "就业补贴",
    "创业担保贷款",
    "职业技能培训",
    "公共租赁住房",
    "保障性住房",
    "棚户区改造",
    "老旧小区改造",
    "耕地地力保护",
    "农机购置补贴",
    "高标准农田",
    "安全生产",
    "隐患排查",
    "应急预案",
    "防汛抗旱",
    "垃圾分类",
    "生态环境",
    "大气污染防治",
    "水污染防治",
    "财政预算",
    "财政决算",
    "三公经费",
    "政府采购",
    "公共资源交易",
    "招标投标",
    "行政许可",
    "行政处罚",
    "行政复议",
    "政务服务",
    "一网通办",
    "跨省通办",
    "营商环境",
    "减税降费",
    "增值税",
    "个人所得税",
    "社会保险费",
    "住房公积金",
    "户籍管理",
    "居住证",
    "身份证",
    "食品安全",
    "药品监管",
    "市场监管",
    "城市管理",
    "市政设施",
    "公共文化服务",
    "图书馆",
    "文化馆",
    "全民健身",
    "卫生健康",
    "疫苗接种",
    "家庭医生",
    "基层医疗",
    "残疾人",
    "退役军人",
    "乡村振兴",
    "人居环境",
    "集体经济",
    "征地补偿",
    "房屋征收",
    "城乡规划",
    "国土空间",
    "重大项目",
    "统计公报",
    "人口普查",
];
const CONNECT: &[&str] = &["关于", "进一步做好", "加强", "规范", "做好", "推进", "落实", "完善"];
const SUFFIX: &[&str] = &["的通知", "实施办法", "工作方案", "的公告", "管理办法", "实施细则", "的意见", "工作要点"];
const SENTENCES: &[&str] = &[
    "根据有关法律法规和上级文件精神，结合本区实际，制定本办法。",
    "各街道、各部门要高度重视，加强组织领导，明确责任分工，确保各项工作落到实处。",
    "符合条件的居民可以向户籍所在地街道便民服务中心提出申请，并提交相关材料。",
    "区财政部门负责资金保障，区审计部门负责监督检查，发现问题及时整改。",
    "办理结果应当在政府门户网站和政务公开专区公开，接受社会监督。",
    "对工作中推诿扯皮、弄虚作假的单位和个人，依法依规追究责任。",
    "本通知自印发之日起施行，有效期五年。此前规定与本通知不一致的，以本通知为准。",
    "咨询电话请拨打区政务服务热线，工作日上午九点至下午五点有专人接听。",
];

pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 as usize
    }
    pub fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.next() % v.len()]
    }
}

pub fn corpus(n: usize) -> Vec<Document> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let kinds =
        [DocKind::Policy, DocKind::Notice, DocKind::Regulation, DocKind::Plan, DocKind::Budget, DocKind::Statistics];
    let validity = [Validity::Valid, Validity::Valid, Validity::Valid, Validity::Expired, Validity::Repealed];
    (0..n)
        .map(|i| {
            let mut title = format!("{}{}{}", rng.pick(CONNECT), rng.pick(TERMS), rng.pick(SUFFIX));
            while title.chars().count() < 10 {
                title.insert_str(0, rng.pick(TERMS));
            }
            let title: String = title.chars().take(30).collect();
            let target = 500 + rng.next() % 2500;
            let mut body = String::new();
            while body.chars().count() < target {
                body.push_str(rng.pick(TERMS));
                body.push_str("工作");
                body.push_str(rng.pick(SENTENCES));
                if rng.next().is_multiple_of(5) {
                    body.push_str("\n\n");
                }
            }
            // one document in twenty is published in traditional characters
            let (title, body) = if i % 20 == 7 { (hanconv::s2t(&title), hanconv::s2t(&body)) } else { (title, body) };
            let v = validity[rng.next() % validity.len()];
            let kind = kinds[rng.next() % kinds.len()];
            let published = NaiveDate::from_ymd_opt(
                2015 + (rng.next() % 10) as i32,
                1 + (rng.next() % 12) as u32,
                1 + (rng.next() % 28) as u32,
            )
            .unwrap();
            let area = Some(KEY_AREAS[rng.next() % KEY_AREAS.len()].to_string());
            Document { kind, published, validity: v, area, ..document(i, title, body, "基准区人民政府") }
        })
        .collect()
}

/// Generated document number `i` with its title, body and publisher; the caller sets the fields
/// it varies (kind, dates, validity, area, …) over these defaults.
pub fn document(i: usize, title: String, body: String, publisher: &str) -> Document {
    let published = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
    Document::new(format!("d{i}"), DocKind::Policy, title, publisher.into(), published, body)
}
