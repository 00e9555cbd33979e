//! Capacity: what each mine and plant can do this step, and the investment that
//! changes it.
//!
//! # Rules
//!
//! A unit's capacity at time `t` (t/yr, before shocks) is
//! `path(t) or nominal × pipeline ramp × entry ramp × expansion`:
//!
//! - **Path.** A unit with a capacity path (China's mining and separation quotas)
//!   follows it: each point is a year's figure (a quota, a reported output) and holds
//!   from the start of its year to the next point; the first point holds before it.
//!   So a year's average is its figure exactly.
//! - **Pipeline.** A dated, financed project ramps linearly from its online date.
//! - **Price-driven entry.** A candidate (a deposit or plant outside today's producers)
//!   is committed the first step its price basis, averaged over about a year in the
//!   market its region sells to, exceeds its incentive price. Output starts
//!   `lead_years` later (not before `earliest`) and ramps linearly over `ramp_years`.
//!   Once committed a project is built: prices that fall later do not cancel it.
//! - **Expansion.** A unit with an expansion rule grows after its path ends. A mine
//!   expands while its basis (its ore basket) is above the incentive price, at up to
//!   `max_rate` a year, reached when the basis is 25% above the incentive (the rate
//!   rises linearly to that point). A separation, metal or magnet plant expands with
//!   its use, not a price: while its region's stage ran above 85% of capacity over the
//!   past year, at up to `max_rate` a year, reached at 95%. Plants are built for
//!   throughput (a magnet maker's margin is the spread over its feed), so the signal is
//!   the orders they cannot take. A decision made at a step adds capacity `lead_years`
//!   later.
//!
//! ASSUMPTIONS: the 25% and 85-95% bands that ramp the rate; a year's averaging of
//! prices and utilisation. The rates, incentive prices and lead times are in the data
//! file with their sources.

use super::compile::{Basis, Compiled, MINING};
use super::price_floors;
use super::state::{Clock, State};
use crate::data::{path_value, pipeline_factor};
use crate::elements::{ND, N_EL, PR};

/// Averaging time of the prices and utilisation investment decisions read (years).
pub const DECISION_YEARS: f64 = 1.0;

/// Set every unit's capacity for this step and the capacity of each stage by region.
pub fn update(m: &Compiled, st: &mut State, c: &Clock) {
    for cap in st.stage_cap.iter_mut() {
        cap.iter_mut().for_each(|x| *x = 0.0);
    }
    for (u, unit) in m.units.iter().enumerate() {
        let mut cap = match &unit.path {
            Some(p) => path_value(p, c.mid).unwrap_or(unit.nominal),
            None => unit.nominal,
        };
        cap *= pipeline_factor(&unit.pipeline, c.mid);
        if let Some(e) = &unit.candidate {
            let committed = st.committed[u];
            cap *= if committed.is_finite() {
                let online = (committed + e.lead).max(e.earliest);
                ramp(online, e.ramp, c.mid)
            } else {
                0.0
            };
        }
        if let Some(g) = &unit.expansion {
            if c.step > g.lead_steps {
                cap *= st.growth[u * m.steps + c.step - g.lead_steps - 1];
            }
        }
        if st.idle[u] {
            cap = 0.0;
        }
        st.unit_cap[u] = cap;
        st.stage_cap[unit.stage][unit.region] += cap;
    }
}

/// Share of a unit's capacity at `t` when it starts at `online` and ramps over `years`.
fn ramp(online: f64, years: f64, t: f64) -> f64 {
    if t < online {
        0.0
    } else if years <= 0.0 {
        1.0
    } else {
        ((t - online) / years).min(1.0)
    }
}

/// The capacity factor of unit `u` this step: its capacity over its nominal capacity
/// (plants scale their light/heavy or nominal capacities by it).
pub fn factor(m: &Compiled, st: &State, u: usize) -> f64 {
    let nominal = m.units[u].nominal;
    if nominal > 0.0 {
        st.unit_cap[u] / nominal
    } else {
        0.0
    }
}

