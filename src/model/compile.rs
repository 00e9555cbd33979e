//! Compilation: the data set and a scenario turned into indexes, masks and vectors,
//! once per run, so that the step loop works on plain numbers.

use super::allocate::{self, ContractLane};
use super::investment::ProjectC;
use super::policy::PolicyC;
use crate::data::{normalised, Candidate, CapacityPath, Dataset, Expansion, Pipeline};
use crate::elements::{self, EVec, N_EL, ZERO};
use crate::error::InputErrors;
use crate::scenario::{Measure, Product, Scenario, Stage};

/// Bit mask over elements.
pub(crate) type Mask = u32;

pub(crate) const ALL: Mask = (1 << N_EL) - 1;

pub(crate) fn mask_of(v: &EVec) -> Mask {
    v.iter()
        .enumerate()
        .filter(|(_, x)| **x > 0.0)
        .fold(0, |m, (i, _)| m | (1 << i))
}

/// Stage indexes of units, capacities and concentration (the order of
/// [`crate::output::STAGES`]).
pub(crate) const MINING: usize = 0;
pub(crate) const SEPARATION: usize = 1;
pub(crate) const METAL: usize = 2;
pub(crate) const MAGNETS: usize = 3;

pub(crate) struct MineC {
    /// Index in [`Compiled::units`].
    pub(crate) unit: usize,
    pub(crate) region: usize,
    pub(crate) comp: EVec, // shares summing to 1
}

pub(crate) struct PlantC {
    /// Index in [`Compiled::units`].
    pub(crate) unit: usize,
    pub(crate) region: usize,
    /// Nominal capacity: light, heavy (separation) or [capacity, 0].
    pub(crate) cap: [f64; 2],
    /// Magnet family for magnet plants.
    pub(crate) kind: usize,
}

/// What a unit's investment decision looks at (USD/kg, see [`crate::data::Expansion`]).
pub(crate) enum Basis {
    /// Value of one kg REO of the unit's ore: `Σ composition × price`.
    Basket(EVec),
    /// Mean of the Nd and Pr prices.
    NdPr,
    Element(usize),
}

pub(crate) struct GrowthC {
    pub(crate) max_rate: f64,
    pub(crate) incentive: f64,
    pub(crate) basis: Basis,
    /// Whole steps from decision to capacity.
    pub(crate) lead_steps: usize,
    /// The data's lead time (years), before `lead_time_scale` (the Monte Carlo rescales).
    pub(crate) lead_years: f64,
}

pub(crate) struct EntryC {
    pub(crate) incentive: f64,
    pub(crate) basis: Basis,
    pub(crate) lead: f64,
    /// The data's lead time (years), before `lead_time_scale` (the Monte Carlo rescales).
    pub(crate) lead_data: f64,
    pub(crate) ramp: f64,
    pub(crate) earliest: f64,
}

/// The capacity rules of one mine or plant: its nominal capacity, a dated pipeline, a
/// capacity path (quotas), brownfield expansion and price-driven entry (see
/// `capacity.rs`).
pub(crate) struct UnitC {
    pub(crate) region: usize,
    pub(crate) stage: usize,
    /// Capacity in the data (t REO/yr; t magnets/yr for magnet plants; light + heavy
    /// for separation).
    pub(crate) nominal: f64,
    pub(crate) pipeline: Option<Pipeline>,
    pub(crate) path: Option<Vec<[f64; 2]>>,
    /// Year after which expansion may act (the path's last year).
    pub(crate) path_end: f64,
    pub(crate) expansion: Option<GrowthC>,
    pub(crate) candidate: Option<EntryC>,
}

/// Market parameters, from the data's `market` and `prices` and the scenario's
/// assumptions.
pub(crate) struct MarketC {
    /// Base-year prices, USD/kg oxide.
    pub(crate) p0: EVec,
    pub(crate) eps_short: f64,
    pub(crate) eps_long: f64,
    pub(crate) long_run_years: f64,
    pub(crate) adjust_years: f64,
    pub(crate) fall_years: f64,
    pub(crate) normal_cover: f64,
    pub(crate) stock_exponent: f64,
    /// ln of the largest rise of a price within a quarter.
    pub(crate) ln_max_quarterly_rise: f64,
    pub(crate) ln_floor: f64,
    pub(crate) ln_cap: f64,
    pub(crate) backlog_carry: f64,
    pub(crate) backlog_years: f64,
    /// Buyers' working inventories (`inventories.rs`), covers in years.
    pub(crate) inv: InventoryC,
}

