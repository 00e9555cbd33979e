//! Metal and alloy making, for magnet makers.
//!
//! **Orders.** Each magnet maker orders the rare earth content of the magnet orders it
//! took (t REO, one good: the alloy) from metal makers ([`allocate`] on `metal` lanes);
//! a metal maker then needs, as oxide, the elements of the orders it accepted.
//!
//! **Making.** A metal maker reduces all the oxide it received for metal (its accepted
//! orders capped what it asked for) and shares each element among its customers in
//! proportion to what they ordered of it.

use super::allocate::allocate;
use super::capacity;
use super::compile::{mask_of, product, Compiled, N_PRODUCTS};
use super::state::{Clock, State};
use crate::elements::{self, N_EL, ZERO};
use crate::output::Series;
use crate::scenario::Stage;

pub fn take_orders(m: &Compiled, st: &mut State, c: &Clock) {
    let n = m.n;
    let (t, dt) = (c.t, c.dt);
    // Elements any magnet contains: the good of the metal trade.
    let metal_mask = m
        .magnet_content
        .iter()
        .fold(0, |mk, content| mk | mask_of(content));
    st.metal_cap.iter_mut().for_each(|x| *x = 0.0);
    for p in &m.metal_plants {
        st.metal_cap[p.region] += p.cap[0]
            * capacity::factor(m, st, p.unit)
            * m.shock_factor(p.region, Stage::Metal, t, dt)
            * dt;
    }
    let State {
        metal_cap,
        metal_need,
        metal_orders,
        metal_pairs,
        metal_maker_need,
        maker_need,
        trade,
        ..
    } = st;
    for j in 0..n {
        trade.supply[j] = metal_cap[j];
        trade.need[j] = elements::sum(&maker_need[j]);
    }
    metal_need.copy_from_slice(&trade.need);
    m.lane_key(
        product::METAL,
        |_| metal_mask,
        [0, 0],
        t,
        dt,
        &mut trade.key,
    );
    let li = trade.lane_cache.get(n, &trade.key, |l| {
        m.lanes(product::METAL, |_| metal_mask, [0, 0], t, dt, l)
    });
    let lanes = &trade.lane_cache.entries[li].1;
    m.quota_budgets(
        product::METAL,
        t,
        dt,
        |e, mask| {
            let cap = if mask & metal_mask != 0 {
                metal_cap[e]
            } else {
                0.0
            };
            (cap, cap)
        },
        &mut trade.quota,
    );
    metal_orders.iter_mut().for_each(|x| *x = 0.0);
    allocate(
        &mut trade.supply,
        &mut trade.need,
        lanes,
        &st.contracts[product::METAL],
        &mut trade.quota,
        metal_orders,
        &mut trade.scratch,
    );
    metal_pairs.clear();
    metal_pairs.extend_from_slice(&trade.scratch.touched);
    metal_maker_need.iter_mut().for_each(|v| *v = ZERO);
    for &(mk, j) in metal_pairs.iter() {
        let share = metal_orders[mk * n + j] / metal_need[j];
        elements::add_scaled(&mut metal_maker_need[mk], &maker_need[j], share);
    }
}

pub fn make(m: &Compiled, st: &mut State, s: &mut Series, c: &Clock) {
    let n = m.n;
    let metal_region = &mut st.stage_output[2];
    st.maker_recv.iter_mut().for_each(|v| *v = ZERO);
    metal_region.iter_mut().for_each(|x| *x = 0.0);
    let exports = s.exports.step_mut(c.step);
    for &(mk, j) in &st.metal_pairs {
        let share = st.metal_orders[mk * n + j] / st.metal_need[j];
        for el in 0..N_EL {
            let asked = st.metal_maker_need[mk][el];
            if asked > 0.0 && st.metal_recv[mk][el] > 0.0 {
                let x = st.metal_recv[mk][el] * (st.maker_need[j][el] * share / asked);
                st.maker_recv[j][el] += x;
                metal_region[mk] += x;
                if mk != j {
                    exports[mk * N_PRODUCTS + product::METAL] += x * c.spy;
                }
            }
        }
    }
    for (r, x) in metal_region.iter().enumerate() {
        s.metal_output.set(c.step, r, 0, x * c.spy);
    }
}
