//! The one model every parser produces: installed packages, deduplicated, with the
//! edges that lead to them from the project and the flags derived from those edges.

use crate::{Limits, LockfileKind, RootManifest};
use serde::Serialize;
use std::collections::{HashMap, VecDeque};

/// Why a dependency is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    Prod,
    Dev,
    Optional,
    Peer,
}

/// Where a locked package comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PackageSource {
    /// A registry (by name and version; `resolved`, when present, is its tarball URL).
    Registry,
    /// A git repository or an archive URL that is not a registry tarball.
    Remote,
    /// Part of the project: a workspace, `file:`, `link:` or `portal:` dependency.
    Local,
}

/// One installed package, once, however many times the lockfile places it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub source: PackageSource,
    /// The tarball or repository URL the lockfile records, if it records one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    /// The SRI integrity (`sha512-...`) the lockfile pins, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integrity: Option<String>,
    /// Depended on by the project itself (or one of its workspaces).
    pub direct: bool,
    /// Installed only for development (not reachable from the production dependencies).
    pub dev: bool,
    /// Installed only as an optional dependency (its install may fail harmlessly).
    pub optional: bool,
    /// The lockfile says the package runs a script when installed (npm's
    /// `hasInstallScript`); false where the format does not record it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub install_script: bool,
    /// `name@version` of the packages this one depends on, sorted.
    pub dependencies: Vec<String>,
    /// Shortest dependency paths from the project, up to [`Limits::max_paths`]; each
    /// starts with the project's name and ends with this package's name.
    pub paths: Vec<Vec<String>>,
}

impl Package {
    pub fn spec(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }
}

/// A parsed lockfile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lockfile {
    pub kind: LockfileKind,
    /// The project's name, the first element of every path.
    pub root: String,
    /// Sorted by name, then version.
    pub packages: Vec<Package>,
}

impl Lockfile {
    pub fn get(&self, name: &str, version: &str) -> Option<&Package> {
        self.packages
            .binary_search_by(|p| (p.name.as_str(), p.version.as_str()).cmp(&(name, version)))
            .ok()
            .and_then(|i| self.packages.get(i))
    }
}

/// A package as a lockfile places it (npm may place one version in many folders).
#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    pub name: String,
    pub version: String,
    pub resolved: Option<String>,
    pub integrity: Option<String>,
    pub source: Option<PackageSource>,
    /// Flags the file states itself (npm), used when the graph cannot tell.
    pub dev_hint: bool,
    pub optional_hint: bool,
    /// npm's `hasInstallScript`.
    pub install_script: bool,
}

/// Collects nodes and edges while a parser walks its file; [`Builder::finish`] turns
/// them into a [`Lockfile`].
#[derive(Debug, Default)]
pub(crate) struct Builder {
    pub root_name: Option<String>,
    nodes: Vec<Node>,
    edges: Vec<Vec<(usize, EdgeKind)>>,
    root_edges: Vec<(usize, EdgeKind)>,
    /// Nodes that are the project's own workspaces: their edges count as direct.
    workspaces: Vec<usize>,
}

