//! The JavaScript pass: one parse with oxc, one walk of the tree that records every fact
//! the code rules need ([`FileFacts`]).
//!
//! Names are followed the way malware hides them: aliases and destructuring of
//! `require`, constant concatenation and template literals, escapes, base64/hex/char-code
//! decoding of constants, `global['ev' + 'al']`, `module.constructor._load` and
//! `process.mainModule.require`. The symbol table is flow- and scope-insensitive on
//! purpose: it is cheap and it is what obfuscated code needs.

use super::facts::{EvalSource, Event, FileFacts, Kind, LineIndex, snippet};
use super::strings;
use super::tables::is_secret_env_name;
use crate::capabilities::{self, Capability};
use crate::metadata::risky_install_command::risky_shapes;
use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_parser::{ParseOptions, Parser};
use oxc_span::{GetSpan, SourceType};
use oxc_syntax::operator::{AssignmentOperator, BinaryOperator, LogicalOperator, UnaryOperator};
use oxc_syntax::scope::ScopeFlags;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

/// Longest string the constant folder builds.
const MAX_FOLDED_CHARS: usize = 64 * 1024;
/// How deep the constant folder follows one expression.
const MAX_RESOLVE_DEPTH: usize = 24;
/// Events kept per file; the rest only count in behaviours through the cap note.
const MAX_EVENTS: usize = 5_000;
/// String literals searched for indicators per file.
const MAX_INDICATOR_STRINGS: usize = 20_000;
/// Inline code kept per file (`node -e` of the processes it starts), each piece once,
/// so that repeats of a harmless piece do not push a harmful one out.
const MAX_INLINE_CODE_BYTES: usize = 256 * 1024;
const MAX_INLINE_CODE_PIECES: usize = 256;

/// Parse `source` and walk it. `None` when oxc could not build a tree (the caller falls
/// back to the byte-level pass).
pub(crate) fn analyse(path: &str, source: &str) -> Option<FileFacts> {
    let mut allocator = ARENAS
        .lock()
        .ok()
        .and_then(|mut arenas| arenas.pop())
        .unwrap_or_default();
    let facts = analyse_in(&allocator, path, source);
    allocator.reset();
    if allocator.capacity() <= MAX_KEPT_ARENA_BYTES
        && let Ok(mut arenas) = ARENAS.lock()
        && arenas.len() < MAX_KEPT_ARENAS
    {
        arenas.push(allocator);
    }
    facts
}

/// Parser arenas kept between files. A fresh arena per file meant fresh pages from the
/// kernel (and zeroing them) for every tree; a reset arena is reused as it is.
static ARENAS: std::sync::Mutex<Vec<Allocator>> = std::sync::Mutex::new(Vec::new());
/// More arenas than this are dropped (one per thread parsing at once is enough).
const MAX_KEPT_ARENAS: usize = 16;
/// An arena that grew past this on a huge file is dropped rather than kept.
const MAX_KEPT_ARENA_BYTES: usize = 32 * 1024 * 1024;

fn analyse_in(allocator: &Allocator, path: &str, source: &str) -> Option<FileFacts> {
    let source_type = source_type(path);
    // No `ParenthesizedExpression` nodes: the walk looks through parentheses anyway
    // (`without_parentheses`), and a tree without them is smaller to build and walk.
    let options = ParseOptions {
        preserve_parens: false,
        ..ParseOptions::default()
    };
    let parsed = Parser::new(allocator, source, source_type)
        .with_options(options)
        .parse();
    if parsed.panicked {
        return None;
    }
    let mut walker = Walker::new(path, source);
    walker.visit_program(&parsed.program);
    // Function declarations are hoisted: `main()` at the top may call a `fetchText`
    // declared at the bottom. A small file whose helpers were called before they were
    // known is walked again with them known from the start.
    let called_early = |name: &String| {
        let hash = walker.unknown_callees.hasher().hash_one(name.as_str());
        walker.unknown_callees.contains(&hash)
    };
    // Decoding helpers are everyday library code; only the rarer fetching helpers and
    // require wrappers are worth a second walk.
    let helper_called_early = walker.network_functions.iter().any(called_early)
        || walker.require_wrappers.keys().any(called_early);
    if helper_called_early && source.len() <= MAX_REWALKED_BYTES {
        let mut again = Walker::new(path, source);
        again.network_functions = std::mem::take(&mut walker.network_functions);
        again.decoding_functions = std::mem::take(&mut walker.decoding_functions);
        again.require_wrappers = std::mem::take(&mut walker.require_wrappers);
        again.visit_program(&parsed.program);
        return Some(again.facts);
    }
    Some(walker.facts)
}

/// Files up to this size that call fetching helpers or require wrappers before
/// declaring them are walked twice (hand-written loaders are small; bundles are not).
const MAX_REWALKED_BYTES: usize = 64 * 1024;

fn source_type(path: &str) -> SourceType {
    let extension = path.rsplit('.').next().unwrap_or_default();
    match extension {
        "ts" | "mts" | "cts" | "tsx" => SourceType::from_path(path).unwrap_or_default(),
        "mjs" => SourceType::mjs().with_jsx(true),
        // CommonJS and old scripts are sloppy-mode code (octal literals, `with`): let
        // the parser decide from the file whether it is a module.
        _ => SourceType::cjs().with_unambiguous(true).with_jsx(true),
    }
}

/// What an expression is known to be.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sym {
    /// A constant string. `hidden`: written with escapes or built by folding;
    /// `decoded`: produced by decoding base64, hex or char codes.
    Str {
        value: String,
        hidden: bool,
        decoded: bool,
    },
    /// A module or global (`base`) and a dotted member path below it (`""` for itself).
    Ref {
        base: String,
        path: String,
    },
    Unknown,
}

impl Sym {
    fn reference(base: &str, path: &str) -> Sym {
        Sym::Ref {
            base: base.to_string(),
            path: path.to_string(),
        }
    }

    fn is(&self, base: &str, path: &str) -> bool {
        matches!(self, Sym::Ref { base: b, path: p } if b == base && p == path)
    }

