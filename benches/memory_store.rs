//! Builds a store for the memory measurement (`scripts/memory`, issue 20): the demo content plus
//! `BENCH_DOCS` generated documents (`benches/common/corpus.rs`, default 100,000), applied as the
//! soak does, into the data directory `BENCH_STORE` (which must not exist yet). Not a timing
//! benchmark: it prints how long the build took and leaves the store for the kiosk to open.
//!
//!   BENCH_STORE=/tmp/store-100k cargo bench --bench memory_store

#[path = "common/corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};
use std::time::Instant;

use gongkai_kiosk::store::Store;

fn main() {
    let n: usize = std::env::var("BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let Some(data) = std::env::var_os("BENCH_STORE").map(PathBuf::from) else {
        eprintln!("memory_store: set BENCH_STORE to the data directory to create (it must not exist yet)");
        std::process::exit(2);
    };
    if data.exists() {
        eprintln!("memory_store: {} exists already; give a new directory", data.display());
        std::process::exit(2);
    }
    let t = Instant::now();
    let mut set = gongkai_kiosk::content::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-content"))
        .expect("the demo content loads");
    set.documents.extend(corpus::corpus(n));
    let count = set.documents.len();
    let mut store = Store::open(&data).expect("the store opens");
    store.apply(&set, "memory").expect("the content applies");
    println!("memory_store: {count} documents in {} built in {:.0} s", data.display(), t.elapsed().as_secs_f64());
}
