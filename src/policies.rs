//! The scenario's slow policies: allied investment, stockpiles, research (recycling and
//! substitution), price floors, technology controls and retaliation. Types, defaults
//! and validation with field paths; the model reads them in `src/model/` (one file per
//! mechanism). Kept apart from `scenario.rs` so that the trade measures and the slow
//! policies each read at once.

use crate::data::Dataset;
use crate::elements;
use crate::error::{check_range, InputError};
use crate::scenario::Stage;
use serde::{Deserialize, Serialize};

/// Limits on the policy sections (see `scenario::limits`).
pub mod limits {
    pub const MAX_INVESTMENTS: usize = 128;
    pub const MAX_FINANCIERS: usize = 32;
    pub const MAX_STOCKPILES: usize = 64;
    pub const MAX_RESEARCH: usize = 64;
    pub const MAX_PRICE_FLOORS: usize = 64;
    pub const MAX_TECHNOLOGY_CONTROLS: usize = 64;
}

/// A share of one financier in an investment.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Financier {
    /// Region or alliance id (an alliance's share is split equally among its members).
    pub id: String,
    /// Share of the project's output the financier takes under contract (offtake),
    /// and its share of the cost. Shares of one project sum to at most 1.
    pub offtake_share: f64,
}

/// Allied investment or a joint venture: a mine or plant built in a host region,
/// financed by partners who take its output. Capacity arrives after the stage's lead
/// time (data `policy.investment`) and ramps up; a technology control against the host
/// lengthens the lead time of plants.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Investment {
    /// Region id where the capacity is built.
    pub host: String,
    pub stage: Stage,
    /// Capacity at full ramp: t REO per year (magnets: t magnets per year).
    pub capacity_tpy: f64,
    #[serde(default)]
    pub financiers: Vec<Financier>,
    /// Decimal year of the decision (financing); output starts a lead time later.
    pub start: f64,
    #[serde(default)]
    pub label: String,
}

/// A stockpile held by a region or shared by an alliance.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stockpile {
    /// Region or alliance id; one stockpile per holder.
    pub holder: String,
    /// Element symbols held; empty means all seventeen.
    #[serde(default)]
    pub elements: Vec<String>,
    /// Target in days of the holder's consumption.
    pub target_days: f64,
    /// Years to fill the target at the most (purchases of `target / fill_years` a year,
    /// made in the market like any other order).
    pub fill_years: f64,
    /// Release when the price the holder pays reaches this multiple of the base-year
    /// price (e.g. 3 = tripled).
    #[serde(default = "default_release_price")]
    pub release_price_ratio: f64,
    /// Release when the holder's availability of the element fell below this share
    /// in the previous step.
    #[serde(default = "default_release_availability")]
    pub release_availability: f64,
    pub start: f64,
    #[serde(default)]
    pub end: Option<f64>,
}

fn default_release_price() -> f64 {
    3.0
}
fn default_release_availability() -> f64 {
    0.9
}

/// Research funded by regions or alliances: recycling rates raised and element
/// intensities lowered, reached over years, not months.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Research {
    /// Region or alliance ids; their recycling rates rise.
    pub funders: Vec<String>,
    /// Share of end-of-life rare earths recovered in the funders' regions once the
    /// programme has matured (collection × recovery; today about 0.01).
    #[serde(default)]
    pub recycling_rate: Option<f64>,
    /// Element symbol → share of its use per unit of product removed at maturity
    /// (substitution and thrifting; the technology spreads to every region).
    #[serde(default)]
    pub intensity_cut: std::collections::BTreeMap<String, f64>,
    /// Spending, USD per year, from `start` for `years` (the programme's cost).
    #[serde(default)]
    pub budget_usd_per_year: f64,
    pub start: f64,
    /// Years from the start to maturity (an S-curve; at most 10% of demand removed a
    /// year, Sprecher 2017).
    pub years: f64,
}

/// A guaranteed price for a region's producers of some elements: the payer makes up
/// the difference between the market price and the floor on the volume produced (up to
/// a cap), so that production which would otherwise stop carries on.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceFloor {
    /// Region id whose producers (mines and separation) are guaranteed.
    pub producer: String,
    /// Element symbols whose mean price is guaranteed (`["Nd", "Pr"]` for NdPr).
    pub elements: Vec<String>,
    pub price_usd_per_kg: f64,
    /// Tonnes a year covered at most (oxide of the listed elements); none = all.
    #[serde(default)]
    pub tonnes_per_year: Option<f64>,
    /// Region or alliance id that pays.
    pub payer: String,
    pub start: f64,
    #[serde(default)]
    pub end: Option<f64>,
}

/// A control on processing technology: plants decided in regions not exempt take
/// longer to build while it is in force.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TechnologyControl {
    /// Region id of the exporter of the technology.
    pub exporter: String,
    /// Stages whose plants are slowed (separation, metal, magnets).
    pub stages: Vec<Stage>,
    /// Years added to the lead time of a plant decided while the control is in force.
    pub extra_years: f64,
    #[serde(default)]
    pub trusted_partners: Vec<String>,
    pub start: f64,
    #[serde(default)]
    pub end: Option<f64>,
}

