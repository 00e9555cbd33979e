//! Monte Carlo bands: many runs of one scenario with its uncertain inputs sampled, and
//! the 5th, 50th and 95th percentiles of availability and price at every step.
//!
//! # What is sampled (`uncertainty` in the data file, each with its source)
//!
//! Every run draws, once: a factor on the scenario's demand growth scale, on each of
//! the two price elasticities and on the lead times of price-driven projects and
//! expansions (triangular distributions, mode 1: the run as given); then, for each
//! disruption of the data and each year of the horizon in order, whether it strikes
//! that year (its yearly probability) and if so when in the year; a strike is a shock
//! of the disruption's share on its region and stage for its duration. Sampled values
//! are held inside the ranges the scenario format accepts.
//!
//! # Determinism
//!
//! Run `k` of seed `s` draws from its own stream, a SplitMix64 generator (Steele, Lea
//! & Flood 2014; the seeding generator of xoshiro, ten lines, no dependency) started
//! from a mix of `s` and `k`. So a run's inputs depend on the seed and its index only,
//! never on which thread ran it or how many runs came before in the same chunk; the
//! triangular draws use `sqrt` (correctly rounded everywhere), so native and wasm draw
//! the same bits. The same scenario and seed give the same bytes.
//!
//! # Memory and percentiles
//!
//! Each run's availability is kept as a 16-bit fraction (`round(a × 65535)`; a step of
//! 1.5e-5, far below anything a band can show) and its prices as `f32`, so 1,000 runs
//! of the default scenario (104 steps, 19 regions, 17 elements) take 67 MB + 7 MB.
//! Percentiles interpolate linearly between order statistics (`p × (N − 1)`, R's
//! type 7), cell by cell, after sorting a block of cells at a time. The base run (no
//! sampling) is not one of the runs.

use super::compile::{Compiled, ShockC};
use crate::data::{Dataset, Triangular};
use crate::elements::N_EL;
use crate::error::{InputError, InputErrors};
use crate::output::{Cube, RunOutput};
use crate::scenario::{Scenario, Stage};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// At most this many runs in one set (the CLI and the page refuse more).
pub const MAX_RUNS: usize = 5000;

/// At most this many bytes kept for the runs (availability and prices), so a long,
/// monthly scenario cannot exhaust memory: 512 MB.
pub const MAX_STORE_BYTES: usize = 512 << 20;

/// The percentiles reported, in the order of [`Bands::p`].
pub const PERCENTILES: [(&str, f64); 3] = [("p5", 0.05), ("p50", 0.5), ("p95", 0.95)];

/// The series the bands read from each run; the others are not kept
/// ([`crate::output::Series::prepare`]).
const BAND_SERIES: &[&str] = &["availability", "price"];

/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): a 64-bit counter passed through a bijective mixer. Good enough for
/// sampling a few inputs, and the same on every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `[0, 1)` with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    /// The stream of run `run` of seed `seed`: the seed and the index are mixed so that
    /// neighbouring seeds and runs start far apart.
    pub fn for_run(seed: u64, run: usize) -> SplitMix64 {
        let a = SplitMix64::new(seed).next_u64();
        let b = SplitMix64::new(run as u64 ^ 0x5851_f42d_4c95_7f2d).next_u64();
        SplitMix64::new(a ^ b)
    }
}

/// A draw from a triangular distribution by its inverse distribution function.
fn triangular(t: &Triangular, u: f64) -> f64 {
    let (lo, mode, hi) = (t.low, t.mode, t.high);
    let c = (mode - lo) / (hi - lo);
    if u < c {
        lo + (u * (hi - lo) * (mode - lo)).sqrt()
    } else {
        hi - ((1.0 - u) * (hi - lo) * (hi - mode)).sqrt()
    }
}

struct DisruptionC {
    region: usize,
    stage: Stage,
    share: f64,
    probability: f64,
    duration: f64,
}

/// What one run changes, read from the data once.
struct Sampler {
    growth: Triangular,
    eps_short: Triangular,
    eps_long: Triangular,
    lead: Triangular,
    disruptions: Vec<DisruptionC>,
}

/// The compiled values a run starts from, restored before each draw.
struct Base {
    growth_scale: f64,
    eps_short: f64,
    eps_long: f64,
    lead_scale: f64,
    n_shocks: usize,
}

