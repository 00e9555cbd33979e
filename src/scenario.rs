//! The scenario: what a user changes. Alliances, export controls, tariffs, shocks and
//! assumptions, read from JSON and validated against the data set.
//!
//! Every error names the field path (`export_controls[0].measure.approval_share`) and
//! the reason. Ids are region ids of the data set (`CN`, `US`, `EU`, …) or, where a
//! list of partners is expected, alliance ids of the scenario.

use crate::data::Dataset;
use crate::elements;
use crate::error::{check_range, from_json, InputError, InputErrors};
use crate::policies::{
    Investment, PriceFloor, Research, Retaliation, Stockpile, TechnologyControl,
};
use serde::{Deserialize, Serialize};

/// Version of the scenario format written by this build.
pub const SCENARIO_VERSION: u32 = 1;

/// Limits on what a scenario may hold, so that a hostile or broken file is refused at
/// once with a message instead of freezing the page (every check below is linear in
/// the input). Presets and any scenario a person writes by hand stay far below them.
pub mod limits {
    /// Largest scenario text, in bytes.
    pub const MAX_BYTES: usize = 256 * 1024;
    pub const MAX_ALLIANCES: usize = 64;
    pub const MAX_EXPORT_CONTROLS: usize = 256;
    pub const MAX_TARIFFS: usize = 256;
    pub const MAX_SHOCKS: usize = 256;
    /// Characters of an id (alliance id, region reference).
    pub const MAX_ID_CHARS: usize = 64;
    /// Characters of a name or label.
    pub const MAX_NAME_CHARS: usize = 200;
    /// Characters of the scenario's description.
    pub const MAX_DESCRIPTION_CHARS: usize = 4000;
    /// Entries of a product or element list (repeats are harmless, but bounded).
    pub const MAX_LIST: usize = 64;
    /// Problems reported at once; the rest are counted.
    pub const MAX_REPORTED_ERRORS: usize = 50;
}

/// A policy's time window: `start` (and `end`, if any) within 1900-2200, `end` after
/// `start`; problems named at `{p}.start` and `{p}.end`.
pub(crate) fn check_window(p: &str, start: f64, end: Option<f64>, errs: &mut Vec<InputError>) {
    check_range(&format!("{p}.start"), start, 1900.0, 2200.0, errs);
    if let Some(e) = end {
        check_range(&format!("{p}.end"), e, 1900.0, 2200.0, errs);
        if e.is_finite() && start.is_finite() && e <= start {
            errs.push(InputError::coded(
                format!("{p}.end"),
                "end_before_start",
                &[("start", &start), ("end", &e)],
                format!("must be after start {start}, got {e}"),
            ));
        }
    }
}

/// A user's string quoted for a message, cut to 40 characters so that a hostile
/// megabyte-long id does not become a megabyte-long message.
pub(crate) fn shown(s: &str) -> String {
    if s.chars().count() <= 40 {
        format!("{s:?}")
    } else {
        format!("{:?}…", s.chars().take(40).collect::<String>())
    }
}

/// How many times [`Scenario::validate`] ran in this process: the page's tests read it
/// to check that a change validates the scenario once (`validationCount()` in wasm).
static VALIDATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The number of validations so far (see [`VALIDATIONS`]).
pub fn validation_count() -> u64 {
    VALIDATIONS.load(std::sync::atomic::Ordering::Relaxed)
}

/// An unknown reference (region, alliance, element), with the user's string cut.
pub(crate) fn unknown(path: String, code: &'static str, value: &str) -> InputError {
    let what = match code {
        "unknown_region" => "region",
        "unknown_group" => "region or alliance",
        _ => "element",
    };
    let cut: String = value.chars().take(40).collect();
    let more = if value.chars().count() > 40 {
        "…"
    } else {
        ""
    };
    InputError::coded(
        path,
        code,
        &[("value", &format_args!("{cut}{more}"))],
        format!("unknown {what} {}", shown(value)),
    )
}

