// The script shell is copied into every sandbox: linked without debug information it is
// a few hundred KB instead of tens of MB (the release profile keeps line tables for
// dsca's own backtraces).
fn main() {
    println!("cargo::rustc-link-arg-bin=dsca-script-shell=-Wl,--strip-debug");
}
