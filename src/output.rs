//! The run output: time series of every metric, and the checks.
//!
//! Series are stored flat (`[step][a][b]`) for speed and serialised as nested JSON
//! objects keyed by region id and element symbol, as documented in the README. The
//! JSON writer is deterministic: the same run gives the same bytes.

use crate::elements::ELEMENTS;
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

/// Version of the run output format.
pub const OUTPUT_VERSION: u32 = 1;

/// A series over steps × `a` × `b`, stored flat.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cube {
    pub steps: usize,
    pub a: usize,
    pub b: usize,
    pub data: Vec<f64>,
    /// The cube keeps only the step being run (`steps` is 1 and every step reads and
    /// writes it): for runs that keep a few series only (Monte Carlo).
    pub rolling: bool,
}

impl Cube {
    pub fn new(steps: usize, a: usize, b: usize) -> Cube {
        Cube {
            steps,
            a,
            b,
            data: vec![0.0; steps * a * b],
            rolling: false,
        }
    }
    /// Give the cube this shape, zeroed if it had another; with the same shape the old
    /// values stay, and each step is cleared as it is run ([`Series::clear_step`]).
    fn resize(&mut self, steps: usize, a: usize, b: usize) {
        if !(self.steps == steps && self.a == a && self.b == b && !self.rolling) {
            *self = Cube::new(steps, a, b);
        }
    }
    /// Where step `s` is stored: the one stored step of a rolling cube.
    #[inline]
    fn slot(&self, s: usize) -> usize {
        if self.rolling {
            0
        } else {
            s
        }
    }
    #[inline]
    pub fn idx(&self, s: usize, a: usize, b: usize) -> usize {
        (self.slot(s) * self.a + a) * self.b + b
    }
    #[inline]
    pub fn get(&self, s: usize, a: usize, b: usize) -> f64 {
        self.data[self.idx(s, a, b)]
    }
    #[inline]
    pub fn set(&mut self, s: usize, a: usize, b: usize, v: f64) {
        let k = self.idx(s, a, b);
        self.data[k] = v;
    }
    /// Every value of one step, `[a][b]` row-major, to read.
    #[inline]
    pub fn step(&self, s: usize) -> &[f64] {
        let s = self.slot(s);
        let len = self.a * self.b;
        &self.data[s * len..(s + 1) * len]
    }
    /// Every value of one step, `[a][b]` row-major: the hot loops of a step work on
    /// this slice instead of indexing the whole cube.
    #[inline]
    pub fn step_mut(&mut self, s: usize) -> &mut [f64] {
        let s = self.slot(s);
        let len = self.a * self.b;
        &mut self.data[s * len..(s + 1) * len]
    }
    /// The time series of the sum over several `b` at `a`.
    pub fn series_sum(&self, a: usize, bs: &[usize]) -> Vec<f64> {
        (0..self.steps)
            .map(|s| bs.iter().map(|b| self.get(s, a, *b)).sum())
            .collect()
    }
    /// The time series at (`a`, `b`).
    pub fn series(&self, a: usize, b: usize) -> Vec<f64> {
        (0..self.steps).map(|s| self.get(s, a, b)).collect()
    }
}

/// What the rows or the columns of a series are: the labels its JSON keys and CSV
/// columns carry, and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Regions,
    Alliances,
    /// The scenario's stockpile holders (region or alliance ids).
    Holders,
    Elements,
    /// The four stages of [`STAGES`].
    Stages,
    /// The traded products of [`PRODUCTS`].
    Products,
    /// One row: the world (JSON `{column: [..]}`).
    World,
    /// One column (JSON `{row: [..]}`).
    One,
    /// HHI and top share: each column becomes its own top-level JSON key.
    HhiTop,
}

/// One entry of the table of series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesDef {
    /// The key in `series` of the JSON, the first CSV column, the wasm accessor's name.
    pub name: &'static str,
    pub rows: Axis,
    pub cols: Axis,
    pub unit: &'static str,
}

