#!/usr/bin/env bash
# Fetches KEDA's externalscaler.proto from the github.com/kedacore/keda/v2 Go module into
# $BURSTGUARD_CACHE/protos/keda-<version>/ (pin: tools/fetch-keda-file.sh). test/unit/keda/proto-pin.test.ts
# compares it with the vendored copy in third_party/keda/ (which the runtime loads: an image has no Go
# toolchain). Prints the path of the file.
exec "$(dirname "$0")/fetch-keda-file.sh" pkg/scalers/externalscaler/externalscaler.proto protos
