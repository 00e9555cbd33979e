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

/// The default data file, compiled in (`data/default.json` without its indentation:
/// build.rs).
pub const DEFAULT_DATA_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/default.json"));

/// The world of 2009, for the replay of the 2010-2011 quota episode.
pub const WORLD_2009_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/world-2009.json"));
/// Both compiled-in data sets, section by section side by side, for the wasm build
/// (`build.rs` says why; `data_de::from_interleaved` reads it).
pub const DATA_SETS_INTERLEAVED: &str = include_str!(concat!(env!("OUT_DIR"), "/data-sets.json"));

/// Ids a scenario's `data` field may name.
pub const DATA_SETS: [&str; 2] = ["default", "world-2009"];

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

/// Capacity by year for a unit (same unit as its capacity): each point holds through
/// its year (see [`path_value`]). For China's quota-governed mines and
/// separation, and sourced ramp schedules. For separation plants the points are the
/// light+heavy total and scale both alike.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CapacityPath {
    /// `[year, capacity]` pairs, years strictly increasing.
    pub points: Vec<[f64; 2]>,
    pub source: String,
}

/// Brownfield growth of an existing unit while its price basis stays above the
/// incentive price.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Expansion {
    /// Largest capacity growth per year (share of current capacity).
    pub max_rate: Sourced,
    /// USD/kg on `basis`.
    pub incentive_price: Sourced,
    /// `basket` (mines only), `NdPr`, or an element symbol.
    pub basis: String,
    /// Years from decision to capacity.
    pub lead_years: Sourced,
}

/// A project outside today's producers, committed when its price basis (averaged over
/// a year) exceeds the incentive price; output starts `lead_years` later (not before
/// `earliest`) and ramps over `ramp_years`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// USD/kg on `basis`.
    pub incentive_price: Sourced,
    /// `basket` (mines only), `NdPr`, or an element symbol.
    pub basis: String,
    pub lead_years: Sourced,
    pub ramp_years: Sourced,
    /// First year output is possible.
    pub earliest: Sourced,
}

/// Base-year oxide prices (USD/kg), every element.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    pub year: i32,
    pub source: String,
    /// USD/kg oxide by element symbol; all 17 elements.
    pub oxide: BTreeMap<String, f64>,
    /// Element -> why its price is what it is, for elements without a quoted price.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub notes: BTreeMap<String, String>,
}

/// Parameters of the market: demand elasticities, price adjustment and backlogs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// Short-run (< 1 yr) price elasticity of demand (negative).
    pub elasticity_short: Sourced,
    /// Long-run (5+ yr) price elasticity of demand (negative).
    pub elasticity_long: Sourced,
    /// Time constant of the long-run response (years).
    pub long_run_years: Sourced,
    /// Time constant with which the price moves to its clearing level (years).
    pub price_adjust_years: Sourced,
    /// Stock cover (stocks / annual demand) at which the price is neutral (years).
    pub normal_cover_years: Sourced,
    /// Lowest price as a multiple of the base price.
    pub price_floor_multiple: Sourced,
    /// Highest price as a multiple of the base price.
    pub price_cap_multiple: Sourced,
    /// Share of a step's unmet demand carried into the next step as backlog.
    pub backlog_carry: Sourced,
    /// Time over which a backlog is restocked (years).
    pub backlog_years: Sourced,
    /// How strongly stocks above (below) their normal cover push the price down (up):
    /// the price moves towards `(cover / normal)^-exponent` times itself.
    pub stock_price_exponent: Sourced,
    /// Largest rise of a price within a quarter, as a multiple (falls are not limited).
    pub max_quarterly_rise: Sourced,
    /// Time constant with which a price falls towards a lower level (years).
    pub price_fall_years: Sourced,
    /// Buyers' working inventories (`model/inventories.rs`): normal cover, days of
    /// the buyers' purchases for use.
    pub inventory_days: Sourced,
    /// Largest cover buyers aim at (days).
    pub inventory_max_days: Sourced,
    /// Days of cover added per unit of expected price rise (ln of the price per year);
    /// an expected fall takes them off.
    pub inventory_days_per_rise: Sourced,
    /// Days of cover added while an export control against the buyer's region covers
    /// the element.
    pub inventory_control_days: Sourced,
    /// Days of cover added per unit of shortfall the buyers met (1 − received / asked,
    /// smoothed like the expectation).
    pub inventory_days_per_shortfall: Sourced,
    /// Time constant of the expected price trend (years).
    pub inventory_expectation_years: Sourced,
    /// Time over which buyers close the gap between their inventory and its target
    /// (years).
    pub inventory_adjust_years: Sourced,
}

/// Range of Pr's share of a magnet's Nd+Pr (Nd and Pr used together as didymium).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Didymium {
    pub pr_share_min: Sourced,
    pub pr_share_max: Sourced,
}

/// A year after the base year with recorded figures, used by tests.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CheckYear {
    pub year: i32,
    pub source: String,
    /// t REO by region id.
    pub mine_output: BTreeMap<String, f64>,
    /// USD/kg oxide by element symbol.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prices: BTreeMap<String, f64>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<CapacityPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expansion: Option<Expansion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate: Option<Candidate>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<CapacityPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expansion: Option<Expansion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate: Option<Candidate>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<CapacityPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expansion: Option<Expansion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate: Option<Candidate>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<CapacityPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expansion: Option<Expansion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate: Option<Candidate>,
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
    /// Plants whose `product` is the family make every type of it, sharing capacity
    /// (default: the type's own id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub didymium: Option<Didymium>,
}

impl MagnetType {
    /// The family this type belongs to (its own id when none is given).
    pub fn family_id(&self) -> &str {
        self.family.as_deref().unwrap_or(&self.id)
    }
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
    /// Shares of the sector's magnet demand by magnet type (of the family named by
    /// `product`); replaces `product` for splitting when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_mix: Option<BTreeMap<String, Sourced>>,
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
    /// Base-year oxide prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prices: Option<Prices>,
    /// Market parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<Market>,
    /// A later year with recorded figures, for tests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_year: Option<CheckYear>,
    /// Parameters of the slow policies (investment, stockpiles, recycling,
    /// substitution, producer exit); a data set without them uses the default data's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Policy>,
    /// WGI governance of each region, for the supply-risk indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub governance: Option<Governance>,
    /// What the Monte Carlo bands sample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Uncertainty>,
}

