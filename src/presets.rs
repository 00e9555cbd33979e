//! Presets: the article's case studies as ready scenarios.
//!
//! Each preset is a scenario JSON file in `presets/`, compiled in, with a name and a
//! description of two or three sentences saying what it shows and which settings make
//! it, and a question for a class.

use crate::data::Dataset;
use crate::error::{InputError, InputErrors};
use crate::scenario::Scenario;

// The files in presets/ as written (the CLI prints them); the wasm carries copies
// without the whitespace outside strings (build.rs), the same JSON.
#[cfg(not(target_arch = "wasm32"))]
macro_rules! preset_text {
    ($id:literal) => {
        include_str!(concat!("../presets/", $id, ".json"))
    };
}
#[cfg(target_arch = "wasm32")]
macro_rules! preset_text {
    ($id:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/presets/", $id, ".json"))
    };
}

/// Presets: id and JSON text.
pub const PRESETS: &[(&str, &str)] = &[
    ("status-quo", preset_text!("status-quo")),
    ("licensing-regime", preset_text!("licensing-regime")),
    ("fragmentation", preset_text!("fragmentation")),
    ("replay-2010", preset_text!("replay-2010")),
    (
        "us-led-diversification",
        preset_text!("us-led-diversification"),
    ),
    ("resource-diplomacy", preset_text!("resource-diplomacy")),
    ("allied-integration", preset_text!("allied-integration")),
    ("tech-breakthrough", preset_text!("tech-breakthrough")),
    ("history-2025-26", preset_text!("history-2025-26")),
];

/// Ids of the built presets.
pub fn ids() -> impl Iterator<Item = &'static str> {
    PRESETS.iter().map(|(id, _)| *id)
}

/// The JSON text of a preset.
pub fn json(id: &str) -> Result<&'static str, InputError> {
    if let Some((_, text)) = PRESETS.iter().find(|(k, _)| *k == id) {
        return Ok(text);
    }
    Err(InputError::new(
        "preset",
        format!(
            "unknown preset {id:?}; known: {}",
            ids().collect::<Vec<_>>().join(", ")
        ),
    ))
}

/// A preset parsed and validated.
pub fn load(id: &str, data: &Dataset) -> Result<Scenario, InputErrors> {
    let text = json(id)?;
    Scenario::from_json(text, data).map_err(|e| {
        InputErrors(
            e.0.into_iter()
                .map(|x| InputError::new(format!("preset {id}: {}", x.path), x.reason))
                .collect(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_validates_and_describes_itself() {
        for id in ids() {
            let s = load(id, Dataset::default_data()).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert!(!s.name.is_empty(), "{id} has a name");
            let sentences = s.description.matches(". ").count() + 1;
            assert!(
                (2..=4).contains(&sentences),
                "{id}: two or three sentences, got {sentences}"
            );
        }
    }

    #[test]
    fn unknown_presets_say_why_and_every_preset_asks_a_question() {
        assert!(json("nope").unwrap_err().reason.contains("unknown preset"));
        for id in ids() {
            let s = load(id, Dataset::default_data()).unwrap();
            assert!(s.question.ends_with('?'), "{id} asks a question");
        }
    }
}