/// One worker: a compiled model it may change, and an output it reuses.
struct Worker {
    model: Compiled,
    out: RunOutput,
}

/// A set of Monte Carlo runs of one scenario, grown in chunks ([`MonteCarlo::step`]) so
/// the page never waits long; [`MonteCarlo::bands`] reads the current percentiles.
pub struct MonteCarlo {
    /// For the extra workers of [`MonteCarlo::run_to`].
    data: &'static Dataset,
    scenario: Scenario,
    worker: Worker,
    sampler: Sampler,
    base: Base,
    seed: u64,
    steps: usize,
    n: usize,
    /// Availability of every run, `[run][step][region][element]`, as `round(a × 65535)`.
    avail: Vec<u16>,
    /// World (or inside) price of every run, `[run][step][element]`, USD/kg.
    price: Vec<f32>,
    runs: usize,
    max_runs: usize,
}

impl MonteCarlo {
    /// Validate and compile the scenario; no run is made yet.
    pub fn new(
        data: &'static Dataset,
        scenario: &Scenario,
        seed: u64,
    ) -> Result<MonteCarlo, InputErrors> {
        let d = data.for_scenario(scenario)?;
        let mut model = Compiled::new(d, scenario)?;
        // The bands keep availability and prices only.
        model.indicators = false;
        model.kept = Some(BAND_SERIES);
        let sampler = sampler(d, &model)?;
        let base = Base {
            growth_scale: model.growth_scale,
            eps_short: model.market.eps_short,
            eps_long: model.market.eps_long,
            lead_scale: scenario.assumptions.lead_time_scale.unwrap_or(1.0),
            n_shocks: model.shocks.len(),
        };
        let (steps, n) = (model.steps, model.n);
        let per_run = steps * n * N_EL * 2 + steps * N_EL * 4;
        Ok(MonteCarlo {
            data,
            scenario: scenario.clone(),
            worker: Worker {
                model,
                out: RunOutput::default(),
            },
            sampler,
            base,
            seed,
            steps,
            n,
            avail: Vec::new(),
            price: Vec::new(),
            runs: 0,
            max_runs: MAX_RUNS.min(MAX_STORE_BYTES / per_run.max(1)),
        })
    }

    /// Region ids, in the order of the bands' rows.
    pub fn regions(&self) -> &[String] {
        &self.worker.model.regions
    }

    /// Decimal year at the start of each step (the bands' time axis).
    pub fn time(&self) -> Vec<f64> {
        let m = &self.worker.model;
        let dt = 1.0 / m.spy as f64;
        (0..m.steps).map(|k| m.start + k as f64 * dt).collect()
    }

    /// Runs made so far.
    pub fn runs(&self) -> usize {
        self.runs
    }

    /// The most runs this scenario may have (fewer than [`MAX_RUNS`] when its runs are
    /// long: see [`MAX_STORE_BYTES`]).
    pub fn max_runs(&self) -> usize {
        self.max_runs
    }

    /// Check a requested number of runs, naming `what` (the flag or field) when refused.
    pub fn check_runs(&self, what: &str, runs: usize) -> Result<(), InputError> {
        if runs == 0 || runs > self.max_runs {
            return Err(InputError::new(
                what,
                format!(
                    "must be a whole number from 1 to {} for this scenario, got {runs}",
                    self.max_runs
                ),
            ));
        }
        Ok(())
    }

    fn grow(&mut self, total: usize) {
        let total = total.min(self.max_runs);
        self.avail.resize(total * self.steps * self.n * N_EL, 0);
        self.price.resize(total * self.steps * N_EL, 0.0);
    }

    /// Make `k` more runs (fewer if [`MonteCarlo::max_runs`] is reached) on this thread;
    /// returns the runs made so far.
    pub fn step(&mut self, k: usize) -> usize {
        let first = self.runs;
        let total = (first + k).min(self.max_runs);
        self.grow(total);
        let (ca, cp) = (self.steps * self.n * N_EL, self.steps * N_EL);
        let a = &mut self.avail[first * ca..total * ca];
        let p = &mut self.price[first * cp..total * cp];
        run_range(
            &mut self.worker,
            &self.sampler,
            &self.base,
            self.seed,
            first,
            a,
            p,
        );
        self.runs = total;
        total
    }

