//! Receiving a spreadsheet from a form or the API: the multipart field
//! `file` streamed to disk, never held in memory, refused past a size.

use std::path::{Path, PathBuf};

use axum::extract::Multipart;
use tokio::io::AsyncWriteExt;

use crate::error::{AppError, AppResult};

/// Stream the multipart field "file" into `dir`, refusing what is larger
/// than `max` bytes or empty. Returns the stored file and the name it was
/// sent with (letters, digits, `.-_` only).
pub async fn receive(dir: &Path, mut mp: Multipart, max: u64) -> AppResult<(PathBuf, String)> {
    tokio::fs::create_dir_all(dir).await.map_err(anyhow::Error::from)?;
    while let Some(mut field) = mp.next_field().await.map_err(|_| AppError::bad("err.sheet.io"))? {
        if field.name() != Some("file") {
            continue;
        }
        let name: String = field
            .file_name()
            .unwrap_or("upload")
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .take(80)
            .collect();
        let path = dir.join(format!("upload-{:016x}-{}", rand_u64(), if name.is_empty() { "file" } else { &name }));
        let mut file = tokio::fs::File::create(&path).await.map_err(anyhow::Error::from)?;
        let mut size = 0u64;
        while let Some(chunk) = field.chunk().await.map_err(|_| AppError::bad("err.sheet.io"))? {
            size += chunk.len() as u64;
            if size > max {
                drop(file);
                let _ = tokio::fs::remove_file(&path).await;
                return Err(AppError::TooLarge);
            }
            file.write_all(&chunk).await.map_err(anyhow::Error::from)?;
        }
        file.flush().await.map_err(anyhow::Error::from)?;
        if size == 0 {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(AppError::bad("err.sheet.empty"));
        }
        return Ok((path, name));
    }
    Err(AppError::bad("import.no_file"))
}

/// A file name no other upload takes.
fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    h.finish()
}
