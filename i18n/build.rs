//! Lists every `locales/<lang>/*.ftl` file so `keys()` sees exactly what the loader loads,
//! and so adding or removing a file rebuilds the crate (the loader macro alone would not notice).
use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::{env, fs};

fn main() -> Result<(), Box<dyn Error>> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let locales = manifest.join("..").join("locales");
    println!("cargo:rerun-if-changed={}", locales.display());

    let mut files = Vec::new();
    for lang in fs::read_dir(&locales)? {
        let lang = lang?;
        if !lang.file_type()?.is_dir() {
            continue;
        }
        let lang_name = lang.file_name().to_string_lossy().into_owned();
        for file in fs::read_dir(lang.path())? {
            let path = file?.path();
            if path.extension().is_some_and(|e| e == "ftl") {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                files.push((lang_name.clone(), name.unwrap_or_default(), path));
            }
        }
    }
    files.sort();

    let mut out = String::from("pub(crate) const SOURCES: &[(&str, &str, &str)] = &[\n");
    for (lang, name, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let path = path.canonicalize()?;
        let path = path.to_str().ok_or("non-UTF-8 path under locales/")?;
        writeln!(out, "    ({lang:?}, {name:?}, include_str!({path:?})),")?;
    }
    out.push_str("];\n");
    fs::write(PathBuf::from(env::var("OUT_DIR")?).join("sources.rs"), out)?;
    Ok(())
}
