#!/usr/bin/env bash
# Syntax/type check of the CUDA kernel sources without a GPU or the CUDA SDK, with clang's CUDA front end.
#
# The server compiles each Cuda/Kernels/*.cu at run time with NVRTC (KernelCompiler), so a broken kernel otherwise
# only shows up on a GPU machine. This compiles every such file the way KernelSources/KernelCompiler present it to
# NVRTC, device side only and without code generation:
#   - the source as KernelSources.Read gives it: each line `#include "NAME.cuh"` replaced by Cuda/Kernels/NAME.cuh
#     (with #line markers, so errors point at the real files);
#   - NVRTC's options: --std=c++17, -default-device (emulated in the shim), --gpu-architecture=sm_90; no -D options
#     and no name expressions are used (every entry point is an extern "C" kernel);
#   - tools/cuda/shim/ as the include folder (its cuda_bf16.h stands in for the SDK's) and cuda_shim.h force-included
#     for what NVRTC provides without an #include.
#
# Usage: tools/cuda/check_kernels.sh [FILE.cu ...]   check the given files (default: every Cuda/Kernels/*.cu)
#        tools/cuda/check_kernels.sh --self-test      show that the check fails on deliberately broken copies
# Prints `OK file` or `FAIL file` and its first errors per file. Exits 0 when all pass, 1 when any fails, 2 when it
# cannot run. Installs clang-16 with apt-get when it is missing (needs root).
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
shim="$repo/tools/cuda/shim"
clang=clang++-16
# clang 16 knows sm_90 (Hopper), the architecture the server compiles for. Override with CUDA_CHECK_ARCH.
arch=${CUDA_CHECK_ARCH:-sm_90}
# How many error lines to show for a failing file.
max_errors=${CUDA_CHECK_MAX_ERRORS:-8}

ensure_clang() {
  command -v "$clang" > /dev/null && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "check_kernels: $clang is missing; install it (apt-get install clang-16) or run this as root" >&2
    exit 2
  fi
  echo "check_kernels: installing clang-16 (apt-get) ..." >&2
  local start=$SECONDS
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang-16; } > /tmp/check_kernels_apt.log 2>&1; then
    echo "check_kernels: could not install clang-16, see /tmp/check_kernels_apt.log" >&2
    exit 2
  fi
  echo "check_kernels: clang-16 installed in $((SECONDS - start)) s" >&2
}

# Writes to stdout the source NVRTC gets for kernel file $1: what KernelSources.ExpandIncludes does (a line that is
# exactly `#include "NAME.cuh"`, after dropping a trailing CR, is replaced by Cuda/Kernels/include/NAME.cuh, whose own
# includes are expanded the same way, each header once; other lines, an indented include included, are left for the
# compiler), plus #line markers. Fails when a header is missing, as KernelSources.Read throws then.
splice() {
  python3 - "$1" "$repo" <<'PY'
import os, sys
file, repo = sys.argv[1], sys.argv[2]
include_dir = os.path.join(repo, "Cuda", "Kernels", "include")
shown = lambda path: os.path.relpath(path, repo)
pasted = set()
def expand(path):
    out = [f'#line 1 "{shown(path)}"']
    for number, raw in enumerate(open(path, encoding="utf-8").read().split("\n"), start=1):
        line = raw.rstrip("\r")
        if line.startswith('#include "') and line.endswith('.cuh"'):
            name = line[len('#include "'):-1]
            header = os.path.join(include_dir, name)
            if name not in pasted:
                if not os.path.isfile(header):
                    sys.stderr.write(f"no kernel header {name} in {shown(include_dir)} (included by {shown(path)})\n")
                    sys.exit(3)
                pasted.add(name)
                out.extend(expand(header))
            out.append(f'#line {number + 1} "{shown(path)}"')
        else:
            out.append(raw)
    return out
print("\n".join(expand(file)))
PY
}