/// The table of series: one line declares a series' field, shape and unit, and the
/// storage, reset, JSON, CSV, fingerprint and the wasm accessor all walk [`SERIES`], so
/// a new series cannot be left out of any of them. The order is the JSON order and the
/// fingerprint's.
macro_rules! series_table {
    ($( $(#[doc = $doc:literal])* $field:ident: $rows:ident x $cols:ident, $unit:literal; )*) => {
        /// Every series of a run, stored flat per step (see [`SERIES`]).
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct Series {
            $( $(#[doc = $doc])* pub $field: Cube, )*
            /// Relative mass-balance error per step (max over elements).
            pub mass_balance_error: Vec<f64>,
        }

        /// The table of series, in storage, JSON and fingerprint order.
        pub const SERIES: &[SeriesDef] = &[
            $( SeriesDef { name: stringify!($field), rows: Axis::$rows, cols: Axis::$cols, unit: $unit }, )*
        ];

        impl Series {
            /// Every series with its definition, in table order.
            pub fn cubes(&self) -> Vec<(&'static SeriesDef, &Cube)> {
                let mut v = Vec::with_capacity(SERIES.len());
                $( v.push((&SERIES[v.len()], &self.$field)); )*
                v
            }
            fn cubes_mut(&mut self) -> Vec<(&'static SeriesDef, &mut Cube)> {
                let mut v: Vec<(&'static SeriesDef, &mut Cube)> = Vec::with_capacity(SERIES.len());
                $( v.push((&SERIES[v.len()], &mut self.$field)); )*
                v
            }
        }
    };
}

series_table! {
    /// Share of demand met, 0..1 (1 where there is no demand).
    availability: Regions x Elements, "share of demand met, 0..1";
    /// t REO per year (magnets counted by their element content).
    demand: Regions x Elements, "t REO per year";
    supplied: Regions x Elements, "t REO per year";
    /// Where the supplied tonnes came from: the region itself, its allies, others.
    source_own: Regions x Elements, "t REO per year";
    source_allies: Regions x Elements, "t REO per year";
    source_others: Regions x Elements, "t REO per year";
    mine_output: Regions x Elements, "t REO per year";
    separation_output: Regions x Elements, "t REO per year";
    /// Separated oxides shipped to other regions (t REO per year), by exporter and
    /// element: the series customs statistics report.
    oxide_exports: Regions x Elements, "t REO per year";
    /// Demand not met: demand - supplied, never negative.
    shortfall: Regions x Elements, "t REO per year";
    /// t REO per year that reached a region's end users from each supplier region
    /// (the separator for oxides, the magnet maker for magnets): `[step][region][supplier]`.
    supplied_by: Regions x Regions, "t REO per year";
    /// t REO per year reduced to metal and alloy for magnets, by region.
    metal_output: Regions x One, "t REO per year";
    /// t magnets per year (all types), by region.
    magnet_output: Regions x One, "t magnets per year";
    /// Alliance by element: share of the members' demand met.
    alliance_availability: Alliances x Elements, "share of demand met, 0..1";
    /// World stock of unsold separated oxides at the end of each step (t REO): the
    /// balance problem's surplus.
    oxide_stock: World x Elements, "t REO";
    /// World stock of unprocessed concentrate at the end of each step (t REO).
    concentrate_stock: World x Elements, "t REO";
    /// Held by each region's buyers (end users and metal makers) at the end of each
    /// step (t REO): their working inventories (`model/inventories.rs`).
    buyer_stock: Regions x Elements, "t REO";
    /// Price of each element's oxide: the world price, or inside the controlling
    /// exporter where a control splits the market.
    price: World x Elements, "USD/kg oxide";
    /// Price outside the controlling exporter (equal to `price` where no control
    /// splits the market).
    price_outside: World x Elements, "USD/kg oxide";
    /// Capacity of each stage by region (after pipelines, entry and expansion; before
    /// shocks).
    capacity: Stages x Regions, "t REO per year (magnets: t magnets per year)";
    /// Shipments to other regions by product: concentrate, oxide and metal in t REO,
    /// magnets in t magnets, per year.
    exports: Regions x Products, "t per year (REO; magnets in t magnets)";
    /// Herfindahl-Hirschman index (0..1) and top-region share of each stage: JSON
    /// `hhi.{stage}` and `top_share.{stage}`.
    concentration: Stages x HhiTop, "HHI on shares 0..1; largest region's share";
    /// Oxide recovered from products leaving use, by the region where they are scrapped.
    recycled: Regions x Elements, "t REO per year";
    /// Held by each stockpile of the scenario (rows: the holders' ids) at the end of
    /// each step.
    stockpile: Holders x Elements, "t REO";
    /// The same in days of the holder's consumption this step.
    stockpile_days: Holders x Elements, "days of the holder's consumption";
    /// What the policies cost each region: investment, stockpile purchases and
    /// carrying, research, price-floor payments, tariffs paid by its buyers.
    policy_cost: Regions x One, "USD per year";
    /// Export controls in force (the scenario's and, with retaliation, the answers).
    controls_in_force: World x One, "count";
    /// Supply risk of each region's supply of each element, 0..1 (see
    /// `model/supply_risk.rs`: EU-method form, governance-weighted concentration of the
    /// bottleneck stage and of the region's sourcing, import reliance, recycling).
    supply_risk: Regions x Elements, "supply risk index 0..1";
}

impl Series {
    /// Zero every series for a run of `steps` steps, `n` regions, `na` alliances and
    /// `nh` stockpile holders, reusing memory where the shapes match (so repeated runs
    /// do not allocate).
    pub fn reset(&mut self, steps: usize, n: usize, na: usize, nh: usize, n_el: usize) {
        self.prepare(steps, (n, na, nh, n_el), None);
        for (_, c) in self.cubes_mut() {
            c.data.fill(0.0);
        }
    }

    /// Shape every series for a run like [`Series::reset`], but leave a reused cube's
    /// old values to [`Series::clear_step`], step by step. Why: a run writes about 4.7
    /// MB of series (19 regions, 104 steps); zeroing it all up front sends it through
    /// the caches twice, while a step's slices (about 45 KB) zeroed just before the
    /// step writes them are in cache when it does.
    ///
    /// With `kept`, only the series it names keep their history; the others roll
    /// (one stored step, overwritten by the next), so a run writes about 0.3 MB
    /// instead of 4.7 (Monte Carlo keeps availability and price). Nothing in a step
    /// reads a series of an earlier step, so every value of a kept series is the same
    /// as in a full run (tested in `montecarlo.rs`).
    pub fn prepare(
        &mut self,
        steps: usize,
        (n, na, nh, n_el): (usize, usize, usize, usize),
        kept: Option<&[&str]>,
    ) {
        let size = |a: Axis| match a {
            Axis::Regions => n,
            Axis::Alliances => na,
            Axis::Holders => nh,
            Axis::Elements => n_el,
            Axis::Stages => STAGES.len(),
            Axis::Products => PRODUCTS.len(),
            Axis::World | Axis::One => 1,
            Axis::HhiTop => 2,
        };
        for (def, c) in self.cubes_mut() {
            let (a, b) = (size(def.rows), size(def.cols));
            if kept.map_or(true, |k| k.contains(&def.name)) {
                c.resize(steps, a, b);
            } else if !(c.rolling && c.a == a && c.b == b) {
                *c = Cube::new(1, a, b);
                c.rolling = true;
            }
        }
        self.mass_balance_error.clear();
        self.mass_balance_error.resize(steps, 0.0);
    }

    /// Zero every series at `step`: the model calls it before the step writes them.
    pub fn clear_step(&mut self, step: usize) {
        for (_, c) in self.cubes_mut() {
            c.step_mut(step).fill(0.0);
        }
    }

    /// A series by its name in the table.
    pub fn get(&self, name: &str) -> Option<(&'static SeriesDef, &Cube)> {
        self.cubes().into_iter().find(|(d, _)| d.name == name)
    }
}

/// Everything a run produces.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunOutput {
    pub scenario_name: String,
    pub regions: Vec<String>,
    pub alliances: Vec<String>,
    /// Stockpile holders, in scenario order.
    pub holders: Vec<String>,
    /// Decimal year at the start of each step.
    pub time: Vec<f64>,
    pub steps_per_year: u32,
    pub series: Series,
}

impl RunOutput {
    pub fn n_steps(&self) -> usize {
        self.time.len()
    }
    pub fn region_index(&self, id: &str) -> Option<usize> {
        self.regions.iter().position(|r| r == id)
    }
    /// Availability of one element or of a group of elements (summed supply over summed
    /// demand; 1 where there is no demand) for region index `r`, per step.
    pub fn availability_of(&self, r: usize, elements: &[usize]) -> Vec<f64> {
        if let [e] = elements {
            return self.series.availability.series(r, *e);
        }
        let d = self.series.demand.series_sum(r, elements);
        let x = self.series.supplied.series_sum(r, elements);
        d.iter()
            .zip(&x)
            .map(|(d, x)| {
                if *d > 0.0 {
                    (x / d).clamp(0.0, 1.0)
                } else {
                    1.0
                }
            })
            .collect()
    }

    /// Supply risk of a group of elements for region `r`: the mean of the elements'
    /// indices weighted by the region's demand for each (an index does not add up like
    /// tonnes); where the group has no demand, the plain mean.
    pub fn supply_risk_of(&self, r: usize, elements: &[usize]) -> Vec<f64> {
        let (risk, demand) = (&self.series.supply_risk, &self.series.demand);
        (0..self.n_steps())
            .map(|s| {
                let d: f64 = elements.iter().map(|e| demand.get(s, r, *e)).sum();
                let sum = |w: &dyn Fn(usize) -> f64| -> f64 {
                    elements.iter().map(|e| w(*e) * risk.get(s, r, *e)).sum()
                };
                if d > 0.0 {
                    sum(&|e| demand.get(s, r, e)) / d
                } else {
                    sum(&|_| 1.0) / elements.len().max(1) as f64
                }
            })
            .collect()
    }

    pub fn max_mass_balance_error(&self) -> f64 {
        self.series
            .mass_balance_error
            .iter()
            .fold(0.0, |a, b| a.max(*b))
    }

    /// FNV-1a 64 over the bits of every number of every series, in table order, and
    /// the time axis: a cheap check that two runs (native and wasm, say) gave identical
    /// numbers.
    pub fn fingerprint(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |x: f64| {
            for b in x.to_bits().to_le_bytes() {
                h ^= b as u64;
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        for (_, c) in self.series.cubes() {
            c.data.iter().for_each(|x| eat(*x));
        }
        self.time.iter().for_each(|x| eat(*x));
        h
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The labels of an axis in this run.
    pub fn labels(&self, axis: Axis) -> Vec<String> {
        let own = |v: &[&str]| v.iter().map(|x| x.to_string()).collect();
        match axis {
            Axis::Regions => self.regions.clone(),
            Axis::Alliances => self.alliances.clone(),
            Axis::Holders => self.holders.clone(),
            Axis::Elements => own(&ELEMENTS),
            Axis::Stages => own(&STAGES),
            Axis::Products => own(&PRODUCTS),
            Axis::World => vec!["world".into()],
            Axis::One => vec!["all".into()],
            Axis::HhiTop => own(&["hhi", "top_share"]),
        }
    }

    /// Long-format CSV: `series,region,element,time,value`, one row per number (the
    /// `region` and `element` columns carry the series' row and column labels).
    pub fn to_csv(&self) -> String {
        let mut out = String::from("series,region,element,time,value\n");
        for (def, c) in self.series.cubes() {
            let (rows, cols) = (self.labels(def.rows), self.labels(def.cols));
            for a in 0..c.a {
                for b in 0..c.b {
                    for (s, t) in self.time.iter().enumerate() {
                        out.push_str(&format!(
                            "{},{},{},{t},{}\n",
                            def.name,
                            rows[a],
                            cols[b],
                            c.get(s, a, b)
                        ));
                    }
                }
            }
        }
        for (k, t) in self.time.iter().enumerate() {
            out.push_str(&format!(
                "mass_balance_error,world,all,{t},{}\n",
                self.series.mass_balance_error[k]
            ));
        }
        out
    }
}

/// Stage names of the concentration cube.
pub const STAGES: [&str; 4] = ["mining", "separation", "metal", "magnets"];

/// Traded products, in the model's product index order.
pub const PRODUCTS: [&str; 4] = ["concentrate", "oxide", "magnet", "metal"];

/// `{label_a: {label_b: [..steps..]}}`
struct Nested<'a> {
    cube: &'a Cube,
    labels_a: &'a [String],
    labels_b: &'a [String],
}

impl Serialize for Nested<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(self.cube.a))?;
        for a in 0..self.cube.a {
            m.serialize_entry(
                &self.labels_a[a],
                &Inner {
                    cube: self.cube,
                    a: Some(a),
                    b: None,
                    labels: self.labels_b,
                },
            )?;
        }
        m.end()
    }
}

/// `{label: [..steps..]}` over the columns of row `a`, or over the rows of column `b`.
struct Inner<'a> {
    cube: &'a Cube,
    a: Option<usize>,
    b: Option<usize>,
    labels: &'a [String],
}

impl Serialize for Inner<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let c = self.cube;
        match (self.a, self.b) {
            (Some(a), _) => {
                let mut m = ser.serialize_map(Some(c.b))?;
                for b in 0..c.b {
                    m.serialize_entry(&self.labels[b], &c.series(a, b))?;
                }
                m.end()
            }
            (None, b) => {
                let b = b.unwrap_or(0);
                let mut m = ser.serialize_map(Some(c.a))?;
                for a in 0..c.a {
                    m.serialize_entry(&self.labels[a], &c.series(a, b))?;
                }
                m.end()
            }
        }
    }
}

