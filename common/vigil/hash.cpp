// common/vigil/hash.cpp
#include "vigil/hash.hpp"

#include <fmt/format.h>
#include <xxhash.h>

#include <new>

namespace vigil {

std::string Hash128::hex() const {
  return fmt::format("{:016x}{:016x}", high, low);
}

Hash128 xxh3_128(std::string_view bytes) {
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return {h.high64, h.low64};
}

std::uint64_t xxh3_64(std::string_view bytes) {
  return XXH3_64bits(bytes.data(), bytes.size());
}

Hasher128::Hasher128() : state_(XXH3_createState()) {
  if (state_ == nullptr) throw std::bad_alloc();
  XXH3_128bits_reset(static_cast<XXH3_state_t*>(state_));
}

Hasher128::~Hasher128() {
  XXH3_freeState(static_cast<XXH3_state_t*>(state_));
}

void Hasher128::update(std::string_view bytes) {
  XXH3_128bits_update(static_cast<XXH3_state_t*>(state_), bytes.data(), bytes.size());
}

void Hasher128::update_field(std::string_view bytes) {
  unsigned char len[8];
  std::uint64_t n = bytes.size();
  for (unsigned char& b : len) {
    b = static_cast<unsigned char>(n & 0xffU);
    n >>= 8U;
  }
  XXH3_128bits_update(static_cast<XXH3_state_t*>(state_), len, sizeof len);
  update(bytes);
}

Hash128 Hasher128::digest() const {
  const XXH128_hash_t h = XXH3_128bits_digest(static_cast<XXH3_state_t*>(state_));
  return {h.high64, h.low64};
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