/// Parameters of buyers' working inventories (`inventories.rs`).
#[derive(Clone, Copy)]
pub(crate) struct InventoryC {
    /// Normal cover and the largest cover (years of purchases for use).
    pub(crate) normal: f64,
    pub(crate) max: f64,
    /// Years of cover per unit of expected price rise (ln per year).
    pub(crate) per_rise: f64,
    /// Years of cover added while a control against the buyer covers the element.
    pub(crate) control: f64,
    /// Years of cover per unit of smoothed shortfall (1 − received / asked).
    pub(crate) per_shortfall: f64,
    pub(crate) expectation_years: f64,
    pub(crate) adjust_years: f64,
}

impl MarketC {
    fn new(data: &Dataset, sc: &Scenario) -> MarketC {
        let mut p0 = [1.0; N_EL];
        if let Some(p) = &data.prices {
            for (el, v) in &p.oxide {
                if let Some(i) = elements::index_of(el) {
                    p0[i] = *v;
                }
            }
        }
        let a = &sc.assumptions;
        match &data.market {
            Some(m) => MarketC {
                p0,
                eps_short: a.price_elasticity_short.unwrap_or(m.elasticity_short.value),
                eps_long: a.price_elasticity_long.unwrap_or(m.elasticity_long.value),
                long_run_years: m.long_run_years.value,
                adjust_years: m.price_adjust_years.value,
                fall_years: m.price_fall_years.value,
                normal_cover: m.normal_cover_years.value,
                stock_exponent: m.stock_price_exponent.value,
                ln_max_quarterly_rise: libm::log(m.max_quarterly_rise.value),
                ln_floor: libm::log(m.price_floor_multiple.value),
                ln_cap: libm::log(m.price_cap_multiple.value),
                backlog_carry: m.backlog_carry.value,
                backlog_years: m.backlog_years.value,
                inv: InventoryC {
                    normal: m.inventory_days.value / 365.0,
                    max: m.inventory_max_days.value / 365.0,
                    per_rise: m.inventory_days_per_rise.value / 365.0,
                    control: m.inventory_control_days.value / 365.0,
                    per_shortfall: m.inventory_days_per_shortfall.value / 365.0,
                    expectation_years: m.inventory_expectation_years.value,
                    adjust_years: m.inventory_adjust_years.value,
                },
            },
            // A data set without a market: prices stay at their base and nothing
            // answers them.
            None => MarketC {
                p0,
                eps_short: 0.0,
                eps_long: 0.0,
                long_run_years: 1.0,
                adjust_years: 1.0,
                fall_years: 1.0,
                normal_cover: 0.25,
                stock_exponent: 0.0,
                ln_max_quarterly_rise: 0.0,
                ln_floor: 0.0,
                ln_cap: 0.0,
                backlog_carry: 0.0,
                backlog_years: 1.0,
                // No market: no working inventories either.
                inv: InventoryC {
                    normal: 0.0,
                    max: 0.0,
                    per_rise: 0.0,
                    control: 0.0,
                    per_shortfall: 0.0,
                    expectation_years: 1.0,
                    adjust_years: 1.0,
                },
            },
        }
    }
}

pub(crate) struct SectorC {
    /// None for oxide sectors, else magnet type.
    pub(crate) magnet: Option<usize>,
    pub(crate) mix: EVec,
    pub(crate) base: f64,
    pub(crate) regions: Vec<f64>,
    pub(crate) growth: Vec<crate::data::GrowthPhase>,
}

pub(crate) struct ControlC {
    pub(crate) exporter: usize,
    pub(crate) products: [bool; N_PRODUCTS],
    pub(crate) elements: Mask,
    pub(crate) measure: Measure,
    pub(crate) exempt: Vec<bool>,
    pub(crate) start: f64,
    pub(crate) end: f64,
}

