#!/usr/bin/env bash
# The image, checked the way a Weaviate user runs it: build it with podman, then run Weaviate's documented compose
# files (tests/fixtures/compose/, only the image changed) with podman-compose: ready, insert, search (nearVector
# with the starter file, nearText with the text2vec-transformers one), restart, the object is still there.
# It also checks the image itself: size, non-root user, no compilers, no PyTorch weights, the HEALTHCHECK.
# Not part of pytest's run; .ci/run calls it after the test suite.
#
#   sudo scripts/container_check.sh
#
# Installs what is missing (podman, runc, debootstrap from apt; podman-compose from PyPI into its own venv), as
# described in shared/notes/containers.md. Without BASE it builds a Debian bookworm base image with debootstrap,
# since Docker Hub may be out of reach; BASE=python:3.11-slim uses that one instead.
# Everything it made (containers, volumes, networks, images) is removed on exit, failed or not.
#
# Environment: BASE (base image), MAX_IMAGE_MB (600), KEEP_IMAGES=1 (keep the images and the build cache: for
# repeated local runs), DEBIAN_MIRROR (for debootstrap).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FIXTURES="$ROOT/tests/fixtures/compose"
PROBE="$ROOT/scripts/container_probe.py"
MAX_IMAGE_MB="${MAX_IMAGE_MB:-600}"
KEEP_IMAGES="${KEEP_IMAGES:-}"
LOCAL_BASE="localhost/debian-python:bookworm"
IMAGE="localhost/vectordb:check-$$"
RUN_ID="vdbcheck$$"
CACHE="${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/vectordb-container-check"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/vectordb-container-check.XXXXXX")"
START=$SECONDS
BUILT_BASE=""
BUILT_IMAGE=""
COMPOSE=""
PROJECTS=()

