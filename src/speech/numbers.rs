//! Numbers, dates, times, document numbers, phone numbers and Latin letters as a person reads
//! them aloud: 2024年 → 二零二四年, 4月1日 → 四月一日, 1500元 → 一千五百元, 14:30 → 十四点三十分,
//! 望民发〔2024〕7号 → 望民发二零二四七号, 0371-6123 4567 → 零三七幺六幺二三四五六七, 15% → 百分之十五,
//! PM → P M as letter names. What comes out is a list of [`Piece`]s: Chinese text for the
//! pinyin conversion, syllables that are already pinyin (digits read one by one keep their own
//! tones, letters), and pauses.

/// A piece of prepared text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Chinese characters, to be converted with the dictionary (tones, polyphones, 一 and 不).
    Han(String),
    /// Tone-numbered pinyin syllables, read as they are.
    Pinyin(String),
    /// A pause: short (a comma) or long (the end of a clause).
    Pause { long: bool },
}

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
/// Digits read one by one (years, phone numbers): pinyin with fixed tones, 1 as yao1 in phone
/// numbers.
const DIGIT_PINYIN: [&str; 10] = ["ling2", "yi1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3"];

/// Measure words after which 2 is read 两 (两个, 两人).
const LIANG_BEFORE: &str = "个人项次名位件份张本种类条天周岁倍层间台辆户家所只";

/// Letter names as a Chinese listener says them, in pinyin.
fn letter(c: char) -> &'static str {
    match c.to_ascii_uppercase() {
        'A' => "ei1",
        'B' => "bi4",
        'C' => "xi1",
        'D' => "di4",
        'E' => "yi4",
        'F' => "ai2 fu5",
        'G' => "ji4",
        'H' => "ai1 qi1",
        'I' => "ai4",
        'J' => "jie4",
        'K' => "kai4",
        'L' => "ai2 le5",
        'M' => "ai2 mu5",
        'N' => "en1",
        'O' => "ou1",
        'P' => "pi4",
        'Q' => "kiu1",
        'R' => "a4",
        'S' => "ai2 si5",
        'T' => "ti4",
        'U' => "you1",
        'V' => "wei1",
        'W' => "da2 bu5 liu1",
        'X' => "ai2 ke4 si5",
        'Y' => "wai4",
        'Z' => "zei4",
        _ => "",
    }
}

/// A whole number in Chinese words: 12 → 十二, 105 → 一百零五, 1500 → 一千五百, 120000 → 十二万.
pub fn number_words(n: u64) -> String {
    if n == 0 {
        return DIGITS[0].into();
    }
    // groups of four digits: 亿, 万, and the units
    let groups = [(n / 100_000_000, "亿"), ((n / 10_000) % 10_000, "万"), (n % 10_000, "")];
    let mut out = String::new();
    let mut zero_pending = false;
    for (g, unit) in groups {
        if g == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if zero_pending || (!out.is_empty() && g < 1000) {
            out.push_str(DIGITS[0]);
        }
        out.push_str(&below_ten_thousand(g, out.is_empty()));
        out.push_str(unit);
        zero_pending = false;
    }
    out
}

/// 1–9999; `leading`: the number starts here, so 10–19 are read 十… (not 一十…).
fn below_ten_thousand(n: u64, leading: bool) -> String {
    let digits = [n / 1000, (n / 100) % 10, (n / 10) % 10, n % 10];
    let units = ["千", "百", "十", ""];
    let mut out = String::new();
    let mut started = false;
    let mut zero = false;
    for (i, &d) in digits.iter().enumerate() {
        if d == 0 {
            zero = started;
            continue;
        }
        if zero {
            out.push_str(DIGITS[0]);
            zero = false;
        }
        if !(leading && !started && i == 2 && d == 1) {
            out.push_str(DIGITS[d as usize]);
        }
        out.push_str(units[i]);
        started = true;
    }
    out
}

/// A number as words. `counted`: a measure word follows (两个, 一个 with its tone change), else
/// 2 stays 二 and a lone 1 keeps its first tone (一月, 一日, 第一).
fn count(n: u64, counted: bool) -> Vec<Piece> {
    match n {
        1 if !counted => vec![Piece::Pinyin("yi1".into())],
        2 if counted => vec![Piece::Han("两".into())],
        _ => vec![Piece::Han(number_words(n))],
    }
}

