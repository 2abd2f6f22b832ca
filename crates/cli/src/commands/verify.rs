use std::fmt::Write;

use serde::Serialize;

use crate::cli::Format;
use crate::context::Context;
use crate::{exit, output};

#[derive(Serialize)]
struct VerifyV1 {
    version: u32,
    ok: bool,
    images: Vec<ImageV1>,
    problems: Vec<ProblemV1>,
}

#[derive(Serialize)]
struct ImageV1 {
    name: hardline_model::ImageName,
    events: u64,
    head: String,
}

#[derive(Serialize)]
struct ProblemV1 {
    file: String,
    line: usize,
    message: String,
}

pub fn run(ctx: &Context) -> anyhow::Result<u8> {
    let ledger = ctx.ledger();
    // Take the lock so that verify never reads a write in progress, and so that an
    // interrupted write is completed first (recovery is part of taking the lock).
    let writer = ledger.lock()?;
    if let Some(note) = &writer.recovered {
        output::note(&format!("note: {note}"));
    }
    let report = ledger.verify()?;
    drop(writer);
    let result = VerifyV1 {
        version: 1,
        ok: report.ok(),
        images: report
            .images
            .iter()
            .map(|(n, e, h)| ImageV1 { name: n.clone(), events: *e, head: h.clone() })
            .collect(),
        problems: report
            .problems
            .iter()
            .map(|p| ProblemV1 {
                file: p.path.display().to_string(),
                line: p.line,
                message: p.message.clone(),
            })
            .collect(),
    };
    match ctx.format {
        Format::Json => output::json(&result)?,
        Format::Human | Format::Markdown => {
            let mut out = String::new();
            for image in &result.images {
                let _ = writeln!(out, "{}: {} events, head {}", image.name, image.events, image.head);
            }
            for problem in &report.problems {
                let _ = writeln!(out, "{problem}");
            }
            out.push_str(if result.ok { "ledger verifies" } else { "ledger does NOT verify" });
            output::print(&out)?;
        }
    }
    Ok(if result.ok { exit::OK } else { exit::VERIFY_FAILED })
}
