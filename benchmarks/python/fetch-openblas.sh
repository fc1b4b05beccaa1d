#!/bin/sh
# Unpacks Debian's OpenBLAS (libopenblas0-pthread) into benchmarks/.openblas without installing it, so
# that the PyTorch rows run on an optimized BLAS: Debian's python3-torch links the reference BLAS
# (libblas.so.3, about 6 GFLOP/s), and with OpenBLAS's libblas.so.3 first on LD_LIBRARY_PATH the same
# torch runs its products on OpenBLAS (benchmarks/src/frameworks/pytorch.ts does that when the folder is
# there, and names the BLAS in the row). Needs apt-get's package lists; installs nothing system-wide.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/.openblas"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
apt-get download libopenblas0-pthread
rm -rf "$dest.partial"
dpkg -x libopenblas0-pthread_*.deb "$dest.partial"
rm -rf "$dest"
mv "$dest.partial" "$dest"
echo "OpenBLAS unpacked in $dest"