/// A traded product at one stage of the chain.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Product {
    /// Mixed concentrate from mines, fed to separation.
    Concentrate,
    /// Separated oxides, fed to metal making and to other end uses.
    Oxide,
    /// Rare earth metal and alloy, fed to magnet making.
    Metal,
    /// Finished magnets (NdFeB, SmCo).
    Magnet,
}

/// A supply-chain stage that a shock can hit.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Mining,
    Separation,
    Metal,
    Magnets,
}

#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alliance {
    /// Short id, distinct from every region id.
    pub id: String,
    pub name: String,
    /// Region ids.
    pub members: Vec<String>,
}

/// What an export control does to shipments to destinations that are not exempt.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Measure {
    /// Nothing ships to non-exempt destinations.
    Ban,
    /// At most this many tonnes a year (REO for concentrate, oxide and metal, magnets
    /// for magnets) ship to all non-exempt destinations together.
    Quota { tonnes_per_year: f64 },
    /// Licences are needed: after the delay, this share of what buyers ask for is
    /// approved; before it, nothing ships.
    Licensing {
        approval_share: f64,
        delay_days: f64,
    },
}

#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportControl {
    /// Region id of the exporter.
    pub exporter: String,
    pub products: Vec<Product>,
    /// Element symbols covered; empty means all. Concentrate, metal (alloy for
    /// magnets) and magnets are covered when they contain a listed element.
    #[serde(default)]
    pub elements: Vec<String>,
    pub measure: Measure,
    /// Region or alliance ids exempt from the control.
    #[serde(default)]
    pub trusted_partners: Vec<String>,
    /// Whether every region sharing an alliance with the exporter is exempt.
    #[serde(default)]
    pub exempt_allies: bool,
    /// Decimal year the control starts.
    pub start: f64,
    /// Decimal year it ends; none = in force to the horizon.
    #[serde(default)]
    pub end: Option<f64>,
}

#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tariff {
    /// Region or alliance id (an alliance id applies to every member).
    pub importer: String,
    /// Region or alliance id, or `*` for every other region.
    pub exporter: String,
    pub products: Vec<Product>,
    /// Ad valorem rate: 0.25 = 25%.
    pub rate: f64,
    pub start: f64,
    #[serde(default)]
    pub end: Option<f64>,
}

#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shock {
    pub region: String,
    pub stage: Stage,
    /// Share of the region's capacity at that stage lost while the shock lasts.
    pub share: f64,
    pub start: f64,
    pub end: f64,
    #[serde(default)]
    pub label: String,
}

/// Uncertain facts a user may change (levers are the other sections).
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Assumptions {
    /// Multiplies every sector's demand growth rate (1 = the data's rates).
    pub demand_growth_scale: f64,
    /// Overrides the data's separation recovery (share of feed leaving as oxide).
    pub separation_recovery: Option<f64>,
    /// Overrides the data's tariff sensitivity exponent.
    pub tariff_sensitivity: Option<f64>,
    /// Overrides the data's short-run (< 1 year) price elasticity of demand (negative).
    #[serde(default)]
    pub price_elasticity_short: Option<f64>,
    /// Overrides the data's long-run (5+ years) price elasticity of demand (negative).
    #[serde(default)]
    pub price_elasticity_long: Option<f64>,
    /// Multiplies the lead time of every price-driven candidate project and expansion
    /// (1 = the data's lead times; the Monte Carlo bands sample it).
    #[serde(default)]
    pub lead_time_scale: Option<f64>,
}

impl Default for Assumptions {
    fn default() -> Self {
        Assumptions {
            demand_growth_scale: 1.0,
            separation_recovery: None,
            tariff_sensitivity: None,
            price_elasticity_short: None,
            price_elasticity_long: None,
            lead_time_scale: None,
        }
    }
}

fn default_version() -> u32 {
    SCENARIO_VERSION
}
fn default_start() -> f64 {
    2024.0
}
fn default_end() -> f64 {
    2050.0
}
fn default_steps() -> u32 {
    4
}

