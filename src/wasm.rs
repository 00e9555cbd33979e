//! The browser bindings: the only module that knows `JsValue`, the DOM and the canvas.
//!
//! It turns JavaScript values into the core's types (plain objects travel as JSON both
//! ways, so scenario errors keep their field paths), runs the
//! model, hands series back as `Float64Array`s, and draws charts on a canvas through
//! [`MeasuredCanvas`], a wrapper over plotters' `CanvasBackend` that measures text
//! with the canvas's own `measureText` (cached) instead of inserting a `<span>` into
//! the page for every label.

use crate::charts::{self, ChartStyle, ChartText, Layer, Line, Pass, PlotBox, YScale};
use crate::data::Dataset;
use crate::elements;
use crate::error::InputErrors;
use crate::output::{Axis, RunOutput};
use crate::presets;
use crate::scenario::Scenario;
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Route panics to the page (`globalThis.reePanic(message)`) and the console, so a
/// failure shows a message and a way to recover instead of a blank page.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&msg));
        let global = js_sys::global();
        if let Ok(f) = js_sys::Reflect::get(&global, &JsValue::from_str("reePanic")) {
            if let Some(f) = f.dyn_ref::<js_sys::Function>() {
                let _ = f.call1(&JsValue::NULL, &JsValue::from_str(&msg));
            }
        }
    }));
}

/// Panics on purpose: lets the browser tests check the recovery path.
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic() {
    panic!("deliberate panic requested by debugPanic()");
}

thread_local! {
    static TEXT_SIZES: RefCell<HashMap<String, (u32, u32)>> = RefCell::new(HashMap::new());
    /// Translations of the words the charts draw (axis descriptions, legend entries),
    /// by key; see [`set_chart_labels`].
    static CHART_LABELS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    /// Per chart id: what its cached background shows and where its plotting box is.
    static LAYERS: RefCell<HashMap<String, (String, PlotBox)>> = RefCell::new(HashMap::new());
}

/// Set the words the charts draw, for the page's language: `{key: text}` with keys
/// `t_reo_per_year`, `t_reo_usgs`, `own`,
/// `allies`, `others`, `demand`, `mining`, `separation`, `metal`, `magnets`. Missing
/// keys keep the English; texts are cut to 60 characters.
#[wasm_bindgen(js_name = setChartLabels)]
pub fn set_chart_labels(labels: JsValue) -> Result<(), JsError> {
    let map: std::collections::BTreeMap<String, String> = from_js(&labels, "labels")?;
    CHART_LABELS.with(|m| {
        let mut m = m.borrow_mut();
        m.clear();
        for (k, v) in map {
            m.insert(k, v.chars().take(60).collect());
        }
    });
    Ok(())
}

/// A chart word in the page's language (English when not set).
fn chart_label(key: &str, english: &str) -> String {
    CHART_LABELS
        .with(|m| m.borrow().get(key).cloned())
        .unwrap_or_else(|| english.to_string())
}

/// plotters' canvas backend with text measured by `measureText` and cached.
pub struct MeasuredCanvas {
    inner: CanvasBackend,
    ctx: CanvasRenderingContext2d,
}

impl MeasuredCanvas {
    pub fn new(canvas: HtmlCanvasElement) -> Result<MeasuredCanvas, JsError> {
        let ctx = canvas
            .get_context("2d")
            .map_err(|_| JsError::new("canvas has no 2d context"))?
            .ok_or_else(|| JsError::new("canvas has no 2d context"))?
            .dyn_into::<CanvasRenderingContext2d>()
            .map_err(|_| JsError::new("canvas context is not 2d"))?;
        let inner = CanvasBackend::with_canvas_object(canvas)
            .ok_or_else(|| JsError::new("cannot draw on this canvas"))?;
        Ok(MeasuredCanvas { inner, ctx })
    }
}

type CanvasErr = <CanvasBackend as DrawingBackend>::ErrorType;

