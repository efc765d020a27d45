//! `kiosk_bm25`: FTS5's bm25, with the number of rows holding each phrase given by the caller.
//!
//! FTS5's own `bm25()` works out each phrase's idf from the number of rows holding it, and to
//! know that number it reads the phrase's whole doclist once per query (`xQueryPhrase`): for a
//! word in 400,000 of 500,000 documents, a pass over 400,000 entries before the first row is
//! scored, even when the query as a whole matches 3,000. Search knows most of those numbers
//! for next to nothing (a frequent token's bitmap holds them), so it passes them in:
//!
//! ```sql
//! SELECT rowid, kiosk_bm25(search_fts, 8.0, 1.0, 406785, NULL) FROM search_fts WHERE search_fts MATCH ?1
//! ```
//!
//! The arguments after the table are one weight per column (all of them), then one number per
//! phrase of the MATCH expression, in the order the phrases appear in it (FTS5's numbering). A
//! phrase whose number is NULL is counted as `bm25()` counts it; if the numbers given are not
//! one per phrase (FTS5 drops a phrase that tokenizes to nothing, so the caller's list can be
//! off by one), none is used and FTS5 counts them all: a wrong pairing never reaches a score.
//! Everything else is `bm25()`'s formula in its order of operations, and the result is
//! `bm25()`'s to the last bit on this x86-64 build when the numbers given are FTS5's own (the
//! tests below compare them; a C compiler that fuses multiply-adds, as on some other targets,
//! would round differently). The numbers are read on a statement's first row and kept until
//! it ends, so they must be constants, and the function appears once in a statement. It is
//! registered on every connection the store opens.

use std::ffi::{c_int, c_void};
use std::ptr;

use rusqlite::{Connection, ffi};

/// The name SQL calls the function by.
pub const NAME: &str = "kiosk_bm25";

/// bm25's constants, as FTS5 sets them.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// bm25's idf of a phrase held by `hits` of `rows` rows, as FTS5 computes it (never below
/// 1e-6). Instant search's in-memory ranking of titles uses it as well (`search::title_rank`).
pub fn idf(rows: i64, hits: i64) -> f64 {
    let v = (((rows - hits) as f64 + 0.5) / (hits as f64 + 0.5)).ln();
    if v <= 0.0 { 1e-6 } else { v }
}

/// One phrase's part of bm25, as FTS5 computes it: its `idf` times how much its weighted
/// frequency `freq` counts in a row of `d` tokens, the rows averaging `avgdl`.
pub fn phrase_score(idf: f64, freq: f64, d: f64, avgdl: f64) -> f64 {
    idf * ((freq * (K1 + 1.0)) / (freq + K1 * (1.0 - B + B * d / avgdl)))
}

/// Registers `kiosk_bm25` on `conn`.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    // SAFETY: `handle()` is the live connection `conn` owns; it is used only for the duration
    // of this call, on this thread, and nothing here closes it.
    let db = unsafe { conn.handle() };
    // SAFETY: `db` is a valid open connection (above).
    let api = unsafe { fts5_api(db) }?;
    // SAFETY: `api` is the non-null `fts5_api` of this connection, which lives as long as the
    // connection; the name is a NUL-terminated static string FTS5 copies; there is no user
    // data to free.
    let rc = unsafe {
        match (*api).xCreateFunction {
            Some(create) => create(api, c"kiosk_bm25".as_ptr(), ptr::null_mut(), Some(kiosk_bm25), None),
            None => ffi::SQLITE_ERROR,
        }
    };
    if rc == ffi::SQLITE_OK { Ok(()) } else { Err(ffi_error(rc, "FTS5 refused to register kiosk_bm25")) }
}

pub(super) fn ffi_error(rc: c_int, what: &str) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(ffi::Error::new(rc), Some(what.to_string()))
}

