// Runtime markers of JavaScript obfuscators that honest packages do not ship.
//
// Each rule's `anchor` entries are literals one of which every match of the rule holds
// (compared in any ASCII case; `{ws}` stands for each byte YARA's `\s` matches, a
// leading `{b}` for a `\b` before a letter). A file holding none of them skips the
// YARA scan; a test checks each rule has anchors and that its fixtures pass the gate.

rule dsca_javascript_obfuscator_runtime
{
    meta:
        description = "javascript-obfuscator output: a hex-named string-array function and the loop that rotates it"
        severity = "medium"
        category = "obfuscation"
        anchor = "_0x"
    strings:
        $array = /function\s+_0x[0-9a-f]{4,6}\(\)\s*\{\s*(var|const|let)\s+_0x[0-9a-f]{4,6}\s*=\s*\[/
        $rotate = /while\s*\(\s*!!\[\]\s*\)\s*\{\s*try\s*\{\s*(var|const|let)\s+_0x[0-9a-f]{4,6}\s*=\s*(-|parseInt)/
        $decoder = /_0x[0-9a-f]{4,6}\s*=\s*_0x[0-9a-f]{4,6}\s*-\s*(0x[0-9a-f]+|\d+)\s*;/
    condition:
        $array and ($rotate or $decoder)
}

rule dsca_esoteric_encoder
{
    meta:
        description = "Code encoded with JSFuck, jjencode or aaencode, which exist only to hide what code does"
        severity = "high"
        category = "obfuscation"
        // Both of `$jsfuck`'s openings.
        anchor = "$=~[];$={___:++$,"
        anchor = "ﾟωﾟﾉ= /｀ｍ´）ﾉ ~┻━┻"
        anchor = "(![]+[])[+"
    strings:
        $jjencode = /\$=~\[\];\$=\{___:\+\+\$,/
        $aaencode = "ﾟωﾟﾉ= /｀ｍ´）ﾉ ~┻━┻"
        $jsfuck = /(\[\]\[\(!\[\]\+\[\]\)\[\+\[\]\]|\(!\[\]\+\[\]\)\[\+!\+\[\]\]){1}[\[\]()!+]{200}/
    condition:
        any of them
}
