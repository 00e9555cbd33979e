//! Oxide trade: for each element, oxide stocks are allocated ([`allocate`] on `oxide`
//! lanes) to the regions' needs: the oxides their end users want plus what their metal
//! makers need. A region splits what it receives between its metal makers and its end
//! users in proportion to their needs. An export quota covering several elements is
//! shared among them by what foreign buyers ask of the exporter (capped by its stock):
//! exporters fill a quota with what sells.

use super::allocate::{allocate, MAX_REGIONS};
use super::compile::{product, Compiled, N_PRODUCTS};
use super::state::{Clock, State};
use crate::elements::{N_EL, ZERO};
use crate::output::Series;

pub fn run(m: &Compiled, st: &mut State, s: &mut Series, c: &Clock) {
    let n = m.n;
    let (t, dt, spy, step) = (c.t, c.dt, c.spy, c.step);
    let State {
        oxide,
        oxide_start,
        direct_need,
        metal_maker_need,
        stock_need,
        stock_recv,
        inv_order,
        inv_draw,
        inv_recv,
        contracts,
        direct_recv,
        metal_recv,
        oxide_asked,
        oxide_got,
        trade,
        ..
    } = st;
    oxide_asked.iter_mut().for_each(|v| *v = ZERO);
    oxide_got.iter_mut().for_each(|v| *v = ZERO);
    direct_recv.iter_mut().for_each(|v| *v = ZERO);
    metal_recv.iter_mut().for_each(|v| *v = ZERO);
    stock_recv.iter_mut().for_each(|v| *v = ZERO);
    inv_recv.iter_mut().for_each(|v| *v = ZERO);
    oxide_start.copy_from_slice(oxide);
    trade.oxide_lanes.clear();
    let oxide_exports = s.oxide_exports.step_mut(step);
    let supplied_by = s.supplied_by.step_mut(step);
    let own = s.source_own.step_mut(step);
    let allies = s.source_allies.step_mut(step);
    let others = s.source_others.step_mut(step);
    // Oxide exports by exporter, all elements, in the order of the flows (the
    // series' column starts at +0.0 and only this trade adds to it).
    let mut oxide_exported = [0.0; MAX_REGIONS];
    for el in 0..N_EL {
        let mut wanted = false;
        for r in 0..n {
            trade.supply[r] = oxide[r][el];
            // Buyers' purchases for inventory add to the need; what they draw from
            // it they do not buy (`inventories.rs`).
            trade.need[r] = (direct_need[r][el]
                + metal_maker_need[r][el]
                + stock_need[r][el]
                + inv_order[r][el]
                - inv_draw[r][el])
                .max(0.0);
            wanted |= trade.need[r] > 0.0;
        }
        if !wanted {
            // Nobody uses this element (Pm, Sc, Tm by default): nothing moves.
            continue;
        }
        trade.need0.copy_from_slice(&trade.need);
        for r in 0..n {
            oxide_asked[r][el] = trade.need[r];
        }
        let bit = 1 << el;
        // Elements covered by the same controls share their lanes this step.
        let class = (m.controls.len() <= 64).then(|| {
            m.controls
                .iter()
                .enumerate()
                .filter(|(_, c)| c.products[product::OXIDE] && c.elements & bit != 0)
                .fold(0u64, |mk, (ci, _)| mk | 1 << ci)
        });
        let known = class.and_then(|cl| {
            trade
                .oxide_lanes
                .iter()
                .find(|(k, _, b)| *k == cl && *b == trade.lane_cache.builds)
                .map(|(_, li, _)| *li)
        });
        let li = match known {
            Some(li) => li,
            None => {
                m.lane_key(product::OXIDE, |_| bit, [0, 0], t, dt, &mut trade.key);
                let li = trade.lane_cache.get(n, &trade.key, |l| {
                    m.lanes(product::OXIDE, |_| bit, [0, 0], t, dt, l)
                });
                if let Some(cl) = class {
                    trade.oxide_lanes.push((cl, li, trade.lane_cache.builds));
                }
                li
            }
        };
        let lanes = &trade.lane_cache.entries[li].1;
        m.quota_budgets(
            product::OXIDE,
            t,
            dt,
            // An exporter fills a quota with what foreign buyers ask of it: the
            // quota is shared among elements by their foreign need, capped by stock.
            |e, mask| {
                let foreign = |k: usize| -> f64 {
                    let need: f64 = (0..n)
                        .filter(|i| *i != e)
                        .map(|i| {
                            direct_need[i][k] + metal_maker_need[i][k] + inv_order[i][k]
                                - inv_draw[i][k]
                        })
                        .sum();
                    need.min(oxide_start[e][k])
                };
                let covered: f64 = (0..N_EL)
                    .filter(|k| mask & (1 << k) != 0)
                    .map(foreign)
                    .sum();
                (if mask & bit != 0 { foreign(el) } else { 0.0 }, covered)
            },
            &mut trade.quota,
        );
        allocate(
            &mut trade.supply,
            &mut trade.need,
            lanes,
            &contracts[product::OXIDE],
            &mut trade.quota,
            &mut trade.flows,
            &mut trade.scratch,
        );
        // What each buyer's end users and stockpile take of what it receives (the
        // same divisions for every flow to the buyer, so done once per buyer).
        let mut direct_shares = [0.0; MAX_REGIONS];
        let mut stock_shares = [0.0; MAX_REGIONS];
        let mut inv_shares = [0.0; MAX_REGIONS];
        for i in 0..n {
            if trade.need0[i] > 0.0 {
                // The share of the users' needs bought (the rest is drawn from the
                // buyers' inventory after the trade).
                let users = direct_need[i][el] + metal_maker_need[i][el];
                let bought = if inv_draw[i][el] > 0.0 && users > 0.0 {
                    (users - inv_draw[i][el]) / users
                } else {
                    1.0
                };
                direct_shares[i] = direct_need[i][el] * bought / trade.need0[i];
                stock_shares[i] = stock_need[i][el] / trade.need0[i];
                if inv_order[i][el] > 0.0 {
                    inv_shares[i] = inv_order[i][el] / trade.need0[i];
                }
            }
        }
        // This element's column of the stocks and receipts, as local arrays indexed
        // without bounds checks; receipts start at +0.0 (reset above, and each
        // element is traded once), stocks at their value. Each number gets the same
        // operations in the same order as in place.
        let mut stock = [0.0; MAX_REGIONS];
        let (mut got, mut direct, mut stocked, mut held, mut metal) = (
            [0.0; MAX_REGIONS],
            [0.0; MAX_REGIONS],
            [0.0; MAX_REGIONS],
            [0.0; MAX_REGIONS],
            [0.0; MAX_REGIONS],
        );
        for r in 0..n {
            stock[r] = oxide[r][el];
        }
        // This element's exports by exporter, and what reached each buyer's end users
        // by the tier of its source (own, allies, others), t per year: the series'
        // cells start at +0.0 each step and only this element's trade adds to them,
        // so summing here first gives the same bits.
        let mut exported = [0.0; MAX_REGIONS];
        let mut by_tier = [[0.0; MAX_REGIONS]; 3];
        for &(e, i) in &trade.scratch.touched {
            let k = e * n + i;
            let x = trade.flows[k];
            trade.flows[k] = 0.0;
            let (e6, i6) = (e & (MAX_REGIONS - 1), i & (MAX_REGIONS - 1));
            let (direct_share, stock_share, inv_share) =
                (direct_shares[i6], stock_shares[i6], inv_shares[i6]);
            stock[e6] -= x;
            got[i6] += x;
            if e != i {
                exported[e6] += x * spy;
                oxide_exported[e6] += x * spy;
            }
            let d = x * direct_share;
            let k = x * stock_share;
            let v = x * inv_share;
            direct[i6] += d;
            stocked[i6] += k;
            held[i6] += v;
            metal[i6] += x - d - k - v;
            by_tier[m.source_tier(e, i)][i6] += d * spy;
            supplied_by[i * n + e] += d * spy;
        }
        for (r, x) in exported[..n].iter().enumerate() {
            oxide_exports[r * N_EL + el] += x;
        }
        for (tier, src) in [&mut *own, &mut *allies, &mut *others]
            .into_iter()
            .enumerate()
        {
            for (r, x) in by_tier[tier][..n].iter().enumerate() {
                src[r * N_EL + el] += x;
            }
        }
        for r in 0..n {
            oxide[r][el] = stock[r];
            oxide_got[r][el] = got[r];
            direct_recv[r][el] = direct[r];
            stock_recv[r][el] = stocked[r];
            inv_recv[r][el] = held[r];
            metal_recv[r][el] = metal[r];
        }
    }
    let exports = s.exports.step_mut(step);
    for (r, x) in oxide_exported[..n].iter().enumerate() {
        exports[r * N_PRODUCTS + product::OXIDE] += x;
    }
}
