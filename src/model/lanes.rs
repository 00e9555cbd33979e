//! The routes of every allocation problem: export controls, tariffs and quotas turned
//! into lanes, cached while they do not change, and the shocks on capacity.

use super::allocate::{Lane, Routes, MAX_REGIONS};
use super::compile::{overlap, Compiled, Mask};
use super::state::State;
use crate::elements::{EVec, N_EL};
use crate::scenario::{Measure, Stage};

/// How far one market's price must be above the other's before sellers free of a
/// control serve it first: 10% (ASSUMPTION: below that, the costs of shipping to and
/// qualifying with new customers outweigh the premium; no published figure).
pub const PREMIUM_MARGIN: f64 = 0.1;

/// Lanes built for recent keys ([`Compiled::lane_key`]): most steps reuse the lanes
/// of the step before, since controls and tariffs change only at their dates.
#[derive(Default)]
pub(crate) struct LaneCache {
    pub(crate) entries: Vec<(Vec<u64>, Routes)>,
    pub(crate) next: usize,
    /// Entries built so far: an index remembered before a build may have been evicted.
    pub(crate) builds: u64,
}

impl LaneCache {
    const SIZE: usize = 16;

    /// Index of the entry for `key`, built with `build` when missing.
    pub(crate) fn get(&mut self, n: usize, key: &[u64], build: impl FnOnce(&mut Routes)) -> usize {
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
        routes.home_first = 0;
        build(routes);
        routes.index();
        i
    }
}

/// Mark the lanes from `premium[1]` (less those under a control of this problem) to
/// `premium[0]` as premium lanes. Not generic, so the page's code holds it once.
#[inline(never)]
fn set_premium(routes: &mut Routes, premium: [u64; 2]) {
    let n = routes.n;
    let [buyers, sellers] = premium;
    let sellers = sellers & !routes.home_first;
    if buyers == 0 {
        return;
    }
    for e in (0..n).filter(|e| sellers & (1 << e) != 0) {
        for i in (0..n).filter(|i| buyers & (1 << i) != 0) {
            routes.lanes[e * n + i].premium = true;
        }
    }
}

impl Compiled {
    /// Where a control splits the markets of the elements of a concentrate of
    /// composition `comp` (t by element): `[buyers, sellers]` = the separators whose
    /// markets value its elements more than [`PREMIUM_MARGIN`] above the lowest value
    /// any region puts on them (a region sells oxides in the markets it buys in,
    /// `State::price_faced`), and the sellers outside every controlling exporter's
    /// market of its elements (bits per region). `[0, 0]` where no control splits a
    /// market of its elements, or none pays a premium.
    ///
    /// Heavy concentrate mined outside China goes first to the separators outside,
    /// whose dysprosium and terbium sell at the outside price, instead of pro rata to
    /// separation capacity, most of which is in China.
    #[inline(never)]
    pub(crate) fn premium_concentrate(&self, st: &State, comp: &EVec) -> [u64; 2] {
        // No split, one price for every region: nothing to value (most steps of most
        // runs, so before any `exp`).
        if !(0..N_EL).any(|el| comp[el] > 0.0 && st.split[el].is_some()) {
            return [0, 0];
        }
        // The concentrate's value (USD) to each region, and the regions inside a split.
        let mut value = [0.0; MAX_REGIONS];
        let mut inside_any = 0u64;
        for el in (0..N_EL).filter(|el| comp[*el] > 0.0) {
            let (split, p) = (st.split[el], &st.price[el]);
            let v = comp[el] * self.market.p0[el];
            let (v_in, v_out) = (v * libm::exp(p.inside), v * libm::exp(p.outside));
            for (r, x) in value.iter_mut().enumerate().take(self.n) {
                if self.inside(split, r) {
                    *x += v_in;
                    inside_any |= u64::from(split.is_some()) << r;
                } else {
                    *x += v_out;
                }
            }
        }
        let value = &value[..self.n];
        let lowest = value.iter().fold(f64::INFINITY, |a, b| a.min(*b));
        let buyers = value
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > lowest * (1.0 + PREMIUM_MARGIN))
            .fold(0, |m, (r, _)| m | 1 << r);
        if buyers == 0 {
            return [0, 0];
        }
        [buyers, !inside_any]
    }

    /// Capacity factor left by shocks on `region` at `stage` over `[t, t+dt)`.
    pub(crate) fn shock_factor(&self, region: usize, stage: Stage, t: f64, dt: f64) -> f64 {
        let mut f = 1.0;
        for s in &self.shocks {
            if s.region == region && s.stage == stage {
                f *= 1.0 - s.share * overlap(t, t + dt, s.start, s.end) / dt;
            }
        }
        f
    }

    /// Fill `lanes` for one product and good. `good(e)` is the element mask of what
    /// exporter `e` offers in this allocation problem; `premium` = `[buyers, sellers]`
    /// ([`Compiled::premium_concentrate`]; `[0, 0]` for the other products): the buyers
    /// who pay a premium for it, whom those sellers (outside the controlling exporter's
    /// market, and not under a control of this problem) serve first.
    pub(crate) fn lanes(
        &self,
        product: usize,
        good: impl Fn(usize) -> Mask,
        premium: [u64; 2],
        t: f64,
        dt: f64,
        routes: &mut Routes,
    ) {
        let n = self.n;
        let lanes = &mut routes.lanes;
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
                // A control gives the exporter's own buyers priority (allocate, tier 1).
                routes.home_first |= 1 << e;
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
        set_premium(routes, premium);
        let lanes = &mut routes.lanes;
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
    pub(crate) fn lane_key(
        &self,
        product: usize,
        good: impl Fn(usize) -> Mask,
        premium: [u64; 2],
        t: f64,
        dt: f64,
        key: &mut Vec<u64>,
    ) {
        key.clear();
        key.push(product as u64);
        key.extend(premium);
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
    pub(crate) fn quota_budgets(
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
}
