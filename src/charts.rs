//! Charts, generic over plotters' `DrawingBackend`.
//!
//! The same function draws to an SVG string in native tests and to a `<canvas>` in the
//! page. Nothing here knows the DOM: the caller passes a drawing area and a
//! [`ChartStyle`] whose `scale` is the device pixel ratio (fonts and strokes scale with
//! it, so a chart is sharp on high-DPI screens). Legends are drawn here as plain text
//! and line samples, not with plotters' series legend, whose text sizing bypasses the
//! backend's `estimate_text_size` (see ARCHITECTURE.md, "Charts").

use crate::data::Dataset;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008), black last.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(240, 228, 66),  // yellow
    RGBColor(0, 0, 0),       // black
];

/// How a chart is drawn: pixel scale, font, contrast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartStyle {
    /// Backing-store pixels per CSS pixel (devicePixelRatio).
    pub scale: f64,
    /// Thicker lines and larger text for projectors.
    pub projector: bool,
}

impl Default for ChartStyle {
    fn default() -> Self {
        ChartStyle {
            scale: 1.0,
            projector: false,
        }
    }
}

impl ChartStyle {
    fn px(&self, css: f64) -> u32 {
        (css * self.scale * if self.projector { 1.25 } else { 1.0 })
            .round()
            .max(1.0) as u32
    }
    fn font(&self, css: f64) -> f64 {
        css * self.scale * if self.projector { 1.3 } else { 1.0 }
    }
    fn stroke(&self, css: f64) -> u32 {
        (css * self.scale * if self.projector { 2.0 } else { 1.0 })
            .round()
            .max(1.0) as u32
    }
}

const FONT: &str = "sans-serif";
const INK: RGBColor = RGBColor(40, 40, 48);
const GRID: RGBColor = RGBColor(225, 225, 232);

/// One bar of a bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
}

/// The base year's mine production by region, largest first (t REO per year), from
/// the data set: the first vertical slice from data to pixels.
pub fn base_year_mining(data: &Dataset) -> Vec<Bar> {
    let mut bars: Vec<Bar> = data
        .regions
        .iter()
        .map(|r| Bar {
            label: r.name.split(" (").next().unwrap_or(&r.name).to_string(),
            value: data
                .mines
                .iter()
                .filter(|m| m.region == r.id && m.pipeline.is_none() && m.candidate.is_none())
                .map(|m| m.capacity.value)
                .sum(),
        })
        .filter(|b| b.value > 0.0)
        .collect();
    crate::small_sort::sort_by(&mut bars, |a, b| {
        b.value
            .total_cmp(&a.value)
            .then(a.label.cmp(&b.label))
            .is_lt()
    });
    bars
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Horizontal bar chart with value labels.
pub fn bar_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    unit: &str,
    bars: &[Bar],
    style: &ChartStyle,
) -> DrawResult<DB> {
    area.fill(&WHITE)?;
    let n = bars.len().max(1);
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(1.0) * 1.18;
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    let size = title_size(area, title, 0.0, style);
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, style.font(size)).into_font().color(&INK))
        .margin(style.px(10.0))
        .x_label_area_size(style.px(34.0))
        .y_label_area_size(style.px(110.0))
        .build_cartesian_2d(0.0..max, (0..n).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(style.stroke(1.0)))
        .axis_style(INK.stroke_width(style.stroke(1.0)))
        .x_desc(unit)
        .x_labels(6)
        .x_label_formatter(&|v| format_tonnes(*v))
        .y_labels(n)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .label_style((FONT, style.font(12.0)).into_font().color(&INK))
        .axis_desc_style((FONT, style.font(12.0)).into_font().color(&INK))
        .draw()?;
    let color = PALETTE[0];
    chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
        let mut r = Rectangle::new(
            [
                (0.0, SegmentValue::Exact(i)),
                (b.value, SegmentValue::Exact(i + 1)),
            ],
            color.filled(),
        );
        r.set_margin(style.px(3.0), style.px(3.0), 0, 0);
        r
    }))?;
    chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
        Text::new(
            format_tonnes(b.value),
            (b.value + max * 0.01, SegmentValue::CenterOf(i)),
            (FONT, style.font(11.0))
                .into_font()
                .color(&INK)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        )
    }))?;
    area.present()?;
    Ok(())
}

