//! The declarative input spec: every control the page offers, in one table.
//!
//! Each input has an id, a label, a unit, a range, a step, a default and a one-sentence
//! description saying exactly what it covers. The same table drives the page's controls
//! (through the wasm layer), the URL codec (only values that differ from the defaults are
//! written), the README's list of inputs (a test checks it) and the test matrix of
//! `tests/inputs_matrix.rs` (every input at its minimum and at its maximum, on every
//! preset). Levers are what a government or alliance decides; assumptions are uncertain
//! facts.

use crate::error::InputError;
use crate::scenario::{Measure, Scenario};
use serde::Serialize;

/// Lever or assumption (the page shows them apart, as En-ROADS does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Lever,
    Assumption,
}

/// One input of the page.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InputSpec {
    pub id: &'static str,
    pub kind: Kind,
    pub label: &'static str,
    pub unit: &'static str,
    pub min: f64,
    pub max: f64,
    pub step: f64,
    /// The value when the scenario does not set it. Levers that edit a preset's
    /// policies take their default from the preset ([`InputSpec::value_in`]).
    pub default: f64,
    pub description: &'static str,
}

/// Every input, in display order.
pub const INPUTS: &[InputSpec] = &[
    InputSpec {
        id: "licence_approval",
        kind: Kind::Lever,
        label: "Share of licence requests approved",
        unit: "%",
        min: 0.0,
        max: 100.0,
        step: 5.0,
        default: 100.0,
        description: "Percent of requested tonnes approved under every export licensing regime of the scenario, for destinations not on its trusted-partner list.",
    },
    InputSpec {
        id: "licence_delay",
        kind: Kind::Lever,
        label: "Licence processing time",
        unit: "days",
        min: 0.0,
        max: 365.0,
        // One day: every preset's delay (63, 120 days) must be on the slider's grid.
        step: 1.0,
        default: 0.0,
        description: "Days from the start of each licensing regime until the first approvals; nothing covered ships before.",
    },
    InputSpec {
        id: "tariff_rate",
        kind: Kind::Lever,
        label: "Tariff rate",
        unit: "%",
        min: 0.0,
        max: 200.0,
        step: 5.0,
        default: 0.0,
        description: "Ad valorem rate of every tariff of the scenario (it has no effect where the scenario has no tariff).",
    },
    InputSpec {
        id: "stockpile_days",
        kind: Kind::Lever,
        label: "Stockpile target",
        unit: "days",
        min: 0.0,
        max: 365.0,
        step: 5.0,
        default: 0.0,
        description: "Days of its holder's consumption that every stockpile of the scenario aims to hold (Japan's JOGMEC and US Project Vault aim at 60, Korea at 100).",
    },
    InputSpec {
        id: "recycling_target",
        kind: Kind::Lever,
        label: "Recycling rate reached by research",
        unit: "%",
        min: 0.0,
        max: 90.0,
        step: 1.0,
        default: 0.0,
        description: "Percent of end-of-life rare earths recovered in the funders' regions once every research programme of the scenario has matured (about 1% today).",
    },
    InputSpec {
        id: "price_floor",
        kind: Kind::Lever,
        label: "Guaranteed price",
        unit: "USD/kg",
        min: 0.0,
        max: 300.0,
        step: 5.0,
        default: 0.0,
        description: "Price every price floor of the scenario guarantees its producers, the payer making up the gap to the market (the US pays MP Materials up to 110 USD/kg NdPr).",
    },
    InputSpec {
        id: "retaliation",
        kind: Kind::Lever,
        label: "Retaliation",
        unit: "rounds",
        min: 0.0,
        max: 3.0,
        step: 1.0,
        default: 0.0,
        description: "Rounds of answers to export controls and tariffs (0: none; 1: regions under a measure answer it after half a year; 2 or 3: the answers are answered in turn).",
    },
    InputSpec {
        id: "demand_growth",
        kind: Kind::Assumption,
        label: "Demand growth, relative to the data",
        unit: "×",
        min: 0.0,
        max: 3.0,
        step: 0.05,
        default: 1.0,
        description: "Multiplies every sector's annual demand growth rate (1 = the rates in the data file; 0 = demand stays at its 2024 level).",
    },
    InputSpec {
        id: "separation_recovery",
        kind: Kind::Assumption,
        label: "Separation recovery",
        unit: "%",
        min: 80.0,
        max: 100.0,
        step: 1.0,
        default: 95.0,
        description: "Percent of the rare earth oxide fed to separation plants that leaves as saleable oxide; the rest is a tracked loss.",
    },
    InputSpec {
        id: "tariff_sensitivity",
        kind: Kind::Assumption,
        label: "Buyers' sensitivity to tariffs",
        unit: "exponent",
        min: 0.0,
        max: 12.0,
        step: 0.5,
        default: 4.0,
        description: "A supplier under tariff rate r is weighted (1 + r) to the power minus this when buyers split their orders (4: a 25% tariff gives weight 0.41).",
    },
    InputSpec {
        id: "price_elasticity_short",
        kind: Kind::Assumption,
        label: "Short-run price elasticity of demand",
        unit: "elasticity",
        min: -0.5,
        max: -0.05,
        step: 0.05,
        default: -0.15,
        description: "How much demand falls within the year when a price rises (-0.15: a doubled price cuts demand by 10%); it also sets how high a shortage drives the price.",
    },
    InputSpec {
        id: "price_elasticity_long",
        kind: Kind::Assumption,
        label: "Long-run price elasticity of demand",
        unit: "elasticity",
        min: -1.5,
        max: -0.1,
        step: 0.05,
        default: -0.6,
        description: "How much demand falls after years of a higher price, through substitution and thrifting (-0.6: a price that stays doubled cuts demand by a third).",
    },
    InputSpec {
        id: "lead_time_scale",
        kind: Kind::Assumption,
        label: "Lead times of new mines and plants, relative to the data",
        unit: "×",
        min: 0.5,
        max: 3.0,
        step: 0.05,
        default: 1.0,
        description: "Multiplies the years from an investment decision to new capacity, for price-driven projects and expansions (1 = the data's lead times; 2 = every project takes twice as long).",
    },
];

