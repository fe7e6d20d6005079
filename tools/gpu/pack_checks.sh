#!/usr/bin/env bash
# On the development machine (it has the .NET SDK; the GPU machine has only what .gpu/ carries): prepares .gpu/
# with ../shared/gpu/prepare.sh unless it is already (the .NET runtime, run.sh, make_reference.py, the tokenizer
# files), then publishes
# tests/QwenVL.Cuda.ExecutorCheck (Release, linux-x64, framework-dependent, no *.pdb) and packs it into
# .gpu/checks.tar.xz, whose top folder is checks/. tools/gpu/check_cuda.sh unpacks and runs it on the GPU machine.
# The tracked tree, the untracked files git does not ignore and .gpu/ travel together and must stay under 64 MiB:
# the script fails when they would not.
# Usage: bash tools/gpu/pack_checks.sh
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
prepare="$root/../shared/gpu/prepare.sh"
if [ -f .gpu/run.sh ] && [ -f .gpu/dotnet-runtime.tar.xz ] && [ -f .gpu/make_reference.py ] && [ -d .gpu/tokenizer ]; then
  echo "pack_checks: .gpu/ already prepared (runtime, run.sh, make_reference.py, tokenizer): kept"
else
  [ -f "$prepare" ] || { echo "pack_checks: $prepare not found (the shared folder sits beside the checkout)" >&2; exit 1; }
  # prepare.sh writes .git/info/exclude, which a linked worktree does not have as a folder
  bash "$prepare" || { echo "pack_checks: $prepare failed; in a git worktree, copy .gpu/ (dotnet-runtime.tar.xz, run.sh, *.py, tokenizer/) from a checkout where it ran" >&2; exit 1; }
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# DebugType=none: no *.pdb of our assemblies; packages may still bring their own, removed below.
dotnet publish tests/QwenVL.Cuda.ExecutorCheck -c Release -r linux-x64 --self-contained false -o "$stage/checks" \
  -p:DebugType=none -p:DebugSymbols=false --nologo -v q
find "$stage/checks" -name '*.pdb' -delete
[ -f "$stage/checks/QwenVL.Cuda.ExecutorCheck.dll" ] || { echo "pack_checks: the publish has no QwenVL.Cuda.ExecutorCheck.dll" >&2; exit 1; }
tar -C "$stage" -cf - checks | xz -T0 -9 > "$root/.gpu/checks.tar.xz.tmp"
mv "$root/.gpu/checks.tar.xz.tmp" "$root/.gpu/checks.tar.xz"

limit=$((64 * 1024 * 1024))
tree=$( (git ls-files -z; git ls-files -z -o --exclude-standard) | xargs -0 -r stat -c %s 2>/dev/null | awk '{s += $1} END {print s + 0}')
gpu=$(find "$root/.gpu" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
total=$((tree + gpu))
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
echo "pack_checks: .gpu/checks.tar.xz $(mib "$(stat -c %s "$root/.gpu/checks.tar.xz")"); tree $(mib "$tree") + .gpu $(mib "$gpu") = $(mib "$total") of 64 MiB"
if [ "$total" -ge "$limit" ]; then
  echo "pack_checks: over the 64 MiB that travel to the GPU machine; the largest things in .gpu/:" >&2
  du -ah "$root/.gpu" | sort -rh | head -8 >&2
  echo "(an old .gpu/app or .gpu/*.tar.xz of another check may be removed)" >&2
  exit 1
fi
echo "pack_checks: on the GPU machine, carrying .gpu, run:  bash tools/gpu/check_cuda.sh"
