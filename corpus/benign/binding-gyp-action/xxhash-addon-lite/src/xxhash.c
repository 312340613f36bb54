#include "xxhash.h"
#define PRIME32_1 0x9E3779B1U
#define PRIME32_2 0x85EBCA77U
#define PRIME32_3 0xC2B2AE3DU
#define PRIME32_4 0x27D4EB2FU
#define PRIME32_5 0x165667B1U
static uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }
static uint32_t read32(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24); }
uint32_t XXH32(const void* input, size_t len, uint32_t seed) {
  const uint8_t* p = (const uint8_t*)input; const uint8_t* end = p + len; uint32_t h;
  if (len >= 16) {
    uint32_t v1 = seed + PRIME32_1 + PRIME32_2, v2 = seed + PRIME32_2, v3 = seed, v4 = seed - PRIME32_1;
    do {
      v1 = rotl32(v1 + read32(p) * PRIME32_2, 13) * PRIME32_1; p += 4;
      v2 = rotl32(v2 + read32(p) * PRIME32_2, 13) * PRIME32_1; p += 4;
      v3 = rotl32(v3 + read32(p) * PRIME32_2, 13) * PRIME32_1; p += 4;
      v4 = rotl32(v4 + read32(p) * PRIME32_2, 13) * PRIME32_1; p += 4;
    } while (p <= end - 16);
    h = rotl32(v1, 1) + rotl32(v2, 7) + rotl32(v3, 12) + rotl32(v4, 18);
  } else {
    h = seed + PRIME32_5;
  }
  h += (uint32_t)len;
  while (p + 4 <= end) { h = rotl32(h + read32(p) * PRIME32_3, 17) * PRIME32_4; p += 4; }
  while (p < end) { h = rotl32(h + (*p) * PRIME32_5, 11) * PRIME32_1; p++; }
  h ^= h >> 15; h *= PRIME32_2; h ^= h >> 13; h *= PRIME32_3; h ^= h >> 16;
  return h;
}
