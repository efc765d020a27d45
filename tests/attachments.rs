//! Attachments made ready for the kiosk, against the real programs (poppler-utils, ffmpeg) and
//! the real store: what importing the demo derives (page counts, page texts, the Excel sheet's
//! PDF, captions, transcript), a damaged PDF reported without losing the import, and a pack that
//! carries the derived files as content-addressed objects, synced from nginx, where a changed
//! attachment moves only its own objects.

mod common;

use std::fs;
use std::path::Path;
use std::time::Duration;

use common::servers::Nginx;
use common::{copy_dir, demo};
use gongkai_kiosk::attachments::{self, AttachmentKind};
use gongkai_kiosk::content::Attachment;
use gongkai_kiosk::pack::SecretKey;
use gongkai_kiosk::publish::{PublishOptions, publish};
use gongkai_kiosk::store::Store;
use gongkai_kiosk::sync::{SyncOptions, sync};

const BUDGET: &str = "wc-ys-2024";

fn budget_attachments(store: &Store) -> Vec<Attachment> {
    store.document(BUDGET).unwrap().expect("the demo budget document").attachments
}

fn by_kind(atts: &[Attachment], kind: AttachmentKind) -> &Attachment {
    atts.iter().find(|a| AttachmentKind::of(&a.blob) == kind).unwrap_or_else(|| panic!("a {kind:?} attachment"))
}

#[test]
fn importing_the_demo_derives_pages_text_conversion_captions_and_transcript() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    store.import_folder(&demo()).unwrap();
    let atts = budget_attachments(&store);
    assert_eq!(atts.len(), 4, "{atts:#?}");

    // the budget table: three pages, Chinese text read through GBK-EUC-H without ToUnicode
    let pdf = by_kind(&atts, AttachmentKind::Pdf);
    let d = pdf.derived.as_ref().expect("derived");
    assert_eq!(d.problem, None);
    assert_eq!(d.pages, Some(3));
    assert_eq!(d.page_text.len(), 3);
    assert!(d.page_text[0].contains("一般公共服务支出"), "{}", d.page_text[0]);
    assert!(d.page_text[2].contains("债务付息支出"), "{}", d.page_text[2]);
    assert_eq!(pdf.view_pdf(), Some(&pdf.blob), "a PDF is shown as itself");
    assert!(!attachments::is_scanned(pdf));

    // the Excel sheet: shown as its LibreOffice conversion, shipped in .derived/
    let xlsx = by_kind(&atts, AttachmentKind::Office);
    let d = xlsx.derived.as_ref().expect("derived");
    assert_eq!(d.problem, None);
    let converted = d.pdf.as_ref().expect("a converted PDF");
    assert_eq!(converted.media_type, "application/pdf");
    assert!(store.blobs().contains(&converted.sha256), "the conversion is a blob of the store");
    assert_eq!(d.pages, Some(1));
    assert!(d.page_text[0].contains("区教育局"), "{}", d.page_text[0]);
    assert_eq!(xlsx.view_pdf(), Some(converted));

    // the video: captions as a blob, its playing time
    let video = by_kind(&atts, AttachmentKind::Video);
    let d = video.derived.as_ref().expect("derived");
    let captions = d.captions.as_ref().expect("captions beside the video");
    assert!(store.blobs().contains(&captions.sha256));
    let cues =
        attachments::captions::parse(&fs::read_to_string(store.blobs().path(&captions.sha256).unwrap()).unwrap())
            .unwrap();
    assert_eq!(cues.len(), 4);
    assert!(d.duration_ms.is_some_and(|ms| (15_000..=17_000).contains(&ms)), "{:?}", d.duration_ms);

    // the audio: its transcript
    let audio = by_kind(&atts, AttachmentKind::Audio);
    let d = audio.derived.as_ref().expect("derived");
    assert!(d.transcript.as_deref().is_some_and(|t| t.contains("民生支出占八成")), "{d:?}");
    assert!(d.duration_ms.is_some());
}

#[test]
fn a_damaged_pdf_is_reported_and_the_import_still_serves_everything_else() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    copy_dir(&demo(), &src);
    // a PDF header, then nothing a reader can use
    fs::write(src.join("media/budget-2024-tables.pdf"), b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog").unwrap();
    let data = tmp.path().join("data");
    let mut store = Store::open(&data).unwrap();
    store.import_folder(&src).unwrap();
    let atts = budget_attachments(&store);
    let pdf = by_kind(&atts, AttachmentKind::Pdf);
    let problem = pdf.derived.as_ref().and_then(|d| d.problem.clone()).expect("a problem is recorded");
    assert!(problem.contains("budget-2024-tables.pdf") && problem.contains("damaged"), "{problem}");
    assert_eq!(pdf.derived.as_ref().unwrap().pages, None);
    // the other attachments were derived as before
    assert!(by_kind(&atts, AttachmentKind::Office).derived.as_ref().unwrap().pdf.is_some());
}