/// A complete scenario. Missing sections take their defaults, so `{}` is the base
/// case with no alliances and no policies.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default = "default_version")]
    pub schema_version: u32,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The data set: omitted (or `default`) for the default data, base year 2024;
    /// `world-2009` for the world of 2009 (the `replay-2010` preset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// First simulated year; must be the data's base year.
    #[serde(default = "default_start")]
    pub start_year: f64,
    /// The run covers `[start_year, end_year)`.
    #[serde(default = "default_end")]
    pub end_year: f64,
    /// 1, 2, 4 (quarters, the default) or 12.
    #[serde(default = "default_steps")]
    pub steps_per_year: u32,
    #[serde(default)]
    pub alliances: Vec<Alliance>,
    #[serde(default)]
    pub export_controls: Vec<ExportControl>,
    #[serde(default)]
    pub tariffs: Vec<Tariff>,
    #[serde(default)]
    pub shocks: Vec<Shock>,
    #[serde(default)]
    pub assumptions: Assumptions,
    /// Allied investment and joint ventures (see `src/policies.rs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub investments: Vec<Investment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stockpiles: Vec<Stockpile>,
    /// Research into recycling and substitution.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub research: Vec<Research>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub price_floors: Vec<PriceFloor>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub technology_controls: Vec<TechnologyControl>,
    #[serde(default, skip_serializing_if = "Retaliation::is_off")]
    pub retaliation: Retaliation,
    /// A question for a class (presets carry one).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub question: String,
}

impl Retaliation {
    fn is_off(&self) -> bool {
        *self == Retaliation::default()
    }
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            schema_version: SCENARIO_VERSION,
            name: String::new(),
            description: String::new(),
            data: None,
            start_year: default_start(),
            end_year: default_end(),
            steps_per_year: default_steps(),
            alliances: Vec::new(),
            export_controls: Vec::new(),
            tariffs: Vec::new(),
            shocks: Vec::new(),
            assumptions: Assumptions::default(),
            investments: Vec::new(),
            stockpiles: Vec::new(),
            research: Vec::new(),
            price_floors: Vec::new(),
            technology_controls: Vec::new(),
            retaliation: Retaliation::default(),
            question: String::new(),
        }
    }
}

impl Scenario {
    /// Parse JSON and validate against the data set.
    pub fn from_json(text: &str, data: &Dataset) -> Result<Scenario, InputErrors> {
        let s = Scenario::parse(text)?;
        s.validate(data)?;
        Ok(s)
    }

    /// Parse JSON (size and types) without validating against a data set: for a caller
    /// that changes the scenario and then validates it once (the page's slider path:
    /// parse, apply the inputs, run, which validates).
    pub fn parse(text: &str) -> Result<Scenario, InputErrors> {
        if text.len() > limits::MAX_BYTES {
            let (kb, max) = (text.len().div_ceil(1024), limits::MAX_BYTES / 1024);
            return Err(InputError::coded(
                "",
                "too_large",
                &[("kb", &kb), ("max", &max)],
                format!("the scenario is {kb} KB; a scenario may be at most {max} KB"),
            )
            .into());
        }
        Ok(from_json(text)?)
    }

    /// JSON Schema (draft 2020-12) of the scenario format.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn json_schema() -> String {
        serde_json::to_string_pretty(&schemars::schema_for!(Scenario)).unwrap_or_default()
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Number of simulation steps.
    pub fn n_steps(&self) -> usize {
        ((self.end_year - self.start_year) * self.steps_per_year as f64).round() as usize
    }

