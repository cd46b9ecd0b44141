#!/usr/bin/env bash
# Wave 5 backup/restore smoke: a full backup of production, listed with its checksum and size,
# restored, and production's preview answering again. Exit 0 when it passes, 1 when
# Pressluft failed a check, 2 when the run could not judge it (--help says more).
exec "$(dirname "$0")/smoke" backup-restore "$@"
