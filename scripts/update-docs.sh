#!/usr/bin/env bash
# Regenerates the dialect and pass references in docs/ from the ODS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SEQ_BUILD_DIR:-$root/build}"
bash "$root/scripts/build.sh" seq-docs
cp "$build/dialects/seq/SeqDialect.md" "$root/docs/SeqDialect.md"
cp "$build/include/seq/Conversion/SeqConversionPasses.md" "$root/docs/SeqConversionPasses.md"
cp "$build/include/seq/Transforms/SeqTransformsPasses.md" "$root/docs/SeqTransformsPasses.md"
cp "$build/include/seq/Target/NVPTX/SeqNVPTXPasses.md" "$root/docs/SeqNVPTXPasses.md"
echo "docs/ updated"
