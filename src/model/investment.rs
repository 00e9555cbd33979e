//! Allied investment and joint ventures.
//!
//! # Rules
//!
//! - **A project is a unit.** Each scenario investment becomes a mine or plant in its
//!   host region with a dated pipeline: first output `lead_years` (data
//!   `policy.lead_years`, by stage) after the decision, plus the delay of any
//!   technology control in force against the host for that stage, then a linear ramp
//!   over `policy.ramp_years`. A mine digs the host's ore (its first mine's; the world's
//!   average ore where the host has none); a separation plant splits light and heavy
//!   capacity as the world's plants do; a magnet plant makes NdFeB.
//! - **Offtake is a contract.** Each financier takes `offtake_share` of the project's
//!   output before the market: a contract on the stage's product (concentrate, oxide,
//!   metal, magnets) with a share of the host's supply equal to the project's share of
//!   the host's capacity at that stage this step, times the offtake share. An alliance
//!   financier's share is split equally among its members.
//! - **Cost.** Capital cost `policy.capex_usd_per_tpy × capacity`, spent evenly over
//!   the lead time, charged to the financiers by their offtake shares (the rest, if
//!   shares sum below one, to the host). It enters `policy_cost`.

use super::allocate::ContractLane;
use super::compile::{Compiled, MineC, PlantC, UnitC, METAL, MINING, N_PRODUCTS, SEPARATION};
use super::policy::{stage_index, PolicyC};
use super::state::{Clock, State};
use crate::data::Pipeline;
use crate::elements::{EVec, ZERO};
use crate::scenario::Scenario;

/// A compiled project.
pub(crate) struct ProjectC {
    pub(crate) unit: usize,
    pub(crate) stage: usize,
    pub(crate) host: usize,
    /// `(region, share of output)` of each financier member; each pays the same share
    /// of the cost, the host the rest.
    pub(crate) offtake: Vec<(usize, f64)>,
    pub(crate) host_share: f64,
    pub(crate) capex: f64,
    pub(crate) spend_start: f64,
    pub(crate) spend_end: f64,
}

/// The product a stage sells (the contract's lanes).
fn product_of(stage: usize) -> usize {
    use super::compile::product;
    match stage {
        MINING => product::CONCENTRATE,
        SEPARATION => product::OXIDE,
        METAL => product::METAL,
        _ => product::MAGNET,
    }
}

/// Turn the scenario's investments into units and projects.
#[allow(clippy::too_many_arguments)]
pub(crate) fn compile(
    sc: &Scenario,
    pol: &PolicyC,
    group: &dyn Fn(&str) -> Vec<bool>,
    ri: &dyn Fn(&str) -> usize,
    units: &mut Vec<UnitC>,
    mines: &mut Vec<MineC>,
    separation: &mut Vec<PlantC>,
    metal_plants: &mut Vec<PlantC>,
    magnet_plants: &mut Vec<PlantC>,
) -> Vec<ProjectC> {
    // The world's average ore and light/heavy split, for hosts without their own.
    let mut avg_ore: EVec = ZERO;
    for m in mines.iter() {
        for (a, c) in avg_ore.iter_mut().zip(m.comp) {
            *a += c / mines.len() as f64;
        }
    }
    let (light, heavy) = separation
        .iter()
        .fold((0.0, 0.0), |(l, h), p| (l + p.cap[0], h + p.cap[1]));
    let light_share = if light + heavy > 0.0 {
        light / (light + heavy)
    } else {
        1.0
    };
    sc.investments
        .iter()
        .map(|inv| {
            let host = ri(&inv.host);
            let stage = stage_index(inv.stage);
            let online = inv.start + pol.lead[stage] + pol.tech_delay(stage, host, inv.start);
            units.push(UnitC {
                region: host,
                stage,
                nominal: inv.capacity_tpy,
                pipeline: Some(Pipeline {
                    online,
                    ramp_years: pol.ramp[stage],
                }),
                path: None,
                path_end: f64::NEG_INFINITY,
                expansion: None,
                candidate: None,
            });
            let unit = units.len() - 1;
            match stage {
                MINING => {
                    let comp = mines
                        .iter()
                        .find(|m| m.region == host)
                        .map(|m| m.comp)
                        .unwrap_or(avg_ore);
                    mines.push(MineC {
                        unit,
                        region: host,
                        comp,
                    });
                }
                SEPARATION => separation.push(PlantC {
                    unit,
                    region: host,
                    cap: [
                        inv.capacity_tpy * light_share,
                        inv.capacity_tpy * (1.0 - light_share),
                    ],
                    kind: 0,
                }),
                METAL => metal_plants.push(PlantC {
                    unit,
                    region: host,
                    cap: [inv.capacity_tpy, 0.0],
                    kind: 0,
                }),
                _ => magnet_plants.push(PlantC {
                    unit,
                    region: host,
                    cap: [inv.capacity_tpy, 0.0],
                    kind: 0,
                }),
            }
            let mut offtake = Vec::new();
            let mut paid = 0.0;
            for f in &inv.financiers {
                let members: Vec<usize> = group(&f.id)
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| **x)
                    .map(|(i, _)| i)
                    .collect();
                let k = members.len().max(1) as f64;
                for r in members {
                    offtake.push((r, f.offtake_share / k));
                }
                paid += f.offtake_share;
            }
            ProjectC {
                unit,
                stage,
                host,
                offtake,
                host_share: (1.0 - paid).max(0.0),
                capex: pol.capex[stage] * inv.capacity_tpy,
                spend_start: inv.start,
                spend_end: online,
            }
        })
        .collect()
}

/// This step's contracts: the data's, plus each project's offtakes in proportion to
/// the project's share of its host's capacity; and the capital spent this step.
pub fn run(m: &Compiled, st: &mut State, c: &Clock) {
    if m.projects.is_empty() {
        return;
    }
    for k in 0..N_PRODUCTS {
        st.contracts[k].clear();
        st.contracts[k].extend_from_slice(&m.contracts[k]);
    }
    for p in &m.projects {
        let host_cap = st.stage_cap[p.stage][p.host];
        let cap = st.unit_cap[p.unit];
        if cap > 0.0 && host_cap > 0.0 {
            let share = cap / host_cap;
            for &(r, s) in &p.offtake {
                if r != p.host {
                    st.contracts[product_of(p.stage)].push(ContractLane {
                        from: p.host,
                        to: r,
                        share: share * s,
                    });
                }
            }
        }
        let spend = super::compile::overlap(c.t, c.t + c.dt, p.spend_start, p.spend_end);
        let years = p.spend_end - p.spend_start;
        if spend > 0.0 && years > 0.0 {
            let usd = p.capex * spend / years;
            for &(r, s) in &p.offtake {
                st.policy_cost[r] += usd * s;
            }
            if p.host_share > 0.0 {
                st.policy_cost[p.host] += usd * p.host_share;
            }
        }
    }
}
