//! The files of a run: never two roles for one file, and created readable by their
//! owner only.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Two roles name the same file.
#[derive(Debug, thiserror::Error)]
#[error("the {first} and the {second} are the same file ({}): give them different paths", path.display())]
pub struct SameFile {
    /// One role (`input`, `journal`, `report`).
    pub first: &'static str,
    /// The other.
    pub second: &'static str,
    /// The file.
    pub path: PathBuf,
}

/// Where a path leads once links and `..` are resolved, also for a file that does
/// not exist yet (its directory is resolved).
fn resolved(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    match (parent.canonicalize(), path.file_name()) {
        (Ok(directory), Some(name)) => directory.join(name),
        _ => path.to_owned(),
    }
}

/// The device and inode of an existing file: hard links to one file agree.
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|metadata| (metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn identity(_path: &Path) -> Option<(u64, u64)> {
    None
}

/// A role, its resolved path and its file's identity.
type Resolved = (&'static str, PathBuf, Option<(u64, u64)>);

/// Refuses when any two of the named paths are the same file: the same path once
/// links and `..` are resolved, or (for files that exist) the same inode.
pub fn check_distinct(paths: &[(&'static str, &Path)]) -> Result<(), SameFile> {
    let resolved: Vec<Resolved> =
        paths.iter().map(|(role, path)| (*role, resolved(path), identity(path))).collect();
    for (index, (first, a, a_id)) in resolved.iter().enumerate() {
        let same = |(_, b, b_id): &&Resolved| a == b || (a_id.is_some() && a_id == b_id);
        if let Some((second, _, _)) = resolved[index + 1..].iter().find(same) {
            return Err(SameFile { first, second, path: a.clone() });
        }
    }
    Ok(())
}

/// Options that create a file readable and writable by its owner only.
pub(crate) fn private(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Creates (or empties) a file readable by its owner only; a file that existed
/// with wider permissions is narrowed before anything is written to it.
pub(crate) fn create_private(path: &Path) -> std::io::Result<File> {
    let file = private(OpenOptions::new().write(true).create(true).truncate(true)).open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_file_under_two_spellings_is_refused() {
        let dir = std::env::temp_dir().join(format!("feennex-batch-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("a.csv");
        std::fs::write(&input, "x").unwrap();
        let other = dir.join("sub/../a.csv");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let error = check_distinct(&[("input", &input), ("report", &other)]).unwrap_err();
        assert_eq!((error.first, error.second), ("input", "report"));
        assert!(check_distinct(&[("input", &input), ("journal", &dir.join("a.journal"))]).is_ok());
        let linked = dir.join("hard-link.csv");
        std::fs::hard_link(&input, &linked).unwrap();
        let error = check_distinct(&[("input", &input), ("journal", &linked)]).unwrap_err();
        assert_eq!((error.first, error.second), ("input", "journal"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let report = dir.join("report.csv");
            std::fs::write(&report, "old").unwrap();
            std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o644)).unwrap();
            drop(create_private(&report).unwrap());
            let mode = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
