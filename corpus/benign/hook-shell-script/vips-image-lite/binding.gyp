{
  "includes": [ "build/config-vips.gypi" ],
  "targets": [
    {
      "target_name": "vipslite",
      "sources": [ "src/vipslite.cc" ],
      "include_dirs": [ "<!(node -p \"require('node-addon-api').include_dir\")" ],
      "cflags_cc": [ "<@(vips_cflags)", "-std=c++17" ],
      "libraries": [ "<@(vips_libs)" ]
    }
  ]
}
