//! The report as a PDF: A4, drawn natively with krilla in Noto Sans (embedded and subset, from
//! the `notosans` crate, SIL Open Font License 1.1), selectable and extractable text, a running
//! header and "page N of M" on every page, tables whose header row repeats on every page they
//! continue on. Deterministic: the same report gives the same bytes (no clock, no random id;
//! the document's date is the report's `as_of`).
//!
//! Report text is drawn as glyphs, so markup means nothing here; it goes through
//! [`single_line`] (no control or invisible character, bounded) all the same, and the document has no
//! link of any kind.

mod chart;
mod layout;

use hardline_model::text::single_line;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::{Data, Document};
use layout::{
    CONTENT_WIDTH, Cell, Column, Flow, MARGIN_X, Measure, Op, PAGE_HEIGHT, PAGE_WIDTH, Rgb, Style, Weight,
};

use super::html::MAX_REASON;
use super::{ImageReport, cvss_text, day, minute, subject_text, versions_text};
use crate::PublishError;

/// Noto Sans, regular and bold, with the text shaper's view of each.
struct Fonts {
    regular: Face,
    bold: Face,
}

struct Face {
    font: Font,
    shaper: rustybuzz::Face<'static>,
    units_per_em: f32,
}

impl Face {
    fn new(data: &'static [u8]) -> Result<Face, PublishError> {
        let broken = || PublishError::Other("the embedded Noto Sans font does not parse".to_owned());
        let font = Font::new(Data::from(data), 0).ok_or_else(broken)?;
        let shaper = rustybuzz::Face::from_slice(data, 0).ok_or_else(broken)?;
        let units_per_em = shaper.units_per_em() as f32;
        Ok(Face { font, shaper, units_per_em })
    }
}

impl Fonts {
    fn load() -> Result<Fonts, PublishError> {
        Ok(Fonts { regular: Face::new(notosans::REGULAR_TTF)?, bold: Face::new(notosans::BOLD_TTF)? })
    }

    fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}

impl Measure for Fonts {
    /// The advance of `text` as krilla will draw it: shaped by the same shaper.
    fn width(&self, text: &str, weight: Weight, size: f32) -> f32 {
        let face = self.face(weight);
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let glyphs = rustybuzz::shape(&face.shaper, &[], buffer);
        let units: i32 = glyphs.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 / face.units_per_em * size
    }
}

/// The longest piece of report text in one cell.
const MAX_CELL_TEXT: usize = 200;

/// The whole document.
pub fn render(report: &ImageReport) -> Result<Vec<u8>, PublishError> {
    let fonts = Fonts::load()?;
    let mut flow = Flow::new(&fonts);
    sections(&mut flow, report);
    let pages = std::mem::take(&mut flow.pages);
    paint(&fonts, report, &pages)
}

/// Report text for the page.
fn text(value: &str, max: usize) -> String {
    single_line(value, max)
}