impl Builder {
    pub fn add(&mut self, node: Node) -> usize {
        self.nodes.push(node);
        self.edges.push(Vec::new());
        self.nodes.len() - 1
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn edge(&mut self, from: usize, to: usize, kind: EdgeKind) {
        if let Some(edges) = self.edges.get_mut(from)
            && !edges.contains(&(to, kind))
        {
            edges.push((to, kind));
        }
    }

    pub fn root_edge(&mut self, to: usize, kind: EdgeKind) {
        if !self.root_edges.contains(&(to, kind)) {
            self.root_edges.push((to, kind));
        }
    }

    pub fn has_root_edges(&self) -> bool {
        !self.root_edges.is_empty()
    }

    pub fn workspace(&mut self, index: usize) {
        self.workspaces.push(index);
    }

    /// When the lockfile does not list the root's dependencies: the manifest's, looked
    /// up with `resolve`, else every node nobody depends on.
    pub fn infer_root_edges(
        &mut self,
        manifest: Option<&RootManifest>,
        resolve: impl Fn(&str, &str) -> Option<usize>,
    ) {
        if let Some(manifest) = manifest {
            for (name, range, kind) in &manifest.dependencies {
                if let Some(to) = resolve(name, range) {
                    self.root_edge(to, *kind);
                }
            }
        }
        if self.root_edges.is_empty() {
            let mut depended = vec![false; self.nodes.len()];
            for edges in &self.edges {
                for (to, _) in edges {
                    if let Some(flag) = depended.get_mut(*to) {
                        *flag = true;
                    }
                }
            }
            for (index, node) in self.nodes.iter().enumerate() {
                if !depended[index] {
                    let kind = if node.dev_hint {
                        EdgeKind::Dev
                    } else if node.optional_hint {
                        EdgeKind::Optional
                    } else {
                        EdgeKind::Prod
                    };
                    self.root_edges.push((index, kind));
                }
            }
        }
    }

    /// Deduplicate by name and version, derive the flags and paths.
    pub fn finish(
        self,
        kind: LockfileKind,
        manifest: Option<&RootManifest>,
        limits: &Limits,
    ) -> Lockfile {
        let root = self
            .root_name
            .clone()
            .or_else(|| manifest.and_then(|m| m.name.clone()))
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "(project)".to_string());
        let graph = self.merge();
        let direct = graph.direct();
        let graph_known = !graph.roots.is_empty();
        // What the roots of the kinds `start` keeps reach along the edges `follow` keeps.
        let from_roots = |start: &dyn Fn(EdgeKind) -> bool, follow: &dyn Fn(EdgeKind) -> bool| {
            graph.reach(
                graph
                    .roots
                    .iter()
                    .filter(|(_, k)| start(*k))
                    .map(|(s, _)| *s),
                follow,
            )
        };
        let not_dev = |kind| kind != EdgeKind::Dev;
        let prod = from_roots(&not_dev, &not_dev);
        let required = from_roots(&|kind| kind != EdgeKind::Optional, &|kind| {
            kind != EdgeKind::Optional && kind != EdgeKind::Peer
        });
        let any = from_roots(&|_| true, &|_| true);
        let (parents, depth) = graph.first_parents(limits.max_paths);
        let shortest = |mut s: usize| {
            let mut path = vec![graph.nodes[s].name.clone()];
            while let Some(&parent) = parents[s].first() {
                path.push(graph.nodes[parent].name.clone());
                s = parent;
                if path.len() > graph.nodes.len() {
                    break; // cannot happen with BFS depths; a guard all the same
                }
            }
            path.push(root.clone());
            path.reverse();
            path
        };

        let mut packages: Vec<Package> = Vec::new();
        for (s, node) in graph.nodes.iter().enumerate() {
            if graph.project[s] {
                continue;
            }
            let (dev, optional) = if graph_known && any[s] {
                (!prod[s], !required[s])
            } else {
                graph.hints[s]
            };
            let mut paths: Vec<Vec<String>> = if depth[s] == 0 || parents[s].is_empty() {
                vec![vec![root.clone(), node.name.clone()]]
            } else {
                parents[s]
                    .iter()
                    .map(|&p| {
                        let mut path = shortest(p);
                        path.push(node.name.clone());
                        path
                    })
                    .collect()
            };
            if depth[s] == usize::MAX {
                paths.clear(); // not reachable from the project: no path to show
            }
            paths.dedup();
            let mut dependencies: Vec<String> = graph.edges[s]
                .iter()
                .filter(|(to, _)| !graph.project[*to])
                .map(|(to, _)| format!("{}@{}", graph.nodes[*to].name, graph.nodes[*to].version))
                .collect();
            dependencies.sort();
            dependencies.dedup();
            packages.push(Package {
                name: node.name.clone(),
                version: node.version.clone(),
                source: node.source.unwrap_or(PackageSource::Registry),
                resolved: node.resolved.clone(),
                integrity: node.integrity.clone(),
                direct: direct[s],
                dev,
                optional,
                install_script: node.install_script,
                dependencies,
                paths,
            });
        }
        packages.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
        Lockfile {
            kind,
            root,
            packages,
        }
    }

    /// The graph over unique (name, version): placements of one version merge (a URL or
    /// hash from the first that records one, the hints only where all agree); project
    /// nodes (workspaces, local packages) keep their own slot.
    fn merge(&self) -> Merged {
        // Workspaces are part of the project: walk them, never report them.
        let is_project = |index: usize| {
            self.workspaces.contains(&index)
                || self.nodes[index].source == Some(PackageSource::Local)
        };
        let mut slot_of_key: HashMap<(String, String), usize> = HashMap::new();
        let mut slot = vec![0usize; self.nodes.len()];
        let mut slots: Vec<usize> = Vec::new(); // slot -> representative node
        for (index, node) in self.nodes.iter().enumerate() {
            if is_project(index) {
                slot[index] = slots.len();
                slots.push(index);
                continue;
            }
            let key = (node.name.clone(), node.version.clone());
            let next = slots.len();
            let s = *slot_of_key.entry(key).or_insert(next);
            if s == next {
                slots.push(index);
            }
            slot[index] = s;
        }
        let mut edges: Vec<Vec<(usize, EdgeKind)>> = vec![Vec::new(); slots.len()];
        let mut hints = vec![(true, true); slots.len()];
        let mut nodes: Vec<Node> = slots.iter().map(|&n| self.nodes[n].clone()).collect();
        for (index, node) in self.nodes.iter().enumerate() {
            let s = slot[index];
            hints[s].0 &= node.dev_hint;
            hints[s].1 &= node.optional_hint;
            if nodes[s].resolved.is_none() {
                nodes[s].resolved.clone_from(&node.resolved);
            }
            if nodes[s].integrity.is_none() {
                nodes[s].integrity.clone_from(&node.integrity);
            }
            nodes[s].install_script |= node.install_script;
            for &(to, kind) in &self.edges[index] {
                let entry = (slot[to], kind);
                if slot[to] != s && !edges[s].contains(&entry) {
                    edges[s].push(entry);
                }
            }
        }
        let mut roots: Vec<(usize, EdgeKind)> = Vec::new();
        for &(to, kind) in &self.root_edges {
            if !roots.contains(&(slot[to], kind)) {
                roots.push((slot[to], kind));
            }
        }
        let project = slots.iter().map(|&n| is_project(n)).collect();
        Merged {
            nodes,
            edges,
            hints,
            roots,
            project,
        }
    }
}

