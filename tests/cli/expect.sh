#!/usr/bin/env bash
# expect.sh RC REGEX -- COMMAND...: runs COMMAND and passes when it exits with RC and its
# combined output matches the extended regular expression REGEX.
set -u
want_rc=$1; pattern=$2; shift 3
out=$("$@" 2>&1); rc=$?
if [[ $rc -ne $want_rc ]]; then
  printf 'expected exit %s, got %s from: %s\n%s\n' "$want_rc" "$rc" "$*" "$out"; exit 1
fi
if ! grep -Eq -- "$pattern" <<<"$out"; then
  printf 'output of %s does not match /%s/:\n%s\n' "$*" "$pattern" "$out"; exit 1
fi
lines=$(grep -c '^error:' <<<"$out")
if [[ $want_rc -eq 2 && $lines -ne 1 ]]; then
  printf 'expected one error line, got %s:\n%s\n' "$lines" "$out"; exit 1
fi
exit 0