/// The connection's `fts5_api`, as SQLite's documentation says to get it: `SELECT fts5(?1)`
/// with a pointer of type `fts5_api_ptr` bound.
///
/// # Safety
/// `db` must be a valid open connection, used by no other thread during the call.
pub(super) unsafe fn fts5_api(db: *mut ffi::sqlite3) -> rusqlite::Result<*mut ffi::fts5_api> {
    let mut stmt: *mut ffi::sqlite3_stmt = ptr::null_mut();
    // SAFETY: `db` is valid (the caller's promise); the SQL is NUL-terminated.
    let rc = unsafe { ffi::sqlite3_prepare_v2(db, c"SELECT fts5(?1)".as_ptr(), -1, &mut stmt, ptr::null_mut()) };
    if rc != ffi::SQLITE_OK || stmt.is_null() {
        return Err(ffi_error(rc, "`SELECT fts5(?1)` could not be prepared (no FTS5, or the database unreadable)"));
    }
    let mut api: *mut ffi::fts5_api = ptr::null_mut();
    // SAFETY: `stmt` was prepared above and is finalized once, below; `api` outlives the
    // statement's step, the only time FTS5 writes through the bound pointer; the type name is
    // a static NUL-terminated string.
    let rc = unsafe {
        let bound = ffi::sqlite3_bind_pointer(stmt, 1, (&raw mut api).cast::<c_void>(), c"fts5_api_ptr".as_ptr(), None);
        let stepped = if bound == ffi::SQLITE_OK { ffi::sqlite3_step(stmt) } else { bound };
        ffi::sqlite3_finalize(stmt);
        stepped
    };
    if rc != ffi::SQLITE_ROW || api.is_null() {
        return Err(ffi_error(if rc == ffi::SQLITE_ROW { ffi::SQLITE_ERROR } else { rc }, "FTS5 gave no API"));
    }
    Ok(api)
}

/// What one query's rows share: each phrase's idf, the average row length, and room for a
/// row's phrase frequencies.
struct QueryData {
    idf: Vec<f64>,
    avgdl: f64,
    freq: Vec<f64>,
}

/// Frees a [`QueryData`] FTS5 held as auxiliary data.
unsafe extern "C" fn free_query_data(p: *mut c_void) {
    if !p.is_null() {
        // SAFETY: FTS5 hands back exactly the pointer `query_data` made with `Box::into_raw`,
        // once: when the query ends, or at once if `xSetAuxdata` cannot keep it.
        drop(unsafe { Box::from_raw(p.cast::<QueryData>()) });
    }
}

/// Adds one to the row count `user` points to (`xQueryPhrase`'s callback).
unsafe extern "C" fn count_row(_: *const ffi::Fts5ExtensionApi, _: *mut ffi::Fts5Context, user: *mut c_void) -> c_int {
    // SAFETY: `user` is the `i64` `query_data` passed to `xQueryPhrase`, alive for its call.
    unsafe { *user.cast::<i64>() += 1 };
    ffi::SQLITE_OK
}

/// `rc` of an FTS5 call, or SQLITE_ERROR when this FTS5 lacks the call.
macro_rules! call {
    ($api:expr, $f:ident, $($arg:expr),*) => {
        match (*$api).$f {
            Some(f) => f($($arg),*),
            None => return Err(ffi::SQLITE_ERROR),
        }
    };
}