impl DrawingBackend for MeasuredCanvas {
    type ErrorType = CanvasErr;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasErr>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasErr>> {
        self.inner.present()
    }
    fn draw_pixel(
        &mut self,
        p: BackendCoord,
        c: BackendColor,
    ) -> Result<(), DrawingErrorKind<CanvasErr>> {
        self.inner.draw_pixel(p, c)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        s: &S,
    ) -> Result<(), DrawingErrorKind<CanvasErr>> {
        self.inner.draw_line(a, b, s)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        s: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasErr>> {
        self.inner.draw_rect(a, b, s, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        s: &S,
    ) -> Result<(), DrawingErrorKind<CanvasErr>> {
        self.inner.draw_path(path, s)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        c: BackendCoord,
        r: u32,
        s: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasErr>> {
        self.inner.draw_circle(c, r, s, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        v: I,
        s: &S,
    ) -> Result<(), DrawingErrorKind<CanvasErr>> {
        self.inner.fill_polygon(v, s)
    }
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        s: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasErr>> {
        self.inner.draw_text(text, s, pos)
    }
    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        s: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasErr>> {
        let font = format!(
            "{} {}px {}",
            s.style().as_str(),
            s.size(),
            s.family().as_str()
        );
        let key = format!("{font}\u{0}{text}");
        if let Some(v) = TEXT_SIZES.with(|m| m.borrow().get(&key).copied()) {
            return Ok(v);
        }
        self.ctx.set_font(&font);
        let width = self
            .ctx
            .measure_text(text)
            .map(|m| m.width())
            .unwrap_or(text.len() as f64 * s.size() * 0.6);
        let v = (width.ceil() as u32, s.size().ceil() as u32);
        TEXT_SIZES.with(|m| m.borrow_mut().insert(key, v));
        Ok(v)
    }
}

fn js_err<E: std::fmt::Display>(e: E) -> JsError {
    JsError::new(&e.to_string())
}

/// A value to the page through JSON (`serde_json`, then `JSON.parse`): the same code
/// that writes the run's JSON export, instead of a second serializer
/// (serde-wasm-bindgen). Object members that are `null` (options that are `None`) are
/// left out, so they read as `undefined` in the page, as with serde-wasm-bindgen.
fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    let text = drop_null_members(&serde_json::to_string(v).map_err(js_err)?);
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("cannot read JSON"))
}

/// Compact JSON (as `serde_json::to_string` writes it) without its `"key":null`
/// object members; nulls in arrays stay.
fn drop_null_members(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Where the current member begins: just after its object's `{`, or at its `,`.
    let mut member = 0;
    let (mut in_string, mut escaped, mut skip_comma) = (false, false, false);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            ',' if skip_comma => {
                skip_comma = false;
                member = out.len();
                continue;
            }
            ',' => member = out.len(),
            'n' if out.ends_with(':') && rest.starts_with("ull") => {
                rest = &rest[3..];
                skip_comma = out[member..].starts_with('"');
                out.truncate(member);
                continue;
            }
            _ => {}
        }
        skip_comma = false;
        out.push(c);
        match c {
            '"' => in_string = true,
            '{' => member = out.len(),
            _ => {}
        }
    }
    out
}

/// A plain object from the page, read through `JSON.stringify` and `serde_json` (as
/// scenarios are); `what` names it in the error.
fn from_js<T: serde::de::DeserializeOwned>(v: &JsValue, what: &str) -> Result<T, JsError> {
    let text = js_sys::JSON::stringify(v)
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    serde_json::from_str(&text).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

#[derive(Serialize)]
struct BarJs {
    label: String,
    value: f64,
}

/// Base-year mine production by region: `[{label, value}]`, t REO per year.
#[wasm_bindgen(js_name = baseYearMining)]
pub fn base_year_mining() -> Result<JsValue, JsError> {
    let bars: Vec<BarJs> = charts::base_year_mining(Dataset::default_data())
        .into_iter()
        .map(|b| BarJs {
            label: b.label,
            value: b.value,
        })
        .collect();
    to_js(&bars)
}

/// Draw the base-year mine production chart on a canvas whose backing store the
/// caller has sized to CSS size × `dpr`.
#[wasm_bindgen(js_name = drawMiningChart)]
pub fn draw_mining_chart(
    canvas: HtmlCanvasElement,
    dpr: f64,
    projector: bool,
    title: &str,
) -> Result<(), JsError> {
    let backend = MeasuredCanvas::new(canvas)?;
    let area = backend.into_drawing_area();
    // Region names in the page's language: chart labels keyed by the English name.
    let mut bars = charts::base_year_mining(Dataset::default_data());
    for b in &mut bars {
        b.label = chart_label(&b.label, &b.label);
    }
    let style = chart_style(dpr, projector);
    charts::bar_chart(
        &area,
        title,
        &chart_label(
            "t_reo_usgs",
            "t REO per year (USGS MCS 2025, 2024 estimates)",
        ),
        &bars,
        &style,
    )
    .map_err(js_err)
}

#[derive(Serialize)]
struct PresetJs {
    id: String,
    name: String,
    description: String,
    question: String,
}

/// The presets: `[{id, name, description, question}]`.
#[wasm_bindgen(js_name = presetList)]
pub fn preset_list() -> Result<JsValue, JsError> {
    let data = Dataset::default_data();
    let mut out = Vec::new();
    for id in presets::ids() {
        let s = presets::load(id, data).map_err(js_err)?;
        out.push(PresetJs {
            id: id.to_string(),
            name: s.name,
            description: s.description,
            question: s.question,
        });
    }
    to_js(&out)
}

/// A preset's scenario as a plain object.
#[wasm_bindgen(js_name = presetScenario)]
pub fn preset_scenario(id: &str) -> Result<JsValue, JsError> {
    let s = presets::load(id, Dataset::default_data()).map_err(js_err)?;
    to_js(&s)
}

/// Region ids and names: `[{id, name}]`.
#[wasm_bindgen(js_name = regionList)]
pub fn region_list() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct R<'a> {
        id: &'a str,
        name: &'a str,
    }
    let d = Dataset::default_data();
    to_js(
        &d.regions
            .iter()
            .map(|r| R {
                id: &r.id,
                name: &r.name,
            })
            .collect::<Vec<_>>(),
    )
}

