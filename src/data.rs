//! The default data: regions, ores, mines, plants, magnet recipes and demand, each
//! number with its source.
//!
//! `data/default.json` is compiled into the binary with `include_str!`; it is the one
//! place where default numbers live. Every scalar is a [`Sourced`] value whose `source`
//! names a key of the `sources` table (with its [V]/[S]/[U] tag) or says it is an
//! ASSUMPTION. [`Dataset::default_data`] parses and checks it once; [`Compiled`] turns
//! ids into indexes for the simulation.

use crate::elements::{self, EVec, ZERO};
use crate::error::{check_range, from_json, InputError, InputErrors};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The default data file, compiled in.
pub const DEFAULT_DATA_JSON: &str = include_str!("../data/default.json");

/// A number with the source it comes from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Sourced {
    pub value: f64,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// ISO 3166 alpha-2 for countries, `EU`, or a readable id for aggregates.
    pub id: String,
    pub name: String,
    /// `country`, `union` or `aggregate`.
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Ore {
    pub id: String,
    pub name: String,
    /// Percent of total REO by element symbol (normalised to 100 on load).
    pub composition: BTreeMap<String, f64>,
    pub source: String,
}

/// When a plant or mine in the data is a project that starts later.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// Decimal year of first output.
    pub online: f64,
    /// Years from first output to full capacity (linear ramp).
    pub ramp_years: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Mine {
    pub id: String,
    pub region: String,
    pub ore: String,
    /// t REO per year.
    pub capacity: Sourced,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<Pipeline>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeparationPlant {
    pub id: String,
    pub region: String,
    /// t REO of light-element feed per year.
    pub light: Sourced,
    /// t REO of heavy-element feed per year.
    pub heavy: Sourced,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<Pipeline>,
}

/// A plant reducing separated oxides to metal and alloy for magnet makers. Only the
/// metal that magnets need is modelled: other metal uses (metallurgy, battery alloys)
/// are end-use sectors consuming oxides.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MetalPlant {
    pub id: String,
    pub region: String,
    /// t REO (oxide equivalent) reduced to metal and alloy per year.
    pub capacity: Sourced,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<Pipeline>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MagnetPlant {
    pub id: String,
    pub region: String,
    /// A magnet type id (`NdFeB`, `SmCo`).
    pub product: String,
    /// t magnets per year.
    pub capacity: Sourced,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<Pipeline>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MagnetType {
    pub id: String,
    pub name: String,
    /// t REO per t magnet.
    pub reo_per_tonne: Sourced,
    /// Share of the magnet's REO by element (normalised to 1 on load).
    pub recipe: BTreeMap<String, f64>,
    pub recipe_source: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GrowthPhase {
    /// The rate applies to years before this one (and after the previous phase).
    pub until: f64,
    /// Compound annual growth rate.
    pub rate: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Sector {
    pub id: String,
    pub name: String,
    /// `oxide` for sectors that use separated oxides, or a magnet type id.
    pub product: String,
    /// Base-year world demand: t REO for oxide sectors, t magnets for magnet sectors.
    pub base: Sourced,
    /// Element mix of an oxide sector (shares, normalised to 1 on load).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mix: Option<BTreeMap<String, f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mix_source: Option<String>,
    /// Share of world demand by region (normalised to 1 on load).
    pub regions: BTreeMap<String, f64>,
    pub regions_source: String,
    pub growth: Vec<GrowthPhase>,
    pub growth_source: String,
    /// Mean product lifetime in years (used by recycling in a later model stage).
    pub lifetime_years: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    pub from: String,
    pub to: String,
    /// `concentrate`, `oxide` or a magnet type id.
    pub product: String,
    /// Share of the exporter's available supply reserved for the buyer.
    pub share: f64,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Parameters {
    pub separation_recovery: Sourced,
    pub tariff_sensitivity: Sourced,
}

/// The whole default data set, as written in `data/default.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    pub base_year: i32,
    pub elements: Vec<String>,
    /// Elements fed to light separation; the others go to heavy separation.
    pub light_elements: Vec<String>,
    pub light_elements_source: String,
    pub sources: BTreeMap<String, String>,
    pub regions: Vec<Region>,
    pub ores: Vec<Ore>,
    pub mines: Vec<Mine>,
    pub separation: Vec<SeparationPlant>,
    pub metal_plants: Vec<MetalPlant>,
    pub magnet_plants: Vec<MagnetPlant>,
    pub magnet_types: Vec<MagnetType>,
    pub sectors: Vec<Sector>,
    pub contracts: Vec<Contract>,
    pub parameters: Parameters,
}

static DEFAULT: OnceLock<Dataset> = OnceLock::new();

impl Dataset {
    /// The compiled-in default data, parsed and checked once.
    ///
    /// The file is part of the build and covered by tests, so a failure here is a
    /// build defect, not user input; it is still reported, never a silent default.
    pub fn default_data() -> &'static Dataset {
        DEFAULT.get_or_init(|| match Dataset::from_json(DEFAULT_DATA_JSON) {
            Ok(d) => d,
            Err(e) => panic!("data/default.json is invalid (a build defect): {e}"),
        })
    }

    /// Parse and check a data set.
    pub fn from_json(text: &str) -> Result<Dataset, InputErrors> {
        let d: Dataset = from_json(text)?;
        d.check()?;
        Ok(d)
    }

    pub fn region_index(&self, id: &str) -> Option<usize> {
        self.regions.iter().position(|r| r.id == id)
    }

    pub fn region_ids(&self) -> Vec<String> {
        self.regions.iter().map(|r| r.id.clone()).collect()
    }

    /// Every consistency rule of the data file, with field paths.
    pub fn check(&self) -> Result<(), InputErrors> {
        let mut errs = Vec::new();
        if self
            .elements
            .iter()
            .map(String::as_str)
            .ne(elements::ELEMENTS.iter().copied())
        {
            errs.push(InputError::new(
                "elements",
                "must list the 17 symbols in the model's order",
            ));
        }
        for (i, e) in self.light_elements.iter().enumerate() {
            if elements::index_of(e).is_none() {
                errs.push(InputError::new(
                    format!("light_elements[{i}]"),
                    format!("unknown element {e:?}"),
                ));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, r) in self.regions.iter().enumerate() {
            if !seen.insert(r.id.as_str()) {
                errs.push(InputError::new(
                    format!("regions[{i}].id"),
                    format!("duplicate region {:?}", r.id),
                ));
            }
        }
        let region_ok = |path: String, id: &str, errs: &mut Vec<InputError>| {
            if self.region_index(id).is_none() {
                errs.push(InputError::new(path, format!("unknown region {id:?}")));
            }
        };
        let sourced = |path: String, s: &Sourced, lo: f64, hi: f64, errs: &mut Vec<InputError>| {
            check_range(&format!("{path}.value"), s.value, lo, hi, errs);
            if s.source.trim().is_empty() {
                errs.push(InputError::new(
                    format!("{path}.source"),
                    "every number needs a source",
                ));
            }
        };
        let pipeline = |path: String, p: &Option<Pipeline>, errs: &mut Vec<InputError>| {
            if let Some(p) = p {
                check_range(&format!("{path}.online"), p.online, 1900.0, 2200.0, errs);
                check_range(&format!("{path}.ramp_years"), p.ramp_years, 0.0, 50.0, errs);
            }
        };
        let shares = |path: String, m: &BTreeMap<String, f64>, errs: &mut Vec<InputError>| {
            let mut total = 0.0;
            for (k, v) in m {
                if elements::index_of(k).is_none() {
                    errs.push(InputError::new(
                        format!("{path}.{k}"),
                        format!("unknown element {k:?}"),
                    ));
                }
                check_range(&format!("{path}.{k}"), *v, 0.0, 100.0, errs);
                total += v;
            }
            if total.is_nan() || total <= 0.0 {
                errs.push(InputError::new(
                    path,
                    "shares must add up to more than zero",
                ));
            }
        };
        for (i, o) in self.ores.iter().enumerate() {
            shares(format!("ores[{i}].composition"), &o.composition, &mut errs);
        }
        for (i, m) in self.mines.iter().enumerate() {
            region_ok(format!("mines[{i}].region"), &m.region, &mut errs);
            pipeline(format!("mines[{i}].pipeline"), &m.pipeline, &mut errs);
            if !self.ores.iter().any(|o| o.id == m.ore) {
                errs.push(InputError::new(
                    format!("mines[{i}].ore"),
                    format!("unknown ore {:?}", m.ore),
                ));
            }
            sourced(
                format!("mines[{i}].capacity"),
                &m.capacity,
                0.0,
                1e7,
                &mut errs,
            );
        }
        for (i, p) in self.separation.iter().enumerate() {
            region_ok(format!("separation[{i}].region"), &p.region, &mut errs);
            pipeline(format!("separation[{i}].pipeline"), &p.pipeline, &mut errs);
            sourced(
                format!("separation[{i}].light"),
                &p.light,
                0.0,
                1e7,
                &mut errs,
            );
            sourced(
                format!("separation[{i}].heavy"),
                &p.heavy,
                0.0,
                1e7,
                &mut errs,
            );
        }
        for (i, t) in self.magnet_types.iter().enumerate() {
            sourced(
                format!("magnet_types[{i}].reo_per_tonne"),
                &t.reo_per_tonne,
                0.0,
                1.0,
                &mut errs,
            );
            shares(format!("magnet_types[{i}].recipe"), &t.recipe, &mut errs);
        }
        // Sectors consume oxides or magnets; contracts may also carry concentrate and metal.
        let product_ok = |path: String, p: &str, traded: bool, errs: &mut Vec<InputError>| {
            let stage = p == "oxide" || (traded && (p == "concentrate" || p == "metal"));
            if !stage && !self.magnet_types.iter().any(|t| t.id == p) {
                errs.push(InputError::new(path, format!("unknown product {p:?}")));
            }
        };
        for (i, p) in self.metal_plants.iter().enumerate() {
            region_ok(format!("metal_plants[{i}].region"), &p.region, &mut errs);
            pipeline(
                format!("metal_plants[{i}].pipeline"),
                &p.pipeline,
                &mut errs,
            );
            sourced(
                format!("metal_plants[{i}].capacity"),
                &p.capacity,
                0.0,
                1e7,
                &mut errs,
            );
        }
        for (i, p) in self.magnet_plants.iter().enumerate() {
            region_ok(format!("magnet_plants[{i}].region"), &p.region, &mut errs);
            pipeline(
                format!("magnet_plants[{i}].pipeline"),
                &p.pipeline,
                &mut errs,
            );
            if !self.magnet_types.iter().any(|t| t.id == p.product) {
                errs.push(InputError::new(
                    format!("magnet_plants[{i}].product"),
                    format!("unknown magnet type {:?}", p.product),
                ));
            }
            sourced(
                format!("magnet_plants[{i}].capacity"),
                &p.capacity,
                0.0,
                1e7,
                &mut errs,
            );
        }
        for (i, s) in self.sectors.iter().enumerate() {
            let path = format!("sectors[{i}]");
            product_ok(format!("{path}.product"), &s.product, false, &mut errs);
            sourced(format!("{path}.base"), &s.base, 0.0, 1e7, &mut errs);
            match (&s.mix, s.product == "oxide") {
                (Some(m), true) => shares(format!("{path}.mix"), m, &mut errs),
                (None, true) => errs.push(InputError::new(
                    format!("{path}.mix"),
                    "an oxide sector needs an element mix",
                )),
                (Some(_), false) => errs.push(InputError::new(
                    format!("{path}.mix"),
                    "a magnet sector takes its mix from the magnet recipe",
                )),
                (None, false) => {}
            }
            let mut total = 0.0;
            for (r, v) in &s.regions {
                region_ok(format!("{path}.regions.{r}"), r, &mut errs);
                check_range(&format!("{path}.regions.{r}"), *v, 0.0, 1.0, &mut errs);
                total += v;
            }
            if (total - 1.0).abs() > 0.02 {
                errs.push(InputError::new(
                    format!("{path}.regions"),
                    format!("shares must add up to 1, got {total}"),
                ));
            }
            for (k, g) in s.growth.iter().enumerate() {
                check_range(
                    &format!("{path}.growth[{k}].rate"),
                    g.rate,
                    -0.5,
                    1.0,
                    &mut errs,
                );
            }
        }
        for (i, c) in self.contracts.iter().enumerate() {
            region_ok(format!("contracts[{i}].from"), &c.from, &mut errs);
            region_ok(format!("contracts[{i}].to"), &c.to, &mut errs);
            product_ok(
                format!("contracts[{i}].product"),
                &c.product,
                true,
                &mut errs,
            );
            check_range(
                &format!("contracts[{i}].share"),
                c.share,
                0.0,
                1.0,
                &mut errs,
            );
        }
        sourced(
            "parameters.separation_recovery".into(),
            &self.parameters.separation_recovery,
            0.0,
            1.0,
            &mut errs,
        );
        sourced(
            "parameters.tariff_sensitivity".into(),
            &self.parameters.tariff_sensitivity,
            0.0,
            50.0,
            &mut errs,
        );
        if errs.is_empty() {
            Ok(())
        } else {
            Err(InputErrors(errs))
        }
    }
}

/// Element vector from a map of symbol → share, normalised to sum to `total`.
pub fn normalised(map: &BTreeMap<String, f64>, total: f64) -> EVec {
    let mut v = ZERO;
    for (k, x) in map {
        if let Some(i) = elements::index_of(k) {
            v[i] = *x;
        }
    }
    let s = elements::sum(&v);
    if s > 0.0 {
        for x in v.iter_mut() {
            *x *= total / s;
        }
    }
    v
}

/// Share of full capacity reached at time `t` for an optional pipeline project.
pub fn pipeline_factor(p: &Option<Pipeline>, t: f64) -> f64 {
    match p {
        None => 1.0,
        Some(p) if t < p.online => 0.0,
        Some(p) if p.ramp_years <= 0.0 => 1.0,
        Some(p) => ((t - p.online) / p.ramp_years).min(1.0),
    }
}

/// A demand growth path: the multiplier relative to the base year at any time,
/// compounding each phase's rate until its end. Evaluated every step, so the factor of
/// each whole phase is computed once, leaving one `pow` per call for the phase under
/// way.
#[derive(Debug, Clone)]
pub struct GrowthPath {
    base_year: f64,
    /// `(phase, factor over the whole phase)`.
    phases: Vec<(GrowthPhase, f64)>,
}

impl GrowthPath {
    pub fn new(phases: &[GrowthPhase], base_year: f64) -> GrowthPath {
        let mut from = base_year;
        let phases = phases
            .iter()
            .map(|g| {
                let whole = if g.until > from {
                    libm::pow(1.0 + g.rate, g.until - from)
                } else {
                    1.0
                };
                from = from.max(g.until);
                (*g, whole)
            })
            .collect();
        GrowthPath { base_year, phases }
    }

    /// Demand multiplier at time `t` (1 at and before the base year).
    pub fn factor(&self, t: f64) -> f64 {
        let mut f = 1.0;
        let mut from = self.base_year;
        for (g, whole) in &self.phases {
            if t <= from {
                break;
            }
            let to = t.min(g.until);
            if to > from {
                f *= if to == g.until {
                    *whole
                } else {
                    libm::pow(1.0 + g.rate, to - from)
                };
                from = to;
            }
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_data_parses_and_checks() {
        let d = Dataset::default_data();
        assert_eq!(d.regions.len(), 19);
        assert_eq!(d.base_year, 2024);
    }

    #[test]
    fn every_source_key_mentioned_exists_or_is_free_text() {
        // A source string starting with an UPPER_CASE key must name a known key.
        let d = Dataset::default_data();
        let check = |s: &str| {
            let first = s.split([':', ' ', ';', ',']).next().unwrap_or("");
            if first.len() > 3
                && first
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            {
                assert!(
                    d.sources.contains_key(first),
                    "unknown source key {first:?} in {s:?}"
                );
            }
        };
        for m in &d.mines {
            check(&m.capacity.source);
        }
        for o in &d.ores {
            check(&o.source);
        }
        for s in &d.sectors {
            check(&s.base.source);
            check(&s.regions_source);
        }
        for p in &d.separation {
            check(&p.light.source);
        }
        for p in &d.magnet_plants {
            check(&p.capacity.source);
        }
        for p in &d.metal_plants {
            check(&p.capacity.source);
        }
    }

    #[test]
    fn a_broken_pipeline_is_named() {
        let mut d = Dataset::default_data().clone();
        let i = d
            .metal_plants
            .iter()
            .position(|p| p.pipeline.is_some())
            .unwrap();
        d.metal_plants[i].pipeline = Some(Pipeline {
            online: 2028.0,
            ramp_years: -1.0,
        });
        let e = d.check().unwrap_err().to_string();
        assert!(
            e.contains(&format!("metal_plants[{i}].pipeline.ramp_years")),
            "{e}"
        );
    }

    #[test]
    fn unknown_region_in_data_is_named() {
        let mut d = Dataset::default_data().clone();
        d.mines[0].region = "XX".into();
        let e = d.check().unwrap_err();
        assert!(
            e.to_string()
                .contains("mines[0].region: unknown region \"XX\""),
            "{e}"
        );
    }

    #[test]
    fn growth_is_piecewise_compound() {
        let g = [
            GrowthPhase {
                until: 2030.0,
                rate: 0.1,
            },
            GrowthPhase {
                until: 2100.0,
                rate: 0.0,
            },
        ];
        let path = GrowthPath::new(&g, 2024.0);
        assert_eq!(path.factor(2020.0), 1.0);
        assert!((path.factor(2024.0) - 1.0).abs() < 1e-12);
        assert!((path.factor(2026.0) - 1.21).abs() < 1e-12);
        let at2030 = libm::pow(1.1, 6.0);
        assert!((path.factor(2030.0) - at2030).abs() < 1e-12);
        assert!((path.factor(2040.0) - at2030).abs() < 1e-12);
        // Inside a phase after a whole one: the whole phase's factor times the part.
        let three = GrowthPath::new(
            &[
                g[0],
                GrowthPhase {
                    until: 2035.0,
                    rate: -0.05,
                },
                g[1],
            ],
            2024.0,
        );
        let want = at2030 * libm::pow(0.95, 2.5);
        assert!((three.factor(2032.5) - want).abs() < 1e-12);
    }

    #[test]
    fn pipeline_ramps_linearly() {
        let p = Some(Pipeline {
            online: 2027.0,
            ramp_years: 2.0,
        });
        assert_eq!(pipeline_factor(&p, 2026.9), 0.0);
        assert_eq!(pipeline_factor(&p, 2028.0), 0.5);
        assert_eq!(pipeline_factor(&p, 2030.0), 1.0);
        assert_eq!(pipeline_factor(&None, 1900.0), 1.0);
    }
}
