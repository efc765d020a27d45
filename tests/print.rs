//! The printed layouts, read back with real tools: `pdftotext` (poppler) gives back the Chinese
//! text, including a rare name character; `qpdf --check` passes; every QR code on a page,
//! rasterised by `pdftoppm`, decodes with `zbarimg` to its URL; the font is embedded as a subset.

mod common;

use std::path::Path;
use std::process::Command;

use common::demo;

fn kiosk(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk")).arg("--data-dir").arg(data).args(args).output().unwrap()
}

fn need(tool: &str) {
    let found = std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()));
    assert!(found, "`{tool}` is missing: run the README's test command (scripts/test), which installs poppler-utils, qpdf and zbar-tools");
}

fn text_of(pdf: &Path) -> String {
    need("pdftotext");
    let out = Command::new("pdftotext").args(["-layout"]).arg(pdf).arg("-").output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn qr_codes(pdf: &Path) -> Vec<String> {
    need("pdftoppm");
    need("zbarimg");
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("page");
    assert!(Command::new("pdftoppm").args(["-r", "150", "-png"]).arg(pdf).arg(&prefix).status().unwrap().success());
    let mut codes = Vec::new();
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let out = Command::new("zbarimg").args(["-q", "--raw"]).arg(e.unwrap().path()).output().unwrap();
        codes.extend(String::from_utf8_lossy(&out.stdout).lines().map(str::to_string));
    }
    codes.sort();
    codes
}

fn check_structure(pdf: &Path) {
    need("qpdf");
    let out = Command::new("qpdf").arg("--check").arg(pdf).output().unwrap();
    assert!(out.status.success(), "qpdf --check {}: {}", pdf.display(), String::from_utf8_lossy(&out.stdout));
    need("pdffonts");
    let fonts = String::from_utf8(Command::new("pdffonts").arg(pdf).output().unwrap().stdout).unwrap();
    assert!(fonts.contains("NotoSansCJKsc-Regular") && fonts.lines().any(|l| l.contains("yes yes yes")), "embedded subset font:\n{fonts}");
}

