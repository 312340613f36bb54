//! The classification tables of the code rules, kept as data in one place: where a
//! string points to (destinations), which files hold secrets, which places give
//! persistence, which names are secrets in the environment.
//!
//! Entries are matched case-insensitively against a host (suffix match on a label
//! boundary) or a path (substring match after `\` is turned into `/`).

/// What a network destination is known for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum DestinationClass {
    /// Services that tell a caller its public IP address (victim fingerprinting).
    IpLookup,
    /// Out-of-band testing and collaborator domains: they exist to receive callbacks.
    Oast,
    /// Webhooks, request bins and chat bot APIs that accept anonymous posts.
    Webhook,
    Paste,
    Shortener,
    /// Raw files on GitHub and gists: a common second stage.
    RawCode,
    /// Chat CDNs and anonymous file hosts: where second stages are fetched from and
    /// stolen archives uploaded to. Bot libraries name the chat CDN honestly (avatars),
    /// so it is no drop box.
    FileHost,
    /// Public tunnels to a machine behind NAT.
    Tunnel,
    Tor,
    DynamicDns,
    /// A literal public IPv4 address instead of a name.
    PublicIp,
    /// A private, loopback, link-local or multicast address.
    PrivateIp,
    /// Registry publish endpoints (worms publish themselves with stolen tokens).
    PublishApi,
}

impl DestinationClass {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            DestinationClass::IpLookup => "an IP-lookup service",
            DestinationClass::Oast => "an out-of-band testing (collaborator) domain",
            DestinationClass::Webhook => "a webhook or request bin",
            DestinationClass::Paste => "a paste site",
            DestinationClass::Shortener => "a URL shortener",
            DestinationClass::RawCode => "raw code hosting (GitHub raw, gists)",
            DestinationClass::FileHost => "a chat CDN or anonymous file host",
            DestinationClass::Tunnel => "a public tunnel",
            DestinationClass::Tor => "a TOR hidden service",
            DestinationClass::DynamicDns => "a dynamic DNS name",
            DestinationClass::PublicIp => "a public IP address",
            DestinationClass::PrivateIp => "a private or loopback IP address",
            DestinationClass::PublishApi => "a package registry's publish API",
        }
    }

    /// Destinations that exist to receive data from strangers: sending secrets there
    /// is exfiltration, not an API call.
    pub(crate) fn is_drop_box(self) -> bool {
        matches!(
            self,
            DestinationClass::Oast
                | DestinationClass::Webhook
                | DestinationClass::Paste
                | DestinationClass::Tunnel
                | DestinationClass::Tor
        )
    }
}

