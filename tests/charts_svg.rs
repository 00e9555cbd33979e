//! The chart functions draw to SVG natively (the page draws the same functions to a
//! canvas); check the content, not the pixels.
use plotters::prelude::*;
use plotters_svg::SVGBackend;
use rare_earth_alliances::charts::{
    auto_ranges, bands_layer, bar_chart, base_year_mining, format_tonnes, line_chart, lines_chart,
    nice_floor, Band, ChartStyle, ChartText, Line, Pass, Ranges, YScale,
};
use rare_earth_alliances::Dataset;

#[test]
fn mining_bar_chart_shows_every_producer_with_its_value() {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (800, 400)).into_drawing_area();
        let bars = base_year_mining(Dataset::default_data());
        bar_chart(
            &area,
            "Mine production by country, 2024",
            "t REO per year",
            &bars,
            &ChartStyle::default(),
        )
        .unwrap();
    }
    for label in [
        "China",
        "United States",
        "Myanmar",
        "Australia",
        "270k",
        "29k",
        "27k",
        "Mine production by country, 2024",
    ] {
        assert!(svg.contains(label), "SVG shows {label}");
    }
    // One filled bar per producer, in the first palette colour.
    let bars = svg.matches(r##"fill="#0072B2""##).count();
    assert_eq!(
        bars,
        base_year_mining(Dataset::default_data()).len(),
        "{svg}"
    );
}

