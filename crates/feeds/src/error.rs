use std::path::PathBuf;

/// Why a feed could not be read or downloaded. Every variant names the file or the URL.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// The file is not what the feed's publisher writes, at a line and column.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid { path: PathBuf, line: usize, column: usize, message: String },
    /// The file as a whole is wrong (not gzip, cut short, far too large).
    #[error("{path}: {message}")]
    Unreadable { path: PathBuf, message: String },
    /// The host could not be reached at all: no network, DNS, refused, timed out.
    #[error(
        "cannot download the {title} from {url}: {detail}. Are you offline? Every command works \
         without feeds; a file downloaded elsewhere can be given with --{name} FILE"
    )]
    Offline { title: &'static str, name: &'static str, url: String, detail: String },
    /// The host answered, but not with the file.
    #[error("cannot download the {title} from {url}: {detail}")]
    Http { title: &'static str, url: String, status: Option<u16>, detail: String },
    /// The host answered with something that is not the feed; the previous file is kept.
    #[error("the {title} downloaded from {url} is not valid, so the previous file is kept: {source}")]
    InvalidDownload {
        title: &'static str,
        url: String,
        #[source]
        source: Box<FeedError>,
    },
}

impl FeedError {
    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> FeedError + '_ {
        move |source| FeedError::Io { path: path.to_path_buf(), source }
    }
}