    fn str_value(&self) -> Option<&str> {
        match self {
            Sym::Str { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// Globals that resolve to themselves when not shadowed by a local alias (a `match`, not
/// a table search: every identifier the folder resolves asks).
fn is_global(name: &str) -> bool {
    matches!(
        name,
        "require"
            | "process"
            | "eval"
            | "Function"
            | "global"
            | "globalThis"
            | "window"
            | "self"
            | "module"
            | "Buffer"
            | "atob"
            | "fetch"
            | "XMLHttpRequest"
            | "WebSocket"
            | "JSON"
            | "Object"
            | "String"
            | "setTimeout"
            | "setInterval"
            | "document"
            | "navigator"
    )
}

/// The symbol of a global looked up by a computed name.
const HIDDEN_GLOBAL: &str = "<global looked up by a computed name>";
/// Names of payment-card form fields, as web skimmers look for them.
const PAYMENT_FIELDS: &[&str] = &[
    "cvc",
    "cvv",
    "cvv2",
    "cardnumber",
    "card-number",
    "card_number",
    "cc-number",
    "ccnumber",
    "cc-csc",
];
/// Objects whose members are globals (`global.eval` is `eval`).
const GLOBAL_OBJECTS: &[&str] = &["global", "globalThis", "window", "self"];

/// The walk's maps hash every name it binds or resolves: foldhash is several times
/// faster than SipHash on short keys and still seeded per process, so a file cannot
/// choose names that collide.
type Names<V> = HashMap<String, V, foldhash::fast::RandomState>;
type NameSet = HashSet<String, foldhash::fast::RandomState>;

struct Walker<'s> {
    source: &'s str,
    lines: LineIndex,
    facts: FileFacts,
    symbols: Names<Sym>,
    /// Functions whose body only decodes their argument (`function e(r){return
    /// Buffer.from(r,"hex").toString()}`), with the encoding.
    decoders: Names<&'static str>,
    /// Functions whose body decodes data (base64, hex, a cipher) in more steps than one
    /// return: `function _u(b, k) { const buf = Buffer.from(b, 'base64'); ...xor... }`.
    decoding_functions: NameSet,
    /// Functions whose body makes a request or opens a socket (`function fetchText(url,
    /// cb) { https.get(url, ...) }`): their callbacks and results carry the response.
    network_functions: NameSet,
    /// Hashes of the plain names called before anything was known of them: a helper
    /// among them was called before its (hoisted) declaration.
    unknown_callees: HashSet<u64, foldhash::fast::RandomState>,
    /// Functions that load the module named by their argument, transformed.
    require_wrappers: Names<NameTransform>,
    /// `var _0x1b = ['\x6f\x73', ...]`: the constant strings an obfuscator moved into
    /// one array.
    string_arrays: Names<Vec<String>>,
    /// `function _0x2c(i) { return _0x1b[i - 0x1b]; }`: functions that hand out an
    /// element of a string array, as (array, offset).
    array_accessors: Names<(String, i64)>,
    /// Whether the file rotates arrays (`push(shift())`), read from the source once,
    /// at the first string array.
    rotates_arrays: std::cell::OnceCell<bool>,
    network_names: NameSet,
    decoded_names: NameSet,
    /// >0 while walking the arguments (callbacks included) of a network call.
    network_depth: u32,
    network_mentions: u32,
    decoded_mentions: u32,
    network_calls: u32,
    decode_calls: u32,
    strings_seen: usize,
    /// The buffer `string_constant` normalises paths in, kept from string to string.
    normalised: String,
}

impl<'s> Walker<'s> {
    fn new(path: &str, source: &'s str) -> Self {
        Walker {
            source,
            lines: LineIndex::new(source),
            facts: FileFacts {
                path: path.to_string(),
                parsed: true,
                ..FileFacts::default()
            },
            symbols: Names::default(),
            decoders: Names::default(),
            require_wrappers: Names::default(),
            string_arrays: Names::default(),
            array_accessors: Names::default(),
            rotates_arrays: std::cell::OnceCell::new(),
            unknown_callees: HashSet::default(),
            decoding_functions: NameSet::default(),
            network_functions: NameSet::default(),
            network_names: NameSet::default(),
            decoded_names: NameSet::default(),
            network_depth: 0,
            network_mentions: 0,
            decoded_mentions: 0,
            network_calls: 0,
            decode_calls: 0,
            strings_seen: 0,
            normalised: String::new(),
        }
    }

    fn push(&mut self, kind: Kind, span: oxc_span::Span) {
        if self.facts.events.len() >= MAX_EVENTS {
            return;
        }
        let start = span.start as usize;
        self.facts.events.push(Event {
            kind,
            line: self.lines.line(start),
            snippet: snippet(self.source, start, span.end as usize),
            in_network_flow: self.network_depth > 0,
        });
    }

    // ---- constant folding and name resolution ----

    fn resolve(&self, expr: &Expression, depth: usize) -> Sym {
        if depth > MAX_RESOLVE_DEPTH {
            return Sym::Unknown;
        }
        match expr.without_parentheses() {
            Expression::StringLiteral(lit) => Sym::Str {
                value: lit.value.to_string(),
                hidden: self.raw_has_escape(lit.span),
                decoded: false,
            },
            Expression::TemplateLiteral(template) => {
                let mut value = String::new();
                let mut decoded = false;
                for (i, quasi) in template.quasis.iter().enumerate() {
                    value.push_str(quasi.value.cooked.as_deref().unwrap_or_default());
                    if let Some(part) = template.expressions.get(i) {
                        match self.resolve(part, depth + 1) {
                            Sym::Str {
                                value: v,
                                decoded: d,
                                ..
                            } => {
                                value.push_str(&v);
                                decoded |= d;
                            }
                            _ => return Sym::Unknown,
                        }
                    }
                    if value.len() > MAX_FOLDED_CHARS {
                        return Sym::Unknown;
                    }
                }
                let hidden = !template.expressions.is_empty() || self.raw_has_escape(template.span);
                Sym::Str {
                    value,
                    hidden,
                    decoded,
                }
            }
            Expression::BinaryExpression(binary) if binary.operator == BinaryOperator::Addition => {
                self.fold_addition(binary, depth)
            }
            Expression::Identifier(ident) => {
                let name = ident.name.as_str();
                if let Some(sym) = self.symbols.get(name) {
                    return sym.clone();
                }
                // The file's own directory: `path.join(__dirname, 'x.js')` is `./x.js`
                // to the file, which is how spawned and required files are found.
                if name == "__dirname" {
                    return Sym::Str {
                        value: ".".into(),
                        hidden: false,
                        decoded: false,
                    };
                }
                if is_global(name)
                    || self.decoders.contains_key(name)
                    || self.decoding_functions.contains(name)
                    || self.network_functions.contains(name)
                {
                    Sym::reference(name, "")
                } else {
                    Sym::Unknown
                }
            }
            Expression::StaticMemberExpression(member) => {
                if member.property.name == "dirname"
                    && matches!(
                        member.object.without_parentheses(),
                        Expression::ImportMeta(_)
                    )
                {
                    return Sym::Str {
                        value: ".".into(),
                        hidden: false,
                        decoded: false,
                    };
                }
                let object = self.resolve(&member.object, depth + 1);
                member_of(object, member.property.name.as_str())
            }
            Expression::ComputedMemberExpression(member) => {
                if let Expression::Identifier(array) = member.object.without_parentheses()
                    && let Some(strings) = self.string_arrays.get(array.name.as_str())
                {
                    return array_element(strings, numeric(&member.expression), 0);
                }
                match self.resolve(&member.expression, depth + 1) {
                    Sym::Str { value, .. } => {
                        member_of(self.resolve(&member.object, depth + 1), &value)
                    }
                    // `this[<computed>]` or `global[<computed>]`: a global whose name is
                    // hidden, the usual way to reach `eval` or `Function` unseen.
                    // Only a key *built* at run time counts: `this[symbol](x)` in a class
                    // method is an honest private method call.
                    _ if is_built_key(&member.expression)
                        && (matches!(
                            member.object.without_parentheses(),
                            Expression::ThisExpression(_)
                        ) || matches!(self.resolve(&member.object, depth + 1), Sym::Ref { ref base, ref path } if path.is_empty() && GLOBAL_OBJECTS.contains(&base.as_str()))) =>
                    {
                        Sym::reference(HIDDEN_GLOBAL, "")
                    }
                    _ => Sym::Unknown,
                }
            }
            Expression::CallExpression(call) => self.resolve_call(call, depth + 1),
            // `win ? 'cmd.exe' : '/bin/sh'`: per-platform payloads pick one of two
            // constants; the second branch is the Unix one in the usual order.
            Expression::ConditionalExpression(conditional) => {
                match self.resolve(&conditional.alternate, depth + 1) {
                    sym @ (Sym::Str { .. } | Sym::Ref { .. }) => sym,
                    Sym::Unknown => self.resolve(&conditional.consequent, depth + 1),
                }
            }
            // `new dns.Resolver()` answers the same queries as the module itself.
            Expression::NewExpression(new) => match self.resolve(&new.callee, depth + 1) {
                Sym::Ref { base, path } if base == "dns" && path.ends_with("Resolver") => {
                    Sym::reference("dns", "")
                }
                _ => Sym::Unknown,
            },
            // `global.require || module.constructor._load`: feature tests pick
            // whichever loader exists; either side names what the code gets.
            // `process.mainModule && process.mainModule.require`: the guard's right side.
            Expression::LogicalExpression(logical) => {
                if logical.operator == LogicalOperator::And {
                    return self.resolve(&logical.right, depth + 1);
                }
                match self.resolve(&logical.left, depth + 1) {
                    sym @ (Sym::Str { .. } | Sym::Ref { .. }) => sym,
                    Sym::Unknown => self.resolve(&logical.right, depth + 1),
                }
            }
            Expression::SequenceExpression(sequence) => sequence
                .expressions
                .last()
                .map_or(Sym::Unknown, |last| self.resolve(last, depth + 1)),
            _ => Sym::Unknown,
        }
    }

    fn resolve_argument(&self, argument: Option<&Argument>, depth: usize) -> Sym {
        argument
            .and_then(Argument::as_expression)
            .map_or(Sym::Unknown, |e| self.resolve(e, depth))
    }

    fn resolve_call(&self, call: &CallExpression, depth: usize) -> Sym {
        if let Expression::StaticMemberExpression(member) = call.callee.without_parentheses()
            && let Some(sym) = self.resolve_method_call(member, call, depth)
        {
            return sym;
        }
        if let Expression::Identifier(ident) = call.callee.without_parentheses()
            && let Some((array, offset)) = self.array_accessors.get(ident.name.as_str())
            && let Some(strings) = self.string_arrays.get(array)
        {
            let index = call
                .arguments
                .first()
                .and_then(Argument::as_expression)
                .and_then(numeric);
            return array_element(strings, index, *offset);
        }
        let callee = self.resolve(&call.callee, depth);
        let first = call.arguments.first();
        if let Expression::Identifier(ident) = call.callee.without_parentheses()
            && let Some(wrapper) = self.require_wrappers.get(ident.name.as_str())
        {
            return match self.resolve_argument(first, depth) {
                Sym::Str { value, .. } => Sym::reference(&module_name(&wrapper.apply(&value)), ""),
                _ => Sym::Unknown,
            };
        }
        self.resolve_module_call(&callee, call, depth)
            .or_else(|| self.resolve_decoding_call(&callee, call, depth))
            .unwrap_or(Sym::Unknown)
    }

    /// `<decoded>.toString()`, `fn.bind(obj)`, a reversed or joined array: methods
    /// that keep what they are called on.
    fn resolve_method_call(
        &self,
        member: &StaticMemberExpression,
        call: &CallExpression,
        depth: usize,
    ) -> Option<Sym> {
        let method = member.property.name.as_str();
        if method == "toString"
            && let sym @ Sym::Str { .. } = self.resolve(&member.object, depth)
        {
            return Some(sym);
        }
        // `fn.bind(obj)` is still `fn`.
        if method == "bind"
            && let sym @ Sym::Ref { .. } = self.resolve(&member.object, depth)
        {
            return Some(sym);
        }
        if method == "join" {
            if let Some(source) = reversed_source(call) {
                return Some(match self.resolve(source, depth + 1) {
                    Sym::Str { value, decoded, .. } => Sym::Str {
                        value: value.chars().rev().collect(),
                        hidden: true,
                        decoded,
                    },
                    _ => Sym::Unknown,
                });
            }
            // An array's `join`; `path.join(…)` is resolved below.
            let joined = self.fold_join(&member.object, call.arguments.first(), depth);
            if !matches!(joined, Sym::Unknown) {
                return Some(joined);
            }
        }
        None
    }

    /// Calls of Node's modules whose result the walk knows: `require`, the home and
    /// temporary folders, `promisify`, paths.
    fn resolve_module_call(
        &self,
        callee: &Sym,
        call: &CallExpression,
        depth: usize,
    ) -> Option<Sym> {
        let first = call.arguments.first();
        Some(match callee {
            Sym::Ref { base, path } if is_require_ref(base, path) => {
                match self.resolve_argument(first, depth) {
                    Sym::Str { value, .. } => Sym::reference(&module_name(&value), ""),
                    _ => Sym::Unknown,
                }
            }
            Sym::Ref { base, path } if base == "os" && path == "homedir" => Sym::Str {
                value: "~".into(),
                hidden: false,
                decoded: false,
            },
            // `promisify(exec)` is `exec` with a promise.
            Sym::Ref { base, path } if base == "util" && path == "promisify" => {
                self.resolve_argument(first, depth)
            }
            Sym::Ref { base, path } if base == "os" && path == "tmpdir" => Sym::Str {
                value: "/tmp".into(),
                hidden: false,
                decoded: false,
            },
            // `path.dirname(fileURLToPath(import.meta.url))`: the ES module's own
            // folder, as `__dirname` is the CommonJS one.
            Sym::Ref { base, path }
                if base == "path"
                    && path == "dirname"
                    && first.is_some_and(|a| {
                        let text = self
                            .source
                            .get(a.span().start as usize..a.span().end as usize)
                            .unwrap_or_default();
                        text.contains("import.meta.url") || text == "__filename"
                    }) =>
            {
                Sym::Str {
                    value: ".".into(),
                    hidden: false,
                    decoded: false,
                }
            }
            Sym::Ref { base, path }
                if base == "path" && matches!(path.as_str(), "join" | "resolve") =>
            {
                // Unknown parts become `*` so `join(home, '.ssh', 'id_rsa')` still reads.
                let parts: Vec<String> = call
                    .arguments
                    .iter()
                    .map(
                        |a| match a.as_expression().map(|e| self.resolve(e, depth)) {
                            Some(Sym::Str { value, .. }) => value,
                            _ => "*".to_string(),
                        },
                    )
                    .collect();
                Sym::Str {
                    value: parts.join("/"),
                    hidden: false,
                    decoded: false,
                }
            }
            _ => return None,
        })
    }

    /// Calls that decode: `Buffer.from(…, 'base64')`, `atob`, constant char codes, the
    /// file's own decoding helpers.
    fn resolve_decoding_call(
        &self,
        callee: &Sym,
        call: &CallExpression,
        depth: usize,
    ) -> Option<Sym> {
        let first = call.arguments.first();
        Some(match callee {
            Sym::Ref { base, path } if base == "Buffer" && path == "from" => {
                let encoding = self.resolve_argument(call.arguments.get(1), depth);
                let Sym::Str { value, .. } = self.resolve_argument(first, depth) else {
                    return Some(Sym::Unknown);
                };
                let bytes = match encoding.str_value() {
                    Some("base64" | "base64url") => strings::base64_lenient(&value),
                    Some("hex") => strings::decode_hex(&value),
                    _ => {
                        return Some(Sym::Str {
                            value,
                            hidden: false,
                            decoded: false,
                        });
                    }
                };
                decoded_str(bytes)
            }
            Sym::Ref { base, path } if base == "atob" && path.is_empty() => {
                match self.resolve_argument(first, depth) {
                    Sym::Str { value, .. } => decoded_str(strings::base64_lenient(&value)),
                    _ => Sym::Unknown,
                }
            }
            Sym::Ref { base, path } if base == "String" && path == "fromCharCode" => {
                let text: Option<String> = call
                    .arguments
                    .iter()
                    .map(|a| match a.as_expression()?.without_parentheses() {
                        Expression::NumericLiteral(n) if (0.0..=1_114_111.0).contains(&n.value) => {
                            char::from_u32(n.value as u32)
                        }
                        _ => None,
                    })
                    .collect();
                text.map_or(Sym::Unknown, |value| Sym::Str {
                    value,
                    hidden: true,
                    decoded: true,
                })
            }
            Sym::Ref { base, path } if path.is_empty() && self.decoders.contains_key(base) => {
                let encoding = self.decoders[base];
                match self.resolve_argument(first, depth) {
                    Sym::Str { value, .. } => decoded_str(if encoding == "hex" {
                        strings::decode_hex(&value)
                    } else {
                        strings::base64_lenient(&value)
                    }),
                    _ => Sym::Unknown,
                }
            }
            _ => return None,
        })
    }

    /// `{ h: os.hostname(), e: process.env }` or `{ ...process.env }`: an object that
    /// carries the whole environment into what is serialised.
    fn object_holds_env(&self, argument: Option<&Argument>) -> bool {
        let Some(Expression::ObjectExpression(object)) = argument
            .and_then(Argument::as_expression)
            .map(|e| e.without_parentheses())
        else {
            return false;
        };
        object.properties.iter().any(|property| {
            let value = match property {
                ObjectPropertyKind::ObjectProperty(property) => &property.value,
                ObjectPropertyKind::SpreadProperty(spread) => &spread.argument,
            };
            self.resolve(value, 1).is("process", "env")
        })
    }

    /// Keeps `name = [<constant strings>]` when the file does not rotate arrays (the
    /// obfuscator.io `push(shift())` loop would make every index wrong).
    fn note_string_array(&mut self, name: &str, init: &Expression) {
        let Expression::ArrayExpression(array) = init.without_parentheses() else {
            return;
        };
        if array.elements.len() < 2 || array.elements.len() > MAX_STRING_ARRAY {
            return;
        }
        let mut strings = Vec::with_capacity(array.elements.len());
        let mut total = 0;
        for element in &array.elements {
            let Some(Expression::StringLiteral(literal)) = element.as_expression() else {
                return;
            };
            total += literal.value.len();
            if total > MAX_FOLDED_CHARS * 4 {
                return;
            }
            strings.push(literal.value.to_string());
        }
        let source = self.source;
        let rotates = *self
            .rotates_arrays
            .get_or_init(|| source.contains("shift()") || source.contains("'shift']()"));
        if !rotates {
            self.string_arrays.insert(name.to_string(), strings);
        }
    }

    fn function_array_accessor(&self, init: &Expression) -> Option<(String, i64)> {
        match init.without_parentheses() {
            Expression::FunctionExpression(function) => {
                self.array_accessor(&function.params, function.body.as_deref())
            }
            // `i => a[i]` has one expression statement as its body.
            Expression::ArrowFunctionExpression(arrow) => {
                self.array_accessor(&arrow.params, arrow.get_function_body())
            }
            _ => None,
        }
    }

    /// A function of one index whose body returns an element of a known string array:
    /// `return a[i]`, `return a[i - 0x1b]`, or the obfuscator.io shape `i = i - 0x1b;
    /// var x = a[i]; return x;`.
    fn array_accessor(
        &self,
        params: &FormalParameters,
        body: Option<&FunctionBody>,
    ) -> Option<(String, i64)> {
        let param = match params.items.first()?.pattern {
            BindingPattern::BindingIdentifier(ref ident) => ident.name.as_str(),
            _ => return None,
        };
        let statements = body?.statements.as_slice();
        let mut offset = 0;
        let mut element: Option<&Expression> = None;
        for statement in statements {
            match statement {
                // `i = i - 0x1b;`
                Statement::ExpressionStatement(expression) => {
                    match expression.expression.without_parentheses() {
                        Expression::AssignmentExpression(assign) => {
                            offset = index_offset(&assign.right, param)?;
                        }
                        other => element = Some(other),
                    }
                }
                // `var x = a[i];`
                Statement::VariableDeclaration(declaration) => {
                    element = declaration.declarations.first()?.init.as_ref();
                }
                Statement::ReturnStatement(ret) => {
                    let returned = ret.argument.as_ref()?;
                    if !matches!(returned.without_parentheses(), Expression::Identifier(_)) {
                        element = Some(returned);
                    }
                }
                _ => return None,
            }
        }
        let Expression::ComputedMemberExpression(member) = element?.without_parentheses() else {
            return None;
        };
        let Expression::Identifier(array) = member.object.without_parentheses() else {
            return None;
        };
        if !self.string_arrays.contains_key(array.name.as_str()) {
            return None;
        }
        let inner = index_offset(&member.expression, param)?;
        Some((array.name.to_string(), offset + inner))
    }

    /// A one-parameter function whose body is `require(<the parameter, transformed>)`:
    /// `const m = s => require(s.split('').reverse().join(''))`, a way to load modules
    /// whose names never appear in the file.
    fn require_wrapper(&self, init: &Expression) -> Option<NameTransform> {
        let (params, body) = match init.without_parentheses() {
            Expression::ArrowFunctionExpression(arrow) => (
                &arrow.params,
                match arrow.get_expression() {
                    Some(expression) => Some(expression),
                    None => single_return(arrow.get_function_body()),
                },
            ),
            Expression::FunctionExpression(function) => {
                (&function.params, single_return(function.body.as_deref()))
            }
            _ => return None,
        };
        let [param] = params.items.as_slice() else {
            return None;
        };
        let BindingPattern::BindingIdentifier(param) = &param.pattern else {
            return None;
        };
        let Expression::CallExpression(call) = body?.without_parentheses() else {
            return None;
        };
        if !matches!(self.resolve(&call.callee, 0), Sym::Ref { ref base, ref path } if is_require_ref(base, path))
        {
            return None;
        }
        let argument = call
            .arguments
            .first()?
            .as_expression()?
            .without_parentheses();
        let is_param = |e: &Expression| matches!(e.without_parentheses(), Expression::Identifier(i) if i.name == param.name);
        if is_param(argument) {
            return Some(NameTransform::Same);
        }
        if let Expression::CallExpression(join) = argument
            && reversed_source(join).is_some_and(is_param)
        {
            return Some(NameTransform::Reversed);
        }
        if let Expression::BinaryExpression(binary) = argument
            && binary.operator == BinaryOperator::Addition
        {
            if is_param(&binary.left)
                && let Some(suffix) = self.resolve(&binary.right, 0).str_value()
            {
                return Some(NameTransform::Around(String::new(), suffix.to_string()));
            }
            if is_param(&binary.right)
                && let Some(prefix) = self.resolve(&binary.left, 0).str_value()
            {
                return Some(NameTransform::Around(prefix.to_string(), String::new()));
            }
        }
        None
    }

    /// `['child_', 'process'].join('')`.
    fn fold_join(&self, object: &Expression, separator: Option<&Argument>, depth: usize) -> Sym {
        let Expression::ArrayExpression(array) = object.without_parentheses() else {
            return Sym::Unknown;
        };
        let separator = match separator {
            None => ",".to_string(),
            Some(arg) => match self.resolve_argument(Some(arg), depth) {
                Sym::Str { value, .. } => value,
                _ => return Sym::Unknown,
            },
        };
        let mut parts = Vec::new();
        for element in &array.elements {
            match element.as_expression().map(|e| self.resolve(e, depth)) {
                Some(Sym::Str { value, .. }) => parts.push(value),
                _ => return Sym::Unknown,
            }
        }
        let value = parts.join(&separator);
        if value.len() > MAX_FOLDED_CHARS {
            return Sym::Unknown;
        }
        Sym::Str {
            value,
            hidden: true,
            decoded: false,
        }
    }

    /// The literal's source text holds `\x` or `\u`. One search for backslashes: every
    /// string literal the folder resolves asks, and most have none.
    fn raw_has_escape(&self, span: oxc_span::Span) -> bool {
        self.source
            .as_bytes()
            .get(span.start as usize..span.end as usize)
            .is_some_and(|raw| {
                memchr::memchr_iter(b'\\', raw)
                    .any(|at| matches!(raw.get(at + 1), Some(b'x' | b'u')))
            })
    }

    /// The encoding a one-expression function body decodes its argument from.
    fn decoder_body(&self, expr: &Expression) -> Option<&'static str> {
        let mut expr = expr.without_parentheses();
        loop {
            let Expression::CallExpression(call) = expr else {
                return None;
            };
            if let Expression::StaticMemberExpression(member) = call.callee.without_parentheses()
                && member.property.name == "toString"
            {
                expr = member.object.without_parentheses();
                continue;
            }
            let callee = self.resolve(&call.callee, 0);
            if callee.is("atob", "") {
                return Some("base64");
            }
            if callee.is("Buffer", "from") {
                return match self.resolve_argument(call.arguments.get(1), 0).str_value() {
                    Some("hex") => Some("hex"),
                    Some("base64" | "base64url") => Some("base64"),
                    _ => None,
                };
            }
            return None;
        }
    }

    fn bind(&mut self, pattern: &BindingPattern, value: &Sym) {
        match pattern {
            BindingPattern::BindingIdentifier(ident) => {
                let too_long =
                    matches!(value, Sym::Str { value, .. } if value.len() > MAX_FOLDED_CHARS);
                if !matches!(value, Sym::Unknown) && !too_long {
                    self.symbols.insert(ident.name.to_string(), value.clone());
                }
            }
            BindingPattern::ObjectPattern(object) => {
                for property in &object.properties {
                    if let Some(key) = property.key.static_name() {
                        let member = member_of(value.clone(), &key);
                        self.bind(&property.value, &member);
                    }
                }
            }
            BindingPattern::AssignmentPattern(assignment) => self.bind(&assignment.left, value),
            BindingPattern::ArrayPattern(_) => {}
        }
    }

    fn bound_names<'p>(pattern: &'p BindingPattern, out: &mut Vec<&'p str>) {
        match pattern {
            BindingPattern::BindingIdentifier(ident) => out.push(ident.name.as_str()),
            BindingPattern::ObjectPattern(object) => {
                for property in &object.properties {
                    Self::bound_names(&property.value, out);
                }
            }
            BindingPattern::ArrayPattern(array) => {
                for element in array.elements.iter().flatten() {
                    Self::bound_names(element, out);
                }
            }
            BindingPattern::AssignmentPattern(assignment) => {
                Self::bound_names(&assignment.left, out)
            }
        }
    }

    // ---- classification of calls ----

    /// What calling `callee` with `arguments` does, as events (without walking): what
    /// runs code (processes, loaders, eval), what reaches the network, what touches the
    /// host, its files and its environment, what decodes; in that order, the first that
    /// knows the call decides.
    fn classify_call(
        &mut self,
        callee: &Sym,
        arguments: &[Argument],
        span: oxc_span::Span,
        is_new: bool,
    ) -> CallClass {
        let Sym::Ref { base, path } = callee else {
            return CallClass::Other;
        };
        let call = CallSite {
            base: base.as_str(),
            path: path.as_str(),
            last: path.rsplit('.').next().unwrap_or_default(),
            arguments,
            span,
            is_new,
        };
        self.code_running_call(&call)
            .or_else(|| self.network_call(&call))
            .or_else(|| self.host_call(&call))
            .or_else(|| self.decoding_call(&call))
            .unwrap_or(CallClass::Other)
    }

    /// Calls that start programs, load modules or evaluate code.
    fn code_running_call(&mut self, call: &CallSite<'_, '_>) -> Option<CallClass> {
        let CallSite {
            base,
            path,
            last,
            arguments,
            span,
            is_new,
        } = *call;
        let first = arguments.first();
        Some(match (base, path) {
            ("child_process", _)
                if capabilities::of_function(last) == Some(Capability::StartsPrograms) =>
            {
                // Resolved once: the command's text, what it collects and the node code
                // it hands on all read the same words.
                let words = self.command_words(arguments).unwrap_or_default();
                let command = (!words.is_empty()).then(|| words.join(" "));
                if let Some(command) = &command {
                    self.shell_shapes(command, span);
                }
                for kind in collected_by_command(last, &words) {
                    self.push(kind, span);
                }
                let line = self.lines.line(span.start as usize);
                for code in inline_node_code(last, &words) {
                    let kept: usize = self.facts.inline_code.iter().map(|(_, c)| c.len()).sum();
                    if self.facts.inline_code.len() < MAX_INLINE_CODE_PIECES
                        && kept + code.len() <= MAX_INLINE_CODE_BYTES
                        && !self.facts.inline_code.iter().any(|(_, c)| *c == code)
                    {
                        self.facts.inline_code.push((line, code));
                    }
                }
                if let Some(command) = &command {
                    // Files a constant command starts run like the file that starts them.
                    for target in super::node_targets(command, "index.js") {
                        self.facts.local_requires.push(target);
                    }
                }
                self.push(
                    Kind::Exec {
                        api: format!("child_process.{last}"),
                        command,
                    },
                    span,
                );
                CallClass::Other
            }
            ("require", "")
            | ("module", "require")
            | ("process", "mainModule.require")
            | ("module", "constructor._load") => {
                match self.resolve_argument(first, 0) {
                    Sym::Str {
                        value,
                        hidden,
                        decoded,
                    } => {
                        if value.starts_with('.') {
                            self.facts.local_requires.push(value.clone());
                        }
                        let name = module_name(&value);
                        if (hidden || decoded)
                            && (capabilities::is_builtin(&name) || value.starts_with('.'))
                        {
                            let how = if decoded {
                                "decoded at run time"
                            } else {
                                "hidden in escapes or concatenation"
                            };
                            self.push(Kind::HiddenModule { module: name, how }, span);
                        }
                    }
                    _ => self.push(Kind::ComputedRequire, span),
                }
                CallClass::Other
            }
            ("eval", "") => self.eval_call("eval", first, span),
            (HIDDEN_GLOBAL, "") => self.eval_call(HIDDEN_GLOBAL, first, span),
            ("Function", "") => self.eval_call("Function", arguments.last(), span),
            (
                "vm",
                "runInThisContext" | "runInNewContext" | "runInContext" | "compileFunction"
                | "Script",
            ) => self.eval_call_named(format!("vm.{path}"), first, span),
            ("module", "constructor") if is_new => {
                self.push(
                    Kind::Eval {
                        api: "new module.constructor (compiles code as a module)".into(),
                        source: EvalSource::Dynamic,
                    },
                    span,
                );
                CallClass::Other
            }
            (_, _) if last == "_compile" => {
                self.eval_call_named("Module._compile".into(), first, span)
            }
            _ => return None,
        })
    }

    /// Calls that reach the network: requests, sockets, lookups.
    fn network_call(&mut self, call: &CallSite<'_, '_>) -> Option<CallClass> {
        let CallSite {
            base,
            path,
            last,
            arguments,
            span,
            is_new,
        } = *call;
        let first = arguments.first();
        Some(match (base, path) {
            ("http" | "https" | "http2", "request" | "get" | "connect") => {
                self.push(Kind::Http(format!("{base}.{path}")), span);
                CallClass::Network
            }
            ("fetch" | "XMLHttpRequest", "") => {
                self.push(Kind::Http(base.to_string()), span);
                CallClass::Network
            }
            // A WebSocket is a channel both ways, a socket more than a request: what it
            // receives and runs is remote control (DSCA804), not a download.
            ("WebSocket", "") | ("ws", "" | "WebSocket") if is_new => {
                let client = if base == "ws" { "`ws`" } else { "`WebSocket`" };
                self.push(Kind::Socket(format!("a WebSocket ({client})")), span);
                CallClass::Network
            }
            (client, _) if capabilities::is_http_client(client) => {
                self.push(Kind::Http(format!("the `{client}` client")), span);
                CallClass::Network
            }
            ("net", "connect" | "createConnection" | "Socket")
            | ("tls", "connect")
            | ("dgram", "createSocket") => {
                self.push(Kind::Socket(format!("{base}.{path}")), span);
                CallClass::Network
            }
            ("dns" | "dns.promises", _) if last.starts_with("resolve") || last == "lookup" => {
                let built_from_data = !matches!(self.resolve_argument(first, 0), Sym::Str { .. });
                self.push(Kind::Dns { built_from_data }, span);
                CallClass::Network
            }
            _ => return None,
        })
    }

    /// Calls that reach the host: the page, the process, the environment, files.
    fn host_call(&mut self, call: &CallSite<'_, '_>) -> Option<CallClass> {
        let CallSite {
            base,
            path,
            last,
            arguments,
            span,
            ..
        } = *call;
        let first = arguments.first();
        Some(match (base, path) {
            ("document", "createElement") => {
                if let Some(tag @ ("link" | "img" | "iframe")) =
                    self.resolve_argument(first, 0).str_value()
                {
                    self.push(
                        Kind::BrowserBeacon(format!("an injected <{tag}> element")),
                        span,
                    );
                }
                CallClass::Other
            }
            ("navigator", "sendBeacon") => {
                self.push(Kind::BrowserBeacon("navigator.sendBeacon".into()), span);
                CallClass::Other
            }
            ("process", "binding" | "_linkedBinding" | "dlopen") => {
                self.push(Kind::ProcessBinding, span);
                CallClass::Other
            }
            ("JSON", "stringify") | ("Object", "keys" | "entries" | "values") => {
                // Listing the environment's names is everyday config code; serialising
                // it, or listing it into a request, is collecting it.
                let enumerates_only = base == "Object" && self.network_depth == 0;
                if (self.resolve_argument(first, 0).is("process", "env")
                    || (base == "JSON" && self.object_holds_env(first)))
                    && !enumerates_only
                {
                    self.push(Kind::EnvWhole, span);
                }
                CallClass::Other
            }
            ("os", "hostname" | "userInfo" | "networkInterfaces") => {
                let what = match last {
                    "hostname" => "the host name",
                    "userInfo" => "the user account",
                    _ => "the network interfaces",
                };
                self.push(Kind::Recon(what), span);
                CallClass::Other
            }
            ("rimraf", _) => {
                let target = self
                    .resolve_argument(first, 0)
                    .str_value()
                    .map(str::to_string);
                self.push(
                    Kind::Delete {
                        target,
                        recursive: true,
                    },
                    span,
                );
                CallClass::Other
            }
            (module, _) if capabilities::of_module(module) == Some(Capability::Files) => {
                self.fs_call(last, first, arguments.get(1), span);
                CallClass::Other
            }
            _ => return None,
        })
    }

    /// Calls that decode hidden text, and paths built to credential files.
    fn decoding_call(&mut self, call: &CallSite<'_, '_>) -> Option<CallClass> {
        let CallSite {
            base,
            path,
            arguments,
            span,
            ..
        } = *call;
        Some(match (base, path) {
            ("Buffer", "from") => {
                if matches!(
                    self.resolve_argument(arguments.get(1), 0).str_value(),
                    Some("base64" | "base64url" | "hex")
                ) {
                    self.decode_calls += 1;
                    self.push(Kind::Decode("base64/hex"), span);
                }
                CallClass::Other
            }
            // Char codes computed at run time are string utilities (UTF-16 surrogates);
            // only constant codes hide text.
            ("String", "fromCharCode")
                if !arguments.iter().all(|a| {
                    matches!(
                        a.as_expression().map(Expression::without_parentheses),
                        Some(Expression::NumericLiteral(_))
                    )
                }) =>
            {
                CallClass::Other
            }
            ("atob", "") | ("String", "fromCharCode") => {
                self.decode_calls += 1;
                self.push(
                    Kind::Decode(if base == "atob" {
                        "base64"
                    } else {
                        "char codes"
                    }),
                    span,
                );
                CallClass::Other
            }
            ("crypto", "createDecipher" | "createDecipheriv") => {
                self.decode_calls += 1;
                self.push(Kind::Decode("a cipher"), span);
                CallClass::Other
            }
            (name, "") if self.network_functions.contains(name) => CallClass::Network,
            (name, "")
                if self.decoders.contains_key(name) || self.decoding_functions.contains(name) =>
            {
                self.decode_calls += 1;
                self.push(Kind::Decode("a decoding helper"), span);
                CallClass::Other
            }
            ("path", "join" | "resolve") => {
                if let Sym::Str { value, .. } = self.resolve_call_args_path(arguments) {
                    self.sensitive_text(&value, span);
                }
                CallClass::Other
            }
            _ => return None,
        })
    }

    fn resolve_call_args_path(&self, arguments: &[Argument]) -> Sym {
        let parts: Vec<String> = arguments
            .iter()
            .map(|a| match a.as_expression().map(|e| self.resolve(e, 0)) {
                Some(Sym::Str { value, .. }) => value,
                _ => "*".to_string(),
            })
            .collect();
        Sym::Str {
            value: parts.join("/"),
            hidden: false,
            decoded: false,
        }
    }

    fn fs_call(
        &mut self,
        method: &str,
        first: Option<&Argument>,
        options: Option<&Argument>,
        span: oxc_span::Span,
    ) {
        let target = self
            .resolve_argument(first, 0)
            .str_value()
            .map(str::to_string);
        if let Some(target) = &target {
            self.sensitive_text(target, span);
        } else if let Some(Expression::TemplateLiteral(template)) = first
            .and_then(Argument::as_expression)
            .map(|e| e.without_parentheses())
            && let Some(path) = self.template_text(template)
        {
            // `/proc/${pid}/mem`: the place is named even when a part is not known.
            self.sensitive_text(&path, span);
        }
        if let Some(recursive) = deletes(method, options) {
            self.push(Kind::Delete { target, recursive }, span);
        } else if method.starts_with("readdir") || method.starts_with("opendir") {
            // `*`: a folder known only at run time (a walk's parameter).
            self.push(Kind::ListDir(target.unwrap_or_else(|| "*".into())), span);
        } else if is_write(method) {
            self.push(Kind::FileWrite { target }, span);
        } else if matches!(method, "chmod" | "chmodSync") {
            self.push(Kind::Chmod, span);
        } else if method.starts_with("read")
            || method == "createReadStream"
            || method.starts_with("copyFile")
        {
            self.push(Kind::FileRead, span);
        }
    }

    /// A path the code builds or opens: the sensitive and persistence places it names
    /// (`path.join(home, '.claude', 'settings.json')`).
    fn sensitive_text(&mut self, text: &str, span: oxc_span::Span) {
        self.sensitive_place(text, span, true);
        if let Some(what) = strings::persistence_place(text) {
            self.push(Kind::Persistence(what), span);
        }
    }

    fn sensitive_place(&mut self, text: &str, span: oxc_span::Span, built: bool) {
        self.report_sensitive_place(strings::sensitive_place(text), span, built);
    }

    fn report_sensitive_place(
        &mut self,
        place: Option<(&'static str, super::tables::SecretWeight)>,
        span: oxc_span::Span,
        built: bool,
    ) {
        if let Some((what, weight)) = place {
            self.push(
                Kind::Sensitive {
                    what,
                    weight,
                    built,
                },
                span,
            );
        }
    }

    fn eval_call(&mut self, api: &str, code: Option<&Argument>, span: oxc_span::Span) -> CallClass {
        self.eval_call_named(api.to_string(), code, span)
    }

    fn eval_call_named(
        &mut self,
        api: String,
        code: Option<&Argument>,
        span: oxc_span::Span,
    ) -> CallClass {
        match self.resolve_argument(code, 0) {
            // Constant code (`Function('return this')`) is not hidden from anyone.
            Sym::Str { decoded: false, .. } => CallClass::Other,
            Sym::Str { decoded: true, .. } => {
                self.push(
                    Kind::Eval {
                        api,
                        source: EvalSource::Decoded,
                    },
                    span,
                );
                CallClass::Other
            }
            _ if code.is_none() => CallClass::Other,
            _ => CallClass::Eval(api),
        }
    }

    /// The program and the argument array of a child_process call, each constant
    /// resolved (`…` where it is not); `None` when the program is not a constant.
    fn command_words(&self, arguments: &[Argument]) -> Option<Vec<String>> {
        let program = match self.resolve_argument(arguments.first(), 0) {
            Sym::Str { value, .. } => value,
            // `spawn(process.execPath, [file])` starts another Node.js process.
            sym if sym.is("process", "execPath") || sym.is("process", "argv0") => {
                "node".to_string()
            }
            _ => return None,
        };
        let mut words = vec![program];
        if let Some(Expression::ArrayExpression(array)) = arguments
            .get(1)
            .and_then(Argument::as_expression)
            .map(Expression::without_parentheses)
        {
            for element in &array.elements {
                match element.as_expression().map(|e| self.resolve(e, 0)) {
                    Some(Sym::Str { value, .. }) => words.push(value),
                    _ => words.push("…".to_string()),
                }
            }
        }
        Some(words)
    }

    fn shell_shapes(&mut self, text: &str, span: oxc_span::Span) {
        if text.len() > 4096 || !text.contains(' ') {
            return;
        }
        let mut hits = risky_shapes(text);
        // `(crontab -l; echo "*/10 * * * * curl … | sh") | crontab -`: the quoted line is
        // the command the crontab will run, a command all the same.
        if text.contains("crontab") {
            for segment in crate::shell::parse(text).segments {
                for word in segment.words.iter().filter(|w| w.text.contains(' ')) {
                    hits.extend(risky_shapes(&word.text));
                }
            }
        }
        for hit in hits {
            self.push(
                Kind::ShellCommand {
                    reason: hit.reason,
                    severity: hit.severity,
                },
                span,
            );
        }
    }

    fn string_constant(&mut self, value: &str, span: oxc_span::Span) {
        if value.len() < 3 {
            return;
        }
        self.geo_constant(value, span);
        if value.len() < 6 {
            if is_payment_field(value) {
                self.push(Kind::PaymentField(value.to_string()), span);
            }
            return;
        }
        self.strings_seen += 1;
        if self.strings_seen > MAX_INDICATOR_STRINGS {
            return;
        }
        let line = self.lines.line(span.start as usize);
        // Both place tables read the same normalised form: made once per string, in a
        // buffer kept for the next one.
        let mut buffer = std::mem::take(&mut self.normalised);
        let normalised = (value.len() <= 4096).then(|| {
            strings::normalise_path_into(value, &mut buffer);
            buffer.as_str()
        });
        self.report_sensitive_place(
            normalised.and_then(strings::sensitive_place_normalised),
            span,
            false,
        );
        if has_scheme_separator(value)
            || value.contains('@')
            || value.bytes().filter(|&b| b == b'.').count() >= 3
            || value.len() >= 16
        {
            for indicator in strings::indicators(value) {
                if self.facts.indicators.len() < 500 {
                    self.facts.indicators.push((line, indicator));
                }
            }
        }
        if value.len() <= 16 && is_payment_field(value) {
            self.push(Kind::PaymentField(value.to_string()), span);
        }
        if let Some(what) = normalised.and_then(strings::persistence_place_normalised) {
            self.push(Kind::Persistence(what), span);
        }
        self.normalised = buffer;
        if looks_like_command(value) {
            self.shell_shapes(value, span);
        }
        // A service unit the code writes carries the command it will start.
        if value.contains("Exec") {
            for command in unit_commands(value) {
                self.shell_shapes(command, span);
            }
        }
        if value.len() >= 1024
            && is_encoded_blob(value)
            && self.facts.obfuscation.encoded_blobs.len() < 50
        {
            self.facts
                .obfuscation
                .encoded_blobs
                .push((line, value.len()));
        }
    }

    fn geo_constant(&mut self, value: &str, span: oxc_span::Span) {
        if !(5..=20).contains(&value.len()) {
            return;
        }
        if let Some((_, country)) = super::tables::GEO_TARGETS
            .iter()
            .find(|(text, _)| value.eq_ignore_ascii_case(text))
        {
            self.push(Kind::GeoTarget(country), span);
        } else if super::tables::GEO_LIST_MEMBERS
            .iter()
            .any(|text| value.eq_ignore_ascii_case(text))
        {
            self.facts.names_other_countries = true;
        }
    }

    fn note_identifier(&mut self, name: &str) {
        if !name.is_ascii() && name.contains(['\u{200C}', '\u{200D}']) {
            self.facts.obfuscation.joiner_in_names = true;
        }
        if is_hex_identifier(name) {
            let obfuscation = &mut self.facts.obfuscation;
            obfuscation.hex_identifier_uses += 1;
            if obfuscation.distinct_hex_identifiers.len() < 1000 {
                obfuscation
                    .distinct_hex_identifiers
                    .insert(name.to_string());
            }
        }
    }
}

/// One call as the classifiers read it: `base.path(arguments)`, `last` the path's last
/// member.
#[derive(Clone, Copy)]
struct CallSite<'c, 'a> {
    base: &'c str,
    path: &'c str,
    last: &'c str,
    arguments: &'c [Argument<'a>],
    span: oxc_span::Span,
    is_new: bool,
}

enum CallClass {
    Other,
    /// A network call: its arguments (callbacks) handle downloaded data.
    Network,
    /// An eval-like call whose code is not a constant; classified after its arguments
    /// were walked (to see decoding and downloaded data in them).
    Eval(String),
}

/// Whether an fs method deletes, and if so whether recursively (`{ recursive: true }`;
/// fs-extra's `remove` and `emptyDir` always are).
fn deletes(method: &str, options: Option<&Argument>) -> Option<bool> {
    match method {
        "rm" | "rmSync" | "rmdir" | "rmdirSync" => Some(options.is_some_and(|options| {
            let Some(Expression::ObjectExpression(object)) =
                options.as_expression().map(Expression::without_parentheses)
            else {
                return false;
            };
            object.properties.iter().any(|property| {
                matches!(property, ObjectPropertyKind::ObjectProperty(property)
                    if property.key.static_name().is_some_and(|key| key == "recursive")
                        && matches!(property.value.without_parentheses(),
                            Expression::BooleanLiteral(value) if value.value))
            })
        })),
        "unlink" | "unlinkSync" => Some(false),
        "remove" | "removeSync" | "emptyDir" | "emptyDirSync" => Some(true),
        _ => None,
    }
}

fn is_write(method: &str) -> bool {
    method.starts_with("writeFile")
        || method.starts_with("appendFile")
        || method == "createWriteStream"
        || method == "outputFile"
        || method == "outputFileSync"
}

fn member_of(object: Sym, property: &str) -> Sym {
    let Sym::Ref { base, path } = object else {
        return Sym::Unknown;
    };
    if path.is_empty() && GLOBAL_OBJECTS.contains(&base.as_str()) {
        return Sym::reference(property, "");
    }
    let path = if path.is_empty() {
        property.to_string()
    } else {
        if path.len() > 200 {
            return Sym::Unknown;
        }
        format!("{path}.{property}")
    };
    // `module.require`, `process.mainModule.require` and `module.constructor._load`
    // all load modules like `require`.
    if is_require_ref(&base, &path) {
        return Sym::reference("require", "");
    }
    // `require('node:fs').promises` is the promise flavour of the same module.
    if path == "promises" && matches!(base.as_str(), "fs" | "dns") {
        return Sym::reference(&base, "");
    }
    Sym::Ref { base, path }
}

fn is_require_ref(base: &str, path: &str) -> bool {
    matches!(
        (base, path),
        ("require", "")
            | ("module", "require")
            | ("process", "mainModule.require")
            | ("module", "constructor._load")
            | ("require", "main.require")
    )
}

/// `node:child_process` → `child_process`; `fs/promises` stays as it is.
fn module_name(spec: &str) -> String {
    spec.strip_prefix("node:").unwrap_or(spec).to_string()
}

fn decoded_str(bytes: Option<Vec<u8>>) -> Sym {
    match bytes {
        Some(bytes) if bytes.len() <= MAX_FOLDED_CHARS => Sym::Str {
            value: String::from_utf8_lossy(&bytes).into_owned(),
            hidden: true,
            decoded: true,
        },
        _ => Sym::Unknown,
    }
}

/// A computed key assembled at run time (`a + b`, `f(x)`, `` `${x}` ``), not a variable.
fn is_built_key(key: &Expression) -> bool {
    matches!(
        key.without_parentheses(),
        Expression::BinaryExpression(_)
            | Expression::CallExpression(_)
            | Expression::TemplateLiteral(_)
    )
}

/// Names worth following across statements: minified one- and two-letter names are
/// reused in every scope, so a flow-insensitive table would confuse them.
fn is_trackable_name(name: &str) -> bool {
    name.len() >= 3
}

fn is_hex_identifier(name: &str) -> bool {
    name.len() >= 6 && name.starts_with("_0x") && name[3..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// `value` holds `://` (one byte search; every string literal asks).
fn has_scheme_separator(value: &str) -> bool {
    let bytes = value.as_bytes();
    memchr::memchr_iter(b':', bytes).any(|at| bytes.get(at + 1..at + 3) == Some(b"//"))
}

/// Worth running the shell-command analysis on: a few words with a program in them.
/// The commands of the `ExecStart=`-style lines of a systemd unit, without the unit's
/// prefixes (`-`, `@`, `+`, `!`).
fn unit_commands(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let (key, command) = line.trim_start().split_once('=')?;
        matches!(
            key.trim_end(),
            "ExecStart" | "ExecStartPre" | "ExecStartPost" | "ExecStop" | "ExecReload"
        )
        .then(|| command.trim_start_matches(['-', '@', '+', '!', ' ']))
    })
}

fn looks_like_command(value: &str) -> bool {
    if value.len() > 4096 || !value.contains(' ') {
        return false;
    }
    // One ASCII-case-insensitive pass for all the words, without a lowercased copy.
    static WORDS: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    const COMMAND_WORDS: &[&str] = &[
        "curl ",
        "wget ",
        "powershell",
        "iex",
        "bash",
        "sh -c",
        "/dev/tcp",
        "certutil",
        "nc ",
        "base64 -d",
        "invoke-webrequest",
        "start-process",
    ];
    let words = WORDS.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(COMMAND_WORDS)
            .ok()
    });
    match words {
        Some(words) => words.is_match(value),
        None => {
            let lower = value.to_ascii_lowercase();
            COMMAND_WORDS.iter().any(|word| lower.contains(word))
        }
    }
}