#[test]
fn packs_carry_derived_files_and_a_changed_attachment_moves_only_its_own_objects() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    copy_dir(&demo(), &src);
    let out = tmp.path().join("pack");
    let key = SecretKey::generate();
    let r = publish(&src, &out, &key, &PublishOptions::default()).unwrap();
    assert_eq!(r.attachments.pdfs, 1);
    // the Excel sheet and the flood plan's OFD notice (both conversions shipped in .derived/)
    assert_eq!(r.attachments.converted, 2);
    // the budget's video and recording, and the 视频解读 document's video (the same file)
    assert_eq!(r.attachments.media, 3);
    assert!(r.attachments.problems.is_empty(), "{:?}", r.attachments.problems);

    let nginx = Nginx::start(&out);
    let mut o = SyncOptions::new(&nginx.url(), vec![key.public()]);
    o.backoff_base = Duration::from_millis(20);
    o.reserve_bytes = 0;
    let data = tmp.path().join("kiosk");
    sync(&mut Store::open(&data).unwrap(), &data, &o, &|_| {}).unwrap();
    let store = Store::open_read_only(&data).unwrap();
    let atts = budget_attachments(&store);
    let converted = by_kind(&atts, AttachmentKind::Office).derived.as_ref().unwrap().pdf.clone().unwrap();
    let captions = by_kind(&atts, AttachmentKind::Video).derived.as_ref().unwrap().captions.clone().unwrap();
    for sha in [&converted.sha256, &captions.sha256] {
        assert!(store.blobs().contains(sha), "the kiosk received the derived file {sha}");
        assert!(nginx.log().iter().any(|l| l.path.contains(sha.as_str())), "{sha} came as a pack object");
    }
    assert_eq!(
        by_kind(&atts, AttachmentKind::Pdf).derived.as_ref().unwrap().pages,
        Some(3),
        "page counts and texts travel inside the document"
    );
    drop(store);

    // the budget PDF changes (an incremental update appended, as editors write them)
    let pdf_path = src.join("media/budget-2024-tables.pdf");
    let mut bytes = fs::read(&pdf_path).unwrap();
    bytes.extend_from_slice(b"% corrected figures\n");
    fs::write(&pdf_path, bytes).unwrap();
    let r = publish(&src, &out, &key, &PublishOptions::default()).unwrap();
    // the new PDF, the document's item and its shard; the conversion and captions are reused
    assert_eq!(r.files_written, 3, "{r:?}");
    nginx.clear_log();
    sync(&mut Store::open(&data).unwrap(), &data, &o, &|_| {}).unwrap();
    let fetched: Vec<String> =
        nginx.log().into_iter().filter(|l| l.status == 200 && l.path.contains("/objects/")).map(|l| l.path).collect();
    assert_eq!(fetched.len(), 3, "{fetched:?}");
    assert!(!fetched.iter().any(|p| p.contains(&converted.sha256) || p.contains(&captions.sha256)), "{fetched:?}");
}

