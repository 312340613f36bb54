{
  "targets": [
    {
      "target_name": "xxhash",
      "sources": [ "src/addon.c", "src/xxhash.c" ],
      "include_dirs": [ "src" ],
      "cflags": [ "-O3", "-Wall" ],
      "defines": [ "XXH_INLINE_ALL" ],
      "conditions": [
        [ "OS=='win'", { "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2 } } } ],
        [ "OS=='mac'", { "xcode_settings": { "GCC_OPTIMIZATION_LEVEL": "3", "MACOSX_DEPLOYMENT_TARGET": "10.13" } } ]
      ]
    }
  ]
}