/// Whether `value` is a payment-card field name, in any case (the table is lowercase).
fn is_payment_field(value: &str) -> bool {
    PAYMENT_FIELDS
        .iter()
        .any(|field| value.eq_ignore_ascii_case(field))
}

/// Long base64/hex-looking text with high entropy (an encoded payload).
fn is_encoded_blob(value: &str) -> bool {
    let sample = &value.as_bytes()[..value.len().min(8192)];
    let encoded = sample
        .iter()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'\\'))
        .count();
    encoded * 100 >= sample.len() * 97
        && !value.contains(' ')
        && strings::entropy(std::str::from_utf8(sample).unwrap_or_default()) > 4.0
}

impl<'a> Visit<'a> for Walker<'_> {
    fn visit_call_expression(&mut self, call: &CallExpression<'a>) {
        let callee = self.resolve(&call.callee, 0);
        if callee == Sym::Unknown
            && let Expression::Identifier(ident) = call.callee.without_parentheses()
        {
            self.unknown_callees
                .insert(self.unknown_callees.hasher().hash_one(ident.name.as_str()));
        }
        let events_before = self.facts.events.len();
        let mut class = self.classify_call(&callee, &call.arguments, call.span, false);
        let own_events = events_before..self.facts.events.len();
        // `fetch(u).then(r => r.text()).then(eval)`, `res.on('data', ...)`: callbacks
        // chained on a network call handle downloaded data too.
        if matches!(class, CallClass::Other)
            && let Expression::StaticMemberExpression(member) = call.callee.without_parentheses()
            && matches!(
                member.property.name.as_str(),
                "then" | "on" | "once" | "pipe" | "text" | "json"
            )
            && self.chain_has_network(&member.object)
        {
            class = CallClass::Network;
        }
        if matches!(&callee, Sym::Ref { base, path } if (base == "Buffer" && path == "from") || (base == "atob" && path.is_empty()))
            && let Sym::Str {
                value,
                decoded: true,
                ..
            } = self.resolve_call(call, 0)
        {
            self.geo_constant(&value, call.span);
        }
        if let Expression::StaticMemberExpression(member) = call.callee.without_parentheses() {
            let method = member.property.name.as_str();
            if method == "pipe" {
                self.push(Kind::Pipe, call.span);
            }
            if method == "resolvedOptions" {
                self.push(Kind::LocaleRead, call.span);
            }
            if method == "push" && self.is_shift_call(call.arguments.first()) {
                self.facts.obfuscation.string_array_rotation =
                    Some(self.lines.line(call.span.start as usize));
            }
        }
        if let Expression::ComputedMemberExpression(member) = call.callee.without_parentheses()
            && self.resolve(&member.expression, 0).str_value() == Some("push")
            && self.is_shift_call(call.arguments.first())
        {
            self.facts.obfuscation.string_array_rotation =
                Some(self.lines.line(call.span.start as usize));
        }
        // Passing `eval` itself as a callback of a network chain evaluates the response.
        if matches!(class, CallClass::Network) || self.network_depth > 0 {
            for argument in &call.arguments {
                if let Some(expr) = argument.as_expression()
                    && matches!(self.resolve(expr, 0), Sym::Ref { ref base, ref path } if (base == "eval" || base == "Function") && path.is_empty())
                {
                    self.push(
                        Kind::Eval {
                            api: "eval (passed as a callback)".into(),
                            source: EvalSource::Network,
                        },
                        call.span,
                    );
                }
            }
        }
        let before = (
            self.network_mentions,
            self.decoded_mentions,
            self.decode_calls,
        );
        match &class {
            CallClass::Network => {
                self.network_calls += 1;
                self.network_depth += 1;
                walk::walk_call_expression(self, call);
                self.network_depth -= 1;
            }
            _ => walk::walk_call_expression(self, call),
        }
        // `writeFile(f, Buffer.from(await res.arrayBuffer()))`, `exec(data)` after
        // `const data = await r.text()`: the call handles downloaded data even outside
        // any callback of the request.
        if self.network_mentions > before.0 {
            for event in &mut self.facts.events[own_events] {
                if matches!(event.kind, Kind::Exec { .. } | Kind::FileWrite { .. }) {
                    event.in_network_flow = true;
                }
            }
        }
        if let CallClass::Eval(api) = class {
            let source = if self.network_depth > 0 || self.network_mentions > before.0 {
                EvalSource::Network
            } else if self.decoded_mentions > before.1 || self.decode_calls > before.2 {
                EvalSource::Decoded
            } else {
                EvalSource::Dynamic
            };
            self.push(Kind::Eval { api, source }, call.span);
        }
    }

    fn visit_new_expression(&mut self, new: &NewExpression<'a>) {
        let callee = self.resolve(&new.callee, 0);
        let class = self.classify_call(&callee, &new.arguments, new.span, true);
        let before = (
            self.network_mentions,
            self.decoded_mentions,
            self.decode_calls,
        );
        if matches!(class, CallClass::Network) {
            self.network_depth += 1;
            walk::walk_new_expression(self, new);
            self.network_depth -= 1;
        } else {
            walk::walk_new_expression(self, new);
        }
        if let CallClass::Eval(api) = class {
            let source = if self.network_depth > 0 || self.network_mentions > before.0 {
                EvalSource::Network
            } else if self.decoded_mentions > before.1 || self.decode_calls > before.2 {
                EvalSource::Decoded
            } else {
                EvalSource::Dynamic
            };
            self.push(Kind::Eval { api, source }, new.span);
        }
    }

    fn visit_import_expression(&mut self, import: &ImportExpression<'a>) {
        match self.resolve(&import.source, 0) {
            Sym::Str {
                value,
                hidden,
                decoded,
            } => {
                if value.starts_with('.') {
                    self.facts.local_requires.push(value.clone());
                }
                let name = module_name(&value);
                if (hidden || decoded) && capabilities::is_builtin(&name) {
                    let how = if decoded {
                        "decoded at run time"
                    } else {
                        "hidden in escapes or concatenation"
                    };
                    self.push(Kind::HiddenModule { module: name, how }, import.span);
                }
            }
            _ => self.push(Kind::DynamicImport, import.span),
        }
        walk::walk_import_expression(self, import);
    }

    fn visit_import_declaration(&mut self, import: &ImportDeclaration<'a>) {
        let module = module_name(import.source.value.as_str());
        if module.starts_with('.') {
            self.facts.local_requires.push(module.clone());
        }
        for specifier in import.specifiers.iter().flatten() {
            match specifier {
                ImportDeclarationSpecifier::ImportSpecifier(named) => {
                    let sym =
                        member_of(Sym::reference(&module, ""), named.imported.name().as_str());
                    self.symbols.insert(named.local.name.to_string(), sym);
                }
                ImportDeclarationSpecifier::ImportDefaultSpecifier(default) => {
                    self.symbols
                        .insert(default.local.name.to_string(), Sym::reference(&module, ""));
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(namespace) => {
                    self.symbols.insert(
                        namespace.local.name.to_string(),
                        Sym::reference(&module, ""),
                    );
                }
            }
        }
        walk::walk_import_declaration(self, import);
    }

    fn visit_variable_declarator(&mut self, declarator: &VariableDeclarator<'a>) {
        let Some(init) = &declarator.init else {
            walk::walk_variable_declarator(self, declarator);
            return;
        };
        let value = self.resolve(init, 0);
        self.bind(&declarator.id, &value);
        if let Some(encoding) = self.function_decoder(init)
            && let BindingPattern::BindingIdentifier(ident) = &declarator.id
        {
            self.decoders.insert(ident.name.to_string(), encoding);
        }
        if let BindingPattern::BindingIdentifier(ident) = &declarator.id {
            if let Some(transform) = self.require_wrapper(init) {
                self.require_wrappers
                    .insert(ident.name.to_string(), transform);
            }
            self.note_string_array(ident.name.as_str(), init);
            if let Some(accessor) = self.function_array_accessor(init) {
                self.array_accessors
                    .insert(ident.name.to_string(), accessor);
            }
        }
        let mentions_before = (self.network_mentions, self.decoded_mentions);
        let decodes_before = self.decode_calls;
        let network_before = self.network_calls;
        walk::walk_variable_declarator(self, declarator);
        // `const body = Buffer.from(await res.arrayBuffer())`: a value computed from a
        // response (or from decoded data) carries it on, unless it is a function.
        let is_function = matches!(
            init.without_parentheses(),
            Expression::ArrowFunctionExpression(_) | Expression::FunctionExpression(_)
        );
        if is_function && let BindingPattern::BindingIdentifier(ident) = &declarator.id {
            self.note_helper(
                ident.name.as_str(),
                init.span(),
                (decodes_before, network_before),
            );
        }
        let derived_network = !is_function
            && self.network_mentions > mentions_before.0
            && self.carries(init, &self.network_names);
        let derived_decoded = !is_function
            && self.decoded_mentions > mentions_before.1
            && self.carries(init, &self.decoded_names);
        // Only a value that *is* a response or a decoding taints its name: a function
        // or object that merely contains one (common in bundles) does not.
        let network = derived_network || self.chain_has_network(init);
        let decoded = derived_decoded
            || matches!(value, Sym::Str { decoded: true, .. })
            || self.is_decoding(init);
        if !network && !decoded {
            return;
        }
        let mut names = Vec::new();
        Self::bound_names(&declarator.id, &mut names);
        for name in names.into_iter().filter(|name| is_trackable_name(name)) {
            if network {
                self.network_names.insert(name.to_string());
            }
            if decoded {
                self.decoded_names.insert(name.to_string());
            }
        }
    }

    fn visit_assignment_expression(&mut self, assignment: &AssignmentExpression<'a>) {
        if let AssignmentTarget::AssignmentTargetIdentifier(ident) = &assignment.left {
            let value = self.resolve(&assignment.right, 0);
            // `body += chunk` or `x = <unknown>`: the name no longer holds a constant.
            if assignment.operator != AssignmentOperator::Assign || matches!(value, Sym::Unknown) {
                self.symbols.remove(ident.name.as_str());
            } else {
                self.symbols.insert(ident.name.to_string(), value);
            }
            walk::walk_assignment_expression(self, assignment);
            let trackable = is_trackable_name(ident.name.as_str());
            // `body += chunk` inside a response handler collects the response.
            if trackable
                && (self.chain_has_network(&assignment.right)
                    || (self.network_depth > 0
                        && assignment.operator == AssignmentOperator::Addition))
            {
                self.network_names.insert(ident.name.to_string());
            }
            if trackable && self.is_decoding(&assignment.right) {
                self.decoded_names.insert(ident.name.to_string());
            }
            return;
        }
        walk::walk_assignment_expression(self, assignment);
    }

    fn visit_while_statement(&mut self, stmt: &WhileStatement<'a>) {
        if never_false(Some(&stmt.test)) {
            self.endless_unless_exit(stmt.span, stmt.body.span());
        }
        walk::walk_while_statement(self, stmt);
    }

    fn visit_for_statement(&mut self, stmt: &ForStatement<'a>) {
        if never_false(stmt.test.as_ref()) {
            self.endless_unless_exit(stmt.span, stmt.body.span());
        }
        walk::walk_for_statement(self, stmt);
    }

    fn visit_function(&mut self, function: &Function<'a>, flags: ScopeFlags) {
        if let Some(id) = &function.id {
            if let Some(encoding) = self.single_return_decoder(function.body.as_deref()) {
                self.decoders.insert(id.name.to_string(), encoding);
            }
            if let Some(accessor) = self.array_accessor(&function.params, function.body.as_deref())
            {
                self.array_accessors.insert(id.name.to_string(), accessor);
            }
        }
        let decodes_before = self.decode_calls;
        let network_before = self.network_calls;
        walk::walk_function(self, function, flags);
        if let Some(id) = &function.id {
            self.note_helper(
                id.name.as_str(),
                function.span,
                (decodes_before, network_before),
            );
        }
    }

    fn visit_static_member_expression(&mut self, member: &StaticMemberExpression<'a>) {
        if self.may_be_process_env(&member.object)
            && self.resolve(&member.object, 0).is("process", "env")
        {
            let name = member.property.name.as_str();
            if is_secret_env_name(name) {
                self.push(Kind::EnvSecret(name.to_string()), member.span);
            } else if matches!(name, "LANG" | "LANGUAGE" | "LC_ALL" | "LC_MESSAGES") {
                self.push(Kind::LocaleRead, member.span);
            } else {
                self.push(Kind::EnvRead, member.span);
            }
        }
        walk::walk_static_member_expression(self, member);
    }

    fn visit_string_literal(&mut self, literal: &StringLiteral<'a>) {
        self.string_constant(literal.value.as_str(), literal.span);
    }

    fn visit_template_literal(&mut self, template: &TemplateLiteral<'a>) {
        if let Some(text) = self.template_text(template) {
            self.string_constant(&text, template.span);
        } else {
            for quasi in &template.quasis {
                if let Some(cooked) = &quasi.value.cooked {
                    self.string_constant(cooked.as_str(), quasi.span);
                }
            }
        }
        walk::walk_template_literal(self, template);
    }

    fn visit_binary_expression(&mut self, binary: &BinaryExpression<'a>) {
        // A string built by concatenation is read as a whole once, at its top.
        if binary.operator == BinaryOperator::Addition
            && let Sym::Str {
                value,
                hidden: true,
                ..
            } = self.fold_addition(binary, 0)
        {
            self.sensitive_text(&value, binary.span);
            if looks_like_command(&value) {
                self.shell_shapes(&value, binary.span);
            }
        }
        walk::walk_binary_expression(self, binary);
    }

    fn visit_identifier_reference(&mut self, ident: &IdentifierReference<'a>) {
        let name = ident.name.as_str();
        self.note_identifier(name);
        if self.network_names.contains(name) {
            self.network_mentions += 1;
        }
        if self.decoded_names.contains(name) {
            self.decoded_mentions += 1;
        }
    }

    fn visit_binding_identifier(&mut self, ident: &BindingIdentifier<'a>) {
        self.note_identifier(ident.name.as_str());
    }

    fn visit_identifier_name(&mut self, ident: &IdentifierName<'a>) {
        let name = ident.name.as_str();
        if !name.is_ascii() && name.contains(['\u{200C}', '\u{200D}']) {
            self.facts.obfuscation.joiner_in_names = true;
        }
    }
}

