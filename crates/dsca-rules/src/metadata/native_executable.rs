//! DSCA601: the package ships native executables (ELF, PE, Mach-O), found by magic bytes.

use super::{cap_evidence, install_time_scripts};
use crate::{Analysis, ScanContext};
use dsca_model::{Behaviour, Category, Evidence, Finding, Location, Rule, Severity, Signal};
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    id: "DSCA601",
    name: "native-executable",
    category: Category::Content,
    signal: Signal::Content,
    severity: Severity::Medium,
    title: "Ships native executables",
    problem: "The package contains compiled programs or libraries. Their behaviour cannot be \
        reviewed from source, and a binary started by an install script is a common way to \
        drop stealers, miners and backdoors. Prebuilt addons and CLI binaries are also \
        shipped by honest packages, so the question is whether this package should need \
        them.",
    next_steps: "Check that each binary belongs to the package's purpose (a native addon, a \
        bundled tool) and is built from its published source, ideally with provenance. Scan \
        unexpected binaries with an antivirus engine or a sandbox before running anything.",
    severities: &[Severity::Medium, Severity::High],
    catches: "ELF, PE, Mach-O by magic bytes; high for a program (not a `.node` addon) in a \
        package with an install script, or one an install script names",
};

/// The kind of native executable a file's first bytes announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Executable {
    Elf,
    Pe,
    MachO,
    MachOUniversal,
}

impl Executable {
    fn describe(self) -> &'static str {
        match self {
            Executable::Elf => "an ELF executable or library (Linux)",
            Executable::Pe => "a PE executable or DLL (Windows)",
            Executable::MachO => "a Mach-O executable or library (macOS)",
            Executable::MachOUniversal => "a universal Mach-O binary (macOS)",
        }
    }

    /// Executables that run on the Linux and Windows machines most installs happen on.
    fn is_elf_or_pe(self) -> bool {
        matches!(self, Executable::Elf | Executable::Pe)
    }
}

/// Identify a native executable by its magic bytes.
pub fn sniff(data: &[u8]) -> Option<Executable> {
    let magic = data.get(..4)?;
    match magic {
        [0x7f, b'E', b'L', b'F'] => Some(Executable::Elf),
        [b'M', b'Z', ..] if has_pe_header(data) => Some(Executable::Pe),
        [0xfe, 0xed, 0xfa, 0xce | 0xcf] | [0xce | 0xcf, 0xfa, 0xed, 0xfe] => {
            Some(Executable::MachO)
        }
        // Java class files share 0xcafebabe; there the next word is the class version
        // (45 and up), while a fat Mach-O has a small architecture count.
        [0xca, 0xfe, 0xba, 0xbe | 0xbf] => {
            let count = u32::from_be_bytes(data.get(4..8)?.try_into().ok()?);
            (1..=30)
                .contains(&count)
                .then_some(Executable::MachOUniversal)
        }
        _ => None,
    }
}

/// `MZ` files are PE only when `e_lfanew` points at a `PE\0\0` signature.
fn has_pe_header(data: &[u8]) -> bool {
    let Some(offset) = data
        .get(0x3c..0x40)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
    else {
        return false;
    };
    let Ok(offset) = usize::try_from(offset) else {
        return false;
    };
    offset
        .checked_add(4)
        .and_then(|end| data.get(offset..end))
        .is_some_and(|signature| signature == b"PE\0\0")
}

/// What a native file is for, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A Node addon (`*.node`): a library Node loads with `require`, not a program.
    Addon,
    /// A shared library (`.so`, `.so.N`, `.dll`, `.dylib`) shipped next to addons.
    AddonLibrary,
    /// Anything else: a program (or a library nothing here explains).
    Program,
}

