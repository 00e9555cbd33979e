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
}

impl Cube {
    pub fn new(steps: usize, a: usize, b: usize) -> Cube {
        Cube {
            steps,
            a,
            b,
            data: vec![0.0; steps * a * b],
        }
    }
    /// Zero the cube for a new run, reusing its memory when the shape is unchanged.
    pub fn reset(&mut self, steps: usize, a: usize, b: usize) {
        if self.steps == steps && self.a == a && self.b == b {
            self.data.fill(0.0);
        } else {
            *self = Cube::new(steps, a, b);
        }
    }
    #[inline]
    pub fn idx(&self, s: usize, a: usize, b: usize) -> usize {
        (s * self.a + a) * self.b + b
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
    /// Every value of one step, `[a][b]` row-major: the hot loops of a step work on
    /// this slice instead of indexing the whole cube.
    #[inline]
    pub fn step_mut(&mut self, s: usize) -> &mut [f64] {
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

/// Region-by-element series for every step.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Share of demand met, 0..1 (1 where there is no demand).
    pub availability: Cube,
    /// t REO per year (magnets counted by their element content).
    pub demand: Cube,
    pub supplied: Cube,
    /// Where the supplied tonnes came from: the region itself, its allies, others.
    pub source_own: Cube,
    pub source_allies: Cube,
    pub source_others: Cube,
    pub mine_output: Cube,
    pub separation_output: Cube,
    /// t REO per year that reached a region's end users from each supplier region
    /// (the separator for oxides, the magnet maker for magnets): `[step][region][supplier]`.
    pub supplied_by: Cube,
    /// Separated oxides shipped to other regions (t REO per year), by exporter and
    /// element: the series customs statistics report.
    pub oxide_exports: Cube,
    /// t REO per year reduced to metal and alloy for magnets, by region:
    /// `[step][region][0]`.
    pub metal_output: Cube,
    /// t magnets per year (all types), by region: `[step][region][0]`.
    pub magnet_output: Cube,
    /// Alliance by element: share of the members' demand met.
    pub alliance_availability: Cube,
    /// World stocks at the end of each step (t REO): unsold separated oxides by element
    /// (`[step][0][element]`), the balance problem's surplus.
    pub oxide_stock: Cube,
    /// World stock of unprocessed concentrate (t REO), `[step][0][element]`.
    pub concentrate_stock: Cube,
    /// Herfindahl–Hirschman index (0..1) and top-region share of each stage:
    /// `[step][stage][0 = hhi, 1 = top share]`, stages mining, separation, metal, magnets
    /// ([`STAGES`]).
    pub concentration: Cube,
    /// Relative mass-balance error per step (max over elements).
    pub mass_balance_error: Vec<f64>,
}

impl Series {
    /// Zero every series for a run of `steps` steps, `n` regions and `na` alliances,
    /// reusing memory where the shapes match (so repeated runs do not allocate).
    pub fn reset(&mut self, steps: usize, n: usize, na: usize, n_el: usize) {
        for c in [
            &mut self.availability,
            &mut self.demand,
            &mut self.supplied,
            &mut self.source_own,
            &mut self.source_allies,
            &mut self.source_others,
            &mut self.mine_output,
            &mut self.separation_output,
            &mut self.oxide_exports,
        ] {
            c.reset(steps, n, n_el);
        }
        self.supplied_by.reset(steps, n, n);
        self.metal_output.reset(steps, n, 1);
        self.magnet_output.reset(steps, n, 1);
        self.alliance_availability.reset(steps, na, n_el);
        self.oxide_stock.reset(steps, 1, n_el);
        self.concentrate_stock.reset(steps, 1, n_el);
        self.concentration.reset(steps, STAGES.len(), 2);
        self.mass_balance_error.clear();
        self.mass_balance_error.resize(steps, 0.0);
    }
}

/// Everything a run produces.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunOutput {
    pub scenario_name: String,
    pub regions: Vec<String>,
    pub alliances: Vec<String>,
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

    pub fn max_mass_balance_error(&self) -> f64 {
        self.series
            .mass_balance_error
            .iter()
            .fold(0.0, |a, b| a.max(*b))
    }

    /// FNV-1a 64 over the bits of every number of every series, in a fixed order: a
    /// cheap check that two runs (native and wasm, say) gave identical numbers.
    pub fn fingerprint(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |x: f64| {
            for b in x.to_bits().to_le_bytes() {
                h ^= b as u64;
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        let s = &self.series;
        for c in [
            &s.availability,
            &s.demand,
            &s.supplied,
            &s.source_own,
            &s.source_allies,
            &s.source_others,
            &s.mine_output,
            &s.separation_output,
            &s.oxide_exports,
            &s.supplied_by,
            &s.metal_output,
            &s.magnet_output,
            &s.alliance_availability,
            &s.oxide_stock,
            &s.concentrate_stock,
            &s.concentration,
        ] {
            c.data.iter().for_each(|x| eat(*x));
        }
        self.time.iter().for_each(|x| eat(*x));
        h
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Long-format CSV: `series,region,element,time,value`, one row per number.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("series,region,element,time,value\n");
        let mut cube = |name: &str, c: &Cube, labels_a: &[String], labels_b: &[&str]| {
            for a in 0..c.a {
                for b in 0..c.b {
                    for (s, t) in self.time.iter().enumerate() {
                        out.push_str(&format!(
                            "{name},{},{},{t},{}\n",
                            labels_a[a],
                            labels_b[b],
                            c.get(s, a, b)
                        ));
                    }
                }
            }
        };
        let s = &self.series;
        let world = vec!["world".to_string()];
        let stages: Vec<String> = STAGES.iter().map(|x| x.to_string()).collect();
        for (name, c) in self.region_element_cubes() {
            cube(name, c, &self.regions, &ELEMENTS);
        }
        let ids: Vec<&str> = self.regions.iter().map(String::as_str).collect();
        cube("supplied_by", &s.supplied_by, &self.regions, &ids);
        cube("metal_output", &s.metal_output, &self.regions, &["metal"]);
        cube(
            "magnet_output",
            &s.magnet_output,
            &self.regions,
            &["magnets"],
        );
        cube(
            "alliance_availability",
            &s.alliance_availability,
            &self.alliances,
            &ELEMENTS,
        );
        cube("oxide_stock", &s.oxide_stock, &world, &ELEMENTS);
        cube("concentrate_stock", &s.concentrate_stock, &world, &ELEMENTS);
        cube(
            "concentration",
            &s.concentration,
            &stages,
            &["hhi", "top_share"],
        );
        for (k, t) in self.time.iter().enumerate() {
            out.push_str(&format!(
                "mass_balance_error,world,all,{t},{}\n",
                s.mass_balance_error[k]
            ));
        }
        out
    }

    fn region_element_cubes(&self) -> [(&'static str, &Cube); 9] {
        let s = &self.series;
        [
            ("availability", &s.availability),
            ("demand", &s.demand),
            ("supplied", &s.supplied),
            ("source_own", &s.source_own),
            ("source_allies", &s.source_allies),
            ("source_others", &s.source_others),
            ("mine_output", &s.mine_output),
            ("separation_output", &s.separation_output),
            ("oxide_exports", &s.oxide_exports),
        ]
    }
}

/// Stage names of the concentration cube.
pub const STAGES: [&str; 4] = ["mining", "separation", "metal", "magnets"];

/// `{label_a: {label_b: [..steps..]}}`
struct Nested<'a> {
    cube: &'a Cube,
    labels_a: &'a [String],
    labels_b: &'a [&'a str],
}

impl Serialize for Nested<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(self.cube.a))?;
        for a in 0..self.cube.a {
            m.serialize_entry(
                &self.labels_a[a],
                &Inner {
                    cube: self.cube,
                    a,
                    labels_b: self.labels_b,
                },
            )?;
        }
        m.end()
    }
}

