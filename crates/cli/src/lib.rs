//! The one part of the `hardline` binary that is also a library: the reader of `hardline.toml`,
//! so that the fuzz targets (`fuzz/`) reach it the way the binary does. Everything else of the
//! binary lives in `main.rs`'s modules.

pub mod config;