fn sections(flow: &mut Flow<'_>, report: &ImageReport) {
    let image = report.image.as_str();
    flow.paragraph(&format!("Security report · {image}"), Style::TITLE);
    flow.space(2.0);
    flow.paragraph(
        &format!(
            "As of {}; changes since {}. Made by hardline {} from the image's audit log.",
            minute(report.as_of),
            minute(report.since),
            env!("CARGO_PKG_VERSION")
        ),
        Style::META,
    );

    flow.heading("Image", Style::HEADING, 40.0);
    let p = &report.product;
    let mut pairs: Vec<(&str, String)> = vec![("Image", image.to_owned())];
    if let Some(artifact) = &p.artifact {
        pairs.push(("Artifact", text(artifact, MAX_CELL_TEXT)));
    }
    pairs.push(("Digest", p.digest.clone().unwrap_or_else(|| "not known to the scan".to_owned())));
    pairs.push(("Package URL", text(&p.purl, MAX_CELL_TEXT)));
    if let Some(os) = &p.os {
        pairs.push(("Operating system", text(os, 80)));
    }
    if let Some(scan) = &report.scan {
        let version =
            scan.scanner_version.as_deref().map(|v| format!(" {}", text(v, 40))).unwrap_or_default();
        pairs.push(("Last scan", format!("{} by {}{version}", minute(scan.at), text(&scan.scanner, 40))));
    }
    flow.pairs(&pairs);

    let posture = &report.posture;
    let c = &posture.open;
    flow.heading("Posture after exceptions", Style::HEADING, 60.0);
    flow.paragraph(
        &format!(
            "Risk {}: {} open findings, {} accepted by exceptions; {} unique vulnerability ids and {} with a fix \
             available among the open ones.",
            posture.risk,
            c.total(),
            posture.accepted,
            posture.unique,
            posture.fixable
        ),
        Style::BODY,
    );
    flow.space(3.0);
    flow.table(
        &[
            Column::right("Critical", 1.0),
            Column::right("High", 1.0),
            Column::right("Medium", 1.0),
            Column::right("Low", 1.0),
            Column::right("Unknown", 1.0),
            Column::right("Open", 1.0),
            Column::right("Accepted", 1.0),
        ],
        &[[c.critical, c.high, c.medium, c.low, c.unknown, c.total()]
            .iter()
            .map(|n| Cell::text(n.to_string()))
            .chain([Cell::text(posture.accepted.to_string())])
            .collect()],
    );
    chart::trend(flow, &report.trend);
    flow.paragraph("Open findings after exceptions right after each recorded scan.", Style::META);

    let rows: Vec<Vec<Cell>> = report
        .critical_and_high()
        .map(|item| {
            let f = &item.finding;
            vec![
                Cell::severity(f.severity),
                Cell::text(text(&f.id, 80)),
                Cell::text(text(&subject_text(f), MAX_CELL_TEXT)),
                Cell::text(text(&versions_text(f), MAX_CELL_TEXT)),
                Cell::text(cvss_text(f)),
                Cell::text(item.first_seen.map(day).unwrap_or_default()),
                Cell::text(item.due.map(|d| d.to_string()).unwrap_or_default()),
                Cell::text(report.status_of(item)),
            ]
        })
        .collect();
    flow.heading(&format!("Critical and high findings ({})", rows.len()), Style::HEADING, 40.0);
    if rows.is_empty() {
        flow.paragraph("None.", Style::BODY);
    } else {
        flow.table(
            &[
                Column::left("Severity", 1.15),
                Column::left("ID", 1.7),
                Column::left("Package", 1.8),
                Column::left("Installed → fixed", 2.2),
                Column::right("CVSS", 0.6),
                Column::left("First seen", 1.2),
                Column::left("Due", 1.2),
                Column::left("Status", 1.4),
            ],
            &rows,
        );
    }

    let packages = report.lesser_by_package();
    let total: u32 = packages.iter().map(|p| p.counts.total()).sum();
    flow.heading(&format!("Medium and low findings by package ({total})"), Style::HEADING, 40.0);
    if packages.is_empty() {
        flow.paragraph("None.", Style::BODY);
    } else {
        let rows: Vec<Vec<Cell>> = packages
            .iter()
            .map(|p| {
                vec![
                    Cell::text(text(&p.name, MAX_CELL_TEXT)),
                    Cell::text(text(&p.version, MAX_CELL_TEXT)),
                    Cell::text(p.counts.medium.to_string()),
                    Cell::text(p.counts.low.to_string()),
                    Cell::text(p.counts.unknown.to_string()),
                    Cell::text(p.fixable.to_string()),
                    Cell::text(p.accepted.to_string()),
                ]
            })
            .collect();
        flow.table(
            &[
                Column::left("Package", 3.0),
                Column::left("Installed", 2.6),
                Column::right("Medium", 0.9),
                Column::right("Low", 0.9),
                Column::right("Unknown", 0.9),
                Column::right("Fixable", 0.9),
                Column::right("Accepted", 0.9),
            ],
            &rows,
        );
    }

    flow.heading(&format!("Accepted risks ({})", report.accepted.len()), Style::HEADING, 40.0);
    if report.accepted.is_empty() {
        flow.paragraph("None: every finding counts.", Style::BODY);
    } else {
        let rows: Vec<Vec<Cell>> = report
            .accepted
            .iter()
            .map(|risk| {
                let e = &risk.exception;
                let scope = text(&risk.scope_text(), 300);
                let expires = risk.expires_text();
                vec![
                    Cell::text(text(&e.id, 80)),
                    Cell::text(scope),
                    Cell::text(text(&e.reason, MAX_REASON)),
                    Cell::text(text(e.vex.as_deref().unwrap_or("—"), 80)),
                    Cell::text(expires),
                    Cell::text(risk.findings.to_string()),
                ]
            })
            .collect();
        flow.table(
            &[
                Column::left("ID", 1.5),
                Column::left("Scope", 1.3),
                Column::left("Reason", 3.4),
                Column::left("VEX justification", 2.1),
                Column::left("Expires", 1.3),
                Column::right("Findings", 1.0),
            ],
            &rows,
        );
    }

    let changes = &report.changes;
    flow.heading(&format!("Changes since {}", day(report.since)), Style::HEADING, 40.0);
    flow.paragraph(
        &format!(
            "{} new, {} fixed, {} changed.",
            changes.new.len(),
            changes.fixed.len(),
            changes.changed.len()
        ),
        Style::BODY,
    );
    for list in changes.lists().iter().filter(|l| !l.rows.is_empty()) {
        flow.heading(&format!("{} ({})", list.heading, list.rows.len()), Style::SUBHEADING, 30.0);
        let rows: Vec<Vec<Cell>> = list
            .rows
            .iter()
            .map(|(f, change)| {
                vec![
                    Cell::severity(f.severity),
                    Cell::text(text(&f.id, 80)),
                    Cell::text(text(&subject_text(f), MAX_CELL_TEXT)),
                    Cell::text(text(change, 400)),
                ]
            })
            .collect();
        flow.table(
            &[
                Column::left("Severity", 1.15),
                Column::left("ID", 1.9),
                Column::left("Package", 3.0),
                Column::left(list.column, 4.0),
            ],
            &rows,
        );
    }

    let sla = &report.sla;
    flow.heading("SLA compliance", Style::HEADING, 60.0);
    flow.paragraph(&sla.summary(), Style::BODY);
    flow.space(3.0);
    let rows: Vec<Vec<Cell>> = sla
        .open
        .iter()
        .map(|(severity, open, overdue)| {
            vec![
                Cell::severity(*severity),
                Cell::text(sla.sla.days(*severity).unwrap_or_default().to_string()),
                Cell::text(open.to_string()),
                Cell::text(overdue.to_string()),
                Cell::text(sla.mttr_text(*severity)),
            ]
        })
        .collect();
    flow.table(
        &[
            Column::left("Severity", 1.2),
            Column::right("Days", 0.8),
            Column::right("Open", 0.8),
            Column::right("Overdue", 0.9),
            Column::left("Mean time to remediate", 3.0),
        ],
        &rows,
    );

    let chain = &report.chain;
    flow.heading("Verify this report", Style::HEADING, 80.0);
    flow.paragraph(
        &format!(
            "Made from the audit log {} up to event {}, whose hash is {}. In a checkout of the repository, run:",
            chain.log, chain.seq, chain.hash
        ),
        Style::BODY,
    );
    flow.space(3.0);
    flow.code(&chain.verify_commands());
    flow.paragraph(
        "The first command recomputes every hash of every log and every view and names the first line that does \
         not match; the second prints the event this report names, with its hash. The log is append-only, so the \
         event keeps that line and hash in every later version of the repository.",
        Style::BODY,
    );
}

