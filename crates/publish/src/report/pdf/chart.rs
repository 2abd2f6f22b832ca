//! The trend chart drawn into the PDF: open findings per severity over every recorded scan, as
//! stacked areas (critical at the bottom), with the dashboard chart's scale, layers and colours
//! (`crate::dashboard::chart`), so the page and the PDF show the same picture.

use hardline_model::Severity;

use super::layout::{CONTENT_WIDTH, Flow, MARGIN_X, MUTED, Op, RULE, Style, Weight, severity_color};
use crate::dashboard::Point;
use crate::dashboard::chart::{LAYERS, nice_scale, stacked};

const HEIGHT: f32 = 150.0;
const LEGEND: f32 = 16.0;
const AXIS_LEFT: f32 = 30.0;
const AXIS_BOTTOM: f32 = 16.0;
const LABEL: f32 = 6.5;

pub fn trend(flow: &mut Flow<'_>, points: &[Point]) {
    let top = flow.block(HEIGHT + 6.0);
    legend(flow, top);
    let (left, right) = (MARGIN_X + AXIS_LEFT, MARGIN_X + CONTENT_WIDTH - 8.0);
    let (plot_top, base) = (top + LEGEND + 6.0, top + HEIGHT - AXIS_BOTTOM);
    if points.is_empty() {
        label(flow, left + 4.0, (plot_top + base) / 2.0, "no scan recorded".to_owned());
        return;
    }
    let stack_max = points.iter().map(|p| stacked(p, LAYERS.len())).max().unwrap_or(0);
    let (y_max, step) = nice_scale(stack_max);
    let y = |v: u32| base - v as f32 / y_max as f32 * (base - plot_top);
    let mut v = 0;
    while v <= y_max {
        flow.push(Op::Line { from: (left, y(v)), to: (right, y(v)), width: 0.4, color: RULE });
        label(flow, MARGIN_X + 4.0, y(v) + 2.2, v.to_string());
        v += step;
    }
    let t0 = points[0].at.as_second();
    let t1 = points[points.len() - 1].at.as_second();
    let x = |t: i64| {
        if t1 > t0 {
            left + (t - t0) as f32 / (t1 - t0) as f32 * (right - left)
        } else {
            (left + right) / 2.0
        }
    };
    // One scan (or scans at one instant) is a flat band across the plot.
    let (xs, columns): (Vec<f32>, Vec<&Point>) = if t1 > t0 {
        (points.iter().map(|p| x(p.at.as_second())).collect(), points.iter().collect())
    } else {
        (vec![left, right], vec![&points[points.len() - 1]; 2])
    };
    for (index, severity) in LAYERS.iter().enumerate() {
        let mut outline: Vec<(f32, f32)> =
            xs.iter().zip(&columns).map(|(px, p)| (*px, y(stacked(p, index + 1)))).collect();
        outline.extend(xs.iter().zip(&columns).rev().map(|(px, p)| (*px, y(stacked(p, index)))));
        flow.push(Op::Polygon { points: outline, color: severity_color(*severity) });
    }
    flow.push(Op::Line { from: (left, base), to: (right, base), width: 0.6, color: MUTED });
    let first = super::day(points[0].at);
    let last = super::day(points[points.len() - 1].at);
    label(flow, left, base + 10.0, first.clone());
    if last != first {
        let width = 44.0;
        label(flow, right - width, base + 10.0, last);
    }
}

fn legend(flow: &mut Flow<'_>, top: f32) {
    let mut x = MARGIN_X + AXIS_LEFT;
    for severity in LAYERS {
        flow.push(Op::Rect { x, y: top + 2.0, width: 8.0, height: 8.0, color: severity_color(severity) });
        label(flow, x + 11.0, top + 9.0, word(severity).to_owned());
        x += 64.0;
    }
}

fn word(severity: Severity) -> &'static str {
    severity.as_str()
}

fn label(flow: &mut Flow<'_>, x: f32, y: f32, text: String) {
    let style = Style { size: LABEL, ..Style::META };
    flow.push(Op::Text { x, y, text, weight: Weight::Regular, size: style.size, color: style.color });
}