# Checks one kernel file; prints its OK/FAIL line (and first errors); returns 0 when it passes.
check_file() {
  local file shown work log status
  file=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  shown=${file#"$repo"/}
  work=$(mktemp -d)
  log="$work/log"
  # The spliced source lives in a temp folder, so a quoted include that KernelSources would not paste finds nothing
  # beside it, as under NVRTC (which has no folder for the program).
  if ! splice "$file" > "$work/$(basename "$file")" 2> "$log"; then
    echo "FAIL $shown"
    sed 's/^/    /' "$log"
    rm -rf "$work"
    return 1
  fi
  "$clang" -x cuda --cuda-device-only -nocudainc -nocudalib --cuda-gpu-arch="$arch" -fsyntax-only -std=c++17 \
    -fno-color-diagnostics -I "$shim" -include cuda_shim.h "$work/$(basename "$file")" > "$log" 2>&1
  status=$?
  if [ $status -eq 0 ]; then
    local warnings
    warnings=$(grep -c ': warning:' "$log")
    if [ "$warnings" -gt 0 ]; then echo "OK   $shown ($warnings warnings: run $clang by hand to see them)"; else echo "OK   $shown"; fi
  else
    echo "FAIL $shown"
    # The first distinct errors with their location: the full log adds notes, and an error in a template repeats
    # once per instantiation (HD = 64, 128, ...).
    grep -E ': (fatal )?error:' "$log" | awk '!seen[$0]++' | head -n "$max_errors" | sed 's/^/    /'
    grep -q -E ': (fatal )?error:' "$log" || head -n "$max_errors" "$log" | sed 's/^/    /'
  fi
  rm -rf "$work"
  return $status
}

# Every translation unit NVRTC compiles: the server's (Cuda/Kernels/*.cu, embedded and listed by KernelSources) and
# the GPU checks' own (tests/QwenVL.Cuda.Diagnostics: reference and self-test kernels, which include the same headers).
all_kernels() {
  { find "$repo/Cuda/Kernels" -maxdepth 1 -name '*.cu'
    find "$repo/tests/QwenVL.Cuda.Diagnostics" -path '*/bin' -prune -o -path '*/obj' -prune -o -name '*.cu' -print; } | sort
}

check_all() {
  local failed=0 total=0 file
  for file in "$@"; do
    total=$((total + 1))
    check_file "$file" || failed=$((failed + 1))
  done
  echo "$((total - failed))/$total kernel files pass ($($clang --version | head -n 1), --cuda-gpu-arch=$arch)"
  [ $failed -eq 0 ]
}

# Copies the kernels to a temp folder, breaks two copies on purpose and checks that exactly those fail, with the
# expected errors, while an untouched copy still passes.
self_test() {
  local tmp kernels source header ok=1 out
  tmp=$(mktemp -d)
  kernels="$tmp/Cuda/Kernels"
  mkdir -p "$kernels/include"
  cp "$repo"/Cuda/Kernels/*.cu "$kernels"/
  cp "$repo"/Cuda/Kernels/include/*.cuh "$kernels/include"/

  # 1. A helper both pasted into a kernel and included from its header: paste the header's text, without its include
  #    guard, above its include line, so every helper in it is defined twice.
  source=$(grep -l -E '^#include ".+\.cuh"' "$kernels"/*.cu | head -n 1)
  if [ -z "$source" ]; then
    echo "self-test: no kernel includes a .cuh header to paste; cannot build the duplicate-definition case"
    rm -rf "$tmp"
    return 1
  fi
  header=$(grep -m 1 -o -E '^#include ".+\.cuh"' "$source" | sed -E 's/^#include "(.+)"$/\1/')
  awk -v header="$kernels/include/$header" -v inc="#include \"$header\"" '
    $0 == inc && !done {
      while ((getline h < header) > 0) if (h !~ /^#(ifndef|define|endif)/) print h
      close(header); done = 1
    }
    { print }
  ' "$source" > "$kernels/selftest_duplicate_helper.cu"

  # 2. An undeclared identifier in a device function.
  cp "$kernels/silu_mul.cu" "$kernels/selftest_undeclared.cu"
  printf '\n__device__ float scaled(float x) { return x * missing_scale; }\n' >> "$kernels/selftest_undeclared.cu"

  echo "self-test: an untouched copy of $(basename "$source") (must pass), that file with $header pasted above its"
  echo "           include (must fail: redefinition), silu_mul.cu plus an undeclared identifier (must fail)"
  out=$(cd "$tmp" && repo=$tmp check_all "$kernels/$(basename "$source")" "$kernels/selftest_duplicate_helper.cu" \
    "$kernels/selftest_undeclared.cu")
  echo "$out"

  grep -q -x "OK   Cuda/Kernels/$(basename "$source")" <<< "$out" || { echo "self-test: the untouched copy should pass"; ok=0; }
  grep -q -x "FAIL Cuda/Kernels/selftest_duplicate_helper.cu" <<< "$out" && grep -q 'error: redefinition of' <<< "$out" \
    || { echo "self-test: the pasted header should fail with a redefinition"; ok=0; }
  grep -q -x "FAIL Cuda/Kernels/selftest_undeclared.cu" <<< "$out" \
    && grep -q "error: use of undeclared identifier 'missing_scale'" <<< "$out" \
    || { echo "self-test: the undeclared identifier should fail"; ok=0; }
  rm -rf "$tmp"
  if [ $ok -eq 1 ]; then echo "self-test: PASS (the check fails on broken kernels)"; else echo "self-test: FAIL"; fi
  [ $ok -eq 1 ]
}

ensure_clang
if [ "${1:-}" = "--self-test" ]; then
  self_test
  exit $?
fi
if [ $# -gt 0 ]; then
  for f in "$@"; do [ -f "$f" ] || { echo "check_kernels: no such file: $f" >&2; exit 2; }; done
  check_all "$@" || exit 1
else
  mapfile -t files < <(all_kernels)
  check_all "${files[@]}" || exit 1
fi
