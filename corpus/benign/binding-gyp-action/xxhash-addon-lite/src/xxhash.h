/* xxHash - Extremely Fast Hash algorithm (header excerpt, BSD 2-Clause) */
#ifndef XXHASH_H
#define XXHASH_H
#include <stddef.h>
#include <stdint.h>
uint32_t XXH32(const void* input, size_t length, uint32_t seed);
uint64_t XXH64(const void* input, size_t length, uint64_t seed);
#endif
