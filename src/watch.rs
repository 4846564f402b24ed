//! Files and folders watched for saves: `check --watch`, and the window's live reload. The
//! folders are watched rather than the files, so that a save that writes a new file and
//! renames it over the old one (as many editors do) is seen too; the events of one save are
//! gathered until they settle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// Long enough for one save's events to arrive together: an editor writes, renames, and
/// changes a file's attributes within milliseconds.
const SETTLE: Duration = Duration::from_millis(150);

/// What changed in one save.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Watched files that changed, as they were given.
    pub files: BTreeSet<PathBuf>,
    /// Files that changed under a watched folder: the folder as given, and the path within it.
    pub in_folders: BTreeSet<(PathBuf, PathBuf)>,
}

/// Watches files and whole folders until dropped.
pub struct FileWatcher {
    _watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    /// Each file by where the watcher names it (its folder's real path and its name).
    files: BTreeMap<PathBuf, PathBuf>,
    /// Each folder by its real path.
    folders: BTreeMap<PathBuf, PathBuf>,
}

impl FileWatcher {
    /// Watches `files` (each must exist in a readable folder) and everything under `folders`.
    pub fn new(files: &[PathBuf], folders: &[PathBuf]) -> Result<Self, String> {
        let real = |path: &Path| {
            path.canonicalize()
                .map_err(|error| format!("cannot watch {}: {error}", path.display()))
        };
        let mut watched_files = BTreeMap::new();
        for file in files {
            let folder = match file.parent() {
                Some(folder) if !folder.as_os_str().is_empty() => folder,
                _ => Path::new("."),
            };
            let name = file.file_name().map(PathBuf::from).unwrap_or_default();
            watched_files.insert(real(folder)?.join(name), file.clone());
        }
        let mut watched_folders = BTreeMap::new();
        for folder in folders {
            watched_folders.insert(real(folder)?, folder.clone());
        }
        let (sender, events) = mpsc::channel();
        let cannot = |error: notify::Error| format!("cannot watch the files: {error}");
        let mut watcher = notify::recommended_watcher(move |event| {
            let _ = sender.send(event);
        })
        .map_err(cannot)?;
        let parents: BTreeSet<&Path> = watched_files.keys().filter_map(|path| path.parent()).collect();
        for parent in parents {
            watcher.watch(parent, RecursiveMode::NonRecursive).map_err(cannot)?;
        }
        for folder in watched_folders.keys() {
            watcher.watch(folder, RecursiveMode::Recursive).map_err(cannot)?;
        }
        Ok(Self {
            _watcher: watcher,
            events,
            files: watched_files,
            folders: watched_folders,
        })
    }

    /// Waits for the next save and returns what it changed; `None` once the watcher stops.
    pub fn next_changes(&self) -> Option<Changes> {
        loop {
            let mut changes = Changes::default();
            self.take(self.events.recv().ok()?, &mut changes);
            while let Ok(event) = self.events.recv_timeout(SETTLE) {
                self.take(event, &mut changes);
            }
            if changes != Changes::default() {
                return Some(changes);
            }
        }
    }

    fn take(&self, event: notify::Result<notify::Event>, changes: &mut Changes) {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        for path in event.paths {
            if let Some(file) = self.files.get(&path) {
                changes.files.insert(file.clone());
            }
            for (real, given) in &self.folders {
                if let Ok(within) = path.strip_prefix(real)
                    && path.is_file()
                {
                    changes.in_folders.insert((given.clone(), within.to_path_buf()));
                }
            }
        }
    }
}
