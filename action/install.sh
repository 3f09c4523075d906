#!/usr/bin/env bash
# The action's first step: puts escape-explain on the job's PATH.
#
# It downloads the release archive for this runner from the release of the action's own
# repository and tag, checks it against the release's .sha256, and adds the folder of the binary
# to GITHUB_PATH. When the ref is not a release tag (a branch, a commit, a local `uses: ./`) or
# the release has no archive for this runner, it builds the action's own checkout instead
# (`cargo install --locked --path`), which takes minutes and says so. A checksum that does not
# match is an error, never a reason to build instead.
#
# Environment (action.yml passes the first three):
#   ESCAPE_EXPLAIN_VERSION            the `version` input: a tag such as v0.2.0 (0.2.0 is read
#                                     as v0.2.0); empty means the action's own ref
#   ESCAPE_EXPLAIN_ACTION_REF         github.action_ref
#   ESCAPE_EXPLAIN_ACTION_REPOSITORY  github.action_repository (owner/name)
#   ESCAPE_EXPLAIN_DOWNLOAD_URL       where releases are, instead of
#                                     https://github.com/OWNER/NAME/releases/download; the
#                                     archive is fetched from URL/TAG/ARCHIVE
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH, GITHUB_ACTION_PATH  as a runner sets them;
#                                     outside a runner, this machine's, a temporary folder, and
#                                     the folder above this script
set -euo pipefail

note() { echo "escape-explain: $*"; }
fail() {
  echo "::error title=escape-explain install::$*"
  exit 1
}

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
ref=${ESCAPE_EXPLAIN_ACTION_REF:-}
requested=${ESCAPE_EXPLAIN_VERSION:-}
repository=${ESCAPE_EXPLAIN_ACTION_REPOSITORY:-}

# `0.2.0` and `v0.2.0` name the same release.
with_v() {
  case $1 in
    [0-9]*) echo "v$1" ;;
    *) echo "$1" ;;
  esac
}
tag=$(with_v "${requested:-$ref}")

runner_os=${RUNNER_OS:-$(uname -s)}
runner_arch=${RUNNER_ARCH:-$(uname -m)}
case $runner_os in
  Linux) os=Linux ;;
  macOS | Darwin) os=macOS ;;
  Windows | MINGW* | MSYS* | CYGWIN*) os=Windows ;;
  *) os=$runner_os ;;
esac
case $runner_arch in
  X64 | x86_64 | amd64) arch=X64 ;;
  ARM64 | aarch64 | arm64) arch=ARM64 ;;
  *) arch=$runner_arch ;;
esac
exe=escape-explain
case $os/$arch in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc exe=escape-explain.exe ;;
  *) target="" ;;
esac

temp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
work=$(mktemp -d "$temp/escape-explain.XXXXXX")

# Makes `dir` the first place the job's next steps look for commands.
add_to_path() {
  local dir=$1
  if command -v cygpath >/dev/null 2>&1; then
    dir=$(cygpath -w "$dir")
  fi
  if [ -n "${GITHUB_PATH:-}" ]; then
    echo "$dir" >>"$GITHUB_PATH"
  fi
  note "installed in $dir"
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# Builds the action's checkout, which is the source of the ref the action was used at.
build_from_source() {
  local why=$1
  if [ -n "$requested" ] && [ "$(with_v "$requested")" != "$(with_v "$ref")" ]; then
    fail "$why, and the action's own source is ${ref:-not a release} rather than $tag:" \
      "use the action at $tag (uses: ${repository:-OWNER/NAME}@$tag) to build that version"
  fi
  echo "::warning title=escape-explain install::$why; building the action's source with cargo install --locked --path $action_path (this takes a few minutes)"
  if ! command -v cargo >/dev/null 2>&1; then
    fail "cargo is not on PATH, and it is needed to build escape-explain from source; install Rust first (for instance with rustup)"
  fi
  cargo install --locked --path "$action_path" --root "$work/cargo"
  "$work/cargo/bin/$exe" --version
  add_to_path "$work/cargo/bin"
}

case $tag in
  v[0-9]*) ;;
  "")
    build_from_source "the action's ref is unknown (a local action, or a nested one) and no version was given"
    exit 0
    ;;
  *)
    build_from_source "$tag is not a release tag"
    exit 0
    ;;
esac
if [ -z "$target" ]; then
  build_from_source "no release archive is built for $runner_os on $runner_arch"
  exit 0
fi
if [ -z "${ESCAPE_EXPLAIN_DOWNLOAD_URL:-}" ] && [ -z "$repository" ]; then
  build_from_source "the action's repository is unknown (a local action, or a nested one)"
  exit 0
fi
base=${ESCAPE_EXPLAIN_DOWNLOAD_URL:-https://github.com/$repository/releases/download}

stem="escape-explain-$tag-$target"
case $target in
  *windows*) archive="$stem.zip" ;;
  *) archive="$stem.tar.gz" ;;
esac
url="$base/$tag/$archive"
note "downloading $url"
download() {
  curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"
}
if ! download "$url" "$work/$archive"; then
  build_from_source "no release archive at $url"
  exit 0
fi
if ! download "$url.sha256" "$work/$archive.sha256"; then
  fail "the release has $archive but not $archive.sha256 ($url.sha256), so the archive cannot be checked"
fi
read -r expected _ <"$work/$archive.sha256" || true
actual=$(sha256_of "$work/$archive")
if [ "$actual" != "$expected" ]; then
  fail "checksum mismatch for $archive: the release's $archive.sha256 says" \
    "${expected:-nothing}, the download is $actual; nothing was installed"
fi
note "checksum verified: $actual"

case $archive in
  *.zip)
    if command -v unzip >/dev/null 2>&1; then
      unzip -q "$work/$archive" -d "$work"
    else
      7z x -bso0 -bsp0 "-o$work" "$work/$archive"
    fi
    ;;
  *) tar -xzf "$work/$archive" -C "$work" ;;
esac
bin="$work/$stem/$exe"
[ -f "$bin" ] || fail "$archive has no $stem/$exe"
"$bin" --version
add_to_path "$work/$stem"
