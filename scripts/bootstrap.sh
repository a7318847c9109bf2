#!/usr/bin/env bash
# Make .venv from Python 3.10 and install the locked dependencies, only when the lock changed.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
    local candidates=("${TRIAGE_PYTHON:-}" "${PYENV_ROOT:-$HOME/.pyenv}/versions/3.10.13/bin/python"
                      "$(command -v python3.10 || true)")
    for py in "${candidates[@]}"; do
        if [ -n "$py" ] && [ -x "$py" ] && "$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
            echo "$py"; return 0
        fi
    done
    return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
    if ! PY=$(find_python); then
        echo "error: Python 3.10 not found (Rasa 3.6 needs <=3.10)." >&2
        echo "       Install it with pyenv (pyenv install 3.10.13) or set TRIAGE_PYTHON." >&2
        exit 2
    fi
    echo "bootstrap: creating .venv from $PY"
    rm -rf .venv
    "$PY" -m venv .venv
fi

stamp=.venv/.triage-lock.sha256
want=$(cat requirements.lock requirements-nodeps.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "bootstrap: installing locked dependencies (first run, or the lock changed)"
    .venv/bin/python -m pip install --quiet --upgrade 'pip==26.3'
    .venv/bin/python -m pip install --quiet -r requirements.lock
    .venv/bin/python -m pip install --quiet --no-deps -r requirements-nodeps.lock
    .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
    echo "$want" > "$stamp"
fi
