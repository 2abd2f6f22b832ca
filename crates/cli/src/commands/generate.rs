//! `hardline completions SHELL` and `hardline man [COMMAND]`: shell completions and manual
//! pages, generated from the command line's own definition (`cli.rs`), so they never disagree
//! with `--help`. Neither reads the repository or its configuration.

use anyhow::Context as _;
use clap::CommandFactory as _;

use roff::{Roff, bold, roman};

use crate::cli::{Cli, CompletionsArgs, ManArgs, UsageError, examples_of};
use crate::files;
use crate::report::{ManReport, Report};

pub fn completions(args: &CompletionsArgs) -> anyhow::Result<Report> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "hardline", &mut script);
    Ok(Report::Completions(String::from_utf8(script).context("the completion script is not UTF-8")?))
}

pub fn man(args: &ManArgs) -> anyhow::Result<Report> {
    let pages = pages();
    match &args.out {
        Some(dir) => {
            let mut written = Vec::new();
            for (name, command) in &pages {
                let path = dir.join(format!("{name}.1"));
                files::write_if_changed(&path, &render(command)?)?;
                written.push(path);
            }
            Ok(Report::Man(ManReport::Written { dir: dir.clone(), files: written }))
        }
        None => {
            let name = page_name(&args.command);
            let (_, command) = pages.iter().find(|(page, _)| *page == name).ok_or_else(|| {
                let known: Vec<String> = pages
                    .iter()
                    .skip(1)
                    .map(|(page, _)| page.trim_start_matches("hardline-").replace('-', " "))
                    .collect();
                UsageError::new(
                    "man",
                    format!(
                        "no command `{}`; the commands with a page are {}",
                        args.command.join(" "),
                        known.join(", ")
                    ),
                )
            })?;
            Ok(Report::Man(ManReport::Page(render(command)?)))
        }
    }
}

/// `hardline-issues-sync` for `["issues", "sync"]` (or `["issues-sync"]`), `hardline` for none.
fn page_name(words: &[String]) -> String {
    std::iter::once("hardline").chain(words.iter().map(String::as_str)).collect::<Vec<_>>().join("-")
}

/// Every page: hardline's own, then one per command and subcommand (not `help`), by page name.
fn pages() -> Vec<(String, clap::Command)> {
    fn walk(command: &clap::Command, out: &mut Vec<(String, clap::Command)>) {
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help" && !s.is_hide_set()) {
            let name = sub.get_display_name().unwrap_or(sub.get_name()).to_owned();
            out.push((name, sub.clone()));
            walk(sub, out);
        }
    }
    let mut root = Cli::command();
    root.build();
    let mut out = vec![("hardline".to_owned(), root.clone())];
    walk(&root, &mut out);
    out
}

/// One page: clap_mangen's sections, with the command's examples as an EXAMPLES section (in
/// place of clap_mangen's untitled EXTRA one) and the source named `hardline <version>`.
fn render(command: &clap::Command) -> anyhow::Result<String> {
    let man =
        clap_mangen::Man::new(command.clone()).source(format!("hardline {}", env!("CARGO_PKG_VERSION")));
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    if command.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut page)?;
    }
    if command.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut page)?;
    }
    let examples = examples_of(command);
    if !examples.is_empty() {
        let mut roff = Roff::new();
        roff.control("SH", ["EXAMPLES"]);
        for (what, line) in examples {
            roff.control("TP", []).text([roman(what)]);
            roff.control("RS", ["4"])
                .control("nf", [])
                .text([bold(line)])
                .control("fi", [])
                .control("RE", []);
        }
        roff.to_writer(&mut page)?;
    }
    if command.get_version().is_some() {
        man.render_version_section(&mut page)?;
    }
    String::from_utf8(page).context("a man page is not UTF-8")
}
