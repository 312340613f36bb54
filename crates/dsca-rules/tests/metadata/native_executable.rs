use super::*;

#[test]
fn dsca601_elf_with_install_script_is_high() {
    let fixture = tarball_with_scripts(json!({"postinstall": "node run.js"}))
        .file("bin/helper", b"\x7fELF\x02\x01\x01\0\0\0")
        .file("README.md", b"# demo");
    let findings = fixture.findings("DSCA601");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::High);
    assert!(
        fixture
            .analyse()
            .behaviours
            .iter()
            .any(|b| b.id == "content.native-binary")
    );
}

#[test]
fn dsca601_install_script_names_the_binary() {
    let fixture =
        tarball_with_scripts(json!({"postinstall": "chmod +x bin/helper && ./bin/helper --setup"}))
            .file("bin/helper", b"\x7fELF\x02\x01\x01\0\0\0")
            .file(
                "prebuilds/linux-x64/addon.node",
                b"\x7fELF\x02\x01\x01\0\0\0",
            );
    let findings = fixture.findings("DSCA601");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn dsca601_prebuilt_node_addons_stay_medium() {
    // Like bufferutil, utf-8-validate, sodium-native, classic-level: prebuilds for each
    // platform and `node-gyp-build` as the install script.
    let elf = b"\x7fELF\x02\x01\x01\0\0\0";
    let mut pe = vec![0u8; 0x90];
    pe[..2].copy_from_slice(b"MZ");
    pe[0x3c] = 0x80;
    pe[0x80..0x84].copy_from_slice(b"PE\0\0");
    let fixture = tarball_with_scripts(json!({"install": "node-gyp-build"}))
        .file("prebuilds/linux-x64/bufferutil.node", elf)
        .file("prebuilds/win32-x64/bufferutil.node", &pe)
        .file("build/Release/bufferutil.node", elf)
        // A shared library the addon loads (onnxruntime-node ships these).
        .file("bin/linux/x64/libonnxruntime.so.1.14.0", elf)
        .file("bin/win32/x64/onnxruntime.dll", &pe);
    let findings = fixture.findings("DSCA601");
    assert_eq!(findings[0].severity, Severity::Medium);
    assert_eq!(
        findings[0].message,
        "the package ships 5 native executables"
    );
    // A program (not an addon) next to the same install script is high.
    let with_program = tarball_with_scripts(json!({"install": "node-gyp-build"}))
        .file("prebuilds/linux-x64/bufferutil.node", elf)
        .file("bin/updater.exe", &pe);
    assert_eq!(with_program.findings("DSCA601")[0].severity, Severity::High);
}

#[test]
fn dsca601_no_executables() {
    let fixture = tarball_with_scripts(json!({}))
        .file("Main.class", b"\xca\xfe\xba\xbe\x00\x00\x00\x34rest")
        .file("doc.txt", b"MZ is how DOS programs start")
        .file("index.js", b"module.exports = 1");
    assert!(fixture.findings("DSCA601").is_empty());
}

#[test]
fn dsca601_caps_evidence() {
    let mut fixture = tarball_with_scripts(json!({}));
    for i in 0..25 {
        fixture = fixture.file(&format!("prebuilds/{i}.node"), b"\x7fELF....");
    }
    let findings = fixture.findings("DSCA601");
    assert_eq!(findings[0].severity, Severity::Medium);
    assert_eq!(findings[0].evidence.len(), 21);
    assert_eq!(findings[0].evidence[20].detail, "and 5 more");
}