/// A one-page PDF whose page holds only a drawn rectangle (as a scan holds only a picture).
fn pdf_without_text() -> Vec<u8> {
    let content = b"0.2 0.2 0.2 rg 72 72 300 500 re f";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{}\nendstream", content.len(), std::str::from_utf8(content).unwrap()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

#[test]
fn words_only_an_attachment_holds_find_the_document_at_the_page_and_a_scan_is_listed_as_such() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    copy_dir(&demo(), &src);
    fs::write(src.join("media/scan.pdf"), pdf_without_text()).unwrap();
    common::edit(
        &src.join("docs/finance/budget-2024.md"),
        "attachments = [\n",
        "attachments = [\n  { title = \"预算批复扫描件\", file = \"../../media/scan.pdf\" },\n",
    );
    let data = tmp.path().join("data");
    let mut store = Store::open(&data).unwrap();
    store.import_folder(&src).unwrap();
    let searcher = gongkai_kiosk::search::Searcher::new(&store).unwrap();
    let find = |q: &str| {
        let r = searcher.search(&store, q, &Default::default(), 20, 0).unwrap();
        r.hits.into_iter().find(|h| h.id == BUDGET).unwrap_or_else(|| panic!("`{q}` finds the budget document"))
    };

    // page 3 of the budget table (the scan is attachment 1, the table 2)
    let h = find("债务付息");
    let a = h.attachment.clone().expect("found in an attachment");
    assert_eq!((a.index, a.page, a.title.as_str()), (1, Some(3), "望川区2024年区级财政预算表（示例）"));
    let s = h.snippet.expect("a snippet from the page");
    assert!(s.marked().contains("【债务付息】"), "{}", s.marked());
    // the Excel sheet's conversion, and the audio interpretation's transcript
    let a = find("综合执法局").attachment.expect("found in the sheet");
    assert_eq!((a.index, a.page), (2, Some(1)));
    let a = find("民生支出占八成").attachment.expect("found in the transcript");
    assert_eq!((a.index, a.page), (4, None));
    // words of the document's own text: no attachment named
    assert_eq!(find("一般公共预算收入").attachment, None);

    // the scan: its page counted, no text, listed as scanned
    let scan = &budget_attachments(&store)[0];
    assert_eq!(scan.derived.as_ref().unwrap().pages, Some(1));
    assert!(attachments::is_scanned(scan));
    assert!(!attachments::is_scanned(&budget_attachments(&store)[1]));

    // the command line says where
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
        .args(["search", "债务付息", "--data-dir", data.to_str().unwrap()])
        .env("GONGKAI_KIOSK_CONFIG", Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("附件：望川区2024年区级财政预算表（示例）（第 3 页）"), "{text}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
        .args(["show", BUDGET, "--data-dir", data.to_str().unwrap()])
        .env("GONGKAI_KIOSK_CONFIG", Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("附件 1：预算批复扫描件 (scan.pdf, ") && text.contains("扫描件，无文字"), "{text}");
    assert!(
        text.contains("附件 2：望川区2024年区级财政预算表（示例） (budget-2024-tables.pdf, 26341 字节, 3 页)"),
        "{text}"
    );
    // a page drawn as the kiosk shows it, from the command line: text, not blank paper
    let png = tmp.path().join("page3.png");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"))
        .args(["page", BUDGET, "2", "--page", "3", "--width", "600", "--out", png.to_str().unwrap()])
        .args(["--data-dir", data.to_str().unwrap()])
        .env("GONGKAI_KIOSK_CONFIG", Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let img = image::open(&png).unwrap().to_luma8();
    assert_eq!(img.width(), 600);
    let dark = img.pixels().filter(|p| p.0[0] < 100).count();
    assert!(dark * 100 > img.pixels().len(), "the page shows text and rules ({dark} dark pixels)");
}

const FLOOD_PLAN: &str = "wc-ya-2023-fx";
const OFD: &str = "media/flood-shelters-2024.ofd";

fn sha256_of(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(fs::read(path).unwrap()))
}

fn kiosk_cli(data: &Path, args: &[&str], ofd_python: Option<&str>) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"));
    cmd.args(args)
        .arg("--data-dir")
        .arg(data)
        .env("GONGKAI_KIOSK_CONFIG", Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml"));
    if let Some(p) = ofd_python {
        cmd.env("GONGKAI_KIOSK_OFD_PYTHON", p);
    }
    cmd.output().unwrap()
}

/// The converter itself runs here (scripts/test installs it and sets GONGKAI_KIOSK_OFD_PYTHON):
/// the demo's shipped conversion is removed first, so the OFD goes through easyofd.
#[test]
fn an_ofd_attachment_is_converted_by_easyofd_searched_drawn_and_printed_as_its_pdf() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    copy_dir(&demo(), &src);
    let shipped = src.join(".derived").join(format!("{}.pdf", sha256_of(&src.join(OFD))));
    let shipped_bytes = fs::read(&shipped).expect("the demo ships the OFD's conversion");
    fs::remove_file(&shipped).unwrap();

    let data = tmp.path().join("data");
    let mut store = Store::open(&data).unwrap();
    store.import_folder(&src).unwrap();
    let atts = store.document(FLOOD_PLAN).unwrap().expect("the flood plan").attachments;
    let ofd = by_kind(&atts, AttachmentKind::Ofd);
    let d = ofd.derived.as_ref().expect("derived");
    assert_eq!(d.problem, None, "the converter ran (scripts/test installs it)");
    assert_eq!(d.pages, Some(2));
    assert!(d.page_text[0].contains("望川区2024年防汛避险安置点名单"), "{}", d.page_text[0]);
    assert!(d.page_text[1].contains("沙洲社区服务站"), "{}", d.page_text[1]);
    let converted = d.pdf.clone().expect("a converted PDF");
    assert_eq!(converted.media_type, "application/pdf");
    assert_eq!(ofd.view_pdf(), Some(&converted));
    // the same OFD always gives the same PDF: what the demo ships is what the converter makes
    assert_eq!(fs::read(&shipped).expect("the conversion is cached in .derived/"), shipped_bytes);

    // a word only the OFD holds finds the document, at the page
    let searcher = gongkai_kiosk::search::Searcher::new(&store).unwrap();
    let find = |q: &str| {
        let r = searcher.search(&store, q, &Default::default(), 20, 0).unwrap();
        r.hits.into_iter().find(|h| h.id == FLOOD_PLAN).unwrap_or_else(|| panic!("`{q}` finds the flood plan"))
    };
    let a = find("青禾小学").attachment.expect("found in the OFD");
    assert_eq!((a.index, a.page), (0, Some(1)));
    assert_eq!(find("沙洲社区服务站").attachment.expect("found in the OFD").page, Some(2));
    drop(searcher);
    drop(store);

    // page 1 drawn as the kiosk shows it: text, and the red heading
    let png = tmp.path().join("ofd-page1.png");
    let out = kiosk_cli(
        &data,
        &["page", FLOOD_PLAN, "1", "--page", "1", "--width", "600", "--out", png.to_str().unwrap()],
        None,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let img = image::open(&png).unwrap().to_rgb8();
    let dark = img.pixels().filter(|p| p.0.iter().all(|&c| c < 100)).count();
    let red = img.pixels().filter(|p| p.0[0] > 150 && p.0[1] < 90 && p.0[2] < 90).count();
    assert!(dark * 100 > img.pixels().len(), "the page shows text ({dark} dark pixels)");
    assert!(red > 200, "the heading is red ({red} red pixels)");

    // 打印附件 prints the conversion (a printer cannot take OFD)
    let printed = tmp.path().join("printed.pdf");
    let out = kiosk_cli(&data, &["print", "attachment", FLOOD_PLAN, "1", "--out", printed.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fs::read(&printed).unwrap(), shipped_bytes);
}

#[test]
fn a_corrupt_ofd_is_reported_by_name_and_the_import_still_serves_everything_else() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    copy_dir(&demo(), &src);
    // a ZIP that is not an OFD package, then one cut short
    for (i, bytes) in [b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec(), {
        let mut b = fs::read(demo().join(OFD)).unwrap();
        b.truncate(b.len() / 2);
        b
    }]
    .into_iter()
    .enumerate()
    {
        fs::write(src.join(OFD), bytes).unwrap();
        let data = tmp.path().join(format!("data{i}"));
        let mut store = Store::open(&data).unwrap();
        store.import_folder(&src).unwrap();
        let atts = store.document(FLOOD_PLAN).unwrap().unwrap().attachments;
        let d = by_kind(&atts, AttachmentKind::Ofd).derived.clone().unwrap();
        let problem = d.problem.expect("a problem is recorded");
        assert!(
            problem.contains("flood-shelters-2024.ofd") && problem.contains("cannot be read as an OFD file"),
            "{problem}"
        );
        assert!(problem.contains("not an OFD package"), "the reason is named: {problem}");
        assert_eq!((d.pdf, d.pages), (None, None));
        // everything else was imported and derived as before
        assert_eq!(by_kind(&budget_attachments(&store), AttachmentKind::Pdf).derived.as_ref().unwrap().pages, Some(3));
    }
}

#[test]
fn without_the_converter_an_ofd_gets_the_card_and_the_log_names_the_install_step() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    copy_dir(&demo(), &src);
    fs::remove_file(src.join(".derived").join(format!("{}.pdf", sha256_of(&src.join(OFD))))).unwrap();
    let data = tmp.path().join("data");
    let missing = tmp.path().join("no-such-venv/bin/python3");
    let out = kiosk_cli(&data, &["import", src.to_str().unwrap()], Some(missing.to_str().unwrap()));
    assert!(out.status.success(), "the import goes on: {}", String::from_utf8_lossy(&out.stderr));
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("flood-shelters-2024.ofd")
            && log.contains("the OFD converter (easyofd) is not installed")
            && log.contains("scripts/install-ofd-converter")
            && log.contains("easyofd==20260427"),
        "{log}"
    );
    let out = kiosk_cli(&data, &["show", FLOOD_PLAN], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("附件 1：望川区2024年防汛避险安置点名单（OFD版式文件）"), "{text}");
    assert!(text.contains("not installed"), "show says why it is a card: {text}");

    // easyofd there, but no font it can embed (the bundled font is OpenType/CFF, which reportlab
    // refuses): the package to install is named
    let data = tmp.path().join("data2");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai-kiosk"));
    cmd.args(["import", src.to_str().unwrap(), "--data-dir", data.to_str().unwrap()])
        .env("GONGKAI_KIOSK_CONFIG", Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/kiosk.toml"))
        .env(
            "GONGKAI_KIOSK_OFD_FONT",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/NotoSansCJKsc-Regular.otf"),
        );
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("no Chinese font to embed")
            && log.contains("install fonts-wqy-microhei")
            && log.contains("postscript outlines"),
        "{log}"
    );
}