impl Walker<'_> {
    /// After walking the function `name` spans: a helper-sized one that decoded data or
    /// made a request (the counters passed `before` it) carries that to its callers.
    fn note_helper(&mut self, name: &str, span: oxc_span::Span, before: (u32, u32)) {
        if span.size() > MAX_HELPER_BYTES {
            return;
        }
        if self.decode_calls > before.0 {
            self.decoding_functions.insert(name.to_string());
        }
        if self.network_calls > before.1 {
            self.network_functions.insert(name.to_string());
        }
    }

    /// Records an endless loop when its body's text has no way out of it.
    fn endless_unless_exit(&mut self, whole: oxc_span::Span, body: oxc_span::Span) {
        let text = self
            .source
            .get(body.start as usize..body.end as usize)
            .unwrap_or_default();
        let exits = [
            "break", "return", "throw", "yield", "await", "exit(", "=>", "function",
        ];
        if !exits.iter().any(|word| text.contains(word)) {
            self.push(Kind::EndlessLoop, whole);
        }
    }

    /// Whether `object` can resolve to `process.env` at all: a name (an alias), a member
    /// named `env`, a computed member or a sequence. Every `a.b` of a file asks, and the
    /// other shapes (calls, `this`, literals) never resolve to a member path `env`, so
    /// they skip the full resolution.
    fn may_be_process_env(&self, object: &Expression) -> bool {
        match object.without_parentheses() {
            Expression::Identifier(ident) => self.symbols.contains_key(ident.name.as_str()),
            Expression::StaticMemberExpression(member) => member.property.name == "env",
            Expression::ComputedMemberExpression(_) | Expression::SequenceExpression(_) => true,
            _ => false,
        }
    }

    /// A template's text with its substitutions folded (`*` for an unknown one), or
    /// `None` past [`MAX_FOLDED_CHARS`]. A template without substitutions (CSS, HTML and
    /// messages in bundles) is its text as it is, not a copy.
    fn template_text<'t>(&self, template: &'t TemplateLiteral) -> Option<Cow<'t, str>> {
        if let [quasi] = template.quasis.as_slice()
            && template.expressions.is_empty()
        {
            let text = quasi.value.cooked.as_deref().unwrap_or_default();
            return (text.len() <= MAX_FOLDED_CHARS).then_some(Cow::Borrowed(text));
        }
        let mut value = String::new();
        for (i, quasi) in template.quasis.iter().enumerate() {
            value.push_str(quasi.value.cooked.as_deref().unwrap_or_default());
            if let Some(part) = template.expressions.get(i) {
                match self.resolve(part, 1) {
                    Sym::Str { value: v, .. } => value.push_str(&v),
                    _ => value.push('*'),
                }
            }
            if value.len() > MAX_FOLDED_CHARS {
                return None;
            }
        }
        Some(Cow::Owned(value))
    }

    /// `left + right` folded into one constant when both sides are strings (`hidden`:
    /// built, not written; `decoded` when either side was).
    fn fold_addition(&self, binary: &BinaryExpression, depth: usize) -> Sym {
        // An unknown left side settles it: the right side (in a long `a + b + ...`
        // chain, most of the chain) is not folded for nothing.
        let left = self.resolve(&binary.left, depth + 1);
        if !matches!(left, Sym::Str { .. }) {
            return Sym::Unknown;
        }
        match (left, self.resolve(&binary.right, depth + 1)) {
            (
                Sym::Str {
                    value: left,
                    decoded: d1,
                    ..
                },
                Sym::Str {
                    value: right,
                    decoded: d2,
                    ..
                },
            ) if left.len() + right.len() <= MAX_FOLDED_CHARS => Sym::Str {
                value: left + &right,
                hidden: true,
                decoded: d1 || d2,
            },
            _ => Sym::Unknown,
        }
    }

    fn is_shift_call(&self, argument: Option<&Argument>) -> bool {
        let Some(Expression::CallExpression(call)) = argument
            .and_then(Argument::as_expression)
            .map(Expression::without_parentheses)
        else {
            return false;
        };
        match call.callee.without_parentheses() {
            Expression::StaticMemberExpression(member) => member.property.name == "shift",
            Expression::ComputedMemberExpression(member) => {
                self.resolve(&member.expression, 0).str_value() == Some("shift")
            }
            _ => false,
        }
    }

    /// Whether `expr` is the data a tracked name holds, passed on as data: the name
    /// itself, a member of it (`res.body`), a method's result (`await res.text()`), or
    /// that result turned into bytes or text (`Buffer.from(...)`, `JSON.parse(...)`,
    /// `.toString()`). A value that merely mentions the name somewhere inside (a call
    /// of some function with it, an object holding it) is not followed: in a bundle that
    /// would spread one response over every name.
    fn carries(&self, expr: &Expression, names: &NameSet) -> bool {
        let mut expr = expr.without_parentheses();
        for _ in 0..8 {
            match expr {
                Expression::Identifier(ident) => return names.contains(ident.name.as_str()),
                Expression::AwaitExpression(await_expr) => {
                    expr = await_expr.argument.without_parentheses()
                }
                Expression::StaticMemberExpression(member) => {
                    expr = member.object.without_parentheses()
                }
                Expression::CallExpression(call) => {
                    if let Expression::StaticMemberExpression(member) =
                        call.callee.without_parentheses()
                    {
                        let object = member.object.without_parentheses();
                        if matches!(object, Expression::Identifier(i) if names.contains(i.name.as_str()))
                        {
                            return true;
                        }
                    }
                    let converts = matches!(
                        self.resolve(&call.callee, 0),
                        Sym::Ref { ref base, ref path }
                            if (base == "Buffer" && matches!(path.as_str(), "from" | "concat"))
                                || (base == "JSON" && path == "parse")
                                || (base == "String" && path.is_empty())
                    );
                    if converts {
                        match call.arguments.first().and_then(Argument::as_expression) {
                            Some(first) => expr = first.without_parentheses(),
                            None => return false,
                        }
                    } else if let Expression::StaticMemberExpression(member) =
                        call.callee.without_parentheses()
                        && matches!(member.property.name.as_str(), "toString" | "trim" | "slice")
                    {
                        expr = member.object.without_parentheses()
                    } else {
                        return false;
                    }
                }
                _ => return false,
            }
        }
        false
    }

    /// A call chain (`a.b().c().d`) that starts at a network call.
    fn chain_has_network(&self, expr: &Expression) -> bool {
        let mut expr = expr.without_parentheses();
        for _ in 0..16 {
            match expr {
                Expression::CallExpression(call) => {
                    let callee = self.resolve(&call.callee, 0);
                    if is_network_ref(&callee)
                        || matches!(&callee, Sym::Ref { base, path } if path.is_empty() && self.network_functions.contains(base))
                    {
                        return true;
                    }
                    expr = call.callee.without_parentheses();
                }
                // `const sock = new WebSocket(url)`: what it receives is the network's.
                Expression::NewExpression(new) => {
                    return is_network_constructor(&self.resolve(&new.callee, 0));
                }
                Expression::StaticMemberExpression(member) => {
                    expr = member.object.without_parentheses()
                }
                Expression::AwaitExpression(await_expr) => {
                    expr = await_expr.argument.without_parentheses()
                }
                Expression::Identifier(ident) => {
                    return self.network_names.contains(ident.name.as_str());
                }
                _ => return false,
            }
        }
        false
    }

    /// The expression is a decoding call (possibly `.toString()`-ed).
    fn is_decoding(&self, expr: &Expression) -> bool {
        let mut expr = expr.without_parentheses();
        for _ in 0..8 {
            let Expression::CallExpression(call) = expr else {
                return false;
            };
            if let Expression::StaticMemberExpression(member) = call.callee.without_parentheses()
                && matches!(
                    member.property.name.as_str(),
                    "toString" | "update" | "final"
                )
                && self.is_decoding(&member.object)
            {
                return true;
            }
            match self.resolve(&call.callee, 0) {
                Sym::Ref { base, path } if base == "atob" || self.decoders.contains_key(&base) => {
                    return path.is_empty();
                }
                Sym::Ref { base, path } if base == "Buffer" && path == "from" => {
                    return matches!(
                        self.resolve_argument(call.arguments.get(1), 0).str_value(),
                        Some("base64" | "base64url" | "hex")
                    );
                }
                _ => {}
            }
            match call.callee.without_parentheses() {
                Expression::StaticMemberExpression(member) => {
                    expr = member.object.without_parentheses()
                }
                _ => return false,
            }
        }
        false
    }

    fn function_decoder(&self, init: &Expression) -> Option<&'static str> {
        match init.without_parentheses() {
            Expression::FunctionExpression(function) => {
                self.single_return_decoder(function.body.as_deref())
            }
            Expression::ArrowFunctionExpression(arrow) => match arrow.get_expression() {
                Some(expression) => self.decoder_body(expression),
                None => self.single_return_decoder(arrow.get_function_body()),
            },
            _ => None,
        }
    }

    fn single_return_decoder(&self, body: Option<&FunctionBody>) -> Option<&'static str> {
        let body = body?;
        match body.statements.as_slice() {
            [Statement::ReturnStatement(ret)] => self.decoder_body(ret.argument.as_ref()?),
            _ => None,
        }
    }
}

