//! The one `State` a step reads and writes: stocks that persist from step to step, the
//! flows handed from one stage to the next within a step, and the buffers the
//! allocation problems reuse. Created once per run; nothing in the step loop allocates.

use super::allocate::{ContractLane, Scratch};
use super::compile::{Compiled, N_PRODUCTS};
use super::lanes::LaneCache;
use crate::data::{GrowthPath, GrowthPhase};
use crate::elements::{EVec, N_EL, ZERO};

/// The clock of one step.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub step: usize,
    /// Decimal year at the start of the step.
    pub t: f64,
    /// Step length in years.
    pub dt: f64,
    /// Middle of the step (pipelines and growth paths are read here).
    pub mid: f64,
    /// Steps per year: flows per step times `spy` are flows per year.
    pub spy: f64,
}

/// Cumulative tonnes per element since the start of the run, for the mass balance.
#[derive(Debug, Clone, Copy, Default)]
pub struct Totals {
    /// Stocks at the start of the run (see `demand::initial_stocks`).
    pub initial: EVec,
    pub mined: EVec,
    pub losses: EVec,
    /// Delivered as oxide to end users.
    pub direct: EVec,
    /// Delivered in magnets.
    pub magnets: EVec,
    /// Recovered from products leaving use (joins the supply side, like `mined`).
    pub recycled: EVec,
    /// Products in use at the start, and everything that has left use since.
    pub in_use_initial: EVec,
    pub left_use: EVec,
}

/// Buffers of the allocation problems, reused every step.
#[derive(Default)]
pub struct Trade {
    pub lane_cache: LaneCache,
    /// This step's oxide lanes by the set of controls covering an element:
    /// `(controls mask, cache index, cache builds when found)`.
    pub oxide_lanes: Vec<(u64, usize, u64)>,
    pub key: Vec<u64>,
    pub scratch: Scratch,
    pub flows: Vec<f64>,
    pub supply: Vec<f64>,
    pub need: Vec<f64>,
    pub quota: Vec<f64>,
    pub before: Vec<f64>,
    pub need0: Vec<f64>,
}

/// Prices of one element in the two markets a control can split (see `prices.rs`),
/// as natural logarithms of the price over its base-year price.
#[derive(Debug, Clone, Copy, Default)]
pub struct Price {
    /// Inside the controlling exporter; the one world price when no control splits
    /// the market.
    pub inside: f64,
    /// Everywhere else (equal to `inside` when no control splits the market).
    pub outside: f64,
    /// Long-run smoothed prices (the long-run demand response reads these).
    pub long_inside: f64,
    pub long_outside: f64,
    /// Prices averaged over about a year (investment decisions read these).
    pub year_inside: f64,
    pub year_outside: f64,
    /// Each market's stocks (oxide and concentrate) at the end of the last step and
    /// their fall per step, smoothed, with the split they were summed under
    /// (`prices.rs`, the depletion term).
    pub last_stock: Option<(Option<usize>, [f64; 2], [f64; 2])>,
}

pub struct State {
    // Market, carried from step to step.
    pub price: [Price; N_EL],
    /// Cover (years of purchases) at which each element's stocks leave its price at
    /// the base-year level (`demand::initial_stocks`).
    pub normal_cover: EVec,
    /// The control (index) that splits each element's market this step.
    pub split: [Option<usize>; N_EL],
    /// Unmet demand carried into later steps: oxide by region; magnets by type and
    /// region.
    pub backlog: Vec<EVec>,
    pub magnet_backlog: Vec<Vec<f64>>,

