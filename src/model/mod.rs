//! The simulation: mines → concentrate trade → separation → oxide trade → metal
//! making → magnet making → end use, every step, every region, every element.
//!
//! # The rules of one step (length `dt`, a quarter by default)
//!
//! 1. **Mining.** Every mine produces `capacity × dt` (times its pipeline ramp and one
//!    minus any shock on the region's mining) of concentrate with its ore's element
//!    composition. Concentrate is split into a light fraction (La, Ce, Pr, Nd, Sm) and
//!    a heavy fraction (the rest), because light and heavy separation are different
//!    capabilities. It joins the region's concentrate stock.
//! 2. **Concentrate trade.** For each fraction, every region's stock is offered to the
//!    separation capacity of every region ([`allocate`]: domestic, contracts, allies,
//!    others; export controls and tariffs on the lanes). A flow carries the exporter's
//!    stock composition. Unsold concentrate stays in stock.
//! 3. **Separation.** Feed becomes oxides at the recovery rate; the rest is a tracked
//!    loss. Oxides join the separating region's oxide stock.
//! 4. **Demand.** Each sector's base-year world demand grows by its growth path and is
//!    split over regions by its shares. Oxide sectors need oxides by their element
//!    mix; magnet sectors need magnets.
//! 5. **Magnet orders.** Each region's magnet demand orders magnets from magnet makers
//!    ([`allocate`] again, on `magnet` lanes).
//! 6. **Metal orders.** Each magnet maker orders the rare earth content of the magnet
//!    orders it took (t REO, one good: the alloy) from metal makers ([`allocate`], on
//!    `metal` lanes); a metal maker then needs, as oxide, the elements of the orders it
//!    accepted.
//! 7. **Oxide trade.** For each element, oxide stocks are allocated to the regions'
//!    needs: the oxides their end users want plus what their metal makers need. A
//!    region splits what it receives between its metal makers and its end users in
//!    proportion to their needs.
//! 8. **Metal making.** A metal maker reduces all the oxide it received for metal and
//!    shares each element among its customers in proportion to their orders.
//! 9. **Magnet making.** A maker produces as many magnets as its orders and its
//!    scarcest recipe element (as metal) allow (a Leontief recipe), ships them to the
//!    buyers in proportion to their orders, and returns unused metal to its region's
//!    stock of separated product.
//! 10. **Metrics.** Availability is supplied / demanded per region and element, with
//!     magnets counted by their element content; supply is classed by the region it
//!     last came from (own, ally, other); concentration of each stage; mass balance.
//!
//! Mass balance, per element, holds exactly up to rounding:
//! `mined = concentrate stock + oxide stock + losses + delivered to end use + delivered
//! in magnets`. Every transfer subtracts what it adds.

pub mod allocate;

use crate::data::{normalised, pipeline_factor, Dataset, GrowthPath};
use crate::elements::{self, EVec, N_EL, ZERO};
use crate::error::InputErrors;
use crate::output::RunOutput;
use crate::scenario::{Measure, Product, Scenario, Stage};
use allocate::{allocate, ContractLane, Lane, Routes, Scratch};

/// Bit mask over elements.
type Mask = u32;

const ALL: Mask = (1 << N_EL) - 1;

fn mask_of(v: &EVec) -> Mask {
    v.iter()
        .enumerate()
        .filter(|(_, x)| **x > 0.0)
        .fold(0, |m, (i, _)| m | (1 << i))
}

struct MineC {
    region: usize,
    comp: EVec, // shares summing to 1
    capacity: f64,
    pipeline: Option<crate::data::Pipeline>,
}

struct PlantC {
    region: usize,
    cap: [f64; 2], // light, heavy (separation) or [magnets, 0]
    kind: usize,   // magnet type for magnet plants
    pipeline: Option<crate::data::Pipeline>,
}

struct SectorC {
    /// None for oxide sectors, else magnet type.
    magnet: Option<usize>,
    mix: EVec,
    base: f64,
    regions: Vec<f64>,
    growth: Vec<crate::data::GrowthPhase>,
}

struct ControlC {
    exporter: usize,
    products: [bool; N_PRODUCTS],
    elements: Mask,
    measure: Measure,
    exempt: Vec<bool>,
    start: f64,
    end: f64,
}