/// Functions at most this long are taken for helpers (a download or decoding wrapper)
/// whose calls carry what they fetch or decode; the long functions of a bundle that
/// happen to contain a request are not.
const MAX_HELPER_BYTES: u32 = 2048;

/// How a require wrapper turns its argument into a module name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NameTransform {
    Same,
    Reversed,
    Around(String, String),
}

impl NameTransform {
    fn apply(&self, name: &str) -> String {
        match self {
            NameTransform::Same => name.to_string(),
            NameTransform::Reversed => name.chars().rev().collect(),
            NameTransform::Around(prefix, suffix) => format!("{prefix}{name}{suffix}"),
        }
    }
}

/// A loop condition that can never be false: none, `true`, a non-zero number, `!0`, or a
/// comparison with `Infinity` (`i < Infinity`).
fn never_false(test: Option<&Expression>) -> bool {
    let Some(test) = test else {
        return true;
    };
    match test.without_parentheses() {
        Expression::BooleanLiteral(literal) => literal.value,
        Expression::NumericLiteral(number) => number.value != 0.0,
        Expression::UnaryExpression(unary) => {
            unary.operator == UnaryOperator::LogicalNot
                && matches!(unary.argument.without_parentheses(), Expression::NumericLiteral(n) if n.value == 0.0)
        }
        Expression::BinaryExpression(binary) => {
            matches!(
                binary.operator,
                BinaryOperator::LessThan | BinaryOperator::LessEqualThan
            ) && matches!(binary.right.without_parentheses(), Expression::Identifier(i) if i.name == "Infinity")
        }
        _ => false,
    }
}

