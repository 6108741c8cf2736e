//! Where our node binaries are, and how they get built, whether this program
//! runs as `cargo xtask` (from a target directory of the workspace) or as the
//! installed `glomers` (`cargo install --path xtask`, run from anywhere).
//!
//! A foreign node (`--bin PATH`) and our nodes in virtual time (`--sim`,
//! hosted in-process) need neither: only commands that run our binaries as
//! processes ask for them.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The source workspace this program was built from (compile time: the
/// parent of xtask's manifest directory).
fn source_workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Where this program runs from, and so where our nodes are.
#[derive(Debug, PartialEq)]
enum Home {
    /// Inside a cargo target directory (`target/release/glomers`, or
    /// `target/debug/glomers` under `cargo test`): the nodes are beside it.
    TargetDir(PathBuf),
    /// Installed elsewhere: the nodes are built in the source workspace.
    Installed { workspace: PathBuf },
}

/// Cargo keeps a `.cargo-lock` file in every profile directory it builds
/// into (`target/release/.cargo-lock`); an installed copy has none beside it.
fn home_of(exe: &Path, workspace: PathBuf) -> Home {
    match exe.parent() {
        Some(dir) if dir.join(".cargo-lock").is_file() => Home::TargetDir(dir.to_path_buf()),
        _ => Home::Installed { workspace },
    }
}

fn home() -> Home {
    let exe = std::env::current_exe().unwrap_or_default();
    home_of(&exe, source_workspace())
}

/// The directory that holds our release node binaries (`echo`,
/// `broadcast`, ...) and the bench's example fixtures (`examples/`).
pub fn release_dir() -> PathBuf {
    match home() {
        Home::TargetDir(dir) => dir,
        Home::Installed { workspace } => std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join("target"))
            .join("release"),
    }
}

/// `cargo build --release --quiet ARGS` in the source workspace: with
/// `--manifest-path` when installed, so it works from any directory; a
/// clear error when the source tree is gone.
pub fn cargo_build(args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--release", "--quiet"]);
    if let Home::Installed { workspace } = home() {
        let manifest = workspace.join("Cargo.toml");
        if !manifest.is_file() {
            return Err(gone_message(&workspace));
        }
        cmd.arg("--manifest-path").arg(manifest);
    }
    let status = cmd
        .args(args)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo build {} failed ({status})", args.join(" ")))
    }
}

fn gone_message(workspace: &Path) -> String {
    format!(
        "our nodes are built from the source tree this command was installed from ({}), \
         which is no longer there: test your own node with --bin PATH, or ours in virtual \
         time with --sim",
        workspace.display()
    )
}

/// Builds every node binary of ours in release mode.
pub fn build() -> Result<(), String> {
    cargo_build(&["--package", "gossip-glomers", "--bins"])
        .map_err(|e| format!("building the nodes failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_beside_a_cargo_lock_finds_the_nodes_beside_it() {
        let target = tempfile::tempdir().unwrap();
        let release = target.path().join("release");
        std::fs::create_dir(&release).unwrap();
        std::fs::write(release.join(".cargo-lock"), "").unwrap();
        assert_eq!(
            home_of(&release.join("glomers"), "/src".into()),
            Home::TargetDir(release)
        );
    }

    #[test]
    fn an_installed_program_builds_in_its_source_workspace() {
        let bin = tempfile::tempdir().unwrap();
        assert_eq!(
            home_of(&bin.path().join("glomers"), "/src/gg".into()),
            Home::Installed {
                workspace: "/src/gg".into()
            }
        );
        assert!(gone_message(Path::new("/src/gg")).contains("--bin PATH"));
    }

    #[test]
    fn the_source_workspace_is_this_repository() {
        assert!(source_workspace()
            .join("xtask")
            .join("Cargo.toml")
            .is_file());
    }
}