/// The lockfile's graph over unique (name, version), see [`Builder::merge`].
struct Merged {
    nodes: Vec<Node>,
    edges: Vec<Vec<(usize, EdgeKind)>>,
    /// (dev, optional) as the lockfile hinted them, for packages the graph cannot place.
    hints: Vec<(bool, bool)>,
    roots: Vec<(usize, EdgeKind)>,
    /// Workspaces and local packages: the project itself.
    project: Vec<bool>,
}

impl Merged {
    /// Direct dependencies: the root's, and a workspace's own (they are the project's).
    fn direct(&self) -> Vec<bool> {
        let mut direct = vec![false; self.nodes.len()];
        for &(to, _) in &self.roots {
            direct[to] = true;
        }
        for (s, edges) in self.edges.iter().enumerate() {
            if self.project[s] {
                for &(to, _) in edges {
                    direct[to] = true;
                }
            }
        }
        direct
    }

    /// What `starts` reach along the edges `follow` keeps (every edge out of the project).
    fn reach(
        &self,
        starts: impl Iterator<Item = usize>,
        follow: &dyn Fn(EdgeKind) -> bool,
    ) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        let mut queue: VecDeque<usize> = VecDeque::new();
        for s in starts {
            if !seen[s] {
                seen[s] = true;
                queue.push_back(s);
            }
        }
        while let Some(s) = queue.pop_front() {
            for &(to, kind) in &self.edges[s] {
                // Workspaces are followed by all kinds: they are the project.
                if (follow(kind) || self.project[s]) && !seen[to] {
                    seen[to] = true;
                    queue.push_back(to);
                }
            }
        }
        seen
    }

    /// Breadth-first from the project: each node's parents on shortest paths (up to
    /// `max_paths`) and its depth (`usize::MAX`: unreachable).
    fn first_parents(&self, max_paths: usize) -> (Vec<Vec<usize>>, Vec<usize>) {
        let mut parents: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        let mut depth = vec![usize::MAX; self.nodes.len()];
        let mut queue: VecDeque<usize> = VecDeque::new();
        for &(s, _) in &self.roots {
            if depth[s] == usize::MAX {
                depth[s] = 0;
                queue.push_back(s);
            }
        }
        while let Some(s) = queue.pop_front() {
            for &(to, _) in &self.edges[s] {
                if depth[to] == usize::MAX {
                    depth[to] = depth[s] + 1;
                    queue.push_back(to);
                }
                if depth[to] == depth[s] + 1
                    && parents[to].len() < max_paths
                    && !parents[to].contains(&s)
                {
                    parents[to].push(s);
                }
            }
        }
        (parents, depth)
    }
}

/// The source a resolved URL or version string implies.
pub(crate) fn source_of(resolved: Option<&str>, version: &str) -> PackageSource {
    let probe = resolved.unwrap_or(version);
    let lower = probe.to_ascii_lowercase();
    if ["file:", "link:", "portal:", "workspace:"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        PackageSource::Local
    } else if lower.starts_with("git")
        || lower.starts_with("github:")
        || lower.contains("://github.com/")
        || lower.starts_with("ssh://")
        || lower.contains(".git#")
    {
        PackageSource::Remote
    } else if lower.starts_with("http://") || lower.starts_with("https://") {
        // A registry tarball URL names the package under `/-/`; anything else is an
        // archive from somewhere.
        if lower.contains("/-/") {
            PackageSource::Registry
        } else {
            PackageSource::Remote
        }
    } else if resolved.is_some() && !version.is_empty() {
        // A relative path (npm workspaces record `packages/foo`).
        PackageSource::Local
    } else {
        PackageSource::Registry
    }
}

/// Descriptor or key -> node, for the parsers' lookups.
pub(crate) type Index = HashMap<String, usize>;
