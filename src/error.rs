//! Input errors that name the field and the reason.
//!
//! Every refusal of user input (a scenario file, a URL, a data file) is an
//! [`InputError`]: a JSON-pointer-like path such as `alliances[0].members[2]` and a
//! sentence saying what is wrong. Nothing in the model panics on bad input.
//!
//! Beside the English sentence, an error carries a stable machine `code` (one of
//! [`CODES`]) and the values its sentence quotes (`params`), so that the page says it in
//! the reader's language (`www/strings.js`, `err.<code>`) while the command line keeps
//! the English. An error made with [`InputError::new`] has no code; the page then shows
//! its English reason.

use std::fmt;

/// One problem with an input, located by its field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// Where: `export_controls[1].kind.approval_share`; empty for the whole document.
    pub path: String,
    /// Why, in plain words (English).
    pub reason: String,
    /// What kind of problem, for translations: one of [`CODES`], or empty.
    pub code: &'static str,
    /// The values the reason quotes, by name (`min`, `max`, `value`…).
    pub params: Vec<(&'static str, String)>,
}

/// Every error code, with the parameters its message places. The page's strings have
/// `err.<code>` in every language but English, with only these placeholders (tested
/// below, reading www/strings/es.js).
pub const CODES: &[(&str, &[&str])] = &[
    ("too_large", &["kb", "max"]),
    ("syntax", &["line", "column"]),
    ("unknown_field", &["name"]),
    ("missing_field", &["name"]),
    ("duplicate_field", &["name"]),
    ("invalid_type", &[]),
    ("unknown_variant", &["value"]),
    ("not_finite", &["value"]),
    ("out_of_range", &["min", "max", "value"]),
    ("input_range", &["min", "max", "unit", "value"]),
    ("unknown_input", &[]),
    ("too_many", &["max", "n"]),
    ("too_long", &["max", "n"]),
    ("empty", &[]),
    ("id_is_region", &["id"]),
    ("duplicate_id", &["id"]),
    ("unknown_region", &["value"]),
    ("unknown_group", &["value"]),
    ("unknown_element", &["value"]),
    ("unknown_data_set", &["value", "list"]),
    ("no_products", &[]),
    ("end_before_start", &["start", "end"]),
    ("version", &["want", "got"]),
    ("start_year", &["base"]),
    ("steps_per_year", &["got"]),
    ("more_problems", &["n"]),
    ("shares_over_one", &["sum"]),
    ("duplicate_holder", &["id"]),
];

impl InputError {
    /// An error without a code (the page shows the English reason).
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        InputError {
            path: path.into(),
            reason: reason.into(),
            code: "",
            params: Vec::new(),
        }
    }

    /// An error with a code of [`CODES`] and the values its reason quotes.
    pub fn coded(
        path: impl Into<String>,
        code: &'static str,
        params: &[(&'static str, &dyn fmt::Display)],
        reason: impl Into<String>,
    ) -> Self {
        debug_assert!(CODES.iter().any(|(c, _)| *c == code), "unknown code {code}");
        InputError {
            path: path.into(),
            reason: reason.into(),
            code,
            params: params.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.reason)
        } else {
            write!(f, "{}: {}", self.path, self.reason)
        }
    }
}

impl std::error::Error for InputError {}

/// Several problems at once, so a user can fix a file in one go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputErrors(pub Vec<InputError>);

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

impl From<InputError> for InputErrors {
    fn from(e: InputError) -> Self {
        InputErrors(vec![e])
    }
}

/// Parse JSON into `T`, reporting the failing field path (serde_path_to_error) and,
/// for syntax errors, the line and column.
pub fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, InputError> {
    // In wasm the path comes from the error's position (see `path_at`): the same path
    // for every data error (tested natively), at a fraction of the code.
    #[cfg(target_arch = "wasm32")]
    let parsed = serde_json::from_str(text).map_err(|inner| {
        let path = path_at(text, inner.line(), inner.column());
        (path, inner)
    });
    #[cfg(not(target_arch = "wasm32"))]
    let parsed = {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            (path, e.into_inner())
        })
    };
    parsed.map_err(|(path, inner)| {
        let (line, column) = (inner.line(), inner.column());
        let reason = if inner.is_syntax() || inner.is_eof() {
            format!("not valid JSON ({inner})")
        } else {
            inner.to_string()
        };
        let mut err = InputError::new(cut(&path, 200), cut_quoted(&reason));
        if inner.is_syntax() || inner.is_eof() {
            err.code = "syntax";
            err.params = vec![("line", line.to_string()), ("column", column.to_string())];
        } else {
            classify_serde(&mut err);
        }
        err
    })
}

