#!/bin/sh
# Detect a system libvips with pkg-config and write build/config.gypi
# so binding.gyp can link against it. Fails with a clear message otherwise.
set -e
MIN_VIPS=8.14.0
out=build/config-vips.gypi
mkdir -p build

if ! command -v pkg-config >/dev/null 2>&1; then
  echo "vips-image-lite: pkg-config not found; install it (apt install pkg-config / brew install pkgconf)" >&2
  exit 1
fi

if ! pkg-config --atleast-version="$MIN_VIPS" vips-cpp; then
  echo "vips-image-lite: libvips >= $MIN_VIPS is required (found: $(pkg-config --modversion vips-cpp 2>/dev/null || echo none))" >&2
  echo "  Debian/Ubuntu: apt install libvips-dev" >&2
  echo "  macOS:         brew install vips" >&2
  exit 1
fi

cflags=$(pkg-config --cflags vips-cpp)
libs=$(pkg-config --libs vips-cpp)
cat > "$out" <<GYPI
{
  'variables': {
    'vips_cflags': '$cflags',
    'vips_libs': '$libs'
  }
}
GYPI
echo "vips-image-lite: using libvips $(pkg-config --modversion vips-cpp)"
