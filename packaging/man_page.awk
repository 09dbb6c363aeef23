# Writes parley(1): the roff template (second file) with `parley --help` (first file) filled in,
# so the manual lists exactly the options the binary accepts.
#   parley --help | awk -v version="$(parley --version)" -f man_page.awk - parley.1.in
# Template lines @USAGE@, @INTRO@ and @OPTIONS@ become the help's usage block, the paragraph
# after it and its option list; @VERSION@ the version.

function roff(text) {
  gsub(/\\/, "\\e", text)
  gsub(/-/, "\\-", text)
  if (text ~ /^[.']/) text = "\\&" text
  return text
}

FNR == NR {
  if (part == 0 && $0 == "") { part = 1; next }
  if (part == 0) { sub(/^usage: /, ""); sub(/^       /, ""); usage = usage roff($0) "\n"; next }
  if (part == 1 && $0 ~ /^  --/) part = 2
  if (part == 1) { intro = intro ($0 == "" ? ".PP" : roff($0)) "\n"; next }
  if ($0 ~ /^  --/) {
    line = $0
    sub(/^  /, "", line)
    name = line
    sub(/ .*/, "", name)
    rest = substr(line, length(name) + 1)
    arg = ""
    if (rest ~ /^ [A-Z]+( |$)/) { arg = rest; sub(/^ /, "", arg); sub(/ .*/, "", arg); rest = substr(rest, length(arg) + 2) }
    sub(/^ +/, "", rest)
    if (arg == "") options = options ".TP\n.B " roff(name) "\n"
    else options = options ".TP\n.BI \"" roff(name) " \" " arg "\n"
    options = options roff(rest) "\n"
    next
  }
  if ($0 ~ /^ +env PARLEY_/) {
    line = $0
    sub(/^ +/, "", line)
    if (match(line, /^env PARLEY_[A-Z_]+/)) {
      key = substr(line, 5, RLENGTH - 4)
      dflt = substr(line, RLENGTH + 1)
      sub(/^, default /, "", dflt)
      if (dflt == "''") dflt = "empty"
      else gsub(/^'|'$/, "", dflt)
      options = options ".br\nEnvironment: \\fB" roff(key) "\\fR; default: " roff(dflt) ".\n"
      next
    }
  }
  sub(/^ +/, "")
  if ($0 != "") options = options roff($0) "\n"
  next
}

$0 == "@USAGE@" { printf ".nf\n%s.fi\n", usage; next }
$0 == "@INTRO@" { printf "%s", intro; next }
$0 == "@OPTIONS@" { printf "%s", options; next }
{ gsub(/@VERSION@/, roff(version)); print }
