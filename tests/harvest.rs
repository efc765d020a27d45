//! Harvesting a portal against real parts: a mock 政府信息公开 portal generated here and served by
//! Debian's nginx on loopback (three page templates, pagination, a GBK column, pictures, PDF and
//! DOCX attachments, interpretation links, a redirect, a 404, robots.txt), a page that never
//! finishes through the fault-staging server behind nginx, the real binary, and the result
//! published and synced to a kiosk.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use common::servers::{Fault, FaultServer, Nginx};
use common::{copy_dir, edit};
use gongkai_kiosk::content::{self, DocKind, Document, Validity};

fn kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
        .args(args)
        .env("GONGKAI_KIOSK_CONFIG", Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml"))
        .env_remove("RUST_LOG")
        .output()
        .expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

// ----- the mock portal -----

const CHROME_TOP: &str = r#"<div class="top"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/zwgk/zcjd/index.html">政策解读</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>"#;
const CHROME_BOTTOM: &str = r#"<div class="share">分享到：<a href="javascript:void(0)">微信</a></div>
<div class="ewm"><p>扫一扫在手机打开当前页</p></div>
<div class="tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<script>document.write('统计代码');</script>
<div class="footer">主办：望川区人民政府办公室 网站标识码：0000000000</div>"#;

/// Template A: the disclosure header as a table of label cells (spaces in labels, full-width
/// colons, 年月日 dates), the body in a TRS editor container.
fn template_a(h: &Header, body: &str, related: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}_望川区人民政府</title></head><body>
{CHROME_TOP}
<table class="xxgk-header">
<tr><td>索 引 号：</td><td>{index}</td><td>主题分类：</td><td>{category}</td></tr>
<tr><td>发布机构：</td><td>{publisher}</td><td>成文日期：</td><td>{written}</td></tr>
<tr><td>标　　题：</td><td colspan="3">{title}</td></tr>
<tr><td>发文字号：</td><td>{doc_no}</td><td>发布日期：</td><td>{published}</td></tr>
<tr><td>有 效 性：</td><td>{validity}</td><td>主 题 词：</td><td>{keywords}</td></tr>
</table>
<div class="TRS_Editor">{body}</div>
{related}
{CHROME_BOTTOM}
</body></html>"#,
        charset = h.charset,
        title = h.title,
        index = h.index_no,
        category = h.category,
        publisher = h.publisher,
        written = h.written,
        doc_no = h.doc_no,
        published = h.published,
        validity = h.validity,
        keywords = h.keywords,
    )
}

struct Header {
    charset: &'static str,
    title: &'static str,
    index_no: &'static str,
    category: &'static str,
    publisher: &'static str,
    written: &'static str,
    doc_no: &'static str,
    published: &'static str,
    validity: &'static str,
    keywords: &'static str,
}

/// Template B: an article with 发布时间 and 来源 in running text under an <h1>.
fn template_b(title: &str, info: &str, body: &str, meta_charset: bool) -> String {
    let charset =
        if meta_charset { r#"<meta http-equiv="Content-Type" content="text/html; charset=gb2312">"# } else { "" };
    format!(
        r#"<html><head>{charset}<title>{title}</title></head><body>
{CHROME_TOP}
<div class="article"><h1 class="title">{title}</h1>
<div class="info">{info}　　浏览次数：<span id="views">12</span>　　<a href="javascript:window.print()">【打印】</a></div>
<div id="zoom">{body}</div></div>
{CHROME_BOTTOM}
</body></html>"#
    )
}

/// Template C: the metadata only in the CMS's meta tags.
fn template_c(title: &str, date: &str, source: &str, keywords: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="SiteName" content="望川区人民政府">
<meta name="ColumnName" content="通知公告">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{date}">
<meta name="ContentSource" content="{source}">
<meta name="Keywords" content="{keywords}">
<meta name="Description" content="{title}">
<title>{title}</title></head><body>
{CHROME_TOP}
<div class="main"><div class="article-body">{body}</div></div>
{CHROME_BOTTOM}
</body></html>"#
    )
}