log() { printf '[container-check %4ds] %s\n' "$((SECONDS - START))" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# `step SECONDS WHAT cmd...`: cmd's output goes to a log that is shown only when it fails, and a step that hangs
# is stopped and named instead of eating CI's time.
step() {
    local seconds="$1" what="$2"; shift 2
    local out="$WORK/step.log" rc=0
    timeout --kill-after=20 "$seconds" "$@" >"$out" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        tail -n 40 "$out" | sed 's/^/    /' >&2
        if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then die "$what did not finish within ${seconds}s"; fi
        die "$what failed (exit $rc)"
    fi
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    local project
    for project in "${PROJECTS[@]}"; do
        [ -n "$COMPOSE" ] || break
        if [ "$rc" -ne 0 ]; then
            for c in $(podman ps -aq --filter "label=io.podman.compose.project=$project"); do
                log "last log lines of container $c:"
                podman logs --tail 40 "$c" 2>&1 | sed 's/^/    /' >&2
            done
        fi
        {
            timeout 120 "$COMPOSE" -p "$project" -f "$WORK/$project.yml" down -v
            # whatever `down` left behind (a hung or killed compose)
            local label="label=io.podman.compose.project=$project"
            podman ps -aq --filter "$label" | xargs -r podman rm -f
            podman volume ls -q --filter "$label" | xargs -r podman volume rm -f
            podman network ls -q --filter "$label" | xargs -r podman network rm -f
        } >/dev/null 2>&1
    done
    if [ -z "$KEEP_IMAGES" ]; then
        [ -n "$BUILT_IMAGE" ] && podman rmi -f "$BUILT_IMAGE" >/dev/null 2>&1
        [ -n "$BUILT_BASE" ] && podman rmi -f "$BUILT_BASE" >/dev/null 2>&1
    fi
    rm -rf "$WORK"
    if [ "$rc" -eq 0 ]; then log "passed in $((SECONDS - START))s"; else log "failed after $((SECONDS - START))s"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

install_tools() {
    if ! command -v podman >/dev/null || ! command -v runc >/dev/null \
        || { [ -z "${BASE:-}" ] && ! command -v debootstrap >/dev/null; }; then
        [ "$(id -u)" -eq 0 ] || die "podman, runc or debootstrap is missing and installing them needs root"
        log "installing podman, runc and debootstrap with apt"
        step 300 "apt-get update" apt-get update -q
        step 900 "apt-get install podman" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            --no-install-recommends podman runc debootstrap fuse-overlayfs slirp4netns uidmap \
            containernetworking-plugins iptables ca-certificates
    fi
    # crun (apt's pick for podman) fails here on hybrid cgroups, and podman's default ulimits exceed the
    # machine's hard limits; a config of our own, not a change to /etc.
    cat >"$WORK/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
    export CONTAINERS_CONF="$WORK/containers.conf"
    COMPOSE="$CACHE/venv/bin/podman-compose"
    if [ ! -x "$COMPOSE" ]; then
        log "installing podman-compose from PyPI into $CACHE/venv"
        mkdir -p "$CACHE"
        step 120 "python3 -m venv" python3 -m venv "$CACHE/venv"
        step 300 "pip install podman-compose" "$CACHE/venv/bin/python" -m pip install -q "podman-compose>=1.2"
    fi
    log "$(podman --version), $(runc --version | head -1), $("$COMPOSE" --version 2>/dev/null | head -1)"
}

build_base() {
    if [ -n "${BASE:-}" ]; then return; fi
    BASE="$LOCAL_BASE"
    if podman image exists "$BASE"; then log "base image $BASE exists"; return; fi
    log "building the base image $BASE with debootstrap (Debian bookworm: python3 3.11, venv)"
    local rootfs="$WORK/rootfs"
    BUILT_BASE="$BASE"
    step 900 "debootstrap" debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
    # what Debian's slim images leave out too: downloaded packages, package lists, docs, man pages, locales
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
        "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/* "$rootfs"/var/log/apt/* "$rootfs"/var/log/*.log
    find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    step 300 "podman import" sh -c 'tar -C "$1" -c . | podman import --change "CMD [\"python3\"]" - "$2"' _ \
        "$rootfs" "$BASE"
    rm -rf "$rootfs"
}

build_image() {
    local mounts=()
    # pip inside the build verifies TLS against the host's CA bundle (the one the host's own pip trusts)
    local ca="${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}"
    if [ -f "$ca" ]; then
        # (in $CACHE, not $WORK: the mount paths are part of the build cache's key)
        mkdir -p "$CACHE"
        printf '[global]\ncert = /etc/pip-ca.crt\n' >"$CACHE/pip.conf"
        mounts=(-v "$ca:/etc/pip-ca.crt:ro" -v "$CACHE/pip.conf:/etc/pip.conf:ro")
    fi
    # without KEEP_IMAGES no build cache either: it would stay behind as unnamed images
    local layers=false
    [ -z "$KEEP_IMAGES" ] || layers=true
    log "building $IMAGE from $BASE"
    local t0=$SECONDS
    BUILT_IMAGE="$IMAGE"
    step 2400 "podman build" podman build --format docker --layers="$layers" --build-arg "BASE=$BASE" \
        "${mounts[@]}" -t "$IMAGE" -f "$ROOT/Dockerfile" "$ROOT"
    BUILD_SECONDS=$((SECONDS - t0))
    local bytes
    bytes="$(podman image inspect --format '{{.Size}}' "$IMAGE")"
    IMAGE_MB=$((bytes / 1000000))
    log "built in ${BUILD_SECONDS}s; $IMAGE is ${IMAGE_MB} MB"
    [ "$IMAGE_MB" -le "$MAX_IMAGE_MB" ] || die "image is ${IMAGE_MB} MB, over the ${MAX_IMAGE_MB} MB target"
}

check_image() {
    local found
    found="$(podman run --rm --no-healthcheck --entrypoint sh "$IMAGE" -c \
        'for c in gcc g++ cc c++ make; do command -v $c; done; find / -xdev -name "*.safetensors" 2>/dev/null' \
        || true)"
    [ -z "$found" ] || die "the final image should hold no compilers and no PyTorch weights, found: $found"
    podman image inspect "$IMAGE" | python3 -c '
import json, sys
image = json.load(sys.stdin)[0]
config, health = image["Config"], json.dumps(image.get("Healthcheck"))
if config.get("User") != "vectordb":
    sys.exit("image should run as user vectordb, runs as %r" % config.get("User"))
if "/v1/.well-known/ready" not in health:
    sys.exit("image should have a HEALTHCHECK on /v1/.well-known/ready, has %s" % health)
if config.get("Entrypoint") != ["vectordb", "serve"]:
    sys.exit("ENTRYPOINT should be vectordb serve, is %s" % config.get("Entrypoint"))
' || die "image configuration"
    log "image: no compilers, no safetensors, user vectordb, ENTRYPOINT vectordb serve, HEALTHCHECK set"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# `run_compose FIXTURE SEARCH`: Weaviate's compose file, with our image, on free loopback ports.
run_compose() {
    local fixture="$1" search="$2"
    local project="${RUN_ID}_$(basename "$fixture" .yml | tr -c 'a-z0-9\n' '_')"
    local rest grpc file="$WORK/$project.yml"
    rest="$(free_port)"; grpc="$(free_port)"
    # same file, but on 127.0.0.1 and free host ports (8080 may be taken on a shared machine) and this image
    sed -e "s#^\(\s*image:\s*\)localhost/vectordb:latest\s*\$#\1$IMAGE#" \
        -e "s#^\(\s*-\s*\)'\?8080:8080'\?\s*\$#\1127.0.0.1:$rest:8080#" \
        -e "s#^\(\s*-\s*\)'\?50051:50051'\?\s*\$#\1127.0.0.1:$grpc:50051#" "$fixture" >"$file"
    grep -q "127.0.0.1:$rest:8080" "$file" && grep -q "image: $IMAGE" "$file" \
        || die "$fixture: no 'image: localhost/vectordb:latest' or '- 8080:8080' line to point at this run"
    local url="http://127.0.0.1:$rest"
    PROJECTS+=("$project")
    log "$(basename "$fixture"): up on $url"
    step 300 "podman-compose up" "$COMPOSE" -p "$project" -f "$file" up -d
    step 200 "waiting for ready" python3 "$PROBE" wait "$url" --timeout 180
    local container
    container="$(podman ps -q --filter "label=io.podman.compose.project=$project")"
    [ -n "$container" ] || die "no running container for $project"
    [ "$(podman exec "$container" id -u)" != 0 ] || die "the server runs as root in the container"
    step 60 "podman healthcheck run" podman healthcheck run "$container"
    step 60 "gRPC port check" python3 "$PROBE" grpc "127.0.0.1:$grpc"
    step 300 "insert and $search search" python3 "$PROBE" write "$url" --search "$search"
    log "$(basename "$fixture"): healthy, gRPC answers, inserted, $search search found it; restarting the container"
    step 180 "podman-compose restart" "$COMPOSE" -p "$project" -f "$file" restart
    step 200 "waiting for ready after restart" python3 "$PROBE" wait "$url" --timeout 180
    step 120 "check after restart" python3 "$PROBE" verify "$url" --search "$search"
    if grep -q '^volumes:' "$file"; then
        log "$(basename "$fixture"): down and up again (a new container on the same named volume)"
        step 180 "podman-compose down" "$COMPOSE" -p "$project" -f "$file" down
        step 300 "podman-compose up" "$COMPOSE" -p "$project" -f "$file" up -d
        step 200 "waiting for ready after re-creation" python3 "$PROBE" wait "$url" --timeout 180
        step 120 "check after re-creation" python3 "$PROBE" verify "$url" --search "$search"
    fi
    log "$(basename "$fixture"): the object survived; compose down"
    step 180 "podman-compose down" "$COMPOSE" -p "$project" -f "$file" down -v
}

command -v python3 >/dev/null || die "python3 is needed (the probe and podman-compose are Python)"
install_tools
build_base
build_image
check_image
run_compose "$FIXTURES/docker-compose.yml" vector
run_compose "$FIXTURES/docker-compose.transformers.yml" text
log "figures: image ${IMAGE_MB} MB, build ${BUILD_SECONDS}s, whole check $((SECONDS - START))s"
