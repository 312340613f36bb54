// Execution techniques: reverse shells, download cradles, miners, embedded executables.
//
// Each rule's `anchor` entries are literals one of which every match of the rule holds
// (compared in any ASCII case; `{ws}` stands for each byte YARA's `\s` matches, a
// leading `{b}` for a `\b` before a letter). A file holding none of them skips the
// YARA scan; a test checks each rule has anchors and that its fixtures pass the gate.

rule dsca_reverse_shell_one_liner
{
    meta:
        description = "Contains a reverse-shell one-liner that hands a shell to a remote host"
        severity = "critical"
        category = "execution"
        // `$nc`: `-e\s+/bin/`
        // `$powershell and $psloop`
        anchor = "/dev/tcp/"
        anchor = "/dev/udp/"
        anchor = "{ws}/bin/"
        anchor = "mkfifo{ws}"
        anchor = "pty.spawn("
        anchor = "socket(S,"
        anchor = "fsockopen("
        anchor = "System.Net.Sockets.TCPClient("
    strings:
        $bash = /(ba)?sh\s+-i\s*>&?\s*\/dev\/(tcp|udp)\/[\w.\-]+\/\d{1,5}/
        $devtcp = /0<&\d+;\s*exec\s+\d+<>\/dev\/tcp\//
        $nc = /\bnc(at)?(\.exe)?\s+(-[\w]+\s+)*-e\s+\/bin\/(ba)?sh\b/
        $fifo = /mkfifo\s+\/tmp\/\w+;\s*(cat|nc)\s/
        $python = /pty\.spawn\(\s*["']\/bin\/(ba)?sh["']\s*\)/
        $perl = /socket\(S,\s*PF_INET,\s*SOCK_STREAM/
        $php = /fsockopen\(\s*["'][\w.\-]+["']\s*,\s*\d+\s*\);\s*exec\(\s*["']\/bin\/sh/
        $powershell = /New-Object\s+System\.Net\.Sockets\.TCPClient\(/ nocase
        $psloop = /\.GetStream\(\)/ nocase
    condition:
        any of ($bash, $devtcp, $nc, $fifo, $python, $perl, $php) or ($powershell and $psloop)
}

rule dsca_powershell_download_cradle
{
    meta:
        description = "Runs PowerShell that downloads a script or program and executes it, often hidden or encoded"
        severity = "high"
        category = "execution"
        // `$iex1 and $dl1`, or `$dl2` (whose alternatives follow a `\b`)
        // `$ps`, which the other two branches need
        anchor = ".DownloadString("
        anchor = "Invoke-WebRequest"
        anchor = "Invoke-RestMethod"
        anchor = "{b}iwr{ws}"
        anchor = "{b}irm{ws}"
        anchor = "powershell{ws}"
        anchor = "powershell\""
        anchor = "powershell'"
        anchor = "powershell.exe"
    strings:
        $iex1 = /\b(IEX|Invoke-Expression)\b/ nocase
        $dl1 = /\.DownloadString\(/ nocase
        $dl2 = /\b(Invoke-WebRequest|iwr|Invoke-RestMethod|irm)\s+[^|]{0,200}\|\s*(IEX|Invoke-Expression)\b/ nocase
        $dl3 = /\.DownloadFile\(/ nocase
        $start = /\b(Start-Process|saps|start)\b/ nocase
        $ps = /powershell(\.exe)?["'\s]/ nocase
        $hidden = /\s-(w|win|window|windowstyle)\s+h(idden)?\b/ nocase
        $encoded = /\s-(e|ec|enc|encodedcommand)\s+[A-Za-z0-9+\/=]{40,}/ nocase
        $bypass = /-(ep|exec|executionpolicy)\s+bypass/ nocase
        $ipurl = /https?:\/\/\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}[:\/]/
    condition:
        // Installers document `irm URL | iex` openly; a hidden window, an encoded
        // command or a bare IP address is what an honest install line does not need.
        ((($iex1 and $dl1) or $dl2) and ($hidden or $encoded or $ipurl))
        or ($ps and $dl3 and $start and ($hidden or $ipurl))
        or ($ps and $encoded and ($hidden or $bypass))
}

rule dsca_cryptominer
{
    meta:
        description = "Configures a cryptocurrency miner (mining pool URL and miner options)"
        severity = "high"
        category = "execution"
        anchor = "stratum+"
    strings:
        $pool = /stratum\+(tcp|ssl|tls):\/\// nocase
        $miner1 = "xmrig" nocase
        $miner2 = "--donate-level"
        $miner3 = "randomx" nocase
        $miner4 = "cryptonight" nocase
        $miner5 = "nicehash" nocase
    condition:
        $pool and any of ($miner*)
}

rule dsca_embedded_executable_base64
{
    meta:
        description = "Carries a Windows or Linux executable encoded as base64 text, ready to be written out and run"
        severity = "high"
        category = "content"
        anchor = "TVqQAAMAAAAEAAAA"
        anchor = "f0VMRgIBAQAAAAAAAAAAA"
        anchor = "f0VMRgEBAQAAAAAAAAAAA"
    strings:
        // "MZ" DOS header with the usual stub, and the ELF magic, as base64.
        $pe = "TVqQAAMAAAAEAAAA"
        $elf64 = "f0VMRgIBAQAAAAAAAAAAA"
        $elf32 = "f0VMRgEBAQAAAAAAAAAAA"
    condition:
        any of them
}

rule dsca_ssh_authorized_keys_backdoor
{
    meta:
        description = "Adds a hard-coded public key to ~/.ssh/authorized_keys, a standing way in for its owner"
        severity = "critical"
        category = "persistence"
        anchor = "authorized_keys"
    strings:
        $file = "authorized_keys"
        $key = /ssh-(rsa|ed25519|dss) AAAA[0-9A-Za-z+\/]{60,}/
        $append1 = "appendFile"
        $append2 = />>\s*~?[\/\w.$]*authorized_keys/
        $append3 = "writeFile"
    condition:
        $file and $key and any of ($append*)
}
