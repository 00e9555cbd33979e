//! Policy cost: what the policies cost each region, USD a year.
//!
//! The mechanisms add their own costs to `State::policy_cost` as they act (investment
//! spending in `investment.rs`, stockpile purchases and carrying in `stockpiles.rs`,
//! research budgets in `substitution.rs`, floor payments in `price_floors.rs`); this
//! file adds what tariffs cost buyers and writes the series.
//!
//! **Tariff cost to buyers**: the rate times the value, at the oxide price the buyer
//! pays, of the rare earths that reached its end users from tariffed suppliers (oxides,
//! and magnets by their rare earth content). Valuing magnets by their content
//! understates the tariff on finished magnets (a magnet sells for several times its
//! rare earth content): a lower bound.

use super::compile::{product, Compiled};
use super::state::{Clock, State};
use crate::elements::N_EL;
use crate::output::Series;

pub fn run(m: &Compiled, st: &mut State, s: &mut Series, c: &Clock) {
    let n = m.n;
    let mid = c.t + 0.5 * c.dt;
    let active: Vec<_> = m
        .tariffs
        .iter()
        .filter(|t| mid >= t.start && mid < t.end)
        .filter(|t| t.products[product::OXIDE] || t.products[product::MAGNET])
        .collect();
    if !active.is_empty() {
        // Mean oxide value of what region i received, USD/t, is not tracked by
        // supplier; value each supplier's tonnes at the buyer's mean price of the
        // elements it received.
        let by = s.supplied_by.step(c.step);
        let supplied = s.supplied.step(c.step);
        for i in 0..n {
            let (mut value, mut tonnes) = (0.0, 0.0);
            for el in 0..N_EL {
                let x = supplied[i * N_EL + el];
                value += x * m.market.p0[el] * 1000.0 * libm::exp(st.price_faced(m, i, el));
                tonnes += x;
            }
            if tonnes <= 0.0 {
                continue;
            }
            let per_tonne = value / tonnes;
            for e in (0..n).filter(|e| *e != i) {
                let rate: f64 = active
                    .iter()
                    .filter(|t| t.importer[i] && t.exporter[e])
                    .map(|t| t.rate)
                    .sum();
                if rate > 0.0 {
                    st.policy_cost[i] += rate * by[i * n + e] / c.spy * per_tonne;
                }
            }
        }
    }
    let out = s.policy_cost.step_mut(c.step);
    for r in 0..n {
        out[r] = st.policy_cost[r] * c.spy;
        st.policy_cost[r] = 0.0;
    }
}
