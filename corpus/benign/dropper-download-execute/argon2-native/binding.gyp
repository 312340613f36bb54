{
  "targets": [
    {
      "target_name": "argon2",
      "sources": [ "src/argon2_node.cc", "argon2/src/argon2.c", "argon2/src/core.c", "argon2/src/blake2/blake2b.c", "argon2/src/thread.c", "argon2/src/encoding.c", "argon2/src/ref.c" ],
      "include_dirs": [ "<!(node -p \"require('node-addon-api').include_dir\")", "argon2/include" ],
      "defines": [ "NAPI_VERSION=<(napi_build_version)", "NAPI_DISABLE_CPP_EXCEPTIONS" ],
      "cflags": [ "-Wno-cast-function-type" ]
    },
    {
      "target_name": "action_after_build",
      "type": "none",
      "dependencies": [ "argon2" ],
      "copies": [
        {
          "files": [ "<(PRODUCT_DIR)/argon2.node" ],
          "destination": "<(module_path)"
        }
      ]
    }
  ]
}
