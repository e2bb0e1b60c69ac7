#!/usr/bin/env bash
# Make sure what the platform needs on this machine is installed and running:
#   .ci/services.sh [python] [ffmpeg] [postgres] [redis] [chromium]   (no argument: all of them)
# `make test` needs everything; `make run` only Python's venv module and ffmpeg.
# Missing parts are installed with apt-get (as root, or through sudo); stopped ones started.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PYTHON=${PYTHON:-python3.11}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_updated=""

apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "Missing $*: install it (this machine has no apt-get)." >&2
    exit 1
  fi
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

ensure_python() {
  # Debian ships Python without its venv module (package python3-venv).
  if ! command -v "$PYTHON" >/dev/null; then
    echo "Installing Python 3.11..."
    apt_install python3.11 python3.11-venv
  elif ! "$PYTHON" -c "import ensurepip, venv" 2>/dev/null; then
    echo "Installing Python's venv module..."
    apt_install python3.11-venv
  fi
}

ensure_ffmpeg() {
  # The media pipeline and its tests run the real ffmpeg and ffprobe.
  if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
    echo "Installing ffmpeg..."
    apt_install ffmpeg
  fi
}

ensure_chromium() {
  # The studio's browser tests (tests/studio) drive Debian's Chromium through Playwright;
  # Playwright's own browser download cannot work on a machine without the internet.
  if ! [ -x /usr/bin/chromium ]; then
    echo "Installing Chromium..."
    apt_install chromium
  fi
}

ensure_postgres() {
  if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
    if ! command -v pg_ctlcluster >/dev/null; then
      echo "Installing PostgreSQL..."
      apt_install postgresql postgresql-client
    fi
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
  fi
  pg_isready -h "$PGHOST" -p "$PGPORT"
  # A fresh Debian install asks for a password over TCP: give the postgres role the one the
  # tests use. Where local auth is 'trust' (as on CI machines) nothing changes.
  if ! PGPASSWORD=postgres psql -h "$PGHOST" -p "$PGPORT" -U postgres -c "select 1" >/dev/null 2>&1
  then
    as_postgres psql -q -c "ALTER USER postgres PASSWORD 'postgres'"
  fi
}

ensure_redis() {
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    if ! command -v redis-server >/dev/null; then
      echo "Installing Redis..."
      apt_install redis-server
    fi
    mkdir -p /tmp/filmstudio-redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp/filmstudio-redis --logfile /tmp/filmstudio-redis/redis.log
    for _ in $(seq 1 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  redis-cli -h 127.0.0.1 -p 6379 ping
}

for part in ${*:-python ffmpeg postgres redis chromium}; do
  "ensure_$part"
done
