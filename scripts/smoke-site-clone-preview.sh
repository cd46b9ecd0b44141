#!/usr/bin/env bash
# Wave 5 clone preview smoke: a provider-acquired node, a site, a clone and a staging environment
# of production whose previews answer 200/301/302. Replaces Pressluft's bash smoke. Exit 0 when it passes, 1 when
# Pressluft failed a check, 2 when the run could not judge it (--help says more).
exec "$(dirname "$0")/smoke" site-clone-preview "$@"
