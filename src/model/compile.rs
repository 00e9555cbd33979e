//! Compilation: the data set and a scenario turned into indexes, masks and vectors,
//! once per run, so that the step loop works on plain numbers.

use super::allocate::{self, ContractLane};
use crate::data::{normalised, Dataset};
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

pub(crate) struct MineC {
    pub(crate) region: usize,
    pub(crate) comp: EVec, // shares summing to 1
    pub(crate) capacity: f64,
    pub(crate) pipeline: Option<crate::data::Pipeline>,
}

pub(crate) struct PlantC {
    pub(crate) region: usize,
    pub(crate) cap: [f64; 2], // light, heavy (separation) or [magnets, 0]
    pub(crate) kind: usize,   // magnet type for magnet plants
    pub(crate) pipeline: Option<crate::data::Pipeline>,
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

pub(crate) struct TariffC {
    /// `(1 + rate)^-sensitivity`, computed once.
    pub(crate) weight: f64,
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

pub(crate) fn product_index(p: Product) -> usize {
    match p {
        Product::Concentrate => 0,
        Product::Oxide => 1,
        Product::Magnet => 2,
        Product::Metal => 3,
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
    pub(crate) sectors: Vec<SectorC>,
    pub(crate) contracts: [Vec<ContractLane>; N_PRODUCTS],
    pub(crate) controls: Vec<ControlC>,
    pub(crate) tariffs: Vec<TariffC>,
    pub(crate) shocks: Vec<ShockC>,
    pub(crate) recovery: f64,
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
        let mines = data
            .mines
            .iter()
            .map(|m| {
                let ore = data
                    .ores
                    .iter()
                    .find(|o| o.id == m.ore)
                    .expect("checked ore id");
                MineC {
                    region: ri(&m.region),
                    comp: normalised(&ore.composition, 1.0),
                    capacity: m.capacity.value,
                    pipeline: m.pipeline,
                }
            })
            .collect();
        let separation = data
            .separation
            .iter()
            .map(|p| PlantC {
                region: ri(&p.region),
                cap: [p.light.value, p.heavy.value],
                kind: 0,
                pipeline: p.pipeline,
            })
            .collect();
        let metal_plants = data
            .metal_plants
            .iter()
            .map(|p| PlantC {
                region: ri(&p.region),
                cap: [p.capacity.value, 0.0],
                kind: 0,
                pipeline: p.pipeline,
            })
            .collect();
        let type_index = |id: &str| data.magnet_types.iter().position(|t| t.id == id);
        let magnet_plants = data
            .magnet_plants
            .iter()
            .map(|p| PlantC {
                region: ri(&p.region),
                cap: [p.capacity.value, 0.0],
                kind: type_index(&p.product).unwrap_or(0),
                pipeline: p.pipeline,
            })
            .collect();
        let magnet_content = data
            .magnet_types
            .iter()
            .map(|t| normalised(&t.recipe, t.reo_per_tonne.value))
            .collect();
        let sectors = data
            .sectors
            .iter()
            .map(|s| {
                let mut regions = vec![0.0; n];
                let total: f64 = s.regions.values().sum();
                for (r, v) in &s.regions {
                    regions[ri(r)] = v / total;
                }
                SectorC {
                    magnet: type_index(&s.product),
                    mix: s.mix.as_ref().map(|m| normalised(m, 1.0)).unwrap_or(ZERO),
                    base: s.base.value,
                    regions,
                    growth: s.growth.clone(),
                }
            })
            .collect();
        let mut contracts: [Vec<ContractLane>; N_PRODUCTS] = Default::default();
        for c in &data.contracts {
            let k = match c.product.as_str() {
                "concentrate" => 0,
                "oxide" => 1,
                "metal" => 3,
                _ => 2,
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
            sectors,
            contracts,
            controls,
            tariffs,
            shocks,
            recovery: sc
                .assumptions
                .separation_recovery
                .unwrap_or(data.parameters.separation_recovery.value),
            growth_scale: sc.assumptions.demand_growth_scale,
            base_year: data.base_year as f64,
            start: sc.start_year,
            spy: sc.steps_per_year,
            steps: sc.n_steps(),
            name: sc.name.clone(),
        })
    }
}
