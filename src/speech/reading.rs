//! A text made ready for the voice: cut into sentences (what the screen highlights while it is
//! read, and what the voice starts on at once), each turned into tone-numbered pinyin for
//! espeak-ng's `cmn-latn-pinyin` voice, which reads pinyin correctly where its Chinese voice
//! switches to English for most characters.
//!
//! Polyphones take the reading they have in their word ([`crate::text::dictionary`]: 银行
//! yin2 hang2, 行长 hang2 zhang3, 重庆 chong2 qing4, 会计 kuai4 ji4, 音乐 yin1 yue4, 长春
//! chang2 chun1); the tone comes from the character's readings in the `pinyin` crate that match
//! the word's syllable. 一 and 不 change their tone before another syllable as spoken Mandarin
//! does (一样 yi2, 一天 yi4, 不是 bu2); the third-tone change is left to the voice, which makes
//! it itself. Numbers, dates and letters go through [`super::numbers`]; punctuation becomes a
//! pause.

use pinyin::ToPinyinMulti;

use super::numbers::{self, Piece};
use crate::text::dictionary::dictionary;
use crate::text::fold::{fold_char, is_cjk};

/// One sentence: as written (for the screen) and as sent to the voice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub text: String,
    pub pinyin: String,
}

/// Sentences longer than this many characters are cut at a comma, so that the voice starts
/// soon and the highlight moves along.
const LONG_SENTENCE: usize = 60;

/// Cuts a text into sentences and prepares each for the voice. Sentences with nothing to read
/// (only punctuation) are left out.
pub fn sentences(text: &str) -> Vec<Sentence> {
    cut(text)
        .into_iter()
        .filter_map(|text| {
            let pinyin = to_pinyin(&text);
            (!pinyin.trim_matches([' ', ',', '.']).is_empty()).then_some(Sentence { text, pinyin })
        })
        .collect()
}

/// Cuts a text into the sentences the voice reads one at a time and the screen highlights: at
/// the end of a sentence, at a line break, and — past [`LONG_SENTENCE`] characters — at a comma.
/// Cheap (no pinyin is made), so the screen can show them at once; pieces without a letter,
/// digit or character (only punctuation) are left out.
pub fn cut(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars_in = 0;
    let push = |s: &mut String, out: &mut Vec<String>| {
        let text = s.trim().to_string();
        s.clear();
        if text.chars().any(char::is_alphanumeric) {
            out.push(text);
        }
    };
    for c in text.chars() {
        if c == '\n' {
            push(&mut current, &mut out);
            chars_in = 0;
            continue;
        }
        current.push(c);
        chars_in += 1;
        let end = matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';');
        let long_enough = chars_in >= LONG_SENTENCE && matches!(c, '，' | ',' | '、' | '：');
        if end || long_enough {
            push(&mut current, &mut out);
            chars_in = 0;
        }
    }
    push(&mut current, &mut out);
    out
}

/// One piece of text as tone-numbered pinyin, syllables separated by spaces, pauses as `,` and
/// `.`.
pub fn to_pinyin(text: &str) -> String {
    let mut syllables: Vec<String> = Vec::new();
    for piece in numbers::prepare(text) {
        match piece {
            Piece::Han(h) => han_to_pinyin(&h, &mut syllables),
            Piece::Pinyin(p) => syllables.extend(p.split(' ').map(str::to_string)),
            Piece::Pause { long } => {
                if syllables.last().is_some_and(|s| s != "," && s != ".") {
                    syllables.push(if long { "." } else { "," }.to_string());
                }
            }
        }
    }
    syllables.join(" ")
}

