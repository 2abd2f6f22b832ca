//! Which tracker publishing goes to: GitHub when `GITHUB_TOKEN` and `GITHUB_REPOSITORY` are
//! set, else the local file-backed tracker under `<root>/.hardline/tracker/`.

use hardline_tracker::Tracker;

use crate::context::Context;

pub fn open(ctx: &Context) -> anyhow::Result<Box<dyn Tracker>> {
    Ok(hardline_tracker::from_env(&ctx.root.join(".hardline/tracker"))?)
}

/// The pull request number from `$GITHUB_EVENT_PATH` (the `pull_request` event payload).
pub fn pr_from_event() -> anyhow::Result<Option<u64>> {
    let Some(path) = std::env::var_os("GITHUB_EVENT_PATH") else { return Ok(None) };
    let bytes = std::fs::read(&path)?;
    #[derive(serde::Deserialize)]
    struct Event {
        number: Option<u64>,
        pull_request: Option<PullRequest>,
    }
    #[derive(serde::Deserialize)]
    struct PullRequest {
        number: u64,
    }
    let event: Event = serde_json::from_slice(&bytes).map_err(|e| {
        anyhow::anyhow!("{}: not a GitHub event payload: {e}", std::path::Path::new(&path).display())
    })?;
    Ok(event.pull_request.map(|p| p.number).or(event.number))
}
