//! Magnet making: orders and production.
//!
//! **Orders.** Each region's magnet demand orders magnets of each type from magnet
//! makers ([`allocate`] on `magnet` lanes; a control covers a type when its elements
//! meet the type's recipe). A maker's orders give the element content it must obtain as
//! metal.
//!
//! **Making.** A maker produces as many magnets as its orders and its scarcest recipe
//! element (as metal) allow (a Leontief recipe), ships them to the buyers in proportion
//! to their orders, and returns metal it cannot use to its region's stock of separated
//! product.

use super::allocate::allocate;
use super::capacity;
use super::compile::{mask_of, product, Compiled, N_PRODUCTS};
use super::state::{Clock, State};
use crate::elements::{self, N_EL, ZERO};
use crate::output::Series;
use crate::scenario::Stage;

pub fn take_orders(m: &Compiled, st: &mut State, c: &Clock) {
    let n = m.n;
    let n_types = m.magnet_content.len();
    let (t, dt) = (c.t, c.dt);
    for cap in st.family_cap.iter_mut() {
        cap.iter_mut().for_each(|x| *x = 0.0);
    }
    for p in &m.magnet_plants {
        st.family_cap[p.kind][p.region] += p.cap[0]
            * capacity::factor(m, st, p.unit)
            * m.shock_factor(p.region, Stage::Magnets, t, dt)
            * dt;
    }
    // A family's capacity is offered to its types in proportion to their world demand.
    let world: Vec<f64> = st.magnet_need.iter().map(|v| v.iter().sum()).collect();
    for k in 0..n_types {
        let f = m.type_family[k];
        let family: f64 = (0..n_types)
            .filter(|x| m.type_family[*x] == f)
            .map(|x| world[x])
            .sum();
        let members = m.type_family.iter().filter(|x| **x == f).count() as f64;
        let share = if family > 0.0 {
            world[k] / family
        } else {
            1.0 / members
        };
        for r in 0..n {
            st.mag_cap[k][r] = st.family_cap[f][r] * share;
        }
    }
    let State {
        mag_cap,
        maker_need,
        maker_need_by_type,
        magnet_need,
        orders,
        content,
        trade,
        ..
    } = st;
    maker_need.iter_mut().for_each(|v| *v = ZERO);
    for k in 0..n_types {
        trade.supply.copy_from_slice(&mag_cap[k]);
        trade.need.copy_from_slice(&magnet_need[k]);
        let content_mask = mask_of(&m.magnet_content[k]);
        m.lane_key(
            product::MAGNET,
            |_| content_mask,
            [0, 0],
            t,
            dt,
            &mut trade.key,
        );
        let li = trade.lane_cache.get(n, &trade.key, |l| {
            m.lanes(product::MAGNET, |_| content_mask, [0, 0], t, dt, l)
        });
        let lanes = &trade.lane_cache.entries[li].1;
        let cap_k = &mag_cap[k];
        m.quota_budgets(
            product::MAGNET,
            t,
            dt,
            |e, mask| {
                let covered: f64 = (0..n_types)
                    .filter(|x| mask_of(&m.magnet_content[*x]) & mask != 0)
                    .map(|x| mag_cap[x][e])
                    .sum();
                (
                    if content_mask & mask != 0 {
                        cap_k[e]
                    } else {
                        0.0
                    },
                    covered,
                )
            },
            &mut trade.quota,
        );
        let o = &mut orders[k];
        o.iter_mut().for_each(|x| *x = 0.0);
        allocate(
            &mut trade.supply,
            &mut trade.need,
            lanes,
            &st.contracts[product::MAGNET],
            &mut trade.quota,
            o,
            &mut trade.scratch,
        );
        for j in 0..n {
            let ordered: f64 = o[j * n..(j + 1) * n].iter().sum();
            let v = &mut maker_need_by_type[k][j];
            if ordered.to_bits() == 0 {
                // No order (+0.0): the content needed is +0.0 and adding +0.0 times the
                // recipe leaves `maker_need` as it is (it starts at +0.0 and only grows).
                *v = ZERO;
                continue;
            }
            for el in 0..N_EL {
                v[el] = ordered * content[k][el];
            }
            elements::add_scaled(&mut maker_need[j], &content[k], ordered);
        }
    }
}

pub fn make(m: &Compiled, st: &mut State, s: &mut Series, c: &Clock) {
    let n = m.n;
    let n_types = m.magnet_content.len();
    let spy = c.spy;
    let step = c.step;
    let mag_region = &mut st.stage_output[3];
    mag_region.iter_mut().for_each(|x| *x = 0.0);
    st.magnet_recv
        .iter_mut()
        .for_each(|v| v.iter_mut().for_each(|x| *x = 0.0));
    let exports = s.exports.step_mut(step);
    // This step's rows of the series written below.
    let magnet_output = s.magnet_output.step_mut(step);
    let supplied = s.supplied.step_mut(step);
    let supplied_by = s.supplied_by.step_mut(step);
    let own = s.source_own.step_mut(step);
    let allies = s.source_allies.step_mut(step);
    let others = s.source_others.step_mut(step);
    for j in 0..n {
        if elements::sum(&st.maker_need[j]) <= 0.0 {
            continue;
        }
        let mut used = ZERO;
        for k in 0..n_types {
            let o = &st.orders[k];
            let ordered: f64 = o[j * n..(j + 1) * n].iter().sum();
            if ordered <= 0.0 {
                continue;
            }
            let content = &st.content[k];
            let content_sum = elements::sum(content);
            let content_mask = mask_of(content);
            let mut made = ordered;
            for el in 0..N_EL {
                if content[el] > 0.0 {
                    let share = st.maker_need_by_type[k][j][el] / st.maker_need[j][el];
                    made = made.min(st.maker_recv[j][el] * share / content[el]);
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
                st.magnet_recv[k][i] += delivered;
                if i != j {
                    exports[j * N_PRODUCTS + product::MAGNET] += delivered * spy;
                }
                supplied_by[i * n + j] += delivered * content_sum * spy;
                let src = match m.source_tier(j, i) {
                    0 => &mut *own,
                    1 => &mut *allies,
                    _ => &mut *others,
                };
                // Elements not in the grade would give x = 0, skipped below.
                let mut els = content_mask;
                while els != 0 {
                    let el = els.trailing_zeros() as usize;
                    els &= els - 1;
                    let x = delivered * content[el];
                    if x <= 0.0 {
                        continue;
                    }
                    supplied[i * N_EL + el] += x * spy;
                    src[i * N_EL + el] += x * spy;
                }
            }
        }
        for el in 0..N_EL {
            let u = used[el].min(st.maker_recv[j][el]);
            st.totals.magnets[el] += u;
            st.oxide[j][el] += st.maker_recv[j][el] - u;
        }
    }
}