/// The spec of an input id.
pub fn spec(id: &str) -> Option<&'static InputSpec> {
    INPUTS.iter().find(|s| s.id == id)
}

impl InputSpec {
    /// The input's value in a scenario: what the page shows before the user moves it.
    /// For levers, the first matching policy's value; the spec default when none.
    pub fn value_in(&self, sc: &Scenario) -> f64 {
        let licence = || {
            sc.export_controls.iter().find_map(|c| match c.measure {
                Measure::Licensing {
                    approval_share,
                    delay_days,
                } => Some((approval_share, delay_days)),
                _ => None,
            })
        };
        match self.id {
            "licence_approval" => licence().map(|(a, _)| a * 100.0).unwrap_or(self.default),
            "licence_delay" => licence().map(|(_, d)| d).unwrap_or(self.default),
            "tariff_rate" => sc
                .tariffs
                .first()
                .map(|t| t.rate * 100.0)
                .unwrap_or(self.default),
            "stockpile_days" => sc
                .stockpiles
                .first()
                .map(|x| x.target_days)
                .unwrap_or(self.default),
            "recycling_target" => sc
                .research
                .iter()
                .find_map(|r| r.recycling_rate)
                .map(|r| r * 100.0)
                .unwrap_or(self.default),
            "price_floor" => sc
                .price_floors
                .first()
                .map(|f| f.price_usd_per_kg)
                .unwrap_or(self.default),
            "retaliation" => {
                if sc.retaliation.enabled {
                    sc.retaliation.rounds as f64
                } else {
                    0.0
                }
            }
            "demand_growth" => sc.assumptions.demand_growth_scale,
            "separation_recovery" => sc
                .assumptions
                .separation_recovery
                .map(|r| r * 100.0)
                .unwrap_or(self.default),
            "tariff_sensitivity" => sc.assumptions.tariff_sensitivity.unwrap_or(self.default),
            "price_elasticity_short" => sc
                .assumptions
                .price_elasticity_short
                .unwrap_or(self.default),
            "price_elasticity_long" => sc.assumptions.price_elasticity_long.unwrap_or(self.default),
            "lead_time_scale" => sc.assumptions.lead_time_scale.unwrap_or(self.default),
            _ => self.default,
        }
    }

    /// Whether the input changes anything in this scenario (a licence lever does not
    /// where there is no licensing regime).
    pub fn applies_to(&self, sc: &Scenario) -> bool {
        match self.id {
            "licence_approval" | "licence_delay" => sc
                .export_controls
                .iter()
                .any(|c| matches!(c.measure, Measure::Licensing { .. })),
            "tariff_rate" => !sc.tariffs.is_empty(),
            "stockpile_days" => !sc.stockpiles.is_empty(),
            "recycling_target" => sc.research.iter().any(|r| r.recycling_rate.is_some()),
            "price_floor" => !sc.price_floors.is_empty(),
            "retaliation" => !sc.export_controls.is_empty() || !sc.tariffs.is_empty(),
            _ => true,
        }
    }
}

/// The inputs as a Markdown table, for the README (`ree inputs` prints it; a test checks
/// that the README holds exactly this table).
pub fn markdown_table() -> String {
    let mut t = String::from(
        "| input | kind | range | default | what it covers |\n|---|---|---|---|---|\n",
    );
    for s in INPUTS {
        let kind = match s.kind {
            Kind::Lever => "lever",
            Kind::Assumption => "assumption",
        };
        t.push_str(&format!(
            "| `{}`: {} | {kind} | {}–{} {} (step {}) | {} | {} |\n",
            s.id, s.label, s.min, s.max, s.unit, s.step, s.default, s.description
        ));
    }
    t
}