    // Buyers' working inventories, carried from step to step (see `inventories.rs`).
    /// Held by each region's buyers (t REO).
    pub inv: Vec<EVec>,
    /// Expected price trend (ln of the price per year) in each market `[inside,
    /// outside]`, and the log prices it was last updated from.
    pub expect: [[f64; 2]; N_EL],
    pub expect_from: [[f64; 2]; N_EL],
    /// Shortfall each region's buyers met in the oxide trade (1 − received / asked),
    /// smoothed like the expectation.
    pub short: Vec<EVec>,
    /// Cover the buyers outside a split aim at above normal (years): how far ahead
    /// they are buying (the price's buying-ahead premium reads it).
    pub ahead: EVec,
    /// This step's purchases for inventory and draws from it, by region (t).
    pub inv_order: Vec<EVec>,
    pub inv_draw: Vec<EVec>,
    /// What the region received in the oxide trade for its inventory.
    pub inv_recv: Vec<EVec>,

    // Capacity, carried from step to step (see `capacity.rs`).
    /// Capacity of each unit this step (t/yr, before shocks).
    pub unit_cap: Vec<f64>,
    /// When each candidate was committed (infinity until it is).
    pub committed: Vec<f64>,
    /// Expansion multiplier decided at each step, `[unit * steps + step]`.
    pub growth: Vec<f64>,
    /// Capacity of each stage by region this step (t/yr; t magnets/yr for magnets).
    pub stage_cap: [Vec<f64>; 4],
    /// Utilisation of each stage by region, averaged over about a year.
    pub utilisation: [Vec<f64>; 4],

    // Stocks, carried from step to step.
    /// Unprocessed concentrate by region, `[light, heavy]` fraction, element (t REO).
    pub conc: Vec<[EVec; 2]>,
    /// Separated product (oxide, and metal returned unused) by region (t REO).
    pub oxide: Vec<EVec>,
    pub totals: Totals,

    // Capacities this step (t per step, after pipelines and shocks).
    /// Separation capacity by region, `[light, heavy]`.
    pub sep_cap: Vec<[f64; 2]>,
    pub metal_cap: Vec<f64>,
    /// Magnet capacity by family and region.
    pub family_cap: Vec<Vec<f64>>,
    /// Magnet capacity offered to each type's orders, by region (the family's capacity
    /// split by the types' shares of world demand).
    pub mag_cap: Vec<Vec<f64>>,

    // Flows within a step, from one stage to the next.
    /// Concentrate fed to each region's separators.
    pub feed: Vec<EVec>,
    /// Oxide wanted by each region's end users, with the backlog being restocked.
    pub direct_need: Vec<EVec>,
    /// Magnets wanted by each region, by type, with the backlog being restocked.
    pub magnet_need: Vec<Vec<f64>>,
    /// The same without the backlog: this step's demand at this step's prices.
    pub direct_demand: Vec<EVec>,
    pub magnet_demand: Vec<Vec<f64>>,
    /// The same at the inside (or world) price: the demand reported and measured
    /// against (see `demand.rs`).
    pub direct_ref: Vec<EVec>,
    pub magnet_ref: Vec<Vec<f64>>,
    /// The backlog taken into this step's needs.
    pub backlog_taken: Vec<EVec>,
    pub magnet_backlog_taken: Vec<Vec<f64>>,
    /// Magnets delivered to each region this step, by type.
    pub magnet_recv: Vec<Vec<f64>>,
    /// Element content of one tonne of each magnet type this step: the data's recipe
    /// with Nd and Pr in the ratio the market offers (didymium).
    pub content: Vec<EVec>,
    /// Magnet orders by type, `[maker * n + buyer]`.
    pub orders: Vec<Vec<f64>>,
    /// Element content of the orders each magnet maker took (all types, by type).
    pub maker_need: Vec<EVec>,
    pub maker_need_by_type: Vec<Vec<EVec>>,
    /// Metal a magnet maker asked of each metal maker (t REO), `[metal maker * n + magnet maker]`.
    pub metal_orders: Vec<f64>,
    /// `(metal maker, magnet maker)` pairs with an order.
    pub metal_pairs: Vec<(usize, usize)>,
    /// Metal each magnet maker asked for (t REO).
    pub metal_need: Vec<f64>,
    /// Oxide each metal maker needs for the orders it accepted.
    pub metal_maker_need: Vec<EVec>,
    /// What each region asked for and got in the oxide trade, by element (the price's
    /// scarcity signal).
    pub oxide_asked: Vec<EVec>,
    pub oxide_got: Vec<EVec>,
    /// Oxide received by end users; oxide received by metal makers; metal received by
    /// magnet makers.
    pub direct_recv: Vec<EVec>,
    pub metal_recv: Vec<EVec>,
    pub maker_recv: Vec<EVec>,
    /// Output of each stage by region this step (t REO, or t magnets):
    /// mining, separation, metal, magnets.
    pub stage_output: [Vec<f64>; 4],
    /// Oxide and concentrate stocks at the start of the trade that uses them (quotas
    /// are shared by these).
    pub oxide_start: Vec<EVec>,
    pub conc_start: Vec<[EVec; 2]>,

