#!/bin/sh
# dwctl.sample_fresh: the committed sample is what its generator writes, so
# nobody edits one without the other.
#   sample_fresh.sh SOURCE_DIR
set -u
dir=$1/deploy/sample
if ! sh "$dir/generate.sh" | cmp -s - "$dir/sample.yaml"; then
    echo "deploy/sample/sample.yaml differs from what generate.sh writes; regenerate:"
    echo "  sh deploy/sample/generate.sh > deploy/sample/sample.yaml"
    exit 1
fi