/// Set input `id` to `value` in a scenario. The value must be finite and within the
/// input's range; the error names the input and the reason.
pub fn apply(sc: &mut Scenario, id: &str, value: f64) -> Result<(), InputError> {
    let s = spec(id).ok_or_else(|| InputError::coded(id, "unknown_input", &[], "unknown input"))?;
    if !value.is_finite() || value < s.min || value > s.max {
        return Err(InputError::coded(
            id,
            "input_range",
            &[
                ("min", &s.min),
                ("max", &s.max),
                ("unit", &s.unit),
                ("value", &value),
            ],
            format!(
                "must be a number from {} to {} {}, got {value}",
                s.min, s.max, s.unit
            ),
        ));
    }
    match id {
        "licence_approval" => {
            for c in &mut sc.export_controls {
                if let Measure::Licensing { approval_share, .. } = &mut c.measure {
                    *approval_share = value / 100.0;
                }
            }
        }
        "licence_delay" => {
            for c in &mut sc.export_controls {
                if let Measure::Licensing { delay_days, .. } = &mut c.measure {
                    *delay_days = value;
                }
            }
        }
        "tariff_rate" => sc.tariffs.iter_mut().for_each(|t| t.rate = value / 100.0),
        "stockpile_days" => sc.stockpiles.iter_mut().for_each(|x| x.target_days = value),
        "recycling_target" => sc
            .research
            .iter_mut()
            .filter(|r| r.recycling_rate.is_some())
            .for_each(|r| r.recycling_rate = Some(value / 100.0)),
        "price_floor" => sc
            .price_floors
            .iter_mut()
            .for_each(|f| f.price_usd_per_kg = value),
        "retaliation" => {
            sc.retaliation.enabled = value >= 1.0;
            sc.retaliation.rounds = value.round() as u32;
        }
        "demand_growth" => sc.assumptions.demand_growth_scale = value,
        "separation_recovery" => sc.assumptions.separation_recovery = Some(value / 100.0),
        "tariff_sensitivity" => sc.assumptions.tariff_sensitivity = Some(value),
        "price_elasticity_short" => sc.assumptions.price_elasticity_short = Some(value),
        "price_elasticity_long" => sc.assumptions.price_elasticity_long = Some(value),
        "lead_time_scale" => sc.assumptions.lead_time_scale = Some(value),
        _ => return Err(InputError::coded(id, "unknown_input", &[], "unknown input")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{presets, Dataset};

    #[test]
    fn ids_are_unique_and_ranges_sane() {
        for (k, s) in INPUTS.iter().enumerate() {
            assert!(
                INPUTS[..k].iter().all(|o| o.id != s.id),
                "duplicate {}",
                s.id
            );
            assert!(
                s.min < s.max && s.step > 0.0 && (s.min..=s.max).contains(&s.default),
                "{}",
                s.id
            );
            assert!(
                s.description.ends_with('.') && s.description.len() > 40,
                "{}: one full sentence",
                s.id
            );
        }
    }

    #[test]
    fn defaults_agree_with_the_data_and_the_scenario_defaults() {
        let d = Dataset::default_data();
        let base = Scenario::default();
        assert_eq!(
            spec("separation_recovery").unwrap().default,
            d.parameters.separation_recovery.value * 100.0
        );
        assert_eq!(
            spec("tariff_sensitivity").unwrap().default,
            d.parameters.tariff_sensitivity.value
        );
        for s in INPUTS {
            assert_eq!(s.value_in(&base), s.default, "{}", s.id);
        }
    }

    #[test]
    fn every_presets_value_is_on_its_sliders_grid() {
        // A default off the grid cannot be reached by the slider (120 days on a
        // 7-day grid read 119, "now -1 days").
        for id in presets::ids() {
            let sc = presets::load(id, Dataset::default_data()).unwrap();
            for s in INPUTS {
                let v = s.value_in(&sc);
                let k = (v - s.min) / s.step;
                assert!(
                    (k - k.round()).abs() < 1e-9 && (s.min..=s.max).contains(&v),
                    "{id}: {} = {v} is not on its grid ({} + k x {})",
                    s.id,
                    s.min,
                    s.step
                );
            }
        }
    }

    #[test]
    fn levers_read_and_write_the_preset_policies() {
        let mut sc = presets::load("status-quo", Dataset::default_data()).unwrap();
        let approval = spec("licence_approval").unwrap();
        assert_eq!(approval.value_in(&sc), 75.0);
        apply(&mut sc, "licence_approval", 30.0).unwrap();
        assert_eq!(approval.value_in(&sc), 30.0);
        assert!(!spec("tariff_rate").unwrap().applies_to(&sc));
        sc.validate(Dataset::default_data()).unwrap();
    }

    #[test]
    fn out_of_range_nan_and_unknown_are_refused_by_name() {
        let mut sc = Scenario::default();
        let e = apply(&mut sc, "separation_recovery", 120.0).unwrap_err();
        assert_eq!(e.path, "separation_recovery");
        assert!(e.reason.contains("from 80 to 100"));
        assert!(apply(&mut sc, "demand_growth", f64::NAN).is_err());
        assert_eq!(
            apply(&mut sc, "warp_speed", 1.0).unwrap_err().reason,
            "unknown input"
        );
        assert_eq!(sc, Scenario::default(), "a refused value changes nothing");
    }
}