/// A line of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    /// Index into [`PALETTE`].
    pub color: usize,
    /// Dashed lines are the baseline run.
    pub dashed: bool,
}

/// Axis ranges of a line chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranges {
    pub x: (f64, f64),
    pub y: (f64, f64),
}

/// Where the data went: the plotting area in backing-store pixels and the data ranges
/// it shows, so that the page can turn a pointer position into a time (hover readout).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotBox {
    pub px: (i32, i32),
    pub py: (i32, i32),
    pub ranges: Ranges,
}

type TimeChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The title's font size (CSS pixels): 16, smaller down to 10 until the title fits the
/// chart's width (long titles and translations on phones were clipped).
fn title_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    right_css: f64,
    style: &ChartStyle,
) -> f64 {
    let (w, _) = area.dim_in_pixel();
    // The caption is centred over the area less its right margin (the legend's room).
    let room = w.saturating_sub(style.px(20.0 + right_css));
    let mut size = 16.0;
    while size > 10.0 {
        let font: TextStyle = (FONT, style.font(size)).into_font().into();
        match area.estimate_text_size(title, &font) {
            Ok((tw, _)) if tw > room => size -= 1.0,
            _ => break,
        }
    }
    size
}

/// Charts narrower than this (CSS pixels) put their legend below the plot, not beside.
pub const NARROW_CSS_WIDTH: f64 = 560.0;

/// One legend entry: a line sample (width, faded for the baseline) or a filled swatch.
enum Swatch {
    Line(RGBAColor, u32),
    Fill(RGBAColor),
}

struct Entry<'a> {
    swatch: Swatch,
    label: &'a str,
    size: f64,
}

/// Split a chart's area for its legend: beside the plot on wide charts (the plot keeps
/// the whole area and leaves a right margin), below it on narrow ones (a strip of rows
/// of entries, so a phone's chart keeps its full width for the data).
fn legend_layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    n: usize,
    style: &ChartStyle,
) -> (
    DrawingArea<DB, Shift>,
    Option<DrawingArea<DB, Shift>>,
    usize,
) {
    let (w, h) = area.dim_in_pixel();
    if (w as f64) / style.scale >= NARROW_CSS_WIDTH {
        return (area.clone(), None, 0);
    }
    let per_row = ((w.saturating_sub(style.px(20.0))) / style.px(110.0)).max(1) as usize;
    let rows = n.div_ceil(per_row).max(1);
    let strip = (rows as u32 * style.px(20.0) + style.px(8.0)).min(h / 3);
    let (plot, legend) = area.split_vertically(h - strip);
    (plot, Some(legend), per_row)
}

/// The width (CSS pixels) a legend beside the plot takes: its widest entry, at least
/// 130 and at most three tenths of the chart.
fn legend_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    style: &ChartStyle,
) -> f64 {
    let w = area.dim_in_pixel().0 as f64 / style.scale;
    let widest = entries.iter().fold(0.0f64, |m, e| {
        let font: TextStyle = (FONT, style.font(e.size)).into_font().into();
        let tw = area.estimate_text_size(e.label, &font).map_or(0, |s| s.0);
        m.max(tw as f64 / style.scale)
    });
    (widest + 40.0).clamp(130.0, (w * 0.3).max(130.0))
}

