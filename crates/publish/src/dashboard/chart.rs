//! The trend chart: a hand-written SVG of open findings per severity over the recorded scans,
//! as stacked areas (critical at the bottom), with axes, a legend and a `<title>` tooltip per
//! point. A point per scan up to [`MAX_POINTS`]; beyond that, a point per week, month or year
//! (the finest that fits), each the counts at the period's last scan, so that the chart's size
//! does not grow with the history. Presentation attributes only (no `style=`), so the page's
//! CSP holds.

use std::fmt::Write;

use hardline_model::{Counts, Severity};

use super::Point;
use super::escape::{MAX_TEXT, esc};

/// The most points a chart draws.
pub const MAX_POINTS: usize = 200;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 48.0;
/// Stacked bottom to top.
pub(crate) const LAYERS: [Severity; 4] =
    [Severity::Critical, Severity::High, Severity::Medium, Severity::Low];

pub fn color(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "#b3261e",
        Severity::High => "#e8710a",
        Severity::Medium => "#f2b600",
        Severity::Low => "#4a86e8",
        Severity::Unknown => "#80868b",
    }
}

/// One point of the chart: a scan, or the last scan of a period.
struct Plotted {
    at: i64,
    counts: Counts,
    /// The tooltip's heading: the scan's time, or the period and its scans.
    label: String,
}

/// What scans are grouped by when there are too many to draw one point each: the name of
/// the period and the key of a day in it.
struct Period {
    name: &'static str,
    key: fn(jiff::civil::Date) -> String,
}

/// Finest first.
const PERIODS: [Period; 3] = [
    Period {
        name: "week",
        key: |day| {
            let week = day.iso_week_date();
            format!("{}-W{:02}", week.year(), week.week())
        },
    },
    Period { name: "month", key: |day| format!("{:04}-{:02}", day.year(), day.month()) },
    Period { name: "year", key: |day| format!("{:04}", day.year()) },
];

/// The points to draw for `points` (oldest first), and the period each stands for when they
/// are aggregated.
fn plotted(points: &[Point]) -> (Vec<Plotted>, Option<&'static str>) {
    if points.len() <= MAX_POINTS {
        let each = points.iter().map(|p| Plotted {
            at: p.at.as_second(),
            counts: p.counts,
            label: super::rfc3339(p.at),
        });
        return (each.collect(), None);
    }
    let mut grouped = (Vec::new(), None);
    for period in &PERIODS {
        grouped = (per_period(points, period), Some(period.name));
        if grouped.0.len() <= MAX_POINTS {
            break;
        }
    }
    grouped
}

/// One point per period: the counts at its last scan.
fn per_period(points: &[Point], period: &Period) -> Vec<Plotted> {
    let key = |point: &Point| (period.key)(jiff::tz::Offset::UTC.to_datetime(point.at).date());
    let mut out = Vec::new();
    let mut scans = 0;
    for (index, point) in points.iter().enumerate() {
        scans += 1;
        let this = key(point);
        if points.get(index + 1).map(key).as_ref() != Some(&this) {
            let plural = if scans == 1 { "" } else { "s" };
            let label = format!(
                "{} {this}, {scans} scan{plural}, the last at {}",
                period.name,
                super::rfc3339(point.at)
            );
            out.push(Plotted { at: point.at.as_second(), counts: point.counts, label });
            scans = 0;
        }
    }
    out
}