impl ControlC {
    /// Years from the start of a licensing regime to its first approvals (0 for other
    /// measures).
    pub(crate) fn delay_years(&self) -> f64 {
        match self.measure {
            Measure::Licensing { delay_days, .. } => delay_days / 365.25,
            _ => 0.0,
        }
    }
}

pub(crate) struct TariffC {
    /// `(1 + rate)^-sensitivity`, computed once.
    pub(crate) weight: f64,
    pub(crate) rate: f64,
    pub(crate) importer: Vec<bool>,
    pub(crate) exporter: Vec<bool>,
    pub(crate) products: [bool; N_PRODUCTS],
    pub(crate) start: f64,
    pub(crate) end: f64,
}

pub(crate) struct ShockC {
    pub(crate) region: usize,
    pub(crate) stage: Stage,
    pub(crate) share: f64,
    pub(crate) start: f64,
    pub(crate) end: f64,
}

/// Product indexes in lanes, contracts, controls and the `exports` series (the order of
/// [`crate::output::PRODUCTS`]).
pub(crate) mod product {
    pub(crate) const CONCENTRATE: usize = 0;
    pub(crate) const OXIDE: usize = 1;
    pub(crate) const MAGNET: usize = 2;
    pub(crate) const METAL: usize = 3;
}

pub(crate) fn product_index(p: Product) -> usize {
    match p {
        Product::Concentrate => product::CONCENTRATE,
        Product::Oxide => product::OXIDE,
        Product::Magnet => product::MAGNET,
        Product::Metal => product::METAL,
    }
}

/// Traded products: concentrate, oxide, magnet, metal (the [`product_index`] order).
pub(crate) const N_PRODUCTS: usize = 4;

/// Length of the overlap of `[a0, a1)` and `[b0, b1)`.
pub(crate) fn overlap(a0: f64, a1: f64, b0: f64, b1: f64) -> f64 {
    (a1.min(b1) - a0.max(b0)).max(0.0)
}

/// The data and scenario turned into indexes and vectors, ready to step.
pub struct Compiled {
    pub(crate) n: usize,
    pub(crate) regions: Vec<String>,
    pub(crate) alliances: Vec<(String, Vec<bool>)>,
    pub(crate) ally: Vec<bool>,
    pub(crate) light: EVec, // 1 for light elements, 0 otherwise
    pub(crate) mines: Vec<MineC>,
    pub(crate) separation: Vec<PlantC>,
    pub(crate) metal_plants: Vec<PlantC>,
    pub(crate) magnet_plants: Vec<PlantC>,
    /// Element content of one tonne of each magnet type (t REO per element).
    pub(crate) magnet_content: Vec<EVec>,
    /// Family of each magnet type (plants of a family make all its types).
    pub(crate) type_family: Vec<usize>,
    pub(crate) n_families: usize,
    /// Range of Pr's share of Nd+Pr by magnet type, where the type allows didymium.
    pub(crate) didymium: Vec<Option<(f64, f64)>>,
    pub(crate) units: Vec<UnitC>,
    pub(crate) market: MarketC,
    pub(crate) sectors: Vec<SectorC>,
    pub(crate) contracts: [Vec<ContractLane>; N_PRODUCTS],
    pub(crate) controls: Vec<ControlC>,
    pub(crate) tariffs: Vec<TariffC>,
    pub(crate) shocks: Vec<ShockC>,
    /// The slow policies (see `policy.rs`).
    pub(crate) policy: PolicyC,
    /// Allied investment projects (see `investment.rs`).
    pub(crate) projects: Vec<ProjectC>,
    /// Stockpile holders' ids, in scenario order (the rows of `stockpile`).
    pub(crate) holders: Vec<String>,
    pub(crate) recovery: f64,
    /// Governance risk of each region, 0..1 (`supply_risk.rs`).
    pub(crate) governance_risk: Vec<f64>,
    /// Whether a run computes the supply-risk indicator. Nothing in the step reads it
    /// back, so runs that keep only availability and prices (Monte Carlo) skip it:
    /// about a third of a run before it was made cheaper, a tenth after.
    pub(crate) indicators: bool,
    /// The series whose history a run keeps; `None` keeps every series. The others
    /// roll over one stored step ([`crate::output::Series::prepare`]): Monte
    /// Carlo keeps availability and price only.
    pub(crate) kept: Option<&'static [&'static str]>,
    pub(crate) growth_scale: f64,
    pub(crate) base_year: f64,
    pub(crate) start: f64,
    pub(crate) spy: u32,
    pub(crate) steps: usize,
    pub(crate) name: String,
}