/// Draw a legend beside (`below` = None; `beside` CSS pixels wide) or below the plot.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    below: Option<&DrawingArea<DB, Shift>>,
    per_row: usize,
    entries: &[Entry],
    beside: f64,
    style: &ChartStyle,
) -> DrawResult<DB> {
    let (target, mut x, mut y, step_x) = match below {
        None => {
            let (w, _) = area.dim_in_pixel();
            (
                area,
                w as i32 - style.px(beside - 6.0) as i32,
                style.px(40.0) as i32,
                0,
            )
        }
        Some(b) => (
            b,
            style.px(10.0) as i32,
            style.px(12.0) as i32,
            style.px(110.0) as i32,
        ),
    };
    let x_start = x;
    for (k, e) in entries.iter().enumerate() {
        let sw = style.px(18.0) as i32;
        match e.swatch {
            Swatch::Line(c, width) => target.draw(&PathElement::new(
                vec![(x, y), (x + sw, y)],
                c.stroke_width(width),
            ))?,
            Swatch::Fill(c) => {
                let half = style.px(6.0) as i32;
                target.draw(&Rectangle::new(
                    [(x, y - half), (x + 2 * half, y + half)],
                    c.filled(),
                ))?
            }
        }
        legend_text(
            target,
            e.label,
            (x + sw + style.px(6.0) as i32, y),
            e.size,
            style,
        )?;
        if below.is_some() && (k + 1) % per_row != 0 {
            x += step_x;
        } else {
            x = x_start;
            y += style.px(20.0) as i32;
        }
    }
    Ok(())
}

/// Axes shared by the time-series charts: title, years on x (as many labels as the
/// width holds), a right margin for the legend unless it goes below, light grid, and
/// `y_fmt` for the y labels.
#[allow(clippy::too_many_arguments)]
fn time_axes<'a, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    ranges: Ranges,
    y_desc: &str,
    y_fmt: &dyn Fn(&f64) -> String,
    legend_beside: bool,
    legend_css: f64,
    log: bool,
    style: &ChartStyle,
) -> Result<TimeChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, _) = area.dim_in_pixel();
    let right = if legend_beside { legend_css } else { 14.0 };
    // About one year label per 64 CSS pixels of plot, at most 7.
    let plot_css = (w as f64 / style.scale - right - 66.0).max(0.0);
    let x_labels = ((plot_css / 64.0) as usize).clamp(3, 7);
    let size = title_size(area, title, right, style);
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, style.font(size)).into_font().color(&INK))
        .margin(style.px(10.0))
        .margin_right(style.px(right))
        .x_label_area_size(style.px(30.0))
        .y_label_area_size(style.px(56.0))
        .build_cartesian_2d(ranges.x.0..ranges.x.1, ranges.y.0..ranges.y.1)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(style.stroke(1.0)))
        .axis_style(INK.stroke_width(style.stroke(1.0)))
        .x_labels(x_labels)
        .y_labels(if log { 0 } else { 6 })
        .x_label_formatter(&|v| format!("{:.0}", v))
        .y_label_formatter(y_fmt)
        .y_desc(y_desc)
        .label_style((FONT, style.font(12.0)).into_font().color(&INK))
        .axis_desc_style((FONT, style.font(12.0)).into_font().color(&INK))
        .draw()?;
    Ok(chart)
}

/// A legend entry's text, left-aligned and vertically centred at `at`.
fn legend_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    at: (i32, i32),
    size: f64,
    style: &ChartStyle,
) -> DrawResult<DB> {
    area.draw(&Text::new(
        text.to_string(),
        at,
        (FONT, style.font(size))
            .into_font()
            .color(&INK)
            .pos(Pos::new(HPos::Left, VPos::Center)),
    ))
}

/// Time-series chart with a legend; dashed lines are the baseline, drawn under the
/// scenario's solid lines of the same colour.
pub fn line_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    lines: &[Line],
    ranges: Ranges,
    percent: bool,
    style: &ChartStyle,
) -> Result<PlotBox, DrawingAreaErrorKind<DB::ErrorType>> {
    line_chart_labelled(
        area,
        title,
        y_desc,
        lines,
        ranges,
        percent,
        "dashed: baseline",
        style,
    )
}

/// [`line_chart`] with the baseline's legend entry in another language.
#[allow(clippy::too_many_arguments)]
pub fn line_chart_labelled<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    lines: &[Line],
    ranges: Ranges,
    percent: bool,
    baseline_label: &str,
    style: &ChartStyle,
) -> Result<PlotBox, DrawingAreaErrorKind<DB::ErrorType>> {
    let text = ChartText {
        title,
        y_desc,
        baseline_label,
    };
    let scale = if percent {
        YScale::Percent
    } else {
        YScale::Linear
    };
    lines_chart(area, &text, lines, ranges, scale, Pass::All, style)
}