struct TariffC {
    /// `(1 + rate)^-sensitivity`, computed once.
    weight: f64,
    importer: Vec<bool>,
    exporter: Vec<bool>,
    products: [bool; N_PRODUCTS],
    start: f64,
    end: f64,
}

struct ShockC {
    region: usize,
    stage: Stage,
    share: f64,
    start: f64,
    end: f64,
}

fn product_index(p: Product) -> usize {
    match p {
        Product::Concentrate => 0,
        Product::Oxide => 1,
        Product::Magnet => 2,
        Product::Metal => 3,
    }
}

/// Traded products: concentrate, oxide, magnet, metal (the [`product_index`] order).
const N_PRODUCTS: usize = 4;

/// Length of the overlap of `[a0, a1)` and `[b0, b1)`.
fn overlap(a0: f64, a1: f64, b0: f64, b1: f64) -> f64 {
    (a1.min(b1) - a0.max(b0)).max(0.0)
}

/// Lanes built for recent keys ([`Compiled::lane_key`]): most steps reuse the lanes
/// of the step before, since controls and tariffs change only at their dates.
#[derive(Default)]
struct LaneCache {
    entries: Vec<(Vec<u64>, Routes)>,
    next: usize,
    /// Entries built so far: an index remembered before a build may have been evicted.
    builds: u64,
}

impl LaneCache {
    const SIZE: usize = 16;

    /// Index of the entry for `key`, built with `build` when missing.
    fn get(&mut self, n: usize, key: &[u64], build: impl FnOnce(&mut Vec<Lane>)) -> usize {
        if let Some(i) = self.entries.iter().position(|(k, _)| k == key) {
            return i;
        }
        let i = if self.entries.len() < Self::SIZE {
            self.entries.push((
                Vec::new(),
                Routes {
                    n,
                    ..Routes::default()
                },
            ));
            self.entries.len() - 1
        } else {
            let i = self.next;
            self.next = (i + 1) % Self::SIZE;
            i
        };
        self.builds += 1;
        self.entries[i].0.clear();
        self.entries[i].0.extend_from_slice(key);
        let routes = &mut self.entries[i].1;
        build(&mut routes.lanes);
        routes.index();
        i
    }
}

/// The data and scenario turned into indexes and vectors, ready to step.
pub struct Compiled {
    n: usize,
    regions: Vec<String>,
    alliances: Vec<(String, Vec<bool>)>,
    ally: Vec<bool>,
    light: EVec, // 1 for light elements, 0 otherwise
    mines: Vec<MineC>,
    separation: Vec<PlantC>,
    metal_plants: Vec<PlantC>,
    magnet_plants: Vec<PlantC>,
    /// Element content of one tonne of each magnet type (t REO per element).
    magnet_content: Vec<EVec>,
    sectors: Vec<SectorC>,
    contracts: [Vec<ContractLane>; N_PRODUCTS],
    controls: Vec<ControlC>,
    tariffs: Vec<TariffC>,
    shocks: Vec<ShockC>,
    recovery: f64,
    growth_scale: f64,
    base_year: f64,
    start: f64,
    spy: u32,
    steps: usize,
    name: String,
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

    /// Capacity factor left by shocks on `region` at `stage` over `[t, t+dt)`.
    fn shock_factor(&self, region: usize, stage: Stage, t: f64, dt: f64) -> f64 {
        let mut f = 1.0;
        for s in &self.shocks {
            if s.region == region && s.stage == stage {
                f *= 1.0 - s.share * overlap(t, t + dt, s.start, s.end) / dt;
            }
        }
        f
    }

