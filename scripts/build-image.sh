#!/usr/bin/env bash
# Builds the Discernus container image (CLI, worker and child agent processes in one image) with the .NET SDK's
# container support: `dotnet publish /t:PublishContainer`, no Dockerfile, no Docker daemon needed for the build. The
# image is written as an OCI archive; load it with `docker load -i <archive>` (or push it with skopeo/crane).
# The SDK pulls the base image (mcr.microsoft.com/dotnet/aspnet:10.0) from its registry, so the machine needs to reach
# mcr.microsoft.com. It runs as the base image's non-root user "app" (uid 1654).
# Usage: scripts/build-image.sh [output-folder]    (default: artifacts/image)
#        CONTAINER_REGISTRY=registry.example.com/team scripts/build-image.sh   pushes there instead of writing an archive
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/artifacts/image}"
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props")
mkdir -p "$out"

if [ -n "${CONTAINER_REGISTRY:-}" ]; then
  dotnet publish "$root/src/Discernus.Cli" -c Release --nologo /t:PublishContainer -p:ContainerRegistry="$CONTAINER_REGISTRY"
  echo "pushed $CONTAINER_REGISTRY/discernus:$version"
else
  archive="$out/discernus-$version.tar.gz"
  dotnet publish "$root/src/Discernus.Cli" -c Release --nologo /t:PublishContainer -p:ContainerArchiveOutputPath="$archive"
  echo "image discernus:$version written to $archive; load it with: docker load -i $archive"
fi