/// The code and parameter of serde's data errors, read from its (stable) wording:
/// "unknown field `x`, expected …", "missing field `x`", "invalid type: …",
/// "unknown variant `x`, …". Others keep no code (the page shows the English).
fn classify_serde(err: &mut InputError) {
    let r = &err.reason;
    let quoted = r
        .find('`')
        .map(|a| &r[a + 1..])
        .and_then(|q| q.find('`').map(|b| q[..b].to_string()))
        .unwrap_or_default();
    let code = [
        ("unknown field", "unknown_field"),
        ("missing field", "missing_field"),
        ("duplicate field", "duplicate_field"),
        ("unknown variant", "unknown_variant"),
        ("invalid type", "invalid_type"),
        ("invalid value", "invalid_type"),
    ]
    .iter()
    .find(|(start, _)| r.starts_with(start))
    .map(|(_, code)| *code);
    if let Some(code) = code {
        err.code = code;
        if code != "invalid_type" {
            let name = if code == "unknown_variant" {
                "value"
            } else {
                "name"
            };
            err.params = vec![(name, quoted)];
        }
    }
}

/// At most `max` characters of `s`, with "…" where it was cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// serde quotes the offending key or value between backticks, whole: a hostile
/// 200 KB key would make a 200 KB message. Quoted parts are cut to 40 characters.
fn cut_quoted(reason: &str) -> String {
    let parts: Vec<String> = reason
        .split('`')
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                cut(p, 40)
            } else {
                p.to_string()
            }
        })
        .collect();
    cut(&parts.join("`"), 600)
}