fn is_shared_library(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.ends_with(".dll")
        || name.ends_with(".dylib")
        || name.ends_with(".so")
        || name
            .split_once(".so.")
            .is_some_and(|(_, version)| version.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let found: Vec<(&str, Executable)> = ctx
        .files()
        .iter()
        .filter_map(|file| Some((file.path.as_str(), sniff(&file.data)?)))
        .collect();
    if found.is_empty() {
        return;
    }
    let ships_addons = found.iter().any(|(path, _)| path.ends_with(".node"));
    let role = |path: &str| {
        if path.ends_with(".node") {
            Role::Addon
        } else if ships_addons && is_shared_library(path) {
            Role::AddonLibrary
        } else {
            Role::Program
        }
    };
    let scripts = ctx
        .manifest()
        .map(|m| install_time_scripts(m, ctx))
        .unwrap_or_default();
    let runs_on_install = !scripts.is_empty();
    // Install scripts that name a shipped binary: (script, command, binary).
    let named: Vec<(&str, &str, &str)> = scripts
        .iter()
        .flat_map(|(script, command)| {
            named_in(command, found.iter().map(|(path, _)| *path))
                .into_iter()
                .map(move |path| (*script, *command, path))
        })
        .collect();
    // Addons are loaded by Node, not run: they stay at the rule's severity. A program
    // that can run on a Linux or Windows installer next to an install script is high,
    // and so is any binary an install script names.
    let program_with_script = runs_on_install
        && found
            .iter()
            .any(|(path, kind)| role(path) == Role::Program && kind.is_elf_or_pe());
    let severity = if program_with_script || !named.is_empty() {
        Severity::High
    } else {
        RULE.severity
    };
    let mut evidence: Vec<Evidence> = found
        .iter()
        .map(|(path, kind)| {
            let what = match role(path) {
                Role::Addon => " (a Node addon)",
                Role::AddonLibrary => " (a library next to the package's Node addons)",
                Role::Program => "",
            };
            Evidence::new(format!("`{path}` is {}{what}", kind.describe()))
                .at(Location::file(*path))
        })
        .collect();
    let naming_evidence: Vec<Evidence> = named
        .iter()
        .map(|(script, command, path)| {
            Evidence::new(format!("the `{script}` script names `{path}`"))
                .at(Location::file("package.json"))
                .with_snippet(*command)
        })
        .collect();
    // The scripts that name a binary come first: they are the strongest evidence.
    evidence.splice(0..0, naming_evidence);
    let evidence = cap_evidence(evidence);
    let count = found.len();
    out.behaviours.push(Behaviour {
        id: "content.native-binary".into(),
        category: Category::Content,
        description: "Ships native executables".into(),
        count: u32::try_from(count).unwrap_or(u32::MAX),
        evidence: evidence.clone(),
    });
    let mut message = if count == 1 {
        format!("`{}` is {}", found[0].0, found[0].1.describe())
    } else {
        format!("the package ships {count} native executables")
    };
    if let Some((script, _, path)) = named.first() {
        if count == 1 {
            message.push_str(&format!(", and the `{script}` script names it"));
        } else {
            message.push_str(&format!(", and the `{script}` script names `{path}`"));
        }
    } else if program_with_script {
        message.push_str(", and the package runs a script on install");
    }
    let finding = Finding::new(&RULE, message).with_severity(severity);
    out.findings
        .push(evidence.into_iter().fold(finding, Finding::with_evidence));
}

/// A file named in an install command is at most this long and this deep; longer words
/// are only compared by their tail (a hostile command cannot make the lookup quadratic).
const MAX_NAMED_PATH: usize = 1024;
const MAX_NAMED_DEPTH: usize = 32;

/// The shipped files (of `paths`) an install command names: by path (`bin/x`, `./bin/x`,
/// `$PWD/bin/x`, `bin\x.exe`), or by file name when that has an extension (`setup.exe`).
/// A bare name without one (`node`, `helper`) is too common a word to count.
fn named_in<'a>(command: &str, paths: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let command = command.replace('\\', "/");
    let separators = |c: char| c.is_whitespace() || "'\"`;&|()<>=,".contains(c);
    // Every word, and every word without its leading folders.
    let mut words: HashSet<&str> = HashSet::new();
    for word in command.split(separators).filter(|w| !w.is_empty()) {
        if word.len() <= MAX_NAMED_PATH {
            words.insert(word);
        }
        for (slash, _) in word.rmatch_indices('/').take(MAX_NAMED_DEPTH) {
            let tail = &word[slash + 1..];
            if tail.len() > MAX_NAMED_PATH {
                break;
            }
            if !tail.is_empty() {
                words.insert(tail);
            }
        }
    }
    paths
        .filter(|path| {
            let name = path.rsplit('/').next().unwrap_or(path);
            words.contains(path) || (name.contains('.') && name.len() > 4 && words.contains(name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_commands_name_files() {
        let names = |command: &str, path: &str| !named_in(command, [path].into_iter()).is_empty();
        assert!(names("./bin/helper --setup", "bin/helper"));
        assert!(names(r"bin\helper.exe", "bin/helper.exe"));
        assert!(names("start /B Cursed.exe", "dist/Cursed.exe"));
        assert!(names("chmod +x bin/tool && node x.js", "bin/tool"));
        assert!(names(
            "LD_PRELOAD=$PWD/lib/hook.so node x.js",
            "lib/hook.so"
        ));
        assert!(!names("node install.js", "bin/node"));
        assert!(!names(
            "node-gyp-build",
            "prebuilds/linux-x64/node.napi.node"
        ));
        assert!(!names("run bin/helper2", "bin/helper"));
        assert!(!names("cp x.so y", "lib/ax.so"));
        // A hostile word of a million folders is cheap to look at.
        let deep = "a/".repeat(1_000_000);
        assert!(!names(&deep, "bin/helper"));
    }

    #[test]
    fn shared_libraries_by_name() {
        assert!(is_shared_library("bin/libonnxruntime.so.1.14.0"));
        assert!(is_shared_library("lib/x.dll"));
        assert!(is_shared_library("lib/x.dylib"));
        assert!(!is_shared_library("bin/helper"));
        assert!(!is_shared_library("bin/x.so.backup"));
    }

    #[test]
    fn sniffs_magic_bytes() {
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01"), Some(Executable::Elf));
        let mut pe = vec![0u8; 0x90];
        pe[..2].copy_from_slice(b"MZ");
        pe[0x3c] = 0x80;
        pe[0x80..0x84].copy_from_slice(b"PE\0\0");
        assert_eq!(sniff(&pe), Some(Executable::Pe));
        assert_eq!(sniff(b"MZ not a pe at all, just text"), None);
        assert_eq!(sniff(b"\xcf\xfa\xed\xfe\x07"), Some(Executable::MachO));
        assert_eq!(
            sniff(b"\xca\xfe\xba\xbe\x00\x00\x00\x02"),
            Some(Executable::MachOUniversal)
        );
        // A Java class file, version 52 (Java 8).
        assert_eq!(sniff(b"\xca\xfe\xba\xbe\x00\x00\x00\x34"), None);
        assert_eq!(sniff(b""), None);
        let mut far = vec![0u8; 0x40];
        far[..2].copy_from_slice(b"MZ");
        far[0x3c..0x40].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(sniff(&far), None);
    }
}
