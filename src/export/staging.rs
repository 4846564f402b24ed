//! Writing an export so that a half-written one is never left under its final name: every
//! file goes into a hidden folder beside the destination, which is renamed into place once
//! complete and removed if anything fails on the way.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A folder being written; becomes the destination on `finish`, disappears if dropped.
pub struct Staging {
    partial: PathBuf,
    destination: PathBuf,
    force: bool,
    finished: bool,
}

impl Staging {
    /// Starts writing toward `destination`. Refuses an existing destination unless `force`.
    pub fn start(destination: &Path, force: bool) -> io::Result<Self> {
        let partial = partial_beside(destination, force)?;
        if partial.exists() {
            fs::remove_dir_all(&partial)?;
        }
        fs::create_dir_all(&partial)?;
        Ok(Self {
            partial,
            destination: destination.to_path_buf(),
            force,
            finished: false,
        })
    }

    /// Creates a file at a path relative to the export's root (its folders too).
    pub fn create(&self, relative: &str) -> io::Result<BufWriter<fs::File>> {
        let path = self.partial.join(relative);
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder)?;
        }
        Ok(BufWriter::new(fs::File::create(path)?))
    }

    /// Writes a whole file.
    pub fn write(&self, relative: &str, contents: &[u8]) -> io::Result<()> {
        let mut file = self.create(relative)?;
        file.write_all(contents)?;
        file.flush()
    }

    /// Where a file of the export is being written, for another program to write it.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.partial.join(relative)
    }

    /// Puts the export in place, replacing an older one when forced.
    pub fn finish(mut self) -> io::Result<PathBuf> {
        self.clear_destination()?;
        fs::rename(&self.partial, &self.destination)?;
        self.finished = true;
        Ok(self.destination.clone())
    }

    /// Puts one file of the folder in place as the whole export (a file another program
    /// made from the others); the rest of the folder goes.
    pub fn finish_file(self, relative: &str) -> io::Result<PathBuf> {
        self.clear_destination()?;
        fs::rename(self.partial.join(relative), &self.destination)?;
        Ok(self.destination.clone())
    }

    fn clear_destination(&self) -> io::Result<()> {
        if self.force && self.destination.exists() {
            match self.destination.is_dir() {
                true => fs::remove_dir_all(&self.destination)?,
                false => fs::remove_file(&self.destination)?,
            }
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.partial);
        }
    }
}

/// Writes one file the same way: beside it first, renamed into place when complete; an
/// existing file is refused unless `force`.
pub fn write_file(destination: &Path, contents: &[u8], force: bool) -> io::Result<()> {
    let partial = partial_beside(destination, force)?;
    let written = fs::File::create(&partial).and_then(|mut file| {
        file.write_all(contents)?;
        file.sync_all()
    });
    match written.and_then(|()| fs::rename(&partial, destination)) {
        Ok(()) => Ok(()),
        Err(error) => {
            let _ = fs::remove_file(&partial);
            Err(error)
        }
    }
}

/// Where an export is written before it is moved into place: a hidden name beside the
/// destination. Refuses an existing destination unless `force`.
fn partial_beside(destination: &Path, force: bool) -> io::Result<PathBuf> {
    if destination.exists() && !force {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists (`--force` replaces it)", destination.display()),
        ));
    }
    let name = destination
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the destination has no name"))?;
    Ok(destination.with_file_name(format!(".{}.partial-{}", name.to_string_lossy(), std::process::id())))
}
