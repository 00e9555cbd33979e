//! "Why did this change?": which inputs move one result most.
//!
//! For a chosen line (a region's availability of an element or group in a year), every
//! input of the spec that applies to the scenario is nudged down and up by a tenth of
//! its range, the model is re-run, and the inputs are ranked by how far the result
//! moves. Twelve runs of a few milliseconds: fast enough to answer while a reader waits.

use crate::data::Dataset;
use crate::error::InputErrors;
use crate::inputs::{apply, INPUTS};
use crate::model::run_into;
use crate::output::RunOutput;
use crate::scenario::Scenario;

/// The effect of one input on the chosen result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Effect {
    pub id: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    /// The input's value in the scenario, and the nudged values.
    pub value: f64,
    pub value_low: f64,
    pub value_high: f64,
    /// The result at the nudged values.
    pub result_low: f64,
    pub result_high: f64,
}

impl Effect {
    /// How far the result moves across the nudge.
    pub fn swing(&self) -> f64 {
        (self.result_high - self.result_low).abs()
    }
}

/// Mean availability over the steps of `year` for region index `r` and `elements`.
pub fn availability_in_year(out: &RunOutput, r: usize, elements: &[usize], year: f64) -> f64 {
    let a = out.availability_of(r, elements);
    let steps: Vec<usize> = (0..out.n_steps())
        .filter(|k| out.time[*k] >= year - 1e-9 && out.time[*k] < year + 1.0 - 1e-9)
        .collect();
    if steps.is_empty() {
        return a.last().copied().unwrap_or(1.0);
    }
    steps.iter().map(|k| a[*k]).sum::<f64>() / steps.len() as f64
}

/// The base result and every applicable input's effect, largest swing first.
pub fn explain(
    data: &Dataset,
    sc: &Scenario,
    region: &str,
    elements: &[usize],
    year: f64,
) -> Result<(f64, Vec<Effect>), InputErrors> {
    sc.validate(data)?;
    let r = data.region_index(region).ok_or_else(|| {
        crate::error::InputError::coded(
            "region",
            "unknown_region",
            &[("value", &region)],
            format!("unknown region {region:?}"),
        )
    })?;
    let mut out = RunOutput::default();
    run_into(data, sc, &mut out)?;
    let base = availability_in_year(&out, r, elements, year);
    let mut effects = Vec::new();
    for spec in INPUTS.iter().filter(|s| s.applies_to(sc)) {
        let value = spec.value_in(sc);
        let delta = (spec.max - spec.min) / 10.0;
        let value_low = (value - delta).max(spec.min);
        let value_high = (value + delta).min(spec.max);
        let mut at = |v: f64| -> Result<f64, InputErrors> {
            if v == value {
                return Ok(base);
            }
            let mut nudged = sc.clone();
            apply(&mut nudged, spec.id, v)?;
            run_into(data, &nudged, &mut out)?;
            Ok(availability_in_year(&out, r, elements, year))
        };
        let result_low = at(value_low)?;
        let result_high = at(value_high)?;
        effects.push(Effect {
            id: spec.id,
            label: spec.label,
            unit: spec.unit,
            value,
            value_low,
            value_high,
            result_low,
            result_high,
        });
    }
    effects.sort_by(|a, b| b.swing().total_cmp(&a.swing()).then(a.id.cmp(b.id)));
    Ok((base, effects))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elements::members;
    use crate::presets;

    #[test]
    fn licence_approvals_move_japans_dysprosium_most_of_the_levers_under_licensing() {
        let d = Dataset::default_data();
        let sc = presets::load("licensing-regime", d).unwrap();
        let (base, effects) = explain(d, &sc, "JP", &members("Dy").unwrap(), 2027.0).unwrap();
        assert!((0.0..=1.0).contains(&base));
        // Among the policy levers (assumptions such as the elasticities may move it
        // more), the approval share moves it most, and more approvals mean more Dy.
        let lever = effects
            .iter()
            .find(|e| crate::inputs::spec(e.id).map(|s| s.kind) == Some(crate::inputs::Kind::Lever))
            .unwrap();
        assert_eq!(lever.id, "licence_approval", "{effects:?}");
        assert!(
            lever.result_high > lever.result_low,
            "more approvals, more Dy"
        );
        assert!(effects.windows(2).all(|w| w[0].swing() >= w[1].swing()));
        assert!(
            effects.iter().all(|e| e.id != "tariff_rate"),
            "no tariff in this preset"
        );
    }

    #[test]
    fn unknown_region_is_refused() {
        let d = Dataset::default_data();
        let e = explain(d, &Scenario::default(), "Atlantis", &[0], 2030.0).unwrap_err();
        assert!(e
            .to_string()
            .contains("region: unknown region \"Atlantis\""));
    }
}
