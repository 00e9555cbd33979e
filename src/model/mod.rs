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
//! 7. **Buyers' inventories** ([`inventories`]). Each region's buyers (end users and
//!    metal makers) aim at a cover of their needs that rises, outside a split market,
//!    with the expected price trend, the shortfall they met and a control against
//!    them; below it they order the gap's share on top of their needs, above it they
//!    draw on their inventory instead of buying.
//! 8. **Oxide trade.** For each element, oxide stocks are allocated to the regions'
//!    needs: the oxides their end users want plus what their metal makers need, plus
//!    purchases for inventory and for stockpiles, less draws. A region splits what it
//!    receives between its metal makers, its end users, its inventory and its
//!    stockpiles in proportion to their needs; draws then go to its end users and
//!    metal makers.
//! 9. **Metal making.** A metal maker reduces all the oxide it received for metal and
//!    shares each element among its customers in proportion to their orders.
//! 10. **Magnet making.** A maker produces as many magnets as its orders and its
//!     scarcest recipe element (as metal) allow (a Leontief recipe), ships them to the
//!     buyers in proportion to their orders, and returns unused metal to its region's
//!     stock of separated product.
//! 11. **Metrics.** Availability is supplied / demanded per region and element, with
//!     magnets counted by their element content; supply is classed by the region it
//!     last came from (own, ally, other); concentration of each stage; mass balance;
//!     the supply-risk indicator ([`supply_risk`]).
//! 12. **Prices** ([`prices`]) move by each market's shortfall and stocks, and where a
//!     quota rations the outside market, by the rise buyers expect over the time they
//!     buy ahead.
//!
//! Mass balance, per element, holds exactly up to rounding:
//! `stocks at the start + mined + recycled = concentrate stock + oxide stock + stockpiles
//! + buyers' inventories + losses + delivered to end use + delivered in magnets`. Every transfer subtracts what it adds.

pub mod allocate;
mod capacity;
mod compile;
mod demand;
mod inventories;
mod investment;
mod lanes;
mod magnets;
mod metal;
mod metrics;
mod mining;
pub mod montecarlo;
mod oxide_trade;
mod policy;
mod policy_cost;
mod price_floors;
mod prices;
mod recycling;
pub mod retaliation;
mod separation;
mod state;
mod stockpiles;
mod substitution;
mod supply_risk;

pub use compile::Compiled;

use crate::data::Dataset;
use crate::elements::N_EL;
use crate::error::InputErrors;
use crate::output::RunOutput;
use crate::scenario::Scenario;
use state::{Clock, State};

impl Compiled {
    /// Run the whole horizon.
    pub fn simulate(&self) -> RunOutput {
        let mut out = RunOutput::default();
        self.simulate_into(&mut out);
        out
    }

    /// Run the whole horizon into `out`, reusing its memory: repeated runs (sliders,
    /// sensitivity analysis) then allocate nothing large.
    pub fn simulate_into(&self, out: &mut RunOutput) {
        let spy = self.spy as f64;
        let dt = 1.0 / spy;
        out.series.prepare(
            self.steps,
            (self.n, self.alliances.len(), self.holders.len(), N_EL),
            self.kept,
        );
        let s = &mut out.series;
        let mut st = State::new(self);
        for step in 0..self.steps {
            let t = self.start + step as f64 * dt;
            let c = Clock {
                step,
                t,
                dt,
                mid: t + 0.5 * dt,
                spy,
            };
            s.clear_step(step);
            capacity::update(self, &mut st, &c);
            investment::run(self, &mut st, &c);
            prices::split(self, &mut st, &c);
            recycling::run(self, &mut st, s, &c);
            mining::run(self, &mut st, s, &c);
            separation::trade_concentrate(self, &mut st, s, &c);
            separation::separate(self, &mut st, s, &c);
            substitution::run(self, &mut st, &c);
            demand::run(self, &mut st, &c);
            if step == 0 {
                demand::initial_stocks(self, &mut st, &c);
                recycling::initial(self, &mut st, &c);
            }
            magnets::take_orders(self, &mut st, &c);
            metal::take_orders(self, &mut st, &c);
            inventories::order(self, &mut st, &c);
            stockpiles::order(self, &mut st, &c);
            oxide_trade::run(self, &mut st, s, &c);
            inventories::settle(self, &mut st, s, &c);
            stockpiles::settle(self, &mut st, &c);
            metal::make(self, &mut st, s, &c);
            magnets::make(self, &mut st, s, &c);
            demand::carry_backlog(self, &mut st);
            price_floors::pay(self, &mut st, s, &c);
            recycling::absorb(self, &mut st);
            metrics::run(self, &mut st, s, &c);
            policy_cost::run(self, &mut st, s, &c);
            if self.indicators {
                supply_risk::run(self, &mut st, s, &c);
            }
            prices::update(self, &mut st, s, &c);
            capacity::invest(self, &mut st, &c);
        }
        out.scenario_name.clone_from(&self.name);
        out.regions.clone_from(&self.regions);
        out.alliances = self.alliances.iter().map(|(id, _)| id.clone()).collect();
        out.holders.clone_from(&self.holders);
        out.time = (0..self.steps)
            .map(|k| self.start + k as f64 * dt)
            .collect();
        out.steps_per_year = self.spy;
    }

