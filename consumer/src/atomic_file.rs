//! Writing a file whole or not at all.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Boxed errors from a writer callback.
pub type WriteError = Box<dyn std::error::Error + Send + Sync>;

/// Writes `path` through `write`: into a temporary file beside it, synced and renamed into
/// place only when `write` succeeds, so readers never see a half-written file and a failure
/// leaves nothing behind.
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<&mut File>) -> Result<T, WriteError>,
) -> Result<T, WriteError> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".partial-")
        .tempfile_in(dir)?;
    let value = {
        let mut out = BufWriter::new(temp.as_file_mut());
        let value = write(&mut out)?;
        out.flush()?;
        value
    };
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.txt");
        let result = write_atomically(&path, |out| {
            out.write_all(b"half")?;
            Err::<(), WriteError>("stopped".into())
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 0);

        write_atomically(&path, |out| Ok(out.write_all(b"whole")?)).expect("writes");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "whole");
    }
}
