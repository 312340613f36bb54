#include <node_api.h>
#include "width_table.h"
static int is_wide(uint32_t cp) {
  int lo = 0, hi = WIDE_RANGES_LEN - 1;
  while (lo <= hi) { int mid = (lo + hi) / 2;
    if (cp < wide_ranges[mid][0]) hi = mid - 1; else if (cp > wide_ranges[mid][1]) lo = mid + 1; else return 1; }
  return 0;
}
static napi_value Width(napi_env env, napi_callback_info info) {
  size_t argc = 1; napi_value arg, out; uint32_t cp;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  napi_get_value_uint32(env, arg, &cp);
  napi_create_uint32(env, is_wide(cp) ? 2 : 1, &out);
  return out;
}
static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn; napi_create_function(env, "width", NAPI_AUTO_LENGTH, Width, NULL, &fn);
  napi_set_named_property(env, exports, "width", fn); return exports;
}
NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
