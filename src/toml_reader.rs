//! Reads TOML written by people (content front matter, `site.toml`, guides, boards, FAQ, the kiosk
//! configuration) field by field, keeping every value's line so that each problem names file,
//! line and field, and collecting all problems instead of stopping at the first.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{LineIndex, Problems, is_bidi_control, is_invisible_control, suggest};

/// A field as written in a file: its key, the Chinese label used in messages, and alias keys a
/// publisher may write instead (the Chinese label quoted, e.g. `"发布日期" = "2024-01-02"`).
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
}

impl Field {
    pub const fn new(key: &'static str, label: &'static str) -> Self {
        Self { key, label }
    }

    /// A field whose label is its key (configuration files).
    pub const fn plain(key: &'static str) -> Self {
        Self { key, label: key }
    }

    fn matches(&self, key: &str) -> bool {
        key == self.key || key == self.label
    }
}

/// Where a TOML text sits: the file name shown to people and the line its first byte is on.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub file: &'a str,
    pub text: &'a str,
    /// Lines before the TOML text in the file (the `+++` line of front matter, for example).
    pub lines_before: usize,
    /// Where the lines of `text` start (so that finding a line costs a binary search).
    pub lines: &'a LineIndex,
}

impl Origin<'_> {
    pub fn line(&self, offset: usize) -> usize {
        self.lines_before + self.lines.line(offset)
    }
}

/// Whether a string holds a character that changes how text is shown without being seen (a
/// control character other than a line break or a tab, a bidirectional control, U+2028 or
/// U+2029; [`is_invisible_control`]), which no field of a person's file needs.
fn has_control(s: &str) -> bool {
    s.chars().any(is_invisible_control)
}

fn control_message(s: &str) -> String {
    let c = s.chars().find(|c| is_invisible_control(*c)).unwrap_or('\0');
    let code = c as u32;
    if is_bidi_control(c) {
        format!(
            "contains the bidirectional control character U+{code:04X}, which can make the text show in another order than it is written; remove it"
        )
    } else if matches!(c, '\u{2028}' | '\u{2029}') {
        let name = if c == '\u{2028}' { "line" } else { "paragraph" };
        format!(
            "contains the {name} separator U+{code:04X}; remove it (write an ordinary line break in a multi-line string)"
        )
    } else {
        format!("contains the control character U+{code:04X}; remove it (write plain text)")
    }
}

/// Parses `origin.text`; on syntax errors reports each of them and returns `None`.
pub fn parse<'i>(origin: Origin<'i>, problems: &Problems) -> Option<Spanned<DeTable<'i>>> {
    let (table, errors) = DeTable::parse_recoverable(origin.text);
    if errors.is_empty() {
        return Some(table);
    }
    let mut reported_lines = Vec::new();
    for e in errors {
        let line = e.span().map(|s| origin.line(s.start)).unwrap_or(origin.lines_before + 1);
        // One syntax error usually confuses the parser for the rest of its line: report the first.
        if reported_lines.contains(&line) {
            continue;
        }
        reported_lines.push(line);
        let message = e.message().trim().trim_end_matches('.').to_string();
        problems.report(origin.file, line, None, format!("TOML syntax error: {message}"));
    }
    None
}

/// Reads the fields of one table, remembering which keys were used so that leftovers can be
/// reported as unknown (usually a typo).
pub struct TableReader<'r, 'i> {
    pub origin: Origin<'r>,
    table: &'r DeTable<'i>,
    line: usize,
    /// Prefix for nested fields in messages, e.g. `materials[2].`.
    prefix: String,
    known: Vec<Field>,
    used: BTreeSet<String>,
    problems: &'r Problems,
}

/// A string value with the line it was written on (kept for cross-reference checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
}

impl<'r, 'i> TableReader<'r, 'i> {
    pub fn new(origin: Origin<'r>, table: &'r Spanned<DeTable<'i>>, problems: &'r Problems) -> Self {
        let line = origin.line(table.span().start);
        Self::nested(origin, table.get_ref(), line, String::new(), problems)
    }

    fn nested(origin: Origin<'r>, table: &'r DeTable<'i>, line: usize, prefix: String, problems: &'r Problems) -> Self {
        Self { origin, table, line, prefix, known: Vec::new(), used: BTreeSet::new(), problems }
    }

