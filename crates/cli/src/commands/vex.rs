//! `hardline vex`: the alias of `hardline export openvex`, kept for the scripts that use it.

use hardline_publish::export::Export;

use crate::cli::{ExportArgs, ExportOf};
use crate::context::Context;
use crate::report::{Kind, Report};

pub fn run(ctx: &Context, of: ExportOf) -> anyhow::Result<Report> {
    let export =
        Export::find("openvex").ok_or_else(|| anyhow::anyhow!("the openvex export is not built in"))?;
    super::export::write(ctx, Kind::Vex, ExportArgs { export, of })
}
