#!/usr/bin/env bash
# Installs what the tests need: from Debian's packages, redis-server (a real Redis for the external-Redis tests),
# chromium (the headless browser the report test drives through Playwright) and the DejaVu fonts the report and its
# charts are drawn with; from npm, s3rver into .tools/s3rver (a real S3-protocol server for the S3 store tests).
# A busy package manager is waited for, never a reason to fail.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$@" >/dev/null
}

missing=()
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (Debian packages) for the tests..." >&2
  apt_install "${missing[@]}"
fi

s3rver_version="3.7.1"
s3rver_dir="$root/.tools/s3rver"
if [ ! -f "$s3rver_dir/node_modules/s3rver/package.json" ] \
  || ! grep -q "\"version\": \"$s3rver_version\"" "$s3rver_dir/node_modules/s3rver/package.json"; then
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "installing nodejs and npm (Debian packages) for s3rver..." >&2
    apt_install nodejs npm
  fi
  echo "installing s3rver $s3rver_version (npm) into .tools/s3rver for the tests..." >&2
  mkdir -p "$s3rver_dir"
  # One install at a time into this folder: a second caller waits (up to 5 minutes) for the first to finish.
  (
    flock -w 300 9 || { echo "install-test-deps.sh: another s3rver install held .tools/s3rver for 5 minutes" >&2; exit 1; }
    if [ ! -f "$s3rver_dir/package.json" ]; then
      printf '{ "name": "discernus-test-tools", "private": true }\n' >"$s3rver_dir/package.json"
    fi
    npm install --prefix "$s3rver_dir" --no-audit --no-fund --save-exact --loglevel=error "s3rver@$s3rver_version" >&2
  ) 9>"$s3rver_dir/.install.lock"
fi
