#include <node_api.h>
#include <stdint.h>

static napi_value Mask(napi_env env, napi_callback_info info) { return NULL; }
static napi_value Unmask(napi_env env, napi_callback_info info) { return NULL; }

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor desc[] = {
    { "mask", NULL, Mask, NULL, NULL, NULL, napi_default, NULL },
    { "unmask", NULL, Unmask, NULL, NULL, NULL, napi_default, NULL }
  };
  napi_define_properties(env, exports, 2, desc);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
