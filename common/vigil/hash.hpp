// common/vigil/hash.hpp
//
// XXH3 (Debian's libxxhash): 128 bits for schema fingerprints and checksums, 64 bits for query
// fingerprints.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil {

struct Hash128 {
  std::uint64_t high = 0;
  std::uint64_t low = 0;

  // 32 lower-case hex digits, high half first (XXH128's canonical big-endian form).
  std::string hex() const;
};

Hash128 xxh3_128(std::string_view bytes);

// XXH3-64: query fingerprints and cache keys, where 64 bits are plenty.
std::uint64_t xxh3_64(std::string_view bytes);

// Streaming XXH3-128.
class Hasher128 {
 public:
  Hasher128();
  ~Hasher128();
  Hasher128(const Hasher128&) = delete;
  Hasher128& operator=(const Hasher128&) = delete;

  void update(std::string_view bytes);
  // A field: its length as 8 little-endian bytes, then its bytes, so ("ab","c") != ("a","bc").
  void update_field(std::string_view bytes);
  Hash128 digest() const;

 private:
  void* state_;  // XXH3_state_t*, kept opaque so this header needs no xxhash.h
};

}  // namespace vigil