/// `x.split('').reverse().join('')`, a string written backwards: the `x`.
fn reversed_source<'b, 'a>(join: &'b CallExpression<'a>) -> Option<&'b Expression<'a>> {
    let is_empty_string = |argument: Option<&Argument>| {
        matches!(
            argument.and_then(Argument::as_expression).map(Expression::without_parentheses),
            Some(Expression::StringLiteral(lit)) if lit.value.is_empty()
        )
    };
    let Expression::StaticMemberExpression(join_member) = join.callee.without_parentheses() else {
        return None;
    };
    let Expression::CallExpression(reverse) = join_member.object.without_parentheses() else {
        return None;
    };
    let Expression::StaticMemberExpression(reverse_member) = reverse.callee.without_parentheses()
    else {
        return None;
    };
    let Expression::CallExpression(split) = reverse_member.object.without_parentheses() else {
        return None;
    };
    let Expression::StaticMemberExpression(split_member) = split.callee.without_parentheses()
    else {
        return None;
    };
    (join_member.property.name == "join"
        && is_empty_string(join.arguments.first())
        && reverse_member.property.name == "reverse"
        && split_member.property.name == "split"
        && is_empty_string(split.arguments.first()))
    .then_some(&split_member.object)
}

/// The returned expression of a body that is a single `return`.
/// Arrays of more strings than this are data, not an obfuscator's string table.
const MAX_STRING_ARRAY: usize = 4096;