    /// Fill `lanes` for one product and good. `good(e)` is the element mask of what
    /// exporter `e` offers in this allocation problem.
    fn lanes(
        &self,
        product: usize,
        good: impl Fn(usize) -> Mask,
        t: f64,
        dt: f64,
        lanes: &mut Vec<Lane>,
    ) {
        let n = self.n;
        lanes.clear();
        lanes.resize(n * n, Lane::OPEN);
        let mid = t + 0.5 * dt;
        for e in 0..n {
            let g = good(e);
            for i in 0..n {
                let k = e * n + i;
                lanes[k].ally = self.ally[k];
            }
            for (ci, c) in self.controls.iter().enumerate() {
                if c.exporter != e || !c.products[product] || c.elements & g == 0 {
                    continue;
                }
                let active = overlap(t, t + dt, c.start, c.end) / dt;
                if active <= 0.0 {
                    continue;
                }
                for i in 0..n {
                    if c.exempt[i] {
                        continue;
                    }
                    let lane = &mut lanes[e * n + i];
                    match c.measure {
                        Measure::Ban => lane.open *= 1.0 - active,
                        Measure::Licensing {
                            approval_share,
                            delay_days,
                        } => {
                            let granted_from = (c.start + delay_days / 365.25).min(c.end);
                            let waiting = overlap(t, t + dt, c.start, granted_from) / dt;
                            let licensed = overlap(t, t + dt, granted_from, c.end) / dt;
                            lane.open *=
                                (1.0 - waiting - licensed * (1.0 - approval_share)).max(0.0);
                        }
                        Measure::Quota { .. } => {
                            if lane.quota.is_none() {
                                lane.quota = Some(ci);
                            }
                        }
                    }
                }
            }
        }
        for tr in &self.tariffs {
            if !tr.products[product] || mid < tr.start || mid >= tr.end {
                continue;
            }
            let w = tr.weight;
            for e in 0..n {
                if !tr.exporter[e] {
                    continue;
                }
                for i in 0..n {
                    if i != e && tr.importer[i] {
                        lanes[e * n + i].weight *= w;
                    }
                }
            }
        }
    }

    /// Everything the lanes of one allocation problem depend on during a step: the
    /// product, each control's effect this step and whether it covers the exporter's
    /// good, and which tariffs are in force. Equal keys give equal lanes.
    fn lane_key(
        &self,
        product: usize,
        good: impl Fn(usize) -> Mask,
        t: f64,
        dt: f64,
        key: &mut Vec<u64>,
    ) {
        key.clear();
        key.push(product as u64);
        for c in &self.controls {
            if !c.products[product] {
                continue;
            }
            let active = overlap(t, t + dt, c.start, c.end) / dt;
            key.push(active.to_bits());
            if active > 0.0 {
                key.push((c.elements & good(c.exporter) != 0) as u64);
                if let Measure::Licensing { delay_days, .. } = c.measure {
                    // The waiting share changes from step to step around the start.
                    let granted_from = (c.start + delay_days / 365.25).min(c.end);
                    key.push(overlap(t, t + dt, c.start, granted_from).to_bits());
                }
            }
        }
        let mid = t + 0.5 * dt;
        for tr in &self.tariffs {
            if tr.products[product] {
                key.push((mid >= tr.start && mid < tr.end) as u64);
            }
        }
    }

    /// Quota budget of every control for one allocation problem: the step's quota,
    /// shared among the problems it covers in proportion to the exporter's supply in
    /// each (`problem_supply` / `covered_supply`).
    fn quota_budgets(
        &self,
        product: usize,
        t: f64,
        dt: f64,
        problem: impl Fn(usize, Mask) -> (f64, f64),
        out: &mut Vec<f64>,
    ) {
        out.clear();
        for c in &self.controls {
            let mut b = 0.0;
            if let Measure::Quota { tonnes_per_year } = c.measure {
                if c.products[product] {
                    let active = overlap(t, t + dt, c.start, c.end);
                    let (here, covered) = problem(c.exporter, c.elements);
                    if covered > 0.0 {
                        b = tonnes_per_year * active * here / covered;
                    }
                }
            }
            out.push(b);
        }
    }

    /// Run the whole horizon.
    pub fn simulate(&self) -> RunOutput {
        let mut out = RunOutput::default();
        self.simulate_into(&mut out);
        out
    }

