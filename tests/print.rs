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
    assert!(
        found,
        "`{tool}` is missing: run the README's test command (scripts/test), which installs poppler-utils, qpdf and zbar-tools"
    );
}

/// The fonts a PDF uses without embedding them (`pdffonts`' `emb` column).
fn unembedded_fonts(pdf: &Path) -> Vec<String> {
    need("pdffonts");
    let out = Command::new("pdffonts").arg(pdf).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(2)
        .filter(|l| l.split_whitespace().rev().nth(4) == Some("no"))
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect()
}

/// Page 1 of the budget table drawn at 50 dpi: the share of the text rows in the middle of its
/// "2023年执行数" column (grid lines left out) that hold any ink. The figures fill about 0.4 of
/// them; the original sent as it is through cups-pdf came out at 0.015 (the digits missing).
fn figures_column_ink(pdf: &Path) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let stem = dir.path().join("page");
    let out =
        Command::new("pdftoppm").args(["-r", "50", "-f", "1", "-l", "1", "-png"]).arg(pdf).arg(&stem).output().unwrap();
    assert!(out.status.success());
    let png = std::fs::read_dir(dir.path()).unwrap().flatten().next().unwrap().path();
    let page = image::open(&png).unwrap().into_luma8();
    let (w, h) = page.dimensions();
    let (x0, x1) = (w * 60 / 100, w * 69 / 100); // clear of the column's right-hand line
    let (mut rows, mut inked) = (0, 0);
    for y in h * 12 / 100..h * 85 / 100 {
        let dark = (x0..x1).filter(|&x| page.get_pixel(x, y).0[0] < 128).count();
        if dark * 10 > (x1 - x0) as usize * 8 {
            continue; // a grid line
        }
        rows += 1;
        inked += usize::from(dark > 0);
    }
    inked as f64 / rows.max(1) as f64
}