#[test]
fn line_chart_draws_scenario_solid_baseline_dashed_and_a_legend() {
    let mut svg = String::new();
    let plot;
    let pts = |k: f64| {
        (0..20)
            .map(|i| (2024.0 + i as f64, 0.5 + 0.02 * k * i as f64 / 20.0))
            .collect::<Vec<_>>()
    };
    let lines = vec![
        Line {
            label: "JP".into(),
            points: pts(1.0),
            color: 1,
            dashed: true,
        },
        Line {
            label: "JP".into(),
            points: pts(-5.0),
            color: 1,
            dashed: false,
        },
        Line {
            label: "US".into(),
            points: pts(3.0),
            color: 2,
            dashed: false,
        },
    ];
    {
        // 800x400 CSS pixels at devicePixelRatio 2: wide, so the legend is beside.
        let area = SVGBackend::with_string(&mut svg, (1600, 800)).into_drawing_area();
        let style = ChartStyle {
            scale: 2.0,
            projector: false,
        };
        plot = line_chart(
            &area,
            "Dy availability",
            "share of demand met",
            &lines,
            Ranges {
                x: (2024.0, 2044.0),
                y: (0.0, 1.05),
            },
            true,
            &style,
        )
        .unwrap();
    }

    // The plotting area lies inside the 1600x800 image, left of the legend, and keeps the
    // data ranges: the page turns pointer positions into years with it.
    assert!(
        0 < plot.px.0 && plot.px.0 < plot.px.1 && plot.px.1 < 1600 - 2 * 124,
        "{plot:?}"
    );
    assert!(
        0 < plot.py.0 && plot.py.0 < plot.py.1 && plot.py.1 < 800,
        "{plot:?}"
    );
    assert_eq!(plot.ranges.x, (2024.0, 2044.0));
    assert!(svg.contains("Dy availability") && svg.contains("dashed: baseline"));
    assert!(
        svg.contains(">\nJP\n<") && svg.contains(">\nUS\n<"),
        "legend labels: {svg}"
    );
    assert!(svg.contains("100%") && svg.contains("2030"), "axis labels");
    let orange = svg.matches(r##"stroke="#E69F00""##).count();
    // One solid polyline plus several dash segments in the same colour (and the legend sample).
    assert!(orange >= 5, "dashed baseline drawn as segments: {orange}");
    assert!(
        svg.contains(r##"stroke="#009E73""##),
        "second series colour"
    );
}

/// The y coordinate of the first SVG text element holding `label`.
fn text_y(svg: &str, label: &str) -> f64 {
    let at = svg.find(&format!(">\n{label}\n<")).expect(label);
    let start = svg[..at].rfind("<text").unwrap();
    let y = svg[start..at].split("y=\"").nth(1).unwrap();
    y[..y.find('"').unwrap()].parse().unwrap()
}

#[test]
fn a_narrow_chart_puts_its_legend_below_and_thins_the_year_labels() {
    let lines: Vec<Line> = ["CN", "JP", "US", "EU"]
        .iter()
        .enumerate()
        .flat_map(|(k, r)| {
            [true, false].map(|dashed| Line {
                label: r.to_string(),
                points: (0..27).map(|i| (2024.0 + i as f64, 0.8)).collect(),
                color: k,
                dashed,
            })
        })
        .collect();
    let draw = |w: u32| {
        let mut svg = String::new();
        let plot;
        {
            let area = SVGBackend::with_string(&mut svg, (w, 300)).into_drawing_area();
            plot = line_chart(
                &area,
                "Dy",
                "share",
                &lines,
                Ranges {
                    x: (2024.0, 2050.0),
                    y: (0.0, 1.05),
                },
                true,
                &ChartStyle::default(),
            )
            .unwrap();
        }
        (svg, plot)
    };
    let years = |svg: &str| {
        (2024..=2050)
            .filter(|y| svg.contains(&format!(">\n{y}\n<")))
            .count()
    };
    // The narrowest phones draw too (no legend width below its minimum).
    assert!(draw(300).0.contains("dashed: baseline"));
    let (phone, plot) = draw(358);
    assert!(
        text_y(&phone, "dashed: baseline") > plot.py.1 as f64,
        "legend below the plot on a phone"
    );
    assert!(plot.px.1 > 358 - 40, "the plot keeps the width: {plot:?}");
    let (wide, wplot) = draw(900);
    assert!(
        text_y(&wide, "dashed: baseline") < wplot.py.1 as f64,
        "legend beside on a wide chart"
    );
    assert!(
        years(&phone) <= 4 && years(&phone) < years(&wide),
        "year labels thinned: {} on a phone, {} wide",
        years(&phone),
        years(&wide)
    );
}

#[test]
fn a_long_title_on_a_narrow_chart_is_drawn_smaller_not_clipped() {
    let lines = vec![Line {
        label: "CN".into(),
        points: vec![(2024.0, 0.5), (2050.0, 0.6)],
        color: 0,
        dashed: false,
    }];
    let title = "Concentración: la parte de cada etapa en manos de la mayor región";
    let draw = |w: u32| {
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (w, 300)).into_drawing_area();
            line_chart(
                &area,
                title,
                "share",
                &lines,
                Ranges {
                    x: (2024.0, 2050.0),
                    y: (0.0, 1.05),
                },
                true,
                &ChartStyle::default(),
            )
            .unwrap();
        }
        svg
    };
    let font_size = |svg: &str| -> f64 {
        let at = svg.find(title).expect("title drawn");
        let start = svg[..at].rfind("<text").unwrap();
        let f = svg[start..at].split("font-size=\"").nth(1).unwrap();
        f[..f.find('"').unwrap()].parse().unwrap()
    };
    let (phone, wide) = (font_size(&draw(340)), font_size(&draw(1000)));
    // SVG font sizes are in points (the 16 px title is 12.9); the phone's is smaller,
    // but not below 10 px.
    assert!(
        phone < wide * 0.9 && phone >= wide * 10.0 / 16.0,
        "{phone} vs {wide}"
    );
}

/// Inside and outside prices of a split market: the outside price runs 30 times the
/// inside one, so the automatic scale is logarithmic, and the comparison is dashed.
fn price_lines() -> Vec<Line> {
    let pts = |f: &dyn Fn(f64) -> f64| {
        (0..104)
            .map(|i| (2024.0 + i as f64 / 4.0, f(i as f64)))
            .collect::<Vec<_>>()
    };
    vec![
        Line {
            label: "Dy inside".into(),
            points: pts(&|_| 300.0),
            color: 0,
            dashed: true,
        },
        Line {
            label: "Dy inside".into(),
            points: pts(&|i| 250.0 + i),
            color: 0,
            dashed: false,
        },
        Line {
            label: "Dy outside".into(),
            points: pts(&|i| 900.0 * (1.0 + i / 10.0)),
            color: 5,
            dashed: false,
        },
    ]
}