/// One figure per supply-chain stage.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PerStage {
    pub mining: Sourced,
    pub separation: Sourced,
    pub metal: Sourced,
    pub magnets: Sourced,
}

impl PerStage {
    /// In the stage order of the model (mining, separation, metal, magnets).
    pub fn values(&self) -> [f64; 4] {
        [
            self.mining.value,
            self.separation.value,
            self.metal.value,
            self.magnets.value,
        ]
    }
    fn each(&self) -> [(&'static str, &Sourced); 4] {
        [
            ("mining", &self.mining),
            ("separation", &self.separation),
            ("metal", &self.metal),
            ("magnets", &self.magnets),
        ]
    }
}

/// Parameters of the slow policies (see `src/policies.rs` and the model's
/// `investment`, `stockpiles`, `recycling`, `substitution`, `price_floors`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Years from a financing decision to first output, by stage.
    pub lead_years: PerStage,
    /// Years from first output to nameplate, by stage.
    pub ramp_years: PerStage,
    /// Capital cost, USD per t/yr of capacity, by stage.
    pub capex_usd_per_tpy: PerStage,
    /// Yearly cost of holding a stockpile, as a share of its value.
    pub stockpile_carrying_rate: Sourced,
    pub magnet_lifetime_years: Sourced,
    pub other_lifetime_years: Sourced,
    /// Share of non-magnet uses that can be recovered at all.
    pub recyclable_share_other: Sourced,
    /// End-of-life recovery today (collection × recovery).
    pub recycling_rate: Sourced,
    /// Largest share of an element's demand substitution removes in a year.
    pub max_substitution_per_year: Sourced,
    /// A producer outside China stops below this share of its incentive price.
    pub exit_price_ratio: Sourced,
}

/// World Bank WGI percentile ranks (0-100) of each region (`supply_risk.rs`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Governance {
    pub note: String,
    pub regions: BTreeMap<String, RegionGovernance>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegionGovernance {
    pub political_stability: Sourced,
    pub government_effectiveness: Sourced,
}

impl RegionGovernance {
    /// Governance risk 0..1: one minus the mean of the two percentile ranks.
    pub fn risk(&self) -> f64 {
        1.0 - (self.political_stability.value + self.government_effectiveness.value) / 200.0
    }
}

/// A triangular distribution of a factor on the scenario's value (1 = as given), with
/// its source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Triangular {
    pub low: f64,
    pub mode: f64,
    pub high: f64,
    pub source: String,
}

/// A disruption that may strike in any year of a Monte Carlo run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Disruption {
    pub label: String,
    pub region: String,
    /// `mining`, `separation`, `metal` or `magnets`.
    pub stage: String,
    /// Share of the region's capacity at that stage lost while it lasts.
    pub share: Sourced,
    pub annual_probability: Sourced,
    pub duration_years: Sourced,
}

/// The distributions the Monte Carlo bands sample (`src/montecarlo.rs`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Uncertainty {
    pub note: String,
    pub demand_growth_scale: Triangular,
    pub price_elasticity_short: Triangular,
    pub price_elasticity_long: Triangular,
    pub lead_time_scale: Triangular,
    #[serde(default)]
    pub disruptions: Vec<Disruption>,
}

static DEFAULT: OnceLock<Dataset> = OnceLock::new();
static WORLD_2009: OnceLock<Dataset> = OnceLock::new();