#[test]
fn every_layout_reads_back_with_its_chinese_text_and_qr_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(kiosk(&data, &["import", demo().to_str().unwrap()]).status.success());
    let make = |args: &[&str], name: &str| {
        let path = tmp.path().join(name);
        let mut all: Vec<&str> = vec!["print"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--out", path.to_str().unwrap()]);
        let out = kiosk(&data, &all);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        check_structure(&path);
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(size < 150_000, "{name} is {size} bytes (fonts are subset)");
        path
    };
    let squash = |s: &str| s.split_whitespace().collect::<String>();

    // the request form: blank and the 填写示例 with a rare name character
    let blank = make(&["form", "--blank"], "blank.pdf");
    let t = squash(&text_of(&blank));
    for want in ["政府信息公开申请表", "公民", "法人或者其他组织", "统一社会信用代码", "所需信息的名称或文号", "特征性描述", "载体形式", "纸质", "光盘", "邮寄", "快递", "申请人签名或者盖章", "受理编号", "收到日期", "提交方式", "望川区人民政府办公室", "0000-81230005"] {
        assert!(t.contains(want), "blank form lacks {want}: {t}");
    }
    assert!(!t.contains("填写示例"));
    let sample = make(&["form", "--sample"], "sample.pdf");
    let t = squash(&text_of(&sample));
    assert!(t.contains("填写示例") && t.contains("吉𠮷") && t.contains("11010519491231002X"), "{t}");
    let office_url = "https://www.example.gov.cn/wangchuan/ysqgk/";
    assert_eq!(qr_codes(&sample), vec![office_url.to_string()], "the QR code leads to the online application");

    // a guide: materials as tick boxes, steps, phones, QR to online handling
    let guide = make(&["guide", "guide-jzz"], "guide.pdf");
    let t = squash(&text_of(&guide));
    for want in ["居住证申领", "申请材料", "居民身份证", "办理流程", "1.居住登记", "法定时限", "收费标准", "咨询电话", "0000-81236600"] {
        assert!(t.contains(want), "guide lacks {want}: {t}");
    }

    // a document: header table, body with its table, QR of the original, footer with page n / m
    let doc = make(&["doc", "wc-zc-2024-lnzc"], "doc.pdf");
    let t = squash(&text_of(&doc));
    for want in ["望川区社区老年助餐服务实施办法", "索引号", "11459901WC00000032/2024-00015", "望民发〔2024〕7号", "第一章总则", "60至79周岁老年人", "第1/1页", "望川区政务公开专区"] {
        assert!(t.contains(want), "document lacks {want}: {t}");
    }
    assert_eq!(qr_codes(&doc), vec!["https://www.example.gov.cn/wangchuan/zc/2024/lnzc/".to_string()]);

    // a board as an A4 and an A3 poster: every code decodes to its item's address
    for (args, name) in [(&["board", "board-zcwj"][..], "a4.pdf"), (&["board", "board-zcwj", "--a3"][..], "a3.pdf")] {
        let poster = make(args, name);
        let t = squash(&text_of(&poster));
        assert!(t.contains("码上公开") && t.contains("老年助餐服务实施办法"), "{t}");
        let codes = qr_codes(&poster);
        assert_eq!(codes.len(), 4, "{codes:?}");
        assert!(codes.contains(&"https://www.example.gov.cn/wangchuan/zc/2024/lnzc/".to_string()));
    }

    // a QR card
    let card = make(&["card", "wc-zc-2024-lnzc"], "card.pdf");
    assert_eq!(qr_codes(&card), vec!["https://www.example.gov.cn/wangchuan/zc/2024/lnzc/".to_string()]);

    // the directory backend, and clear errors
    let out = kiosk(&data, &["print", "form", "--sample"]);
    assert!(out.status.success());
    let printed: Vec<_> = std::fs::read_dir(data.join("printed")).unwrap().collect();
    assert_eq!(printed.len(), 1);
    let out = kiosk(&data, &["print", "doc", "no-such-doc", "--out", tmp.path().join("x.pdf").to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no document with id `no-such-doc`"));
    assert!(!tmp.path().join("x.pdf").exists());
}

#[test]
fn a_filled_form_keeps_every_character_of_long_answers_and_names_the_clerk() {
    let site = {
        let tmp = tempfile::tempdir().unwrap();
        let mut store = gongkai_kiosk::store::Store::open(tmp.path()).unwrap();
        store.import_folder(&demo()).unwrap();
        store.site().unwrap().unwrap()
    };
    let mut f = gongkai_kiosk::print::RequestForm::sample();
    f.name = "欧阳䶮".into();
    f.address = "岚州市望川区望川大道八十八号政务服务中心东侧第三幢二单元十五楼一五零二室（请在工作日送达，周末无人签收）".into();
    f.description = "二〇二四年度本区各街道老年助餐点的名单、地址、开放时间、每餐补贴标准、补贴资金的拨付记录，以及各助餐点食品安全检查的结果和整改情况。".repeat(2);
    f.on_behalf = true;
    let pdf = gongkai_kiosk::print::request::layout(&site, &gongkai_kiosk::print::FormKind::Filled(Box::new(f.clone())), "2026-11-22 10:00").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("filled.pdf");
    std::fs::write(&path, &pdf).unwrap();
    check_structure(&path);
    let t: String = text_of(&path).split_whitespace().collect();
    assert!(t.contains("欧阳䶮"));
    assert!(t.contains(&f.address), "the whole address is printed: {t}");
    // pdftotext -layout reads the label cell's second line ("（必填）") into the value's lines
    let values_only = t.replace("（必填）", "");
    assert!(values_only.contains(&f.description), "the whole description is printed: {t}");
    assert!(t.contains("代为填写"));
    assert!(!t.contains("填写示例"));
}