/// After the step: average utilisation, then take this step's investment decisions.
pub fn invest(m: &Compiled, st: &mut State, c: &Clock) {
    let w = (c.dt / DECISION_YEARS).min(1.0);
    for k in 0..4 {
        for r in 0..m.n {
            let cap = st.stage_cap[k][r] * c.dt;
            let used = if cap > 0.0 {
                (st.stage_output[k][r] / cap).min(1.0)
            } else {
                0.0
            };
            st.utilisation[k][r] += w * (used - st.utilisation[k][r]);
        }
    }
    // Year-averaged prices (USD/kg) in each market, `[inside, outside]`, once a step.
    let mut year_price = [[0.0; 2]; N_EL];
    for (el, p) in year_price.iter_mut().enumerate() {
        let q = &st.price[el];
        *p = [
            m.market.p0[el] * libm::exp(q.year_inside),
            m.market.p0[el] * libm::exp(q.year_outside),
        ];
    }
    let basis_price = |m: &Compiled, st: &State, region: usize, b: &Basis| {
        basis_price(m, st, region, b, &year_price, c.t)
    };
    for (u, unit) in m.units.iter().enumerate() {
        if let Some(e) = &unit.candidate {
            if st.committed[u].is_infinite()
                && basis_price(m, st, unit.region, &e.basis) > e.incentive
            {
                // A technology control in force against the region delays a plant.
                st.committed[u] = c.t + c.dt + m.policy.tech_delay(unit.stage, unit.region, c.t);
            }
        }
        // Exit: a mine outside the quota system whose year-averaged price falls below
        // `exit_price_ratio` of its incentive price stops, and restarts above the
        // incentive price. A price floor (`price_floors.rs`) counts in the price.
        let incentive = unit
            .candidate
            .as_ref()
            .map(|e| (e.incentive, &e.basis))
            .or(unit.expansion.as_ref().map(|g| (g.incentive, &g.basis)));
        if let (MINING, None, Some((inc, b))) = (unit.stage, &unit.path, incentive) {
            let p = basis_price(m, st, unit.region, b);
            if p < m.policy.exit_ratio * inc {
                st.idle[u] = true;
            } else if p > inc {
                st.idle[u] = false;
            }
        }
        if let Some(g) = &unit.expansion {
            let k = u * m.steps + c.step;
            let before = if c.step > 0 { st.growth[k - 1] } else { 1.0 };
            let rate = if c.t + c.dt <= unit.path_end {
                0.0
            } else if unit.stage == MINING {
                let x = basis_price(m, st, unit.region, &g.basis) / g.incentive - 1.0;
                g.max_rate * (x / 0.25).clamp(0.0, 1.0)
            } else {
                let x = st.utilisation[unit.stage][unit.region] - 0.85;
                g.max_rate * (x / 0.10).clamp(0.0, 1.0)
            };
            st.growth[k] = before * (1.0 + rate * c.dt);
        }
    }
}

/// A unit's price basis (USD/kg) in the market its region sells to, from the prices
/// averaged over about a year (`year_price[element][inside, outside]`).
fn basis_price(
    m: &Compiled,
    st: &State,
    region: usize,
    b: &Basis,
    year_price: &[[f64; 2]; N_EL],
    t: f64,
) -> f64 {
    let price = |el: usize| {
        let p = year_price[el][usize::from(!m.inside(st.split[el], region))];
        match price_floors::floor(m, region, el, t) {
            Some(f) => p.max(f),
            None => p,
        }
    };
    match b {
        Basis::Basket(comp) => (0..N_EL)
            .filter(|el| comp[*el] > 0.0)
            .map(|el| comp[el] * price(el))
            .sum(),
        Basis::NdPr => 0.5 * (price(PR) + price(ND)),
        Basis::Element(el) => price(*el),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_holds_each_years_figure_through_that_year_before_its_first_and_after_its_last() {
        let p = [[2024.0, 100.0], [2025.0, 80.0], [2027.0, 120.0]];
        assert_eq!(path_value(&p, 2023.5), Some(100.0));
        assert_eq!(path_value(&p, 2024.9), Some(100.0));
        assert_eq!(path_value(&p, 2025.0), Some(80.0));
        assert_eq!(path_value(&p, 2026.99), Some(80.0));
        assert_eq!(path_value(&p, 2040.0), Some(120.0));
        assert_eq!(path_value(&[], 2024.0), None);
    }

    #[test]
    fn ramps_start_at_their_date_and_reach_one() {
        assert_eq!(ramp(2027.0, 2.0, 2026.9), 0.0);
        assert_eq!(ramp(2027.0, 2.0, 2028.0), 0.5);
        assert_eq!(ramp(2027.0, 2.0, 2030.0), 1.0);
        assert_eq!(ramp(2027.0, 0.0, 2027.0), 1.0);
    }
}