/// The data set's sources: `[{key, text}]`, each text tagged [V] verified,
/// [S] secondary or [U] unverified (an assumption).
#[wasm_bindgen(js_name = sourceList)]
pub fn source_list() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct S<'a> {
        key: &'a str,
        text: &'a str,
    }
    let d = Dataset::default_data();
    to_js(
        &d.sources
            .iter()
            .map(|(k, v)| S { key: k, text: v })
            .collect::<Vec<_>>(),
    )
}

/// What the element selector offers: groups first, then the 17 elements:
/// `[{id, label, members}]`.
#[wasm_bindgen(js_name = elementChoices)]
pub fn element_choices() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct C {
        id: String,
        label: String,
        members: Vec<&'static str>,
    }
    let mut out: Vec<C> = elements::GROUPS
        .iter()
        .map(|(id, name, m)| C {
            id: id.to_string(),
            label: format!("{id}: {name}"),
            members: m.to_vec(),
        })
        .collect();
    for (i, e) in elements::ELEMENTS.iter().enumerate() {
        out.push(C {
            id: e.to_string(),
            label: format!("{e}: {}", elements::ELEMENT_NAMES[i]),
            members: vec![e],
        });
    }
    to_js(&out)
}

fn element_set(element: &str) -> Result<Vec<usize>, JsError> {
    elements::members(element)
        .ok_or_else(|| JsError::new(&format!("element: unknown element or group {element:?}")))
}

/// A refusal of the reader's input as a JavaScript `Error`: its message is the English
/// text (every problem with its field path, as the command line says it) and its
/// `problems` are `[{path, code, params, reason}]`, so the page can say each one in the
/// reader's language (`err.<code>` in www/strings.js) and fall back to `reason`.
fn input_errors(e: InputErrors) -> JsValue {
    // Built with js_sys directly: a serde serializer for this one shape cost 10 KB of wasm.
    let set = |o: &js_sys::Object, k: &str, v: &str| {
        let _ = js_sys::Reflect::set(o, &JsValue::from_str(k), &JsValue::from_str(v));
    };
    let err = js_sys::Error::new(&e.to_string());
    let list = js_sys::Array::new();
    for x in &e.0 {
        let p = js_sys::Object::new();
        set(&p, "path", &x.path);
        set(&p, "code", x.code);
        set(&p, "reason", &x.reason);
        let params = js_sys::Object::new();
        for (k, v) in &x.params {
            set(&params, k, v);
        }
        let _ = js_sys::Reflect::set(&p, &JsValue::from_str("params"), &params);
        list.push(&p);
    }
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("problems"), &list);
    err.into()
}

/// How many times a scenario has been validated since the module started (tests check
/// that a change validates once).
#[wasm_bindgen(js_name = validationCount)]
pub fn validation_count() -> f64 {
    crate::scenario::validation_count() as f64
}

/// Parse a scenario given as a plain object (or a JSON string), without validating it.
fn parse_from_js(value: &JsValue) -> Result<Scenario, JsValue> {
    let text = match value.as_string() {
        Some(s) => s,
        None => js_sys::JSON::stringify(value)
            .map_err(|_| JsError::new("scenario: cannot be turned into JSON"))?
            .as_string()
            .unwrap_or_default(),
    };
    Scenario::parse(&text).map_err(input_errors)
}

/// Parse and validate a scenario given as a plain object (or a JSON string). The error
/// lists every problem with its field path (see [`input_errors`]).
fn scenario_from_js(value: &JsValue) -> Result<Scenario, JsValue> {
    let sc = parse_from_js(value)?;
    sc.validate(Dataset::default_data()).map_err(input_errors)?;
    Ok(sc)
}

/// Check a scenario without running it; returns the normalised scenario object.
#[wasm_bindgen(js_name = checkScenario)]
pub fn check_scenario(value: JsValue) -> Result<JsValue, JsValue> {
    Ok(to_js(&scenario_from_js(&value)?)?)
}

