//! Compact copies of the data files for `include_str!` (src/data.rs): the page's wasm
//! carries them, and their indentation cost about 1 KB of the one-file page gzipped.
//! Whitespace outside strings is dropped and nothing else changes (same keys, same order,
//! same numbers as written); the files in data/ stay as people read and edit them.

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

fn main() {
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    for name in ["default.json", "world-2009.json"] {
        let src = format!("data/{name}");
        println!("cargo:rerun-if-changed={src}");
        let text = std::fs::read_to_string(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
        std::fs::write(out.join(name), compact(&text)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
