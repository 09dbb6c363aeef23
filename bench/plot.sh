#!/usr/bin/env bash
# Draws a bench/run.sh result (RESULT.tsv) as two SVG pictures beside it:
#   RESULT-throughput.svg  each scenario's headline figure (median, bar min-max) against the
#                          previous run's, one panel per scenario with its own axis from 0
#   RESULT-latency.svg     this run's latency p50/p90/p99/max per scenario (log scale), with
#                          the previous run's p99 as a point
# The previous run is PREVIOUS.tsv if given, else the newest earlier .tsv of the same host in
# RESULT's directory (file names <date>-<host>.tsv sort by date). Fails, naming the scenario,
# when a row of RESULT.tsv has no usable figure or its bar is missing from a picture.
#   bash bench/plot.sh bench/results/2026-12-01-vm.tsv [PREVIOUS.tsv]
set -euo pipefail
here=$(dirname "$0")
cur=${1:?usage: bench/plot.sh RESULT.tsv [PREVIOUS.tsv]}
prev=${2:-}
[ -f "$cur" ] || { echo "plot: no $cur" >&2; exit 2; }
command -v gnuplot >/dev/null || bash "$here/../scripts/install-deps.sh" --bench

dir=$(dirname "$cur")
name=$(basename "$cur" .tsv)
if [ -z "$prev" ]; then
  shopt -s nullglob
  for f in "$dir"/*.tsv; do
    b=$(basename "$f")
    [[ ${b:11} == "${name:11}.tsv" && $b < "$name.tsv" ]] && prev=$f
  done
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One line per scenario of RESULT, joined with PREVIOUS by id ("-" where it has none):
# index id metric median min max prev_median prev_min prev_max p50 p90 p99 max prev_p99 change%
awk -F '\t' -v prev="${prev:-/dev/null}" '
  function num(s) { return s ~ /^[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?$/ }
  FILENAME == prev { if ($0 !~ /^#/ && NF >= 9) { p[$1] = $3 " " $4 " " $5; p99[$1] = $8 } next }
  /^#/ || NF == 0 { next }
  {
    if (NF < 11) { print "plot: " FILENAME ":" FNR ": " NF " columns, want 12" > "/dev/stderr"; bad = 1; next }
    if ($1 in seen) { print "plot: scenario " $1 " twice" > "/dev/stderr"; bad = 1 }
    seen[$1] = 1
    if (!num($3) || !num($4) || !num($5) || $3 <= 0 || $4 > $3 || $3 > $5) {
      print "plot: scenario " $1 " has no bar: " $2 " median " $3 " (" $4 "-" $5 ")" > "/dev/stderr"
      bad = 1; next
    }
    change = "new"
    if ($1 in p) { split(p[$1], q, " "); change = sprintf("%+.1f%%", ($3 / q[1] - 1) * 100) }
    else p[$1] = "- - -"
    print n++, $1, $2, $3, $4, $5, p[$1], $6, $7, $8, $9, (($1 in p99) ? p99[$1] : "-"), change
  }
  END { if (n == 0) { print "plot: no scenarios in " FILENAME > "/dev/stderr"; bad = 1 } exit bad }
' "${prev:-/dev/null}" "$cur" >"$work/rows.dat"

# A run's label on the bars: its date without the year (the pictures' titles carry the year).
label() { [ -n "$1" ] && basename "$1" .tsv | cut -c6-10 || echo "none"; }
this_label=$(label "$cur") prev_label=$(label "$prev")
n=$(wc -l <"$work/rows.dat")
cols=$((n < 4 ? n : 4)) lines=$(((n + 3) / 4))
throughput="$dir/$name-throughput.svg" latency="$dir/$name-latency.svg"

{
  echo "set terminal svg size $((cols * 300)),$((lines * 300 + 40)) dynamic background rgb 'white' font 'sans,11'"
  echo "set output '$throughput'"
  echo "set datafile missing '-'"
  echo "set style fill solid 0.8 noborder; set boxwidth 0.6; unset key"
  echo "set xrange [-0.6:1.6]; set yrange [0:*]; set offsets 0, 0, graph 0.12, 0; set format y '%.1s%c'"
  echo "figure(v) = v < 10000 ? sprintf('%.0f', v) : gprintf('%.1s%c', v)"
  echo "set multiplot layout $lines,$cols title '$name: each scenario against $(basename "${prev:-none}" .tsv) (median of the runs, bar min-max)'"
  awk -v d="$work/rows.dat" -v a="$prev_label" -v b="$this_label" '{
    printf "set title \"%s (%s)\"; set ylabel \"%s\" noenhanced\n", $2, $15, $3
    printf "set xtics (\"%s\" 0, \"%s\" 1)\n", a, b
    at = "\"" d "\" every ::" $1 "::" $1
    printf "plot "
    if ($7 != "-")
      printf "%s using (0):7 with boxes lc rgb \"#9e9e9e\" title \"previous %s\", " \
        "%s using (0):7:8:9 with yerrorbars pt -1 lc rgb \"black\" notitle, " \
        "%s using (0):9:(figure($7)) with labels offset 0,0.8 notitle, ", at, $2, at, at
    printf "%s using (1):4 with boxes lc rgb \"#1f77b4\" title \"this %s\", " \
      "%s using (1):4:5:6 with yerrorbars pt -1 lc rgb \"black\" notitle, " \
      "%s using (1):6:(figure($4)) with labels offset 0,0.8 notitle\n", at, $2, at, at
  }' "$work/rows.dat"
  echo "unset multiplot"

  # Latency: four bars per scenario at x = position +- offsets; only rows with a p99.
  awk '$12 != "-" { print k++, $0 }' "$work/rows.dat" >"$work/latency.dat"
  echo "reset"
  echo "set terminal svg size 1200,480 dynamic background rgb 'white' font 'sans,11'"
  echo "set output '$latency'"
  echo "set datafile missing '-'"
  echo "set title '$name: latency per scenario, median of the runs (point: p99 of $(basename "${prev:-none}" .tsv))'"
  echo "set logscale y; set ylabel 'ms'; set grid ytics; set key top left"
  echo "set style fill solid 0.8 noborder; set boxwidth 0.18; set xrange [-0.6:*]; set offsets 0, 0.6, graph 0.05, 0"
  # A series only where some scenario has its figure (older results lack p90 and max).
  awk -v d="$work/latency.dat" -v prev="$prev_label" '
    BEGIN { split("p50 p90 p99 max", t); split("-0.3 -0.1 0.1 0.3", dx)
            split("#a6cee3 #1f78b4 #fb9a99 #e31a1c", rgb) }
    { for (i = 1; i <= 4; i++) if ($(10 + i) != "-") has[i] = 1; if ($15 != "-") has[5] = 1 }
    END {
      printf "plot \"%s\" using 1:(NaN):xtic(3) notitle", d
      for (i = 1; i <= 4; i++) if (has[i])
        printf ", \"%s\" using ($1 + %s):%d with boxes lc rgb \"%s\" title \"%s\"", d, dx[i], 10 + i, rgb[i], t[i]
      if (has[5])
        printf ", \"%s\" using ($1 + 0.1):15 with points pt 7 ps 0.8 lc rgb \"black\" title \"p99 %s\"", d, prev
      print ""
    }' "$work/latency.dat"
} >"$work/plot.gp"
[ -s "$work/latency.dat" ] || { echo "plot: no scenario with latency in $cur" >&2; exit 1; }
gnuplot "$work/plot.gp"

# The check: gnuplot names each drawn series after its title and draws a bar as a polygon.
# bars SVG: "title count" for each series title followed by at least one polygon.
bars() {
  awk 'match($0, /<title>[^<]*<\/title>/) { t = substr($0, RSTART + 7, RLENGTH - 15) }
       /<polygon/ && t != "" { c[t]++ }
       END { for (t in c) print t "\t" c[t] }' "$1"
}
bars "$throughput" >"$work/throughput.bars"
bars "$latency" >"$work/latency.bars"
missing=$(awk -F '\t' 'FNR == NR { have[$1] = 1; next }
  !(("this " $2) in have) { printf " %s", $2 }' "$work/throughput.bars" FS=' ' "$work/rows.dat")
for q in p50:11 p90:12 p99:13 max:14; do
  want=$(awk -v c="${q#*:}" '$c != "-"' "$work/latency.dat" | wc -l)
  # One polygon more than bars: the series' sample in the key.
  got=$(awk -F '\t' -v t="${q%%:*}" '$1 == t {print $2 - 1}' "$work/latency.bars")
  [ "${got:-0}" -eq "$want" ] || missing+=" ${q%%:*}(${got:-0}/$want bars)"
done
if [ -n "$missing" ]; then
  echo "plot: no bar drawn for:$missing" >&2
  exit 1
fi
echo "plot: $throughput ($n scenarios against ${prev:-nothing}), $latency ($(wc -l <"$work/latency.dat") scenarios)"
