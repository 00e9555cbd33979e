//! Compact copies of the data files for `include_str!` (src/data.rs), and for the wasm
//! of the presets (src/presets.rs): the page's wasm carries them, and their indentation
//! cost about 1.3 KB of the one-file page gzipped.
//! Whitespace outside strings is dropped and nothing else changes (same keys, same order,
//! same numbers as written); the files in data/ stay as people read and edit them. For
//! the wasm build, each number's source text is cut to its key (see `sources_to_keys`).

fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// For the wasm build only: each number's `"source"` text, and the other explanations
/// (`"mix_source"`, `"regions_source"`, `"growth_source"`, `"recipe_source"`, …: every
/// key ending in `source`), cut to its leading key (`USGS_MCS2026`, `ASSUMPTION`, …).
/// The page lists the `sources` table, never a number's own explanation, and the full
/// texts cost about 13 KB of the one-file page gzipped; natively (the CLI, the tests
/// that check every source) the data is whole.
fn sources_to_keys(text: &str) -> String {
    const KEY: &str = "source\":\"";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(k) = rest.find(KEY) {
        out.push_str(&rest[..k + KEY.len()]);
        let is_key = k > 0 && matches!(rest.as_bytes()[k - 1], b'"' | b'_');
        rest = &rest[k + KEY.len()..];
        if !is_key {
            continue;
        }
        // The string's end (escapes skipped).
        let (mut end, mut escaped) = (0, false);
        for (i, c) in rest.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                end = i;
                break;
            }
        }
        let value = &rest[..end];
        let cut = value
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(value.len());
        out.push_str(&value[..cut.max(1).min(value.len())]);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn main() {
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let wasm = std::env::var("TARGET").is_ok_and(|t| t.starts_with("wasm32"));
    for name in ["default.json", "world-2009.json"] {
        let src = format!("data/{name}");
        println!("cargo:rerun-if-changed={src}");
        let text = std::fs::read_to_string(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let mut text = compact(&text);
        if wasm {
            text = sources_to_keys(&text);
        }
        std::fs::write(out.join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // The presets, for the wasm only (src/presets.rs): whitespace outside strings dropped.
    println!("cargo:rerun-if-changed=presets");
    std::fs::create_dir_all(out.join("presets")).expect("OUT_DIR/presets");
    for entry in std::fs::read_dir("presets")
        .expect("presets/")
        .filter(|_| wasm)
    {
        let path = entry.expect("presets/").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            let text = compact(&text);
            std::fs::write(
                out.join("presets").join(path.file_name().expect("name")),
                text,
            )
            .unwrap_or_else(|e| panic!("{path:?}: {e}"));
        }
    }
}