    /// Every rule a scenario must satisfy, all errors at once, checked against the
    /// data set it names (`data`), or `data` when it names none.
    pub fn validate(&self, data: &Dataset) -> Result<(), InputErrors> {
        VALIDATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let data = data.for_scenario(self)?;
        // Counts first: a list over its limit is refused before any of it is read.
        let mut errs = Vec::new();
        let count = |path: &str, n: usize, max: usize, what: &str, errs: &mut Vec<InputError>| {
            if n > max {
                errs.push(InputError::coded(
                    path,
                    "too_many",
                    &[("max", &max), ("n", &n)],
                    format!("at most {max} {what}, got {n}"),
                ));
            }
        };
        count(
            "alliances",
            self.alliances.len(),
            limits::MAX_ALLIANCES,
            "alliances",
            &mut errs,
        );
        count(
            "export_controls",
            self.export_controls.len(),
            limits::MAX_EXPORT_CONTROLS,
            "export controls",
            &mut errs,
        );
        count(
            "tariffs",
            self.tariffs.len(),
            limits::MAX_TARIFFS,
            "tariffs",
            &mut errs,
        );
        count(
            "shocks",
            self.shocks.len(),
            limits::MAX_SHOCKS,
            "shocks",
            &mut errs,
        );
        let n_regions = data.regions.len();
        let n_groups = n_regions + self.alliances.len();
        let n_elements = elements::ELEMENTS.len();
        for (i, a) in self
            .alliances
            .iter()
            .enumerate()
            .take(limits::MAX_ALLIANCES)
        {
            count(
                &format!("alliances[{i}].members"),
                a.members.len(),
                n_regions,
                "members (the number of regions)",
                &mut errs,
            );
        }
        for (i, c) in self
            .export_controls
            .iter()
            .enumerate()
            .take(limits::MAX_EXPORT_CONTROLS)
        {
            let p = format!("export_controls[{i}]");
            count(
                &format!("{p}.products"),
                c.products.len(),
                limits::MAX_LIST,
                "products",
                &mut errs,
            );
            count(
                &format!("{p}.elements"),
                c.elements.len(),
                limits::MAX_LIST.max(n_elements),
                "elements",
                &mut errs,
            );
            count(
                &format!("{p}.trusted_partners"),
                c.trusted_partners.len(),
                n_groups,
                "trusted partners (the number of regions and alliances)",
                &mut errs,
            );
        }
        for (i, t) in self.tariffs.iter().enumerate().take(limits::MAX_TARIFFS) {
            count(
                &format!("tariffs[{i}].products"),
                t.products.len(),
                limits::MAX_LIST,
                "products",
                &mut errs,
            );
        }
        if !errs.is_empty() {
            return Err(InputErrors(errs));
        }
        let text = |path: String, v: &str, max: usize, errs: &mut Vec<InputError>| {
            let n = v.chars().count();
            if n > max {
                errs.push(InputError::coded(
                    path,
                    "too_long",
                    &[("max", &max), ("n", &n)],
                    format!("at most {max} characters, got {n}"),
                ));
            }
        };
        text("name".into(), &self.name, limits::MAX_NAME_CHARS, &mut errs);
        text(
            "description".into(),
            &self.description,
            limits::MAX_DESCRIPTION_CHARS,
            &mut errs,
        );
        if self.schema_version != SCENARIO_VERSION {
            errs.push(InputError::coded(
                "schema_version",
                "version",
                &[("want", &SCENARIO_VERSION), ("got", &self.schema_version)],
                format!(
                    "this build reads version {SCENARIO_VERSION}, got {}",
                    self.schema_version
                ),
            ));
        }
        if self.start_year != data.base_year as f64 {
            errs.push(InputError::coded(
                "start_year",
                "start_year",
                &[("base", &data.base_year)],
                format!("must be the data's base year {}", data.base_year),
            ));
        }
        check_range(
            "end_year",
            self.end_year,
            self.start_year + 1.0,
            2100.0,
            &mut errs,
        );
        if ![1, 2, 4, 12].contains(&self.steps_per_year) {
            errs.push(InputError::coded(
                "steps_per_year",
                "steps_per_year",
                &[("got", &self.steps_per_year)],
                format!("must be 1, 2, 4 or 12, got {}", self.steps_per_year),
            ));
        }
        let is_region = |id: &str| data.region_index(id).is_some();
        // Alliance ids in a set: duplicates and references are checked in linear time.
        let mut alliance_ids = std::collections::HashSet::new();
        for (i, a) in self.alliances.iter().enumerate() {
            let p = format!("alliances[{i}]");
            text(
                format!("{p}.name"),
                &a.name,
                limits::MAX_NAME_CHARS,
                &mut errs,
            );
            let n = a.id.chars().count();
            if n > limits::MAX_ID_CHARS {
                errs.push(InputError::coded(
                    format!("{p}.id"),
                    "too_long",
                    &[("max", &limits::MAX_ID_CHARS), ("n", &n)],
                    format!("at most {} characters", limits::MAX_ID_CHARS),
                ));
            } else if a.id.trim().is_empty() {
                errs.push(InputError::coded(
                    format!("{p}.id"),
                    "empty",
                    &[],
                    "must not be empty",
                ));
            } else if is_region(&a.id) {
                errs.push(InputError::coded(
                    format!("{p}.id"),
                    "id_is_region",
                    &[("id", &a.id)],
                    format!("{:?} is a region id; choose another", a.id),
                ));
            } else if !alliance_ids.insert(a.id.as_str()) {
                errs.push(InputError::coded(
                    format!("{p}.id"),
                    "duplicate_id",
                    &[("id", &a.id)],
                    format!("duplicate alliance {:?}", a.id),
                ));
            }
            for (k, m) in a.members.iter().enumerate() {
                if !is_region(m) {
                    errs.push(unknown(format!("{p}.members[{k}]"), "unknown_region", m));
                }
            }
        }
        let is_group = |id: &str| is_region(id) || alliance_ids.contains(id);
        let window = check_window;
        let products = |p: &str, v: &[Product], errs: &mut Vec<InputError>| {
            if v.is_empty() {
                errs.push(InputError::coded(
                    format!("{p}.products"),
                    "no_products",
                    &[],
                    "name at least one product",
                ));
            }
        };
        for (i, c) in self.export_controls.iter().enumerate() {
            let p = format!("export_controls[{i}]");
            if !is_region(&c.exporter) {
                errs.push(unknown(
                    format!("{p}.exporter"),
                    "unknown_region",
                    &c.exporter,
                ));
            }
            products(&p, &c.products, &mut errs);
            for (k, e) in c.elements.iter().enumerate() {
                if elements::index_of(e).is_none() {
                    errs.push(unknown(format!("{p}.elements[{k}]"), "unknown_element", e));
                }
            }
            for (k, t) in c.trusted_partners.iter().enumerate() {
                if !is_group(t) {
                    errs.push(unknown(
                        format!("{p}.trusted_partners[{k}]"),
                        "unknown_group",
                        t,
                    ));
                }
            }
            match &c.measure {
                Measure::Ban => {}
                Measure::Quota { tonnes_per_year } => check_range(
                    &format!("{p}.measure.tonnes_per_year"),
                    *tonnes_per_year,
                    0.0,
                    1e7,
                    &mut errs,
                ),
                Measure::Licensing {
                    approval_share,
                    delay_days,
                } => {
                    check_range(
                        &format!("{p}.measure.approval_share"),
                        *approval_share,
                        0.0,
                        1.0,
                        &mut errs,
                    );
                    check_range(
                        &format!("{p}.measure.delay_days"),
                        *delay_days,
                        0.0,
                        3650.0,
                        &mut errs,
                    );
                }
            }
            window(&p, c.start, c.end, &mut errs);
        }
        for (i, t) in self.tariffs.iter().enumerate() {
            let p = format!("tariffs[{i}]");
            if !is_group(&t.importer) {
                errs.push(unknown(
                    format!("{p}.importer"),
                    "unknown_group",
                    &t.importer,
                ));
            }
            if t.exporter != "*" && !is_group(&t.exporter) {
                errs.push(unknown(
                    format!("{p}.exporter"),
                    "unknown_group",
                    &t.exporter,
                ));
            }
            products(&p, &t.products, &mut errs);
            check_range(&format!("{p}.rate"), t.rate, 0.0, 10.0, &mut errs);
            window(&p, t.start, t.end, &mut errs);
        }
        for (i, s) in self.shocks.iter().enumerate() {
            let p = format!("shocks[{i}]");
            if !is_region(&s.region) {
                errs.push(unknown(format!("{p}.region"), "unknown_region", &s.region));
            }
            check_range(&format!("{p}.share"), s.share, 0.0, 1.0, &mut errs);
            window(&p, s.start, Some(s.end), &mut errs);
            text(
                format!("{p}.label"),
                &s.label,
                limits::MAX_NAME_CHARS,
                &mut errs,
            );
        }
        text(
            "question".into(),
            &self.question,
            limits::MAX_DESCRIPTION_CHARS,
            &mut errs,
        );
        crate::policies::validate(
            &self.investments,
            &self.stockpiles,
            &self.research,
            &self.price_floors,
            &self.technology_controls,
            &self.retaliation,
            data,
            &is_group,
            &mut errs,
        );
        let a = &self.assumptions;
        check_range(
            "assumptions.demand_growth_scale",
            a.demand_growth_scale,
            0.0,
            5.0,
            &mut errs,
        );
        if let Some(r) = a.separation_recovery {
            check_range("assumptions.separation_recovery", r, 0.5, 1.0, &mut errs);
        }
        if let Some(s) = a.tariff_sensitivity {
            check_range("assumptions.tariff_sensitivity", s, 0.0, 50.0, &mut errs);
        }
        if let Some(e) = self.assumptions.price_elasticity_short {
            check_range(
                "assumptions.price_elasticity_short",
                e,
                -2.0,
                -0.01,
                &mut errs,
            );
        }
        if let Some(e) = self.assumptions.price_elasticity_long {
            check_range(
                "assumptions.price_elasticity_long",
                e,
                -3.0,
                -0.01,
                &mut errs,
            );
        }
        if let Some(x) = self.assumptions.lead_time_scale {
            check_range("assumptions.lead_time_scale", x, 0.25, 4.0, &mut errs);
        }
        if errs.len() > limits::MAX_REPORTED_ERRORS {
            let more = errs.len() - limits::MAX_REPORTED_ERRORS;
            errs.truncate(limits::MAX_REPORTED_ERRORS);
            errs.push(InputError::coded(
                "",
                "more_problems",
                &[("n", &more)],
                format!("and {more} more problems"),
            ));
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(InputErrors(errs))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> &'static Dataset {
        Dataset::default_data()
    }

    #[test]
    fn empty_object_is_the_base_case() {
        let s = Scenario::from_json("{}", data()).unwrap();
        assert_eq!(s, Scenario::default());
        assert_eq!(s.n_steps(), 104);
    }

    #[test]
    fn syntax_error_says_where() {
        let e = Scenario::from_json("{\"end_year\": }", data())
            .unwrap_err()
            .to_string();
        assert!(e.contains("not valid JSON") && e.contains("line 1"), "{e}");
    }

    #[test]
    fn wrong_type_names_the_path() {
        let e = Scenario::from_json(r#"{"shocks":[{"region":"MM","stage":"mining","share":"half","start":2026,"end":2027}]}"#, data())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("shocks[0].share"), "{e}");
    }

    #[test]
    fn unknown_country_and_bad_share_are_both_reported() {
        let text = r#"{"alliances":[{"id":"quad","name":"Quad","members":["US","XX"]}],
            "export_controls":[{"exporter":"CN","products":["oxide"],"elements":["Dy","Qq"],
              "measure":{"type":"licensing","approval_share":1.5,"delay_days":60},"start":2025.25}]}"#;
        let e = Scenario::from_json(text, data()).unwrap_err();
        let msgs: Vec<String> = e.0.iter().map(|x| x.to_string()).collect();
        assert!(
            msgs.contains(&"alliances[0].members[1]: unknown region \"XX\"".to_string()),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("export_controls[0].elements[1]: unknown element")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m
                .starts_with("export_controls[0].measure.approval_share: must be between 0 and 1")),
            "{msgs:?}"
        );
    }

