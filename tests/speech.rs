//! The voice, for real: what the kiosk sends to espeak-ng for every document and guide of the
//! demo content is read as Mandarin throughout — espeak-ng's phoneme trace (`-x`) shows no
//! switch to another language — and the readings that trip a plain Chinese voice (polyphones,
//! numbers, dates, document numbers, phone numbers) come out as a person would say them.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use gongkai_kiosk::speech;

/// espeak-ng's phoneme trace of `pinyin` read by the kiosk's voice.
fn trace(pinyin: &str) -> String {
    let mut child = Command::new("espeak-ng")
        .args(["-v", speech::VOICE, "-x", "-q", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("espeak-ng: run the README's test command (scripts/test), which installs it");
    child.stdin.take().unwrap().write_all(pinyin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_demo_document_and_guide_is_read_in_mandarin_throughout() {
    let set = gongkai_kiosk::content::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content")).unwrap();
    let mut texts: Vec<(String, String)> =
        set.documents.iter().map(|d| (d.id.clone(), speech::document_text(d))).collect();
    texts.extend(set.guides.iter().map(|g| (g.id.clone(), speech::guide_text(g))));
    texts.extend(set.faqs.iter().map(|q| (q.id.clone(), format!("{}\n{}", q.question, q.answer))));
    assert!(texts.len() > 60, "{} texts", texts.len());
    for (id, text) in texts {
        let sentences = speech::sentences(&text);
        assert!(!sentences.is_empty(), "{id}: nothing to read");
        let pinyin: Vec<String> = sentences.iter().map(|s| s.pinyin.clone()).collect();
        let all = pinyin.join(" . ");
        // only pinyin syllables with tone numbers and pauses reach the voice
        for token in all.split(' ') {
            let ok = token == "," || token == "." || {
                let (letters, tone) = token.split_at(token.len().saturating_sub(1));
                !letters.is_empty()
                    && letters.bytes().all(|b| b.is_ascii_lowercase())
                    && matches!(tone, "1" | "2" | "3" | "4" | "5")
            };
            assert!(ok, "{id}: `{token}` is not a toned syllable in {all}");
        }
        let t = trace(&all);
        assert!(!t.contains("(en)") && !t.contains("(cmn)"), "{id}: the voice switches language: {t}");
    }
}

#[test]
fn polyphones_numbers_and_dates_are_read_as_a_person_would() {
    for (text, want) in [
        ("中国银行行长", "zhong1 guo2 yin2 hang2 hang2 zhang3"),
        ("重庆", "chong2 qing4"),
        ("会计", "kuai4 ji4"),
        ("音乐", "yin1 yue4"),
        ("长春", "chang2 chun1"),
        ("2024年4月1日起施行", "er4 ling2 er4 si4 nian2 si4 yue4 yi1 ri4 qi3 shi1 xing2"),
        ("望民发〔2024〕7号", "wang4 min2 fa1 er4 ling2 er4 si4 qi1 hao4"),
        ("咨询电话：0371-12345678", "zi1 xun2 dian4 hua4 , ling2 san1 qi1 yao1 yao1 er4 san1 si4 wu3 liu4 qi1 ba1 ,"),
        ("补贴标准每人每月1500元", "bu3 tie1 biao1 zhun3 mei3 ren2 mei3 yue4 yi4 qian1 wu3 bai3 yuan2"),
        ("14:30—17:00", "shi2 si4 dian3 san1 shi2 fen1 , shi2 qi1 dian3"),
    ] {
        assert_eq!(speech::reading::to_pinyin(text), want, "{text}");
    }
    // and the voice says the tones it is given: 行 in 银行 rises (35), in 行长 too
    let t = trace("yin2 hang2");
    assert!(t.contains("a35N"), "{t}");
}
