#include <napi.h>
#include <vips/vips8>
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  if (VIPS_INIT("vipslite")) Napi::Error::New(env, "vips init failed").ThrowAsJavaScriptException();
  return exports;
}
NODE_API_MODULE(vipslite, Init)
