// Credential stealers seen again and again in npm malware: Discord token grabbers,
// browser password and cookie stealers, crypto-wallet stealers.
// General techniques only: every rule needs several independent signals.
//
// Each rule's `anchor` entries are literals one of which every match of the rule holds
// (compared in any ASCII case; `{ws}` stands for each byte YARA's `\s` matches, a
// leading `{b}` for a `\b` before a letter). A file holding none of them skips the
// YARA scan; a test checks each rule has anchors and that its fixtures pass the gate.

rule dsca_discord_token_grabber
{
    meta:
        description = "Reads Discord's Local Storage LevelDB and searches it for account tokens"
        severity = "critical"
        category = "filesystem"
        // `all of ($store*)`
        anchor = "leveldb"
    strings:
        $app1 = "discordcanary" nocase
        $app2 = "discordptb" nocase
        $app3 = "Lightcord" nocase
        $app4 = /["'\/\\]discord["'\/\\]/ nocase
        $store1 = "Local Storage" nocase
        $store2 = "leveldb" nocase
        // The token shapes grabbers search the LevelDB files for, as regex source text.
        // (in a regex literal or, doubly escaped, in a string given to RegExp)
        $token1 = /\[\\{1,2}w-\]\{2[4-6]\}\\{1,2}\.\[\\{1,2}w-\]\{6\}\\{1,2}\./
        $token2 = /mfa\\{1,2}\.\[\\{1,2}w-\]\{84\}/
        // The prefix of the encrypted tokens of Discord's desktop app.
        $token3 = "dQw4w9WgXcQ:"
    condition:
        any of ($app*) and all of ($store*) and any of ($token*)
}

rule dsca_browser_credential_stealer
{
    meta:
        description = "Reads the saved passwords or cookies of Chromium browsers and the key that decrypts them"
        severity = "critical"
        category = "filesystem"
        // `all of ($key*)`
        anchor = "encrypted_key"
    strings:
        $browser1 = "Google\\\\Chrome\\\\User Data" nocase
        $browser2 = "Google/Chrome" nocase
        $browser3 = "BraveSoftware" nocase
        $browser4 = "Microsoft\\\\Edge\\\\User Data" nocase
        $browser5 = "Opera Software" nocase
        $browser6 = "Yandex\\\\YandexBrowser" nocase
        $browser7 = "google-chrome" nocase
        $store1 = "Login Data" nocase
        $store2 = "Web Data" nocase
        $store3 = "Network\\\\Cookies" nocase
        $store4 = "Network/Cookies" nocase
        $key1 = "Local State"
        $key2 = "encrypted_key"
        $decrypt1 = "CryptUnprotectData"
        $decrypt2 = "DPAPI"
        $decrypt3 = "aes-256-gcm"
        $decrypt4 = "v10"
        $decrypt5 = "win32crypt"
    condition:
        any of ($browser*) and any of ($store*) and all of ($key*) and any of ($decrypt*)
}

rule dsca_crypto_wallet_stealer
{
    meta:
        description = "Reads the storage of several browser-extension or desktop crypto wallets"
        severity = "critical"
        category = "filesystem"
        // Every branch of the condition needs one of `$dir*`.
        anchor = "Local Extension Settings"
        anchor = "exodus.wallet"
        anchor = "Electrum/wallets"
        anchor = "Electrum\\\\wallets"
        anchor = "Ethereum/keystore"
        anchor = "Ethereum\\\\keystore"
        anchor = "com.liberty.jaxx"
        anchor = "atomic/Local Storage"
        anchor = "Coinomi"
        anchor = "Guarda/Local Storage"
        anchor = ".config/solana/id.json"
        anchor = "wallet.dat"
    strings:
        // Chrome Web Store ids of wallet extensions (MetaMask, Phantom, Coinbase,
        // Binance, TronLink, Ronin, Exodus, Trust, Keplr, Solflare, OKX, Rabby).
        $ext1 = "nkbihfbeogaeaoehlefnkodbefgpgknn"
        $ext2 = "bfnaelmomeimhlpmgjnjophhpkkoljpa"
        $ext3 = "hnfanknocfeofbddgcijnmhnfnkdnaad"
        $ext4 = "fhbohimaelbohpjbbldcngcnapndodjp"
        $ext5 = "ibnejdfjmmkpcnlpebklmnkoeoihofec"
        $ext6 = "fnjhmkhhmkbjkkabndcnnogagogbneec"
        $ext7 = "aholpfdialjgjfhomihkjbmgjidlcdno"
        $ext8 = "egjidjbpglichdcondbcbdnbeeppgdph"
        $ext9 = "dmkamcknogkgcdfhhbddcghachkejeap"
        $ext10 = "bhhhlbepdkbapadjdnnojkbgioiodbic"
        $ext11 = "mcohilncbfahbmgdjkbpemcciiolgcge"
        $ext12 = "acmacodkjbdgmoleebolmdjonilkdbch"
        $dir1 = "Local Extension Settings" nocase
        $dir2 = "exodus.wallet" nocase
        $dir3 = "Electrum/wallets" nocase
        $dir4 = "Electrum\\\\wallets" nocase
        $dir5 = "Ethereum/keystore" nocase
        $dir6 = "Ethereum\\\\keystore" nocase
        $dir7 = "com.liberty.jaxx" nocase
        $dir8 = "atomic/Local Storage" nocase
        $dir9 = "Coinomi" nocase
        $dir10 = "Guarda/Local Storage" nocase
        $dir11 = ".config/solana/id.json"
        $dir12 = "wallet.dat"
    condition:
        ($dir1 and 2 of ($ext*)) or (3 of ($ext*) and any of ($dir*)) or 4 of ($dir*)
}

rule dsca_credential_file_sweep
{
    meta:
        description = "Names the credential files of many different tools, the way a stealer sweeps a developer machine"
        severity = "high"
        category = "filesystem"
        // `5 of them`: any five of the thirteen include one of these nine.
        anchor = ".ssh/id_rsa"
        anchor = ".aws/credentials"
        anchor = ".git-credentials"
        anchor = ".config/gh/hosts.yml"
        anchor = ".bash_history"
        anchor = ".config/gcloud/credentials.db"
        anchor = ".azure/accessTokens.json"
        anchor = ".pypirc"
        anchor = ".ssh/id_ed25519"
    strings:
        $c1 = ".ssh/id_rsa"
        $c2 = ".aws/credentials"
        $c3 = ".docker/config.json"
        $c4 = ".kube/config"
        $c5 = ".git-credentials"
        $c6 = ".config/gh/hosts.yml"
        $c7 = ".npmrc"
        $c8 = ".bash_history"
        $c9 = ".config/gcloud/credentials.db"
        $c10 = ".azure/accessTokens.json"
        $c11 = ".pypirc"
        $c12 = ".netrc"
        $c13 = ".ssh/id_ed25519"
    condition:
        5 of them
}

rule dsca_discord_client_injection
{
    meta:
        description = "Rewrites the Discord desktop client's core module to inject code that steals logins and payment details"
        severity = "critical"
        category = "persistence"
        anchor = "discord_desktop_core"
    strings:
        $core = "discord_desktop_core"
        $target1 = "core.asar"
        $target2 = /["'\/\\]index\.js["']/
        $write1 = "writeFile"
        $write2 = "Set-Content"
        $write3 = "copyFile"
    condition:
        $core and any of ($target*) and any of ($write*)
}

rule dsca_messenger_session_stealer
{
    meta:
        description = "Reads the session folders of desktop messengers (Telegram tdata and the like), which log in without a password"
        severity = "high"
        category = "filesystem"
        // `$telegram2`, which both branches need
        anchor = "\"tdata"
        anchor = "'tdata"
        anchor = "/tdata"
        anchor = "\\tdata"
    strings:
        $telegram1 = "Telegram Desktop" nocase
        $telegram2 = /["'\/\\]tdata["'\/\\]/
        $other1 = "Signal/config.json" nocase
        $other2 = "Element/Local Storage" nocase
    condition:
        all of ($telegram*) or ($telegram2 and any of ($other*))
}

rule dsca_macos_keychain_or_password_phish
{
    meta:
        description = "Dumps the macOS keychain or shows a fake password dialog to capture the user's login password"
        severity = "high"
        category = "filesystem"
        anchor = "security dump-keychain"
        anchor = "login.keychain-db"
        anchor = "hidden answer"
    strings:
        $dump = "security dump-keychain"
        $keychain = "login.keychain-db"
        $copy1 = "copyFile"
        $copy2 = "readFile"
        $dialog = "display dialog" nocase
        $hidden = "hidden answer" nocase
        $osascript = "osascript"
    condition:
        $dump or ($keychain and any of ($copy*)) or ($osascript and $dialog and $hidden)
}

rule dsca_crypto_clipper
{
    meta:
        description = "Watches the clipboard for cryptocurrency addresses, the way clippers swap them for the attacker's"
        severity = "high"
        category = "execution"
        // `2 of ($addr*)`: three of the five shapes hold `HJ-NP-Z`; the other two
        // together hold `$addr2`.
        anchor = "HJ-NP-Z"
        anchor = "0x[a-fA-F0-9]{40}"
    strings:
        $clip1 = "clipboardy"
        $clip2 = "Get-Clipboard"
        $clip3 = "pbpaste"
        $clip4 = "xclip"
        $clip5 = "clipboard.readText"
        $clip6 = "readClipboard"
        // Address shapes as regex source: Bitcoin, Ethereum, Tron, Solana, Monero.
        $addr1 = "(bc1|[13])[a-zA-HJ-NP-Z0-9]"
        $addr2 = "0x[a-fA-F0-9]{40}"
        $addr3 = "T[A-Za-z1-9]{33}"
        $addr4 = "[1-9A-HJ-NP-Za-km-z]{32,44}"
        $addr5 = "4[0-9AB][1-9A-HJ-NP-Za-km-z]{93}"
    condition:
        any of ($clip*) and 2 of ($addr*)
}

rule dsca_browser_wallet_hijack
{
    meta:
        description = "Replaces the page's fetch, XMLHttpRequest or wallet provider and carries cryptocurrency addresses: swaps the recipient of payments in the browser (the chalk/debug compromise, Sep 2025)"
        severity = "critical"
        category = "network"
        // Each branch of the hook needs one of these: `$fetch`, `$xhr`, `$provider*`.
        anchor = ".fetch="
        anchor = ".fetch ="
        anchor = ".prototype.open="
        anchor = ".prototype.open ="
        anchor = ".prototype.send="
        anchor = ".prototype.send ="
        anchor = "ethereum"
    strings:
        // At most one space around `=`: minified and formatted code alike, and literal
        // anchors for the gate.
        $fetch = /\.fetch ?= ?(async ?)?(function\b|\()/
        $xhr = /\.prototype\.(open|send) ?= ?function/
        $provider1 = /defineProperty\(\s*[\w.]+\s*,\s*['"]ethereum['"]/
        $provider2 = /ethereum\.request\s*=/
        $xhr_name = "XMLHttpRequest"
        $eth = /\b0x[a-fA-F0-9]{40}\b/
        $btc = /\b(bc1[a-z0-9]{25,59}|[13][a-km-zA-HJ-NP-Z1-9]{25,34})\b/
    condition:
        ($fetch or ($xhr and $xhr_name) or any of ($provider*)) and (#eth >= 3 or #btc >= 3)
}