/// Check that a number is finite and within `[lo, hi]`.
pub fn check_range(path: &str, value: f64, lo: f64, hi: f64, errors: &mut Vec<InputError>) {
    if !value.is_finite() {
        errors.push(InputError::coded(
            path,
            "not_finite",
            &[("value", &value)],
            format!("must be a finite number, got {value}"),
        ));
    } else if value < lo || value > hi {
        errors.push(InputError::coded(
            path,
            "out_of_range",
            &[("min", &lo), ("max", &hi), ("value", &value)],
            format!("must be between {lo} and {hi}, got {value}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_a_code_and_the_values_their_reason_quotes() {
        let mut errs = Vec::new();
        check_range("a.b", 1.5, 0.0, 1.0, &mut errs);
        assert_eq!(errs[0].to_string(), "a.b: must be between 0 and 1, got 1.5");
        assert_eq!(errs[0].code, "out_of_range");
        let p: Vec<(&str, &str)> = errs[0]
            .params
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        assert_eq!(p, [("min", "0"), ("max", "1"), ("value", "1.5")]);
        let e = from_json::<crate::scenario::Scenario>(r#"{"alliancez": []}"#).unwrap_err();
        assert_eq!(
            (e.code, e.params[0].1.as_str()),
            ("unknown_field", "alliancez")
        );
        let e = from_json::<crate::scenario::Scenario>(r#"{"end_year": "x"}"#).unwrap_err();
        assert_eq!((e.path.as_str(), e.code), ("end_year", "invalid_type"));
        let e = from_json::<crate::scenario::Scenario>("{").unwrap_err();
        assert_eq!(e.code, "syntax");
    }

    #[test]
    fn every_code_has_a_translation_with_only_its_parameters() {
        // The Spanish messages (www/strings/es.js; the static page's are in es-page.js).
        let es = include_str!("../www/strings/es.js");
        for (code, params) in CODES {
            let key = format!("\"err.{code}\": \"");
            let at = es
                .find(&key)
                .unwrap_or_else(|| panic!("www/strings/es.js has no err.{code}"));
            let text = es[at + key.len()..].split("\",\n").next().unwrap();
            for hole in text
                .split('{')
                .skip(1)
                .map(|h| h.split('}').next().unwrap())
            {
                assert!(
                    params.contains(&hole),
                    "err.{code}: {{{hole}}} is not one of {params:?}"
                );
            }
        }
    }

    #[test]
    fn hostile_keys_do_not_make_hostile_messages() {
        let key = "k".repeat(100_000);
        let e = super::from_json::<std::collections::BTreeMap<String, Vec<u8>>>(&format!(
            r#"{{"{key}": "x"}}"#
        ))
        .unwrap_err();
        assert!(e.path.chars().count() <= 201, "{}", e.path.len());
        assert!(e.reason.contains("invalid type"), "{}", e.reason);
        assert!(e.to_string().len() < 1000, "{}", e.to_string().len());
    }
}

/// The field path (`shocks[0].share`) of the value a JSON parser stopped at, line and
/// column as serde_json reports them (1-based; the column of the last character read).
/// The wasm build names the path of a type error this way instead of tracking it while
/// parsing (serde_path_to_error), which cost about 30 KB of the page gzipped; natively
/// both are used and a test checks they agree.
pub fn path_at(text: &str, line: usize, column: usize) -> String {
    enum Frame {
        Obj(Option<String>),
        Arr(usize),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let (mut l, mut c) = (1usize, 0usize);
    let mut chars = text.chars().peekable();
    // Inside an object, a string read where a key is expected is the key.
    let mut expect_key = false;
    let done = |l: usize, c: usize| l > line || (l == line && c >= column);
    while let Some(ch) = chars.next() {
        if ch == '\n' {
            l += 1;
            c = 0;
        } else {
            c += 1;
        }
        match ch {
            '{' => {
                stack.push(Frame::Obj(None));
                expect_key = true;
            }
            '[' => {
                stack.push(Frame::Arr(0));
                expect_key = false;
            }
            '}' | ']' => {
                if done(l, c) {
                    // Stopped at the end of an object (a missing field, an internally
                    // tagged enum read whole): the path is the object's.
                    if let (true, Some(Frame::Obj(k))) = (ch == '}', stack.last_mut()) {
                        *k = None;
                    }
                    break;
                }
                stack.pop();
                expect_key = false;
            }
            ',' => match stack.last_mut() {
                Some(Frame::Arr(i)) => *i += 1,
                Some(Frame::Obj(_)) => expect_key = true,
                None => {}
            },
            '"' => {
                let mut s = String::new();
                let mut escaped = false;
                for x in chars.by_ref() {
                    if x == '\n' {
                        l += 1;
                        c = 0;
                    } else {
                        c += 1;
                    }
                    if escaped {
                        s.push(x);
                        escaped = false;
                    } else if x == '\\' {
                        escaped = true;
                    } else if x == '"' {
                        break;
                    } else {
                        s.push(x);
                    }
                }
                if expect_key {
                    if let Some(Frame::Obj(k)) = stack.last_mut() {
                        *k = Some(s);
                    }
                    expect_key = false;
                }
            }
            _ => {}
        }
        if done(l, c) {
            break;
        }
    }
    let mut path = String::new();
    for f in &stack {
        match f {
            Frame::Obj(Some(k)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Obj(None) => {}
            Frame::Arr(i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

#[cfg(test)]
mod path_at_tests {
    use super::*;

    /// The path found from the position agrees with serde_path_to_error's on every
    /// kind of data error a scenario file can have.
    #[test]
    fn path_at_the_error_position_agrees_with_path_tracking() {
        let cases = [
            r#"{"shocks":[{"region":"MM","stage":"mining","share":"half","start":2026,"end":2027}]}"#,
            r#"{"alliances":[{"id":"a","name":"A","members":["US"]},{"id":"b","name":"B","members":[1]}]}"#,
            r#"{"export_controls":[{"exporter":"CN","products":["oxide"],"measure":{"type":"licensing","approval_share":"x","delay_days":1},"start":2026}]}"#,
            r#"{"export_controls":[{"exporter":"CN","products":["oxide"],"measure":{"type":"nope"},"start":2026}]}"#,
            r#"{"tariffs":[{"importer":"US","exporter":"CN","products":["steel"],"rate":0.1,"start":2026}]}"#,
            r#"{"assumptions":{"demand_growth_scale":"big"}}"#,
            r#"{"assumptions":{"warp":1}}"#,
            r#"{"bogus":1}"#,
            r#"{"shocks":[{"region":"MM","stage":"mining","share":0.5,"start":2026}]}"#,
            r#"{"end_year":"2050"}"#,
            "{\n  \"stockpiles\": [\n    {\"holder\": \"US\", \"target_days\": \"sixty\", \"fill_years\": 2, \"start\": 2026}\n  ]\n}",
            r#"{"investments":[{"host":"AU","stage":"mining","capacity_tpy":5,"start":2026,"financiers":[{"id":"US","offtake_share":true}]}]}"#,
            r#"{"research":[{"funders":["EU"],"intensity_cut":{"Dy":"half"},"start":2026,"years":5}]}"#,
            r#"{"alliances":[{"id":"a","name":"A","members":["US"],"extra":{"x":[1,2]}}]}"#,
        ];
        for text in cases {
            let de = &mut serde_json::Deserializer::from_str(text);
            let e = serde_path_to_error::deserialize::<_, crate::scenario::Scenario>(de)
                .expect_err(text);
            let tracked = e.path().to_string();
            let tracked = if tracked == "." {
                String::new()
            } else {
                tracked
            };
            let inner = e.into_inner();
            assert_eq!(
                path_at(text, inner.line(), inner.column()),
                tracked,
                "{text}: {inner}"
            );
        }
    }
}
