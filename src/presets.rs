//! Presets: the article's case studies as ready scenarios.
//!
//! Each preset is a scenario JSON file in `presets/`, compiled in, with a name and a
//! description of two or three sentences saying what it shows and which settings make
//! it. Presets whose mechanisms are not built yet are listed in [`PLANNED`] and refused
//! with a message that says so, rather than faked.

use crate::data::Dataset;
use crate::error::{InputError, InputErrors};
use crate::scenario::Scenario;

/// Built presets: id and JSON text.
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
];

/// Preset ids that need mechanisms of a later model stage (investment, stockpiles,
/// recycling, substitution).
pub const PLANNED: &[&str] = &[
    "us-led-diversification",
    "resource-diplomacy",
    "allied-integration",
    "tech-breakthrough",
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
    if PLANNED.contains(&id) {
        return Err(InputError::new("preset", format!("{id:?} needs model mechanisms that are not built yet (allied investment, stockpiles, recycling, substitution)")));
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
    fn planned_and_unknown_presets_say_why() {
        assert!(json("tech-breakthrough")
            .unwrap_err()
            .reason
            .contains("not built yet"));
        assert!(json("nope").unwrap_err().reason.contains("unknown preset"));
    }
}