/// Hosts by class; a host matches an entry equal to it or ending in `.entry`. Entries
/// that end with `.` match any top-level domain (`oast.` matches `oast.fun`, `oast.pro`).
pub(crate) static HOSTS: &[(&str, DestinationClass)] = &[
    ("api.ipify.org", DestinationClass::IpLookup),
    ("api64.ipify.org", DestinationClass::IpLookup),
    ("ipinfo.io", DestinationClass::IpLookup),
    ("ip-api.com", DestinationClass::IpLookup),
    ("ipapi.co", DestinationClass::IpLookup),
    ("ifconfig.me", DestinationClass::IpLookup),
    ("ifconfig.co", DestinationClass::IpLookup),
    ("icanhazip.com", DestinationClass::IpLookup),
    ("checkip.amazonaws.com", DestinationClass::IpLookup),
    ("ipecho.net", DestinationClass::IpLookup),
    ("ident.me", DestinationClass::IpLookup),
    ("wtfismyip.com", DestinationClass::IpLookup),
    ("myexternalip.com", DestinationClass::IpLookup),
    ("api.myip.com", DestinationClass::IpLookup),
    ("geolocation-db.com", DestinationClass::IpLookup),
    ("ipwho.is", DestinationClass::IpLookup),
    ("interact.sh", DestinationClass::Oast),
    ("interactsh.com", DestinationClass::Oast),
    ("oast.", DestinationClass::Oast),
    ("burpcollaborator.net", DestinationClass::Oast),
    ("oastify.com", DestinationClass::Oast),
    ("canarytokens.com", DestinationClass::Oast),
    ("canarytokens.org", DestinationClass::Oast),
    ("dnslog.cn", DestinationClass::Oast),
    ("ceye.io", DestinationClass::Oast),
    ("requestrepo.com", DestinationClass::Oast),
    ("pipedream.net", DestinationClass::Webhook),
    ("m.pipedream.net", DestinationClass::Webhook),
    ("requestbin.com", DestinationClass::Webhook),
    ("requestbin.net", DestinationClass::Webhook),
    ("webhook.site", DestinationClass::Webhook),
    ("beeceptor.com", DestinationClass::Webhook),
    ("hookbin.com", DestinationClass::Webhook),
    ("api.telegram.org", DestinationClass::Webhook),
    ("hooks.slack.com", DestinationClass::Webhook),
    ("pastebin.com", DestinationClass::Paste),
    ("paste.ee", DestinationClass::Paste),
    ("hastebin.com", DestinationClass::Paste),
    ("ghostbin.com", DestinationClass::Paste),
    ("rentry.co", DestinationClass::Paste),
    ("paste.c-net.org", DestinationClass::Paste),
    ("transfer.sh", DestinationClass::Paste),
    ("bit.ly", DestinationClass::Shortener),
    ("tinyurl.com", DestinationClass::Shortener),
    ("is.gd", DestinationClass::Shortener),
    ("cutt.ly", DestinationClass::Shortener),
    ("t.ly", DestinationClass::Shortener),
    ("rb.gy", DestinationClass::Shortener),
    ("shorturl.at", DestinationClass::Shortener),
    ("raw.githubusercontent.com", DestinationClass::RawCode),
    ("gist.githubusercontent.com", DestinationClass::RawCode),
    ("gist.github.com", DestinationClass::RawCode),
    ("ngrok.io", DestinationClass::Tunnel),
    ("ngrok-free.app", DestinationClass::Tunnel),
    ("ngrok.app", DestinationClass::Tunnel),
    ("serveo.net", DestinationClass::Tunnel),
    ("loca.lt", DestinationClass::Tunnel),
    ("localtunnel.me", DestinationClass::Tunnel),
    ("trycloudflare.com", DestinationClass::Tunnel),
    ("localhost.run", DestinationClass::Tunnel),
    ("lhr.life", DestinationClass::Tunnel),
    ("localto.net", DestinationClass::Tunnel),
    ("ngrok-free.dev", DestinationClass::Tunnel),
    ("bore.pub", DestinationClass::Tunnel),
    ("pinggy.io", DestinationClass::Tunnel),
    ("pinggy.link", DestinationClass::Tunnel),
    ("tunnelto.dev", DestinationClass::Tunnel),
    ("loophole.site", DestinationClass::Tunnel),
    ("serveousercontent.com", DestinationClass::Tunnel),
    ("playit.gg", DestinationClass::Tunnel),
    ("cdn.discordapp.com", DestinationClass::FileHost),
    ("media.discordapp.net", DestinationClass::FileHost),
    ("file.io", DestinationClass::FileHost),
    ("gofile.io", DestinationClass::FileHost),
    ("catbox.moe", DestinationClass::FileHost),
    ("temp.sh", DestinationClass::FileHost),
    ("0x0.st", DestinationClass::FileHost),
    ("bashupload.com", DestinationClass::FileHost),
    ("pixeldrain.com", DestinationClass::FileHost),
    ("oshi.at", DestinationClass::FileHost),
    ("requestcatcher.com", DestinationClass::Webhook),
    ("webhook.office.com", DestinationClass::Webhook),
    ("onion", DestinationClass::Tor),
    ("duckdns.org", DestinationClass::DynamicDns),
    ("no-ip.com", DestinationClass::DynamicDns),
    ("no-ip.org", DestinationClass::DynamicDns),
    ("ddns.net", DestinationClass::DynamicDns),
    ("hopto.org", DestinationClass::DynamicDns),
    ("zapto.org", DestinationClass::DynamicDns),
    ("dynu.net", DestinationClass::DynamicDns),
    ("freedns.afraid.org", DestinationClass::DynamicDns),
    ("upload.pypi.org", DestinationClass::PublishApi),
];

/// URL path fragments that classify a destination whatever its host.
pub(crate) static URL_PATHS: &[(&str, &str, DestinationClass)] = &[
    ("discord.com", "/api/webhooks/", DestinationClass::Webhook),
    (
        "discordapp.com",
        "/api/webhooks/",
        DestinationClass::Webhook,
    ),
    (
        "registry.npmjs.org",
        "/-/user/",
        DestinationClass::PublishApi,
    ),
];

/// Countries that protestware and geo-fenced malware single out, by name and by the
/// time zones only they use, as (lowercase text, country). Compared with a whole
/// string, never a part of one.
pub(crate) static GEO_TARGETS: &[(&str, &str)] = &[
    ("russia", "Russia"),
    ("russian federation", "Russia"),
    ("belarus", "Belarus"),
    ("europe/moscow", "Russia"),
    ("europe/samara", "Russia"),
    ("europe/volgograd", "Russia"),
    ("europe/kaliningrad", "Russia"),
    ("europe/kirov", "Russia"),
    ("europe/saratov", "Russia"),
    ("europe/ulyanovsk", "Russia"),
    ("europe/astrakhan", "Russia"),
    ("asia/yekaterinburg", "Russia"),
    ("asia/omsk", "Russia"),
    ("asia/novosibirsk", "Russia"),
    ("asia/krasnoyarsk", "Russia"),
    ("asia/irkutsk", "Russia"),
    ("asia/yakutsk", "Russia"),
    ("asia/vladivostok", "Russia"),
    ("asia/magadan", "Russia"),
    ("asia/kamchatka", "Russia"),
    ("europe/minsk", "Belarus"),
];

