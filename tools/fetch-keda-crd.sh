#!/usr/bin/env bash
# Fetches KEDA's own ScaledObject CRD from the github.com/kedacore/keda/v2 Go module (the module zip keeps
# config/crd/bases/*.yaml) into $BURSTGUARD_CACHE/crds/keda-<version>/ (pin: tools/fetch-keda-file.sh).
# The end-to-end tier installs it so ScaledObject patches meet the real schema. Prints the path of the CRD file.
exec "$(dirname "$0")/fetch-keda-file.sh" config/crd/bases/keda.sh_scaledobjects.yaml crds