/// The chart of `points` (oldest first) for `image`.
pub fn trend(image: &str, points: &[Point]) -> String {
    let image = esc(image, MAX_TEXT);
    let scans = points.len();
    let (points, period) = plotted(points);
    let per = period.map(|p| format!(", one point per {p}")).unwrap_or_default();
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" font-size=\"11\" \
         font-family=\"system-ui, sans-serif\"><title>Open findings per severity of {image}, {scans} scans{per}</title>"
    );
    legend(&mut out);
    if points.is_empty() {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#5f6368\">no scan recorded</text></svg>",
            WIDTH / 2.0,
            HEIGHT / 2.0
        );
        return out;
    }
    let stack_max = points.iter().map(|p| stacked_counts(&p.counts, LAYERS.len())).max().unwrap_or(0);
    let (y_max, step) = nice_scale(stack_max);
    let t0 = points[0].at;
    let t1 = points[points.len() - 1].at;
    let plot_w = WIDTH - LEFT - RIGHT;
    let x = |t: i64| {
        if t1 > t0 { LEFT + (t - t0) as f64 / (t1 - t0) as f64 * plot_w } else { LEFT + plot_w / 2.0 }
    };
    let y = |v: u32| HEIGHT - BOTTOM - f64::from(v) / f64::from(y_max) * (HEIGHT - TOP - BOTTOM);
    y_axis(&mut out, y_max, step, &y);
    x_axis(&mut out, t0, t1, &x);
    // A single point (or points at one instant) is drawn as a flat band across the plot.
    let xs: Vec<f64> =
        if t1 > t0 { points.iter().map(|p| x(p.at)).collect() } else { vec![LEFT, WIDTH - RIGHT] };
    let values = |layer: usize| -> Vec<u32> {
        if t1 > t0 {
            points.iter().map(|p| stacked_counts(&p.counts, layer)).collect()
        } else {
            let last = &points[points.len() - 1];
            vec![stacked_counts(&last.counts, layer); 2]
        }
    };
    for (index, severity) in LAYERS.iter().enumerate() {
        let (lower, upper) = (values(index), values(index + 1));
        let mut d = String::new();
        for (i, (px, v)) in xs.iter().zip(&upper).enumerate() {
            let _ = write!(d, "{}{px:.1},{:.1} ", if i == 0 { "M" } else { "L" }, y(*v));
        }
        for (px, v) in xs.iter().zip(&lower).rev() {
            let _ = write!(d, "L{px:.1},{:.1} ", y(*v));
        }
        let _ = write!(
            out,
            "<path d=\"{}Z\" fill=\"{}\" fill-opacity=\"0.85\" stroke=\"{}\"><title>{}</title></path>",
            d,
            color(*severity),
            color(*severity),
            severity.as_str()
        );
    }
    hover_bands(&mut out, &points, &x, &y);
    out.push_str("</svg>");
    out
}

/// The sum of the bottom `layers` layers of `point` (the PDF's chart draws with it).
#[cfg_attr(not(feature = "pdf"), allow(dead_code))]
pub(crate) fn stacked(point: &Point, layers: usize) -> u32 {
    stacked_counts(&point.counts, layers)
}

/// The sum of the bottom `layers` layers of `counts`.
fn stacked_counts(counts: &Counts, layers: usize) -> u32 {
    LAYERS[..layers].iter().map(|s| counts.get(*s)).sum()
}