/// This query's [`QueryData`], made on its first row and kept by FTS5 until the query ends.
///
/// # Safety
/// As for [`kiosk_bm25`]: valid `api`, `fts` and `n_val` values at `vals`.
unsafe fn query_data<'a>(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    n_val: c_int,
    vals: *mut *mut ffi::sqlite3_value,
) -> Result<&'a mut QueryData, c_int> {
    // SAFETY: the caller's promise; every pointer FTS5 writes through is a local.
    unsafe {
        let held = call!(api, xGetAuxdata, fts, 0);
        if !held.is_null() {
            return Ok(&mut *held.cast::<QueryData>());
        }
        let phrases = usize::try_from(call!(api, xPhraseCount, fts)).unwrap_or(0);
        let columns = call!(api, xColumnCount, fts);
        let (mut rows, mut tokens) = (0i64, 0i64);
        let rc = call!(api, xRowCount, fts, &mut rows);
        if rc != ffi::SQLITE_OK {
            return Err(rc);
        }
        let rc = call!(api, xColumnTotalSize, fts, -1, &mut tokens);
        if rc != ffi::SQLITE_OK {
            return Err(rc);
        }
        // the numbers given count only if there is one per phrase
        let columns = usize::try_from(columns).unwrap_or(0);
        let one_each = usize::try_from(n_val).is_ok_and(|n| n == columns + phrases);
        let mut idf = Vec::with_capacity(phrases);
        for i in 0..phrases {
            // the number given for this phrase, else FTS5's own count
            let at = columns + i;
            let given = one_each
                .then(|| *vals.add(at))
                .filter(|v| ffi::sqlite3_value_type(*v) != ffi::SQLITE_NULL)
                .map(|v| ffi::sqlite3_value_int64(v));
            let hits = match given {
                Some(n) => n.clamp(0, rows),
                None => {
                    let mut n: i64 = 0;
                    let rc = call!(api, xQueryPhrase, fts, i as c_int, (&raw mut n).cast::<c_void>(), Some(count_row));
                    if rc != ffi::SQLITE_OK {
                        return Err(rc);
                    }
                    n
                }
            };
            idf.push(self::idf(rows, hits));
        }
        let data = Box::new(QueryData { idf, avgdl: tokens as f64 / rows as f64, freq: vec![0.0; phrases] });
        let p = Box::into_raw(data);
        let rc = call!(api, xSetAuxdata, fts, p.cast::<c_void>(), Some(free_query_data));
        if rc != ffi::SQLITE_OK {
            // FTS5 calls the destructor itself when it cannot keep the data
            return Err(rc);
        }
        Ok(&mut *p)
    }
}

/// The score of the current row (negative, as `bm25()`: lower is better).
///
/// # Safety
/// As for [`kiosk_bm25`].
unsafe fn score(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    n_val: c_int,
    vals: *mut *mut ffi::sqlite3_value,
) -> Result<f64, c_int> {
    // SAFETY: the caller's promise; `query_data`'s data lives until the query ends, past this
    // row.
    unsafe {
        let data = query_data(api, fts, n_val, vals)?;
        data.freq.iter_mut().for_each(|f| *f = 0.0);
        let mut n_inst: c_int = 0;
        let rc = call!(api, xInstCount, fts, &mut n_inst);
        if rc != ffi::SQLITE_OK {
            return Err(rc);
        }
        for i in 0..n_inst {
            let (mut ip, mut ic, mut io) = (0, 0, 0);
            let rc = call!(api, xInst, fts, i, &mut ip, &mut ic, &mut io);
            if rc != ffi::SQLITE_OK {
                return Err(rc);
            }
            let w = if n_val > ic { ffi::sqlite3_value_double(*vals.add(ic as usize)) } else { 1.0 };
            if let Some(f) = usize::try_from(ip).ok().and_then(|p| data.freq.get_mut(p)) {
                *f += w;
            }
        }
        let mut n_tok: c_int = 0;
        let rc = call!(api, xColumnSize, fts, -1, &mut n_tok);
        if rc != ffi::SQLITE_OK {
            return Err(rc);
        }
        let d = f64::from(n_tok);
        let mut score = 0.0;
        for (idf, f) in data.idf.iter().zip(&data.freq) {
            score += phrase_score(*idf, *f, d, data.avgdl);
        }
        Ok(-score)
    }
}

