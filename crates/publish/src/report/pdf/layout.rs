//! A small page layout for the report: text measured with the font that draws it, wrapped into
//! lines, flowed down A4 pages; tables whose rows never split and whose header row is repeated
//! on every page a table continues on. The result is a list of pages of positioned drawing
//! operations ([`Op`]), so the page count is known before anything is drawn ("page 2 of 5").

use hardline_model::Severity;

/// A4 in PostScript points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
pub const MARGIN_X: f32 = 48.0;
/// Where content starts and must end on every page; the running header and footer sit outside.
pub const CONTENT_TOP: f32 = 62.0;
pub const CONTENT_BOTTOM: f32 = PAGE_HEIGHT - 58.0;
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;

/// The most lines one table cell may take: a row always fits on a page.
const MAX_CELL_LINES: usize = 14;
const CELL_PAD_X: f32 = 3.5;
const CELL_PAD_Y: f32 = 2.6;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// A colour, 0–255 per channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

pub const INK: Rgb = Rgb(0x20, 0x21, 0x24);
pub const MUTED: Rgb = Rgb(0x5f, 0x63, 0x68);
pub const RULE: Rgb = Rgb(0xda, 0xdc, 0xe0);
pub const SHADE: Rgb = Rgb(0xf1, 0xf3, 0xf4);
pub const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);

/// One drawing operation, in points from the page's top-left corner.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// A single line of text; `y` is its baseline.
    Text {
        x: f32,
        y: f32,
        text: String,
        weight: Weight,
        size: f32,
        color: Rgb,
    },
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        color: Rgb,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        color: Rgb,
    },
    /// A closed, filled polygon.
    Polygon {
        points: Vec<(f32, f32)>,
        color: Rgb,
    },
}

/// What measures text: the width of a string in a weight at a size, in points.
pub trait Measure {
    fn width(&self, text: &str, weight: Weight, size: f32) -> f32;
}

/// Text broken into lines no wider than `width`: at spaces, and inside a word only when the
/// word alone is wider than a line. At most `max_lines` lines; a cut is marked `…`.
pub fn wrap(
    measure: &dyn Measure,
    text: &str,
    weight: Weight,
    size: f32,
    width: f32,
    max_lines: usize,
) -> Vec<String> {
    let space = measure.width(" ", weight, size);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word_width = measure.width(word, weight, size);
        if !line.is_empty() && line_width + space + word_width <= width {
            line.push(' ');
            line.push_str(word);
            line_width += space + word_width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if word_width <= width {
            line = word.to_owned();
            line_width = word_width;
            continue;
        }
        // A word wider than the line (a long version, path, justification or hash): break it
        // after a separator where one fits, else where it must.
        let mut piece = String::new();
        for segment in word.split_inclusive(['_', '/', '-', '.', '+', ':', ',', '@', '~']) {
            let joined = format!("{piece}{segment}");
            if measure.width(&joined, weight, size) <= width {
                piece = joined;
                continue;
            }
            if !piece.is_empty() {
                lines.push(std::mem::take(&mut piece));
            }
            for ch in segment.chars() {
                piece.push(ch);
                if measure.width(&piece, weight, size) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(ch);
                }
            }
        }
        line_width = measure.width(&piece, weight, size);
        line = piece;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && measure.width(&format!("{last}…"), weight, size) > width {
                last.pop();
            }
            last.push('…');
        }
    }
    lines
}

/// How text in a flow or a cell looks.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub weight: Weight,
    pub size: f32,
    pub color: Rgb,
}

impl Style {
    pub const BODY: Style = Style { weight: Weight::Regular, size: 9.0, color: INK };
    pub const META: Style = Style { weight: Weight::Regular, size: 8.5, color: MUTED };
    pub const TITLE: Style = Style { weight: Weight::Bold, size: 18.0, color: INK };
    pub const HEADING: Style = Style { weight: Weight::Bold, size: 12.5, color: INK };
    pub const SUBHEADING: Style = Style { weight: Weight::Bold, size: 10.0, color: INK };
    pub const CELL: Style = Style { weight: Weight::Regular, size: 7.5, color: INK };
    pub const CELL_HEADER: Style = Style { weight: Weight::Bold, size: 7.5, color: INK };