struct Inner<'a> {
    cube: &'a Cube,
    a: usize,
    labels_b: &'a [&'a str],
}

impl Serialize for Inner<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(self.cube.b))?;
        for b in 0..self.cube.b {
            m.serialize_entry(self.labels_b[b], &self.cube.series(self.a, b))?;
        }
        m.end()
    }
}

/// `{label_a: [..steps..]}` for cubes with one column.
struct Flat<'a> {
    cube: &'a Cube,
    labels_a: &'a [String],
    b: usize,
}

impl Serialize for Flat<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(self.cube.a))?;
        for a in 0..self.cube.a {
            m.serialize_entry(&self.labels_a[a], &self.cube.series(a, self.b))?;
        }
        m.end()
    }
}

struct SeriesJson<'a>(&'a RunOutput);

impl Serialize for SeriesJson<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let s = &r.series;
        let mut m = ser.serialize_map(None)?;
        for (name, c) in r.region_element_cubes() {
            m.serialize_entry(
                name,
                &Nested {
                    cube: c,
                    labels_a: &r.regions,
                    labels_b: &ELEMENTS,
                },
            )?;
        }
        let shortfall = Cube {
            data: s
                .demand
                .data
                .iter()
                .zip(&s.supplied.data)
                .map(|(d, x)| (d - x).max(0.0))
                .collect(),
            ..s.demand.clone()
        };
        m.serialize_entry(
            "shortfall",
            &Nested {
                cube: &shortfall,
                labels_a: &r.regions,
                labels_b: &ELEMENTS,
            },
        )?;
        let ids: Vec<&str> = r.regions.iter().map(String::as_str).collect();
        m.serialize_entry(
            "supplied_by",
            &Nested {
                cube: &s.supplied_by,
                labels_a: &r.regions,
                labels_b: &ids,
            },
        )?;
        m.serialize_entry(
            "metal_output",
            &Flat {
                cube: &s.metal_output,
                labels_a: &r.regions,
                b: 0,
            },
        )?;
        m.serialize_entry(
            "magnet_output",
            &Flat {
                cube: &s.magnet_output,
                labels_a: &r.regions,
                b: 0,
            },
        )?;
        m.serialize_entry(
            "alliance_availability",
            &Nested {
                cube: &s.alliance_availability,
                labels_a: &r.alliances,
                labels_b: &ELEMENTS,
            },
        )?;
        let el: Vec<String> = ELEMENTS.iter().map(|e| e.to_string()).collect();
        m.serialize_entry(
            "oxide_stock",
            &Flat2 {
                cube: &s.oxide_stock,
                labels_b: &el,
            },
        )?;
        m.serialize_entry(
            "concentrate_stock",
            &Flat2 {
                cube: &s.concentrate_stock,
                labels_b: &el,
            },
        )?;
        let stages: Vec<String> = STAGES.iter().map(|x| x.to_string()).collect();
        m.serialize_entry(
            "hhi",
            &Flat {
                cube: &s.concentration,
                labels_a: &stages,
                b: 0,
            },
        )?;
        m.serialize_entry(
            "top_share",
            &Flat {
                cube: &s.concentration,
                labels_a: &stages,
                b: 1,
            },
        )?;
        m.end()
    }
}

