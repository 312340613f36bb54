{
  "targets": [
    { "target_name": "uwidth", "sources": [ "src/uwidth.c" ] }
  ]
}
