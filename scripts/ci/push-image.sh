#!/usr/bin/env bash
# Builds the xform tool image from the repository's Dockerfile and pushes it as IMAGE:<commit> and IMAGE:latest.
#   IMAGE=registry.example/team/xform REGISTRY_USER=... REGISTRY_TOKEN=... scripts/ci/push-image.sh
set -euo pipefail
: "${IMAGE:?set IMAGE to registry/owner/name}"
cd "$(dirname "$0")/../.."
tag="$(git rev-parse --short HEAD)"
echo "$REGISTRY_TOKEN" | docker login "${IMAGE%%/*}" -u "$REGISTRY_USER" --password-stdin
docker build -t "$IMAGE:$tag" -t "$IMAGE:latest" .
docker push "$IMAGE:$tag"
docker push "$IMAGE:latest"