    fn line_height(&self) -> f32 {
        self.size * 1.32
    }

    /// From the top of a line box to its baseline.
    fn ascent(&self) -> f32 {
        self.size * 1.0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table column: its header, its share of the width, its alignment.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub title: &'static str,
    pub share: f32,
    pub align: Align,
}

impl Column {
    pub const fn left(title: &'static str, share: f32) -> Column {
        Column { title, share, align: Align::Left }
    }

    pub const fn right(title: &'static str, share: f32) -> Column {
        Column { title, share, align: Align::Right }
    }
}

/// One table cell.
#[derive(Clone, Debug)]
pub enum Cell {
    Text(String),
    /// A severity (or risk) word on its colour.
    Badge(&'static str, Rgb),
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    pub fn severity(severity: Severity) -> Cell {
        Cell::Badge(severity.label(), severity_color(severity))
    }
}

pub fn severity_color(severity: Severity) -> Rgb {
    let hex = crate::dashboard::chart::color(severity);
    let channel = |at: usize| u8::from_str_radix(hex.get(at..at + 2).unwrap_or("80"), 16).unwrap_or(0x80);
    Rgb(channel(1), channel(3), channel(5))
}

/// Pages being filled from top to bottom.
pub struct Flow<'m> {
    measure: &'m dyn Measure,
    pub pages: Vec<Vec<Op>>,
    y: f32,
}

impl<'m> Flow<'m> {
    pub fn new(measure: &'m dyn Measure) -> Flow<'m> {
        Flow { measure, pages: vec![Vec::new()], y: CONTENT_TOP }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = CONTENT_TOP;
    }

    /// Starts a new page unless `height` more points fit on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > CONTENT_BOTTOM && self.y > CONTENT_TOP {
            self.new_page();
        }
    }

    pub fn space(&mut self, points: f32) {
        self.y += points;
    }

    /// Text across the content width, wrapped.
    pub fn paragraph(&mut self, text: &str, style: Style) {
        self.paragraph_at(MARGIN_X, CONTENT_WIDTH, text, style);
    }

    fn paragraph_at(&mut self, x: f32, width: f32, text: &str, style: Style) {
        for line in wrap(self.measure, text, style.weight, style.size, width, usize::MAX) {
            self.ensure(style.line_height());
            let y = self.y + style.ascent();
            self.text(x, y, line, style);
            self.y += style.line_height();
        }
    }

    fn text(&mut self, x: f32, y: f32, text: String, style: Style) {
        if !text.is_empty() {
            self.ops().push(Op::Text {
                x,
                y,
                text,
                weight: style.weight,
                size: style.size,
                color: style.color,
            });
        }
    }

    /// A section heading, kept with at least `keep` points of what follows it.
    pub fn heading(&mut self, text: &str, style: Style, keep: f32) {
        self.space(style.size * 0.9);
        self.ensure(style.line_height() + keep);
        self.paragraph(text, style);
        if style.size >= Style::HEADING.size {
            let y = self.y + 1.0;
            self.ops().push(Op::Line {
                from: (MARGIN_X, y),
                to: (MARGIN_X + CONTENT_WIDTH, y),
                width: 0.6,
                color: RULE,
            });
            self.space(5.0);
        } else {
            self.space(2.0);
        }
    }

    /// Label–value lines: the label bold in a narrow column, the value wrapped beside it.
    pub fn pairs(&mut self, pairs: &[(&str, String)]) {
        let label_width = 104.0;
        for (label, value) in pairs {
            let lines =
                wrap(self.measure, value, Weight::Regular, Style::BODY.size, CONTENT_WIDTH - label_width, 6);
            let height = lines.len() as f32 * Style::BODY.line_height();
            self.ensure(height);
            let bold = Style { weight: Weight::Bold, ..Style::BODY };
            self.text(MARGIN_X, self.y + bold.ascent(), (*label).to_owned(), bold);
            for (i, line) in lines.into_iter().enumerate() {
                let y = self.y + Style::BODY.ascent() + i as f32 * Style::BODY.line_height();
                self.text(MARGIN_X + label_width, y, line, Style::BODY);
            }
            self.y += height;
        }
    }