/// One model run, kept in wasm memory; the page reads the series it needs.
#[wasm_bindgen]
pub struct Run {
    out: RunOutput,
    /// The scenario of a run made without the supply-risk indicator
    /// ([`crate::model::run_with_risk`]), kept until something reads the risk (its
    /// series, the exports, the fingerprint): the run is then made again whole, so
    /// every number a caller sees is the native run's.
    risk_pending: Option<Box<crate::scenario::Scenario>>,
}

impl Run {
    fn new(out: RunOutput) -> Run {
        Run {
            out,
            risk_pending: None,
        }
    }

    /// The whole output, supply risk included. (The scenario ran once already, so it
    /// is valid: the error is for form.) Not inlined: one copy for its four callers.
    #[inline(never)]
    fn whole(&mut self) -> Result<&RunOutput, JsError> {
        if let Some(sc) = self.risk_pending.take() {
            self.out = crate::model::run_with_risk(Dataset::default_data(), &sc, true)
                .map_err(|e| JsError::new(&e.to_string()))?;
        }
        Ok(&self.out)
    }
}

/// Run a scenario (plain object or JSON string).
#[wasm_bindgen(js_name = runScenario)]
pub fn run_scenario(value: JsValue) -> Result<Run, JsValue> {
    // The run validates (once).
    let s = parse_from_js(&value)?;
    let out = crate::model::run(Dataset::default_data(), &s).map_err(input_errors)?;
    Ok(Run::new(out))
}

#[wasm_bindgen]
impl Run {
    /// The row labels of a series (regions, alliances, stockpile holders, stages…), or
    /// none for an unknown name.
    pub fn rows(&self, name: &str) -> Vec<String> {
        self.out
            .series
            .get(name)
            .map(|(def, _)| self.out.labels(def.rows))
            .unwrap_or_default()
    }

    /// Decimal year at the start of each step.
    pub fn time(&self) -> js_sys::Float64Array {
        js_sys::Float64Array::from(&self.out.time[..])
    }

    /// A series over time by its name in the output's table of series (`SERIES`):
    /// `row` is a region, alliance or stage id as the series' rows are (`world` for
    /// world series; `*` sums every row, as a `column` of `*` every column); `column`
    /// an element or element group (`NdPr`, `DyTb`, `LREE`, `HREE`: tonnes summed,
    /// availability as summed supply over summed demand, supply risk as the
    /// demand-weighted mean), a supplier region, a product, or `hhi`/`top_share`, as
    /// its columns are (ignored for one-column series).
    pub fn series(
        &mut self,
        name: &str,
        row: &str,
        column: &str,
    ) -> Result<js_sys::Float64Array, JsError> {
        if name == "supply_risk" {
            self.whole()?;
        }
        let (def, c) = self
            .out
            .series
            .get(name)
            .ok_or_else(|| JsError::new(&format!("series: unknown name {name:?}")))?;
        let find = |axis: Axis, id: &str, what: &str| -> Result<usize, JsError> {
            self.out
                .labels(axis)
                .iter()
                .position(|l| l == id)
                .ok_or_else(|| JsError::new(&format!("{what}: unknown {id:?} for series {name}")))
        };
        if column == "*" && def.cols != Axis::One {
            // Every column summed (a stage's world capacity, say).
            let mut sum = vec![0.0; self.out.n_steps()];
            for c in self.out.labels(def.cols) {
                let s = self.series(name, row, &c)?.to_vec();
                sum.iter_mut().zip(s).for_each(|(a, b)| *a += b);
            }
            return Ok(js_sys::Float64Array::from(&sum[..]));
        }
        if row == "*" {
            // Every row summed (the world's demand, say).
            let mut sum = vec![0.0; self.out.n_steps()];
            for r in self.out.labels(def.rows) {
                let s = self.series(name, &r, column)?.to_vec();
                sum.iter_mut().zip(s).for_each(|(a, b)| *a += b);
            }
            return Ok(js_sys::Float64Array::from(&sum[..]));
        }
        let r = find(def.rows, row, "row")?;
        let values = match def.cols {
            Axis::Elements if name == "availability" && def.rows == Axis::Regions => {
                self.out.availability_of(r, &element_set(column)?)
            }
            Axis::Elements if name == "supply_risk" => {
                self.out.supply_risk_of(r, &element_set(column)?)
            }
            Axis::Elements => c.series_sum(r, &element_set(column)?),
            Axis::One => c.series(r, 0),
            axis => c.series(r, find(axis, column, "column")?),
        };
        Ok(js_sys::Float64Array::from(&values[..]))
    }

    #[wasm_bindgen(js_name = maxMassBalanceError)]
    pub fn max_mass_balance_error(&self) -> f64 {
        self.out.max_mass_balance_error()
    }

