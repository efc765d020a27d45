//! FTS5's own tokenizer, called directly through the connection's `fts5_api`, so that the bulk
//! index holds exactly the tokens, in exactly the positions, FTS5 would give the same text.

use std::ffi::{CString, c_char, c_int, c_void};
use std::ptr;

use rusqlite::{Connection, ffi};

use super::super::body_rank::{ffi_error, fts5_api};

/// One instance of a tokenizer FTS5 knows, made with its arguments.
pub struct Tokenizer {
    module: ffi::fts5_tokenizer,
    instance: *mut ffi::Fts5Tokenizer,
    /// `unicode61` with no argument but `remove_diacritics`: spaces separate its tokens, and
    /// it gives a plain ideograph back as it is (see [`Tokenizer::tokenize`]).
    ideographs_as_they_are: bool,
}

/// Ideographs of the blocks every Unicode version since 3.0 has in full (U+3400–U+4DB5,
/// U+4E00–U+9FA5): letters (`Lo`) without case, which `unicode61` keeps unchanged.
fn plain_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4db5}' | '\u{4e00}'..='\u{9fa5}')
}

// SAFETY: an instance of FTS5's built-in tokenizers keeps only its own buffers and settings,
// nothing of the connection it was found through; it is used by one thread at a time (`&mut`).
unsafe impl Send for Tokenizer {}

impl Tokenizer {
    /// The tokenizer `name` (e.g. `unicode61`) with `args`, as `conn`'s FTS5 has it.
    pub fn new(conn: &Connection, name: &str, args: &[&str]) -> rusqlite::Result<Tokenizer> {
        let bad = |what: &str| ffi_error(ffi::SQLITE_MISUSE, what);
        let cname = CString::new(name).map_err(|_| bad("a tokenizer name holds a NUL byte"))?;
        let cargs: Vec<CString> = args
            .iter()
            .map(|a| CString::new(*a))
            .collect::<Result<_, _>>()
            .map_err(|_| bad("a tokenizer argument holds a NUL byte"))?;
        let mut argv: Vec<*const c_char> = cargs.iter().map(|a| a.as_ptr()).collect();
        // SAFETY: the handle is this open connection's, used by this thread only for the call.
        let api = unsafe { fts5_api(conn.handle()) }?;
        let mut user: *mut c_void = ptr::null_mut();
        // SAFETY: a zeroed `fts5_tokenizer` is three null function pointers, which FTS5 fills.
        let mut module: ffi::fts5_tokenizer = unsafe { std::mem::zeroed() };
        // SAFETY: `api` is the connection's non-null `fts5_api`; the name is NUL-terminated and
        // outlives the call; FTS5 writes the module and its user data through the pointers.
        let rc = unsafe {
            match (*api).xFindTokenizer {
                Some(find) => find(api, cname.as_ptr(), &mut user, &mut module),
                None => ffi::SQLITE_ERROR,
            }
        };
        if rc != ffi::SQLITE_OK {
            return Err(ffi_error(rc, &format!("FTS5 has no tokenizer {name}")));
        }
        let create = module.xCreate.ok_or_else(|| bad("FTS5's tokenizer has no xCreate"))?;
        if module.xTokenize.is_none() {
            return Err(bad("FTS5's tokenizer has no xTokenize"));
        }
        let mut instance: *mut ffi::Fts5Tokenizer = ptr::null_mut();
        // SAFETY: `user` is what FTS5 gave with the module; `argv` holds `args.len()` pointers
        // to NUL-terminated strings that outlive the call (the tokenizer copies what it keeps).
        let rc = unsafe { create(user, argv.as_mut_ptr(), argv.len() as c_int, &mut instance) };
        if rc != ffi::SQLITE_OK || instance.is_null() {
            return Err(ffi_error(rc, &format!("FTS5's tokenizer {name} refused the arguments {args:?}")));
        }
        let ideographs_as_they_are =
            name == "unicode61" && args.chunks(2).all(|kv| kv.len() == 2 && kv[0] == "remove_diacritics");
        Ok(Tokenizer { module, instance, ideographs_as_they_are })
    }

    /// Calls `each(token, colocated)` for every token of `text`, in order, as FTS5 tokenizes a
    /// document (`colocated`: the token shares the previous token's position).
    ///
    /// With `unicode61` (no argument but `remove_diacritics`) the text is taken a piece between
    /// spaces at a time, since a space always ends a token: a piece of plain ideographs (the
    /// index's CJK bigrams and characters, most of what it holds) is the one token the
    /// tokenizer would make of it, and is handed over without calling the tokenizer; any other
    /// piece goes through it. The same tokens either way (the tests compare them).
    pub fn tokenize(&mut self, text: &str, mut each: impl FnMut(&[u8], bool)) -> rusqlite::Result<()> {
        if !self.ideographs_as_they_are {
            return self.call(text, &mut each);
        }
        for piece in text.split(' ').filter(|p| !p.is_empty()) {
            if piece.chars().all(plain_ideograph) {
                each(piece.as_bytes(), false);
            } else {
                self.call(piece, &mut each)?;
            }
        }
        Ok(())
    }

    /// [`Tokenizer::tokenize`] through the tokenizer alone.
    pub fn call(&mut self, text: &str, mut each: impl FnMut(&[u8], bool)) -> rusqlite::Result<()> {
        let n = c_int::try_from(text.len()).map_err(|_| ffi_error(ffi::SQLITE_TOOBIG, "a text of 2 GiB or more"))?;
        let mut sink: &mut dyn FnMut(&[u8], bool) = &mut each;
        let Some(tokenize) = self.module.xTokenize else { unreachable!("checked in Tokenizer::new") };
        // SAFETY: `instance` came from this module's xCreate and is not deleted before `self`
        // drops; `text` outlives the call; the context is a pointer to `sink`, which outlives the
        // call and is read back as the same type in `token`.
        let rc = unsafe {
            tokenize(
                self.instance,
                (&raw mut sink).cast::<c_void>(),
                ffi::FTS5_TOKENIZE_DOCUMENT,
                text.as_ptr().cast::<c_char>(),
                n,
                Some(token),
            )
        };
        if rc == ffi::SQLITE_OK { Ok(()) } else { Err(ffi_error(rc, "FTS5's tokenizer failed")) }
    }
}

/// The tokenizer's callback: hands the token to the closure behind `ctx`. It must not unwind
/// into C: the closures given only push to vectors.
unsafe extern "C" fn token(
    ctx: *mut c_void,
    flags: c_int,
    token: *const c_char,
    n: c_int,
    _start: c_int,
    _end: c_int,
) -> c_int {
    // SAFETY: `ctx` is the `&mut dyn FnMut` that `Tokenizer::tokenize` passed, alive for the
    // call; `token` points to `n` bytes the tokenizer owns until it returns.
    unsafe {
        let each = &mut *ctx.cast::<&mut dyn FnMut(&[u8], bool)>();
        let bytes =
            if n > 0 && !token.is_null() { std::slice::from_raw_parts(token.cast::<u8>(), n as usize) } else { &[] };
        each(bytes, flags & ffi::FTS5_TOKEN_COLOCATED != 0);
    }
    ffi::SQLITE_OK
}

impl Drop for Tokenizer {
    fn drop(&mut self) {
        if let Some(delete) = self.module.xDelete {
            // SAFETY: `instance` came from this module's xCreate and is deleted once, here.
            unsafe { delete(self.instance) }
        }
    }
}
