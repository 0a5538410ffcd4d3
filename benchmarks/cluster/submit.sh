#!/usr/bin/env bash
# Queues `ser suite` on Slurm: one array task per job (suite.slurm), then a merge that waits for all of them.
# Usage: benchmarks/cluster/submit.sh SUITE-OPTIONS...   e.g. --quick --report /shared/suite --data-root /shared/data
# Prints the two Slurm job ids (array, merge). SER as in suite.slurm.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jobs=$(${SER:-ser} suite "$@" --list-jobs | wc -l)
array=$(sbatch --parsable --array=1-"$jobs" --export=ALL "$here/suite.slurm" "$@")
merge=$(sbatch --parsable --dependency=afterok:"$array" --job-name=ser-suite-merge --output=ser-suite-merge-%j.out \
  --export=ALL --wrap "${SER:-ser} suite $(printf '%q ' "$@") --merge")
echo "$array $merge"