    /// Whether region `r` is inside the market of a split (the control's exporter and
    /// the partners it exempts); with no split every region is in the one market.
    fn inside(&self, split: Option<usize>, r: usize) -> bool {
        match split {
            None => true,
            Some(ci) => self.controls[ci].exempt[r],
        }
    }

    /// Where a flow from `e` to `i` counts as coming from: 0 the region itself, 1 an
    /// ally, 2 others.
    fn source_tier(&self, e: usize, i: usize) -> usize {
        if e == i {
            0
        } else if self.ally[e * self.n + i] {
            1
        } else {
            2
        }
    }
}

/// Validate, compile and run a scenario on a data set.
pub fn run(data: &Dataset, scenario: &Scenario) -> Result<RunOutput, InputErrors> {
    run_with_risk(data, scenario, true)
}

/// [`run`], with the supply-risk indicator or (`risk` false) without it: its series
/// then stays zero. The indicator is an output only (nothing in the step reads it
/// back), so every other number is the same to the bit; it is about a quarter of a
/// run's instructions (callgrind, status-quo: 31 M of 119 M). For runs whose risk
/// nobody reads: the page's slider runs while its supply-risk chart is hidden, the
/// "Why?" ranking (availability only).
pub fn run_with_risk(
    data: &Dataset,
    scenario: &Scenario,
    risk: bool,
) -> Result<RunOutput, InputErrors> {
    let data = data.for_scenario(scenario)?;
    let mut model = Compiled::new(data, scenario)?;
    model.indicators = risk;
    Ok(model.simulate())
}

/// [`run`] into an existing output, reusing its memory.
pub fn run_into(
    data: &Dataset,
    scenario: &Scenario,
    out: &mut RunOutput,
) -> Result<(), InputErrors> {
    run_into_with_risk(data, scenario, out, true)
}

/// [`run_into`], with or without the supply-risk indicator (see [`run_with_risk`]).
pub fn run_into_with_risk(
    data: &Dataset,
    scenario: &Scenario,
    out: &mut RunOutput,
    risk: bool,
) -> Result<(), InputErrors> {
    let data = data.for_scenario(scenario)?;
    let mut model = Compiled::new(data, scenario)?;
    model.indicators = risk;
    model.simulate_into(out);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use compile::overlap;

    #[test]
    fn overlap_of_intervals() {
        assert_eq!(overlap(0.0, 1.0, 0.5, 2.0), 0.5);
        assert_eq!(overlap(0.0, 1.0, 2.0, 3.0), 0.0);
        assert_eq!(overlap(0.0, 1.0, -1.0, f64::INFINITY), 1.0);
    }

    #[test]
    fn a_run_without_risk_differs_only_in_the_risk() {
        let data = Dataset::default_data();
        let sc = crate::presets::load("licensing-regime", data).unwrap();
        let whole = run(data, &sc).unwrap();
        let lazy = run_with_risk(data, &sc, false).unwrap();
        assert!(whole.series.supply_risk.data.iter().any(|v| *v > 0.0));
        assert!(lazy.series.supply_risk.data.iter().all(|v| *v == 0.0));
        for ((def, a), (_, b)) in whole.series.cubes().into_iter().zip(lazy.series.cubes()) {
            if def.name != "supply_risk" {
                assert_eq!(a.data, b.data, "{}", def.name);
            }
        }
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
