//! `hardline init`: writes the pipeline's workflows, hardline.toml and renovate.json into a
//! repository. It asks nothing (it runs in scripts as well as terminals) and writes nothing
//! when any of its files exists, unless told to replace them (`--force`).

use std::path::Path;

use anyhow::Context as _;
use hardline_model::ImageName;

use crate::cli::InitArgs;
use crate::context::Context;
use crate::init::{ActionPin, render};
use crate::output;
use crate::report::{InitReport, Report};

pub fn run(ctx: &Context, args: InitArgs) -> anyhow::Result<Report> {
    let dir = if args.dir == Path::new(".") { ctx.root.clone() } else { ctx.root.join(&args.dir) };
    let found = images_with_a_dockerfile(&dir)?;
    let images = if args.images.is_empty() { found.clone() } else { args.images.clone() };
    let without_dockerfile: Vec<ImageName> = images.iter().filter(|i| !found.contains(i)).cloned().collect();
    let action = ActionPin::new(args.action_commit);
    if action.commit.is_none() {
        output::warning(&format!(
            "this hardline was not built by a release, so it knows no release commit: the workflows \
             use the tag v{} of the hardline action; pin its commit (--action-commit SHA)",
            action.version
        ));
    }
    let files = render(&action, &images);
    let existing: Vec<&str> =
        files.iter().map(|(path, _)| *path).filter(|path| dir.join(path).exists()).collect();
    anyhow::ensure!(
        existing.is_empty() || args.force,
        "{} already exist(s) in {}: nothing was written (--force replaces them)",
        existing.join(", "),
        dir.display()
    );
    for (path, text) in &files {
        crate::files::write_if_changed(&dir.join(path), text)?;
    }
    Ok(Report::Init(InitReport {
        dir,
        files: files.iter().map(|(path, _)| (*path).to_owned()).collect(),
        images,
        without_dockerfile,
        action,
    }))
}

/// The folders images/NAME/ holding a Dockerfile whose NAME is an image name, sorted.
fn images_with_a_dockerfile(dir: &Path) -> anyhow::Result<Vec<ImageName>> {
    let images_dir = dir.join("images");
    let entries = match std::fs::read_dir(&images_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", images_dir.display())),
    };
    let mut images: Vec<ImageName> = entries
        .flatten()
        .filter(|e| e.path().join("Dockerfile").is_file())
        .filter_map(|e| e.file_name().to_str().and_then(|n| ImageName::new(n).ok()))
        .collect();
    images.sort();
    Ok(images)
}