/// Digits read one by one; `phone`: 1 is read yao1, as in phone numbers.
fn digit_by_digit(digits: &str, phone: bool) -> String {
    digits
        .chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| if phone && d == 1 { "yao1" } else { DIGIT_PINYIN[d as usize] })
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn ascii_digit(c: char) -> char {
    if ('０'..='９').contains(&c) { char::from(b'0' + (c as u32 - '０' as u32) as u8) } else { c }
}

/// Prepares a sentence for the pinyin conversion.
pub fn prepare(text: &str) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().map(ascii_digit).collect();
    let mut out: Vec<Piece> = Vec::new();
    let mut han = String::new();
    let flush = |han: &mut String, out: &mut Vec<Piece>| {
        if !han.is_empty() {
            out.push(Piece::Han(std::mem::take(han)));
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_digit(c) {
            let (used, pieces) = number_at(&chars, i);
            flush(&mut han, &mut out);
            for p in pieces {
                match p {
                    Piece::Han(h) => han.push_str(&h),
                    other => {
                        flush(&mut han, &mut out);
                        out.push(other);
                    }
                }
            }
            i += used;
            continue;
        }
        if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            flush(&mut han, &mut out);
            let spelled: Vec<&str> = chars[start..i].iter().map(|&c| letter(c)).collect();
            out.push(Piece::Pinyin(spelled.join(" ")));
            continue;
        }
        match c {
            '，' | ',' | '、' | '：' | ':' | '（' | '）' | '(' | ')' | '—' | '－' | '·' | ' ' | '\u{3000}' => {
                flush(&mut han, &mut out);
                push_pause(&mut out, false);
            }
            '。' | '！' | '？' | '；' | '.' | '!' | '?' | ';' | '\n' => {
                flush(&mut han, &mut out);
                push_pause(&mut out, true);
            }
            '%' | '％' => han.push_str("百分"),
            c if crate::text::fold::is_cjk(c) => han.push(c),
            // quotes, brackets of document numbers, other marks: not read
            _ => {}
        }
        i += 1;
    }
    flush(&mut han, &mut out);
    while matches!(out.first(), Some(Piece::Pause { .. })) {
        out.remove(0);
    }
    out
}

fn push_pause(out: &mut Vec<Piece>, long: bool) {
    match out.last_mut() {
        None => {}
        Some(Piece::Pause { long: l }) => *l |= long,
        Some(_) => out.push(Piece::Pause { long }),
    }
}