/// Countries and time zones of a full list (a country picker, a time-zone table): a file
/// that names them names every country, not a target.
pub(crate) static GEO_LIST_MEMBERS: &[&str] = &[
    "germany",
    "france",
    "united states",
    "united kingdom",
    "japan",
    "brazil",
    "canada",
    "india",
    "europe/london",
    "europe/berlin",
    "europe/paris",
    "america/new_york",
    "america/los_angeles",
    "asia/tokyo",
    "asia/shanghai",
    "australia/sydney",
];

/// How bad it is to read a sensitive file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum SecretWeight {
    /// Tooling reads these honestly too (npm config, the user database).
    Plausible,
    /// Credentials and private keys.
    Credential,
    /// Stores only a stealer wants: browser cookies and logins, wallets, chat tokens.
    StealerOnly,
}

/// Sensitive places, as (path fragment, what it is, weight). Fragments are matched on a
/// normalised path (lowercase, `/` separators).
pub(crate) static SENSITIVE_PATHS: &[(&str, &str, SecretWeight)] = &[
    (
        ".npmrc",
        "npm credentials (~/.npmrc)",
        SecretWeight::Plausible,
    ),
    (
        "/etc/passwd",
        "the user database (/etc/passwd)",
        SecretWeight::Plausible,
    ),
    (
        ".ssh/id_",
        "SSH private keys (~/.ssh)",
        SecretWeight::Credential,
    ),
    (
        ".ssh/known_hosts",
        "SSH known hosts (~/.ssh)",
        SecretWeight::Credential,
    ),
    (
        ".ssh/authorized_keys",
        "SSH authorized keys (~/.ssh)",
        SecretWeight::Credential,
    ),
    (
        ".aws/credentials",
        "AWS credentials (~/.aws)",
        SecretWeight::Credential,
    ),
    (
        ".config/gh/hosts.yml",
        "GitHub CLI tokens (~/.config/gh)",
        SecretWeight::Credential,
    ),
    (
        ".docker/config.json",
        "Docker registry credentials",
        SecretWeight::Credential,
    ),
    (
        ".kube/config",
        "Kubernetes credentials (~/.kube)",
        SecretWeight::Credential,
    ),
    (
        ".git-credentials",
        "git credentials (~/.git-credentials)",
        SecretWeight::Credential,
    ),
    (
        ".pypirc",
        "PyPI credentials (~/.pypirc)",
        SecretWeight::Credential,
    ),
    (
        "/etc/shadow",
        "password hashes (/etc/shadow)",
        SecretWeight::Credential,
    ),
    (".bash_history", "shell history", SecretWeight::Credential),
    (
        "/proc/*/mem",
        "another process's memory (/proc/<pid>/mem: CI runner secrets)",
        SecretWeight::StealerOnly,
    ),
    (
        "/proc/*/environ",
        "another process's environment (/proc/<pid>/environ)",
        SecretWeight::Credential,
    ),
    (
        "/proc/%s/mem",
        "another process's memory (/proc/<pid>/mem: CI runner secrets)",
        SecretWeight::StealerOnly,
    ),
    (
        "/proc/%s/environ",
        "another process's environment (/proc/<pid>/environ)",
        SecretWeight::Credential,
    ),
    (
        "/proc/%d/mem",
        "another process's memory (/proc/<pid>/mem: CI runner secrets)",
        SecretWeight::StealerOnly,
    ),
    (
        "/proc/%d/environ",
        "another process's environment (/proc/<pid>/environ)",
        SecretWeight::Credential,
    ),
    (
        "/proc/{}/mem",
        "another process's memory (/proc/<pid>/mem: CI runner secrets)",
        SecretWeight::StealerOnly,
    ),
    (
        "/proc/{}/environ",
        "another process's environment (/proc/<pid>/environ)",
        SecretWeight::Credential,
    ),
    (
        "/login data",
        "browser saved passwords",
        SecretWeight::StealerOnly,
    ),
    ("/cookies", "browser cookies", SecretWeight::StealerOnly),
    (
        "cookies.sqlite",
        "Firefox cookies",
        SecretWeight::StealerOnly,
    ),
    (
        "logins.json",
        "Firefox saved passwords",
        SecretWeight::StealerOnly,
    ),
    ("key4.db", "Firefox key store", SecretWeight::StealerOnly),
    (
        "local storage/leveldb",
        "browser or Discord local storage (LevelDB)",
        SecretWeight::StealerOnly,
    ),
    (
        "wallet.dat",
        "a cryptocurrency wallet",
        SecretWeight::StealerOnly,
    ),
    (
        "exodus/exodus.wallet",
        "the Exodus wallet",
        SecretWeight::StealerOnly,
    ),
    (
        "electrum/wallets",
        "Electrum wallets",
        SecretWeight::StealerOnly,
    ),
    (
        "nkbihlfbeogaeaoehlefnkodbefgpgknm",
        "the MetaMask extension's storage",
        SecretWeight::StealerOnly,
    ),
    (
        "/.config/solana/id.json",
        "a Solana keypair",
        SecretWeight::StealerOnly,
    ),
];

