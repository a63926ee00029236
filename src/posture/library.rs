//! The protocol library: the protocols shipped in `assets/protocols/` and the user's own, in a folder the app
//! chooses (its data folder). Every entry shows under a name no other entry has; saving never overwrites silently:
//! a new protocol (or an edit of a shipped one) gets a file of its own and a name of its own, and only a protocol
//! opened from the user's library is saved back over its own file.

use std::path::{Path, PathBuf};

use super::export::slug;
use super::protocol::{Protocol, ProtocolError};

/// Where a library entry lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Shipped with mirrorcue (read-only).
    Shipped,
    /// The user's library.
    User,
}

/// One protocol file of the library.
#[derive(Debug)]
pub struct LibraryEntry {
    /// Its file.
    pub path: PathBuf,
    /// Shipped or the user's.
    pub origin: Origin,
    /// The protocol, or why the file could not be used.
    pub protocol: Result<Protocol, ProtocolError>,
    /// The name to list it under: the protocol's name, unique in the list (a clash gets "(yours, file.toml)" or
    /// "(shipped)").
    pub label: String,
}

/// How a protocol was saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    /// The file written.
    pub path: PathBuf,
    /// The protocol's name as saved (it may have been made unique).
    pub name: String,
    /// Whether it replaced the protocol's own file.
    pub overwrote: bool,
}

impl Saved {
    /// For the therapist: "Saved as “Squat (edited)” in …/squat-edited.toml".
    pub fn message(&self) -> String {
        format!(
            "{} \u{201c}{}\u{201d} in {}",
            if self.overwrote { "Saved" } else { "Saved as" },
            self.name,
            self.path.display()
        )
    }
}

/// The shipped protocols and the user's.
#[derive(Clone, Debug)]
pub struct ProtocolLibrary {
    shipped: PathBuf,
    user: Option<PathBuf>,
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect())
        .unwrap_or_default();
    files.sort();
    files
}

impl ProtocolLibrary {
    /// A library of the protocols in `shipped` and the user's in `user` (created when first saved into).
    pub fn new(shipped: impl Into<PathBuf>, user: Option<PathBuf>) -> Self {
        ProtocolLibrary { shipped: shipped.into(), user }
    }

    /// The shipped protocols (`assets/protocols/`) and the user's in `user`.
    pub fn standard(user: Option<PathBuf>) -> Self {
        ProtocolLibrary::new(crate::assets::locate("assets/protocols"), user)
    }

    /// The user's folder.
    pub fn user_dir(&self) -> Option<&Path> {
        self.user.as_deref()
    }

    /// Whether `path` is a file of the user's library (one that may be saved over).
    pub fn is_users(&self, path: &Path) -> bool {
        let Some(dir) = &self.user else { return false };
        let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        path.parent().is_some_and(|parent| canon(parent) == canon(dir))
    }

    /// Every protocol: shipped first, then the user's, each by file name; labels unique.
    pub fn list(&self) -> Vec<LibraryEntry> {
        let mut out: Vec<LibraryEntry> = Vec::new();
        let mut add = |path: PathBuf, origin| {
            let protocol = Protocol::load(&path);
            let name = match &protocol {
                Ok(p) => p.name.clone(),
                Err(_) => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            };
            out.push(LibraryEntry { path, origin, protocol, label: name });
        };
        for p in toml_files(&self.shipped) {
            add(p, Origin::Shipped);
        }
        if let Some(dir) = &self.user {
            for p in toml_files(dir) {
                add(p, Origin::User);
            }
        }
        // Make clashing labels unique: the shipped one keeps its name, the user's say whose and which file.
        let labels: Vec<String> = out.iter().map(|e| e.label.clone()).collect();
        for (i, e) in out.iter_mut().enumerate() {
            let clashes = labels.iter().enumerate().any(|(j, l)| j != i && *l == e.label);
            if clashes && e.origin == Origin::User {
                let file = e.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                e.label = format!("{} (yours, {file})", e.label);
            } else if clashes {
                e.label = format!("{} (shipped)", e.label);
            }
        }
        out
    }

    /// The protocol names in the library.
    pub fn names(&self) -> Vec<String> {
        self.list().into_iter().filter_map(|e| e.protocol.ok().map(|p| p.name)).collect()
    }

    /// `wanted` if no protocol in the library has that name, else `wanted (2)`, `wanted (3)`, …
    pub fn unique_name(&self, wanted: &str) -> String {
        let names = self.names();
        let wanted = wanted.trim();
        let wanted = if wanted.is_empty() { "New protocol" } else { wanted };
        let mut name = wanted.to_string();
        let mut n = 2;
        while names.iter().any(|x| x == &name) {
            name = format!("{wanted} ({n})");
            n += 1;
        }
        name
    }

    fn user_dir_or_err(&self) -> Result<&Path, ProtocolError> {
        self.user.as_deref().ok_or_else(|| ProtocolError::Write {
            path: PathBuf::from("(no user folder)"),
            source: std::io::Error::other("there is no folder for your protocols (is HOME set?)"),
        })
    }

