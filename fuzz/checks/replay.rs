//! Replays a fuzz target's inputs as an ordinary test: its seed corpus (`fuzz/corpus/<target>/`)
//! and every crash the fuzzer ever found for it (`fuzz/regressions/<target>/`). Included by
//! `bot/tests/fuzz_corpus.rs` and `domain/tests/fuzz_corpus.rs`.
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// The fuzz folder, beside the crate whose tests include this file.
fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files of `dir`, sorted; names starting with a dot (`.gitkeep`) are not inputs.
fn files(dir: &Path) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => panic!("{}: {e}", dir.display()),
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| match e {
            Ok(e) => e.path(),
            Err(e) => panic!("{}: {e}", dir.display()),
        })
        .filter(|p| p.is_file())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    files
}

/// Runs `check` on every input of `target`; fails naming each input that panicked, and fails
/// when the corpus is missing or empty or the regressions folder is missing, so a moved folder
/// cannot make this test pass by checking nothing.
pub fn replay(target: &str, check: fn(&[u8])) {
    let corpus = files(&fuzz_dir().join("corpus").join(target));
    assert!(!corpus.is_empty(), "fuzz/corpus/{target}/ has no inputs");
    let regressions = files(&fuzz_dir().join("regressions").join(target));
    let mut failed = Vec::new();
    let mut ran = 0;
    for path in corpus.iter().chain(&regressions) {
        let data = match std::fs::read(path) {
            Ok(data) => data,
            Err(e) => panic!("{}: {e}", path.display()),
        };
        ran += 1;
        if catch_unwind(AssertUnwindSafe(|| check(&data))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{target}: inputs that fail:\n{}",
        failed.join("\n")
    );
    eprintln!("{target}: {ran} inputs ({} regressions)", regressions.len());
}