/// How a line chart's y axis reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YScale {
    /// 0..1 shown as 0%..100%.
    Percent,
    /// From zero, labels in `k`/`M`.
    Linear,
    /// Logarithmic (`Ranges::y` in data units, above zero): ticks at 1, 2, 5 × 10^k.
    Log,
}

/// The words of a line chart: its title, the y axis' unit and the dashed lines' legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartText<'a> {
    pub title: &'a str,
    pub y_desc: &'a str,
    pub baseline_label: &'a str,
}

/// What to draw: everything, or (for a page that caches what does not change between
/// frames) the background alone (title, axes, grid, legend) or the lines alone, into the
/// plotting box an earlier background pass returned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pass {
    All,
    Background,
    Series(PlotBox),
}

/// The axis ranges for `lines` over `x`: percent 0..105%; otherwise from zero to a
/// round number above the largest value, or, with `scale` `None` (automatic), a log
/// axis when the largest value is more than ten times the smallest above zero (at most
/// four decades are shown; smaller values are left out).
pub fn auto_ranges(lines: &[Line], x: (f64, f64), scale: Option<YScale>) -> (Ranges, YScale) {
    let finite = |l: &'_ Line| {
        l.points
            .iter()
            .map(|p| p.1)
            .filter(|v| v.is_finite())
            .collect::<Vec<_>>()
    };
    let max = lines.iter().flat_map(finite).fold(0.0f64, f64::max);
    // Rounding noise counts as zero; a line that is zero only part of the time would
    // break on a log axis, so it keeps the axis linear.
    let tiny = max * 1e-9;
    let mut min_pos = f64::INFINITY;
    let mut broken = false;
    for l in lines {
        let v = finite(l);
        let zeros = v.iter().filter(|x| **x <= tiny).count();
        broken |= zeros > 0 && zeros < v.len();
        min_pos = v
            .iter()
            .filter(|x| **x > tiny)
            .fold(min_pos, |a, b| a.min(*b));
    }
    let scale = scale.unwrap_or(if !broken && max > 10.0 * min_pos {
        YScale::Log
    } else {
        YScale::Linear
    });
    let y = match scale {
        YScale::Percent => (0.0, 1.05),
        YScale::Linear => (0.0, nice_ceiling(max * 1.05)),
        YScale::Log => {
            let hi = nice_ceiling(max * 1.05);
            let lo = nice_floor(min_pos.min(hi / 10.0).max(hi / 1e4));
            (lo, hi)
        }
    };
    (Ranges { x, y }, scale)
}

/// The next 1, 2 or 5 × 10^k at or below `x` (a positive number).
pub fn nice_floor(x: f64) -> f64 {
    let c = nice_ceiling(x);
    if c <= x {
        return c;
    }
    let p = libm::pow(10.0, libm::floor(libm::log10(c) + 1e-9));
    match (c / p).round() as u32 {
        1 => p / 2.0,
        2 => p,
        _ => 2.0 * p,
    }
}