/// `{label_b: [..steps..]}` for cubes with one row.
struct Flat2<'a> {
    cube: &'a Cube,
    labels_b: &'a [String],
}

impl Serialize for Flat2<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(self.cube.b))?;
        for b in 0..self.cube.b {
            m.serialize_entry(&self.labels_b[b], &self.cube.series(0, b))?;
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
        let mut st = ser.serialize_struct("RunOutput", 10)?;
        st.serialize_field("schema_version", &OUTPUT_VERSION)?;
        st.serialize_field("scenario", &self.scenario_name)?;
        st.serialize_field("units", &Units)?;
        st.serialize_field("regions", &self.regions)?;
        st.serialize_field("alliances", &self.alliances)?;
        st.serialize_field("elements", &ELEMENTS)?;
        st.serialize_field("steps_per_year", &self.steps_per_year)?;
        st.serialize_field("time", &self.time)?;
        st.serialize_field("series", &SeriesJson(self))?;
        st.serialize_field("checks", &Checks(self))?;
        st.end()
    }
}

struct Units;

impl Serialize for Units {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("availability", "share of demand met, 0..1")?;
        m.serialize_entry("flows", "t REO per year (magnets by element content)")?;
        m.serialize_entry("metal_output", "t REO per year reduced to metal and alloy")?;
        m.serialize_entry("magnet_output", "t magnets per year")?;
        m.serialize_entry("stocks", "t REO at the end of the step")?;
        m.serialize_entry("hhi", "Herfindahl-Hirschman index on shares 0..1")?;
        m.end()
    }
}