/// Text compared up to Unicode compatibility forms and spacing (NFKC, blanks removed).
fn compatible(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
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
    assert!(
        Command::new("pdftoppm").args(["-r", "150", "-png"]).arg(pdf).arg(&prefix).output().unwrap().status.success()
    );
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
    assert!(
        fonts.contains("NotoSansCJKsc-Regular") && fonts.lines().any(|l| l.contains("yes yes yes")),
        "embedded subset font:\n{fonts}"
    );
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
    for want in [
        "政府信息公开申请表",
        "公民",
        "法人或者其他组织",
        "统一社会信用代码",
        "所需信息的名称或文号",
        "特征性描述",
        "载体形式",
        "纸质",
        "光盘",
        "邮寄",
        "快递",
        "申请人签名或者盖章",
        "受理编号",
        "收到日期",
        "提交方式",
        "望川区人民政府办公室",
        "0000-81230005",
    ] {
        assert!(t.contains(want), "blank form lacks {want}: {t}");
    }
    assert!(!t.contains("填写示例"));
    assert!(t.contains("第1/1页"), "the blank form is one page: {t}");
    let sample = make(&["form", "--sample"], "sample.pdf");
    let t = squash(&text_of(&sample));
    assert!(t.contains("填写示例") && t.contains("吉𠮷") && t.contains("11010519491231002X"), "{t}");
    assert!(
        t.contains("第1/1页") && t.contains("受理编号"),
        "the sample, signature and office-use block on one page: {t}"
    );
    let office_url = "https://www.example.gov.cn/wangchuan/ysqgk/";
    assert_eq!(qr_codes(&sample), vec![office_url.to_string()], "the QR code leads to the online application");

    // a guide: materials as tick boxes, steps, phones, QR to online handling
    let guide = make(&["guide", "guide-jzz"], "guide.pdf");
    let t = squash(&text_of(&guide));
    for want in [
        "居住证申领",
        "申请材料",
        "居民身份证",
        "办理流程",
        "1.居住登记",
        "法定时限",
        "收费标准",
        "咨询电话",
        "0000-81236600",
    ] {
        assert!(t.contains(want), "guide lacks {want}: {t}");
    }
    assert_eq!(
        qr_codes(&guide),
        vec!["https://www.example.gov.cn/wangchuan/bs/jzz/".to_string()],
        "the QR code leads to online handling"
    );

    // a document: header table, body with its table, QR of the original, footer with page n / m
    let doc = make(&["doc", "wc-zc-2024-lnzc"], "doc.pdf");
    let t = squash(&text_of(&doc));
    for want in [
        "望川区社区老年助餐服务实施办法",
        "索引号",
        "11459901WC00000032/2024-00015",
        "望民发〔2024〕7号",
        "第一章总则",
        "60至79周岁老年人",
        "第1/1页",
        "望川区政务公开专区",
    ] {
        assert!(t.contains(want), "document lacks {want}: {t}");
    }
    assert_eq!(qr_codes(&doc), vec!["https://www.example.gov.cn/wangchuan/zc/2024/lnzc/".to_string()]);

    // a document's picture (the 图解) is printed, not just named
    let make_big = |args: &[&str], name: &str| {
        let path = tmp.path().join(name);
        let mut all: Vec<&str> = vec!["print"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--out", path.to_str().unwrap()]);
        assert!(kiosk(&data, &all).status.success());
        path
    };
    let picture = make_big(&["doc", "wc-tj-2024-lnzc"], "tj.pdf");
    need("pdfimages");
    let list =
        String::from_utf8(Command::new("pdfimages").arg("-list").arg(&picture).output().unwrap().stdout).unwrap();
    assert_eq!(list.lines().skip(2).count(), 1, "one picture: {list}");
    assert!(list.lines().nth(2).unwrap().contains("rgb"), "{list}");
    assert!(!squash(&text_of(&picture)).contains("［图："), "the picture itself, not its name");
    assert!(std::fs::metadata(&picture).unwrap().len() < 400_000, "scaled to print resolution");

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

    // an attachment whose fonts are not embedded (仿宋_GB2312, 方正小标宋 in GBK-EUC-H): what is
    // printed embeds every font, holds the same pages and reads back the original's text (up to
    // compatibility forms: ２０２４ as 2024, the radical ⼀ for 一)
    // (not through `make`: `make` checks a layout of our own)
    let attachment = tmp.path().join("attachment.pdf");
    let out = kiosk(&data, &["print", "attachment", "wc-ys-2024", "1", "--out", attachment.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("3 page(s)"));
    let original = demo().join("media/budget-2024-tables.pdf");
    assert_eq!(unembedded_fonts(&original).len(), 2, "the demo's table names two fonts it does not embed");
    assert_eq!(unembedded_fonts(&attachment), Vec::<String>::new(), "every font printed is embedded");
    assert_eq!(compatible(&text_of(&attachment)), compatible(&text_of(&original)));
    let t = squash(&text_of(&attachment));
    assert!(t.contains("一般公共服务支出") && t.contains("债务付息支出") && t.contains("78910"), "{t}");
    let out = kiosk(&data, &["print", "attachment", "wc-ys-2024", "9"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("number 9 is not one of them"));

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
    f.address =
        "岚州市望川区望川大道八十八号政务服务中心东侧第三幢二单元十五楼一五零二室（请在工作日送达，周末无人签收）"
            .into();
    f.description = "二〇二四年度本区各街道老年助餐点的名单、地址、开放时间、每餐补贴标准、补贴资金的拨付记录，以及各助餐点食品安全检查的结果和整改情况。".repeat(2);
    f.on_behalf = true;
    let pdf = gongkai_kiosk::print::request::layout(
        &site,
        &gongkai_kiosk::print::FormKind::Filled(Box::new(f.clone())),
        "2026-11-22 10:00",
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("filled.pdf");
    std::fs::write(&path, &pdf.pdf).unwrap();
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

/// A CUPS queue made for one test (with the cups-pdf backend), deleted when dropped.
struct Queue(String);

impl Queue {
    fn new(name: &str, ppd: &Path) -> Queue {
        need("lpadmin");
        let running = Command::new("lpstat").arg("-r").output().unwrap();
        assert!(
            String::from_utf8_lossy(&running.stdout).contains("is running"),
            "the CUPS scheduler is not running: run the README's test command (scripts/test), which installs CUPS and cups-pdf and starts cupsd"
        );
        let name = format!("{name}-{}", std::process::id());
        let out =
            Command::new("lpadmin").args(["-p", &name, "-E", "-v", "cups-pdf:/", "-P"]).arg(ppd).output().unwrap();
        assert!(out.status.success(), "lpadmin: {}", String::from_utf8_lossy(&out.stderr));
        Queue(name)
    }
    fn run(&self, tool: &str) {
        assert!(Command::new(tool).arg(&self.0).status().unwrap().success(), "{tool} {}", self.0);
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        let _ = Command::new("lpadmin").args(["-x", &self.0]).status();
    }
}

/// The file cups-pdf wrote for a job: it names files "<title>...job_<id>.pdf" in the job user's
/// ~/PDF (the kiosk's job user is the account it runs as), or the anonymous folder.
fn cups_pdf_output(job: &str, account: &str) -> Option<std::path::PathBuf> {
    let suffix = format!("job_{job}.pdf");
    let mut dirs = vec![std::path::PathBuf::from("/var/spool/cups-pdf/ANONYMOUS")];
    if let Ok(out) = Command::new("getent").args(["passwd", account]).output()
        && let Some(home) = String::from_utf8_lossy(&out.stdout).split(':').nth(5)
    {
        dirs.push(Path::new(home).join("PDF"));
    }
    dirs.iter().filter_map(|d| std::fs::read_dir(d).ok()).flatten().flatten().map(|e| e.path()).find(|p| {
        p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("gongkai-") && n.ends_with(&suffix))
    })
}

#[test]
fn every_layout_prints_through_cups_and_a_paused_rejecting_or_failing_queue_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(kiosk(&data, &["import", demo().to_str().unwrap()]).status.success());
    let pdf_queue = Queue::new("gk-test-pdf", Path::new("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"));
    let account = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout).unwrap().trim().to_string();

    // each layout through IPP: the job completes and cups-pdf's output file appears
    for args in [
        &["form", "--blank"][..],
        &["form", "--sample"],
        &["guide", "guide-jzz"],
        &["doc", "wc-zc-2024-lnzc"],
        &["board", "board-zcwj"],
        &["board", "board-zcwj", "--a3"],
        &["card", "wc-zc-2024-lnzc"],
        &["attachment", "wc-ys-2024", "1"],
        // the flood plan's OFD notice: its PDF conversion goes to the printer
        &["attachment", "wc-ya-2023-fx", "1"],
    ] {
        let mut all = vec!["print"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--printer", &pdf_queue.0]);
        let out = kiosk(&data, &all);
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "{args:?}: {}{stdout}", String::from_utf8_lossy(&out.stderr));
        let job = stdout.split_whitespace().nth(1).unwrap().to_string();
        assert!(stdout.starts_with("job ") && stdout.contains(&format!("printed on `{}`", pdf_queue.0)), "{stdout}");
        // the job carries the name of the account the kiosk runs as, as `lp` does (a name cupsd
        // does not know crashes Debian 12's cupsd when the job is cancelled), never a visitor's
        let completed = Command::new("lpstat").args(["-W", "completed", "-o", &pdf_queue.0]).output().unwrap();
        let completed = String::from_utf8_lossy(&completed.stdout).to_string();
        let row = completed
            .lines()
            .find(|l| l.starts_with(&format!("{}-{job} ", pdf_queue.0)))
            .unwrap_or_else(|| panic!("{completed}"));
        assert_eq!(row.split_whitespace().nth(1), Some(account.as_str()), "{row}");
        let file =
            cups_pdf_output(&job, &account).unwrap_or_else(|| panic!("{args:?}: no cups-pdf output for job {job}"));
        assert!(std::fs::metadata(&file).unwrap().len() > 1000, "{}", file.display());
        // cups-pdf re-renders through Ghostscript: check the printed file's QR codes, not its text
        if args[0] == "board" {
            assert_eq!(qr_codes(&file).len(), 4, "{}", file.display());
        }
        if args[0] == "card" {
            assert_eq!(qr_codes(&file), vec!["https://www.example.gov.cn/wangchuan/zc/2024/lnzc/".to_string()]);
        }
        if args[0] == "attachment" {
            let info = Command::new("pdfinfo").arg(&file).output().unwrap();
            if args[1] == "wc-ys-2024" {
                assert!(
                    String::from_utf8_lossy(&info.stdout).contains("Pages:           3"),
                    "the 3-page budget table"
                );
                // Ghostscript drew it with the fonts the kiosk embedded: the table's figures are on the
                // page (the original's fonts are not embedded; through this queue it came out with
                // the Chinese in Ghostscript's fallback font and every digit left out — cups-pdf's
                // output has no text layer to read, so the figures' column is looked at)
                let ink = figures_column_ink(&file);
                assert!(
                    ink > 0.2,
                    "the 2023 column of page 1 is empty ({ink:.2} of its rows inked): digits not printed"
                );
            } else {
                assert!(String::from_utf8_lossy(&info.stdout).contains("Pages:           2"), "the 2-page OFD notice");
            }
        }
        let _ = std::fs::remove_file(file);
    }

    // `printers` lists the queue and its state
    let cfg = tmp.path().join("kiosk.toml");
    std::fs::write(&cfg, format!("[printer]\nbackend = \"cups\"\nname = \"{}\"\n", pdf_queue.0)).unwrap();
    let printers = |data: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
            .arg("--config")
            .arg(&cfg)
            .arg("--data-dir")
            .arg(data)
            .args(["printers"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let listed = printers(&data);
    assert!(listed.contains(&format!("{}: idle", pdf_queue.0)) && listed.contains("ready"), "{listed}");

    // a disabled (paused) queue: refused before anything is sent, and named
    pdf_queue.run("cupsdisable");
    let out = kiosk(&data, &["print", "form", "--printer", &pdf_queue.0]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("paused"), "{err}");
    assert!(printers(&data).contains("NOT READY, the queue is paused"), "{}", printers(&data));
    pdf_queue.run("cupsenable");

    // a queue that rejects jobs
    pdf_queue.run("cupsreject");
    let out = kiosk(&data, &["print", "form", "--printer", &pdf_queue.0]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("does not accept jobs"), "{err}");
    pdf_queue.run("cupsaccept");

    // a queue whose filter fails: the job sits in "processing with errors"; the kiosk cancels it
    // and says so instead of waiting for ever
    let ppd = tmp.path().join("failing.ppd");
    let base = std::fs::read_to_string("/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd").unwrap();
    let failing: String = base
        .lines()
        .filter(|l| !l.starts_with("*cupsFilter"))
        .map(|l| {
            if l.starts_with("*NickName") {
                "*NickName: \"gongkai failing filter\"\n*cupsFilter: \"application/pdf 0 /bin/false\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&ppd, failing).unwrap();
    let fail_queue = Queue::new("gk-test-fail", &ppd);
    let cupsd = || {
        String::from_utf8_lossy(&Command::new("pgrep").args(["-x", "cupsd"]).output().unwrap().stdout)
            .trim()
            .to_string()
    };
    let cupsd_before = cupsd();
    let out = kiosk(&data, &["print", "card", "wc-zc-2024-lnzc", "--printer", &fail_queue.0]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("could not finish") && err.contains("cancelled"), "{err}");
    let left = Command::new("lpstat").args(["-o", &fail_queue.0]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&left.stdout).trim().is_empty(),
        "the stuck job was cancelled: {}",
        String::from_utf8_lossy(&left.stdout)
    );

    // cupsd survived the cancel (Debian 12's crashes on a Cancel-Job from a user it does not
    // know): the same process still runs (systemd's cups.socket would start a new one)
    assert!(!cupsd_before.is_empty(), "cupsd runs");
    assert_eq!(cupsd(), cupsd_before, "cupsd died while the kiosk cancelled its job");

    // no such queue
    let out = kiosk(&data, &["print", "form", "--printer", "no-such-queue-here"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no printer queue named `no-such-queue-here`"), "{err}");
}

#[test]
fn a_policy_prints_with_its_interpretations_each_from_a_new_page() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(kiosk(&data, &["import", demo().to_str().unwrap()]).status.success());
    let alone = tmp.path().join("alone.pdf");
    let both = tmp.path().join("both.pdf");
    for (args, path) in [
        (vec!["print", "doc", "wc-zc-2024-lnzc"], &alone),
        (vec!["print", "doc", "wc-zc-2024-lnzc", "--with-interpretations"], &both),
    ] {
        let mut args = args;
        args.extend(["--out", path.to_str().unwrap()]);
        let out = kiosk(&data, &args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        check_structure(path);
    }
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let (a, b) = (squash(&text_of(&alone)), squash(&text_of(&both)));
    assert!(a.contains("第1/1页") && !a.contains("政策解读"), "the policy alone: {a}");
    // the policy, then its text interpretation and its 图解, the page count over all of them
    assert!(b.starts_with("望川区社区老年助餐服务实施办法") || b.contains("望川区社区老年助餐服务实施办法"), "{b}");
    assert!(b.contains("《望川区社区老年助餐服务实施办法》政策解读") && b.contains("一图读懂"), "{b}");
    assert!(b.contains("第3/3页"), "three pages, each document from a new page: {b}");
}