    /// Saves `protocol` as a new file of the user's library: its name made unique in the library (an edit of a
    /// shipped protocol is "… (edited)"), a file name of its own. Updates `protocol.name`.
    pub fn save_new(&self, protocol: &mut Protocol) -> Result<Saved, ProtocolError> {
        let dir = self.user_dir_or_err()?.to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|source| ProtocolError::Write { path: dir.clone(), source })?;
        let shipped_names: Vec<String> =
            toml_files(&self.shipped).iter().filter_map(|p| Protocol::load(p).ok().map(|p| p.name)).collect();
        let base = if shipped_names.contains(&protocol.name) {
            format!("{} (edited)", protocol.name)
        } else {
            protocol.name.clone()
        };
        protocol.name = self.unique_name(&base);
        let stem = slug(&protocol.name);
        let mut path = dir.join(format!("{stem}.toml"));
        let mut n = 2;
        while std::fs::symlink_metadata(&path).is_ok() {
            path = dir.join(format!("{stem}-{n}.toml"));
            n += 1;
        }
        protocol.save(&path)?;
        Ok(Saved { path, name: protocol.name.clone(), overwrote: false })
    }

    /// Saves `protocol` over its own file `path`, which must be in the user's library (a shipped protocol, or a
    /// file from elsewhere, is refused: use [`ProtocolLibrary::save_new`]).
    pub fn overwrite(&self, protocol: &Protocol, path: &Path) -> Result<Saved, ProtocolError> {
        if !self.is_users(path) {
            return Err(ProtocolError::Write {
                path: path.to_path_buf(),
                source: std::io::Error::other(
                    "only a protocol of your library is saved over its own file; save this one as a new protocol",
                ),
            });
        }
        protocol.save(path)?;
        Ok(Saved { path: path.to_path_buf(), name: protocol.name.clone(), overwrote: true })
    }

    /// "Save": over its own file when `opened_from` is a file of the user's library, else as a new protocol.
    pub fn save(&self, protocol: &mut Protocol, opened_from: Option<&Path>) -> Result<Saved, ProtocolError> {
        match opened_from {
            Some(p) if self.is_users(p) => self.overwrite(protocol, p),
            _ => self.save_new(protocol),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posture::capture::empty_protocol;

    fn library() -> (tempfile::TempDir, ProtocolLibrary) {
        let dir = tempfile::tempdir().unwrap();
        let lib = ProtocolLibrary::standard(Some(dir.path().join("protocols")));
        (dir, lib)
    }

    /// Defect 7: an edit of a shipped protocol gets its own name; two new protocols never share a file.
    #[test]
    fn saving_never_overwrites_and_names_stay_unique() {
        let (_d, lib) = library();
        let shipped = lib.list().into_iter().find(|e| e.path.ends_with("squat_knee_alignment.toml")).unwrap();
        let mut edited = shipped.protocol.unwrap();
        edited.checkpoints[0].tolerance = 0.2;
        let saved = lib.save(&mut edited, Some(&shipped.path)).unwrap();
        assert!(!saved.overwrote);
        assert_eq!(saved.name, "Squat: knee alignment and repetitions (edited)");
        assert!(lib.is_users(&saved.path));
        let labels: Vec<String> = lib.list().into_iter().map(|e| e.label).collect();
        let mut unique = labels.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), labels.len(), "{labels:?}");

        let mut a = empty_protocol("New protocol");
        let mut b = empty_protocol("New protocol");
        let sa = lib.save(&mut a, None).unwrap();
        let sb = lib.save(&mut b, None).unwrap();
        assert_ne!(sa.path, sb.path);
        assert_eq!((sa.name.as_str(), sb.name.as_str()), ("New protocol", "New protocol (2)"));
        // Its own file: an explicit overwrite.
        a.description = "changed".into();
        let again = lib.save(&mut a, Some(&sa.path)).unwrap();
        assert!(again.overwrote && again.path == sa.path);
        assert_eq!(Protocol::load(&sa.path).unwrap().description, "changed");
        // A shipped file is never written.
        assert!(lib.overwrite(&a, &shipped.path).is_err());
    }

    #[test]
    fn clashing_names_in_the_list_are_told_apart() {
        let (_d, lib) = library();
        let dir = lib.user_dir().unwrap().to_path_buf();
        std::fs::create_dir_all(&dir).unwrap();
        let p = Protocol::load(&crate::assets::locate("assets/protocols/forward_head.toml")).unwrap();
        // A copy saved by an older mirrorcue under the same name.
        p.save(&dir.join("copy.toml")).unwrap();
        let labels: Vec<String> = lib.list().into_iter().map(|e| e.label).collect();
        assert!(labels.contains(&format!("{} (shipped)", p.name)), "{labels:?}");
        assert!(labels.contains(&format!("{} (yours, copy.toml)", p.name)), "{labels:?}");
        assert_eq!(lib.unique_name(&p.name), format!("{} (2)", p.name));
    }
}
