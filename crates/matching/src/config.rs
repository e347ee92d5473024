//! The weights in force: `config/matching.toml` documents them; the server
//! reads the file named by `KETNOI_MATCHING`, else uses the defaults.

use std::path::Path;

use crate::rules::Weights;

/// The environment variable naming the weights file.
pub const ENV: &str = "KETNOI_MATCHING";

/// Read weights from a TOML file; missing keys keep their defaults.
pub fn load(path: &Path) -> anyhow::Result<Weights> {
    let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let w: Weights = toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    w.check().map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(w)
}

/// The weights named by [`ENV`], or the defaults.
pub fn from_env() -> anyhow::Result<Weights> {
    match std::env::var_os(ENV) {
        Some(p) if !p.is_empty() => load(Path::new(&p)),
        _ => Ok(Weights::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_holds_the_defaults() {
        let shipped = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/matching.toml")).unwrap();
        assert_eq!(shipped, Weights::default());
    }

    #[test]
    fn a_file_with_a_typo_is_refused() {
        let dir = std::env::temp_dir().join(format!("ketnoi-weights-{}", std::process::id()));
        std::fs::write(&dir, "ocupation = 3\n").unwrap();
        assert!(load(&dir).unwrap_err().to_string().contains("ocupation"));
        std::fs::write(&dir, "occupation = -3\n").unwrap();
        assert!(load(&dir).is_err());
        std::fs::remove_file(&dir).unwrap();
    }
}