/// Draws the laid-out pages, with the running header and the page numbers.
fn paint(fonts: &Fonts, report: &ImageReport, pages: &[Vec<Op>]) -> Result<Vec<u8>, PublishError> {
    let mut document = Document::new();
    let count = pages.len();
    let header = format!("Security report · {} · as of {}", report.image, minute(report.as_of));
    let footer =
        format!("hardline {} · {}", env!("CARGO_PKG_VERSION"), single_line(&report.product.purl, 120));
    for (index, ops) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| PublishError::Other("A4 is not a page size krilla accepts".to_owned()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let number = format!("Page {} of {count}", index + 1);
        let running = [
            Op::Text {
                x: MARGIN_X,
                y: 36.0,
                text: header.clone(),
                weight: Weight::Regular,
                size: 7.5,
                color: layout::MUTED,
            },
            Op::Line {
                from: (MARGIN_X, 42.0),
                to: (MARGIN_X + CONTENT_WIDTH, 42.0),
                width: 0.5,
                color: layout::RULE,
            },
            Op::Text {
                x: MARGIN_X,
                y: PAGE_HEIGHT - 30.0,
                text: footer.clone(),
                weight: Weight::Regular,
                size: 7.5,
                color: layout::MUTED,
            },
            Op::Text {
                x: MARGIN_X + CONTENT_WIDTH - fonts.width(&number, Weight::Regular, 7.5),
                y: PAGE_HEIGHT - 30.0,
                text: number,
                weight: Weight::Regular,
                size: 7.5,
                color: layout::MUTED,
            },
        ];
        for op in running.iter().chain(ops) {
            draw(&mut surface, fonts, op);
        }
        surface.finish();
        page.finish();
    }
    let date = jiff::tz::Offset::UTC.to_datetime(report.as_of);
    let created = DateTime::new(u16::try_from(date.year()).unwrap_or(1970))
        .month(u8::try_from(date.month()).unwrap_or(1))
        .day(u8::try_from(date.day()).unwrap_or(1))
        .hour(u8::try_from(date.hour()).unwrap_or(0))
        .minute(u8::try_from(date.minute()).unwrap_or(0))
        .second(u8::try_from(date.second()).unwrap_or(0))
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    document.set_metadata(
        Metadata::new()
            .title(format!("Security report · {}", report.image))
            .creator(format!("hardline {}", env!("CARGO_PKG_VERSION")))
            .language("en".to_owned())
            .creation_date(created),
    );
    document.finish().map_err(|e| PublishError::Other(format!("cannot write the PDF: {e:?}")))
}

