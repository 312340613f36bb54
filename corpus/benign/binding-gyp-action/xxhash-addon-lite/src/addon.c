#include <node_api.h>
#include "xxhash.h"

static napi_value Xxh32(napi_env env, napi_callback_info info) {
  size_t argc = 2; napi_value argv[2]; void* data; size_t len; uint32_t seed = 0; napi_value out;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_get_buffer_info(env, argv[0], &data, &len);
  if (argc > 1) napi_get_value_uint32(env, argv[1], &seed);
  napi_create_uint32(env, XXH32(data, len, seed), &out);
  return out;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "xxh32", NAPI_AUTO_LENGTH, Xxh32, NULL, &fn);
  napi_set_named_property(env, exports, "xxh32", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
