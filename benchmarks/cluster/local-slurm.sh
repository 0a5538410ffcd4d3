#!/usr/bin/env bash
# A one-node Slurm on this machine (Debian's slurm-wlm + munge, localhost only, as root), then `ser suite --quick`
# pushed through benchmarks/cluster/submit.sh (sbatch --array, then the dependent merge); prints the queue as it
# drains and the merged suite.md. Needs: apt-get install slurm-wlm munge. Stops the daemons it started at the end.
# Usage: benchmarks/cluster/local-slurm.sh OUT [SUITE-OPTIONS...]   (OUT: the suite's report folder)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(realpath -m "$1"); shift
node=$(hostname -s)
state=$(mktemp -d)
dotnet build src/SpeechEmotion.Cli -c Release -v q -nologo >/dev/null
export SER="dotnet $(pwd)/src/SpeechEmotion.Cli/bin/Release/net10.0/ser.dll"
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=local
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/ctld.pid
SlurmdPidFile=$state/d.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
$(slurmd -C | head -n 1) State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
mkdir -p "$state/ctld" "$state/d" /run/munge
chown munge:munge /run/munge 2>/dev/null || true
pgrep -x munged >/dev/null || munged --force
slurmctld -i
slurmd
trap 'scancel --user=root 2>/dev/null || true; pkill -x slurmd || true; pkill -x slurmctld || true' EXIT
for _ in $(seq 30); do sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mix' && break; sleep 1; done
sinfo
mkdir -p "$out"
cd "$out"
read -r array merge < <("$OLDPWD/benchmarks/cluster/submit.sh" --report "$out" --device cpu "$@")
echo "submitted array $array and merge $merge (--dependency=afterok:$array)"
while squeue -h -j "$array,$merge" 2>/dev/null | grep -q .; do
  echo "$(date +%T) queued or running: $(squeue -h -j "$array,$merge" | wc -l)"
  sleep 10
done
sacct -j "$array,$merge" -n -X -o JobID,JobName%20,State,ExitCode 2>/dev/null || true
grep -l "wrote .*suite.json" ser-suite-merge-"$merge".out >/dev/null
cat "$out/suite.md"