    /// Lines on a shaded block, broken anywhere they must be (commands, hashes).
    pub fn code(&mut self, lines: &[String]) {
        let style = Style { size: 7.5, ..Style::BODY };
        let mut wrapped = Vec::new();
        for line in lines {
            wrapped.extend(wrap(self.measure, line, style.weight, style.size, CONTENT_WIDTH - 12.0, 8));
        }
        let height = wrapped.len() as f32 * style.line_height() + 8.0;
        self.ensure(height);
        let top = self.y;
        self.ops().push(Op::Rect { x: MARGIN_X, y: top, width: CONTENT_WIDTH, height, color: SHADE });
        for (i, line) in wrapped.into_iter().enumerate() {
            let y = top + 4.0 + style.ascent() + i as f32 * style.line_height();
            self.text(MARGIN_X + 6.0, y, line, style);
        }
        self.y += height + 4.0;
    }

    /// A table across the content width. A row is never split; when the next row does not fit,
    /// the table continues on a new page under a repetition of its header row.
    pub fn table(&mut self, columns: &[Column], rows: &[Vec<Cell>]) {
        let total: f32 = columns.iter().map(|c| c.share).sum();
        let widths: Vec<f32> = columns.iter().map(|c| c.share / total * CONTENT_WIDTH).collect();
        let header: Vec<Cell> = columns.iter().map(|c| Cell::text(c.title)).collect();
        let header_lines = self.cell_lines(&header, &widths, Style::CELL_HEADER);
        let header_height = row_height(&header_lines, Style::CELL_HEADER);
        let first_height = rows
            .first()
            .map_or(0.0, |row| row_height(&self.cell_lines(row, &widths, Style::CELL), Style::CELL));
        self.ensure(header_height + first_height);
        self.row(columns, &widths, &header, &header_lines, Style::CELL_HEADER, Some(SHADE));
        for row in rows {
            let lines = self.cell_lines(row, &widths, Style::CELL);
            let height = row_height(&lines, Style::CELL);
            if self.y + height > CONTENT_BOTTOM {
                self.new_page();
                self.row(columns, &widths, &header, &header_lines, Style::CELL_HEADER, Some(SHADE));
            }
            self.row(columns, &widths, row, &lines, Style::CELL, None);
        }
        self.space(6.0);
    }

    fn cell_lines(&self, row: &[Cell], widths: &[f32], style: Style) -> Vec<Vec<String>> {
        row.iter()
            .zip(widths)
            .map(|(cell, width)| match cell {
                Cell::Text(text) => wrap(
                    self.measure,
                    text,
                    style.weight,
                    style.size,
                    width - 2.0 * CELL_PAD_X,
                    MAX_CELL_LINES,
                ),
                Cell::Badge(word, _) => vec![(*word).to_owned()],
            })
            .collect()
    }

    fn row(
        &mut self,
        columns: &[Column],
        widths: &[f32],
        cells: &[Cell],
        lines: &[Vec<String>],
        style: Style,
        background: Option<Rgb>,
    ) {
        let height = row_height(lines, style);
        let top = self.y;
        if let Some(color) = background {
            self.ops().push(Op::Rect { x: MARGIN_X, y: top, width: CONTENT_WIDTH, height, color });
        }
        let mut x = MARGIN_X;
        for (((column, width), cell), cell_lines) in columns.iter().zip(widths).zip(cells).zip(lines) {
            match cell {
                Cell::Badge(word, color) => {
                    let text_width = self.measure.width(word, Weight::Bold, style.size - 1.0);
                    let badge = (text_width + 6.0).min(width - 2.0 * CELL_PAD_X);
                    self.ops().push(Op::Rect {
                        x: x + CELL_PAD_X,
                        y: top + CELL_PAD_Y - 0.6,
                        width: badge,
                        height: style.line_height(),
                        color: *color,
                    });
                    let ink = if *color == severity_color(Severity::Medium) { INK } else { WHITE };
                    let badge_style = Style { weight: Weight::Bold, size: style.size - 1.0, color: ink };
                    self.text(
                        x + CELL_PAD_X + 3.0,
                        top + CELL_PAD_Y + style.ascent() - 0.8,
                        (*word).to_owned(),
                        badge_style,
                    );
                }
                Cell::Text(_) => {
                    for (i, line) in cell_lines.iter().enumerate() {
                        let y = top + CELL_PAD_Y + style.ascent() + i as f32 * style.line_height();
                        let line_x = match column.align {
                            Align::Left => x + CELL_PAD_X,
                            Align::Right => {
                                x + width - CELL_PAD_X - self.measure.width(line, style.weight, style.size)
                            }
                        };
                        self.text(line_x, y, line.clone(), style);
                    }
                }
            }
            x += width;
        }
        let bottom = top + height;
        self.ops().push(Op::Line {
            from: (MARGIN_X, bottom),
            to: (MARGIN_X + CONTENT_WIDTH, bottom),
            width: 0.4,
            color: RULE,
        });
        self.y = bottom;
    }

