//! Concentrate trade and separation.
//!
//! **Concentrate trade.** For each fraction (light, heavy), every region's concentrate
//! stock is offered to the separation capacity of every region ([`allocate`]:
//! contracts, allies, others, under export controls and tariffs). Where a control
//! splits the markets of a fraction's elements, sellers outside the controlling
//! exporter's market serve first the separators whose markets value the fraction
//! more (`Compiled::premium_concentrate`). A flow carries the exporter's stock
//! composition at the start of the trade. Unsold concentrate stays in stock.
//!
//! **Separation.** Feed becomes oxides at the recovery rate; the rest is a tracked loss.
//! Oxides join the separating region's stock.

use super::allocate::{allocate, MAX_REGIONS};
use super::capacity;
use super::compile::{mask_of, product, Compiled, N_PRODUCTS};
use super::state::{Clock, State};
use crate::elements::{self, N_EL, ZERO};
use crate::output::Series;
use crate::scenario::Stage;

pub fn trade_concentrate(m: &Compiled, st: &mut State, s: &mut Series, c: &Clock) {
    let n = m.n;
    let (t, dt) = (c.t, c.dt);
    st.sep_cap.iter_mut().for_each(|c| *c = [0.0; 2]);
    for p in &m.separation {
        let f = capacity::factor(m, st, p.unit)
            * m.shock_factor(p.region, Stage::Separation, t, dt)
            * dt;
        st.sep_cap[p.region][0] += p.cap[0] * f;
        st.sep_cap[p.region][1] += p.cap[1] * f;
    }
    // Where a control splits the markets of a fraction's elements, the separators
    // who can pay more for it (`lanes.rs`): free sellers serve them first.
    let premium: [[u64; 2]; 2] = std::array::from_fn(|frac| {
        let mut world = ZERO;
        for r in 0..n {
            elements::add_scaled(&mut world, &st.conc[r][frac], 1.0);
        }
        m.premium_concentrate(st, &world)
    });
    let State {
        conc,
        conc_start,
        sep_cap,
        feed,
        trade,
        ..
    } = st;
    feed.iter_mut().for_each(|v| *v = ZERO);
    // Quotas are shared among problems by the stocks at the start of the stage.
    conc_start.copy_from_slice(conc);
    for frac in 0..2 {
        for r in 0..n {
            trade.supply[r] = elements::sum(&conc[r][frac]);
            trade.need[r] = sep_cap[r][frac];
        }
        trade.before.copy_from_slice(&trade.supply);
        let good = |e: usize| mask_of(&conc[e][frac]);
        let premium = premium[frac];
        m.lane_key(product::CONCENTRATE, good, premium, t, dt, &mut trade.key);
        let li = trade.lane_cache.get(n, &trade.key, |l| {
            m.lanes(product::CONCENTRATE, good, premium, t, dt, l)
        });
        let lanes = &trade.lane_cache.entries[li].1;
        m.quota_budgets(
            product::CONCENTRATE,
            t,
            dt,
            |e, mk| {
                let covered = |f: usize| {
                    if mask_of(&conc_start[e][f]) & mk != 0 {
                        elements::sum(&conc_start[e][f])
                    } else {
                        0.0
                    }
                };
                (covered(frac), covered(0) + covered(1))
            },
            &mut trade.quota,
        );
        allocate(
            &mut trade.supply,
            &mut trade.need,
            lanes,
            &st.contracts[product::CONCENTRATE],
            &mut trade.quota,
            &mut trade.flows,
            &mut trade.scratch,
        );
        // A flow carries the exporter's stock composition at the stage start.
        let exports = s.exports.step_mut(c.step);
        // The elements each seller's stock holds: an element it has none of (+0.0)
        // would move +0.0, which changes neither the feed (never -0.0) nor the stock,
        // so it is skipped (a fraction holds about half of the elements).
        let mut held = [0u32; MAX_REGIONS];
        for (e, h) in held.iter_mut().enumerate().take(n) {
            for el in 0..N_EL {
                *h |= u32::from(conc_start[e][frac][el].to_bits() != 0) << el;
            }
        }
        for &(e, i) in &trade.scratch.touched {
            let k = e * n + i;
            let share = trade.flows[k] / trade.before[e];
            if e != i {
                exports[e * N_PRODUCTS + product::CONCENTRATE] += trade.flows[k] * c.spy;
            }
            trade.flows[k] = 0.0;
            let mut els = held[e & (MAX_REGIONS - 1)];
            while els != 0 {
                let el = els.trailing_zeros() as usize;
                els &= els - 1;
                let moved = conc_start[e][frac][el] * share;
                feed[i][el] += moved;
                conc[e][frac][el] -= moved;
            }
        }
    }
}

pub fn separate(m: &Compiled, st: &mut State, s: &mut Series, c: &Clock) {
    let n = m.n;
    let sep_region = &mut st.stage_output[1];
    sep_region.iter_mut().for_each(|x| *x = 0.0);
    let separation_output = s.separation_output.step_mut(c.step);
    for i in 0..n {
        for el in 0..N_EL {
            let x = st.feed[i][el];
            if x > 0.0 {
                let out = x * m.recovery;
                st.oxide[i][el] += out;
                st.totals.losses[el] += x - out;
                separation_output[i * N_EL + el] += out * c.spy;
                sep_region[i] += out;
            }
        }
    }
}
