#!/usr/bin/env bash
# Wave 5 clone preview smoke: a provider-acquired node, a site, a clone of production whose
# preview answers 200/301/302. Exit 0 when it passes, 1 otherwise. Replaces Pressluft's bash smoke.
exec "$(dirname "$0")/smoke" site-clone-preview "$@"
