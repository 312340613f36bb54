{
  "targets": [
    {
      "target_name": "crc32c",
      "sources": [ "src/crc32c.cc" ],
      "include_dirs": [ "<!(node -p \"require('node-addon-api').include_dir\")" ],
      "defines": [ "NAPI_DISABLE_CPP_EXCEPTIONS" ],
      "cflags_cc": [ "-O3" ],
      "actions": [
        {
          "action_name": "detect_cpu_features",
          "inputs": [ "build-tools/cpu-features.sh" ],
          "outputs": [ "<(INTERMEDIATE_DIR)/cpu_features.h" ],
          "action": [ "sh", "build-tools/cpu-features.sh", "<(INTERMEDIATE_DIR)/cpu_features.h" ]
        }
      ]
    }
  ]
}
