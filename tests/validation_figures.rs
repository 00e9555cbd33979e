//! The figures of docs/VALIDATION.md are drawn from the model by the chart code, so they
//! cannot go stale: this test draws each one and compares it with the file in docs/.
//! `UPDATE_DOCS=1 cargo test --release --test validation_figures` writes them again
//! (after a change to the model or the charts that moves them).
use plotters::prelude::*;
use plotters_svg::SVGBackend;
use rare_earth_alliances::charts::{
    lines_chart, ChartStyle, ChartText, Line, Pass, Ranges, YScale,
};
use rare_earth_alliances::elements::index_of;
use rare_earth_alliances::{presets, run, Dataset};

/// The record of outside (FOB China) prices, USD/kg, as in docs/VALIDATION.md's replay
/// table (2009 mean; 2010 Q1 mean; 26 Jul 2010; Q2 2011; the monthly peaks of Aug
/// (Dy) and Oct (Nd) 2011; year ends 2011-2013 and 2015).
const ND_RECORD: [(f64, f64); 8] = [
    (2009.5, 19.0),
    (2010.125, 28.0),
    (2010.57, 42.0),
    (2011.79, 260.0),
    (2012.0, 195.0),
    (2013.0, 78.0),
    (2014.0, 68.0),
    (2016.0, 40.0),
];
const DY_RECORD: [(f64, f64); 9] = [
    (2009.5, 116.0),
    (2010.125, 157.0),
    (2010.57, 280.0),
    (2011.375, 921.0),
    (2011.62, 2377.0),
    (2012.0, 1410.0),
    (2013.0, 615.0),
    (2014.0, 465.0),
    (2016.0, 228.0),
];

/// The replay's outside prices, model (solid) and record (dashed), as multiples of each
/// one's 2009 mean, on a log axis.
fn replay_figure() -> String {
    let data = Dataset::default_data();
    let out = run(data, &presets::load("replay-2010", data).unwrap()).unwrap();
    let el = |id: &str| index_of(id).expect("element");
    let price = &out.series.price_outside;
    let model = |id: &str| -> Vec<(f64, f64)> {
        let series = price.series(0, el(id));
        let base = series[..4].iter().sum::<f64>() / 4.0;
        out.time
            .iter()
            .zip(&series)
            .filter(|(t, _)| **t < 2016.0)
            .map(|(t, p)| (t + 0.125, p / base))
            .collect()
    };
    let record = |r: &[(f64, f64)]| r.iter().map(|(t, p)| (*t, p / r[0].1)).collect();
    let lines = vec![
        Line {
            label: "Nd, model".into(),
            points: model("Nd"),
            color: 0,
            dashed: false,
        },
        Line {
            label: "Nd, record".into(),
            points: record(&ND_RECORD),
            color: 0,
            dashed: true,
        },
        Line {
            label: "Dy, model".into(),
            points: model("Dy"),
            color: 1,
            dashed: false,
        },
        Line {
            label: "Dy, record".into(),
            points: record(&DY_RECORD),
            color: 1,
            dashed: true,
        },
    ];
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (900, 420)).into_drawing_area();
        let text = ChartText {
            title: "replay-2010: outside price, multiple of its 2009 mean",
            y_desc: "× 2009",
            baseline_label: "dashed: the record",
        };
        let ranges = Ranges {
            x: (2009.0, 2016.0),
            y: (0.5, 50.0),
        };
        lines_chart(
            &area,
            &text,
            &lines,
            ranges,
            YScale::Log,
            Pass::All,
            &ChartStyle::default(),
        )
        .unwrap();
    }
    svg
}

#[test]
fn the_replay_figure_in_validation_is_the_model_s() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/replay-2010.svg");
    let svg = replay_figure();
    assert!(svg.contains("Dy, model") && svg.contains("dashed: the record"));
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &svg).unwrap();
    }
    let kept = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        kept == svg,
        "docs/replay-2010.svg is not what the model draws now: UPDATE_DOCS=1 cargo test --release --test validation_figures"
    );
}