/// `series`: every entry of the table, shaped by its axes.
struct SeriesJson<'a>(&'a RunOutput);

impl Serialize for SeriesJson<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = ser.serialize_map(None)?;
        for (def, c) in r.series.cubes() {
            let (rows, cols) = (r.labels(def.rows), r.labels(def.cols));
            match (def.rows, def.cols) {
                (Axis::World, _) => m.serialize_entry(
                    def.name,
                    &Inner {
                        cube: c,
                        a: Some(0),
                        b: None,
                        labels: &cols,
                    },
                )?,
                (_, Axis::One) => m.serialize_entry(
                    def.name,
                    &Inner {
                        cube: c,
                        a: None,
                        b: Some(0),
                        labels: &rows,
                    },
                )?,
                (_, Axis::HhiTop) => {
                    for (b, key) in cols.iter().enumerate() {
                        m.serialize_entry(
                            key,
                            &Inner {
                                cube: c,
                                a: None,
                                b: Some(b),
                                labels: &rows,
                            },
                        )?;
                    }
                }
                _ => m.serialize_entry(
                    def.name,
                    &Nested {
                        cube: c,
                        labels_a: &rows,
                        labels_b: &cols,
                    },
                )?,
            }
        }
        m.end()
    }
}

struct Checks<'a>(&'a RunOutput);

