//! Compact copies of the data files for `include_str!` (src/data.rs), and for the wasm
//! of the presets (src/presets.rs): the page's wasm carries them, and their indentation
//! cost about 1.3 KB of the one-file page gzipped.
//! Whitespace outside strings is dropped and nothing else changes (same keys, same order,
//! same numbers as written); the files in data/ stay as people read and edit them. For
//! the wasm build, each number's source text is cut to its key (see `sources_to_keys`).

/// Where a scan of JSON text is: inside a string or not, escapes followed.
#[derive(Default)]
struct Strings {
    inside: bool,
    escaped: bool,
}

impl Strings {
    /// Feed one character; true when it belongs to a string (its quotes included).
    fn step(&mut self, c: char) -> bool {
        if self.inside {
            if self.escaped {
                self.escaped = false;
            } else if c == '\\' {
                self.escaped = true;
            } else if c == '"' {
                self.inside = false;
            }
            true
        } else {
            self.inside = c == '"';
            self.inside
        }
    }
}

fn compact(text: &str) -> String {
    let mut strings = Strings::default();
    text.chars()
        .filter(|c| strings.step(*c) || !c.is_whitespace())
        .collect()
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
        let mut strings = Strings {
            inside: true,
            escaped: false,
        };
        let end = rest
            .char_indices()
            .find(|(_, c)| {
                strings.step(*c);
                !strings.inside
            })
            .map_or(0, |(i, _)| i);
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

/// The top-level `(key, value)` pairs of a compact JSON object, as text.
fn sections(text: &str) -> Vec<(String, String)> {
    let body = text
        .trim()
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .expect("a data set is a JSON object");
    let (mut out, mut start, mut depth) = (Vec::new(), 0, 0i32);
    let mut strings = Strings::default();
    let mut push = |part: &str| {
        let colon = part.find("\":").expect("key: value") + 1;
        out.push((part[..colon].to_string(), part[colon + 1..].to_string()));
    };
    for (i, c) in body.char_indices() {
        if strings.step(c) {
            continue;
        }
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            ',' if depth == 0 => {
                push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < body.len() {
        push(&body[start..]);
    }
    out
}

/// The data sets as one JSON array of their top-level sections side by side,
/// `[[key, mask, value of each set whose bit is in mask…], …]`: gzip (a 32 KB window)
/// then finds each section of `world-2009` next to the same section of `default`, which
/// it mostly repeats; stored one after the other the second set compresses as if new.
/// 3.8 KB less of the page gzipped. Read back by `data_de::from_interleaved`.
///
/// For the wasm, only the first set (`default`) keeps its `sources` table: the page
/// lists that one (`sourceList`) and no other, and `world-2009`'s cost 2.6 KB gzipped.
fn interleave(sets: &[String], wasm: bool) -> String {
    let all: Vec<Vec<(String, String)>> = sets.iter().map(|s| sections(s)).collect();
    let mut keys: Vec<&String> = Vec::new();
    for (k, _) in all.iter().flatten() {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let rows: Vec<String> = keys
        .iter()
        .map(|k| {
            let mut mask = 0;
            let mut values = String::new();
            for (i, set) in all.iter().enumerate() {
                if let Some((_, v)) = set.iter().find(|(key, _)| key == *k) {
                    mask |= 1 << i;
                    values.push(',');
                    let unlisted = wasm && i > 0 && k.as_str() == "\"sources\"";
                    values.push_str(if unlisted { "{}" } else { v });
                }
            }
            format!("[{k},{mask}{values}]")
        })
        .collect();
    format!("[{}]", rows.join(","))
}

fn main() {
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let wasm = std::env::var("TARGET").is_ok_and(|t| t.starts_with("wasm32"));
    let mut sets = Vec::new();
    for name in ["default.json", "world-2009.json"] {
        let src = format!("data/{name}");
        println!("cargo:rerun-if-changed={src}");
        let text = std::fs::read_to_string(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let mut text = compact(&text);
        if wasm {
            text = sources_to_keys(&text);
        }
        std::fs::write(out.join(name), &text).unwrap_or_else(|e| panic!("{name}: {e}"));
        sets.push(text);
    }
    std::fs::write(out.join("data-sets.json"), interleave(&sets, wasm)).expect("data-sets.json");
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
