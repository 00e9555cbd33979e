//! Stockpiles held by a region or shared by an alliance.
//!
//! # Rules
//!
//! - **Target.** `target_days` of the holder's consumption of each element it holds
//!   (the members' demand this step, oxide and magnet content together).
//! - **Filling.** While the stockpile is in force, below its target and not releasing,
//!   it orders `target / fill_years` a year (no more than the gap) in the oxide market,
//!   through its members in proportion to their demand. These orders compete with
//!   every other buyer's: filling raises prices and can deepen a shortage for
//!   outsiders. What the members receive is shared between their end users, their
//!   metal makers and the stockpile in proportion to what each asked for.
//! - **Release.** When the price a member pays reaches `release_price_ratio` times the
//!   base-year price, or a member's availability of the element fell below
//!   `release_availability` in the previous step, the stockpile delivers to the
//!   members' unmet needs (end users and metal makers) after the market has cleared,
//!   up to what it holds. Nothing is bought while releasing.
//! - **Cost.** Purchases at the price the members pay, and carrying at
//!   `policy.stockpile_carrying_rate` of the value held a year, shared equally among
//!   the members (`policy_cost`). Releases are not credited (the material is used).
//!
//! Defense demand is not a separate buyer in the model (it is a magnet sector), so
//! the release serves all of a member's unmet needs alike.

use super::compile::Compiled;
use super::policy::charge;
use super::state::{Clock, State};
use crate::elements::{N_EL, ZERO};

/// Before the oxide trade: each stockpile's orders, split over its members.
pub fn order(m: &Compiled, st: &mut State, c: &Clock) {
    if m.policy.stockpiles.is_empty() {
        return;
    }
    st.stock_need.iter_mut().for_each(|v| *v = ZERO);
    for (k, sp) in m.policy.stockpiles.iter().enumerate() {
        st.stock_order[k].iter_mut().for_each(|v| *v = ZERO);
        st.releasing[k] = 0;
        let active = c.t >= sp.start && c.t < sp.end;
        for el in 0..N_EL {
            if sp.elements & (1 << el) == 0 {
                continue;
            }
            let mut use_per_year = 0.0;
            let mut release = false;
            for r in (0..m.n).filter(|r| sp.members[*r]) {
                use_per_year += st.member_use(r, el) * c.spy;
                let side = usize::from(!m.inside(st.split[el], r));
                let p = if side == 0 {
                    st.price[el].inside
                } else {
                    st.price[el].outside
                };
                release |= libm::exp(p) >= sp.release_price
                    || st.avail_prev[r][el] < sp.release_availability;
            }
            let target = sp.target_days / 365.0 * use_per_year;
            if release && st.stockpile[k][el] > 0.0 {
                st.releasing[k] |= 1 << el;
                continue;
            }
            if !active || use_per_year <= 0.0 {
                continue;
            }
            let gap = target - st.stockpile[k][el];
            let buy = (target / sp.fill_years * c.dt).min(gap);
            if buy <= 0.0 {
                continue;
            }
            for r in (0..m.n).filter(|r| sp.members[*r]) {
                let x = buy * st.member_use(r, el) * c.spy / use_per_year;
                st.stock_order[k][r][el] += x;
                st.stock_need[r][el] += x;
            }
        }
    }
}

/// After the oxide trade: what the members received for their stockpiles goes in;
/// releasing stockpiles serve the members' unmet needs; costs.
pub fn settle(m: &Compiled, st: &mut State, c: &Clock) {
    if m.policy.stockpiles.is_empty() {
        return;
    }
    for (k, sp) in m.policy.stockpiles.iter().enumerate() {
        let mut cost = 0.0;
        for el in 0..N_EL {
            let p0 = m.market.p0[el] * 1000.0; // USD per tonne at the base price
            let mut held_price = 0.0;
            for r in 0..m.n {
                let ordered = st.stock_order[k][r][el];
                let price = p0 * libm::exp(st.price_faced(m, r, el));
                if sp.members[r] {
                    held_price = f64::max(held_price, price);
                }
                if ordered <= 0.0 || st.stock_need[r][el] <= 0.0 {
                    continue;
                }
                let got = st.stock_recv[r][el] * ordered / st.stock_need[r][el];
                st.stockpile[k][el] += got;
                cost += got * price;
            }
            if st.releasing[k] & (1 << el) != 0 {
                let mut unmet = 0.0;
                for r in (0..m.n).filter(|r| sp.members[*r]) {
                    unmet += st.unmet_direct(r, el) + st.unmet_metal(r, el);
                }
                let out = unmet.min(st.stockpile[k][el]);
                if out > 0.0 {
                    for r in (0..m.n).filter(|r| sp.members[*r]) {
                        let d = st.unmet_direct(r, el) * out / unmet;
                        let x = st.unmet_metal(r, el) * out / unmet;
                        st.direct_recv[r][el] += d;
                        st.metal_recv[r][el] += x;
                    }
                    st.stockpile[k][el] -= out;
                }
            }
            cost += st.stockpile[k][el] * held_price * m.policy.carrying * c.dt;
        }
        charge(&mut st.policy_cost, &sp.members, cost);
    }
}
