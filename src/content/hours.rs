//! The zone's opening hours in a form a machine reads (`[opening_hours]` in `site.toml`, 开放时段):
//! periods per weekday, closed dates (statutory holidays) and extra dates with their own hours
//! (调休 working weekends). The free-text `hours` stays what visitors read; this table is what
//! the monitoring reads, so that a kiosk that is down at night or on a holiday pages no one.
//! [`OpeningHours::windows`] turns it into absolute opening periods in the kiosk's local time.

use chrono::{DateTime, Datelike, Local, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use toml::de::DeValue;

use super::fields as f;
use crate::toml_reader::{Field, TableReader};

/// One opening period of a day, in minutes after midnight (`from` < `until` ≤ 1440).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: u16,
    pub until: u16,
}

/// A date with hours of its own (an extra working day, or a day with shorter hours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub periods: Vec<Period>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours {
    /// Periods for Monday (index 0) to Sunday (index 6); an empty day is closed.
    pub week: [Vec<Period>; 7],
    /// Dates the zone is closed (holidays), whatever the weekday.
    #[serde(default)]
    pub closed: Vec<NaiveDate>,
    /// Dates with hours of their own.
    #[serde(default)]
    pub special: Vec<SpecialDay>,
}

/// The keys of the week, Monday first.
const DAYS: [Field; 7] = [f::MONDAY, f::TUESDAY, f::WEDNESDAY, f::THURSDAY, f::FRIDAY, f::SATURDAY, f::SUNDAY];

impl OpeningHours {
    /// The periods of one date: its own hours if it has any, none if it is closed, else its
    /// weekday's.
    pub fn periods_on(&self, date: NaiveDate) -> &[Period] {
        if let Some(s) = self.special.iter().find(|s| s.date == date) {
            return &s.periods;
        }
        if self.closed.contains(&date) {
            return &[];
        }
        &self.week[date.weekday().num_days_from_monday() as usize]
    }

    /// The opening period under way at `now` and the ones after it, at most `max`, looking at
    /// most `days` days ahead: (start, end) as instants, computed in the kiosk's time zone.
    pub fn windows(&self, now: DateTime<Utc>, max: usize, days: u32) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let mut out = Vec::new();
        let today = now.with_timezone(&Local).date_naive();
        for d in 0..=days {
            let Some(date) = today.checked_add_days(chrono::Days::new(u64::from(d))) else { break };
            for p in self.periods_on(date) {
                let (Some(start), Some(end)) = (instant(date, p.from), instant(date, p.until)) else { continue };
                if end > now {
                    out.push((start, end));
                    if out.len() == max {
                        return out;
                    }
                }
            }
        }
        out
    }

    /// Whether the zone is open at `now`.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.windows(now, 1, 0).first().is_some_and(|(s, _)| *s <= now)
    }
}

/// Minutes after local midnight of `date` as an instant (the first, if a clock change makes
/// it ambiguous; none if it does not exist).
fn instant(date: NaiveDate, minutes: u16) -> Option<DateTime<Utc>> {
    let naive = if minutes >= 1440 {
        date.succ_opt()?.and_time(NaiveTime::MIN)
    } else {
        date.and_time(NaiveTime::from_hms_opt(u32::from(minutes / 60), u32::from(minutes % 60), 0)?)
    };
    Local.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc))
}

/// Parses `09:00-12:00, 13:30-17:30` (also `9:00—12:00，13:30～17:30`); `休息` or `closed` or an
/// empty string is a closed day.
pub fn parse_periods(s: &str) -> Result<Vec<Period>, String> {
    let s = s.trim();
    if s.is_empty() || s == "休息" || s == "closed" {
        return Ok(Vec::new());
    }
    let mut out: Vec<Period> = Vec::new();
    for part in s.split([',', '，', '、', ';', '；']).map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = part
            .split_once(['-', '—', '–', '~', '～', '至'])
            .ok_or_else(|| format!("\"{part}\" is not a period (write 09:00-12:00)"))?;
        let from = minutes(a.trim()).ok_or_else(|| format!("\"{}\" is not a time of day (write 09:00)", a.trim()))?;
        let until = minutes(b.trim()).ok_or_else(|| format!("\"{}\" is not a time of day (write 17:30)", b.trim()))?;
        if until <= from {
            return Err(format!("\"{part}\" ends before it starts"));
        }
        if out.last().is_some_and(|p| p.until > from) {
            return Err(format!("\"{part}\" overlaps or comes before the period before it"));
        }
        out.push(Period { from, until });
    }
    Ok(out)
}

