//! `cargo xtask man`: writes the man page of `ssi` (clap_mangen, via the binary's hidden `generate-man`) to target/man/ssi.1.

use anyhow::{Context, Result, bail};

/// Builds `ssi`, asks it for its man page and writes it to `target/man/ssi.1`.
pub(crate) fn run() -> Result<()> {
    let mut cmd = super::cargo();
    cmd.args(["run", "--quiet", "--package", "ssi-cli", "--bin", "ssi", "--", "generate-man"]);
    eprintln!("==> cargo run -p ssi-cli -- generate-man");
    let output = cmd.output().context("could not start cargo to build ssi")?;
    if !output.status.success() {
        bail!(
            "ssi generate-man failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let target = super::target_dir();
    let dir = target.join("man");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let page = dir.join("ssi.1");
    std::fs::write(&page, &output.stdout).with_context(|| format!("cannot write {}", page.display()))?;
    eprintln!("wrote {} (view it with `man {}`)", page.display(), page.display());
    Ok(())
}