fn draw_svg(
    lines: &[Line],
    scale: Option<YScale>,
    pass: &dyn Fn(&[Line], Ranges, YScale) -> Pass,
) -> String {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (900, 420)).into_drawing_area();
        let (ranges, scale) = auto_ranges(lines, (2024.0, 2050.0), scale);
        let text = ChartText {
            title: "Dy oxide price",
            y_desc: "USD/kg",
            baseline_label: "dashed: status quo",
        };
        lines_chart(
            &area,
            &text,
            lines,
            ranges,
            scale,
            pass(lines, ranges, scale),
            &ChartStyle::default(),
        )
        .unwrap();
    }
    svg
}

#[test]
fn a_wide_spread_gets_a_log_axis_with_round_ticks_and_the_comparison_dashed() {
    let lines = price_lines();
    let (ranges, scale) = auto_ranges(&lines, (2024.0, 2050.0), None);
    assert_eq!(scale, YScale::Log);
    // Up to 10,350 USD/kg: the axis ends at 20k and starts four decades below at most.
    assert_eq!(ranges.y.1, 20_000.0);
    assert!(ranges.y.0 >= 2.0 && ranges.y.0 <= 250.0, "{ranges:?}");
    let svg = draw_svg(&lines, None, &|_, _, _| Pass::All);
    for label in [
        "Dy oxide price",
        "USD/kg",
        "dashed: status quo",
        "Dy inside",
        "Dy outside",
        "1k",
        "10k",
    ] {
        assert!(svg.contains(&format!(">\n{label}\n<")), "{label} drawn");
    }
    let vermillion = svg.matches(r##"stroke="#D55E00""##).count();
    assert!(
        vermillion >= 2,
        "outside price line and its legend sample: {vermillion}"
    );
    // Dashed comparison: many short segments in the first colour.
    assert!(svg.matches(r##"stroke="#0072B2""##).count() > 10);
    // The same lines with a narrow spread stay linear, from zero.
    let (lin, s) = auto_ranges(&lines[..2], (2024.0, 2050.0), None);
    assert_eq!((s, lin.y), (YScale::Linear, (0.0, 500.0)));
    // A line at zero part of the time would break on a log axis: linear, from zero.
    let mut gap = lines.clone();
    gap[2].points[3].1 = 0.0;
    assert_eq!(auto_ranges(&gap, (2024.0, 2050.0), None).1, YScale::Linear);
}

#[test]
fn background_and_lines_drawn_apart_make_the_whole_chart() {
    let lines = price_lines();
    let whole = draw_svg(&lines, Some(YScale::Linear), &|_, _, _| Pass::All);
    let background = draw_svg(&lines, Some(YScale::Linear), &|_, _, _| Pass::Background);
    let plot = {
        let mut svg = String::new();
        let area = SVGBackend::with_string(&mut svg, (900, 420)).into_drawing_area();
        let (ranges, scale) = auto_ranges(&lines, (2024.0, 2050.0), Some(YScale::Linear));
        let text = ChartText {
            title: "Dy oxide price",
            y_desc: "USD/kg",
            baseline_label: "dashed: status quo",
        };
        let style = ChartStyle::default();
        lines_chart(
            &area,
            &text,
            &lines,
            ranges,
            scale,
            Pass::Background,
            &style,
        )
        .unwrap()
    };
    let series = draw_svg(&lines, Some(YScale::Linear), &|_, _, _| Pass::Series(plot));
    assert!(
        background.contains("Dy oxide price") && !series.contains("Dy oxide price"),
        "title in the background only"
    );
    let polylines = |s: &str| s.matches("<polyline").count();
    // The background holds the legend samples; the lines pass holds the data lines.
    assert!(polylines(&series) >= 3 && polylines(&whole) >= polylines(&series));
    assert!(!series.contains("<text"), "no text redrawn each frame");
    // Every data point lies in the plotting box the background pass reported.
    let b = plot;
    let first = series.split("points=\"").nth(1).unwrap();
    for pt in first[..first.find('"').unwrap()].split_whitespace() {
        let (x, y) = pt.split_once(',').unwrap();
        let (x, y): (i32, i32) = (x.parse().unwrap(), y.parse().unwrap());
        assert!(
            b.px.0 <= x && x <= b.px.1 && b.py.0 <= y && y <= b.py.1,
            "{x},{y} in {b:?}"
        );
    }
}

#[test]
fn monte_carlo_bands_are_shaded_under_the_lines_inside_the_plotting_box() {
    let time: Vec<f64> = (0..104).map(|i| 2024.0 + i as f64 / 4.0).collect();
    let line = Line {
        label: "JP".into(),
        points: time.iter().map(|&t| (t, 0.8)).collect(),
        color: 1,
        dashed: false,
    };
    // p5..p95 widening with time, and no band before 2026 (NaN) nor beyond the axis.
    let band = Band {
        time: time.clone(),
        lo: time
            .iter()
            .map(|&t| {
                if t < 2026.0 {
                    f64::NAN
                } else {
                    0.8 - (t - 2024.0) / 100.0
                }
            })
            .collect(),
        mid: time.iter().map(|_| 0.8).collect(),
        hi: time
            .iter()
            .map(|&t| (0.8 + (t - 2024.0) / 50.0).min(1.3))
            .collect(),
        color: 1,
    };
    let mut svg = String::new();
    let plot = {
        let area = SVGBackend::with_string(&mut svg, (900, 420)).into_drawing_area();
        let (ranges, scale) = auto_ranges(
            std::slice::from_ref(&line),
            (2024.0, 2050.0),
            Some(YScale::Percent),
        );
        let text = ChartText {
            title: "Dy availability",
            y_desc: "share",
            baseline_label: "dashed",
        };
        let style = ChartStyle::default();
        let lines = [line];
        let plot = lines_chart(
            &area,
            &text,
            &lines,
            ranges,
            scale,
            Pass::Background,
            &style,
        )
        .unwrap();
        bands_layer(&area, plot, std::slice::from_ref(&band), scale, &style).unwrap();
        lines_chart(
            &area,
            &text,
            &lines,
            ranges,
            scale,
            Pass::Series(plot),
            &style,
        )
        .unwrap();
        plot
    };
    // One shaded polygon in the line's colour (orange), translucent, then the median and
    // the line itself drawn after it (on top).
    let polygons: Vec<&str> = svg.split("<polygon").skip(1).collect();
    assert_eq!(polygons.len(), 1, "one band");
    let poly = polygons[0];
    assert!(
        poly.contains(r##"fill="#E69F00""##) && poly.contains("opacity=\"0.22"),
        "{poly}"
    );
    let band_at = svg.find("<polygon").unwrap();
    let line_at = svg.rfind(r##"stroke="#E69F00""##).unwrap();
    assert!(band_at < line_at, "the line is drawn over the band");
    // Every corner lies in the plotting box (values beyond the axis are clamped).
    let points = poly.split("points=\"").nth(1).unwrap();
    let corners: Vec<(i32, i32)> = points[..points.find('"').unwrap()]
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect();
    assert_eq!(
        corners.len(),
        2 * (104 - 8),
        "no corner where the band has no value"
    );
    for (x, y) in corners {
        assert!(
            plot.px.0 <= x && x <= plot.px.1 && plot.py.0 <= y && y <= plot.py.1,
            "{x},{y} in {plot:?}"
        );
    }
}

#[test]
fn round_numbers_for_axes_and_small_values() {
    assert_eq!(nice_floor(3.2), 2.0);
    assert_eq!(nice_floor(0.07), 0.05);
    assert_eq!(nice_floor(100.0), 100.0);
    assert_eq!(nice_floor(1.5), 1.0);
    assert_eq!(format_tonnes(0.5), "0.5");
    assert_eq!(format_tonnes(0.05), "0.05");
    assert_eq!(format_tonnes(2.5), "2.5");
    assert_eq!(format_tonnes(5.0), "5");
}