/// The number starting at `chars[i]`: how many characters it takes, and how it is read.
fn number_at(chars: &[char], i: usize) -> (usize, Vec<Piece>) {
    let run_end = |from: usize| (from..chars.len()).find(|&k| !chars[k].is_ascii_digit()).unwrap_or(chars.len());
    let end = run_end(i);
    let digits: String = chars[i..end].iter().collect();
    let next = chars.get(end).copied();
    let prev = i.checked_sub(1).map(|k| chars[k]);
    let han = |s: String| vec![Piece::Han(s)];

    // a date: 2024-04-01, 2024/4/1, 2024.04.01
    if digits.len() == 4
        && let Some(sep @ ('-' | '/' | '.')) = next
    {
        let m_end = run_end(end + 1);
        if m_end > end + 1 && m_end - end - 1 <= 2 && chars.get(m_end) == Some(&sep) {
            let d_end = run_end(m_end + 1);
            if d_end > m_end + 1 && d_end - m_end - 1 <= 2 {
                let month: u64 = chars[end + 1..m_end].iter().collect::<String>().parse().unwrap_or(0);
                let day: u64 = chars[m_end + 1..d_end].iter().collect::<String>().parse().unwrap_or(0);
                let mut pieces = vec![Piece::Pinyin(digit_by_digit(&digits, false)), Piece::Han("年".into())];
                pieces.extend(count(month, false));
                pieces.push(Piece::Han("月".into()));
                pieces.extend(count(day, false));
                pieces.push(Piece::Han("日".into()));
                return (d_end - i, pieces);
            }
        }
    }
    // a time: 14:30, 9:05
    if digits.len() <= 2 && matches!(next, Some(':' | '：')) {
        let m_end = run_end(end + 1);
        if m_end - end - 1 == 2 {
            let h: u64 = digits.parse().unwrap_or(0);
            let m: u64 = chars[end + 1..m_end].iter().collect::<String>().parse().unwrap_or(0);
            let minutes = match m {
                0 => String::new(),
                1..=9 => format!("零{}分", number_words(m)),
                _ => format!("{}分", number_words(m)),
            };
            return (m_end - i, han(format!("{}点{minutes}", number_words(h))));
        }
    }
    // a year: 2024年, 〔2024〕, [2024], （2024） in a document number
    if digits.len() == 4 && (next == Some('年') || matches!(prev, Some('〔' | '[' | '［' | '（' | '(' | '【'))) {
        return (end - i, vec![Piece::Pinyin(digit_by_digit(&digits, false))]);
    }
    // a phone number: 7 or more digits, perhaps in groups joined by - or spaces
    let mut k = end;
    let mut phone = digits.clone();
    while let Some(sep @ ('-' | ' ')) = chars.get(k).copied() {
        let e = run_end(k + 1);
        if e == k + 1 || (sep == ' ' && phone.len() < 3) {
            break;
        }
        phone.extend(chars[k + 1..e].iter());
        k = e;
    }
    if phone.len() >= 7 && phone.len() <= 20 && (k > end || digits.len() >= 7) {
        return (k - i, vec![Piece::Pinyin(digit_by_digit(&phone, true)), Piece::Pause { long: false }]);
    }
    // a decimal: 2.5, 0.75
    if next == Some('.') && chars.get(end + 1).is_some_and(|c| c.is_ascii_digit()) {
        let f_end = run_end(end + 1);
        let whole = digits.parse::<u64>().map(number_words).unwrap_or_else(|_| digits.clone());
        let fraction: String =
            chars[end + 1..f_end].iter().map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize]).collect();
        return (f_end - i, han(format!("{whole}点{fraction}")));
    }
    // a percentage: read before the number (百分之十五)
    if matches!(next, Some('%' | '％')) {
        let n = digits.parse::<u64>().map(number_words).unwrap_or_default();
        return (end + 1 - i, han(format!("百分之{n}")));
    }
    // a long number or one with a leading zero (a code): digit by digit
    if digits.len() > 12 || (digits.len() > 1 && digits.starts_with('0')) {
        return (end - i, vec![Piece::Pinyin(digit_by_digit(&digits, false))]);
    }
    let n: u64 = digits.parse().unwrap_or(0);
    let counted = next.is_some_and(|c| LIANG_BEFORE.contains(c)) && prev != Some('第');
    (end - i, count(n, counted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> String {
        prepare(s)
            .into_iter()
            .map(|p| match p {
                Piece::Han(h) => h,
                Piece::Pinyin(p) => format!("[{p}]"),
                Piece::Pause { long } => if long { "。" } else { "，" }.into(),
            })
            .collect()
    }

    #[test]
    fn numbers_as_words() {
        for (n, w) in [
            (0, "零"),
            (7, "七"),
            (10, "十"),
            (12, "十二"),
            (20, "二十"),
            (105, "一百零五"),
            (110, "一百一十"),
            (1500, "一千五百"),
            (1005, "一千零五"),
            (10_000, "一万"),
            (120_000, "十二万"),
            (100_010, "十万零一十"),
            (305_000_000, "三亿零五百万"),
        ] {
            assert_eq!(number_words(n), w, "{n}");
        }
    }

    #[test]
    fn dates_times_phones_and_document_numbers_read_as_a_person_would() {
        assert_eq!(read("2024年4月1日起施行"), "[er4 ling2 er4 si4]年四月[yi1]日起施行");
        assert_eq!(read("2024-04-01"), "[er4 ling2 er4 si4]年四月[yi1]日");
        assert_eq!(read("1个"), "一个");
        assert_eq!(read("望民发〔2024〕7号"), "望民发[er4 ling2 er4 si4]七号");
        assert_eq!(read("每周三14:30—17:00"), "每周三十四点三十分，十七点");
        assert_eq!(read("电话：0371-12345678。"), "电话，[ling2 san1 qi1 yao1 yao1 er4 san1 si4 wu3 liu4 qi1 ba1]。");
        assert_eq!(read("13912345678"), "[yao1 san1 jiu3 yao1 er4 san1 si4 wu3 liu4 qi1 ba1]，");
        assert_eq!(read("补贴1500元"), "补贴一千五百元");
        assert_eq!(read("增长15%"), "增长百分之十五");
        assert_eq!(read("2.5倍"), "二点五倍");
        assert_eq!(read("2个工作日"), "两个工作日");
        assert_eq!(read("第2条"), "第二条");
        assert_eq!(read("PM2.5"), "[pi4 ai2 mu5]二点五");
    }
}
