//! "Why did this change?": which inputs move one result most.
//!
//! For a chosen line (a region's availability of an element or group in a year), every
//! input of the spec that applies to the scenario is nudged down and up by a tenth of
//! its range, the model is re-run, and the inputs are ranked by how far the result
//! moves. Twelve runs of a few milliseconds: fast enough to answer while a reader waits.

use crate::data::Dataset;
use crate::error::InputErrors;
use crate::inputs::{apply, INPUTS};
use crate::model::run_into_with_risk;
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

/// The ranking done one model run at a time, so that a page can spread it over idle
/// moments and drop it when the scenario changes: [`Explainer::step`] until it returns
/// false, then [`Explainer::result`].
pub struct Explainer {
    sc: Scenario,
    r: usize,
    elements: Vec<usize>,
    year: f64,
    out: RunOutput,
    base: f64,
    /// Every applicable input's effect; results are NaN until run.
    effects: Vec<Effect>,
    /// Runs done: the base run, then each effect's low and high.
    done: usize,
}

impl Explainer {
    /// Check the scenario and the region; no run yet.
    pub fn new(
        data: &Dataset,
        sc: &Scenario,
        region: &str,
        elements: &[usize],
        year: f64,
    ) -> Result<Explainer, InputErrors> {
        sc.validate(data)?;
        let r = data.region_index(region).ok_or_else(|| {
            crate::error::InputError::coded(
                "region",
                "unknown_region",
                &[("value", &region)],
                format!("unknown region {region:?}"),
            )
        })?;
        let effects = INPUTS
            .iter()
            .filter(|s| s.applies_to(sc))
            .map(|spec| {
                let value = spec.value_in(sc);
                let delta = (spec.max - spec.min) / 10.0;
                Effect {
                    id: spec.id,
                    label: spec.label,
                    unit: spec.unit,
                    value,
                    value_low: (value - delta).max(spec.min),
                    value_high: (value + delta).min(spec.max),
                    result_low: f64::NAN,
                    result_high: f64::NAN,
                }
            })
            .collect();
        Ok(Explainer {
            sc: sc.clone(),
            r,
            elements: elements.to_vec(),
            year,
            out: RunOutput::default(),
            base: f64::NAN,
            effects,
            done: 0,
        })
    }

    /// One model run (none where a nudge cannot move the input); false once every
    /// run is done.
    pub fn step(&mut self, data: &Dataset) -> Result<bool, InputErrors> {
        let total = 1 + 2 * self.effects.len();
        if self.done >= total {
            return Ok(false);
        }
        let k = self.done;
        self.done += 1;
        if k == 0 {
            run_into_with_risk(data, &self.sc, &mut self.out, false)?;
            self.base = availability_in_year(&self.out, self.r, &self.elements, self.year);
            return Ok(self.done < total);
        }
        let e = &self.effects[(k - 1) / 2];
        let v = if k % 2 == 1 {
            e.value_low
        } else {
            e.value_high
        };
        let result = if v == e.value {
            self.base
        } else {
            let mut nudged = self.sc.clone();
            apply(&mut nudged, e.id, v)?;
            run_into_with_risk(data, &nudged, &mut self.out, false)?;
            availability_in_year(&self.out, self.r, &self.elements, self.year)
        };
        let e = &mut self.effects[(k - 1) / 2];
        if k % 2 == 1 {
            e.result_low = result;
        } else {
            e.result_high = result;
        }
        Ok(self.done < total)
    }

    /// The base result and the effects, largest swing first (runs not done yet read
    /// as NaN).
    pub fn result(&self) -> (f64, Vec<Effect>) {
        let mut effects = self.effects.clone();
        crate::small_sort::sort_by(&mut effects, |a, b| {
            b.swing().total_cmp(&a.swing()).then(a.id.cmp(b.id)).is_lt()
        });
        (self.base, effects)
    }
}

/// The base result and every applicable input's effect, largest swing first.
pub fn explain(
    data: &Dataset,
    sc: &Scenario,
    region: &str,
    elements: &[usize],
    year: f64,
) -> Result<(f64, Vec<Effect>), InputErrors> {
    let mut x = Explainer::new(data, sc, region, elements, year)?;
    while x.step(data)? {}
    Ok(x.result())
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