    /// Reserves a block of `height` points (on a new page if it does not fit) and returns its
    /// top, for a drawing such as the chart.
    pub fn block(&mut self, height: f32) -> f32 {
        self.ensure(height);
        let top = self.y;
        self.y += height;
        top
    }

    pub fn push(&mut self, op: Op) {
        self.ops().push(op);
    }
}

fn row_height(lines: &[Vec<String>], style: Style) -> f32 {
    let most = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
    most as f32 * style.line_height() + 2.0 * CELL_PAD_Y
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character is one point wide at size 1.
    struct Fixed;
    impl Measure for Fixed {
        fn width(&self, text: &str, _: Weight, size: f32) -> f32 {
            text.chars().count() as f32 * size
        }
    }

    #[test]
    fn wraps_at_spaces_and_breaks_only_words_too_long_for_a_line() {
        assert_eq!(wrap(&Fixed, "aa bb cc", Weight::Regular, 1.0, 5.0, 9), ["aa bb", "cc"]);
        assert_eq!(wrap(&Fixed, "abcdefghij kl", Weight::Regular, 1.0, 4.0, 9), ["abcd", "efgh", "ij", "kl"]);
        assert_eq!(
            wrap(&Fixed, "code_not_in_path", Weight::Regular, 1.0, 9.0, 9),
            ["code_not_", "in_path"],
            "a long word breaks after a separator when one fits"
        );
        assert_eq!(wrap(&Fixed, "", Weight::Regular, 1.0, 4.0, 9), [""]);
        let cut = wrap(&Fixed, "aaaa bbbb cccc dddd", Weight::Regular, 1.0, 4.0, 2);
        assert_eq!(cut, ["aaaa", "bbb…"], "bounded, and the cut is marked");
    }

    #[test]
    fn a_long_table_repeats_its_header_on_every_page() {
        let mut flow = Flow::new(&Fixed);
        let columns = [Column::left("Head", 1.0)];
        let rows: Vec<Vec<Cell>> = (0..200).map(|i| vec![Cell::text(format!("row{i}"))]).collect();
        flow.table(&columns, &rows);
        assert!(flow.pages.len() > 2, "{} pages", flow.pages.len());
        for (index, page) in flow.pages.iter().enumerate() {
            let texts: Vec<&str> = page
                .iter()
                .filter_map(|op| if let Op::Text { text, .. } = op { Some(text.as_str()) } else { None })
                .collect();
            assert_eq!(texts.first(), Some(&"Head"), "page {index} starts with the header row");
            for op in page {
                if let Op::Text { y, .. } = op {
                    assert!(
                        *y <= CONTENT_BOTTOM && *y >= CONTENT_TOP,
                        "page {index}: text at {y} is outside the content box"
                    );
                }
            }
        }
        let rows_drawn: usize = flow
            .pages
            .iter()
            .flatten()
            .filter(|op| matches!(op, Op::Text { text, .. } if text.starts_with("row")))
            .count();
        assert_eq!(rows_drawn, 200, "every row once");
    }
}