    /// Hex fingerprint of every number of the run (equal natively and in wasm).
    pub fn fingerprint(&mut self) -> Result<String, JsError> {
        Ok(format!("{:016x}", self.whole()?.fingerprint()))
    }

    /// The whole run output as JSON text (for export).
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&mut self) -> Result<String, JsError> {
        Ok(self.whole()?.to_json())
    }

    /// Long-format CSV of every series (for export).
    #[wasm_bindgen(js_name = toCsv)]
    pub fn to_csv(&mut self) -> Result<String, JsError> {
        Ok(self.whole()?.to_csv())
    }
}

/// Monte Carlo bands computed in chunks, so the page never waits long: `new
/// MonteCarlo(scenario, seed)`, then `step(k)` as often as the page likes (each call
/// makes `k` more runs on the page's thread: about 5-8 ms a run), `band(...)` to read
/// the current percentiles; dropping it (`free()`) cancels. The same scenario and seed
/// give the same bands as `ree run --runs N --seed S` natively.
#[wasm_bindgen(js_name = MonteCarlo)]
pub struct MonteCarloJs {
    mc: crate::model::montecarlo::MonteCarlo,
    /// The bands of `bands.runs` runs, recomputed when more runs were made.
    bands: Option<crate::model::montecarlo::Bands>,
}

#[wasm_bindgen(js_class = MonteCarlo)]
impl MonteCarloJs {
    /// Validate the scenario (plain object or JSON string); `seed` is a whole number
    /// from 0 to 2^53. No run is made yet.
    #[wasm_bindgen(constructor)]
    pub fn new(scenario: JsValue, seed: f64) -> Result<MonteCarloJs, JsValue> {
        if !(seed.is_finite() && seed >= 0.0 && seed.fract() == 0.0 && seed <= 9007199254740992.0) {
            return Err(JsError::new(&format!(
                "seed: must be a whole number from 0 to 2^53, got {seed}"
            ))
            .into());
        }
        let sc = scenario_from_js(&scenario)?;
        let mc =
            crate::model::montecarlo::MonteCarlo::new(Dataset::default_data(), &sc, seed as u64)
                .map_err(input_errors)?;
        Ok(MonteCarloJs { mc, bands: None })
    }

    /// Make `k` more runs (none beyond `maxRuns()`); returns the runs made so far.
    pub fn step(&mut self, k: u32) -> u32 {
        self.mc.step(k as usize) as u32
    }

    pub fn runs(&self) -> u32 {
        self.mc.runs() as u32
    }

    /// The most runs this scenario may have.
    #[wasm_bindgen(js_name = maxRuns)]
    pub fn max_runs(&self) -> u32 {
        self.mc.max_runs() as u32
    }

    /// Decimal year at the start of each step.
    pub fn time(&self) -> js_sys::Float64Array {
        js_sys::Float64Array::from(&self.mc.time()[..])
    }

    /// One band over time: `percentile` `p5`, `p50` or `p95`; `name` `availability`
    /// (`row` a region id) or `price` (`row` `world`); `element` one element symbol
    /// (groups are not banded: a group's band is not the sum of its elements' bands).
    pub fn band(
        &mut self,
        percentile: &str,
        name: &str,
        row: &str,
        element: &str,
    ) -> Result<js_sys::Float64Array, JsError> {
        use crate::model::montecarlo::PERCENTILES;
        let k = PERCENTILES
            .iter()
            .position(|(p, _)| *p == percentile)
            .ok_or_else(|| {
                JsError::new(&format!(
                    "percentile: must be p5, p50 or p95, got {percentile:?}"
                ))
            })?;
        let el = elements::index_of(element)
            .ok_or_else(|| JsError::new(&format!("element: unknown element {element:?}")))?;
        let runs = self.mc.runs();
        if self.bands.as_ref().map(|b| b.runs) != Some(runs) {
            self.bands = Some(self.mc.bands());
        }
        let band = &self.bands.as_ref().expect("just computed").p[k];
        let values = match name {
            "availability" => {
                let r = self
                    .mc
                    .regions()
                    .iter()
                    .position(|x| x == row)
                    .ok_or_else(|| JsError::new(&format!("row: unknown region {row:?}")))?;
                band.availability.series(r, el)
            }
            "price" if row == "world" => band.price.series(0, el),
            "price" => return Err(JsError::new("row: price bands have one row, \"world\"")),
            _ => {
                return Err(JsError::new(&format!(
                    "name: must be availability or price, got {name:?}"
                )))
            }
        };
        Ok(js_sys::Float64Array::from(&values[..]))
    }

    /// The bands as JSON (`{runs, seed, p5: {availability, price}, p50, p95}`, nested as
    /// the run's series).
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&mut self) -> String {
        if self.bands.as_ref().map(|b| b.runs) != Some(self.mc.runs()) {
            self.bands = Some(self.mc.bands());
        }
        let regions = self.mc.regions().to_vec();
        self.bands
            .as_ref()
            .expect("just computed")
            .to_json(&regions)
    }
}

