#!/usr/bin/env bash
# Make sure PostgreSQL, Redis and ffmpeg are here and running, for `make test`.
# Installs them with apt-get when missing (needs root), starts them when stopped.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_updated=""

apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "Missing $*: install it (no apt-get here)." >&2
    exit 1
  fi
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# ffmpeg and ffprobe: the media pipeline and its tests run the real binaries.
if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
  echo "Installing ffmpeg..."
  apt_install ffmpeg
fi

# PostgreSQL
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
# tests use. Where local auth is already 'trust' this changes nothing that matters.
if ! PGPASSWORD=postgres psql -h "$PGHOST" -p "$PGPORT" -U postgres -c "select 1" >/dev/null 2>&1; then
  $SUDO -u postgres psql -q -c "ALTER USER postgres PASSWORD 'postgres'" 2>/dev/null \
    || su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
fi

# Redis
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
