#!/usr/bin/env bash
# Weaviate's own Python acceptance suite (test/acceptance_with_python in github.com/weaviate/weaviate: pytest with
# weaviate-client 4) run against `vectordb serve`, the way Weaviate's run.sh runs it against its test compose file:
# the same module list (less text2vec-contextionary, which is not shipped) and settings, REST on 8080 and gRPC on
# 50051, a fresh data directory. Not part of pytest's run; it prints the pass/fail counts at the end.
#
#   scripts/acceptance_python.sh [pytest args...]   (default: the whole folder), e.g. test_tokenize.py or -k hybrid .
#
# Environment:
#   ACC_DIR   the suite's folder (default /tmp/acc/test/acceptance_with_python), e.g. made with
#             git -C <weaviate clone> archive HEAD test/acceptance_with_python | tar -x -C /tmp/acc
#   ACC_VENV  a venv with weaviate-client 4 (the version in pyproject.toml), pytest<9, pytest-timeout,
#             pytest-benchmark, loguru, numpy and Faker (default /tmp/accvenv)
#   ACC_LOG   where pytest's output goes (default /tmp/acceptance_python.log)
#   VECTORDB_PYTHON  the Python that runs the server (default the repository's .venv)
# When `unshare` may make a network namespace, the server and the suite run inside one with only loopback, so the
# fixed ports do not clash with anything else on the machine and nothing reaches the network.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ACC_DIR="${ACC_DIR:-/tmp/acc/test/acceptance_with_python}"
ACC_VENV="${ACC_VENV:-/tmp/accvenv}"
ACC_LOG="${ACC_LOG:-/tmp/acceptance_python.log}"
VECTORDB_PYTHON="${VECTORDB_PYTHON:-$ROOT/.venv/bin/python}"
export ACC_DIR ACC_VENV ACC_LOG VECTORDB_PYTHON

[ -d "$ACC_DIR" ] || { echo "no suite at $ACC_DIR (see the header of $0)" >&2; exit 2; }
[ -x "$ACC_VENV/bin/python" ] || { echo "no venv at $ACC_VENV (see the header of $0)" >&2; exit 2; }

if [ -z "${ACC_IN_NETNS:-}" ] && unshare --net true 2>/dev/null; then
    ACC_IN_NETNS=1 exec unshare --net "$0" "$@"
fi
if [ -n "${ACC_IN_NETNS:-}" ]; then
    ip link set lo up
fi

DATA="$(mktemp -d "${TMPDIR:-/tmp}/vectordb-acceptance.XXXXXX")"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$DATA"
}
trap cleanup EXIT

mkdir -p "$DATA/db" "$DATA/backups"
# Weaviate's docker-compose-test.yml, less what only a Go cluster or contextionary uses.
env QUERY_DEFAULTS_LIMIT=20 \
    QUERY_MAXIMUM_RESULTS=10005 \
    AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true \
    ENABLE_MODULES=backup-filesystem,generative-dummy,reranker-dummy \
    API_BASED_MODULES_DISABLED=true \
    BACKUP_FILESYSTEM_PATH="$DATA/backups" \
    TRACK_VECTOR_DIMENSIONS=true \
    DISABLE_TELEMETRY=true \
    "$VECTORDB_PYTHON" -m vectordb serve --host 127.0.0.1 --port 8080 --grpc-port 50051 \
    --data-dir "$DATA/db" --log-level warning >"$DATA/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 120); do
    if "$ACC_VENV/bin/python" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8080/v1/.well-known/ready', timeout=1)" 2>/dev/null; then
        break
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$DATA/server.log" >&2; echo "server exited" >&2; exit 1; }
    sleep 0.5
done

cd "$ACC_DIR"
set +e
"$ACC_VENV/bin/python" -m pytest -p no:cacheprovider -q -rfE --timeout 300 \
    --ignore=test_readonly_recovery.py --ignore=test_namespace_refs.py "${@:-.}" >"$ACC_LOG" 2>&1
status=$?
set -e
grep -E "^(FAILED|ERROR) " "$ACC_LOG" | sed 's/ - .*//' >"$ACC_LOG.failed" || true
if grep -q "Traceback\|ERROR" "$DATA/server.log"; then
    cp "$DATA/server.log" "$ACC_LOG.server"
    echo "server log with errors: $ACC_LOG.server"
fi
echo "failed test ids: $ACC_LOG.failed; full output: $ACC_LOG"
tail -n 1 "$ACC_LOG"
exit $status