/// Time-series chart with a legend: dashed lines are the comparison run, drawn under
/// the scenario's solid lines of the same colour. On a log axis values at or below the
/// axis' bottom are left out (the line breaks). Returns the plotting box (for readouts
/// and for a later [`Pass::Series`]).
pub fn lines_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &ChartText,
    lines: &[Line],
    ranges: Ranges,
    scale: YScale,
    pass: Pass,
    style: &ChartStyle,
) -> Result<PlotBox, DrawingAreaErrorKind<DB::ErrorType>> {
    let log = scale == YScale::Log;
    let ty = |v: f64| if log { libm::log10(v) } else { v };
    let yr = (ty(ranges.y.0), ty(ranges.y.1));
    let width = style.stroke(2.0);
    let (plot, mut chart) = match pass {
        Pass::Series(plot) => {
            let (w, h) = (plot.px.1 - plot.px.0, plot.py.1 - plot.py.0);
            let sub = area
                .clone()
                .shrink((plot.px.0, plot.py.0), (w.max(1) as u32, h.max(1) as u32));
            let chart =
                ChartBuilder::on(&sub).build_cartesian_2d(ranges.x.0..ranges.x.1, yr.0..yr.1)?;
            (plot, chart)
        }
        _ => {
            let y_fmt = |v: &f64| match scale {
                YScale::Percent => format!("{:.0}%", v * 100.0),
                _ => format_tonnes(*v),
            };
            // Legend: solid lines only, each labelled (never colour alone).
            let mut entries: Vec<Entry> = lines
                .iter()
                .filter(|l| !l.dashed)
                .map(|l| Entry {
                    swatch: Swatch::Line(PALETTE[l.color % PALETTE.len()].to_rgba(), width),
                    label: &l.label,
                    size: 12.0,
                })
                .collect();
            if lines.iter().any(|l| l.dashed) {
                entries.push(Entry {
                    swatch: Swatch::Line(INK.mix(0.6), width.max(2) - 1),
                    label: text.baseline_label,
                    size: 11.0,
                });
            }
            area.fill(&WHITE)?;
            let lw = legend_width(area, &entries, style);
            let (plot_area, below, per_row) = legend_layout(area, entries.len(), style);
            let chart = time_axes(
                &plot_area,
                text.title,
                Ranges { x: ranges.x, y: yr },
                text.y_desc,
                &y_fmt,
                below.is_none(),
                lw,
                log,
                style,
            )?;
            let (px, py) = chart.plotting_area().get_pixel_range();
            let plot = PlotBox {
                px: (px.start, px.end),
                py: (py.start, py.end),
                ranges,
            };
            if log {
                log_ticks(&plot_area, &chart, yr, style)?;
            }
            draw_legend(area, below.as_ref(), per_row, &entries, lw, style)?;
            (plot, chart)
        }
    };
    if pass != Pass::Background {
        for dashed in [true, false] {
            for l in lines.iter().filter(|l| l.dashed == dashed) {
                let c = PALETTE[l.color % PALETTE.len()];
                // Runs of drawable points: a log axis cannot show zero.
                let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
                for &(x, y) in &l.points {
                    if y.is_finite() && (!log || y >= ranges.y.0) {
                        if let Some(r) = runs.last_mut() {
                            r.push((x, ty(y)));
                        }
                    } else if runs.last().is_some_and(|r| !r.is_empty()) {
                        runs.push(Vec::new());
                    }
                }
                for r in runs.into_iter().filter(|r| !r.is_empty()) {
                    if dashed {
                        chart.draw_series(DashedLineSeries::new(
                            r,
                            style.px(6.0),
                            style.px(4.0),
                            c.mix(0.75).stroke_width(width.max(2) - 1),
                        ))?;
                    } else {
                        chart.draw_series(LineSeries::new(r, c.stroke_width(width)))?;
                    }
                }
            }
        }
    }
    area.present()?;
    Ok(plot)
}

/// A band of uncertainty under a line: its p5..p95 range shaded and its median (p50),
/// one value per point of `time` (NaN: none there).
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub time: Vec<f64>,
    pub lo: Vec<f64>,
    pub mid: Vec<f64>,
    pub hi: Vec<f64>,
    /// Index into [`PALETTE`]: the colour of the line it belongs to.
    pub color: usize,
}

