use dsca_model::one_line;
use std::io;
use std::path::PathBuf;

/// Why a package could not be read. Every variant displays as one line that names the
/// problem; a package that fails is never returned half-read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    #[error("not a gzip or tar archive ({})", describe_start(.start))]
    NotAnArchive {
        /// Up to the first four bytes of the input.
        start: Vec<u8>,
    },
    #[error("archive is truncated: {}", one_line(.detail))]
    Truncated { detail: String },
    #[error("corrupt gzip stream: {}", one_line(.detail))]
    Gzip { detail: String },
    #[error("corrupt tar header at entry {entry}: {}", one_line(.detail))]
    CorruptTar {
        /// 1-based position of the entry being read.
        entry: usize,
        detail: String,
    },
    #[error("archive exceeds the limit of {limit} entries")]
    TooManyEntries { limit: usize },
    #[error(
        "file `{}` is {}, over the {} per-file limit",
        one_line(.path),
        size_pair(*.size, *.limit).0,
        size_pair(*.size, *.limit).1
    )]
    FileTooLarge { path: String, size: u64, limit: u64 },
    #[error("package unpacks to more than {}, the total size limit", human_size(*.limit))]
    TotalTooLarge { limit: u64 },
    #[error("compression ratio over {limit}:1 (possible decompression bomb)")]
    RatioTooHigh { limit: u64 },
    #[error(
        "archive stream exceeds {} of file data and tar metadata (possible decompression bomb)",
        human_size(*.limit)
    )]
    StreamTooLarge { limit: u64 },
    // The io::Error is part of the message rather than a `source()`, so that printing
    // the chain does not repeat it.
    #[error("cannot read `{}`: {error}", one_line(&.path.display().to_string()))]
    Io { path: PathBuf, error: io::Error },
}

fn describe_start(start: &[u8]) -> String {
    if start.is_empty() {
        return "input is empty".to_owned();
    }
    let hex: Vec<String> = start.iter().map(|b| format!("{b:02x}")).collect();
    format!("starts with {}", hex.join(" "))
}

/// Formats a byte count the way people read it: `512 bytes`, `12.5 KiB`, `200 MiB`.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, scale) in UNITS {
        if bytes >= scale {
            // Precision loss is fine here: the value is only displayed.
            let value = format!("{:.1}", bytes as f64 / scale as f64);
            let value = value.strip_suffix(".0").unwrap_or(&value);
            return format!("{value} {unit}");
        }
    }
    format!("{bytes} bytes")
}

/// Two sizes for "X, over the Y limit": exact byte counts when rounding would make
/// them look equal.
fn size_pair(size: u64, limit: u64) -> (String, String) {
    let (size_text, limit_text) = (human_size(size), human_size(limit));
    if size_text == limit_text {
        (format!("{size} bytes"), format!("{limit} bytes"))
    } else {
        (size_text, limit_text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(0), "0 bytes");
        assert_eq!(human_size(1023), "1023 bytes");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(200 << 20), "200 MiB");
        assert_eq!(human_size(3 << 30), "3 GiB");
        assert_eq!(
            size_pair((128 << 20) + 1, 128 << 20),
            ("134217729 bytes".to_owned(), "134217728 bytes".to_owned())
        );
    }

    #[test]
    fn messages_are_one_line() {
        let errors = [
            ArchiveError::NotAnArchive {
                start: vec![0x50, 0x4b, 0x03, 0x04],
            },
            ArchiveError::NotAnArchive { start: vec![] },
            ArchiveError::FileTooLarge {
                path: "lib/x.js".into(),
                size: 200 << 20,
                limit: 128 << 20,
            },
            ArchiveError::RatioTooHigh { limit: 200 },
            ArchiveError::TooManyEntries { limit: 100_000 },
        ];
        let texts: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            [
                "not a gzip or tar archive (starts with 50 4b 03 04)",
                "not a gzip or tar archive (input is empty)",
                "file `lib/x.js` is 200 MiB, over the 128 MiB per-file limit",
                "compression ratio over 200:1 (possible decompression bomb)",
                "archive exceeds the limit of 100000 entries",
            ]
        );
    }
}