    /// Make runs until there are `total`, on `threads` threads (one on wasm32, which
    /// has none; the results do not depend on the number of threads: each run's inputs
    /// come from its index).
    pub fn run_to(&mut self, total: usize, threads: usize) -> usize {
        let first = self.runs;
        let total = total.min(self.max_runs);
        if total <= first {
            return self.runs;
        }
        let threads = threads.clamp(1, total - first);
        if threads == 1 || cfg!(target_arch = "wasm32") {
            return self.step(total - first);
        }
        // Extra workers compile their own model (a few hundred microseconds).
        let d = self.data.for_scenario(&self.scenario).ok();
        let mut extra: Vec<Worker> = Vec::new();
        for _ in 1..threads {
            match d.and_then(|d| Compiled::new(d, &self.scenario).ok()) {
                Some(mut model) => extra.push(Worker {
                    model: {
                        model.indicators = false;
                        model.kept = Some(BAND_SERIES);
                        model
                    },
                    out: RunOutput::default(),
                }),
                None => break,
            }
        }
        self.grow(total);
        let per = (total - first).div_ceil(extra.len() + 1);
        let (ca, cp) = (self.steps * self.n * N_EL, self.steps * N_EL);
        let (sampler, base, seed) = (&self.sampler, &self.base, self.seed);
        let mut a_rest = &mut self.avail[first * ca..total * ca];
        let mut p_rest = &mut self.price[first * cp..total * cp];
        let mut start = first;
        std::thread::scope(|scope| {
            let mut workers = std::iter::once(&mut self.worker).chain(extra.iter_mut());
            let mut mine = None;
            while start < total {
                let end = (start + per).min(total);
                let (a, ar) = std::mem::take(&mut a_rest).split_at_mut((end - start) * ca);
                let (p, pr) = std::mem::take(&mut p_rest).split_at_mut((end - start) * cp);
                a_rest = ar;
                p_rest = pr;
                let w = workers.next().expect("one worker per chunk");
                let job = (w, start, a, p);
                if mine.is_none() {
                    // The calling thread takes the first chunk itself.
                    mine = Some(job);
                } else {
                    scope.spawn(move || {
                        let (w, s, a, p) = job;
                        run_range(w, sampler, base, seed, s, a, p)
                    });
                }
                start = end;
            }
            if let Some((w, s, a, p)) = mine {
                run_range(w, sampler, base, seed, s, a, p);
            }
        });
        self.runs = total;
        total
    }

    /// The percentiles of the runs made so far (all zero before the first run).
    pub fn bands(&self) -> Bands {
        let (steps, n, runs) = (self.steps, self.n, self.runs);
        let mut b = Bands {
            runs,
            seed: self.seed,
            p: std::array::from_fn(|_| Band {
                availability: Cube::new(steps, n, N_EL),
                price: Cube::new(steps, 1, N_EL),
            }),
        };
        if runs == 0 {
            return b;
        }
        // Availability: blocks of cells gathered run by run (contiguous reads), then
        // each cell's column sorted.
        let cells = steps * n * N_EL;
        const BLOCK: usize = 64;
        let mut col = vec![0u32; BLOCK * runs];
        let mut tmp = Vec::new();
        for c0 in (0..cells).step_by(BLOCK) {
            let w = BLOCK.min(cells - c0);
            for r in 0..runs {
                let row = &self.avail[r * cells + c0..r * cells + c0 + w];
                for (j, v) in row.iter().enumerate() {
                    col[j * runs + r] = u32::from(*v);
                }
            }
            for j in 0..w {
                let v = &mut col[j * runs..(j + 1) * runs];
                // Many cells are the same in every run (no demand, or always met):
                // no sort needed there.
                if v.iter().all(|x| *x == v[0]) {
                    let a = f64::from(v[0]) / 65535.0;
                    for band in b.p.iter_mut() {
                        band.availability.data[c0 + j] = a;
                    }
                    continue;
                }
                radix_sort(v, &mut tmp, 2);
                for (k, (_, q)) in PERCENTILES.iter().enumerate() {
                    b.p[k].availability.data[c0 + j] = quantile(v, *q, |x| f64::from(x) / 65535.0);
                }
            }
        }
        let pcells = steps * N_EL;
        let mut v = vec![0u32; runs];
        for c in 0..pcells {
            for (r, x) in v.iter_mut().enumerate() {
                *x = order_key(self.price[r * pcells + c]);
            }
            radix_sort(&mut v, &mut tmp, 4);
            for (k, (_, q)) in PERCENTILES.iter().enumerate() {
                b.p[k].price.data[c] = quantile(&v, *q, |x| f64::from(from_order_key(x)));
            }
        }
        b
    }
}

