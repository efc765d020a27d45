//! Captions for a video or an audio interpretation, from a WebVTT (`.vtt`) or SubRip (`.srt`)
//! file beside it: cues with their start and end, the one on show picked by the player's clock.

/// One caption: shown from `start_ms` until `end_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
}

/// Reads WebVTT or SubRip text. A cue with a malformed time line is an error naming its line.
pub fn parse(text: &str) -> Result<Vec<Cue>, String> {
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let mut cues = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if let Some((a, b)) = line.split_once("-->") {
            let start = time(a.trim()).ok_or_else(|| format!("line {}: `{}` is not a start time", i + 1, a.trim()))?;
            let end_field = b.split_whitespace().next().unwrap_or("");
            let end = time(end_field).ok_or_else(|| format!("line {}: `{end_field}` is not an end time", i + 1))?;
            let mut body = Vec::new();
            i += 1;
            while i < lines.len() && !lines[i].trim().is_empty() {
                body.push(strip_tags(lines[i].trim()));
                i += 1;
            }
            cues.push(Cue { start_ms: start, end_ms: end.max(start), text: body.join("\n") });
        }
        i += 1;
    }
    if cues.is_empty() {
        return Err("no cue (no line with `-->`)".into());
    }
    cues.sort_by_key(|c| c.start_ms);
    Ok(cues)
}

/// The cue on show at `ms`.
pub fn at(cues: &[Cue], ms: u64) -> Option<&Cue> {
    cues.iter().find(|c| c.start_ms <= ms && ms < c.end_ms)
}

/// `hh:mm:ss.mmm`, `mm:ss.mmm` or SubRip's `hh:mm:ss,mmm`.
fn time(s: &str) -> Option<u64> {
    let s = s.replace(',', ".");
    let (hms, ms) = s.split_once('.').unwrap_or((&s, "0"));
    let parts: Vec<u64> = hms.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let (h, m, sec) = match parts[..] {
        [h, m, s] => (h, m, s),
        [m, s] => (0, m, s),
        _ => return None,
    };
    let ms: u64 = format!("{ms:0<3}").get(..3)?.parse().ok()?;
    (m < 60 && sec < 60).then_some(((h * 60 + m) * 60 + sec) * 1000 + ms)
}

/// Drops WebVTT's inline tags (`<v Speaker>`, `<b>`).
fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webvtt_and_subrip() {
        let vtt = "WEBVTT\n\n1\n00:00:00.200 --> 00:00:03.800 align:center\n<v 解说>预算解读</v>\n\n00:04.000 --> 00:07.5\n第二句\n";
        let cues = parse(vtt).expect("parses");
        assert_eq!(cues.len(), 2);
        assert_eq!((cues[0].start_ms, cues[0].end_ms, cues[0].text.as_str()), (200, 3800, "预算解读"));
        assert_eq!((cues[1].start_ms, cues[1].end_ms), (4000, 7500));
        assert_eq!(at(&cues, 5000).map(|c| c.text.as_str()), Some("第二句"));
        assert!(at(&cues, 3900).is_none());
        let srt = "1\r\n00:00:01,000 --> 00:00:02,500\r\n一\r\n二\r\n";
        assert_eq!(parse(srt).expect("parses")[0].text, "一\n二");
        assert!(parse("WEBVTT\n\nxx --> 00:01.000\nbad").unwrap_err().contains("line 3"));
        assert!(parse("just text").is_err());
    }
}
