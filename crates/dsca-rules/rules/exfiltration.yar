// Data sent where malware sends it: environment dumps to webhooks and collaborator
// domains, and npm-token worms that republish every package of their victim.
//
// Each rule's `anchor` entries are literals one of which every match of the rule holds
// (compared in any ASCII case; `{ws}` stands for each byte YARA's `\s` matches, a
// leading `{b}` for a `\b` before a letter). A file holding none of them skips the
// YARA scan; a test checks each rule has anchors and that its fixtures pass the gate.

rule dsca_env_dump_to_webhook
{
    meta:
        description = "Serialises the whole environment and names a webhook, request bin or out-of-band host to send it to"
        severity = "critical"
        category = "network"
        anchor = "oast.fun"
        anchor = "oast.live"
        anchor = "oast.me"
        anchor = "oast.pro"
        anchor = "oast.site"
        anchor = "oast.online"
        anchor = "interact.fun"
        anchor = "interact.live"
        anchor = "interact.me"
        anchor = "interact.pro"
        anchor = "interact.site"
        anchor = "interact.online"
        anchor = "burpcollaborator.net"
        anchor = "oastify.com"
        anchor = "canarytokens.com"
        anchor = "webhook.site"
        anchor = "discord.com/api/webhooks/"
        anchor = "discordapp.com/api/webhooks/"
        anchor = "api.telegram.org/bot"
        anchor = ".m.pipedream.net"
        anchor = "requestbin"
        anchor = ".ngrok."
        anchor = ".ngrok-free."
        anchor = "hookbin.com"
        anchor = "beeceptor.com"
    strings:
        $env1 = /JSON\.stringify\(\s*process\.env\s*\)/
        $env2 = /Object\.(entries|keys)\(\s*process\.env\s*\)/
        $env3 = /\.\.\.process\.env\b/
        $env4 = /\benv:\s*process\.env\b/
        $sink1 = /discord(app)?\.com\/api\/webhooks\/\d+/ nocase
        $sink2 = "webhook.site" nocase
        $sink3 = /\.m\.pipedream\.net/ nocase
        $sink4 = /\b(oast|interact)\.(fun|live|me|pro|site|online)\b/ nocase
        $sink5 = "burpcollaborator.net" nocase
        $sink6 = "oastify.com" nocase
        $sink7 = "requestbin" nocase
        $sink8 = /api\.telegram\.org\/bot/ nocase
        $sink9 = "canarytokens.com" nocase
        $sink10 = /\.ngrok(-free)?\.(io|app|dev)\b/ nocase
        $sink11 = "hookbin.com" nocase
        $sink12 = "beeceptor.com" nocase
    condition:
        any of ($env*) and any of ($sink*)
}

rule dsca_host_recon_to_oob_host
{
    meta:
        description = "Collects the host name, user and directory and names an out-of-band testing host (dependency-confusion probe)"
        severity = "critical"
        category = "network"
        anchor = "oast.fun"
        anchor = "oast.live"
        anchor = "oast.me"
        anchor = "oast.pro"
        anchor = "oast.site"
        anchor = "oast.online"
        anchor = "interact.fun"
        anchor = "interact.live"
        anchor = "interact.me"
        anchor = "interact.pro"
        anchor = "interact.site"
        anchor = "interact.online"
        anchor = "burpcollaborator.net"
        anchor = "oastify.com"
        anchor = "canarytokens.com"
        anchor = "webhook.site"
        anchor = "discord.com/api/webhooks/"
        anchor = "discordapp.com/api/webhooks/"
        anchor = "api.telegram.org/bot"
        anchor = "dnslog.cn"
        anchor = "ceye.io"
        anchor = "pipedream.net"
    strings:
        $recon1 = "os.hostname()"
        $recon2 = "os.userInfo()"
        $recon3 = "os.homedir()"
        $recon4 = "__dirname"
        $recon5 = "networkInterfaces()"
        $oob1 = /\b(oast|interact)\.(fun|live|me|pro|site|online)\b/ nocase
        $oob2 = "burpcollaborator.net" nocase
        $oob3 = "oastify.com" nocase
        $oob4 = "canarytokens.com" nocase
        $oob5 = "dnslog.cn" nocase
        $oob6 = "ceye.io" nocase
        $oob7 = "pipedream.net" nocase
        $oob8 = "webhook.site" nocase
        $oob9 = /discord(app)?\.com\/api\/webhooks\/\d+/ nocase
        $oob10 = /api\.telegram\.org\/bot/ nocase
    condition:
        2 of ($recon*) and any of ($oob*)
}

rule dsca_npm_token_worm
{
    meta:
        description = "Reads an npm token, lists every package its owner maintains and publishes to the registry (a self-spreading npm worm)"
        severity = "critical"
        category = "publishing"
        anchor = "maintainer:"
    strings:
        $token1 = "_authToken"
        $token2 = "NPM_TOKEN"
        $token3 = ".npmrc"
        $list1 = "maintainer:" nocase
        $list2 = "/-/whoami"
        $list3 = "/-/user/"
        $list4 = "npm whoami"
        $list5 = /npm\s+search\s/
        $publish1 = "npm publish"
        $publish2 = /["']publish["']/
        $publish3 = "/-/package/"
        $tamper1 = /\.scripts\.(postinstall|preinstall|install)\s*=/
        $tamper2 = /scripts\[\s*["'](postinstall|preinstall|install)["']\s*\]\s*=/
        $tamper3 = "npm pack"
        $tamper4 = /npm\s+version\s+(patch|minor|major|prerelease)/
    condition:
        any of ($token*) and $list1 and any of ($list2, $list3, $list4, $list5) and any of ($publish*) and any of ($tamper*)
}

rule dsca_ci_secrets_dump
{
    meta:
        description = "Writes a CI workflow that dumps every repository secret"
        severity = "critical"
        category = "filesystem"
        anchor = ".github/workflows"
    strings:
        $secrets = /toJSON\(\s*secrets\s*\)/
        $workflow = ".github/workflows"
    condition:
        $secrets and $workflow
}
