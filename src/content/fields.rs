//! Field names of the source format: the key a publisher writes (or its Chinese label, quoted)
//! and the label used in messages. `docs/content-format.md` documents each of them.

use crate::toml_reader::Field;

// shared
pub const ID: Field = Field::new("id", "id");
pub const TITLE: Field = Field::new("title", "标题");
pub const NAME: Field = Field::new("name", "名称");
pub const AREA: Field = Field::new("area", "重点领域");
pub const NOTE: Field = Field::new("note", "备注");
pub const ADDRESS: Field = Field::new("address", "地址");
pub const SUMMARY: Field = Field::new("summary", "简介");

// site.toml
pub const SITE_NAME: Field = Field::new("name", "专区名称");
pub const GOVERNMENT: Field = Field::new("government", "政府名称");
pub const SAMPLE: Field = Field::new("sample", "示例内容");
pub const OPEN_HOURS: Field = Field::new("hours", "开放时间");
pub const PHONE: Field = Field::new("phone", "咨询电话");
pub const PORTAL_URL: Field = Field::new("portal_url", "门户网站");
pub const INTRO: Field = Field::new("intro", "专区简介");
pub const STAFF_DESK: Field = Field::new("staff_desk", "工作人员服务台");
pub const REQUEST_WINDOW: Field = Field::new("window", "受理窗口");
pub const REQUEST_OFFICE: Field = Field::new("request_office", "受理机构");
pub const OFFICE_HOURS: Field = Field::new("hours", "受理时间");
pub const TELEPHONE: Field = Field::new("phone", "联系电话");
pub const FAX: Field = Field::new("fax", "传真");
pub const POSTCODE: Field = Field::new("postcode", "邮政编码");
pub const EMAIL: Field = Field::new("email", "电子邮箱");
pub const ONLINE_APPLY: Field = Field::new("online_url", "网上申请");
pub const OPEN_DAY: Field = Field::new("open_day", "政府开放日");
pub const SCHEDULE: Field = Field::new("schedule", "活动安排");
pub const HOW_TO_JOIN: Field = Field::new("how_to_join", "参与方式");
pub const ANNOUNCEMENTS: Field = Field::new("announcements", "公告");
pub const ANNOUNCEMENT_TEXT: Field = Field::new("text", "内容");
pub const SHOW_FROM: Field = Field::new("from", "开始日期");
pub const SHOW_UNTIL: Field = Field::new("until", "结束日期");
pub const OPENING_HOURS: Field = Field::new("opening_hours", "开放时段");
pub const MONDAY: Field = Field::new("monday", "周一");
pub const TUESDAY: Field = Field::new("tuesday", "周二");
pub const WEDNESDAY: Field = Field::new("wednesday", "周三");
pub const THURSDAY: Field = Field::new("thursday", "周四");
pub const FRIDAY: Field = Field::new("friday", "周五");
pub const SATURDAY: Field = Field::new("saturday", "周六");
pub const SUNDAY: Field = Field::new("sunday", "周日");
pub const CLOSED_DATES: Field = Field::new("closed", "闭馆日期");
pub const SPECIAL_DAYS: Field = Field::new("special", "特别开放");

// docs/**/*.md front matter
pub const KIND: Field = Field::new("kind", "类别");
pub const INDEX_NO: Field = Field::new("index_no", "索引号");
pub const CATEGORY: Field = Field::new("category", "主题分类");
pub const PUBLISHER: Field = Field::new("publisher", "发布机构");
pub const DOC_NO: Field = Field::new("doc_no", "发文字号");
pub const WRITTEN: Field = Field::new("written", "成文日期");
pub const PUBLISHED: Field = Field::new("published", "发布日期");
pub const EFFECTIVE: Field = Field::new("effective", "实施日期");
pub const VALIDITY: Field = Field::new("validity", "有效性");
pub const REPEALED: Field = Field::new("repealed", "废止日期");
pub const DISCLOSURE: Field = Field::new("disclosure", "公开方式");
pub const KEYWORDS: Field = Field::new("keywords", "主题词");
pub const SUMMARY_DOC: Field = Field::new("summary", "内容概述");
pub const URL: Field = Field::new("url", "原文链接");
pub const ATTACHMENTS: Field = Field::new("attachments", "附件");
pub const ATTACHMENT_TITLE: Field = Field::new("title", "附件名称");
pub const ATTACHMENT_FILE: Field = Field::new("file", "文件");
pub const INTERPRETS: Field = Field::new("interprets", "解读对象");

// guides/*.toml
pub const GUIDE_NAME: Field = Field::new("name", "事项名称");
pub const GUIDE_CODE: Field = Field::new("code", "事项编码");
pub const DISCLOSURE_REQUEST: Field = Field::new("disclosure_request", "依申请公开");
pub const BASIS: Field = Field::new("basis", "设定依据");
pub const CONDITIONS: Field = Field::new("conditions", "申请条件");
pub const MATERIALS: Field = Field::new("materials", "申请材料");
pub const MATERIAL_NAME: Field = Field::new("name", "材料名称");
pub const MATERIAL_FORM: Field = Field::new("form", "材料形式");
pub const COPIES: Field = Field::new("copies", "份数");
pub const REQUIRED: Field = Field::new("required", "是否必需");
pub const BLANK_FORM: Field = Field::new("blank_form", "空白表格");
pub const SAMPLE_FORM: Field = Field::new("sample", "填写示例");
pub const OFFICE: Field = Field::new("office", "办理机构");
pub const WINDOW: Field = Field::new("window", "办理窗口");
pub const LOCATION: Field = Field::new("location", "办理地点");
pub const TRANSPORT: Field = Field::new("transport", "交通指引");
pub const GUIDE_HOURS: Field = Field::new("hours", "办理时间");
pub const STEPS: Field = Field::new("steps", "办理流程");
pub const STEP_TITLE: Field = Field::new("title", "步骤");
pub const STEP_DETAIL: Field = Field::new("detail", "说明");
pub const LEGAL_LIMIT: Field = Field::new("legal_limit", "法定时限");
pub const PROMISED_LIMIT: Field = Field::new("promised_limit", "承诺时限");
pub const ON_THE_SPOT: Field = Field::new("on_the_spot", "即办件");
pub const FEE: Field = Field::new("fee", "收费标准");
pub const DELIVERY: Field = Field::new("delivery", "结果送达");
pub const VISITS: Field = Field::new("visits", "到现场次数");
pub const ONLINE_URL: Field = Field::new("online_url", "网上办理");
pub const GUIDE_FAQ: Field = Field::new("faq", "常见问题");
pub const QUESTION: Field = Field::new("question", "问题");
pub const ANSWER: Field = Field::new("answer", "回答");
pub const CONSULT_PHONE: Field = Field::new("consult_phone", "咨询电话");
pub const COMPLAINT_PHONE: Field = Field::new("complaint_phone", "监督投诉电话");

// boards/*.toml
pub const BOARD_INTRO: Field = Field::new("intro", "说明");
pub const ITEMS: Field = Field::new("items", "二维码");
pub const ITEM_LABEL: Field = Field::new("label", "名称");
pub const ITEM_URL: Field = Field::new("url", "链接");
pub const ITEM_DOCUMENT: Field = Field::new("document", "文件");
pub const ITEM_GUIDE: Field = Field::new("guide", "指南");

// faq/*.toml
pub const FAQ_ENTRIES: Field = Field::new("faq", "问答");
pub const RELATED_DOCUMENTS: Field = Field::new("related_documents", "相关文件");
pub const RELATED_GUIDES: Field = Field::new("related_guides", "相关指南");
