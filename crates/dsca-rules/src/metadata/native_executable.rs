//! DSCA601: the package ships native executables (ELF, PE, Mach-O), found by magic bytes.

use super::{cap_evidence, install_time_scripts};
use crate::{Analysis, ScanContext};
use dsca_model::{Behaviour, Category, Evidence, Finding, Location, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "DSCA601",
    name: "native-executable",
    category: Category::Content,
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

pub(crate) fn check(ctx: &ScanContext, out: &mut Analysis) {
    let found: Vec<(&str, Executable)> = ctx
        .files()
        .iter()
        .filter_map(|file| Some((file.path.as_str(), sniff(&file.data)?)))
        .collect();
    if found.is_empty() {
        return;
    }
    let runs_on_install = ctx
        .manifest()
        .is_some_and(|m| !install_time_scripts(m, ctx).is_empty());
    let severity = if runs_on_install && found.iter().any(|(_, kind)| kind.is_elf_or_pe()) {
        Severity::High
    } else {
        RULE.severity
    };
    let evidence = cap_evidence(
        found
            .iter()
            .map(|(path, kind)| {
                Evidence::new(format!("`{path}` is {}", kind.describe())).at(Location::file(*path))
            })
            .collect(),
    );
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
    if severity == Severity::High {
        message.push_str(", and the package runs a script on install");
    }
    let finding = Finding::new(&RULE, message).with_severity(severity);
    out.findings
        .push(evidence.into_iter().fold(finding, Finding::with_evidence));
}

#[cfg(test)]
mod tests {
    use super::*;

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
