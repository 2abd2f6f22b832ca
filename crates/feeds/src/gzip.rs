//! Gzip, as EPSS is published. A file may be given compressed or not: the magic bytes decide.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use crate::FeedError;

/// The most a feed may decompress to. Today's EPSS file is about 10 MB; this refuses a
/// decompression bomb long before memory runs out.
const MAX_DECOMPRESSED: u64 = 512 * 1024 * 1024;

/// Whether `bytes` start like a gzip stream.
pub(crate) fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// `bytes` decompressed when they are gzip, as they are otherwise.
pub(crate) fn maybe_decompress<'a>(bytes: &'a [u8], path: &Path) -> Result<Cow<'a, [u8]>, FeedError> {
    if !is_gzip(bytes) {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4));
    let decoder = flate2::read::MultiGzDecoder::new(bytes);
    decoder.take(MAX_DECOMPRESSED + 1).read_to_end(&mut out).map_err(|e| FeedError::Unreadable {
        path: path.to_path_buf(),
        message: format!("the gzip data is cut short or corrupt ({e})"),
    })?;
    if out.len() as u64 > MAX_DECOMPRESSED {
        return Err(FeedError::Unreadable {
            path: path.to_path_buf(),
            message: format!("decompresses to more than {} MB; refusing it", MAX_DECOMPRESSED >> 20),
        });
    }
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn plain_bytes_pass_and_gzip_is_opened() {
        let path = Path::new("f");
        assert_eq!(maybe_decompress(b"abc", path).ok().as_deref(), Some(&b"abc"[..]));
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(b"hello").ok();
        let gz = encoder.finish().unwrap_or_default();
        assert_eq!(maybe_decompress(&gz, path).ok().as_deref(), Some(&b"hello"[..]));
        let cut = &gz[..gz.len() - 6];
        let error = maybe_decompress(cut, path).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.starts_with("f: the gzip data is cut short or corrupt"), "{error}");
    }
}
