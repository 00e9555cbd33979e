//! Presets: the article's case studies as ready scenarios.
//!
//! Each preset is a scenario JSON file in `presets/`, compiled in, with a name and a
//! description of two or three sentences saying what it shows and which settings make
//! it, and a question for a class.

use crate::data::Dataset;
use crate::error::{InputError, InputErrors};
use crate::scenario::Scenario;

/// Presets: id and JSON text.
pub const PRESETS: &[(&str, &str)] = &[
    ("status-quo", include_str!("../presets/status-quo.json")),
    (
        "licensing-regime",
        include_str!("../presets/licensing-regime.json"),
    ),
    (
        "fragmentation",
        include_str!("../presets/fragmentation.json"),
    ),
    ("replay-2010", include_str!("../presets/replay-2010.json")),
    (
        "us-led-diversification",
        include_str!("../presets/us-led-diversification.json"),
    ),
    (
        "resource-diplomacy",
        include_str!("../presets/resource-diplomacy.json"),
    ),
    (
        "allied-integration",
        include_str!("../presets/allied-integration.json"),
    ),
    (
        "tech-breakthrough",
        include_str!("../presets/tech-breakthrough.json"),
    ),
    (
        "history-2025-26",
        include_str!("../presets/history-2025-26.json"),
    ),
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
