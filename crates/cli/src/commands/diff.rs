use std::fmt::Write;

use hardline_model::{ChangedField, Finding, diff};
use serde::Serialize;

use crate::cli::{DiffArgs, Format};
use crate::context::{Context, read_scan};
use crate::json_v1::{CountsV1, DiffV1};
use crate::{exit, output};

#[derive(Serialize)]
struct DiffReportV1 {
    version: u32,
    old: CountsV1,
    new: CountsV1,
    diff: DiffV1,
}

pub fn run(ctx: &Context, args: DiffArgs) -> anyhow::Result<u8> {
    let old = read_scan(&args.old, args.input)?;
    let new = read_scan(&args.new, args.input)?;
    let change = diff(old.findings(), new.findings());
    match ctx.format {
        Format::Json => output::json(&DiffReportV1 {
            version: 1,
            old: old.counts().into(),
            new: new.counts().into(),
            diff: (&change).into(),
        })?,
        Format::Human | Format::Markdown => {
            let mut out = format!(
                "{} → {}: {} new, {} fixed, {} changed, {} unchanged\n",
                args.old.display(),
                args.new.display(),
                change.new.len(),
                change.fixed.len(),
                change.changed.len(),
                change.unchanged + change.refreshed.len()
            );
            list(&mut out, "new", &change.new);
            list(&mut out, "fixed", &change.fixed);
            for c in &change.changed {
                let _ = writeln!(out, "  changed {} ({})", describe(&c.after), ChangedField::join(&c.fields));
            }
            output::print(&out)?;
        }
    }
    Ok(exit::OK)
}

fn list(out: &mut String, what: &str, findings: &[Finding]) {
    for f in findings {
        let _ = writeln!(out, "  {what:<5} {}", describe(f));
    }
}

/// One line for a terminal. Report text is printed with control characters removed, so a
/// hostile report cannot drive the terminal.
pub fn describe(f: &Finding) -> String {
    let clean = |s: &str| output::terminal_text(s, 120);
    match &f.package {
        Some(p) => format!(
            "{:<8} {} {} {}{}",
            f.severity.label(),
            clean(&f.id),
            clean(&p.name),
            clean(&p.version),
            p.fixed_version.as_deref().map(|v| format!(" (fixed in {})", clean(v))).unwrap_or_default()
        ),
        None => format!(
            "{:<8} {} {}",
            f.severity.label(),
            clean(&f.id),
            f.location.as_ref().map(|l| clean(&l.path)).unwrap_or_default()
        ),
    }
}