impl Compiled {
    /// Compile a validated scenario against its data set.
    pub fn new(data: &Dataset, sc: &Scenario) -> Result<Compiled, InputErrors> {
        sc.validate(data)?;
        let expanded;
        let sc = if sc.retaliation.enabled {
            expanded = super::retaliation::expand(sc, data);
            &expanded
        } else {
            sc
        };
        let n = data.regions.len();
        if n > allocate::MAX_REGIONS {
            // Routes keep one bit per seller (see allocate::Routes).
            return Err(crate::error::InputError::new(
                "regions",
                format!(
                    "the model handles at most {} regions, the data has {n}",
                    allocate::MAX_REGIONS
                ),
            )
            .into());
        }
        let ri = |id: &str| data.region_index(id).unwrap_or(0); // ids were validated
                                                                // Expand a region-or-alliance id to a member mask.
        let group = |id: &str| -> Vec<bool> {
            let mut m = vec![false; n];
            if id == "*" {
                m.iter_mut().for_each(|x| *x = true);
            } else if let Some(i) = data.region_index(id) {
                m[i] = true;
            } else if let Some(a) = sc.alliances.iter().find(|a| a.id == id) {
                for r in &a.members {
                    m[ri(r)] = true;
                }
            }
            m
        };
        let alliances: Vec<(String, Vec<bool>)> = sc
            .alliances
            .iter()
            .map(|a| (a.id.clone(), group(&a.id)))
            .collect();
        let mut ally = vec![false; n * n];
        for (_, m) in &alliances {
            for e in 0..n {
                for i in 0..n {
                    if e != i && m[e] && m[i] {
                        ally[e * n + i] = true;
                    }
                }
            }
        }
        let mut light = ZERO;
        for e in &data.light_elements {
            if let Some(i) = elements::index_of(e) {
                light[i] = 1.0;
            }
        }
        let mut units = Vec::new();
        let spy = sc.steps_per_year as f64;
        // Exactly 1 unless set: `x * 1.0 == x`, so the default changes no number.
        let lead_scale = sc.assumptions.lead_time_scale.unwrap_or(1.0);
        let mut unit = |region: usize,
                        stage: usize,
                        nominal: f64,
                        pipeline: &Option<Pipeline>,
                        path: &Option<CapacityPath>,
                        expansion: &Option<Expansion>,
                        candidate: &Option<Candidate>,
                        ore: Option<EVec>| {
            let basis = |b: &str| match b {
                "basket" => Basis::Basket(ore.unwrap_or(ZERO)),
                "NdPr" => Basis::NdPr,
                el => Basis::Element(elements::index_of(el).unwrap_or(0)),
            };
            units.push(UnitC {
                region,
                stage,
                nominal,
                pipeline: *pipeline,
                path: path.as_ref().map(|p| p.points.clone()),
                path_end: path
                    .as_ref()
                    .and_then(|p| p.points.last())
                    .map(|p| p[0])
                    .unwrap_or(f64::NEG_INFINITY),
                expansion: expansion.as_ref().map(|x| GrowthC {
                    max_rate: x.max_rate.value,
                    incentive: x.incentive_price.value,
                    basis: basis(&x.basis),
                    lead_steps: (x.lead_years.value * lead_scale * spy).round().max(0.0) as usize,
                    lead_years: x.lead_years.value,
                }),
                candidate: candidate.as_ref().map(|x| EntryC {
                    incentive: x.incentive_price.value,
                    basis: basis(&x.basis),
                    lead: x.lead_years.value * lead_scale,
                    lead_data: x.lead_years.value,
                    ramp: x.ramp_years.value,
                    earliest: x.earliest.value,
                }),
            });
            units.len() - 1
        };
        let mut mines = data
            .mines
            .iter()
            .map(|m| {
                let ore = data
                    .ores
                    .iter()
                    .find(|o| o.id == m.ore)
                    .expect("checked ore id");
                let comp = normalised(&ore.composition, 1.0);
                let region = ri(&m.region);
                MineC {
                    unit: unit(
                        region,
                        MINING,
                        m.capacity.value,
                        &m.pipeline,
                        &m.path,
                        &m.expansion,
                        &m.candidate,
                        Some(comp),
                    ),
                    region,
                    comp,
                }
            })
            .collect();
        let mut separation = data
            .separation
            .iter()
            .map(|p| {
                let region = ri(&p.region);
                PlantC {
                    unit: unit(
                        region,
                        SEPARATION,
                        p.light.value + p.heavy.value,
                        &p.pipeline,
                        &p.path,
                        &p.expansion,
                        &p.candidate,
                        None,
                    ),
                    region,
                    cap: [p.light.value, p.heavy.value],
                    kind: 0,
                }
            })
            .collect();
        let mut metal_plants = data
            .metal_plants
            .iter()
            .map(|p| {
                let region = ri(&p.region);
                PlantC {
                    unit: unit(
                        region,
                        METAL,
                        p.capacity.value,
                        &p.pipeline,
                        &p.path,
                        &p.expansion,
                        &p.candidate,
                        None,
                    ),
                    region,
                    cap: [p.capacity.value, 0.0],
                    kind: 0,
                }
            })
            .collect();
        // Magnet families: the distinct `family_id`s of the types, in type order.
        let mut families: Vec<&str> = Vec::new();
        for t in &data.magnet_types {
            if !families.contains(&t.family_id()) {
                families.push(t.family_id());
            }
        }
        let family_of = |id: &str| {
            families
                .iter()
                .position(|f| *f == id)
                .or_else(|| {
                    data.magnet_types
                        .iter()
                        .find(|t| t.id == id)
                        .and_then(|t| families.iter().position(|f| *f == t.family_id()))
                })
                .unwrap_or(0)
        };
        let type_family: Vec<usize> = data
            .magnet_types
            .iter()
            .map(|t| family_of(t.family_id()))
            .collect();
        let mut magnet_plants = data
            .magnet_plants
            .iter()
            .map(|p| {
                let region = ri(&p.region);
                PlantC {
                    unit: unit(
                        region,
                        MAGNETS,
                        p.capacity.value,
                        &p.pipeline,
                        &p.path,
                        &p.expansion,
                        &p.candidate,
                        None,
                    ),
                    region,
                    cap: [p.capacity.value, 0.0],
                    kind: family_of(&p.product),
                }
            })
            .collect();
        let policy = PolicyC::new(data, sc, &group, &ri);
        let projects = super::investment::compile(
            sc,
            &policy,
            &group,
            &ri,
            &mut units,
            &mut mines,
            &mut separation,
            &mut metal_plants,
            &mut magnet_plants,
        );
        let type_index = |id: &str| data.magnet_types.iter().position(|t| t.id == id);
        let magnet_content = data
            .magnet_types
            .iter()
            .map(|t| normalised(&t.recipe, t.reo_per_tonne.value))
            .collect();
        let didymium = data
            .magnet_types
            .iter()
            .map(|t| {
                t.didymium
                    .as_ref()
                    .map(|d| (d.pr_share_min.value, d.pr_share_max.value))
            })
            .collect();
        let market = MarketC::new(data, sc);
        let mut sectors = Vec::new();
        for sec in &data.sectors {
            let mut regions = vec![0.0; n];
            let total: f64 = sec.regions.values().sum();
            for (r, v) in &sec.regions {
                regions[ri(r)] = v / total;
            }
            let compiled = |magnet: Option<usize>, share: f64| SectorC {
                magnet,
                mix: sec.mix.as_ref().map(|m| normalised(m, 1.0)).unwrap_or(ZERO),
                base: sec.base.value * share,
                regions: regions.clone(),
                growth: sec.growth.clone(),
            };
            match &sec.product_mix {
                // One compiled sector per magnet grade, sharing the growth path.
                Some(mix) => {
                    let total: f64 = mix.values().map(|x| x.value).sum();
                    for (id, share) in mix {
                        sectors.push(compiled(type_index(id), share.value / total));
                    }
                }
                None => sectors.push(compiled(type_index(&sec.product), 1.0)),
            }
        }
        let mut contracts: [Vec<ContractLane>; N_PRODUCTS] = Default::default();
        for c in &data.contracts {
            let k = match c.product.as_str() {
                "concentrate" => product::CONCENTRATE,
                "oxide" => product::OXIDE,
                "metal" => product::METAL,
                _ => product::MAGNET,
            };
            contracts[k].push(ContractLane {
                from: ri(&c.from),
                to: ri(&c.to),
                share: c.share,
            });
        }
        let products = |ps: &[Product]| {
            let mut f = [false; N_PRODUCTS];
            for p in ps {
                f[product_index(*p)] = true;
            }
            f
        };
        let controls = sc
            .export_controls
            .iter()
            .map(|c| {
                let e = ri(&c.exporter);
                let mut exempt = vec![false; n];
                exempt[e] = true;
                for t in &c.trusted_partners {
                    for (i, x) in group(t).into_iter().enumerate() {
                        exempt[i] |= x;
                    }
                }
                if c.exempt_allies {
                    for i in 0..n {
                        exempt[i] |= ally[e * n + i];
                    }
                }
                let elements = if c.elements.is_empty() {
                    ALL
                } else {
                    c.elements
                        .iter()
                        .filter_map(|x| elements::index_of(x))
                        .fold(0, |m, i| m | (1 << i))
                };
                ControlC {
                    exporter: e,
                    products: products(&c.products),
                    elements,
                    measure: c.measure.clone(),
                    exempt,
                    start: c.start,
                    end: c.end.unwrap_or(f64::INFINITY),
                }
            })
            .collect();
        let tariffs = sc
            .tariffs
            .iter()
            .map(|t| {
                let importer = group(&t.importer);
                let exporter = if t.exporter == "*" {
                    importer.iter().map(|x| !x).collect()
                } else {
                    group(&t.exporter)
                };
                TariffC {
                    weight: libm::pow(
                        1.0 + t.rate,
                        -sc.assumptions
                            .tariff_sensitivity
                            .unwrap_or(data.parameters.tariff_sensitivity.value),
                    ),
                    rate: t.rate,
                    importer,
                    exporter,
                    products: products(&t.products),
                    start: t.start,
                    end: t.end.unwrap_or(f64::INFINITY),
                }
            })
            .collect();
        let shocks = sc
            .shocks
            .iter()
            .map(|s| ShockC {
                region: ri(&s.region),
                stage: s.stage,
                share: s.share,
                start: s.start,
                end: s.end,
            })
            .collect();
        Ok(Compiled {
            n,
            regions: data.region_ids(),
            alliances,
            ally,
            light,
            mines,
            separation,
            metal_plants,
            magnet_plants,
            magnet_content,
            type_family,
            n_families: families.len(),
            didymium,
            units,
            market,
            sectors,
            contracts,
            controls,
            tariffs,
            shocks,
            policy,
            projects,
            holders: sc.stockpiles.iter().map(|s| s.holder.clone()).collect(),
            recovery: sc
                .assumptions
                .separation_recovery
                .unwrap_or(data.parameters.separation_recovery.value),
            governance_risk: super::supply_risk::governance_risk(data),
            indicators: true,
            kept: None,
            growth_scale: sc.assumptions.demand_growth_scale,
            base_year: data.base_year as f64,
            start: sc.start_year,
            spy: sc.steps_per_year,
            steps: sc.n_steps(),
            name: sc.name.clone(),
        })
    }
}