fn color(c: Rgb) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

fn fill(c: Rgb) -> Fill {
    Fill { paint: color(c), opacity: NormalizedF32::ONE, rule: FillRule::default() }
}

fn draw(surface: &mut krilla::surface::Surface<'_>, fonts: &Fonts, op: &Op) {
    match op {
        Op::Text { x, y, text, weight, size, color: ink } => {
            surface.set_stroke(None);
            surface.set_fill(Some(fill(*ink)));
            let font = fonts.face(*weight).font.clone();
            surface.draw_text(Point::from_xy(*x, *y), font, *size, text, false, TextDirection::Auto);
        }
        Op::Rect { x, y, width, height, color: shade } => {
            polygon(surface, &[(*x, *y), (x + width, *y), (x + width, y + height), (*x, y + height)], *shade);
        }
        Op::Polygon { points, color: shade } => polygon(surface, points, *shade),
        Op::Line { from, to, width, color: ink } => {
            let mut path = PathBuilder::new();
            path.move_to(from.0, from.1);
            path.line_to(to.0, to.1);
            if let Some(path) = path.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke { paint: color(*ink), width: *width, ..Stroke::default() }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
    }
}

fn polygon(surface: &mut krilla::surface::Surface<'_>, points: &[(f32, f32)], shade: Rgb) {
    let mut path = PathBuilder::new();
    for (i, (x, y)) in points.iter().enumerate() {
        if i == 0 {
            path.move_to(*x, *y);
        } else {
            path.line_to(*x, *y);
        }
    }
    path.close();
    if let Some(path) = path.finish() {
        surface.set_stroke(None);
        surface.set_fill(Some(fill(shade)));
        surface.draw_path(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_has_every_character_hardline_writes() {
        let fonts = Fonts::load().expect("fonts");
        for ch in "→…·—–±’“” ".chars() {
            assert!(fonts.regular.shaper.glyph_index(ch).is_some(), "Noto Sans lacks {ch:?}");
            assert!(fonts.bold.shaper.glyph_index(ch).is_some(), "Noto Sans Bold lacks {ch:?}");
        }
    }
}