    /// Run the whole horizon into `out`, reusing its memory: repeated runs (sliders,
    /// sensitivity analysis) then allocate nothing large.
    pub fn simulate_into(&self, out: &mut RunOutput) {
        let n = self.n;
        let steps = self.steps;
        let spy = self.spy as f64;
        let dt = 1.0 / spy;
        let n_types = self.magnet_content.len();
        let na = self.alliances.len();
        out.series.reset(steps, n, na, N_EL);
        let s = &mut out.series;
        // State.
        let mut conc = vec![[ZERO; 2]; n];
        let mut oxide = vec![ZERO; n];
        let mut cum_mined = ZERO;
        let mut cum_losses = ZERO;
        let mut cum_direct = ZERO;
        let mut cum_magnets = ZERO;
        // Buffers reused every step.
        let mut lane_cache = LaneCache::default();
        // This step's oxide lanes by the set of controls covering an element:
        // `(controls mask, cache index, cache builds when found)`.
        let mut oxide_lanes: Vec<(u64, usize, u64)> = Vec::new();
        let mut key = Vec::new();
        let mut scratch = Scratch::default();
        let mut flows = vec![0.0; n * n];
        let mut supply = vec![0.0; n];
        let mut need = vec![0.0; n];
        let mut quota = Vec::new();
        let mut feed = vec![ZERO; n];
        let mut direct_need = vec![ZERO; n];
        let mut magnet_need = vec![vec![0.0; n]; n_types];
        let mut orders = vec![vec![0.0; n * n]; n_types];
        let mut maker_need = vec![ZERO; n];
        let mut maker_need_by_type = vec![vec![ZERO; n]; n_types];
        let mut direct_recv = vec![ZERO; n];
        // Metal received by magnet makers; oxide received by metal makers for metal.
        let mut maker_recv = vec![ZERO; n];
        let mut metal_recv = vec![ZERO; n];
        let mut metal_cap = vec![0.0; n];
        let mut metal_need = vec![0.0; n];
        let mut metal_orders = vec![0.0; n * n];
        let mut metal_pairs: Vec<(usize, usize)> = Vec::new();
        let mut metal_maker_need = vec![ZERO; n];
        let mut metal_region = vec![0.0; n];
        // Elements any magnet contains: the good of the metal trade.
        let metal_mask = self
            .magnet_content
            .iter()
            .fold(0, |m, content| m | mask_of(content));
        let mut sep_cap = vec![[0.0; 2]; n];
        let mut mag_cap = vec![vec![0.0; n]; n_types];
        let mut mined_region = vec![0.0; n];
        let mut sep_region = vec![0.0; n];
        let mut mag_region = vec![0.0; n];
        let mut before = vec![0.0; n];
        let mut need0 = vec![0.0; n];
        let mut oxide_start = vec![ZERO; n];
        let mut conc_start = vec![[ZERO; 2]; n];
        let mut total_cap = vec![0.0; n];
        // Demand growth paths with the assumption's scale applied, once.
        let growth: Vec<GrowthPath> = self
            .sectors
            .iter()
            .map(|sec| {
                let scaled: Vec<crate::data::GrowthPhase> = sec
                    .growth
                    .iter()
                    .map(|g| crate::data::GrowthPhase {
                        until: g.until,
                        rate: g.rate * self.growth_scale,
                    })
                    .collect();
                GrowthPath::new(&scaled, self.base_year)
            })
            .collect();

        let classify = |e: usize, i: usize| -> usize {
            if e == i {
                0
            } else if self.ally[e * n + i] {
                1
            } else {
                2
            }
        };

        for step in 0..steps {
            let t = self.start + step as f64 * dt;
            let mid = t + 0.5 * dt;

            // 1. Mining.
            mined_region.iter_mut().for_each(|x| *x = 0.0);
            let mine_output = s.mine_output.step_mut(step);
            for m in &self.mines {
                let q = m.capacity
                    * pipeline_factor(&m.pipeline, mid)
                    * self.shock_factor(m.region, Stage::Mining, t, dt)
                    * dt;
                if q <= 0.0 {
                    continue;
                }
                for el in 0..N_EL {
                    let x = q * m.comp[el];
                    let f = if self.light[el] > 0.0 { 0 } else { 1 };
                    conc[m.region][f][el] += x;
                    cum_mined[el] += x;
                    mine_output[m.region * N_EL + el] += x * spy;
                }
                mined_region[m.region] += q;
            }

            // 2. Concentrate trade, per fraction.
            sep_cap.iter_mut().for_each(|c| *c = [0.0; 2]);
            for p in &self.separation {
                let f = pipeline_factor(&p.pipeline, mid)
                    * self.shock_factor(p.region, Stage::Separation, t, dt)
                    * dt;
                sep_cap[p.region][0] += p.cap[0] * f;
                sep_cap[p.region][1] += p.cap[1] * f;
            }
            feed.iter_mut().for_each(|v| *v = ZERO);
            // Quotas are shared among problems by the stocks at the start of the stage.
            conc_start.copy_from_slice(&conc);
            for frac in 0..2 {
                for r in 0..n {
                    supply[r] = elements::sum(&conc[r][frac]);
                    need[r] = sep_cap[r][frac];
                }
                before.copy_from_slice(&supply);
                let good = |e: usize| mask_of(&conc[e][frac]);
                self.lane_key(0, good, t, dt, &mut key);
                let li = lane_cache.get(n, &key, |l| self.lanes(0, good, t, dt, l));
                let lanes = &lane_cache.entries[li].1;
                self.quota_budgets(
                    0,
                    t,
                    dt,
                    |e, m| {
                        let covered = |f: usize| {
                            if mask_of(&conc_start[e][f]) & m != 0 {
                                elements::sum(&conc_start[e][f])
                            } else {
                                0.0
                            }
                        };
                        (covered(frac), covered(0) + covered(1))
                    },
                    &mut quota,
                );
                allocate(
                    &mut supply,
                    &mut need,
                    lanes,
                    &self.contracts[0],
                    &mut quota,
                    &mut flows,
                    &mut scratch,
                );
                // A flow carries the exporter's stock composition at the stage start.
                for &(e, i) in &scratch.touched {
                    let k = e * n + i;
                    let share = flows[k] / before[e];
                    flows[k] = 0.0;
                    for el in 0..N_EL {
                        let moved = conc_start[e][frac][el] * share;
                        feed[i][el] += moved;
                        conc[e][frac][el] -= moved;
                    }
                }
            }

            // 3. Separation.
            sep_region.iter_mut().for_each(|x| *x = 0.0);
            let separation_output = s.separation_output.step_mut(step);
            for i in 0..n {
                for el in 0..N_EL {
                    let x = feed[i][el];
                    if x > 0.0 {
                        let out = x * self.recovery;
                        oxide[i][el] += out;
                        cum_losses[el] += x - out;
                        separation_output[i * N_EL + el] += out * spy;
                        sep_region[i] += out;
                    }
                }
            }

            // 4. Demand.
            direct_need.iter_mut().for_each(|v| *v = ZERO);
            magnet_need
                .iter_mut()
                .for_each(|v| v.iter_mut().for_each(|x| *x = 0.0));
            for (sec, scaled) in self.sectors.iter().zip(&growth) {
                let world = sec.base * scaled.factor(mid) * dt;
                for r in 0..n {
                    let q = world * sec.regions[r];
                    if q <= 0.0 {
                        continue;
                    }
                    match sec.magnet {
                        Some(m) => magnet_need[m][r] += q,
                        None => elements::add_scaled(&mut direct_need[r], &sec.mix, q),
                    }
                }
            }

            // 5. Magnet orders.
            for cap in mag_cap.iter_mut() {
                cap.iter_mut().for_each(|x| *x = 0.0);
            }
            for p in &self.magnet_plants {
                mag_cap[p.kind][p.region] += p.cap[0]
                    * pipeline_factor(&p.pipeline, mid)
                    * self.shock_factor(p.region, Stage::Magnets, t, dt)
                    * dt;
            }
            maker_need.iter_mut().for_each(|v| *v = ZERO);
            for (r, c) in total_cap.iter_mut().enumerate() {
                *c = (0..n_types).map(|m| mag_cap[m][r]).sum();
            }
            for m in 0..n_types {
                supply.copy_from_slice(&mag_cap[m]);
                need.copy_from_slice(&magnet_need[m]);
                let content_mask = mask_of(&self.magnet_content[m]);
                self.lane_key(2, |_| content_mask, t, dt, &mut key);
                let li = lane_cache.get(n, &key, |l| self.lanes(2, |_| content_mask, t, dt, l));
                let lanes = &lane_cache.entries[li].1;
                let cap_m = &mag_cap[m];
                self.quota_budgets(
                    2,
                    t,
                    dt,
                    |e, mask| {
                        let covered: f64 = (0..n_types)
                            .filter(|k| mask_of(&self.magnet_content[*k]) & mask != 0)
                            .map(|k| mag_cap[k][e])
                            .sum();
                        (
                            if content_mask & mask != 0 {
                                cap_m[e]
                            } else {
                                0.0
                            },
                            covered.min(total_cap[e]),
                        )
                    },
                    &mut quota,
                );
                let o = &mut orders[m];
                o.iter_mut().for_each(|x| *x = 0.0);
                allocate(
                    &mut supply,
                    &mut need,
                    lanes,
                    &self.contracts[2],
                    &mut quota,
                    o,
                    &mut scratch,
                );
                for j in 0..n {
                    let ordered: f64 = o[j * n..(j + 1) * n].iter().sum();
                    let v = &mut maker_need_by_type[m][j];
                    for el in 0..N_EL {
                        v[el] = ordered * self.magnet_content[m][el];
                    }
                    elements::add_scaled(&mut maker_need[j], &self.magnet_content[m], ordered);
                }
            }

            // 6. Metal orders. Each magnet maker asks metal makers for the rare earth
            // content of its magnet orders (t REO, one good: the alloy); a metal maker
            // then needs, as oxide, the elements of the orders it accepted.
            metal_cap.iter_mut().for_each(|x| *x = 0.0);
            for p in &self.metal_plants {
                metal_cap[p.region] += p.cap[0]
                    * pipeline_factor(&p.pipeline, mid)
                    * self.shock_factor(p.region, Stage::Metal, t, dt)
                    * dt;
            }
            for j in 0..n {
                supply[j] = metal_cap[j];
                need[j] = elements::sum(&maker_need[j]);
            }
            metal_need.copy_from_slice(&need);
            self.lane_key(3, |_| metal_mask, t, dt, &mut key);
            let li = lane_cache.get(n, &key, |l| self.lanes(3, |_| metal_mask, t, dt, l));
            let lanes = &lane_cache.entries[li].1;
            self.quota_budgets(
                3,
                t,
                dt,
                |e, mask| {
                    let c = if mask & metal_mask != 0 {
                        metal_cap[e]
                    } else {
                        0.0
                    };
                    (c, c)
                },
                &mut quota,
            );
            metal_orders.iter_mut().for_each(|x| *x = 0.0);
            allocate(
                &mut supply,
                &mut need,
                lanes,
                &self.contracts[3],
                &mut quota,
                &mut metal_orders,
                &mut scratch,
            );
            metal_pairs.clear();
            metal_pairs.extend_from_slice(&scratch.touched);
            metal_maker_need.iter_mut().for_each(|v| *v = ZERO);
            for &(m, j) in &metal_pairs {
                let share = metal_orders[m * n + j] / metal_need[j];
                elements::add_scaled(&mut metal_maker_need[m], &maker_need[j], share);
            }

            // 7. Oxide trade, per element, to end users and metal makers.
            direct_recv.iter_mut().for_each(|v| *v = ZERO);
            metal_recv.iter_mut().for_each(|v| *v = ZERO);
            oxide_start.copy_from_slice(&oxide);
            oxide_lanes.clear();
            for el in 0..N_EL {
                let mut wanted = false;
                for r in 0..n {
                    supply[r] = oxide[r][el];
                    need[r] = direct_need[r][el] + metal_maker_need[r][el];
                    wanted |= need[r] > 0.0;
                }
                if !wanted {
                    // Nobody uses this element (Pm, Sc, Tm by default): nothing moves.
                    continue;
                }
                need0.copy_from_slice(&need);
                let bit = 1 << el;
                // Elements covered by the same controls share their lanes this step.
                let class = (self.controls.len() <= 64).then(|| {
                    self.controls
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.products[1] && c.elements & bit != 0)
                        .fold(0u64, |m, (ci, _)| m | 1 << ci)
                });
                let known = class.and_then(|c| {
                    oxide_lanes
                        .iter()
                        .find(|(k, _, b)| *k == c && *b == lane_cache.builds)
                        .map(|(_, li, _)| *li)
                });
                let li = match known {
                    Some(li) => li,
                    None => {
                        self.lane_key(1, |_| bit, t, dt, &mut key);
                        let li = lane_cache.get(n, &key, |l| self.lanes(1, |_| bit, t, dt, l));
                        if let Some(c) = class {
                            oxide_lanes.push((c, li, lane_cache.builds));
                        }
                        li
                    }
                };
                let lanes = &lane_cache.entries[li].1;
                self.quota_budgets(
                    1,
                    t,
                    dt,
                    |e, mask| {
                        let covered: f64 = (0..N_EL)
                            .filter(|k| mask & (1 << k) != 0)
                            .map(|k| oxide_start[e][k])
                            .sum();
                        (
                            if mask & bit != 0 {
                                oxide_start[e][el]
                            } else {
                                0.0
                            },
                            covered,
                        )
                    },
                    &mut quota,
                );
                allocate(
                    &mut supply,
                    &mut need,
                    lanes,
                    &self.contracts[1],
                    &mut quota,
                    &mut flows,
                    &mut scratch,
                );
                let oxide_exports = s.oxide_exports.step_mut(step);
                let supplied_by = s.supplied_by.step_mut(step);
                let own = s.source_own.step_mut(step);
                let allies = s.source_allies.step_mut(step);
                let others = s.source_others.step_mut(step);
                for &(e, i) in &scratch.touched {
                    let k = e * n + i;
                    let x = flows[k];
                    flows[k] = 0.0;
                    let direct_share = if need0[i] > 0.0 {
                        direct_need[i][el] / need0[i]
                    } else {
                        0.0
                    };
                    oxide[e][el] -= x;
                    if e != i {
                        oxide_exports[e * N_EL + el] += x * spy;
                    }
                    let d = x * direct_share;
                    direct_recv[i][el] += d;
                    metal_recv[i][el] += x - d;
                    let src = match classify(e, i) {
                        0 => &mut *own,
                        1 => &mut *allies,
                        _ => &mut *others,
                    };
                    src[i * N_EL + el] += d * spy;
                    supplied_by[i * n + e] += d * spy;
                }
            }

            // 8. Metal making. A metal maker reduces all the oxide it received for metal
            // (its accepted orders capped what it asked for) and shares each element
            // among its customers in proportion to what they ordered of it.
            maker_recv.iter_mut().for_each(|v| *v = ZERO);
            metal_region.iter_mut().for_each(|x| *x = 0.0);
            for &(m, j) in &metal_pairs {
                let share = metal_orders[m * n + j] / metal_need[j];
                for el in 0..N_EL {
                    let asked = metal_maker_need[m][el];
                    if asked > 0.0 && metal_recv[m][el] > 0.0 {
                        let x = metal_recv[m][el] * (maker_need[j][el] * share / asked);
                        maker_recv[j][el] += x;
                        metal_region[m] += x;
                    }
                }
            }
            for (m, x) in metal_region.iter().enumerate() {
                s.metal_output.set(step, m, 0, x * spy);
            }

            // 9. Magnet making and delivery. Metal a maker cannot use (the recipe's
            // other elements ran short) returns to the region's stock of separated
            // product.
            mag_region.iter_mut().for_each(|x| *x = 0.0);
            // This step's rows of the series written below.
            let magnet_output = s.magnet_output.step_mut(step);
            let supplied = s.supplied.step_mut(step);
            let supplied_by = s.supplied_by.step_mut(step);
            let own = s.source_own.step_mut(step);
            let allies = s.source_allies.step_mut(step);
            let others = s.source_others.step_mut(step);
            for j in 0..n {
                if elements::sum(&maker_need[j]) <= 0.0 {
                    continue;
                }
                let mut used = ZERO;
                for m in 0..n_types {
                    let o = &orders[m];
                    let ordered: f64 = o[j * n..(j + 1) * n].iter().sum();
                    if ordered <= 0.0 {
                        continue;
                    }
                    let content = &self.magnet_content[m];
                    let mut made = ordered;
                    for el in 0..N_EL {
                        if content[el] > 0.0 {
                            let share = maker_need_by_type[m][j][el] / maker_need[j][el];
                            made = made.min(maker_recv[j][el] * share / content[el]);
                        }
                    }
                    let made = made.max(0.0);
                    elements::add_scaled(&mut used, content, made);
                    mag_region[j] += made;
                    magnet_output[j] += made * spy;
                    for i in 0..n {
                        let x = o[j * n + i];
                        if x <= 0.0 {
                            continue;
                        }
                        let delivered = made * x / ordered;
                        supplied_by[i * n + j] += delivered * elements::sum(content) * spy;
                        let src = match classify(j, i) {
                            0 => &mut *own,
                            1 => &mut *allies,
                            _ => &mut *others,
                        };
                        for el in 0..N_EL {
                            let c = delivered * content[el];
                            if c <= 0.0 {
                                continue;
                            }
                            supplied[i * N_EL + el] += c * spy;
                            src[i * N_EL + el] += c * spy;
                        }
                    }
                }
                for el in 0..N_EL {
                    let u = used[el].min(maker_recv[j][el]);
                    cum_magnets[el] += u;
                    oxide[j][el] += maker_recv[j][el] - u;
                }
            }

            // 10. Metrics.
            let supplied = s.supplied.step_mut(step);
            let demand = s.demand.step_mut(step);
            let availability = s.availability.step_mut(step);
            for i in 0..n {
                for el in 0..N_EL {
                    let k = i * N_EL + el;
                    cum_direct[el] += direct_recv[i][el];
                    supplied[k] += direct_recv[i][el] * spy;
                    let mut d = direct_need[i][el];
                    for (need_m, content) in magnet_need.iter().zip(&self.magnet_content) {
                        d += need_m[i] * content[el];
                    }
                    demand[k] = d * spy;
                    availability[k] = if d > 0.0 {
                        (supplied[k] / (d * spy)).clamp(0.0, 1.0)
                    } else {
                        1.0
                    };
                }
            }
            let alliance_availability = s.alliance_availability.step_mut(step);
            for (a, (_, members)) in self.alliances.iter().enumerate() {
                let (mut d, mut x) = ([0.0; N_EL], [0.0; N_EL]);
                for i in (0..n).filter(|i| members[*i]) {
                    for el in 0..N_EL {
                        d[el] += demand[i * N_EL + el];
                        x[el] += supplied[i * N_EL + el];
                    }
                }
                for el in 0..N_EL {
                    alliance_availability[a * N_EL + el] = if d[el] > 0.0 {
                        (x[el] / d[el]).clamp(0.0, 1.0)
                    } else {
                        1.0
                    };
                }
            }
            for (k, v) in [&mined_region, &sep_region, &metal_region, &mag_region]
                .into_iter()
                .enumerate()
            {
                let total: f64 = v.iter().sum();
                let (mut hhi, mut top) = (0.0, 0.0);
                if total > 0.0 {
                    for x in v.iter() {
                        let sh = x / total;
                        hhi += sh * sh;
                        top = f64::max(top, sh);
                    }
                }
                s.concentration.set(step, k, 0, hhi);
                s.concentration.set(step, k, 1, top);
            }
            let mut worst: f64 = 0.0;
            for el in 0..N_EL {
                let mut stock_c = 0.0;
                let mut stock_o = 0.0;
                for r in 0..n {
                    stock_c += conc[r][0][el] + conc[r][1][el];
                    stock_o += oxide[r][el];
                }
                s.oxide_stock.set(step, 0, el, stock_o);
                s.concentrate_stock.set(step, 0, el, stock_c);
                let rhs = stock_c + stock_o + cum_losses[el] + cum_direct[el] + cum_magnets[el];
                let err = (cum_mined[el] - rhs).abs() / cum_mined[el].max(1.0);
                worst = worst.max(err);
            }
            s.mass_balance_error[step] = worst;
        }