/// Sort `v` by its lowest `bytes` bytes (the rest must be zero): a least-significant-
/// digit radix sort, one pass per byte. The bands' columns are 16-bit fractions and
/// order keys of `f32` prices: linear time, and a few hundred bytes of the page's code
/// where the standard library's sort took 5 KB.
fn radix_sort(v: &mut [u32], tmp: &mut Vec<u32>, bytes: u32) {
    tmp.clear();
    tmp.resize(v.len(), 0);
    for shift in (0..bytes).map(|b| 8 * b) {
        let mut start = [0usize; 257];
        for x in v.iter() {
            start[((x >> shift) & 0xff) as usize + 1] += 1;
        }
        for b in 0..256 {
            start[b + 1] += start[b];
        }
        for x in v.iter() {
            let b = ((x >> shift) & 0xff) as usize;
            tmp[start[b]] = *x;
            start[b] += 1;
        }
        v.copy_from_slice(tmp);
    }
}

/// A `u32` whose order is `f32::total_cmp`'s order of `x` (the same bit trick), and
/// back.
fn order_key(x: f32) -> u32 {
    let b = x.to_bits() as i32;
    ((b ^ (((b >> 31) as u32) >> 1) as i32) as u32) ^ 0x8000_0000
}

fn from_order_key(k: u32) -> f32 {
    let t = (k ^ 0x8000_0000) as i32;
    f32::from_bits((t ^ (((t >> 31) as u32) >> 1) as i32) as u32)
}

/// Linear interpolation between the order statistics of sorted `v` at `q` (type 7).
fn quantile<T: Copy>(v: &[T], q: f64, f: impl Fn(T) -> f64) -> f64 {
    let h = q * (v.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    let (a, b) = (f(v[lo]), f(v[hi]));
    // a <= b since v is sorted, so the result lies between them.
    a + (h - lo as f64) * (b - a)
}

fn sampler(d: &Dataset, m: &Compiled) -> Result<Sampler, InputErrors> {
    let Some(u) = &d.uncertainty else {
        return Err(InputError::new(
            "data",
            "this data set has no `uncertainty` section, so it cannot be sampled",
        )
        .into());
    };
    let disruptions = u
        .disruptions
        .iter()
        .filter_map(|x| {
            let region = m.regions.iter().position(|r| *r == x.region)?;
            let stage = match x.stage.as_str() {
                "mining" => Stage::Mining,
                "separation" => Stage::Separation,
                "metal" => Stage::Metal,
                _ => Stage::Magnets,
            };
            Some(DisruptionC {
                region,
                stage,
                share: x.share.value,
                probability: x.annual_probability.value,
                duration: x.duration_years.value,
            })
        })
        .collect();
    Ok(Sampler {
        growth: u.demand_growth_scale.clone(),
        eps_short: u.price_elasticity_short.clone(),
        eps_long: u.price_elasticity_long.clone(),
        lead: u.lead_time_scale.clone(),
        disruptions,
    })
}

/// Set the model's uncertain inputs for run `run`.
fn apply_draw(m: &mut Compiled, s: &Sampler, b: &Base, seed: u64, run: usize) {
    let mut rng = SplitMix64::for_run(seed, run);
    // The order of the draws is part of the format: factors, then disruptions by data
    // order and year.
    let growth = triangular(&s.growth, rng.next_f64());
    let eps_s = triangular(&s.eps_short, rng.next_f64());
    let eps_l = triangular(&s.eps_long, rng.next_f64());
    let lead = triangular(&s.lead, rng.next_f64());
    // Held inside the ranges `Scenario::validate` accepts.
    m.growth_scale = (b.growth_scale * growth).clamp(0.0, 5.0);
    m.market.eps_short = (b.eps_short * eps_s).clamp(-2.0, -0.01).min(0.0);
    m.market.eps_long = (b.eps_long * eps_l).clamp(-3.0, -0.01).min(0.0);
    if b.eps_short == 0.0 {
        m.market.eps_short = 0.0; // a data set without a market
    }
    if b.eps_long == 0.0 {
        m.market.eps_long = 0.0;
    }
    let scale = (b.lead_scale * lead).clamp(0.25, 4.0);
    let spy = m.spy as f64;
    for u in &mut m.units {
        if let Some(g) = &mut u.expansion {
            g.lead_steps = (g.lead_years * scale * spy).round().max(0.0) as usize;
        }
        if let Some(e) = &mut u.candidate {
            e.lead = e.lead_data * scale;
        }
    }
    m.shocks.truncate(b.n_shocks);
    let end = m.start + m.steps as f64 / spy;
    for d in &s.disruptions {
        let mut year = m.start.floor();
        while year < end {
            if rng.next_f64() < d.probability {
                let start = year + rng.next_f64();
                m.shocks.push(ShockC {
                    region: d.region,
                    stage: d.stage,
                    share: d.share,
                    start,
                    end: start + d.duration,
                });
            }
            year += 1.0;
        }
    }
}

/// Runs `first..first + a.len() / cells` into their slots of the stores.
fn run_range(
    w: &mut Worker,
    s: &Sampler,
    b: &Base,
    seed: u64,
    first: usize,
    avail: &mut [u16],
    price: &mut [f32],
) {
    let pcells = w.model.steps * N_EL;
    let runs = price.len() / pcells.max(1);
    let cells = avail.len() / runs.max(1);
    for k in 0..runs {
        apply_draw(&mut w.model, s, b, seed, first + k);
        w.model.simulate_into(&mut w.out);
        let series = &w.out.series;
        for (dst, a) in avail[k * cells..(k + 1) * cells]
            .iter_mut()
            .zip(&series.availability.data)
        {
            *dst = (a.clamp(0.0, 1.0) * 65535.0).round() as u16;
        }
        for (dst, p) in price[k * pcells..(k + 1) * pcells]
            .iter_mut()
            .zip(&series.price.data)
        {
            *dst = *p as f32;
        }
    }
}

/// One percentile's availability (`[step][region][element]`) and price
/// (`[step][world][element]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub availability: Cube,
    pub price: Cube,
}