/// The FTS5 auxiliary function itself.
unsafe extern "C" fn kiosk_bm25(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    n_val: c_int,
    vals: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 calls this with its API, the cursor's context, a result context and `n_val`
    // argument values, all valid for the call.
    unsafe {
        match score(api, fts, n_val, vals) {
            Ok(s) => ffi::sqlite3_result_double(ctx, s),
            Err(rc) => ffi::sqlite3_result_error_code(ctx, rc),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        conn.execute_batch("CREATE VIRTUAL TABLE t USING fts5(title, body, content = '', contentless_delete = 1);")
            .unwrap();
        let words = ["apple", "pear", "plum", "fig", "kiwi", "lime"];
        for i in 0..300usize {
            let title: Vec<&str> = (0..1 + i % 4).map(|k| words[(i * 7 + k) % words.len()]).collect();
            let body: Vec<&str> = (0..3 + i % 11).map(|k| words[(i * 3 + k * k) % 5]).collect();
            conn.execute(
                "INSERT INTO t (rowid, title, body) VALUES (?1, ?2, ?3)",
                rusqlite::params![i as i64 + 1, title.join(" "), body.join(" ")],
            )
            .unwrap();
        }
        conn
    }

    fn scores(conn: &Connection, f: &str, expr: &str) -> Vec<(i64, f64)> {
        let mut stmt = conn.prepare(&format!("SELECT rowid, {f} FROM t WHERE t MATCH ?1 ORDER BY rowid")).unwrap();
        stmt.query_map([expr], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
    }

    fn hits(conn: &Connection, phrase: &str) -> i64 {
        conn.query_row("SELECT count(*) FROM t WHERE t MATCH ?1", [phrase], |r| r.get(0)).unwrap()
    }

    #[test]
    fn with_fts5s_own_counts_it_is_bm25_to_the_last_bit() {
        let conn = table();
        for expr in ["apple", "\"apple pear\"", "apple AND plum", "(fig) OR (\"kiwi lime\")", "pear*", "lime NOT fig"] {
            let want = scores(&conn, "bm25(t, 8.0, 1.0)", expr);
            assert!(!want.is_empty(), "{expr} matches nothing");
            // the counts left to FTS5, then given as FTS5 counts them
            assert_eq!(scores(&conn, "kiosk_bm25(t, 8.0, 1.0)", expr), want, "{expr}");
            let phrases: Vec<String> = match expr {
                "apple AND plum" => vec!["apple".into(), "plum".into()],
                "(fig) OR (\"kiwi lime\")" => vec!["fig".into(), "\"kiwi lime\"".into()],
                "lime NOT fig" => vec!["lime".into(), "fig".into()],
                e => vec![e.to_string()],
            };
            let given: Vec<String> = phrases.iter().map(|p| hits(&conn, p).to_string()).collect();
            let f = format!("kiosk_bm25(t, 8.0, 1.0, {})", given.join(", "));
            assert_eq!(scores(&conn, &f, expr), want, "{expr} with {f}");
        }
        // weights left out count 1.0, as bm25's do
        assert_eq!(scores(&conn, "kiosk_bm25(t)", "apple"), scores(&conn, "bm25(t)", "apple"));
    }

    #[test]
    fn a_count_given_is_the_count_used() {
        let conn = table();
        let own = scores(&conn, "bm25(t, 8.0, 1.0)", "apple AND plum");
        let n = hits(&conn, "apple");
        // apple said to be rarer than it is: its idf, and every score, grows
        let rarer = scores(&conn, &format!("kiosk_bm25(t, 8.0, 1.0, {}, NULL)", n / 4), "apple AND plum");
        assert_eq!(rarer.len(), own.len());
        assert!(rarer.iter().zip(&own).all(|(a, b)| a.0 == b.0 && a.1 < b.1), "{rarer:?} against {own:?}");
        // one number too few or too many: none is used, FTS5 counts them all
        for f in [format!("kiosk_bm25(t, 8.0, 1.0, {})", n / 4), format!("kiosk_bm25(t, 8.0, 1.0, {}, NULL, 7)", n / 4)]
        {
            assert_eq!(scores(&conn, &f, "apple AND plum"), own, "{f}");
        }
        // counts beyond the table's rows are held to it (idf at its floor), never a NaN
        let huge = scores(&conn, "kiosk_bm25(t, 8.0, 1.0, 999999, 999999)", "apple AND plum");
        assert!(huge.iter().all(|s| s.1.is_finite() && s.1 <= 0.0));
    }
}