        out.scenario_name.clone_from(&self.name);
        out.regions.clone_from(&self.regions);
        out.alliances = self.alliances.iter().map(|(id, _)| id.clone()).collect();
        out.time = (0..steps).map(|k| self.start + k as f64 * dt).collect();
        out.steps_per_year = self.spy;
    }
}

/// Validate, compile and run a scenario on a data set.
pub fn run(data: &Dataset, scenario: &Scenario) -> Result<RunOutput, InputErrors> {
    Ok(Compiled::new(data, scenario)?.simulate())
}

/// [`run`] into an existing output, reusing its memory.
pub fn run_into(
    data: &Dataset,
    scenario: &Scenario,
    out: &mut RunOutput,
) -> Result<(), InputErrors> {
    Compiled::new(data, scenario)?.simulate_into(out);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_of_intervals() {
        assert_eq!(overlap(0.0, 1.0, 0.5, 2.0), 0.5);
        assert_eq!(overlap(0.0, 1.0, 2.0, 3.0), 0.0);
        assert_eq!(overlap(0.0, 1.0, -1.0, f64::INFINITY), 1.0);
    }

    #[test]
    fn base_case_runs_and_balances() {
        let out = run(Dataset::default_data(), &Scenario::default()).unwrap();
        assert_eq!(out.n_steps(), 104);
        assert!(
            out.max_mass_balance_error() < 1e-9,
            "{}",
            out.max_mass_balance_error()
        );
    }
}