/// `9:00`, `09:00`, `24:00` → minutes after midnight.
fn minutes(s: &str) -> Option<u16> {
    let (h, m) = s.split_once([':', '：'])?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Reads `[opening_hours]` from `site.toml`, reporting each problem at its line.
pub fn read(r: &mut TableReader<'_, '_>) -> Option<OpeningHours> {
    let mut t = r.table(f::OPENING_HOURS)?;
    let mut hours = OpeningHours::default();
    for (i, day) in DAYS.iter().enumerate() {
        if let Some(v) = t.string(*day) {
            match parse_periods(&v.value) {
                Ok(p) => hours.week[i] = p,
                Err(e) => t.report(day, v.line, e),
            }
        }
    }
    hours.closed = dates(&mut t, f::CLOSED_DATES);
    for v in t.strings(f::SPECIAL_DAYS) {
        let (date, periods) = v.value.split_once(char::is_whitespace).unwrap_or((&v.value, ""));
        match (crate::toml_reader::parse_date(date), parse_periods(periods)) {
            (Some(date), Ok(periods)) => hours.special.push(SpecialDay { date, periods }),
            (None, _) => t.report(
                &f::SPECIAL_DAYS,
                v.line,
                format!("\"{}\" does not start with a date (write \"2026-09-27 09:00-12:00, 13:30-17:30\")", v.value),
            ),
            (_, Err(e)) => t.report(&f::SPECIAL_DAYS, v.line, e),
        }
    }
    if hours.week.iter().all(Vec::is_empty) && hours.special.is_empty() {
        t.report_table("gives no day any hours; list at least one weekday (monday = \"09:00-17:00\")");
    }
    t.finish();
    Some(hours)
}

/// A list of dates, each a TOML date or a `"YYYY-MM-DD"` string.
fn dates(t: &mut TableReader<'_, '_>, field: Field) -> Vec<NaiveDate> {
    let Some(v) = t.raw(field) else { return Vec::new() };
    let line = t.line();
    let items: Vec<&DeValue<'_>> = match v.get_ref() {
        DeValue::Array(a) => a.iter().map(|i| i.get_ref()).collect(),
        other => vec![other],
    };
    let mut out = Vec::new();
    for item in items {
        let parsed = match item {
            DeValue::String(s) => crate::toml_reader::parse_date(s.trim()),
            DeValue::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()),
                _ => None,
            },
            _ => None,
        };
        match parsed {
            Some(d) => out.push(d),
            None => t.report(&field, line, "must be a list of dates (YYYY-MM-DD)"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_as_publishers_write_them() {
        let p = parse_periods("9:00—12:00，13:30-17:30").unwrap();
        assert_eq!(p, vec![Period { from: 540, until: 720 }, Period { from: 810, until: 1050 }]);
        assert_eq!(parse_periods("休息").unwrap(), vec![]);
        assert_eq!(parse_periods("00:00-24:00").unwrap(), vec![Period { from: 0, until: 1440 }]);
        assert!(parse_periods("17:00-09:00").unwrap_err().contains("ends before"));
        assert!(parse_periods("9-12").unwrap_err().contains("time of day"));
        assert!(parse_periods("09:00-12:00, 11:00-13:00").unwrap_err().contains("overlaps"));
    }

    #[test]
    fn windows_skip_nights_weekends_and_holidays_and_take_extra_days() {
        let mut h = OpeningHours::default();
        for d in 0..5 {
            h.week[d] = parse_periods("09:00-12:00, 13:30-17:30").unwrap();
        }
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        h.closed = vec![date("2026-10-01"), date("2026-10-02")]; // Thursday, Friday
        h.special = vec![SpecialDay { date: date("2026-10-10"), periods: parse_periods("09:00-12:00").unwrap() }]; // a Saturday
        let at = |s: &str| {
            Local
                .from_local_datetime(&chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
                .unwrap()
                .with_timezone(&Utc)
        };
        // Wednesday at lunch: closed now, the afternoon is next
        let w = h.windows(at("2026-09-30 12:30"), 3, 14);
        assert!(!h.is_open(at("2026-09-30 12:30")));
        assert!(h.is_open(at("2026-09-30 10:00")));
        assert_eq!(w[0], (at("2026-09-30 13:30"), at("2026-09-30 17:30")));
        // the holiday and the weekend are skipped: next Monday morning
        assert_eq!(w[1], (at("2026-10-05 09:00"), at("2026-10-05 12:00")));
        // the extra Saturday opens
        let sat = h.windows(at("2026-10-09 18:00"), 1, 14);
        assert_eq!(sat, vec![(at("2026-10-10 09:00"), at("2026-10-10 12:00"))]);
        assert!(!h.is_open(at("2026-10-01 10:00")), "a holiday");
    }
}