/// A character's readings with tone numbers (neutral tone as 5), most common first.
fn toned_readings(c: char) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(multi) = c.to_pinyin_multi() {
        for p in multi {
            let mut r = p.with_tone_num_end().replace('ü', "v");
            if !r.ends_with(|x: char| x.is_ascii_digit()) {
                r.push('5');
            }
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}

fn toneless(r: &str) -> &str {
    r.trim_end_matches(|c: char| c.is_ascii_digit())
}

fn tone(r: &str) -> u8 {
    r.bytes().last().filter(u8::is_ascii_digit).map_or(5, |b| b - b'0')
}

/// Chinese characters to syllables: each run cut into dictionary words; each character read
/// with the syllable its word gives it, in the tone the character has for that syllable.
fn han_to_pinyin(han: &str, out: &mut Vec<String>) {
    let d = dictionary();
    let start = out.len();
    let chars: Vec<char> = han.chars().map(fold_char).collect();
    let mut at = 0;
    for n in d.segment(&chars) {
        let word: String = chars[at..at + n].iter().collect();
        let syllables: Option<Vec<&str>> =
            d.lookup(&word).next().map(|e| e.syllables.iter().map(|&s| d.syllable(s)).collect());
        for (k, &c) in chars[at..at + n].iter().enumerate() {
            if !is_cjk(c) {
                continue;
            }
            let readings = toned_readings(c);
            let wanted = syllables.as_ref().and_then(|s| s.get(k)).copied();
            let chosen = wanted
                .and_then(|w| readings.iter().find(|r| toneless(r) == w).cloned())
                .or_else(|| wanted.map(|w| format!("{w}5")).filter(|_| readings.is_empty()))
                .or_else(|| readings.first().cloned());
            if let Some(r) = chosen {
                out.push(r);
            }
        }
        at += n;
    }
    sandhi(&chars, &mut out[start..]);
}

/// 一 and 不 before another syllable: 不 before a fourth tone is bu2; 一 is yi2 before a fourth
/// tone and yi4 before the others — but stays yi1 at the end, as an ordinal (第一) and after 十.
fn sandhi(chars: &[char], syllables: &mut [String]) {
    let cjk: Vec<char> = chars.iter().copied().filter(|c| is_cjk(*c)).collect();
    if cjk.len() != syllables.len() {
        return;
    }
    for i in 0..syllables.len() {
        let Some(next) = syllables.get(i + 1).map(|s| tone(s)) else { continue };
        match cjk[i] {
            '不' if toneless(&syllables[i]) == "bu" => {
                syllables[i] = if next == 4 { "bu2" } else { "bu4" }.into();
            }
            '一' if toneless(&syllables[i]) == "yi" => {
                let ordinal = i > 0 && matches!(cjk[i - 1], '第' | '十' | '初' | '周' | '统');
                if !ordinal && next != 5 {
                    syllables[i] = if next == 4 { "yi2" } else { "yi4" }.into();
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polyphones_take_the_reading_of_their_word() {
        for (text, pinyin) in [
            ("银行", "yin2 hang2"),
            ("重庆", "chong2 qing4"),
            ("行长", "hang2 zhang3"),
            ("会计", "kuai4 ji4"),
            ("音乐", "yin1 yue4"),
            ("长春", "chang2 chun1"),
            ("中国银行行长", "zhong1 guo2 yin2 hang2 hang2 zhang3"),
            ("行人", "xing2 ren2"),
            ("重要", "zhong4 yao4"),
            ("开会", "kai1 hui4"),
            ("快乐", "kuai4 le4"),
            ("成长", "cheng2 zhang3"),
            ("长期", "chang2 qi1"),
        ] {
            assert_eq!(to_pinyin(text), pinyin, "{text}");
        }
    }

    #[test]
    fn yi_and_bu_change_before_another_syllable() {
        assert_eq!(to_pinyin("一样"), "yi2 yang4");
        assert_eq!(to_pinyin("一天"), "yi4 tian1");
        assert_eq!(to_pinyin("第一条"), "di4 yi1 tiao2");
        assert_eq!(to_pinyin("统一"), "tong3 yi1");
        assert_eq!(to_pinyin("不是"), "bu2 shi4");
        assert_eq!(to_pinyin("不能"), "bu4 neng2");
        assert_eq!(to_pinyin("我的"), "wo3 de5");
    }

    #[test]
    fn numbers_dates_and_punctuation() {
        assert_eq!(to_pinyin("2024年4月1日起施行。"), "er4 ling2 er4 si4 nian2 si4 yue4 yi1 ri4 qi3 shi1 xing2 .");
        assert_eq!(to_pinyin("电话：12345"), "dian4 hua4 , yi2 wan4 er4 qian1 san1 bai3 si4 shi2 wu3");
    }

    #[test]
    fn a_text_is_cut_into_sentences_and_long_ones_at_a_comma() {
        let s = sentences("关于提高标准的通知。\n第一条 为了保障公民依法获取政府信息，制定本办法！（）");
        let texts: Vec<&str> = s.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(texts, ["关于提高标准的通知。", "第一条 为了保障公民依法获取政府信息，制定本办法！"]);
        let long = format!("{}，{}。", "长".repeat(70), "短".repeat(5));
        assert_eq!(sentences(&long).len(), 2);
    }
}