    pub trade: Trade,

    // Slow policies (see `investment.rs`, `stockpiles.rs`, `recycling.rs`,
    // `substitution.rs`, `price_floors.rs`).
    /// This step's contracts by product: the data's and the projects' offtakes.
    pub contracts: [Vec<ContractLane>; N_PRODUCTS],
    /// Policy cost this step by region (USD).
    pub policy_cost: Vec<f64>,
    /// Held by each stockpile (t) and its orders by member region.
    pub stockpile: Vec<EVec>,
    pub stock_order: Vec<Vec<EVec>>,
    /// Elements each stockpile releases this step (bit mask).
    pub releasing: Vec<u32>,
    /// All stockpiles' orders by region, and what the region received for them.
    pub stock_need: Vec<EVec>,
    pub stock_recv: Vec<EVec>,
    /// Availability by region in the previous step (release triggers read it).
    pub avail_prev: Vec<EVec>,
    /// Products in use by region: `[magnets, other]` by element (t REO).
    pub in_use: Vec<[EVec; 2]>,
    /// Use of each element per unit of product relative to the start (research-driven
    /// substitution).
    pub intensity: EVec,
    /// Units stopped because their price fell below their exit price.
    pub idle: Vec<bool>,
    /// Oxide recycled this step by region (t REO, `recycling.rs`): the end-of-life
    /// recycling input the supply-risk indicator discounts.
    pub recycled: Vec<EVec>,
    /// Buffers of the supply-risk indicator.
    pub risk: super::supply_risk::Scratch,
    /// Demand growth paths of the sectors with the assumption's scale applied.
    pub growth_paths: Vec<GrowthPath>,
}