fn list_page(
    title: &str,
    items: &[(&str, &str, &str)],
    next: Option<&str>,
    base: Option<&str>,
    charset: &str,
) -> String {
    let base = base.map(|b| format!(r#"<base href="{b}">"#)).unwrap_or_default();
    let mut lis = String::new();
    for (href, t, date) in items {
        lis.push_str(&format!(
            "<li><a href=\"{href}\" title=\"{t}\" target=\"_blank\">{t}</a><span class=\"date\">{date}</span></li>\n"
        ));
    }
    let next = next.map(|n| format!(r#"<div class="page"><a href="{n}">下一页</a></div>"#)).unwrap_or_default();
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="{charset}">{base}<title>{title}</title></head><body>
{CHROME_TOP}
<ul class="nav"><li><a href="/zwgk/zcwj/index.html">政策文件</a></li><li><a href="/xwzx/tzgg/index.html">通知公告</a></li></ul>
<ul class="list">{lis}</ul>{next}
{CHROME_BOTTOM}</body></html>"#
    )
}

fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(s).0.into_owned()
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([(x * 6) as u8, (y * 8) as u8, 120]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A real (stored, uncompressed) DOCX: a zip with the three parts Word needs.
fn docx(text: &str) -> Vec<u8> {
    let files: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string()),
        ("word/document.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"#)),
    ];
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, body) in &files {
        let offset = out.len() as u32;
        let crc = crc32(body.as_bytes());
        let size = body.len() as u32;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&0u16.to_le_bytes()); // stored
            h.extend_from_slice(&0u32.to_le_bytes()); // time, date
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central {
                h.extend_from_slice(&[0u8; 8]); // comment, disk, internal attrs
                h.extend_from_slice(&0u32.to_le_bytes()); // external attrs
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend_from_slice(body.as_bytes());
        central.extend(header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0u8; 4]);
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn put(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

const C2_BEFORE: &str = "<p>　　2024年4月1日起，望川区社区食堂试运营，欢迎老年人前往就餐。</p>";
const C2_AFTER: &str = "<p>　　2024年4月8日起，望川区社区食堂正式运营，七十周岁以上老年人凭卡就餐享受补贴。</p>";

/// Writes the mock portal into `root`.
fn portal(root: &Path) {
    put(root, "robots.txt", "User-agent: *\nDisallow: /private/\n");
    put(root, "index.html", "<html><body><a href=\"/zwgk/zcwj/index.html\">政策文件</a></body></html>");

    // 政策文件 (template A), two list pages linked by 下一页
    put(
        root,
        "zwgk/zcwj/index.html",
        list_page(
            "政策文件",
            &[
                ("./202403/t20240312_1.html", "望川区社区老年助餐服务实施办法", "2024-03-12"),
                ("202402/t20240201_2.html", "望川区最低生活保障审核确认办法", "2024-02-01"),
                ("old/a3.html", "望川区就业补贴资金管理办法", "2024-01-10"),
                ("/zwgk/zcwj/202403/t20240312_1.html#top", "望川区社区老年助餐服务实施办法", "2024-03-12"),
            ],
            Some("index_1.html"),
            None,
            "utf-8",
        ),
    );
    put(
        root,
        "zwgk/zcwj/index_1.html",
        list_page(
            "政策文件",
            &[
                ("202401/t20240110_3.html", "望川区就业补贴资金管理办法", "2024-01-10"),
                ("202312/t20231201_404.html", "已删除的文件", "2023-12-01"),
                ("/slow/t20231115_5.html", "响应很慢的文件", "2023-11-15"),
                ("/private/t20231101_6.html", "内部文件", "2023-11-01"),
                ("202312/t20231202_503.html", "服务器出错的文件", "2023-12-02"),
            ],
            None,
            None,
            "utf-8",
        ),
    );
    let related_a1 = r#"<div class="xgjd"><div class="hd"><span>相关解读</span></div><ul>
        <li><a href="../../zcjd/202403/t20240315_1.html">《望川区社区老年助餐服务实施办法》政策解读</a></li>
        <li><a href="/zwgk/zcjd/202403/t20240320_9.html">一图读懂老年助餐</a></li></ul></div>"#;
    put(
        root,
        "zwgk/zcwj/202403/t20240312_1.html",
        template_a(
            &Header {
                charset: "utf-8",
                title: "望川区社区老年助餐服务实施办法",
                index_no: "11459901WC00000032/2024-00015",
                category: "民政/社会福利",
                publisher: "望川区民政局",
                written: "2024年03月05日",
                doc_no: "望民发〔2024〕7号",
                published: "2024年03月12日",
                validity: "有效",
                keywords: "老年助餐 养老服务",
            },
            r#"<p style="text-align:center"><strong>第一章　总则</strong></p>
<p>　　<strong>第一条</strong>　为解决老年人“吃饭难”问题，
根据有关规定，制定本办法。</p>
<p>　　<strong>第二条</strong>　补贴标准见下表：</p>
<table border="1"><tr><th>对象</th><th>每餐补贴</th></tr><tr><td>特困老人</td><td>8元</td></tr><tr><td>七十周岁以上</td><td>3元</td></tr></table>
<p style="text-align:center"><img src="../../../images/zc/chart1.png" alt="助餐点分布图"></p>
<p>附件：<a href="/uploads/2024/P020240312_补贴标准表.pdf">1.补贴标准表.pdf</a></p>
<p><a href="/uploads/2024/P020240312_申请表.docx">2.老年助餐补贴申请表.docx</a></p>
<script>var share = '分享';</script>"#,
            related_a1,
        ),
    );
    put(
        root,
        "zwgk/zcwj/202402/t20240201_2.html",
        format!(
            r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>最低生活保障</title></head><body>{CHROME_TOP}
<div class="xxgk"><ul>
<li><span>索引號：</span>11459901WC00000032/2024-00009</li>
<li><span>主題分類：</span>民政、扶贫、救灾\社会救助</li>
<li><span>發布機構：</span>望川区民政局</li>
<li><span>發文字號：</span>望民发〔2024〕3号</li>
<li><span>成文日期：</span>2024/01/20</li>
<li><span>發布日期：</span>2024/02/01 09:30:00</li>
<li><span>時效性：</span>已废止</li>
<li><span>廢止日期：</span>2024年06月30日</li>
</ul></div>
<h1>望川区最低生活保障审核确认办法</h1>
<div class="TRS_Editor"><p>　　第一条　为规范最低生活保障审核确认工作，制定本办法。</p><p>　　第二条　本办法自发布之日起施行。</p></div>
{CHROME_BOTTOM}</body></html>"#
        ),
    );
    put(
        root,
        "zwgk/zcwj/202401/t20240110_3.html",
        template_a(
            &Header {
                charset: "utf-8",
                title: "望川区就业补贴资金管理办法",
                index_no: "11459901WC00000032/2024-00003",
                category: "劳动、人事、监察\\就业",
                publisher: "望川区人力资源和社会保障局",
                written: "2024-01-05",
                doc_no: "望人社发〔2024〕1号",
                published: "2024-01-10",
                validity: "有效",
                keywords: "就业补贴",
            },
            "<p>　　第一条　为加强就业补贴资金管理，制定本办法。</p>",
            "",
        ),
    );
    put(root, "slow/t20231115_5.html", "<html><body>迟到的页面</body></html>");
    put(root, "private/t20231101_6.html", "<html><body>内部</body></html>");
    put(root, "images/zc/chart1.png", png());
    // a picture over the profile's size cap (max_image_kb = 100 in the test)
    let mut big = png();
    big.resize(300 * 1024, 0);
    put(root, "images/big.png", big);
    put(root, "uploads/2024/P020240312_补贴标准表.pdf", pdf());
    put(root, "uploads/2024/P020240312_申请表.docx", docx("老年助餐补贴申请表"));

    // 政策解读 (template B), numbered list pages index.html, index_1.html
    put(
        root,
        "zwgk/zcjd/index.html",
        list_page(
            "政策解读",
            &[("202403/t20240315_1.html", "《望川区社区老年助餐服务实施办法》政策解读", "2024-03-15")],
            None,
            None,
            "utf-8",
        ),
    );
    put(
        root,
        "zwgk/zcjd/index_1.html",
        list_page(
            "政策解读",
            &[("202402/t20240205_2.html", "关于印发低保办法的解读", "2024-02-05")],
            None,
            None,
            "utf-8",
        ),
    );
    put(
        root,
        "zwgk/zcjd/202403/t20240315_1.html",
        template_b(
            "《望川区社区老年助餐服务实施办法》政策解读",
            "发布时间：2024-03-15 10:30　　来源：望川区民政局",
            r#"<p>　　一、起草背景</p><p>　　为方便<ruby>朝<rp>(</rp><rt>zhāo</rt><rp>)</rp></ruby>阳社区老年人就餐，制定《办法》。</p>
<p>原文链接：<a href="/zwgk/zcwj/202403/t20240312_1.html">望川区社区老年助餐服务实施办法</a></p>"#,
            false,
        )
        .replace("<html><head>", "<html><head><meta charset=\"utf-8\">"),
    );
    put(
        root,
        "zwgk/zcjd/202402/t20240205_2.html",
        template_b(
            "关于印发低保办法的解读",
            "发布时间：2024年02月05日　　来源：望川区民政局",
            r#"<p>　　本解读说明低保审核确认的程序。</p><p>相关文件：<a href="/zwgk/zcwj/202402/t20240201_2.html">望川区最低生活保障审核确认办法</a></p>"#,
            false,
        )
        .replace("<html><head>", "<html><head><meta charset=\"utf-8\">"),
    );
    // an interpretation no column lists, only the policy's 相关解读
    put(
        root,
        "zwgk/zcjd/202403/t20240320_9.html",
        template_b(
            "一图读懂老年助餐",
            "发布时间：2024-03-20　　来源：望川区民政局",
            r#"<p><img src="/images/zc/chart1.png" alt="一图读懂"></p>"#,
            false,
        )
        .replace("<html><head>", "<html><head><meta charset=\"utf-8\">"),
    );

    // 通知公告 (template C): <base href> and relative links on the list page
    put(
        root,
        "xwzx/tzgg/index.html",
        list_page(
            "通知公告",
            &[
                ("202404/t20240402_1.html", "关于2024年清明节放假的通知", "2024-04-02"),
                ("202404/t20240408_2.html", "望川区社区食堂运营公告", "2024-04-08"),
            ],
            None,
            Some("/xwzx/tzgg/"),
            "utf-8",
        ),
    );
    put(
        root,
        "xwzx/tzgg/202404/t20240402_1.html",
        template_c(
            "关于2024年清明节放假的通知",
            "2024-04-02 08:00",
            "望川区人民政府办公室",
            "清明节,放假",
            "<p>　　根据国务院办公厅通知，4月4日至6日放假调休，共3天。</p>",
        ),
    );
    put(
        root,
        "xwzx/tzgg/202404/t20240408_2.html",
        template_c("望川区社区食堂运营公告", "2024-04-08", "望川区民政局", "社区食堂 老年助餐", C2_BEFORE),
    );

    // 财政预决算: GBK pages, served with a header that says UTF-8 (see nginx below)
    put(
        root,
        "czyjs/index.html",
        gbk(&list_page(
            "财政预决算",
            &[
                ("2024/t20240120_1.html", "望川区2024年部门预算公开说明", "2024-01-20"),
                ("2024/t20240125_2.html", "望川区2023年财政决算报告", "2024-01-25"),
            ],
            None,
            None,
            "gb2312",
        )),
    );
    put(
        root,
        "czyjs/2024/t20240120_1.html",
        gbk(&template_a(
            &Header {
                charset: "gbk",
                title: "望川区2024年部门预算公开说明",
                index_no: "11459901WC00000032/2024-00002",
                category: "财政/预算",
                publisher: "望川区财政局",
                written: "2024年01月18日",
                doc_no: "",
                published: "2024年01月20日",
                validity: "有效",
                keywords: "部门预算",
            },
            "<p>　　按照预算法规定，现将望川区2024年部门预算公开如下。</p><p><img src=\"/images/big.png\" alt=\"大图\"></p>",
            "",
        )),
    );
    // no charset anywhere, and traditional labels in running text
    put(
        root,
        "czyjs/2024/t20240125_2.html",
        gbk(&template_b(
            "望川区2023年财政决算报告",
            "發布時間：2024-01-25　　來源：望川区财政局",
            "<p>　　2023年全区一般公共预算收入完成情况良好。</p>",
            false,
        )),
    );
}

/// nginx for the portal: html and file types, a permanent redirect, the GBK column's wrong
/// charset header, and the slow page passed to the fault server.
fn serve(root: &Path, slow: &FaultServer) -> Nginx {
    Nginx::start_with(
        root,
        "text/html html; text/plain txt; image/png png; application/pdf pdf; application/vnd.openxmlformats-officedocument.wordprocessingml.document docx;",
        &format!(
            r#"location = /zwgk/zcwj/old/a3.html {{ return 301 /zwgk/zcwj/202401/t20240110_3.html; }}
        location /czyjs/ {{ charset utf-8; }}
        location = /zwgk/zcwj/202312/t20231202_503.html {{ return 503; }}
        location /slow/ {{ proxy_pass http://127.0.0.1:{}; proxy_read_timeout 60s; }}"#,
            slow.port
        ),
    )
}

/// The example profile, pointed at the mock portal, fast and with a short time-out.
fn profile(dir: &Path, url: &str) -> PathBuf {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/harvest");
    copy_dir(&examples, dir);
    let p = dir.join("portal.toml");
    edit(&p, "portal = \"https://www.wangchuan.example.gov.cn/\"", &format!("portal = \"{url}/\""));
    edit(&p, "rate = 1\n", "rate = 50\n");
    edit(&p, "timeout_seconds = 30", "timeout_seconds = 2\nmax_image_kb = 100");
    p
}

fn doc<'a>(docs: &'a [Document], id: &str) -> &'a Document {
    docs.iter()
        .find(|d| d.id == id)
        .unwrap_or_else(|| panic!("no document {id}; have {:?}", docs.iter().map(|d| &d.id).collect::<Vec<_>>()))
}

fn harvest(profile: &Path, out: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["harvest", profile.to_str().unwrap(), out.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let o = kiosk(&args);
    assert!(o.status.success(), "{}", text(&o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)))
}

fn ids(v: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
    out.sort();
    out
}

#[test]
fn harvest_a_portal_re_run_conditionally_publish_and_sync() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("portal");
    portal(&root);
    let slow_root = tmp.path().join("slow");
    put(&slow_root, "slow/t20231115_5.html", "<html><body>迟到的页面</body></html>");
    let slow = FaultServer::start(&slow_root);
    slow.stage("t20231115_5.html", Fault::Trickle(Duration::from_secs(5)), 10);
    let nginx = serve(&root, &slow);
    let url = nginx.url();
    let prof = profile(&tmp.path().join("profile"), &url);
    let out = tmp.path().join("source");

    // ----- first run -----
    let r = harvest(&prof, &out, &[]);
    let set = content::load(&out).unwrap_or_else(|e| panic!("{e}"));
    let docs = &set.documents;
    assert_eq!(docs.len(), 10, "{:?}", docs.iter().map(|d| (&d.id, &d.title)).collect::<Vec<_>>());
    assert_eq!(r["documents"], 10, "{r:#}");
    assert_eq!(r["new"].as_array().unwrap().len(), 10);

    // template A: the header table, read whole
    let a1 = doc(docs, "11459901WC00000032-2024-00015");
    assert_eq!(a1.title, "望川区社区老年助餐服务实施办法");
    assert_eq!(a1.kind, DocKind::Policy);
    assert_eq!(a1.index_no.as_deref(), Some("11459901WC00000032/2024-00015"));
    assert_eq!(a1.category.as_deref(), Some("民政\\社会福利"));
    assert_eq!(a1.publisher, "望川区民政局");
    assert_eq!(a1.doc_no.as_deref(), Some("望民发〔2024〕7号"));
    assert_eq!(a1.written.unwrap().to_string(), "2024-03-05");
    assert_eq!(a1.published.to_string(), "2024-03-12");
    assert_eq!(a1.validity, Validity::Valid);
    assert_eq!(a1.area.as_deref(), Some("养老服务"));
    assert_eq!(a1.keywords, vec!["老年助餐", "养老服务"]);
    assert_eq!(a1.url.as_deref(), Some(format!("{url}/zwgk/zcwj/202403/t20240312_1.html").as_str()));
    let attachments: Vec<(&str, &str)> =
        a1.attachments.iter().map(|a| (a.title.as_str(), a.blob.media_type.as_str())).collect();
    assert_eq!(
        attachments,
        vec![
            ("补贴标准表", "application/pdf"),
            ("老年助餐补贴申请表", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        ]
    );
    assert_eq!(a1.images.len(), 1);
    assert_eq!(a1.images[0].blob.media_type, "image/png");
    assert!(a1.body.contains("**第一条** 为解决老年人“吃饭难”问题，根据有关规定，制定本办法。"), "{}", a1.body);
    assert!(a1.body.contains("| 特困老人 | 8元 |"), "{}", a1.body);
    assert!(a1.body.contains("![助餐点分布图](/media/"), "{}", a1.body);
    for chrome in [
        "附件",
        ".pdf",
        "扫一扫",
        "分享到",
        "打印本页",
        "关闭窗口",
        "统计代码",
        "share",
        "当前位置",
        "索引号",
        "相关解读",
        "网站标识码",
    ] {
        assert!(!a1.body.contains(chrome), "{chrome} in the body: {}", a1.body);
    }
    // labels in a list, traditional characters, 废止 with its date, slashes in dates
    let a2 = doc(docs, "11459901WC00000032-2024-00009");
    assert_eq!(a2.title, "望川区最低生活保障审核确认办法");
    assert_eq!(a2.publisher, "望川区民政局");
    assert_eq!(a2.category.as_deref(), Some("民政、扶贫、救灾\\社会救助"));
    assert_eq!(a2.written.unwrap().to_string(), "2024-01-20");
    assert_eq!(a2.published.to_string(), "2024-02-01");
    assert_eq!(a2.validity, Validity::Repealed);
    assert_eq!(a2.repealed.unwrap().to_string(), "2024-06-30");
    assert_eq!(a2.area.as_deref(), Some("社会救助"));
    // the redirect and its target are one document, under the target's address
    let a3 = doc(docs, "11459901WC00000032-2024-00003");
    assert_eq!(a3.url.as_deref(), Some(format!("{url}/zwgk/zcwj/202401/t20240110_3.html").as_str()));
    assert_eq!(a3.area.as_deref(), Some("就业"));

    // template B: running text; the interpretation linked to its policy
    let b1 = docs.iter().find(|d| d.title == "《望川区社区老年助餐服务实施办法》政策解读").unwrap();
    assert_eq!(b1.kind, DocKind::Interpretation);
    assert_eq!(b1.interprets.as_deref(), Some(a1.id.as_str()));
    assert_eq!(b1.published.to_string(), "2024-03-15");
    assert_eq!(b1.publisher, "望川区民政局");
    assert!(b1.body.contains("朝（zhāo）阳社区"), "{}", b1.body);
    assert!(!b1.body.contains("浏览次数") && !b1.body.contains("原文链接"), "{}", b1.body);
    assert_eq!(b1.id, "zwgk-zcjd-202403-t20240315_1");
    let b2 = docs.iter().find(|d| d.title == "关于印发低保办法的解读").unwrap();
    assert_eq!(b2.interprets.as_deref(), Some(a2.id.as_str()), "found on the numbered list page index_1.html");
    // the 图解 no column lists, found through the policy's 相关解读
    let b9 = docs.iter().find(|d| d.title == "一图读懂老年助餐").unwrap();
    assert_eq!(b9.kind, DocKind::Interpretation);
    assert_eq!(b9.interprets.as_deref(), Some(a1.id.as_str()));
    assert_eq!(b9.images.len(), 1);
    assert_eq!(b9.images[0].blob.sha256, a1.images[0].blob.sha256);
    assert!(b9.source.starts_with("docs/interpretations/"), "{}", b9.source);

    // template C: meta tags only
    let c1 = docs.iter().find(|d| d.title == "关于2024年清明节放假的通知").unwrap();
    assert_eq!(c1.kind, DocKind::Notice);
    assert_eq!(c1.published.to_string(), "2024-04-02");
    assert_eq!(c1.publisher, "望川区人民政府办公室");
    assert_eq!(c1.keywords, vec!["清明节", "放假"]);
    assert_eq!(c1.summary.as_deref(), Some("关于2024年清明节放假的通知"));
    assert_eq!(c1.body, "根据国务院办公厅通知，4月4日至6日放假调休，共3天。");
    let c2_id = docs.iter().find(|d| d.title == "望川区社区食堂运营公告").unwrap().id.clone();

    // the GBK column: a header that says UTF-8, a meta tag that says GB2312 or GBK, or nothing
    let d1 = docs.iter().find(|d| d.title == "望川区2024年部门预算公开说明").unwrap();
    assert_eq!(d1.kind, DocKind::Budget);
    assert_eq!(d1.publisher, "望川区财政局");
    assert_eq!(d1.category.as_deref(), Some("财政、审计\\预算决算"));
    assert_eq!(d1.area.as_deref(), Some("财政预决算"));
    assert!(d1.body.contains("按照预算法规定"), "{}", d1.body);
    let d2 = docs.iter().find(|d| d.title == "望川区2023年财政决算报告").unwrap();
    assert_eq!(d2.publisher, "望川区财政局");
    assert_eq!(d2.published.to_string(), "2024-01-25");
    let fixes = r["charset_fixes"].as_array().unwrap();
    assert!(fixes.len() >= 3, "{fixes:?}");

    // pages that could not be read, each with its reason
    let failures = r["failures"].as_array().unwrap();
    let reason = |part: &str| {
        failures
            .iter()
            .find(|f| f["url"].as_str().unwrap().contains(part))
            .map(|f| f["reason"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no failure for {part}: {failures:?}"))
    };
    assert!(reason("t20231201_404.html").contains("404"));
    assert!(reason("t20231115_5.html").contains("time-out"));
    assert!(reason("t20231101_6.html").contains("robots.txt"));
    assert!(reason("t20231202_503.html").contains("503"));
    assert!(reason("big.png").contains("larger than 102400 bytes"));
    assert_eq!(failures.len(), 5, "{failures:?}");
    assert!(!d1.body.contains("大图") && !d1.body.contains("big"), "{}", d1.body);
    assert!(r["duplicates"].as_u64().unwrap() >= 2, "the #top link and the redirect's target: {r:#}");
    assert_eq!(r["mapping"]["kind_unmapped"].as_array().unwrap().len(), 0);
    assert!(!r["mapping"]["area_unmapped"].as_array().unwrap().is_empty());
    assert!(fs::read_to_string(out.join(".harvest/report.json")).unwrap().contains("\"failures\""));

    // the output imports as it is
    let data = tmp.path().join("kiosk");
    let o = kiosk(&["import", out.to_str().unwrap(), "--dry-run", "--data-dir", data.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));

    // ----- second run: one page changed on the portal -----
    let unchanged_file = fs::read(out.join(&a1.source)).unwrap();
    let c2_path = root.join("xwzx/tzgg/202404/t20240408_2.html");
    let before = fs::read_to_string(&c2_path).unwrap();
    fs::write(&c2_path, before.replace(C2_BEFORE, C2_AFTER)).unwrap();
    nginx.clear_log();
    let r2 = harvest(&prof, &out, &[]);
    assert_eq!(ids(&r2["changed"]), vec![c2_id.clone()], "{r2:#}");
    assert!(r2["new"].as_array().unwrap().is_empty() && r2["removed"].as_array().unwrap().is_empty(), "{r2:#}");
    assert_eq!(r2["documents"], 10);
    let log = nginx.log();
    let bodies: Vec<&str> = log.iter().filter(|l| l.status == 200).map(|l| l.path.as_str()).collect();
    assert_eq!(bodies, vec!["/xwzx/tzgg/202404/t20240408_2.html"], "{log:#?}");
    for l in &log {
        let expected = match l.path.as_str() {
            "/xwzx/tzgg/202404/t20240408_2.html" => 200,
            "/zwgk/zcwj/202312/t20231201_404.html" | "/zwgk/zcjd/index_2.html" => 404,
            "/zwgk/zcwj/202312/t20231202_503.html" => 503,
            // nginx logs 499 when the client gives up waiting
            "/slow/t20231115_5.html" => 499,
            _ => 304,
        };
        assert_eq!(l.status, expected, "{l:?}\n{log:#?}");
    }
    // every request names the tool
    assert!(log.iter().all(|l| l.rest.contains("\"gongkai-kiosk-harvest/")), "{log:#?}");
    // the redirect was remembered: the old address is not asked again
    assert!(!log.iter().any(|l| l.path.contains("/old/")), "{log:#?}");
    assert_eq!(fs::read(out.join(&a1.source)).unwrap(), unchanged_file);
    let set2 = content::load(&out).unwrap();
    assert!(set2.documents.iter().find(|d| d.id == c2_id).unwrap().body.contains("正式运营"));

    // a dry run lists what would change and writes nothing
    fs::write(root.join("xwzx/tzgg/index.html"), fs::read_to_string(root.join("xwzx/tzgg/index.html")).unwrap().replace(
        "<li><a href=\"202404/t20240402_1.html\" title=\"关于2024年清明节放假的通知\" target=\"_blank\">关于2024年清明节放假的通知</a><span class=\"date\">2024-04-02</span></li>",
        "",
    ))
    .unwrap();
    let state_before = fs::read(out.join(".harvest/state.json")).unwrap();
    let dry = harvest(&prof, &out, &["--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["missing"].as_array().unwrap().len(), 1, "{dry:#}");
    assert_eq!(fs::read(out.join(".harvest/state.json")).unwrap(), state_before);

    // ----- a document gone from its column: kept one run, then removed (drop_after_runs = 2) -----
    let r3 = harvest(&prof, &out, &[]);
    assert_eq!(r3["missing"][0]["id"], c1.id.as_str(), "{r3:#}");
    assert!(out.join(&c1.source).is_file());
    let r4 = harvest(&prof, &out, &[]);
    assert_eq!(ids(&r4["removed"]), vec![c1.id.clone()], "{r4:#}");
    assert!(!out.join(&c1.source).exists());
    assert_eq!(content::load(&out).unwrap().documents.len(), 9);

    // a changed selector reads every page again (a 304 would keep the old reading), and the same
    // pages give the same documents
    edit(&prof, "body = \"div.article-body\"", "body = \".main .article-body\"");
    let r5 = harvest(&prof, &out, &[]);
    assert_eq!(r5["pages_read"], 9, "{r5:#}");
    assert_eq!(r5["pages_not_modified"], 0, "{r5:#}");
    assert!(r5["changed"].as_array().unwrap().is_empty() && r5["new"].as_array().unwrap().is_empty(), "{r5:#}");

    // ----- publish and sync to a kiosk -----
    let key = tmp.path().join("publisher.key");
    let o = kiosk(&["keygen", "--out", key.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let public = String::from_utf8(o.stdout.clone()).unwrap().trim().to_string();
    let pack = tmp.path().join("pack");
    let o = kiosk(&["publish", out.to_str().unwrap(), pack.to_str().unwrap(), "--key", key.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let packs = Nginx::start(&pack);
    let o = kiosk(&["sync", "--source", &packs.url(), "--trust", &public, "--data-dir", data.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let o = kiosk(&["status", "--data-dir", data.to_str().unwrap()]);
    assert!(text(&o).contains("9 documents"), "{}", text(&o));
    let o = kiosk(&["show", &b1.id, "--json", "--data-dir", data.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(&a1.id), "{}", text(&o));
    let o = kiosk(&["search", "助餐", "--json", "--data-dir", data.to_str().unwrap()]);
    assert!(text(&o).contains(&a1.id), "{}", text(&o));
}

#[test]
fn a_broken_profile_is_refused_with_lines_and_an_unreachable_portal_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("bad.toml");
    fs::write(&p, "name = \"x\"\nportal = \"https://x.example/\"\n[[columns]]\nname = \"a\"\nstart = \"a/\"\nkind = \"policyy\"\n[columns.selectors]\ntitel = \"h1\"\n").unwrap();
    let o = kiosk(&["harvest", p.to_str().unwrap(), tmp.path().join("out").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("bad.toml:6: columns[1].kind"), "{}", text(&o));
    assert!(
        text(&o).contains("bad.toml:8: columns[1].selectors.titel is not a known field; did you mean `title`?"),
        "{}",
        text(&o)
    );

    // nobody listens on this port: nothing is written
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let good = tmp.path().join("good.toml");
    fs::write(&good, format!("name = \"x\"\nportal = \"http://127.0.0.1:{port}/\"\ntimeout_seconds = 2\n[[columns]]\nname = \"a\"\nstart = \"a/index.html\"\n")).unwrap();
    let out = tmp.path().join("out");
    let o = kiosk(&["harvest", good.to_str().unwrap(), out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("not one page") && text(&o).contains(&format!("127.0.0.1:{port}")), "{}", text(&o));
    assert!(!out.join(".harvest/state.json").exists());
}
