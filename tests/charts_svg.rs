//! The chart functions draw to SVG natively (the page draws the same functions to a
//! canvas); check the content, not the pixels.
use plotters::prelude::*;
use plotters_svg::SVGBackend;
use rare_earth_alliances::charts::{
    bar_chart, base_year_mining, line_chart, ChartStyle, Line, Ranges,
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
