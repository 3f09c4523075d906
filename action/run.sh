#!/usr/bin/env bash
# The action's second step: runs escape-explain in the working directory, writes its exit status
# as the step's `exit-code` output, and exits with it, so `--fail-on` fails the step (a SARIF
# upload after it needs `if: always()`).
#
# Environment (action.yml passes them from the inputs):
#   ESCAPE_EXPLAIN_ARGS               the arguments, split into words as a shell splits them
#                                     (blanks and newlines separate them; single and double
#                                     quotes group them; a backslash escapes the next
#                                     character), but nothing is expanded: no $VAR, no glob,
#                                     no $(...). An unmatched quote is an error.
#   ESCAPE_EXPLAIN_WORKING_DIRECTORY  where to run (default: .)
#   ESCAPE_EXPLAIN_SARIF_FILE         when set, a second run with the same arguments less any
#                                     --format/-f and --output/-o writes `--format sarif` to this
#                                     file. A relative path is taken from where the step starts
#                                     (the workspace), as upload-sarif takes its sarif_file.
#                                     Go replays the first build's compiler output from its
#                                     cache, so the second run costs the analysis only.
#   GITHUB_OUTPUT                     where `exit-code` is written, when set
#
# The exit status (and `exit-code`) is escape-explain's: 0 nothing at or above --fail-on, 1 a
# finding at or above it, 2 an error; with a SARIF file, the higher of the two runs'.
set -uo pipefail

fail() {
  echo "::error title=escape-explain::$*"
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "exit-code=2" >>"$GITHUB_OUTPUT"
  fi
  exit 2
}

sarif=${ESCAPE_EXPLAIN_SARIF_FILE:-}
case $sarif in
  "" | /* | [A-Za-z]:[/\\]*) ;;
  *) sarif="$PWD/$sarif" ;;
esac

args=()
args_input=${ESCAPE_EXPLAIN_ARGS:-}
if [ -n "${args_input//[[:space:]]/}" ]; then
  # xargs splits and unquotes as a shell would, and runs nothing but printf.
  words=$(mktemp)
  trap 'rm -f "$words"' EXIT
  if ! printf '%s\n' "$args_input" | xargs printf '%s\0' >"$words"; then
    fail "the args input cannot be split into words (an unmatched quote?): $args_input"
  fi
  while IFS= read -r -d '' word; do
    args+=("$word")
  done <"$words"
fi

dir=${ESCAPE_EXPLAIN_WORKING_DIRECTORY:-.}
cd "$dir" || fail "the working-directory $dir does not exist"

# Each command is shown with its words quoted as a shell would need them.
show() {
  local line=$1 word
  shift
  for word in "$@"; do
    line="$line $(printf '%q' "$word")"
  done
  echo "$line"
}

# Standard input is not the job's: a pipe there would be read as a saved log.
show escape-explain ${args[@]+"${args[@]}"}
escape-explain ${args[@]+"${args[@]}"} </dev/null
status=$?

if [ -n "$sarif" ]; then
  # The first run's format and output are its own: the SARIF run has one of each.
  sarif_args=()
  skip=""
  for a in ${args[@]+"${args[@]}"}; do
    if [ -n "$skip" ]; then
      skip=""
      continue
    fi
    case $a in
      --format | -f | --output | -o) skip=1 ;;
      --format=* | --output=* | -f?* | -o?*) ;;
      *) sarif_args+=("$a") ;;
    esac
  done
  mkdir -p "$(dirname "$sarif")"
  show escape-explain ${sarif_args[@]+"${sarif_args[@]}"} --format sarif -o "$sarif"
  escape-explain ${sarif_args[@]+"${sarif_args[@]}"} --format sarif -o "$sarif" </dev/null >/dev/null
  sarif_status=$?
  if [ "$sarif_status" -gt "$status" ]; then
    status=$sarif_status
  fi
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$status" >>"$GITHUB_OUTPUT"
fi
exit "$status"
