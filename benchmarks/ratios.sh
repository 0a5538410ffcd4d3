# Shared by compare-torchsharp.sh and gpu/run.sh (sourced). A log holds lines "PROGRAM NAME MILLISECONDS".
# median LOG PROGRAM NAME      -> the median of that program's times for NAME
# ratios LOG BASELINE SUFFIX   -> a medians table for train/infer_b1/infer_b32 (+ SUFFIX, e.g. "@100"), then the line
#                                 "ours/BASELINE[SUFFIX] train=R1 infer_b1=R2 infer_b32=R3" (time ratios, < 1: we are faster)
median() { grep "^$2 $3 " "$1" | awk '{print $3}' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratios() {
  local log=$1 base=$2 suffix=$3 line="ours/$2$3" m o t
  for m in train infer_b1 infer_b32; do
    o=$(median "$log" ours "$m$suffix"); t=$(median "$log" "$base" "$m$suffix")
    printf '%-16s ours %10.3f ms   %s %10.3f ms   (medians)\n' "$m$suffix" "$o" "$base" "$t"
    line="$line $m=$(awk -v a="$o" -v b="$t" 'BEGIN {printf "%.2f", a/b}')"
  done
  echo "$line"
}
