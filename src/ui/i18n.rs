//! The interface in 简体, 繁體 and English, from Fluent files in `assets/i18n/` (compiled in).
//! Content (titles, bodies) is not translated; in 繁體 it is shown in traditional characters.

use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::config::Language;

pub const SOURCES: [(Language, &str); 3] = [
    (Language::ZhHans, include_str!("../../assets/i18n/zh-Hans.ftl")),
    (Language::ZhHant, include_str!("../../assets/i18n/zh-Hant.ftl")),
    (Language::English, include_str!("../../assets/i18n/en.ftl")),
];

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static HashMap<Language, Bundle> {
    static BUNDLES: OnceLock<HashMap<Language, Bundle>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(lang, src)| {
                let res = FluentResource::try_new(src.to_string()).unwrap_or_else(|(res, errors)| {
                    tracing::error!(?errors, language = lang.code(), "translation file has errors; the rest is used");
                    res
                });
                let id = lang.code().parse().unwrap_or_default();
                let mut b = FluentBundle::new_concurrent(vec![id]);
                b.set_use_isolating(false);
                if let Err(errors) = b.add_resource(res) {
                    tracing::error!(?errors, language = lang.code(), "duplicate translation keys");
                }
                (*lang, b)
            })
            .collect()
    })
}

/// The text for `key` in `lang`, falling back to 简体, then to the key itself (so a missing
/// translation shows up on screen and in the tests instead of vanishing).
pub fn t(lang: Language, key: &str) -> String {
    ta(lang, key, &[])
}

/// Like [`t`], with named arguments (`{ $count }`).
pub fn ta(lang: Language, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let fargs = (!args.is_empty()).then(|| {
        let mut a = FluentArgs::new();
        for (k, v) in args {
            a.set(*k, v.clone());
        }
        a
    });
    for l in [lang, Language::ZhHans] {
        let Some(b) = bundles().get(&l) else { continue };
        if let Some(pattern) = b.get_message(key).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return b.format_pattern(pattern, fargs.as_ref(), &mut errors).into_owned();
        }
    }
    key.to_string()
}

/// Content text as the visitor's language shows it: traditional characters in 繁體.
pub fn content(lang: Language, s: &str) -> String {
    match lang {
        Language::ZhHant => to_traditional(s),
        _ => s.to_string(),
    }
}

/// Simplified → traditional character by character (OpenCC's s2t, no Taiwan vocabulary), with the
/// forms readers in Hong Kong, Macau and Taiwan write (the same choices as zh-Hant.ftl's review).
pub fn to_traditional(s: &str) -> String {
    const FORMS: [(&str, &str); 6] =
        [("爲", "為"), ("裏", "裡"), ("發佈", "發布"), ("覈對", "核對"), ("服務檯", "服務台"), ("臺灣", "台灣")];
    let mut t = hanconv::s2t(s);
    for (from, to) in FORMS {
        if t.contains(from) {
            t = t.replace(from, to);
        }
    }
    t
}

/// The keys a translation file defines.
pub fn keys(src: &str) -> Vec<String> {
    src.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_key_and_every_key_used_exists() {
        let base = keys(SOURCES[0].1);
        assert!(base.len() > 100);
        for (lang, src) in SOURCES {
            let mut ks = keys(src);
            ks.sort();
            let mut want = base.clone();
            want.sort();
            assert_eq!(ks, want, "{} has a different set of keys", lang.code());
            assert!(FluentResource::try_new(src.to_string()).is_ok(), "{} parses", lang.code());
        }
        // every t("…") / ta("…") in the UI's source names a key
        let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
        let mut missing = Vec::new();
        let mut files = vec![ui];
        while let Some(p) = files.pop() {
            if p.is_dir() {
                files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for pat in ["t(l, \"", "ta(l, \"", "t(lang, \"", "ta(lang, \""] {
                for (i, _) in text.match_indices(pat) {
                    let rest = &text[i + pat.len()..];
                    let key = &rest[..rest.find('"').unwrap()];
                    if !base.iter().any(|k| k == key) {
                        missing.push(format!("{}: {key}", p.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys used but not translated: {missing:#?}");
    }

    #[test]
    fn english_and_traditional_differ_from_simplified() {
        let same: Vec<String> = keys(SOURCES[0].1)
            .into_iter()
            // language names are written in their own language on purpose, and ABC is ABC
            .filter(|k| !k.starts_with("lang-") && k != "kb-abc")
            .filter(|k| {
                t(Language::English, k) == t(Language::ZhHans, k)
                    && t(Language::English, k).chars().any(|c| c.is_alphabetic())
            })
            .collect();
        assert!(same.is_empty(), "not translated into English: {same:?}");
        assert_eq!(t(Language::ZhHant, "tile-search"), "搜尋");
        assert_eq!(ta(Language::English, "count-results", &[("count", 3.into())]), "3 results");
        assert_eq!(content(Language::ZhHant, "政府信息公开"), "政府信息公開");
    }

    #[test]
    fn traditional_is_the_simplified_text_character_by_character_without_taiwan_software_words() {
        // hand-reviewed exceptions to the character conversion: 搜尋 (the word Hong Kong, Macau and
        // Taiwan readers use for 搜索) and the language names, written in their own script
        let reviewed = |k: &str, v: &str| {
            v.replace("搜尋", "搜索") == to_traditional(&t(Language::ZhHans, k)) || k.starts_with("lang-")
        };
        let mut off = Vec::new();
        for k in keys(SOURCES[0].1) {
            let v = t(Language::ZhHant, &k);
            if !reviewed(&k, &v) {
                off.push(format!("{k}: {v} (characters: {})", to_traditional(&t(Language::ZhHans, &k))));
            }
            for jargon in ["檔案", "釋出", "資訊", "列印", "印表機", "螢幕", "軟體", "程式", "視窗", "爲", "覈"]
            {
                assert!(!v.contains(jargon), "{k}: {v} uses {jargon}");
            }
        }
        assert!(off.is_empty(), "not converted character by character: {off:#?}");
        assert_eq!(t(Language::ZhHant, "facet-publisher"), "發布機構");
        assert_eq!(t(Language::ZhHant, "meta-publisher"), "發布機構");
        assert_eq!(t(Language::ZhHant, "kind-policy"), "政策文件");
        assert_eq!(t(Language::ZhHant, "reader-no-qr"), "本文件暫無網上原文地址");
        assert_eq!(content(Language::ZhHant, "发布机构为本文件"), "發布機構為本文件");
    }
}