/// Shaded bands with their medians in the plotting box of an earlier background pass
/// (see [`lines_chart`]'s [`Pass::Background`]), drawn before the lines' pass so that the
/// lines stay on top. Values are clamped to the axis; a band breaks where it has no value
/// (or, on a log axis, none above the axis' bottom).
pub fn bands_layer<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: PlotBox,
    bands: &[Band],
    scale: YScale,
    style: &ChartStyle,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let ranges = plot.ranges;
    let log = scale == YScale::Log;
    let ty = |v: f64| {
        let v = v.clamp(ranges.y.0, ranges.y.1);
        if log {
            libm::log10(v)
        } else {
            v
        }
    };
    let yr = (
        if log {
            libm::log10(ranges.y.0)
        } else {
            ranges.y.0
        },
        if log {
            libm::log10(ranges.y.1)
        } else {
            ranges.y.1
        },
    );
    let (w, h) = (plot.px.1 - plot.px.0, plot.py.1 - plot.py.0);
    let sub = area
        .clone()
        .shrink((plot.px.0, plot.py.0), (w.max(1) as u32, h.max(1) as u32));
    let mut chart =
        ChartBuilder::on(&sub).build_cartesian_2d(ranges.x.0..ranges.x.1, yr.0..yr.1)?;
    for b in bands {
        let c = PALETTE[b.color % PALETTE.len()];
        let ok = |i: usize| {
            let (lo, hi) = (b.lo.get(i).copied(), b.hi.get(i).copied());
            matches!((lo, hi), (Some(lo), Some(hi)) if lo.is_finite() && hi.is_finite() && (!log || hi >= ranges.y.0))
        };
        let mut i = 0;
        while i < b.time.len() {
            if !ok(i) {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.time.len() && ok(i) {
                i += 1;
            }
            let run = start..i;
            let mut outline: Vec<(f64, f64)> =
                run.clone().map(|k| (b.time[k], ty(b.lo[k]))).collect();
            outline.extend(run.clone().rev().map(|k| (b.time[k], ty(b.hi[k]))));
            chart.draw_series(std::iter::once(Polygon::new(outline, c.mix(0.22).filled())))?;
            let mid: Vec<(f64, f64)> = run
                .filter(|&k| b.mid.get(k).is_some_and(|v| v.is_finite()))
                .map(|k| (b.time[k], ty(b.mid[k])))
                .collect();
            chart.draw_series(LineSeries::new(
                mid,
                c.mix(0.7).stroke_width(style.stroke(1.0)),
            ))?;
        }
    }
    area.present()?;
    Ok(())
}