    /// Line of the table itself (its header, or its first line).
    pub fn line(&self) -> usize {
        self.line
    }

    pub fn problems(&self) -> &'r Problems {
        self.problems
    }

    fn name(&self, field: &Field) -> String {
        format!("{}{}", self.prefix, field.label)
    }

    /// Reports a problem about `field` at `line`.
    pub fn report(&self, field: &Field, line: usize, message: impl Into<String>) {
        self.problems.report(self.origin.file, line, Some(&self.name(field)), message);
    }

    /// Reports a problem about the table as a whole.
    pub fn report_table(&self, message: impl Into<String>) {
        let field = self.prefix.trim_end_matches('.');
        let field = (!field.is_empty()).then_some(field);
        self.problems.report(self.origin.file, self.line, field, message);
    }

    /// The raw value of a field, if present. A field given under both its key and its label is
    /// reported once and the first is used.
    pub fn raw(&mut self, field: Field) -> Option<&'r Spanned<DeValue<'i>>> {
        self.known.push(field);
        let mut found: Option<&'r Spanned<DeValue<'i>>> = None;
        for (k, v) in self.table.iter() {
            if field.matches(k.get_ref()) {
                self.used.insert(k.get_ref().to_string());
                if found.is_some() {
                    let line = self.origin.line(k.span().start);
                    self.report(&field, line, format!("is given twice (as `{}` and `{}`)", field.key, field.label));
                } else {
                    found = Some(v);
                }
            }
        }
        found
    }

    /// Reports `field`, if present, as not allowed here (`why`), at its line; it is then not
    /// reported again as unknown. Returns whether it was present.
    pub fn refuse(&mut self, field: Field, why: &str) -> bool {
        let Some(v) = self.raw(field) else { return false };
        let line = self.value_line(v);
        self.report(&field, line, why.to_string());
        true
    }

    pub fn has(&self, field: Field) -> bool {
        self.table.iter().any(|(k, _)| field.matches(k.get_ref()))
    }

    fn value_line(&self, v: &Spanned<DeValue<'_>>) -> usize {
        self.origin.line(v.span().start)
    }

    fn missing(&self, field: &Field) {
        self.report_table(format!("is missing required field `{}` ({})", field.key, field.label));
    }

    /// A string; empty or whitespace-only strings are reported and treated as absent.
    pub fn string(&mut self, field: Field) -> Option<Located<String>> {
        let v = self.raw(field)?;
        let line = self.value_line(v);
        match v.get_ref() {
            DeValue::String(s) if s.trim().is_empty() => {
                self.report(&field, line, "is empty; write a value or leave the field out");
                None
            }
            DeValue::String(s) if has_control(s) => {
                self.report(&field, line, control_message(s));
                None
            }
            DeValue::String(s) => Some(Located { value: s.trim().to_string(), line }),
            other => {
                self.report(&field, line, format!("must be a string, found {}", type_name(other)));
                None
            }
        }
    }

    pub fn req_string(&mut self, field: Field) -> Option<Located<String>> {
        let present = self.has(field);
        let v = self.string(field);
        if !present {
            self.missing(&field);
        }
        v
    }

    pub fn opt_str(&mut self, field: Field) -> Option<String> {
        self.string(field).map(|l| l.value)
    }

    /// A date, written as a TOML date (`2024-03-01`) or a string (`"2024-03-01"`).
    pub fn date(&mut self, field: Field) -> Option<Located<NaiveDate>> {
        let v = self.raw(field)?;
        let line = self.value_line(v);
        let parsed = match v.get_ref() {
            DeValue::String(s) => parse_date(s.trim()).ok_or_else(|| {
                format!("\"{}\" is not a date (write YYYY-MM-DD)", crate::diagnostics::printable(s, 100))
            }),
            DeValue::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                    .ok_or_else(|| format!("{dt} is not a date")),
                _ => Err(format!("{dt} must be a date without a time (YYYY-MM-DD)")),
            },
            other => Err(format!("must be a date (YYYY-MM-DD), found {}", type_name(other))),
        };
        match parsed {
            Ok(value) => Some(Located { value, line }),
            Err(message) => {
                self.report(&field, line, message);
                None
            }
        }
    }

    pub fn req_date(&mut self, field: Field) -> Option<Located<NaiveDate>> {
        let present = self.has(field);
        let v = self.date(field);
        if !present {
            self.missing(&field);
        }
        v
    }

    pub fn bool(&mut self, field: Field) -> Option<bool> {
        let v = self.raw(field)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                let line = self.value_line(v);
                self.report(&field, line, format!("must be true or false, found {}", type_name(other)));
                None
            }
        }
    }

    /// An integer within `min..=max`.
    pub fn int(&mut self, field: Field, min: i64, max: i64) -> Option<i64> {
        let v = self.raw(field)?;
        let line = self.value_line(v);
        match v.get_ref() {
            DeValue::Integer(i) => {
                let text = i.as_str().replace('_', "");
                match i64::from_str_radix(&text, i.radix()) {
                    Ok(n) if (min..=max).contains(&n) => Some(n),
                    Ok(n) => {
                        self.report(&field, line, format!("{n} is out of range (allowed {min} to {max})"));
                        None
                    }
                    Err(_) => {
                        self.report(&field, line, format!("{} is not a usable number", i.as_str()));
                        None
                    }
                }
            }
            other => {
                self.report(&field, line, format!("must be a whole number, found {}", type_name(other)));
                None
            }
        }
    }

    /// How many items a field's array holds (`None` when it is absent or not an array), without
    /// reading them.
    pub fn raw_array_len(&mut self, field: Field) -> Option<Located<usize>> {
        let v = self.raw(field)?;
        match v.get_ref() {
            DeValue::Array(items) => Some(Located { value: items.len(), line: self.value_line(v) }),
            _ => None,
        }
    }

    /// A list of strings; a single string is accepted as a list of one.
    pub fn strings(&mut self, field: Field) -> Vec<Located<String>> {
        let Some(v) = self.raw(field) else { return Vec::new() };
        let line = self.value_line(v);
        match v.get_ref() {
            DeValue::String(s) if has_control(s) => {
                self.report(&field, line, control_message(s));
                Vec::new()
            }
            DeValue::String(s) if !s.trim().is_empty() => vec![Located { value: s.trim().to_string(), line }],
            DeValue::String(_) => Vec::new(),
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let line = self.value_line(item);
                    match item.get_ref() {
                        DeValue::String(s) if s.trim().is_empty() => {
                            self.report(&field, line, format!("item {} is empty", i + 1))
                        }
                        DeValue::String(s) if has_control(s) => {
                            self.report(&field, line, format!("item {}: {}", i + 1, control_message(s)))
                        }
                        DeValue::String(s) => out.push(Located { value: s.trim().to_string(), line }),
                        other => self.report(
                            &field,
                            line,
                            format!("item {} must be a string, found {}", i + 1, type_name(other)),
                        ),
                    }
                }
                out
            }
            other => {
                self.report(&field, line, format!("must be a list of strings, found {}", type_name(other)));
                Vec::new()
            }
        }
    }

    /// A string that must be one of a fixed set; `parse` maps it (and its aliases) to a value.
    pub fn choice<T>(&mut self, field: Field, allowed: &str, parse: impl Fn(&str) -> Option<T>) -> Option<Located<T>> {
        let s = self.string(field)?;
        match parse(&s.value) {
            Some(value) => Some(Located { value, line: s.line }),
            None => {
                self.report(
                    &field,
                    s.line,
                    format!("\"{}\" is not one of: {allowed}", crate::diagnostics::printable(&s.value, 100)),
                );
                None
            }
        }
    }

    /// A sub-table (`[request_office]` or an inline table).
    pub fn table(&mut self, field: Field) -> Option<TableReader<'r, 'i>> {
        let v = self.raw(field)?;
        let line = self.value_line(v);
        match v.get_ref() {
            DeValue::Table(t) => {
                Some(Self::nested(self.origin, t, line, format!("{}.", self.name(&field)), self.problems))
            }
            other => {
                self.report(&field, line, format!("must be a table, found {}", type_name(other)));
                None
            }
        }
    }

    /// An array of tables (`[[steps]]` or `steps = [{...}, {...}]`).
    pub fn tables(&mut self, field: Field) -> Vec<TableReader<'r, 'i>> {
        let Some(v) = self.raw(field) else { return Vec::new() };
        let line = self.value_line(v);
        match v.get_ref() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let line = self.value_line(item);
                    match item.get_ref() {
                        DeValue::Table(t) => out.push(Self::nested(
                            self.origin,
                            t,
                            line,
                            format!("{}[{}].", self.name(&field), i + 1),
                            self.problems,
                        )),
                        other => self.report(
                            &field,
                            line,
                            format!("item {} must be a table, found {}", i + 1, type_name(other)),
                        ),
                    }
                }
                out
            }
            other => {
                self.report(&field, line, format!("must be a list of tables, found {}", type_name(other)));
                Vec::new()
            }
        }
    }

    /// Reports every key that no reader asked for, with a suggestion when it looks like a typo.
    pub fn finish(self) {
        let mut known: Vec<&str> = Vec::new();
        for f in &self.known {
            known.push(f.key);
            known.push(f.label);
        }
        for (k, _) in self.table.iter() {
            let key = k.get_ref();
            if self.used.contains(key.as_ref()) {
                continue;
            }
            let line = self.origin.line(k.span().start);
            let hint = match suggest(key, known.iter().copied()) {
                Some(s) => format!("; did you mean `{s}`?"),
                None => {
                    let mut names: Vec<&str> = self.known.iter().map(|f| f.key).collect();
                    names.dedup();
                    format!("; known fields here: {}", names.join(", "))
                }
            };
            self.problems.report(
                self.origin.file,
                line,
                Some(&format!("{}{}", self.prefix, key)),
                format!("is not a known field{hint}"),
            );
        }
    }
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3
        || parts[0].len() != 4
        || !parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let y: i32 = parts[0].parse().ok()?;
    let m: u32 = parts[1].parse().ok()?;
    let d: u32 = parts[2].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