/// The top of the y axis and its tick step: 1, 2 or 5 × 10ⁿ, at most about five ticks.
pub(crate) fn nice_scale(max: u32) -> (u32, u32) {
    let max = max.max(1);
    let mut magnitude = 1u32;
    loop {
        for factor in [1, 2, 5] {
            let step = magnitude.saturating_mul(factor);
            if max.div_ceil(step) <= 5 {
                return (max.div_ceil(step) * step, step);
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

fn legend(out: &mut String) {
    let mut x = LEFT;
    for severity in LAYERS {
        let _ = write!(
            out,
            "<rect x=\"{x}\" y=\"8\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"18\">{}</text>",
            color(severity),
            x + 16.0,
            severity.as_str()
        );
        x += 84.0;
    }
}

fn y_axis(out: &mut String, y_max: u32, step: u32, y: &impl Fn(u32) -> f64) {
    let mut v = 0;
    while v <= y_max {
        let py = y(v);
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{py:.1}\" y2=\"{py:.1}\" stroke=\"#dadce0\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{v}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            py + 4.0
        );
        v += step;
    }
    let mid = (TOP + HEIGHT - BOTTOM) / 2.0;
    let _ = write!(
        out,
        "<text x=\"14\" y=\"{mid}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {mid})\">open findings</text>"
    );
}

fn x_axis(out: &mut String, t0: i64, t1: i64, x: &impl Fn(i64) -> f64) {
    let base = HEIGHT - BOTTOM;
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{base}\" y2=\"{base}\" stroke=\"#5f6368\"/>",
        WIDTH - RIGHT
    );
    // Five evenly spaced dates (or one), skipping a label equal to the one before it.
    let ticks: Vec<i64> = if t1 > t0 { (0..5).map(|k| t0 + (t1 - t0) * k / 4).collect() } else { vec![t0] };
    let mut previous = String::new();
    for (k, t) in ticks.iter().enumerate() {
        let label = date(*t);
        if label == previous {
            continue;
        }
        let anchor = match k {
            0 if ticks.len() > 1 => "start",
            4 => "end",
            _ => "middle",
        };
        let px = x(*t);
        let _ = write!(
            out,
            "<line x1=\"{px:.1}\" x2=\"{px:.1}\" y1=\"{base}\" y2=\"{}\" stroke=\"#5f6368\"/>\
             <text x=\"{px:.1}\" y=\"{}\" text-anchor=\"{anchor}\">{label}</text>",
            base + 4.0,
            base + 16.0
        );
        previous = label;
    }
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">scan time (UTC)</text>",
        LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
        HEIGHT - 10.0
    );
}

/// A transparent band and a dot per point, each with a `<title>` tooltip of its counts.
fn hover_bands(out: &mut String, points: &[Plotted], x: &impl Fn(i64) -> f64, y: &impl Fn(u32) -> f64) {
    let xs: Vec<f64> = points.iter().map(|p| x(p.at)).collect();
    for (i, point) in points.iter().enumerate() {
        let left = if i == 0 { LEFT } else { (xs[i - 1] + xs[i]) / 2.0 };
        let right = if i + 1 == xs.len() { WIDTH - RIGHT } else { (xs[i] + xs[i + 1]) / 2.0 };
        let c = &point.counts;
        let tip = format!(
            "{}: critical {}, high {}, medium {}, low {}, unknown {}, total {}",
            esc(&point.label, 120),
            c.critical,
            c.high,
            c.medium,
            c.low,
            c.unknown,
            c.total()
        );
        let _ = write!(
            out,
            "<g class=\"hit\"><title>{tip}</title><rect x=\"{left:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{}\" \
             fill=\"#202124\" fill-opacity=\"0\"/><circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#202124\"/></g>",
            (right - left).max(0.0),
            HEIGHT - TOP - BOTTOM,
            xs[i],
            y(stacked_counts(c, LAYERS.len()))
        );
    }
}

fn date(second: i64) -> String {
    jiff::Timestamp::from_second(second).map(|t| t.strftime("%Y-%m-%d").to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weekly(n: usize) -> Vec<Point> {
        let first = jiff::Timestamp::from_second(1_767_585_600).unwrap_or_default();
        (0..n)
            .map(|week| Point {
                at: jiff::Timestamp::from_second(first.as_second() + 7 * 86_400 * week as i64)
                    .unwrap_or_default(),
                counts: Counts { high: week as u32 % 7, ..Counts::default() },
            })
            .collect()
    }

    /// Up to MAX_POINTS scans, a point each; beyond, the finest period that fits, each point the
    /// counts at its period's last scan: the chart's size stops growing with the history.
    #[test]
    fn a_long_history_is_drawn_per_week_month_or_year() {
        let (few, period) = plotted(&weekly(MAX_POINTS));
        assert_eq!((few.len(), period), (MAX_POINTS, None));
        let (years, period) = plotted(&weekly(MAX_POINTS + 1));
        assert_eq!(period, Some("month"), "weekly scans: a week is one scan, so months");
        assert!(years.len() <= MAX_POINTS && years.len() >= 45, "{}", years.len());
        let points = weekly(5_000);
        let (long, period) = plotted(&points);
        assert_eq!(period, Some("year"));
        assert!(long.len() <= MAX_POINTS, "{}", long.len());
        let last = long.last().map(|p| (p.at, p.counts));
        assert_eq!(
            last,
            points.last().map(|p| (p.at.as_second(), p.counts)),
            "the last scan ends the last period"
        );
        let most = trend("app", &weekly(MAX_POINTS)).len();
        let large = trend("app", &points).len();
        assert!(large < most, "bounded: {most} bytes for {MAX_POINTS} scans, {large} for 5,000");
        assert!(trend("app", &points).contains("5000 scans, one point per year"));
    }

    #[test]
    fn scales_are_round() {
        assert_eq!(nice_scale(0), (1, 1));
        assert_eq!(nice_scale(7), (8, 2));
        assert_eq!(nice_scale(23), (25, 5));
        assert_eq!(nice_scale(480), (500, 100));
    }
}