/// Chart style for a canvas at `dpr` (clamped to a sane range).
fn chart_style(dpr: f64, projector: bool) -> ChartStyle {
    ChartStyle {
        scale: dpr.clamp(0.5, 4.0),
        projector,
    }
}

/// Draw where one region's supply of one element came from (own, allies, others),
/// stacked, with its demand as a line: the gap is the shortfall.
#[wasm_bindgen(js_name = drawSourcing)]
pub fn draw_sourcing(
    canvas: HtmlCanvasElement,
    run: &Run,
    region: &str,
    element: &str,
    dpr: f64,
    projector: bool,
    title: &str,
) -> Result<(), JsError> {
    let r = run
        .out
        .region_index(region)
        .ok_or_else(|| JsError::new(&format!("region: unknown {region:?}")))?;
    let e = element_set(element)?;
    let s = &run.out.series;
    let layers = [
        Layer {
            label: chart_label("own", "own"),
            values: s.source_own.series_sum(r, &e),
            color: 0,
        },
        Layer {
            label: chart_label("allies", "allies"),
            values: s.source_allies.series_sum(r, &e),
            color: 2,
        },
        Layer {
            label: chart_label("others", "others"),
            values: s.source_others.series_sum(r, &e),
            color: 5,
        },
    ];
    let demand = s.demand.series_sum(r, &e);
    let demand_label = chart_label("demand", "demand");
    let area = MeasuredCanvas::new(canvas)?.into_drawing_area();
    let style = chart_style(dpr, projector);
    charts::stacked_area_chart(
        &area,
        title,
        &chart_label("t_reo_per_year", "t REO per year"),
        &run.out.time,
        &layers,
        Some((demand_label.as_str(), &demand)),
        &style,
    )
    .map_err(js_err)
}

#[derive(Serialize)]
struct InputJs {
    id: &'static str,
    kind: crate::inputs::Kind,
    label: &'static str,
    unit: &'static str,
    min: f64,
    max: f64,
    step: f64,
    /// The value in the given scenario (the preset's, for levers).
    default: f64,
    /// Whether moving it changes anything in this scenario.
    applies: bool,
    description: &'static str,
}

/// The input spec, with defaults read from a scenario (a preset): `[{id, kind, label,
/// unit, min, max, step, default, applies, description}]`.
#[wasm_bindgen(js_name = inputSpec)]
pub fn input_spec(scenario: JsValue) -> Result<JsValue, JsValue> {
    let sc = scenario_from_js(&scenario)?;
    let list: Vec<InputJs> = crate::inputs::INPUTS
        .iter()
        .map(|s| InputJs {
            id: s.id,
            kind: s.kind,
            label: s.label,
            unit: s.unit,
            min: s.min,
            max: s.max,
            step: s.step,
            default: s.value_in(&sc),
            applies: s.applies_to(&sc),
            description: s.description,
        })
        .collect();
    Ok(to_js(&list)?)
}

/// Apply input values (`{id: value}`) to a scenario and return the new scenario. An
/// unknown id or a value out of range is refused, naming the input and the reason.
#[wasm_bindgen(js_name = applyInputs)]
pub fn apply_inputs(scenario: JsValue, values: JsValue) -> Result<JsValue, JsValue> {
    let mut sc = parse_from_js(&scenario)?;
    let values: std::collections::BTreeMap<String, f64> = from_js(&values, "inputs")?;
    for (id, v) in &values {
        crate::inputs::apply(&mut sc, id, *v).map_err(|e| input_errors(e.into()))?;
    }
    sc.validate(Dataset::default_data()).map_err(input_errors)?;
    Ok(to_js(&sc)?)
}

/// Apply input values to a scenario and run it: one parse and one validation of the
/// scenario per change (the page's path on every slider move; the run validates the
/// scenario with the inputs applied). With `risk` false the supply-risk indicator
/// waits until something reads it (see [`Run`]): a quarter of the run's work saved
/// while the page shows no supply-risk chart.
#[wasm_bindgen(js_name = runWithInputs)]
pub fn run_with_inputs(scenario: JsValue, values: JsValue, risk: bool) -> Result<Run, JsValue> {
    let mut sc = parse_from_js(&scenario)?;
    let values: std::collections::BTreeMap<String, f64> = from_js(&values, "inputs")?;
    for (id, v) in &values {
        crate::inputs::apply(&mut sc, id, *v).map_err(|e| input_errors(e.into()))?;
    }
    let out =
        crate::model::run_with_risk(Dataset::default_data(), &sc, risk).map_err(input_errors)?;
    Ok(Run {
        out,
        risk_pending: (!risk).then(|| Box::new(sc)),
    })
}