    #[test]
    fn every_validation_error_has_a_code_with_its_parameters() {
        let text = r#"{"name":"n","end_year":2200,"steps_per_year":3,
            "alliances":[{"id":"CN","name":"x","members":["ZZ"]},{"id":"","name":"y","members":[]}],
            "export_controls":[{"exporter":"XX","products":[],"elements":["Qq"],"trusted_partners":["nope"],
              "measure":{"type":"licensing","approval_share":2,"delay_days":0},"start":2030,"end":2029}]}"#;
        let e = Scenario::from_json(text, data()).unwrap_err();
        for x in &e.0 {
            let (_, params) = crate::error::CODES
                .iter()
                .find(|(c, _)| *c == x.code)
                .unwrap_or_else(|| panic!("no code: {x}"));
            let names: Vec<&str> = x.params.iter().map(|(k, _)| *k).collect();
            assert_eq!(&names[..], *params, "{x}");
        }
        let codes: Vec<&str> = e.0.iter().map(|x| x.code).collect();
        for c in [
            "out_of_range",
            "steps_per_year",
            "id_is_region",
            "unknown_region",
            "empty",
            "no_products",
            "unknown_element",
            "unknown_group",
            "end_before_start",
        ] {
            assert!(codes.contains(&c), "{c} in {codes:?}");
        }
    }

    #[test]
    fn unknown_field_is_refused() {
        let e = Scenario::from_json(r#"{"alliancez":[]}"#, data())
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown field `alliancez`"), "{e}");
    }

    #[test]
    fn negative_tonnage_and_reversed_window_are_refused() {
        let text = r#"{"export_controls":[{"exporter":"CN","products":["magnet"],
            "measure":{"type":"quota","tonnes_per_year":-5},"start":2030,"end":2029}]}"#;
        let e = Scenario::from_json(text, data()).unwrap_err().to_string();
        assert!(
            e.contains("export_controls[0].measure.tonnes_per_year: must be between 0"),
            "{e}"
        );
        assert!(
            e.contains("export_controls[0].end: must be after start"),
            "{e}"
        );
    }

    #[test]
    fn alliance_id_may_not_shadow_a_region() {
        let e = Scenario::from_json(
            r#"{"alliances":[{"id":"CN","name":"x","members":[]}]}"#,
            data(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("alliances[0].id"), "{e}");
    }

    fn alliances(n: usize, id: impl Fn(usize) -> String) -> String {
        let list: Vec<String> = (0..n)
            .map(|k| format!(r#"{{"id":"{}","name":"A","members":["US"]}}"#, id(k)))
            .collect();
        format!(r#"{{"alliances":[{}]}}"#, list.join(","))
    }

    #[test]
    fn a_megabyte_file_is_refused_by_its_size_before_it_is_read() {
        let text = alliances(20_000, |k| format!("bloc{k}"));
        assert!(text.len() > 900_000);
        let t = std::time::Instant::now();
        let e = Scenario::from_json(&text, data()).unwrap_err().to_string();
        assert!(t.elapsed().as_millis() < 100, "{:?}", t.elapsed());
        assert!(e.contains("at most 256 KB"), "{e}");
    }

    #[test]
    fn each_count_limit_names_its_field() {
        let e = Scenario::from_json(&alliances(65, |k| format!("b{k}")), data())
            .unwrap_err()
            .to_string();
        assert_eq!(e, "alliances: at most 64 alliances, got 65");
        Scenario::from_json(&alliances(64, |k| format!("b{k}")), data()).unwrap();
        let ctl = r#"{"exporter":"CN","products":["oxide"],"measure":{"type":"ban"},"start":2026}"#;
        let tar =
            r#"{"importer":"US","exporter":"CN","products":["magnet"],"rate":0.1,"start":2026}"#;
        let sho = r#"{"region":"MM","stage":"mining","share":0.5,"start":2026,"end":2027}"#;
        for (field, item, what) in [
            ("export_controls", ctl, "export controls"),
            ("tariffs", tar, "tariffs"),
            ("shocks", sho, "shocks"),
        ] {
            let list = vec![item; 257].join(",");
            let e = Scenario::from_json(&format!(r#"{{"{field}":[{list}]}}"#), data())
                .unwrap_err()
                .to_string();
            assert_eq!(e, format!("{field}: at most 256 {what}, got 257"));
            let list = vec![item; 256].join(",");
            Scenario::from_json(&format!(r#"{{"{field}":[{list}]}}"#), data()).unwrap();
        }
        let n = data().regions.len();
        let members = vec![r#""US""#; n + 1].join(",");
        let e = Scenario::from_json(
            &format!(r#"{{"alliances":[{{"id":"x","name":"X","members":[{members}]}}]}}"#),
            data(),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            format!(
                "alliances[0].members: at most {n} members (the number of regions), got {}",
                n + 1
            )
        );
        let partners = vec![r#""US""#; n + 2].join(",");
        let e = Scenario::from_json(
            &format!(r#"{{"export_controls":[{{"exporter":"CN","products":["oxide"],"measure":{{"type":"ban"}},"start":2026,"trusted_partners":[{partners}]}}]}}"#),
            data(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("export_controls[0].trusted_partners: at most"),
            "{e}"
        );
    }

    #[test]
    fn long_names_and_ids_are_refused_and_messages_stay_short() {
        let long = "x".repeat(5000);
        let text = format!(
            r#"{{"name":"{long}","alliances":[{{"id":"{long}","name":"A","members":["{long}"]}}]}}"#
        );
        let e = Scenario::from_json(&text, data()).unwrap_err().to_string();
        assert!(e.contains("name: at most 200 characters, got 5000"), "{e}");
        assert!(e.contains("alliances[0].id: at most 64 characters"), "{e}");
        assert!(
            e.contains("alliances[0].members[0]: unknown region \"xxxx"),
            "{e}"
        );
        assert!(
            e.len() < 400,
            "the message does not echo the long strings: {e}"
        );
    }

    #[test]
    fn duplicate_ids_are_found_and_many_problems_are_counted_not_listed() {
        let text = alliances(64, |_| "same".into());
        let e = Scenario::from_json(&text, data()).unwrap_err();
        assert_eq!(e.0.len(), limits::MAX_REPORTED_ERRORS + 1);
        assert_eq!(
            e.0[0].to_string(),
            "alliances[1].id: duplicate alliance \"same\""
        );
        assert_eq!(e.0.last().unwrap().to_string(), "and 13 more problems");
    }

    #[test]
    fn the_largest_allowed_scenario_validates_quickly() {
        // 64 alliances of every region, 256 controls trusting every alliance: the
        // checks are linear, so this takes milliseconds, not seconds.
        let regions: Vec<String> = data()
            .region_ids()
            .iter()
            .map(|r| format!("{r:?}"))
            .collect();
        let members = regions.join(",");
        let list: Vec<String> = (0..64)
            .map(|k| format!(r#"{{"id":"b{k}","name":"B","members":[{members}]}}"#))
            .collect();
        let partners: Vec<String> = (0..64).map(|k| format!(r#""b{k}""#)).collect();
        let ctl = format!(
            r#"{{"exporter":"CN","products":["oxide"],"measure":{{"type":"ban"}},"start":2026,"trusted_partners":[{}]}}"#,
            partners.join(",")
        );
        let text = format!(
            r#"{{"alliances":[{}],"export_controls":[{}]}}"#,
            list.join(","),
            vec![ctl.as_str(); 256].join(",")
        );
        assert!(text.len() < limits::MAX_BYTES, "{}", text.len());
        let t = std::time::Instant::now();
        Scenario::from_json(&text, data()).unwrap();
        assert!(t.elapsed().as_millis() < 500, "{:?}", t.elapsed());
    }
}