impl State {
    pub fn new(m: &Compiled) -> State {
        let n = m.n;
        let n_types = m.magnet_content.len();
        let growth_paths = m
            .sectors
            .iter()
            .map(|sec| {
                let scaled: Vec<GrowthPhase> = sec
                    .growth
                    .iter()
                    .map(|g| GrowthPhase {
                        until: g.until,
                        rate: g.rate * m.growth_scale,
                    })
                    .collect();
                GrowthPath::new(&scaled, m.base_year)
            })
            .collect();
        let n_units = m.units.len();
        let zeros = || vec![0.0; n];
        State {
            price: [Price::default(); N_EL],
            normal_cover: [m.market.normal_cover; N_EL],
            split: [None; N_EL],
            backlog: vec![ZERO; n],
            magnet_backlog: vec![vec![0.0; n]; n_types],
            inv: vec![ZERO; n],
            expect: [[0.0; 2]; N_EL],
            expect_from: [[0.0; 2]; N_EL],
            short: vec![ZERO; n],
            ahead: ZERO,
            inv_order: vec![ZERO; n],
            inv_draw: vec![ZERO; n],
            inv_recv: vec![ZERO; n],
            unit_cap: vec![0.0; n_units],
            committed: vec![f64::INFINITY; n_units],
            growth: vec![1.0; n_units * m.steps],
            stage_cap: [zeros(), zeros(), zeros(), zeros()],
            utilisation: [zeros(), zeros(), zeros(), zeros()],
            direct_demand: vec![ZERO; n],
            magnet_demand: vec![vec![0.0; n]; n_types],
            direct_ref: vec![ZERO; n],
            magnet_ref: vec![vec![0.0; n]; n_types],
            backlog_taken: vec![ZERO; n],
            magnet_backlog_taken: vec![vec![0.0; n]; n_types],
            magnet_recv: vec![vec![0.0; n]; n_types],
            content: m.magnet_content.clone(),
            oxide_asked: vec![ZERO; n],
            oxide_got: vec![ZERO; n],
            conc: vec![[ZERO; 2]; n],
            oxide: vec![ZERO; n],
            totals: Totals::default(),
            sep_cap: vec![[0.0; 2]; n],
            metal_cap: vec![0.0; n],
            family_cap: vec![vec![0.0; n]; m.n_families],
            mag_cap: vec![vec![0.0; n]; n_types],
            feed: vec![ZERO; n],
            direct_need: vec![ZERO; n],
            magnet_need: vec![vec![0.0; n]; n_types],
            orders: vec![vec![0.0; n * n]; n_types],
            maker_need: vec![ZERO; n],
            maker_need_by_type: vec![vec![ZERO; n]; n_types],
            metal_orders: vec![0.0; n * n],
            metal_pairs: Vec::new(),
            metal_need: vec![0.0; n],
            metal_maker_need: vec![ZERO; n],
            direct_recv: vec![ZERO; n],
            metal_recv: vec![ZERO; n],
            maker_recv: vec![ZERO; n],
            stage_output: [vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]],
            oxide_start: vec![ZERO; n],
            conc_start: vec![[ZERO; 2]; n],
            trade: Trade {
                flows: vec![0.0; n * n],
                supply: vec![0.0; n],
                need: vec![0.0; n],
                before: vec![0.0; n],
                need0: vec![0.0; n],
                ..Trade::default()
            },
            recycled: vec![ZERO; n],
            risk: Default::default(),
            growth_paths,
            contracts: m.contracts.clone(),
            policy_cost: vec![0.0; n],
            stockpile: vec![ZERO; m.policy.stockpiles.len()],
            stock_order: vec![vec![ZERO; n]; m.policy.stockpiles.len()],
            releasing: vec![0; m.policy.stockpiles.len()],
            stock_need: vec![ZERO; n],
            stock_recv: vec![ZERO; n],
            avail_prev: vec![[1.0; N_EL]; n],
            in_use: vec![[ZERO; 2]; n],
            intensity: [1.0; N_EL],
            idle: vec![false; n_units],
        }
    }

    /// Region `r`'s use of element `el` this step (t): oxide demand and the content of
    /// its magnet demand.
    pub fn member_use(&self, r: usize, el: usize) -> f64 {
        let mut u = self.direct_demand[r][el];
        for (d, k) in self.magnet_demand.iter().zip(&self.content) {
            u += d[r] * k[el];
        }
        u
    }

    /// ln(price / base price) of `el` in the market region `r` buys in.
    pub fn price_faced(&self, m: &Compiled, r: usize, el: usize) -> f64 {
        if m.inside(self.split[el], r) {
            self.price[el].inside
        } else {
            self.price[el].outside
        }
    }

    /// What region `r`'s end users still lack of `el` this step.
    pub fn unmet_direct(&self, r: usize, el: usize) -> f64 {
        (self.direct_need[r][el] - self.direct_recv[r][el]).max(0.0)
    }

    /// What region `r`'s metal makers still lack of `el` this step.
    pub fn unmet_metal(&self, r: usize, el: usize) -> f64 {
        (self.metal_maker_need[r][el] - self.metal_recv[r][el]).max(0.0)
    }
}