pub fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date/time",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, f: impl FnOnce(&mut TableReader<'_, '_>)) -> Vec<String> {
        let problems = Problems::new();
        let lines = LineIndex::new(text);
        let origin = Origin { file: "t.toml", text, lines_before: 0, lines: &lines };
        if let Some(table) = parse(origin, &problems) {
            let mut r = TableReader::new(origin, &table, &problems);
            f(&mut r);
            r.finish();
        }
        problems.into_sorted().into_iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn bad_date_names_line_and_label() {
        let out = read("title = \"x\"\n\npublished = \"2023-13-01\"\n", |r| {
            r.string(Field::new("title", "标题"));
            r.date(Field::new("published", "发布日期"));
        });
        assert_eq!(out, vec!["t.toml:3: 发布日期 \"2023-13-01\" is not a date (write YYYY-MM-DD)"]);
    }

    #[test]
    fn chinese_label_is_accepted_as_key() {
        let mut got = None;
        let out = read("\"发布日期\" = 2024-02-29\n", |r| got = r.date(Field::new("published", "发布日期")));
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(got.unwrap().value, NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
    }

    #[test]
    fn unknown_keys_and_missing_fields_all_reported() {
        let out = read("titel = \"x\"\nkind = 3\n", |r| {
            r.req_string(Field::new("title", "标题"));
            r.string(Field::new("kind", "类别"));
        });
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(out.iter().any(|p| p.contains("missing required field `title`")));
        assert!(out.iter().any(|p| p.starts_with("t.toml:2: 类别 must be a string")));
        assert!(out.iter().any(|p| p.starts_with("t.toml:1: titel is not a known field; did you mean `title`")));
    }

    #[test]
    fn syntax_errors_have_lines() {
        let out = read("a = 1\nb = \n", |_| {});
        assert_eq!(out.len(), 1);
        assert!(out[0].starts_with("t.toml:2: TOML syntax error"), "{out:?}");
    }

    #[test]
    fn nested_tables_prefix_fields() {
        let out = read("[[steps]]\ntitle = \"a\"\n[[steps]]\ntitle = 5\n", |r| {
            for mut t in r.tables(Field::new("steps", "办理流程")) {
                t.string(Field::new("title", "步骤"));
                t.finish();
            }
        });
        assert_eq!(out, vec!["t.toml:4: 办理流程[2].步骤 must be a string, found an integer"]);
    }
}
