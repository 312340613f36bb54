//! `dsca-script-shell`: the shell npm runs lifecycle scripts with inside dsca's sandbox.
//! See `dsca_sandbox::script_shell`.

fn main() {
    dsca_sandbox::script_shell::main()
}
