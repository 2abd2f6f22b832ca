//! `hardline feeds update`: the current KEV catalog and EPSS scores into `.hardline/feeds/`,
//! each asked for conditionally; a feed that fails is reported and keeps its previous file.

use hardline_feeds::FeedKind;
use hardline_feeds::store::Store;
use hardline_feeds::update::{Client, update};

use crate::cli::FeedsUpdateArgs;
use crate::context::Context;
use crate::report::{FeedUpdate, FeedsReport, Report};

pub fn run(ctx: &Context, args: FeedsUpdateArgs) -> anyhow::Result<Report> {
    let store = Store::of_repository(&ctx.root);
    let client = Client::default();
    let kinds: Vec<FeedKind> = FeedKind::ALL
        .into_iter()
        .filter(|k| args.only.as_deref().is_none_or(|only| only == k.name()))
        .collect();
    let mut feeds = Vec::new();
    for kind in kinds {
        let url = url(ctx, kind);
        let result = update(&store, kind, &url, ctx.now, &client);
        feeds.push(FeedUpdate { kind, url, result: result.map_err(|e| e.to_string()) });
    }
    Ok(Report::FeedsUpdate(FeedsReport { root: ctx.root.clone(), feeds }))
}

/// `[feeds] kev_url` / `epss_url`, else the publisher's address.
fn url(ctx: &Context, kind: FeedKind) -> String {
    let configured = match kind {
        FeedKind::Kev => &ctx.config.feeds.kev_url,
        FeedKind::Epss => &ctx.config.feeds.epss_url,
    };
    configured.clone().unwrap_or_else(|| kind.default_url().to_owned())
}
