#!/usr/bin/env bash
# On the development machine: publishes the app and the CUDA checks of an older commit (OLD_REV) and of the working
# tree, and packs all four into one .gpu/compare.tar.xz (old/app, old/checks, new/app, new/checks), so one device call can run
# tools/gpu/compare_builds.sh on both builds side by side. xz with a 64 MiB window stores the files the two builds
# share once.
# Usage: bash tools/gpu/pack_compare.sh OLD_REV
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
old_rev=${1:?usage: pack_compare.sh OLD_REV}
[ -f .gpu/run.sh ] || { echo "pack_compare: prepare .gpu/ first (../shared/gpu/prepare.sh)" >&2; exit 1; }
stage=$(mktemp -d)
trap 'git worktree remove --force "$stage/src" 2>/dev/null || true; rm -rf "$stage"' EXIT

# publish PROJECT_DIR OUT: framework-dependent linux-x64, no symbols.
publish() {
  dotnet publish "$1" -c Release -r linux-x64 --self-contained false -o "$2" -p:DebugType=none -p:DebugSymbols=false --nologo -v q
  find "$2" -name '*.pdb' -delete
}
# app_project DIR: the executable's project in that tree (App/ now; Http/ before the executable had its own project).
app_project() { if [ -f "$1/App/QwenVL.App.csproj" ]; then echo "$1/App/QwenVL.App.csproj"; else echo "$1/Http/QwenVL.Http.csproj"; fi; }

git worktree add -q --detach "$stage/src" "$old_rev"
publish "$(app_project "$stage/src")" "$stage/pack/old/app"
publish "$stage/src/tests/QwenVL.Cuda.ExecutorCheck" "$stage/pack/old/checks"
publish "$(app_project "$root")" "$stage/pack/new/app"
publish "$root/tests/QwenVL.Cuda.ExecutorCheck" "$stage/pack/new/checks"
git -C "$stage/src" rev-parse --short HEAD > "$stage/pack/old/commit"
git rev-parse --short HEAD > "$stage/pack/new/commit"
tar -C "$stage/pack" -cf - old new | xz -T0 -9 --lzma2=preset=9,dict=64MiB > .gpu/compare.tar.xz
echo "pack_compare: .gpu/compare.tar.xz $(du -h .gpu/compare.tar.xz | cut -f1) (old $(cat "$stage/pack/old/commit"), new $(cat "$stage/pack/new/commit"))"