/// The bands of a set of runs: `p[0]` the 5th percentile, `p[1]` the median, `p[2]`
/// the 95th ([`PERCENTILES`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    pub runs: usize,
    pub seed: u64,
    pub p: [Band; 3],
}

impl Bands {
    /// `{"runs", "seed", "p5": {"availability": {region: {element: [..]}}, "price":
    /// {element: [..]}}, "p50": …, "p95": …}`, nested as `series`.
    pub fn to_json(&self, regions: &[String]) -> String {
        serde_json::to_string(&BandsJson(self, regions)).unwrap_or_default()
    }

    /// Long CSV rows `bands.p5.availability,region,element,time,value`, as `to_csv`.
    pub fn to_csv(&self, regions: &[String], time: &[f64]) -> String {
        let mut s = String::new();
        for ((name, _), band) in PERCENTILES.iter().zip(&self.p) {
            for (r, reg) in regions.iter().enumerate() {
                for (el, sym) in crate::elements::ELEMENTS.iter().enumerate() {
                    for (k, t) in time.iter().enumerate() {
                        let v = band.availability.get(k, r, el);
                        s.push_str(&format!("bands.{name}.availability,{reg},{sym},{t},{v}\n"));
                    }
                }
            }
            for (el, sym) in crate::elements::ELEMENTS.iter().enumerate() {
                for (k, t) in time.iter().enumerate() {
                    let v = band.price.get(k, 0, el);
                    s.push_str(&format!("bands.{name}.price,world,{sym},{t},{v}\n"));
                }
            }
        }
        s
    }
}

struct BandsJson<'a>(&'a Bands, &'a [String]);

struct ByLabel<'a> {
    cube: &'a Cube,
    rows: Option<&'a [String]>,
}

impl Serialize for ByLabel<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let c = self.cube;
        let els = crate::elements::ELEMENTS;
        let mut m = ser.serialize_map(None)?;
        match self.rows {
            Some(rows) => {
                for (a, label) in rows.iter().enumerate() {
                    m.serialize_entry(
                        label,
                        &ByLabel {
                            cube: c,
                            rows: None,
                        }
                        .row(a),
                    )?;
                }
            }
            None => {
                for (b, label) in els.iter().enumerate() {
                    m.serialize_entry(label, &c.series(0, b))?;
                }
            }
        }
        m.end()
    }
}

