#!/usr/bin/env bash
# Builds kernels.wasm from kernels.c with Debian's clang and lld (apt-get install clang lld).
# The .wasm is committed, so installing or building the pack needs no C compiler; the test
# test/adjust/kernels-build.test.ts rebuilds it where clang is present and checks the bytes match.
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-kernels.wasm}"
clang --target=wasm32 -O3 -std=c11 -Wall -Wextra -Werror -nostdlib -msimd128 -mbulk-memory \
	-Wl,--no-entry -Wl,--strip-all -Wl,-z,stack-size=65536 \
	-o "$out" kernels.c
