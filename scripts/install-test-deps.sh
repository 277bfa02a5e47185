#!/usr/bin/env bash
# Installs the Debian packages the tests need, when any is missing:
# - rclone 1.60 (Debian 12's package, the version of the fixtures), the interop peer;
# - zstd, which must decode every object the compress overlay writes in zstd mode;
# - the real servers the network backends are tested against, started by the tests on 127.0.0.1:
#   OpenSSH's sshd, Apache with mod_dav, and Ceph's radosgw (one monitor, one OSD, the gateway);
# - fuse3 (fusermount3, to unmount `strata mount`), and the programs the mount tests run on a mount:
#   rsync and sqlite3;
# - chromium, the headless browser that loads `strata serve http`'s listing page, and openssl,
#   which makes the serve tests' TLS certificate; cadaver, a WebDAV client run against `serve webdav`.
# Installing does not start the packages' own services where the image has a policy-rc.d that
# forbids it (Debian's container images do); the tests start their own instances on free ports.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

PACKAGES=(rclone zstd openssh-server apache2 apache2-utils radosgw ceph-mon ceph-osd fuse3 rsync sqlite3 chromium openssl cadaver)
BINARIES=(rclone zstd /usr/sbin/sshd /usr/sbin/apache2 htpasswd radosgw ceph-mon ceph-osd fusermount3 rsync sqlite3 chromium openssl cadaver)

missing=0
for b in "${BINARIES[@]}"; do command -v "$b" >/dev/null 2>&1 || missing=1; done
if [ "$missing" = 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" ||
    { as_root apt-get update -q && as_root apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"; }
fi
