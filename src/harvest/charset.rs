//! Turning a page's bytes into text when its charset is declared wrongly or not at all: older
//! government sites serve GBK or GB2312 with a `Content-Type` that says UTF-8, or none.

use encoding_rs::{Encoding, GB18030, UTF_8};

/// How a page was decoded, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// The encoding used (`UTF-8`, `gb18030`, …).
    pub encoding: &'static str,
    /// What the server or the page declared, when it was not what the bytes are.
    pub wrong_declaration: Option<String>,
}

/// Decodes `bytes` using, in order: a byte-order mark; UTF-8 when the bytes are valid UTF-8 (a
/// page of GBK text is practically never valid UTF-8, whatever it declares); else the charset of
/// the `Content-Type` header or the page's `<meta>` (GB2312 and GBK read as their superset
/// GB18030); else GB18030, the likeliest encoding of a Chinese page that is not UTF-8.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    let header = content_type.and_then(charset_param);
    let meta = meta_charset(bytes);
    let declared = header.clone().or(meta.clone());
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded { text: text.into_owned(), encoding: enc.name(), wrong_declaration: None };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let wrong = declared.filter(|d| lookup(d).is_some_and(|e| e != UTF_8) && !text.is_ascii());
        return Decoded { text: text.to_string(), encoding: UTF_8.name(), wrong_declaration: wrong };
    }
    // not UTF-8: the first declaration that names a non-UTF-8 encoding, else GB18030
    let named =
        [header.as_deref(), meta.as_deref()].into_iter().flatten().find_map(|d| lookup(d).filter(|e| *e != UTF_8));
    let enc = named.unwrap_or(GB18030);
    let wrong = match &declared {
        Some(d) if lookup(d) != Some(enc) => Some(d.clone()),
        _ => None,
    };
    let (text, _, _) = enc.decode(bytes);
    Decoded { text: text.into_owned(), encoding: enc.name(), wrong_declaration: wrong }
}

/// An encoding label; GB2312 and GBK are decoded as GB18030, their superset (a page declared
/// GB2312 often uses GBK characters).
fn lookup(label: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(label.trim().as_bytes())?;
    Some(if enc == encoding_rs::GBK { GB18030 } else { enc })
}

/// `charset=` of a Content-Type header.
fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("charset").then(|| v.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// The charset a page declares in its first 4 KB: `<meta charset="gbk">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`.
pub fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = find(&lower[start..], b">").map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = rest.iter().skip_while(|b| b.is_ascii_whitespace()).copied().collect::<Vec<u8>>();
            if let Some(rest) = rest.strip_prefix(b"=") {
                let value: Vec<u8> = rest
                    .iter()
                    .skip_while(|b| b.is_ascii_whitespace() || **b == b'"' || **b == b'\'')
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b'_')
                    .copied()
                    .collect();
                if !value.is_empty() {
                    return Some(String::from_utf8_lossy(&value).into_owned());
                }
            }
        }
        from = end;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        GB18030.encode(s).0.into_owned()
    }

    #[test]
    fn gbk_page_declared_in_meta_only() {
        let page = gbk("<html><head><meta charset=\"gb2312\"></head><body>望川区人民政府</body></html>");
        let d = decode(&page, Some("text/html"));
        assert!(d.text.contains("望川区人民政府"));
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.wrong_declaration, None);
    }

    #[test]
    fn gbk_page_with_a_header_that_says_utf8() {
        let page = gbk(
            "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=GBK\"></head><body>發布機構 民政局</body></html>",
        );
        let d = decode(&page, Some("text/html; charset=utf-8"));
        assert!(d.text.contains("發布機構 民政局"), "{}", d.text);
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.wrong_declaration.as_deref(), Some("utf-8"));
    }

    #[test]
    fn gbk_page_without_any_charset() {
        let d = decode(&gbk("<p>政府信息公开指南</p>"), None);
        assert_eq!(d.text, "<p>政府信息公开指南</p>");
        assert_eq!(d.encoding, "gb18030");
    }

    #[test]
    fn utf8_page_that_claims_gbk() {
        let d = decode("<meta charset=gbk><p>依申请公开</p>".as_bytes(), None);
        assert!(d.text.contains("依申请公开"));
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.wrong_declaration.as_deref(), Some("gbk"));
    }

    #[test]
    fn byte_order_mark_wins() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("公开".as_bytes());
        assert_eq!(decode(&b, Some("text/html; charset=gbk")).text, "公开");
    }
}
