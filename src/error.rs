//! Input errors that name the field and the reason.
//!
//! Every refusal of user input (a scenario file, a URL, a data file) is an
//! [`InputError`]: a JSON-pointer-like path such as `alliances[0].members[2]` and a
//! sentence saying what is wrong. Nothing in the model panics on bad input.

use std::fmt;

/// One problem with an input, located by its field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// Where: `export_controls[1].kind.approval_share`; empty for the whole document.
    pub path: String,
    /// Why, in plain words.
    pub reason: String,
}

impl InputError {
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        InputError {
            path: path.into(),
            reason: reason.into(),
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
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let path = if path == "." { String::new() } else { path };
        let reason = if inner.is_syntax() || inner.is_eof() {
            format!("not valid JSON ({inner})")
        } else {
            inner.to_string()
        };
        InputError::new(cut(&path, 200), cut_quoted(&reason))
    })
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
        errors.push(InputError::new(
            path,
            format!("must be a finite number, got {value}"),
        ));
    } else if value < lo || value > hi {
        errors.push(InputError::new(
            path,
            format!("must be between {lo} and {hi}, got {value}"),
        ));
    }
}

#[cfg(test)]
mod tests {
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