/// The retaliation rule: a region under an export control or tariff answers with one
/// of its own after a delay; with `rounds` > 1 the answers are answered in turn.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Retaliation {
    pub enabled: bool,
    /// Years from a measure to the answer.
    pub delay_years: f64,
    /// Rounds of answers (1 = only the first answer; 2 = the answer is answered).
    pub rounds: u32,
    /// Region ids that answer; empty means every region that produces something.
    pub regions: Vec<String>,
}

impl Default for Retaliation {
    fn default() -> Self {
        Retaliation {
            enabled: false,
            delay_years: 0.5,
            rounds: 2,
            regions: Vec::new(),
        }
    }
}

/// Everything the policy sections must satisfy, with field paths. `is_group` knows
/// region and alliance ids.
#[allow(clippy::too_many_arguments)]
pub(crate) fn validate(
    investments: &[Investment],
    stockpiles: &[Stockpile],
    research: &[Research],
    price_floors: &[PriceFloor],
    technology_controls: &[TechnologyControl],
    retaliation: &Retaliation,
    data: &Dataset,
    is_group: &dyn Fn(&str) -> bool,
    errs: &mut Vec<InputError>,
) {
    let shown = crate::scenario::shown;
    // Refusals with a code (src/error.rs), so the page says them in the reader's language.
    let unknown = crate::scenario::unknown;
    let is_region = |id: &str| data.region_index(id).is_some();
    let count = |path: &str, n: usize, max: usize, errs: &mut Vec<InputError>| {
        if n > max {
            errs.push(InputError::coded(
                path,
                "too_many",
                &[("max", &max), ("n", &n)],
                format!("at most {max}, got {n}"),
            ));
        }
        n.min(max)
    };
    let region = |p: String, id: &str, errs: &mut Vec<InputError>| {
        if !is_region(id) {
            errs.push(unknown(p, "unknown_region", id));
        }
    };
    let group = |p: String, id: &str, errs: &mut Vec<InputError>| {
        if !is_group(id) {
            errs.push(unknown(p, "unknown_group", id));
        }
    };
    let element = |p: String, el: &str, errs: &mut Vec<InputError>| {
        if elements::index_of(el).is_none() {
            errs.push(unknown(p, "unknown_element", el));
        }
    };
    let window = crate::scenario::check_window;
    let text = |p: String, v: &str, errs: &mut Vec<InputError>| {
        let max = crate::scenario::limits::MAX_NAME_CHARS;
        let n = v.chars().count();
        if n > max {
            errs.push(InputError::coded(
                p,
                "too_long",
                &[("max", &max), ("n", &n)],
                format!("at most {max} characters"),
            ));
        }
    };
    let n = count(
        "investments",
        investments.len(),
        limits::MAX_INVESTMENTS,
        errs,
    );
    for (i, inv) in investments.iter().enumerate().take(n) {
        let p = format!("investments[{i}]");
        region(format!("{p}.host"), &inv.host, errs);
        check_range(
            &format!("{p}.capacity_tpy"),
            inv.capacity_tpy,
            0.0,
            1e6,
            errs,
        );
        check_range(&format!("{p}.start"), inv.start, 1900.0, 2200.0, errs);
        text(format!("{p}.label"), &inv.label, errs);
        let nf = count(
            &format!("{p}.financiers"),
            inv.financiers.len(),
            limits::MAX_FINANCIERS,
            errs,
        );
        let mut total = 0.0;
        for (k, f) in inv.financiers.iter().enumerate().take(nf) {
            group(format!("{p}.financiers[{k}].id"), &f.id, errs);
            check_range(
                &format!("{p}.financiers[{k}].offtake_share"),
                f.offtake_share,
                0.0,
                1.0,
                errs,
            );
            if f.offtake_share.is_finite() {
                total += f.offtake_share;
            }
        }
        if total > 1.0 + 1e-9 {
            errs.push(InputError::coded(
                format!("{p}.financiers"),
                "shares_over_one",
                &[("sum", &total)],
                format!("offtake shares sum to {total}; at most 1"),
            ));
        }
    }
    let n = count("stockpiles", stockpiles.len(), limits::MAX_STOCKPILES, errs);
    let mut holders = std::collections::HashSet::new();
    for (i, s) in stockpiles.iter().enumerate().take(n) {
        let p = format!("stockpiles[{i}]");
        group(format!("{p}.holder"), &s.holder, errs);
        if !holders.insert(s.holder.as_str()) {
            errs.push(InputError::coded(
                format!("{p}.holder"),
                "duplicate_holder",
                &[("id", &s.holder.chars().take(40).collect::<String>())],
                format!(
                    "{} already holds a stockpile; one per holder",
                    shown(&s.holder)
                ),
            ));
        }
        let ne = count(
            &format!("{p}.elements"),
            s.elements.len(),
            elements::ELEMENTS.len(),
            errs,
        );
        for (k, el) in s.elements.iter().enumerate().take(ne) {
            element(format!("{p}.elements[{k}]"), el, errs);
        }
        check_range(
            &format!("{p}.target_days"),
            s.target_days,
            0.0,
            3650.0,
            errs,
        );
        check_range(&format!("{p}.fill_years"), s.fill_years, 0.1, 50.0, errs);
        check_range(
            &format!("{p}.release_price_ratio"),
            s.release_price_ratio,
            1.0,
            100.0,
            errs,
        );
        check_range(
            &format!("{p}.release_availability"),
            s.release_availability,
            0.0,
            1.0,
            errs,
        );
        window(&p, s.start, s.end, errs);
    }
    let n = count("research", research.len(), limits::MAX_RESEARCH, errs);
    for (i, r) in research.iter().enumerate().take(n) {
        let p = format!("research[{i}]");
        if r.funders.is_empty() {
            errs.push(InputError::coded(
                format!("{p}.funders"),
                "empty",
                &[],
                "name at least one funder",
            ));
        }
        let nf = count(
            &format!("{p}.funders"),
            r.funders.len(),
            limits::MAX_FINANCIERS,
            errs,
        );
        for (k, f) in r.funders.iter().enumerate().take(nf) {
            group(format!("{p}.funders[{k}]"), f, errs);
        }
        if let Some(x) = r.recycling_rate {
            check_range(&format!("{p}.recycling_rate"), x, 0.0, 0.9, errs);
        }
        let nc = count(
            &format!("{p}.intensity_cut"),
            r.intensity_cut.len(),
            elements::ELEMENTS.len(),
            errs,
        );
        for (el, x) in r.intensity_cut.iter().take(nc) {
            element(format!("{p}.intensity_cut"), el, errs);
            check_range(&format!("{p}.intensity_cut.{el}"), *x, 0.0, 0.9, errs);
        }
        check_range(
            &format!("{p}.budget_usd_per_year"),
            r.budget_usd_per_year,
            0.0,
            1e12,
            errs,
        );
        check_range(&format!("{p}.start"), r.start, 1900.0, 2200.0, errs);
        check_range(&format!("{p}.years"), r.years, 1.0, 50.0, errs);
    }
    let n = count(
        "price_floors",
        price_floors.len(),
        limits::MAX_PRICE_FLOORS,
        errs,
    );
    for (i, f) in price_floors.iter().enumerate().take(n) {
        let p = format!("price_floors[{i}]");
        region(format!("{p}.producer"), &f.producer, errs);
        group(format!("{p}.payer"), &f.payer, errs);
        if f.elements.is_empty() {
            errs.push(InputError::coded(
                format!("{p}.elements"),
                "empty",
                &[],
                "name at least one element",
            ));
        }
        let ne = count(
            &format!("{p}.elements"),
            f.elements.len(),
            elements::ELEMENTS.len(),
            errs,
        );
        for (k, el) in f.elements.iter().enumerate().take(ne) {
            element(format!("{p}.elements[{k}]"), el, errs);
        }
        check_range(
            &format!("{p}.price_usd_per_kg"),
            f.price_usd_per_kg,
            0.0,
            100_000.0,
            errs,
        );
        if let Some(t) = f.tonnes_per_year {
            check_range(&format!("{p}.tonnes_per_year"), t, 0.0, 1e7, errs);
        }
        window(&p, f.start, f.end, errs);
    }
    let n = count(
        "technology_controls",
        technology_controls.len(),
        limits::MAX_TECHNOLOGY_CONTROLS,
        errs,
    );
    for (i, c) in technology_controls.iter().enumerate().take(n) {
        let p = format!("technology_controls[{i}]");
        region(format!("{p}.exporter"), &c.exporter, errs);
        if c.stages.is_empty() {
            errs.push(InputError::coded(
                format!("{p}.stages"),
                "empty",
                &[],
                "name at least one stage",
            ));
        }
        if c.stages.len() > 4 {
            errs.push(InputError::coded(
                format!("{p}.stages"),
                "too_many",
                &[("max", &4), ("n", &c.stages.len())],
                "at most 4 stages",
            ));
        }
        let nt = count(
            &format!("{p}.trusted_partners"),
            c.trusted_partners.len(),
            limits::MAX_FINANCIERS,
            errs,
        );
        for (k, t) in c.trusted_partners.iter().enumerate().take(nt) {
            group(format!("{p}.trusted_partners[{k}]"), t, errs);
        }
        check_range(&format!("{p}.extra_years"), c.extra_years, 0.0, 30.0, errs);
        window(&p, c.start, c.end, errs);
    }
    check_range(
        "retaliation.delay_years",
        retaliation.delay_years,
        0.0,
        20.0,
        errs,
    );
    if retaliation.rounds > 5 {
        errs.push(InputError::coded(
            "retaliation.rounds",
            "too_many",
            &[("max", &5), ("n", &retaliation.rounds)],
            format!("at most 5, got {}", retaliation.rounds),
        ));
    }
    let nr = count(
        "retaliation.regions",
        retaliation.regions.len(),
        data.regions.len(),
        errs,
    );
    for (k, r) in retaliation.regions.iter().enumerate().take(nr) {
        region(format!("retaliation.regions[{k}]"), r, errs);
    }
}