#[derive(Serialize)]
struct ExplainJs {
    base: f64,
    effects: Vec<crate::sensitivity::Effect>,
}

/// "Why did this change?" for `region`'s availability of `element` (or group) in
/// `year`: every applicable input nudged down and up by a tenth of its range, one model
/// run per [`Explainer::step`], so the page can work in idle moments and drop it when
/// the scenario changes.
#[wasm_bindgen]
pub struct Explainer {
    inner: crate::sensitivity::Explainer,
}

#[wasm_bindgen]
impl Explainer {
    #[wasm_bindgen(constructor)]
    pub fn new(
        scenario: JsValue,
        region: &str,
        element: &str,
        year: f64,
    ) -> Result<Explainer, JsValue> {
        if !year.is_finite() {
            return Err(JsError::new("year: must be a finite number").into());
        }
        // sensitivity::Explainer validates.
        let sc = parse_from_js(&scenario)?;
        let inner = crate::sensitivity::Explainer::new(
            Dataset::default_data(),
            &sc,
            region,
            &element_set(element)?,
            year,
        )
        .map_err(input_errors)?;
        Ok(Explainer { inner })
    }

    /// One model run; false once the ranking is complete.
    pub fn step(&mut self) -> Result<bool, JsError> {
        self.inner.step(Dataset::default_data()).map_err(js_err)
    }

    /// `{base, effects: [{id, label, unit, value, value_low, value_high, result_low,
    /// result_high}]}`, largest swing first.
    pub fn result(&self) -> Result<JsValue, JsError> {
        let (base, effects) = self.inner.result();
        to_js(&ExplainJs { base, effects })
    }
}

/// The unit of every series of the table: `[name, unit, name, unit, …]`.
#[wasm_bindgen(js_name = seriesUnits)]
pub fn series_units() -> Vec<String> {
    crate::output::SERIES
        .iter()
        .flat_map(|d| [d.name.to_string(), d.unit.to_string()])
        .collect()
}

struct LinesOpts {
    id: String,
    title: String,
    unit: String,
    dashed: String,
    scale: String,
    labels: Vec<String>,
    colors: Vec<usize>,
}