impl Serialize for Checks<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut st = ser.serialize_struct("Checks", 2)?;
        st.serialize_field("max_mass_balance_error", &self.0.max_mass_balance_error())?;
        st.serialize_field("mass_balance_error", &self.0.series.mass_balance_error)?;
        st.end()
    }
}

impl Serialize for RunOutput {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut st = ser.serialize_struct("RunOutput", 11)?;
        st.serialize_field("schema_version", &OUTPUT_VERSION)?;
        st.serialize_field("scenario", &self.scenario_name)?;
        st.serialize_field("units", &Units)?;
        st.serialize_field("regions", &self.regions)?;
        st.serialize_field("alliances", &self.alliances)?;
        st.serialize_field("stockpile_holders", &self.holders)?;
        st.serialize_field("elements", &ELEMENTS)?;
        st.serialize_field("steps_per_year", &self.steps_per_year)?;
        st.serialize_field("time", &self.time)?;
        st.serialize_field("series", &SeriesJson(self))?;
        st.serialize_field("checks", &Checks(self))?;
        st.end()
    }
}

/// `units`: each series' unit, from the table.
struct Units;

impl Serialize for Units {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(SERIES.len()))?;
        for def in SERIES {
            m.serialize_entry(def.name, def.unit)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elements::N_EL;

    #[test]
    fn every_series_of_the_table_reaches_json_csv_and_the_fingerprint() {
        let mut out = RunOutput {
            regions: vec!["A".into(), "B".into()],
            alliances: vec!["x".into()],
            holders: vec!["h".into()],
            time: vec![2024.0, 2024.25],
            steps_per_year: 4,
            ..RunOutput::default()
        };
        out.series.reset(2, 2, 1, 1, N_EL);
        for (k, def) in SERIES.iter().enumerate() {
            let before = out.fingerprint();
            let (_, c) = &mut out.series.cubes_mut()[k];
            let last = c.data.len() - 1;
            c.data[last] = 0.5 + k as f64;
            assert_ne!(
                before,
                out.fingerprint(),
                "{} not in the fingerprint",
                def.name
            );
            let json: serde_json::Value = serde_json::from_str(&out.to_json()).unwrap();
            let key = if def.cols == Axis::HhiTop {
                "top_share"
            } else {
                def.name
            };
            let text = json["series"][key].to_string();
            assert!(
                text.contains(&format!("{}", 0.5 + k as f64)),
                "{} not in the JSON: {text}",
                def.name
            );
            assert_eq!(json["units"][def.name], def.unit);
            let csv = out.to_csv();
            assert!(
                csv.lines().any(|l| l.starts_with(&format!("{},", def.name))
                    && l.ends_with(&format!(",{}", 0.5 + k as f64))),
                "{} not in the CSV",
                def.name
            );
        }
    }
}