impl Dataset {
    /// The compiled-in default data, parsed and checked once.
    ///
    /// The file is part of the build and covered by tests, so a failure here is a
    /// build defect, not user input; it is still reported, never a silent default.
    pub fn default_data() -> &'static Dataset {
        DEFAULT.get_or_init(|| match Dataset::compiled_in(0) {
            Ok(d) => d,
            Err(e) => panic!("data/default.json is invalid (a build defect): {e}"),
        })
    }

    /// A compiled-in data set by id ([`DATA_SETS`]).
    pub fn named(id: &str) -> Option<&'static Dataset> {
        match id {
            "default" => Some(Dataset::default_data()),
            "world-2009" => Some(WORLD_2009.get_or_init(|| match Dataset::compiled_in(1) {
                Ok(d) => d,
                Err(e) => panic!("data/world-2009.json is invalid (a build defect): {e}"),
            })),
            _ => None,
        }
    }

    /// The data set a scenario runs on: the one its `data` field names, else `self`.
    pub fn for_scenario<'a>(
        &'a self,
        sc: &crate::scenario::Scenario,
    ) -> Result<&'a Dataset, InputErrors> {
        match sc.data.as_deref() {
            None => Ok(self),
            Some(id) => Dataset::named(id).ok_or_else(|| {
                // Quote at most 40 characters of a user's string.
                let shown: String = id.chars().take(40).collect();
                let more = if id.chars().count() > 40 { "…" } else { "" };
                InputError::coded(
                    "data",
                    "unknown_data_set",
                    &[
                        ("value", &format_args!("{shown}{more}")),
                        ("list", &DATA_SETS.join(", ")),
                    ],
                    format!(
                        "unknown data set {shown:?}{more}; the data sets are {}",
                        DATA_SETS.join(", ")
                    ),
                )
                .into()
            }),
        }
    }

    /// A compiled-in data set (0 `default`, 1 `world-2009`). Natively it is parsed with
    /// field paths and checked like
    /// any file; in wasm it is parsed plainly (by `data_de`, which needs less code than
    /// `serde_json`'s own reading of the structs) and not checked again, because the same
    /// bytes pass [`Dataset::from_json`] in the native tests and the path-tracking and
    /// checking code would add about 40 KB to the page gzipped.
    fn compiled_in(which: usize) -> Result<Dataset, InputErrors> {
        #[cfg(target_arch = "wasm32")]
        {
            crate::data_de::from_interleaved(DATA_SETS_INTERLEAVED, which)
                .map_err(|e| InputError::new("", e).into())
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            Dataset::from_json([DEFAULT_DATA_JSON, WORLD_2009_JSON][which])
        }
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
            if !stage && !self.is_magnet_product(p) {
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
            if !self.is_magnet_product(&p.product) {
                errs.push(InputError::new(
                    format!("magnet_plants[{i}].product"),
                    format!("unknown magnet type or family {:?}", p.product),
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
        self.check_market(&mut errs);
        self.check_risk_and_uncertainty(&mut errs);
        if errs.is_empty() {
            Ok(())
        } else {
            Err(InputErrors(errs))
        }
    }

    /// The rules of `governance` and `uncertainty`: known regions and stages, ranges,
    /// sources.
    fn check_risk_and_uncertainty(&self, errs: &mut Vec<InputError>) {
        if let Some(g) = &self.governance {
            for (r, v) in &g.regions {
                let p = format!("governance.regions.{r}");
                if self.region_index(r).is_none() {
                    errs.push(InputError::new(&p, format!("unknown region {r:?}")));
                }
                sourced_in(
                    &format!("{p}.political_stability"),
                    &v.political_stability,
                    0.0,
                    100.0,
                    errs,
                );
                sourced_in(
                    &format!("{p}.government_effectiveness"),
                    &v.government_effectiveness,
                    0.0,
                    100.0,
                    errs,
                );
            }
        }
        if let Some(u) = &self.uncertainty {
            for (name, t) in [
                ("demand_growth_scale", &u.demand_growth_scale),
                ("price_elasticity_short", &u.price_elasticity_short),
                ("price_elasticity_long", &u.price_elasticity_long),
                ("lead_time_scale", &u.lead_time_scale),
            ] {
                let p = format!("uncertainty.{name}");
                check_range(&format!("{p}.low"), t.low, 0.0, 10.0, errs);
                check_range(&format!("{p}.high"), t.high, 0.0, 10.0, errs);
                if !(t.low <= t.mode && t.mode <= t.high && t.low < t.high) {
                    errs.push(InputError::new(
                        format!("{p}.mode"),
                        "must satisfy low <= mode <= high with low < high",
                    ));
                }
                need_source(&format!("{p}.source"), &t.source, errs);
            }
            for (i, d) in u.disruptions.iter().enumerate() {
                let p = format!("uncertainty.disruptions[{i}]");
                if self.region_index(&d.region).is_none() {
                    errs.push(InputError::new(
                        format!("{p}.region"),
                        format!("unknown region {:?}", d.region),
                    ));
                }
                if !["mining", "separation", "metal", "magnets"].contains(&d.stage.as_str()) {
                    errs.push(InputError::new(
                        format!("{p}.stage"),
                        "must be mining, separation, metal or magnets",
                    ));
                }
                sourced_in(&format!("{p}.share"), &d.share, 0.0, 1.0, errs);
                sourced_in(
                    &format!("{p}.annual_probability"),
                    &d.annual_probability,
                    0.0,
                    1.0,
                    errs,
                );
                sourced_in(
                    &format!("{p}.duration_years"),
                    &d.duration_years,
                    0.0,
                    10.0,
                    errs,
                );
                positive(
                    &format!("{p}.duration_years.value"),
                    d.duration_years.value,
                    errs,
                );
            }
        }
    }

    /// A magnet type id or a family named by a magnet type.
    pub fn is_magnet_product(&self, p: &str) -> bool {
        self.magnet_types
            .iter()
            .any(|t| t.id == p || t.family_id() == p)
    }

    /// The rules of the market fields (issue 6 schema): prices, market parameters,
    /// capacity paths, expansion, candidates, magnet grades and the check year.
    fn check_market(&self, errs: &mut Vec<InputError>) {
        let year_lo = 1900.0;
        let year_hi = 2200.0;
        if let Some(p) = &self.prices {
            check_range("prices.year", p.year as f64, year_lo, year_hi, errs);
            need_source("prices.source", &p.source, errs);
            for e in elements::ELEMENTS {
                match p.oxide.get(e) {
                    None => errs.push(InputError::new(
                        format!("prices.oxide.{e}"),
                        "every element needs a price (document unquoted ones in prices.notes)",
                    )),
                    Some(v) => positive(&format!("prices.oxide.{e}"), *v, errs),
                }
            }
            for k in p.oxide.keys().chain(p.notes.keys()) {
                if elements::index_of(k).is_none() {
                    errs.push(InputError::new(
                        format!("prices.{k}"),
                        format!("unknown element {k:?}"),
                    ));
                }
            }
            for (k, v) in &p.notes {
                need_source(&format!("prices.notes.{k}"), v, errs);
            }
        }
        if let Some(p) = &self.policy {
            for (name, per, hi) in [
                ("lead_years", &p.lead_years, 30.0),
                ("ramp_years", &p.ramp_years, 20.0),
                ("capex_usd_per_tpy", &p.capex_usd_per_tpy, 1e7),
            ] {
                for (stage, s) in per.each() {
                    sourced_in(&format!("policy.{name}.{stage}"), s, 0.0, hi, errs);
                }
            }
            for (path, s, lo, hi) in [
                (
                    "policy.stockpile_carrying_rate",
                    &p.stockpile_carrying_rate,
                    0.0,
                    1.0,
                ),
                (
                    "policy.magnet_lifetime_years",
                    &p.magnet_lifetime_years,
                    1.0,
                    100.0,
                ),
                (
                    "policy.other_lifetime_years",
                    &p.other_lifetime_years,
                    1.0,
                    100.0,
                ),
                (
                    "policy.recyclable_share_other",
                    &p.recyclable_share_other,
                    0.0,
                    1.0,
                ),
                ("policy.recycling_rate", &p.recycling_rate, 0.0, 0.9),
                (
                    "policy.max_substitution_per_year",
                    &p.max_substitution_per_year,
                    0.0,
                    1.0,
                ),
                ("policy.exit_price_ratio", &p.exit_price_ratio, 0.0, 1.0),
            ] {
                sourced_in(path, s, lo, hi, errs);
            }
        }
        if let Some(m) = &self.market {
            let below_zero = |path: &str, s: &Sourced, errs: &mut Vec<InputError>| {
                sourced_in(path, s, -10.0, 0.0, errs);
                if s.value >= 0.0 {
                    errs.push(InputError::new(
                        format!("{path}.value"),
                        "an elasticity of demand must be negative",
                    ));
                }
            };
            below_zero("market.elasticity_short", &m.elasticity_short, errs);
            below_zero("market.elasticity_long", &m.elasticity_long, errs);
            for (path, s) in [
                ("market.long_run_years", &m.long_run_years),
                ("market.price_adjust_years", &m.price_adjust_years),
                ("market.normal_cover_years", &m.normal_cover_years),
                ("market.backlog_years", &m.backlog_years),
                ("market.stock_price_exponent", &m.stock_price_exponent),
                ("market.max_quarterly_rise", &m.max_quarterly_rise),
                ("market.price_fall_years", &m.price_fall_years),
                (
                    "market.inventory_expectation_years",
                    &m.inventory_expectation_years,
                ),
                ("market.inventory_adjust_years", &m.inventory_adjust_years),
            ] {
                sourced_in(path, s, 0.0, 50.0, errs);
                positive(&format!("{path}.value"), s.value, errs);
            }
            for (path, s, hi) in [
                ("market.inventory_days", &m.inventory_days, 365.0),
                ("market.inventory_max_days", &m.inventory_max_days, 1000.0),
                (
                    "market.inventory_days_per_rise",
                    &m.inventory_days_per_rise,
                    1000.0,
                ),
                (
                    "market.inventory_control_days",
                    &m.inventory_control_days,
                    1000.0,
                ),
                (
                    "market.inventory_days_per_shortfall",
                    &m.inventory_days_per_shortfall,
                    10000.0,
                ),
            ] {
                sourced_in(path, s, 0.0, hi, errs);
            }
            if m.inventory_max_days.value < m.inventory_days.value {
                errs.push(InputError::new(
                    "market.inventory_max_days.value",
                    "must be at least market.inventory_days",
                ));
            }
            sourced_in(
                "market.price_floor_multiple",
                &m.price_floor_multiple,
                0.0,
                1.0,
                errs,
            );
            positive(
                "market.price_floor_multiple.value",
                m.price_floor_multiple.value,
                errs,
            );
            sourced_in(
                "market.price_cap_multiple",
                &m.price_cap_multiple,
                1.0,
                1000.0,
                errs,
            );
            sourced_in("market.backlog_carry", &m.backlog_carry, 0.0, 1.0, errs);
        }
        // Mines, plants: path, expansion, candidate.
        let mut units: Vec<(String, bool, UnitExtras)> = Vec::new();
        for (i, m) in self.mines.iter().enumerate() {
            units.push((format!("mines[{i}]"), true, UnitExtras::of_mine(m)));
        }
        for (i, p) in self.separation.iter().enumerate() {
            units.push((
                format!("separation[{i}]"),
                false,
                UnitExtras {
                    pipeline: p.pipeline.is_some(),
                    path: p.path.as_ref(),
                    expansion: p.expansion.as_ref(),
                    candidate: p.candidate.as_ref(),
                },
            ));
        }
        for (i, p) in self.metal_plants.iter().enumerate() {
            units.push((
                format!("metal_plants[{i}]"),
                false,
                UnitExtras {
                    pipeline: p.pipeline.is_some(),
                    path: p.path.as_ref(),
                    expansion: p.expansion.as_ref(),
                    candidate: p.candidate.as_ref(),
                },
            ));
        }
        for (i, p) in self.magnet_plants.iter().enumerate() {
            units.push((
                format!("magnet_plants[{i}]"),
                false,
                UnitExtras {
                    pipeline: p.pipeline.is_some(),
                    path: p.path.as_ref(),
                    expansion: p.expansion.as_ref(),
                    candidate: p.candidate.as_ref(),
                },
            ));
        }
        for (path, is_mine, u) in &units {
            if u.pipeline && u.candidate.is_some() {
                errs.push(InputError::new(
                    format!("{path}.candidate"),
                    "a unit has at most one of pipeline (committed, dated) and candidate (price-driven)",
                ));
            }
            if let Some(cp) = u.path {
                check_path(&format!("{path}.path"), cp, errs);
            }
            if let Some(x) = u.expansion {
                let p = format!("{path}.expansion");
                sourced_in(&format!("{p}.max_rate"), &x.max_rate, 0.0, 1.0, errs);
                sourced_in(
                    &format!("{p}.incentive_price"),
                    &x.incentive_price,
                    0.0,
                    1e5,
                    errs,
                );
                positive(
                    &format!("{p}.incentive_price.value"),
                    x.incentive_price.value,
                    errs,
                );
                check_basis(&format!("{p}.basis"), &x.basis, *is_mine, errs);
                sourced_in(&format!("{p}.lead_years"), &x.lead_years, 0.0, 50.0, errs);
            }
            if let Some(c) = u.candidate {
                let p = format!("{path}.candidate");
                sourced_in(
                    &format!("{p}.incentive_price"),
                    &c.incentive_price,
                    0.0,
                    1e5,
                    errs,
                );
                positive(
                    &format!("{p}.incentive_price.value"),
                    c.incentive_price.value,
                    errs,
                );
                check_basis(&format!("{p}.basis"), &c.basis, *is_mine, errs);
                sourced_in(&format!("{p}.lead_years"), &c.lead_years, 0.0, 50.0, errs);
                sourced_in(&format!("{p}.ramp_years"), &c.ramp_years, 0.0, 50.0, errs);
                sourced_in(
                    &format!("{p}.earliest"),
                    &c.earliest,
                    year_lo,
                    year_hi,
                    errs,
                );
            }
        }
        for (i, m) in self.mines.iter().enumerate() {
            if m.candidate.is_some() && !self.ores.iter().any(|o| o.id == m.ore) {
                errs.push(InputError::new(
                    format!("mines[{i}].candidate"),
                    format!("a candidate mine needs an existing ore, not {:?}", m.ore),
                ));
            }
        }
        // Magnet families and didymium.
        for (i, t) in self.magnet_types.iter().enumerate() {
            let path = format!("magnet_types[{i}]");
            if let Some(f) = &t.family {
                if f.trim().is_empty() {
                    errs.push(InputError::new(
                        format!("{path}.family"),
                        "a family id must not be empty",
                    ));
                }
                // A type named like a family belongs to that family.
                if let Some(o) = self.magnet_types.iter().find(|o| &o.id == f) {
                    if o.family_id() != f {
                        errs.push(InputError::new(
                            format!("{path}.family"),
                            format!(
                                "family {f:?} is also the id of a type in family {:?}",
                                o.family_id()
                            ),
                        ));
                    }
                }
            }
            if self.magnet_types[..i].iter().any(|o| o.id == t.id) {
                errs.push(InputError::new(
                    format!("{path}.id"),
                    format!("duplicate magnet type {:?}", t.id),
                ));
            }
            if let Some(d) = &t.didymium {
                let p = format!("{path}.didymium");
                sourced_in(
                    &format!("{p}.pr_share_min"),
                    &d.pr_share_min,
                    0.0,
                    1.0,
                    errs,
                );
                sourced_in(
                    &format!("{p}.pr_share_max"),
                    &d.pr_share_max,
                    0.0,
                    1.0,
                    errs,
                );
                if d.pr_share_min.value > d.pr_share_max.value {
                    errs.push(InputError::new(
                        p.clone(),
                        "pr_share_min must not exceed pr_share_max",
                    ));
                }
                let nd = t.recipe.get("Nd").copied().unwrap_or(0.0);
                let pr = t.recipe.get("Pr").copied().unwrap_or(0.0);
                if nd + pr <= 0.0 {
                    errs.push(InputError::new(
                        p,
                        "a didymium range needs Nd or Pr in the recipe",
                    ));
                } else {
                    let share = pr / (nd + pr);
                    if share < d.pr_share_min.value - 1e-9 || share > d.pr_share_max.value + 1e-9 {
                        errs.push(InputError::new(
                            format!("{path}.recipe.Pr"),
                            format!(
                                "the recipe's Pr share of Nd+Pr {share:.3} lies outside the didymium range"
                            ),
                        ));
                    }
                }
            }
        }
        for (i, s) in self.sectors.iter().enumerate() {
            let Some(mix) = &s.product_mix else { continue };
            let path = format!("sectors[{i}].product_mix");
            if s.product == "oxide" {
                errs.push(InputError::new(
                    path.clone(),
                    "only a magnet sector has a product mix",
                ));
            }
            let mut total = 0.0;
            for (k, v) in mix {
                let kp = format!("{path}.{k}");
                match self.magnet_types.iter().find(|t| &t.id == k) {
                    None => errs.push(InputError::new(
                        kp.clone(),
                        format!("unknown magnet type {k:?}"),
                    )),
                    Some(t) if t.family_id() != s.product => errs.push(InputError::new(
                        kp.clone(),
                        format!(
                            "magnet type {k:?} is of family {:?}, not the sector's product {:?}",
                            t.family_id(),
                            s.product
                        ),
                    )),
                    Some(_) => {}
                }
                sourced_in(&kp, v, 0.0, 1.0, errs);
                total += v.value;
            }
            if (total - 1.0).abs() > 0.02 {
                errs.push(InputError::new(
                    path,
                    format!("shares must add up to 1, got {total}"),
                ));
            }
        }
        if let Some(c) = &self.check_year {
            if c.year <= self.base_year {
                errs.push(InputError::new(
                    "check_year.year",
                    format!("must be after the base year {}", self.base_year),
                ));
            }
            need_source("check_year.source", &c.source, errs);
            for (r, v) in &c.mine_output {
                let p = format!("check_year.mine_output.{r}");
                if self.region_index(r).is_none() {
                    errs.push(InputError::new(p.clone(), format!("unknown region {r:?}")));
                }
                check_range(&p, *v, 0.0, 1e7, errs);
            }
            for (e, v) in &c.prices {
                let p = format!("check_year.prices.{e}");
                if elements::index_of(e).is_none() {
                    errs.push(InputError::new(p.clone(), format!("unknown element {e:?}")));
                }
                positive(&p, *v, errs);
            }
        }
    }
}

/// The optional market fields shared by mines and plants.
struct UnitExtras<'a> {
    pipeline: bool,
    path: Option<&'a CapacityPath>,
    expansion: Option<&'a Expansion>,
    candidate: Option<&'a Candidate>,
}

impl<'a> UnitExtras<'a> {
    fn of_mine(m: &'a Mine) -> Self {
        UnitExtras {
            pipeline: m.pipeline.is_some(),
            path: m.path.as_ref(),
            expansion: m.expansion.as_ref(),
            candidate: m.candidate.as_ref(),
        }
    }
}

fn need_source(path: &str, source: &str, errs: &mut Vec<InputError>) {
    if source.trim().is_empty() {
        errs.push(InputError::new(path, "every number needs a source"));
    }
}

fn sourced_in(path: &str, s: &Sourced, lo: f64, hi: f64, errs: &mut Vec<InputError>) {
    check_range(&format!("{path}.value"), s.value, lo, hi, errs);
    need_source(&format!("{path}.source"), &s.source, errs);
}

fn positive(path: &str, v: f64, errs: &mut Vec<InputError>) {
    if !(v.is_finite() && v > 0.0) {
        errs.push(InputError::new(
            path,
            format!("must be a finite number above 0, got {v}"),
        ));
    }
}

/// `basket` (mines only), `NdPr`, or an element symbol.
fn check_basis(path: &str, basis: &str, is_mine: bool, errs: &mut Vec<InputError>) {
    match basis {
        "basket" if !is_mine => errs.push(InputError::new(
            path,
            "\"basket\" (the value of the unit's ore) applies to mines only",
        )),
        "basket" | "NdPr" => {}
        e if elements::index_of(e).is_some() => {}
        other => errs.push(InputError::new(
            path,
            format!("must be \"basket\", \"NdPr\" or an element symbol, got {other:?}"),
        )),
    }
}

fn check_path(path: &str, cp: &CapacityPath, errs: &mut Vec<InputError>) {
    need_source(&format!("{path}.source"), &cp.source, errs);
    if cp.points.is_empty() {
        errs.push(InputError::new(
            format!("{path}.points"),
            "a path needs at least one point",
        ));
    }
    for (k, [year, cap]) in cp.points.iter().enumerate() {
        check_range(
            &format!("{path}.points[{k}][0]"),
            *year,
            1900.0,
            2200.0,
            errs,
        );
        check_range(&format!("{path}.points[{k}][1]"), *cap, 0.0, 1e7, errs);
        if k > 0 && *year <= cp.points[k - 1][0] {
            errs.push(InputError::new(
                format!("{path}.points[{k}][0]"),
                "path years must be strictly increasing",
            ));
        }
    }
}

/// Capacity on a path at time `t`: each point is a year's figure (a quota, a reported
/// output) and holds from the start of its year to the next point; the first point
/// holds before it, so a year's average is its figure exactly. `None` for no points.
pub fn path_value(points: &[[f64; 2]], t: f64) -> Option<f64> {
    let first = points.first()?;
    Some(
        points
            .iter()
            .take_while(|p| p[0] <= t)
            .last()
            .unwrap_or(first)[1],
    )
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
        for s in &d.sectors {
            for v in s.product_mix.iter().flat_map(|m| m.values()) {
                check(&v.source);
            }
        }
        for t in &d.magnet_types {
            check(&t.reo_per_tonne.source);
            check(&t.recipe_source);
            if let Some(dm) = &t.didymium {
                check(&dm.pr_share_min.source);
                check(&dm.pr_share_max.source);
            }
        }
        let extras = d
            .mines
            .iter()
            .map(|m| (&m.path, &m.expansion, &m.candidate))
            .chain(
                d.separation
                    .iter()
                    .map(|p| (&p.path, &p.expansion, &p.candidate)),
            )
            .chain(
                d.metal_plants
                    .iter()
                    .map(|p| (&p.path, &p.expansion, &p.candidate)),
            )
            .chain(
                d.magnet_plants
                    .iter()
                    .map(|p| (&p.path, &p.expansion, &p.candidate)),
            );
        for (path, x, c) in extras {
            if let Some(p) = path {
                check(&p.source);
            }
            if let Some(x) = x {
                for s in [&x.max_rate, &x.incentive_price, &x.lead_years] {
                    check(&s.source);
                }
            }
            if let Some(c) = c {
                for s in [
                    &c.incentive_price,
                    &c.lead_years,
                    &c.ramp_years,
                    &c.earliest,
                ] {
                    check(&s.source);
                }
            }
        }
        if let Some(p) = &d.prices {
            check(&p.source);
        }
        if let Some(m) = &d.market {
            for s in [
                &m.elasticity_short,
                &m.elasticity_long,
                &m.long_run_years,
                &m.price_adjust_years,
                &m.normal_cover_years,
                &m.price_floor_multiple,
                &m.price_cap_multiple,
                &m.backlog_carry,
                &m.backlog_years,
                &m.stock_price_exponent,
                &m.max_quarterly_rise,
                &m.price_fall_years,
                &m.inventory_days,
                &m.inventory_max_days,
                &m.inventory_days_per_rise,
                &m.inventory_control_days,
                &m.inventory_days_per_shortfall,
                &m.inventory_expectation_years,
                &m.inventory_adjust_years,
            ] {
                check(&s.source);
            }
        }
        if let Some(c) = &d.check_year {
            check(&c.source);
        }
    }

    /// A small data set with every market field, built from the default data, so the
    /// tests below break one field each.
    fn with_market() -> Dataset {
        let mut d = Dataset::default_data().clone();
        let src = |v: f64| Sourced {
            value: v,
            source: "ASSUMPTION: test".into(),
        };
        d.prices = Some(Prices {
            year: 2024,
            source: "ASSUMPTION: test".into(),
            oxide: elements::ELEMENTS
                .iter()
                .map(|e| (e.to_string(), 10.0))
                .collect(),
            notes: BTreeMap::new(),
        });
        d.market = Some(Market {
            elasticity_short: src(-0.15),
            elasticity_long: src(-0.6),
            long_run_years: src(4.0),
            price_adjust_years: src(0.25),
            normal_cover_years: src(0.25),
            price_floor_multiple: src(0.5),
            price_cap_multiple: src(40.0),
            backlog_carry: src(0.5),
            backlog_years: src(0.5),
            stock_price_exponent: src(0.3),
            max_quarterly_rise: src(3.0),
            price_fall_years: src(1.0),
            inventory_days: src(60.0),
            inventory_max_days: src(180.0),
            inventory_days_per_rise: src(30.0),
            inventory_control_days: src(30.0),
            inventory_days_per_shortfall: src(365.0),
            inventory_expectation_years: src(0.5),
            inventory_adjust_years: src(0.5),
        });
        d.mines[0].path = Some(CapacityPath {
            points: vec![[2024.0, 100.0], [2025.0, 110.0]],
            source: "ASSUMPTION: test".into(),
        });
        d.mines[0].expansion = Some(Expansion {
            max_rate: src(0.1),
            incentive_price: src(10.0),
            basis: "basket".into(),
            lead_years: src(1.0),
        });
        d.separation[0].candidate = None;
        d.magnet_plants[0].expansion = Some(Expansion {
            max_rate: src(0.1),
            incentive_price: src(60.0),
            basis: "NdPr".into(),
            lead_years: src(1.0),
        });
        d.metal_plants[0].candidate = None;
        d.check_year = Some(CheckYear {
            year: 2025,
            source: "ASSUMPTION: test".into(),
            mine_output: [("CN".to_string(), 270000.0)].into_iter().collect(),
            prices: [("Nd".to_string(), 73.0)].into_iter().collect(),
        });
        d.check().expect("the test data set is valid");
        d
    }

    fn err_of(d: &Dataset) -> String {
        d.check().unwrap_err().to_string()
    }

    fn mine_candidate() -> Candidate {
        let src = |v: f64| Sourced {
            value: v,
            source: "ASSUMPTION: test".into(),
        };
        Candidate {
            incentive_price: src(20.0),
            basis: "basket".into(),
            lead_years: src(7.0),
            ramp_years: src(2.0),
            earliest: src(2030.0),
        }
    }

    #[test]
    fn prices_must_cover_every_element_and_be_positive() {
        let mut d = with_market();
        d.prices.as_mut().unwrap().oxide.remove("Tm");
        assert!(err_of(&d).contains("prices.oxide.Tm"), "{}", err_of(&d));
        let mut d = with_market();
        d.prices.as_mut().unwrap().oxide.insert("Nd".into(), 0.0);
        assert!(err_of(&d).contains("prices.oxide.Nd: must be a finite number above 0"));
        let mut d = with_market();
        d.prices
            .as_mut()
            .unwrap()
            .notes
            .insert("Xx".into(), "why".into());
        assert!(err_of(&d).contains("prices.Xx: unknown element"));
    }

    #[test]
    fn governance_and_uncertainty_are_checked_by_field() {
        let d = Dataset::default_data();
        assert!(d.governance.as_ref().unwrap().regions.len() == d.regions.len());
        let mut x = d.clone();
        let g = x.governance.as_mut().unwrap();
        let cn = g.regions.get("CN").unwrap().clone();
        g.regions.insert("Mordor".into(), cn);
        assert!(err_of(&x).contains("governance.regions.Mordor: unknown region"));
        let mut x = d.clone();
        x.governance
            .as_mut()
            .unwrap()
            .regions
            .get_mut("JP")
            .unwrap()
            .political_stability
            .value = 120.0;
        assert!(err_of(&x).contains("governance.regions.JP.political_stability.value"));
        let mut x = d.clone();
        x.uncertainty.as_mut().unwrap().lead_time_scale.mode = 3.0;
        assert!(err_of(&x)
            .contains("uncertainty.lead_time_scale.mode: must satisfy low <= mode <= high"));
        let mut x = d.clone();
        x.uncertainty.as_mut().unwrap().disruptions[0].stage = "smelting".into();
        assert!(err_of(&x).contains("uncertainty.disruptions[0].stage"));
        let mut x = d.clone();
        x.uncertainty.as_mut().unwrap().disruptions[1]
            .annual_probability
            .source = String::new();
        assert!(err_of(&x).contains("uncertainty.disruptions[1].annual_probability.source"));
    }

    #[test]
    fn market_parameters_are_checked() {
        let mut d = with_market();
        d.market.as_mut().unwrap().elasticity_short.value = 0.2;
        let e = err_of(&d);
        assert!(e.contains("market.elasticity_short.value"), "{e}");
        let mut d = with_market();
        d.market.as_mut().unwrap().elasticity_long.value = 0.0;
        assert!(err_of(&d).contains("market.elasticity_long.value: an elasticity"));
        let mut d = with_market();
        d.market.as_mut().unwrap().backlog_carry.value = 1.5;
        assert!(err_of(&d).contains("market.backlog_carry.value"));
        let mut d = with_market();
        d.market.as_mut().unwrap().price_adjust_years.value = 0.0;
        assert!(err_of(&d).contains("market.price_adjust_years.value"));
        let mut d = with_market();
        d.market.as_mut().unwrap().price_floor_multiple.source = " ".into();
        assert!(err_of(&d).contains("market.price_floor_multiple.source"));
        let mut d = with_market();
        d.market.as_mut().unwrap().inventory_days.value = f64::NAN;
        assert!(err_of(&d).contains("market.inventory_days.value"));
        let mut d = with_market();
        d.market.as_mut().unwrap().inventory_max_days.value = 30.0;
        assert!(err_of(&d).contains("market.inventory_max_days.value: must be at least"));
        let mut d = with_market();
        d.market.as_mut().unwrap().inventory_adjust_years.value = 0.0;
        assert!(err_of(&d).contains("market.inventory_adjust_years.value"));
        let mut d = with_market();
        d.market.as_mut().unwrap().inventory_days_per_rise.value = -1.0;
        assert!(err_of(&d).contains("market.inventory_days_per_rise.value"));
    }

    #[test]
    fn path_years_must_increase() {
        let mut d = with_market();
        d.mines[0].path.as_mut().unwrap().points = vec![[2025.0, 1.0], [2024.0, 2.0]];
        assert!(err_of(&d)
            .contains("mines[0].path.points[1][0]: path years must be strictly increasing"));
        let mut d = with_market();
        d.mines[0].path.as_mut().unwrap().points.clear();
        assert!(err_of(&d).contains("mines[0].path.points"));
        let mut d = with_market();
        d.mines[0].path.as_mut().unwrap().points[1][1] = -5.0;
        assert!(err_of(&d).contains("mines[0].path.points[1][1]"));
    }

    #[test]
    fn expansion_and_candidate_fields_are_checked() {
        let mut d = with_market();
        d.mines[0].expansion.as_mut().unwrap().max_rate.value = 2.0;
        assert!(err_of(&d).contains("mines[0].expansion.max_rate.value"));
        let mut d = with_market();
        d.magnet_plants[0].expansion.as_mut().unwrap().basis = "basket".into();
        assert!(err_of(&d).contains("magnet_plants[0].expansion.basis: \"basket\""));
        let mut d = with_market();
        d.magnet_plants[0].expansion.as_mut().unwrap().basis = "NdFe".into();
        assert!(err_of(&d).contains("magnet_plants[0].expansion.basis: must be"));
        let mut d = with_market();
        d.magnet_plants[0].expansion.as_mut().unwrap().basis = "Dy".into();
        d.check().unwrap();
        let mut d = with_market();
        d.mines[1].candidate = Some(mine_candidate());
        d.check().unwrap();
        d.mines[1].candidate.as_mut().unwrap().incentive_price.value = 0.0;
        assert!(err_of(&d).contains("mines[1].candidate.incentive_price.value"));
        let mut d = with_market();
        let mut c = mine_candidate();
        c.ramp_years.value = -1.0;
        d.mines[1].candidate = Some(c);
        assert!(err_of(&d).contains("mines[1].candidate.ramp_years.value"));
    }

    #[test]
    fn a_unit_has_at_most_one_of_pipeline_and_candidate() {
        let mut d = with_market();
        let i = d.mines.iter().position(|m| m.pipeline.is_some()).unwrap();
        d.mines[i].candidate = Some(mine_candidate());
        assert!(
            err_of(&d).contains(&format!("mines[{i}].candidate: a unit has at most one")),
            "{}",
            err_of(&d)
        );
    }

    #[test]
    fn a_candidate_mine_names_an_existing_ore() {
        let mut d = with_market();
        d.mines[1].candidate = Some(mine_candidate());
        d.mines[1].ore = "unobtainium".into();
        let e = err_of(&d);
        assert!(
            e.contains("mines[1].candidate: a candidate mine needs an existing ore"),
            "{e}"
        );
        assert!(e.contains("mines[1].ore: unknown ore"), "{e}");
    }

    #[test]
    fn magnet_families_and_product_mix_are_checked() {
        let mut d = with_market();
        // Split NdFeB into two grades of one family, if the data has not done so.
        if !d.magnet_types.iter().any(|t| t.id == "NdFeB-DyTb") {
            let mut g = d.magnet_types[0].clone();
            g.id = "NdFeB-DyTb".into();
            g.family = Some("NdFeB".into());
            d.magnet_types.push(g);
        }
        let k = d.sectors.iter().position(|s| s.product == "NdFeB").unwrap();
        let src = |v: f64| Sourced {
            value: v,
            source: "ASSUMPTION: test".into(),
        };
        let mix: BTreeMap<String, Sourced> = [
            ("NdFeB-DyTb".to_string(), src(0.7)),
            ("NdFeB".to_string(), src(0.3)),
        ]
        .into_iter()
        .collect();
        d.sectors[k].product_mix = Some(mix.clone());
        d.check().unwrap();
        d.sectors[k]
            .product_mix
            .as_mut()
            .unwrap()
            .insert("NdFeB".into(), src(0.5));
        assert!(err_of(&d).contains(&format!(
            "sectors[{k}].product_mix: shares must add up to 1"
        )));
        d.sectors[k].product_mix = Some(mix.clone());
        d.sectors[k]
            .product_mix
            .as_mut()
            .unwrap()
            .insert("SmCo".into(), src(0.0));
        assert!(err_of(&d).contains(&format!(
            "sectors[{k}].product_mix.SmCo: magnet type \"SmCo\" is of family"
        )));
        d.sectors[k].product_mix = Some(mix);
        d.sectors[k]
            .product_mix
            .as_mut()
            .unwrap()
            .insert("AlNiCo".into(), src(0.0));
        assert!(err_of(&d).contains(&format!(
            "sectors[{k}].product_mix.AlNiCo: unknown magnet type"
        )));
        // A family that is also the id of a type of another family.
        let mut d2 = d.clone();
        d2.sectors[k].product_mix = None;
        let t = d2
            .magnet_types
            .iter()
            .position(|t| t.id == "NdFeB-DyTb")
            .unwrap();
        d2.magnet_types[t].family = Some("SmCo".into());
        let s = d2.magnet_types.iter().position(|t| t.id == "SmCo").unwrap();
        d2.magnet_types[s].family = Some("Other".into());
        assert!(err_of(&d2).contains(&format!(
            "magnet_types[{t}].family: family \"SmCo\" is also the id"
        )));
        // An oxide sector has no product mix.
        let mut d3 = with_market();
        let o = d3
            .sectors
            .iter()
            .position(|s| s.product == "oxide")
            .unwrap();
        d3.sectors[o].product_mix = Some(BTreeMap::new());
        assert!(err_of(&d3).contains(&format!("sectors[{o}].product_mix: only a magnet sector")));
    }

    #[test]
    fn didymium_range_is_checked_against_the_recipe() {
        let mut d = with_market();
        let i = d
            .magnet_types
            .iter()
            .position(|t| t.recipe.contains_key("Pr"))
            .unwrap();
        let src = |v: f64| Sourced {
            value: v,
            source: "ASSUMPTION: test".into(),
        };
        d.magnet_types[i].didymium = Some(Didymium {
            pr_share_min: src(0.0),
            pr_share_max: src(0.5),
        });
        d.check().unwrap();
        d.magnet_types[i]
            .didymium
            .as_mut()
            .unwrap()
            .pr_share_min
            .value = 0.6;
        let e = err_of(&d);
        assert!(
            e.contains(&format!(
                "magnet_types[{i}].didymium: pr_share_min must not exceed"
            )),
            "{e}"
        );
        assert!(e.contains(&format!("magnet_types[{i}].recipe.Pr")), "{e}");
    }

    #[test]
    fn check_year_is_checked() {
        let mut d = with_market();
        d.check_year.as_mut().unwrap().year = 2024;
        assert!(err_of(&d).contains("check_year.year: must be after the base year"));
        let mut d = with_market();
        d.check_year
            .as_mut()
            .unwrap()
            .mine_output
            .insert("XX".into(), 1.0);
        assert!(err_of(&d).contains("check_year.mine_output.XX: unknown region"));
        let mut d = with_market();
        d.check_year
            .as_mut()
            .unwrap()
            .prices
            .insert("Dy".into(), -1.0);
        assert!(err_of(&d).contains("check_year.prices.Dy"));
    }

    #[test]
    fn an_old_file_without_market_fields_still_parses() {
        let mut v: serde_json::Value = serde_json::from_str(DEFAULT_DATA_JSON).unwrap();
        let o = v.as_object_mut().unwrap();
        for k in ["prices", "market", "check_year"] {
            o.remove(k);
        }
        for list in ["mines", "separation", "metal_plants", "magnet_plants"] {
            for u in o[list].as_array_mut().unwrap() {
                let u = u.as_object_mut().unwrap();
                for k in ["path", "expansion", "candidate"] {
                    u.remove(k);
                }
            }
        }
        let d: Dataset = serde_json::from_value(v).unwrap();
        assert!(d.prices.is_none() && d.market.is_none());
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