/// Draw lines over time (`text`: the chart's id, under which its cached background is
/// kept, title, unit, the dashed lines' legend entry, and the scale: `percent`,
/// `linear`, `log`, or `auto`, log when the spread is wide): for each of `labels`, the run's values (solid) and the
/// comparison run's (dashed), `values` holding, line after line, `time.len()` values
/// then `base_time.len()` values (NaN: no point). What does not change between frames
/// (title, axes, grid, legend) is drawn once into `layer`, an offscreen canvas, and
/// copied; only the lines are drawn each time. `bands` (optional: Monte Carlo bands)
/// holds, line after line, p5, p50 and p95 over `time` (`3 × time.len()` values a line,
/// NaN where a line has none), drawn shaded under the lines. Returns `[px0, px1, py0,
/// py1, t0, t1, y0, y1, log]` (backing-store pixels, years, the y range; log 1 or 0).
#[wasm_bindgen(js_name = drawLines)]
#[allow(clippy::too_many_arguments)]
pub fn draw_lines(
    canvas: HtmlCanvasElement,
    layer: HtmlCanvasElement,
    text: Vec<String>,
    labels: Vec<String>,
    colors: Vec<u32>,
    time: &[f64],
    base_time: &[f64],
    values: &[f64],
    dpr: f64,
    projector: bool,
    bands: Option<Vec<f64>>,
) -> Result<Vec<f64>, JsError> {
    let [id, title, unit, dashed, scale] = <[String; 5]>::try_from(text)
        .map_err(|_| JsError::new("drawLines: text is [id, title, unit, dashed, scale]"))?;
    let o = LinesOpts {
        id,
        title,
        unit,
        dashed,
        scale,
        labels,
        colors: colors.into_iter().map(|c| c as usize).collect(),
    };
    let (n, nb) = (time.len(), base_time.len());
    if n == 0 || o.colors.len() != o.labels.len() || values.len() != o.labels.len() * (n + nb) {
        return Err(JsError::new(
            "drawLines: values do not match the lines and times",
        ));
    }
    let mut lines = Vec::new();
    for (k, label) in o.labels.iter().enumerate() {
        let at = k * (n + nb);
        for (t, v, dashed) in [
            (base_time, &values[at + n..at + n + nb], true),
            (time, &values[at..at + n], false),
        ] {
            lines.push(Line {
                label: label.chars().take(60).collect(),
                points: t.iter().copied().zip(v.iter().copied()).collect(),
                color: o.colors[k],
                dashed,
            });
        }
    }
    let step = if n > 1 { time[1] - time[0] } else { 1.0 };
    let x = (time[0], time[n - 1] + step);
    let scale = match o.scale.as_str() {
        "percent" => Some(YScale::Percent),
        "linear" => Some(YScale::Linear),
        "log" => Some(YScale::Log),
        _ => None,
    };
    let n_lines = o.labels.len();
    let bands: Vec<charts::Band> = match bands.filter(|b| !b.is_empty()) {
        None => Vec::new(),
        Some(b) if b.len() == n_lines * 3 * n => b
            .chunks(3 * n)
            .zip(&o.colors)
            .filter(|(v, _)| v.iter().any(|x| x.is_finite()))
            .map(|(v, &color)| charts::Band {
                time: time.to_vec(),
                lo: v[..n].to_vec(),
                mid: v[n..2 * n].to_vec(),
                hi: v[2 * n..].to_vec(),
                color,
            })
            .collect(),
        Some(_) => {
            return Err(JsError::new(
                "drawLines: bands are p5, p50 and p95 over time for every line",
            ))
        }
    };
    // The axis holds the bands too (on a fixed percent axis they are clamped).
    let (ranges, scale) = if bands.is_empty() {
        charts::auto_ranges(&lines, x, scale)
    } else {
        let mut ranged = lines.clone();
        for b in &bands {
            for v in [&b.lo, &b.hi] {
                ranged.push(Line {
                    label: String::new(),
                    points: time.iter().copied().zip(v.iter().copied()).collect(),
                    color: b.color,
                    dashed: false,
                });
            }
        }
        charts::auto_ranges(&ranged, x, scale)
    };
    let style = chart_style(dpr, projector);
    let text = ChartText {
        title: &o.title,
        y_desc: &o.unit,
        baseline_label: &o.dashed,
    };
    let (w, h) = (canvas.width(), canvas.height());
    let mut key = format!(
        "{w} {h} {dpr} {projector} {} {} {} {} {} {} {} {}",
        o.title, o.unit, o.dashed, ranges.x.0, ranges.x.1, ranges.y.0, ranges.y.1, scale as u8
    );
    for (l, c) in o.labels.iter().zip(&o.colors) {
        key.push_str(&format!("\n{c} {l}"));
    }
    let cached = LAYERS.with(|m| {
        m.borrow()
            .get(&o.id)
            .filter(|(k, _)| *k == key)
            .map(|(_, b)| *b)
    });
    let plot = match cached {
        Some(b) if layer.width() == w && layer.height() == h => b,
        _ => {
            layer.set_width(w);
            layer.set_height(h);
            let area = MeasuredCanvas::new(layer.clone())?.into_drawing_area();
            let b = charts::lines_chart(
                &area,
                &text,
                &lines,
                ranges,
                scale,
                Pass::Background,
                &style,
            )
            .map_err(js_err)?;
            LAYERS.with(|m| m.borrow_mut().insert(o.id.clone(), (key, b)));
            b
        }
    };
    let backend = MeasuredCanvas::new(canvas)?;
    backend
        .ctx
        .draw_image_with_html_canvas_element(&layer, 0.0, 0.0)
        .map_err(|_| JsError::new("drawLines: cannot copy the chart's background"))?;
    let area = backend.into_drawing_area();
    if !bands.is_empty() {
        charts::bands_layer(&area, plot, &bands, scale, &style).map_err(js_err)?;
    }
    charts::lines_chart(
        &area,
        &text,
        &lines,
        ranges,
        scale,
        Pass::Series(plot),
        &style,
    )
    .map_err(js_err)?;
    Ok(vec![
        plot.px.0 as f64,
        plot.px.1 as f64,
        plot.py.0 as f64,
        plot.py.1 as f64,
        ranges.x.0,
        ranges.x.1,
        ranges.y.0,
        ranges.y.1,
        f64::from(u8::from(scale == YScale::Log)),
    ])
}

/// Concentration series: `stage` is mining, separation, metal or magnets; `measure` is `hhi`
/// or `top_share`.
#[wasm_bindgen(js_name = concentrationSeries)]
pub fn concentration_series(
    run: &Run,
    stage: &str,
    measure: &str,
) -> Result<js_sys::Float64Array, JsError> {
    let k = crate::output::STAGES
        .iter()
        .position(|s| *s == stage)
        .ok_or_else(|| JsError::new(&format!("stage: unknown {stage:?}")))?;
    let m = match measure {
        "hhi" => 0,
        "top_share" => 1,
        _ => {
            return Err(JsError::new(&format!(
                "measure: unknown {measure:?} (hhi or top_share)"
            )))
        }
    };
    Ok(js_sys::Float64Array::from(
        &run.out.series.concentration.series(k, m)[..],
    ))
}