impl<'a> ByLabel<'a> {
    /// `{element: [..steps..]}` of row `a`.
    fn row(&self, a: usize) -> RowJson<'a> {
        RowJson { cube: self.cube, a }
    }
}

struct RowJson<'a> {
    cube: &'a Cube,
    a: usize,
}

impl Serialize for RowJson<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(N_EL))?;
        for (b, label) in crate::elements::ELEMENTS.iter().enumerate() {
            m.serialize_entry(label, &self.cube.series(self.a, b))?;
        }
        m.end()
    }
}

struct BandJson<'a>(&'a Band, &'a [String]);

impl Serialize for BandJson<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(2))?;
        m.serialize_entry(
            "availability",
            &ByLabel {
                cube: &self.0.availability,
                rows: Some(self.1),
            },
        )?;
        m.serialize_entry(
            "price",
            &ByLabel {
                cube: &self.0.price,
                rows: None,
            },
        )?;
        m.end()
    }
}

impl Serialize for BandsJson<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(5))?;
        m.serialize_entry("runs", &self.0.runs)?;
        m.serialize_entry("seed", &self.0.seed)?;
        for ((name, _), band) in PERCENTILES.iter().zip(&self.0.p) {
            m.serialize_entry(name, &BandJson(band, self.1))?;
        }
        m.end()
    }
}

/// The run output's JSON with `"bands"` added after `"checks"`: the same bytes as
/// `out.to_json()` up to its closing brace.
pub fn json_with_bands(out: &RunOutput, bands: &Bands) -> String {
    let mut s = out.to_json();
    if s.ends_with('}') {
        s.pop();
        s.push_str(",\"bands\":");
        s.push_str(&bands.to_json(&out.regions));
        s.push('}');
    }
    s
}

#[cfg(test)]
mod sort_tests {
    use super::*;

    #[test]
    fn the_radix_sort_orders_as_the_standard_sorts() {
        let mut rng = SplitMix64::new(3);
        let prices: Vec<f32> = (0..999)
            .map(|k| match k % 7 {
                0 => -(rng.next_f64() as f32) * 10.0,
                1 => 0.0,
                2 => -0.0,
                _ => (rng.next_f64() * 1e4) as f32,
            })
            .collect();
        let mut keys: Vec<u32> = prices.iter().map(|x| order_key(*x)).collect();
        radix_sort(&mut keys, &mut Vec::new(), 4);
        let mut want = prices.clone();
        want.sort_by(f32::total_cmp);
        let got: Vec<u32> = keys.iter().map(|k| from_order_key(*k).to_bits()).collect();
        assert_eq!(got, want.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
        let mut fractions: Vec<u32> = (0..999).map(|_| (rng.next_u64() >> 48) as u32).collect();
        let mut want = fractions.clone();
        want.sort();
        radix_sort(&mut fractions, &mut Vec::new(), 2);
        assert_eq!(fractions, want);
    }
}

#[cfg(test)]
mod kept_tests {
    use super::*;
    use crate::output::RunOutput;

    /// A run that keeps only the bands' series gives them to the bit as a full run
    /// does, for a scenario with controls, stockpiles and investment, and again when
    /// its output memory is reused (rolling cubes are not cleared between runs).
    #[test]
    fn a_run_keeping_the_band_series_gives_them_as_a_full_run() {
        let data = Dataset::default_data();
        for id in ["us-led-diversification", "history-2025-26"] {
            let sc = crate::presets::load(id, data).unwrap();
            let d = data.for_scenario(&sc).unwrap();
            let full = Compiled::new(d, &sc).unwrap().simulate();
            let mut lean = Compiled::new(d, &sc).unwrap();
            lean.kept = Some(BAND_SERIES);
            let mut out = RunOutput::default();
            for _ in 0..2 {
                lean.simulate_into(&mut out);
                for name in BAND_SERIES {
                    let (_, a) = full.series.get(name).unwrap();
                    let (_, b) = out.series.get(name).unwrap();
                    assert_eq!(a.data, b.data, "{id} {name}");
                }
            }
            let (_, risk) = out.series.get("supply_risk").unwrap();
            assert!(risk.rolling && risk.data.len() < full.series.supply_risk.data.len());
        }
    }
}