/// "Discord" alone names a folder only in combination with the path fragments above;
/// on its own it is too common a word (bots, SDKs). These fragments are what makes it
/// a data folder.
pub(crate) static DISCORD_STORES: &[&str] =
    &["discord/local storage", "discordcanary", "discordptb"];

/// Places that give code a second start: (fragment, what it is).
pub(crate) static PERSISTENCE_PATHS: &[(&str, &str)] = &[
    ("crontab", "the crontab"),
    ("/etc/cron", "the system cron folders"),
    (".bashrc", "a shell start-up file (.bashrc)"),
    (".bash_profile", "a shell start-up file (.bash_profile)"),
    (".zshrc", "a shell start-up file (.zshrc)"),
    (".profile", "a shell start-up file (.profile)"),
    ("/etc/systemd/system", "a systemd unit"),
    (".config/systemd/user", "a systemd user unit"),
    ("library/launchagents", "a launchd agent"),
    ("library/launchdaemons", "a launchd daemon"),
    (".zprofile", "a shell start-up file (.zprofile)"),
    (".zshenv", "a shell start-up file (.zshenv)"),
    (".bash_login", "a shell start-up file (.bash_login)"),
    (".config/fish/config.fish", "a shell start-up file (fish)"),
    (
        "/etc/profile.d/",
        "a system shell start-up file (/etc/profile.d)",
    ),
    ("/var/spool/cron", "the crontab"),
    ("currentversion/run", "the Windows Run key"),
    ("currentversion/runonce", "the Windows RunOnce key"),
    ("start menu/programs/startup", "the Windows Startup folder"),
    ("shell:startup", "the Windows Startup folder"),
    (".config/autostart", "an XDG autostart entry"),
    // AI agents and editors run what their project or user configuration tells them to:
    // hooks and tasks are commands, rules and instructions are prompts the agent obeys.
    (
        ".claude/settings.json",
        "Claude Code settings (hooks run commands)",
    ),
    (
        ".claude/settings.local.json",
        "Claude Code settings (hooks run commands)",
    ),
    (
        ".gemini/settings.json",
        "Gemini CLI settings (hooks run commands)",
    ),
    (
        ".cursor/rules/",
        "Cursor rules (instructions the agent follows)",
    ),
    (
        ".cursorrules",
        "Cursor rules (instructions the agent follows)",
    ),
    (
        ".github/copilot-instructions.md",
        "GitHub Copilot instructions",
    ),
    (
        ".vscode/tasks.json",
        "VS Code tasks (can run when a folder opens)",
    ),
    (".github/workflows/", "a GitHub Actions workflow"),
    ("claude.md", AGENT_INSTRUCTIONS),
    ("agents.md", AGENT_INSTRUCTIONS),
    ("gemini.md", AGENT_INSTRUCTIONS),
];

/// What [`PERSISTENCE_PATHS`] calls a project's agent instruction files. Scaffolders
/// write these honestly (in `init` commands), so they count as persistence only where
/// nothing honest writes them: at install time, or next to a dropper-shaped command.
pub(crate) const AGENT_INSTRUCTIONS: &str = "an AI agent's instruction file (CLAUDE.md, AGENTS.md)";

/// Environment variable names that hold credentials, matched on the upper-cased name.
pub(crate) static SECRET_ENV_PARTS: &[&str] = &[
    "NPM_TOKEN",
    "NODE_AUTH_TOKEN",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AZURE_CLIENT_SECRET",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "SLACK_TOKEN",
    "DISCORD_TOKEN",
    "CI_JOB_TOKEN",
];

/// Whether an environment variable name holds a credential (see [`SECRET_ENV_PARTS`]).
pub(crate) fn is_secret_env_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_ENV_PARTS.iter().any(|secret| upper.contains(secret))
}