/// A numeric constant (`3`, `0x1b`).
fn numeric(expression: &Expression) -> Option<i64> {
    match expression.without_parentheses() {
        Expression::NumericLiteral(number)
            if number.value.fract() == 0.0 && number.value.abs() < 1e9 =>
        {
            Some(number.value as i64)
        }
        _ => None,
    }
}

/// `param`, `param - N` or `param + N` as the offset subtracted from the index.
fn index_offset(expression: &Expression, param: &str) -> Option<i64> {
    let is_param = |e: &Expression| matches!(e.without_parentheses(), Expression::Identifier(i) if i.name == param);
    match expression.without_parentheses() {
        e if is_param(e) => Some(0),
        Expression::BinaryExpression(binary) if is_param(&binary.left) => {
            let n = numeric(&binary.right)?;
            match binary.operator {
                BinaryOperator::Subtraction => Some(n),
                BinaryOperator::Addition => Some(-n),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Element `index - offset` of a string array, as a hidden constant.
fn array_element(strings: &[String], index: Option<i64>, offset: i64) -> Sym {
    index
        .and_then(|i| usize::try_from(i.checked_sub(offset)?).ok())
        .and_then(|i| strings.get(i))
        .map_or(Sym::Unknown, |value| Sym::Str {
            value: value.clone(),
            hidden: true,
            decoded: false,
        })
}

fn single_return<'b, 'a>(body: Option<&'b FunctionBody<'a>>) -> Option<&'b Expression<'a>> {
    match body?.statements.as_slice() {
        [Statement::ReturnStatement(ret)] => ret.argument.as_ref(),
        _ => None,
    }
}

/// What the constant command of a child_process call (its words, see `command_words`;
/// empty when the program is not a constant) collects: host details, the environment,
/// a credential a command prints.
fn collected_by_command(api: &str, words: &[String]) -> Vec<Kind> {
    match words.first() {
        None => Vec::new(),
        Some(line) if matches!(api, "exec" | "execSync") => super::bytes::command_line_kinds(line),
        Some(_) => super::bytes::argv_kinds(words),
    }
}

/// The Node.js code a child_process call hands to a node it starts: from `-e` in the
/// argument array of `spawn`/`execFile`/`fork`, or in the command line of `exec`.
fn inline_node_code(api: &str, words: &[String]) -> Vec<String> {
    use crate::metadata::risky_install_command::{inline_node_code, node_eval_code};
    let Some(first) = words.first() else {
        return Vec::new();
    };
    if matches!(api, "exec" | "execSync") {
        return inline_node_code(first);
    }
    let program = first.rsplit('/').next().unwrap_or_default();
    // `spawn('sh', ['-c', 'node -e …'])`: the shell's command line.
    if matches!(program, "sh" | "bash" | "dash" | "zsh")
        && let Some(at) = words.iter().position(|w| w == "-c")
        && let Some(command) = words.get(at + 1)
    {
        return inline_node_code(command);
    }
    if !super::bytes::is_node_program(first) {
        return Vec::new();
    }
    node_eval_code(&words[1..])
}

/// A class whose instances carry messages from the network: WebSocket clients (the
/// global, `ws`), raw sockets.
fn is_network_constructor(sym: &Sym) -> bool {
    let Sym::Ref { base, path } = sym else {
        return false;
    };
    match base.as_str() {
        "WebSocket" | "EventSource" => path.is_empty(),
        "ws" => path.is_empty() || path == "WebSocket",
        "net" => path == "Socket",
        "tls" => path == "TLSSocket",
        _ => false,
    }
}

fn is_network_ref(sym: &Sym) -> bool {
    let Sym::Ref { base, path } = sym else {
        return false;
    };
    let last = path.rsplit('.').next().unwrap_or_default();
    match base.as_str() {
        "http" | "https" | "http2" => matches!(last, "request" | "get"),
        "fetch" => path.is_empty(),
        "net" | "tls" => matches!(last, "connect" | "createConnection"),
        client => capabilities::is_http_client(client),
    }
}