/// A log axis' grid lines and labels at 1, 2 and 5 × 10^k (only 10^k when that
/// would crowd the axis); `yr` is the axis range in log10 units.
fn log_ticks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &TimeChart<DB>,
    yr: (f64, f64),
    style: &ChartStyle,
) -> DrawResult<DB> {
    let (x0, x1) = (chart.x_range().start, chart.x_range().end);
    let mults: &[f64] = if yr.1 - yr.0 > 2.5 {
        &[1.0]
    } else {
        &[1.0, 2.0, 5.0]
    };
    let mut k = libm::floor(yr.0);
    while k <= yr.1 {
        for m in mults {
            let v = m * libm::pow(10.0, k);
            let y = libm::log10(v);
            if y < yr.0 - 1e-9 || y > yr.1 + 1e-9 {
                continue;
            }
            let (a, b) = (chart.backend_coord(&(x0, y)), chart.backend_coord(&(x1, y)));
            area.draw(&PathElement::new(
                vec![a, b],
                GRID.stroke_width(style.stroke(1.0)),
            ))?;
            area.draw(&Text::new(
                format_tonnes(v),
                (a.0 - style.px(6.0) as i32, a.1),
                (FONT, style.font(12.0))
                    .into_font()
                    .color(&INK)
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
        }
        k += 1.0;
    }
    Ok(())
}

/// One layer of a stacked area chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub label: String,
    /// One value per time point.
    pub values: Vec<f64>,
    /// Index into [`PALETTE`].
    pub color: usize,
}

/// Stacked areas over time (layers bottom to top) with an optional line on top
/// (demand, say), so that the gap between the stack and the line is the shortfall.
#[allow(clippy::too_many_arguments)]
pub fn stacked_area_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    time: &[f64],
    layers: &[Layer],
    line: Option<(&str, &[f64])>,
    style: &ChartStyle,
) -> DrawResult<DB> {
    let n = time.len();
    let mut tops = vec![vec![0.0; n]; layers.len()];
    for (k, l) in layers.iter().enumerate() {
        for i in 0..n {
            let below = if k == 0 { 0.0 } else { tops[k - 1][i] };
            tops[k][i] = below + l.values.get(i).copied().unwrap_or(0.0).max(0.0);
        }
    }
    let mut ymax = tops
        .last()
        .map(|t| t.iter().fold(0.0, |a: f64, b| a.max(*b)))
        .unwrap_or(0.0);
    if let Some((_, v)) = line {
        ymax = v.iter().fold(ymax, |a, b| a.max(*b));
    }
    let ymax = nice_ceiling(ymax.max(1.0) * 1.05);
    let x0 = time.first().copied().unwrap_or(0.0);
    let x1 = time.last().copied().unwrap_or(1.0).max(x0 + 1.0);
    let ranges = Ranges {
        x: (x0, x1),
        y: (0.0, ymax),
    };
    let mut entries: Vec<Entry> = layers
        .iter()
        .rev()
        .map(|l| Entry {
            swatch: Swatch::Fill(PALETTE[l.color % PALETTE.len()].mix(0.85)),
            label: &l.label,
            size: 12.0,
        })
        .collect();
    if let Some((label, _)) = line {
        entries.push(Entry {
            swatch: Swatch::Line(INK.to_rgba(), style.stroke(2.0)),
            label,
            size: 12.0,
        });
    }
    area.fill(&WHITE)?;
    let lw = legend_width(area, &entries, style);
    let (plot_area, below, per_row) = legend_layout(area, entries.len(), style);
    let mut chart = time_axes(
        &plot_area,
        title,
        ranges,
        y_desc,
        &|v: &f64| format_tonnes(*v),
        below.is_none(),
        lw,
        false,
        style,
    )?;
    // Top layer first, each filled down to zero, so lower layers paint over it.
    for (k, l) in layers.iter().enumerate().rev() {
        let c = PALETTE[l.color % PALETTE.len()];
        chart.draw_series(
            AreaSeries::new(
                time.iter().copied().zip(tops[k].iter().copied()),
                0.0,
                c.mix(0.85),
            )
            .border_style(c.stroke_width(style.stroke(1.0))),
        )?;
    }
    if let Some((_, v)) = line {
        chart.draw_series(LineSeries::new(
            time.iter().copied().zip(v.iter().copied()),
            INK.stroke_width(style.stroke(2.0)),
        ))?;
    }
    draw_legend(area, below.as_ref(), per_row, &entries, lw, style)?;
    area.present()?;
    Ok(())
}

/// The next 1, 2 or 5 × 10^k at or above `x`, for steady axis ranges.
pub fn nice_ceiling(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let p = libm::pow(10.0, libm::floor(libm::log10(x)));
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * p >= x {
            return m * p;
        }
    }
    10.0 * p
}

/// `390,000 t` style: thousands separated, `k`/`M` above 10,000.
pub fn format_tonnes(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 && v % 1e3 != 0.0 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 1e3 {
        format!("{:.0}k", v / 1e3)
    } else if a < 9.95 && v.fract() != 0.0 {
        // Small values (prices, log ticks): two significant digits.
        let s = format!(
            "{:.*}",
            (1.0 - libm::floor(libm::log10(a))).max(1.0) as usize,
            v
        );
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{:.0}", v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mining_bars_come_from_the_data_largest_first() {
        let bars = base_year_mining(Dataset::default_data());
        assert_eq!(bars[0].label, "China");
        assert_eq!(bars[0].value, 270_000.0);
        assert!(bars.windows(2).all(|w| w[0].value >= w[1].value));
        let world: f64 = bars.iter().map(|b| b.value).sum();
        // USGS MCS 2026 (2024 revised): world 380,000 t.
        assert!((world - 380_000.0).abs() / 380_000.0 < 0.02, "{world}");
    }

    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.2), 5.0);
        assert_eq!(nice_ceiling(1200.0), 2000.0);
        assert_eq!(nice_ceiling(10_000.0), 10_000.0);
    }

    #[test]
    fn tonnes_format() {
        assert_eq!(format_tonnes(270_000.0), "270k");
        assert_eq!(format_tonnes(2_900.0), "2.9k");
        assert_eq!(format_tonnes(130.0), "130");
    }
}
