# Shared helpers for the end-to-end tests (sourced). $SHORTCUT is the binary under test.
fails=0
# expect_out WANT CMD...: stdout must equal WANT and the exit code 0.
expect_out() {
  local want=$1; shift
  local got rc
  got=$("$@" 2>err.txt); rc=$?
  if [ "$rc" != 0 ] || [ "$got" != "$want" ]; then
    echo "FAIL: $*"; echo "  want: $want"; echo "  got (rc=$rc): $got"; cat err.txt
    fails=$((fails+1))
  fi
}
# expect_rc CODE CMD...: exit code must be CODE, stderr exactly one line, no crash.
expect_rc() {
  local code=$1; shift
  "$@" >out.txt 2>err.txt; local rc=$?
  local lines; lines=$(wc -l < err.txt)
  if [ "$rc" != "$code" ] || [ "$lines" != 1 ]; then
    echo "FAIL: $* (want exit $code and one stderr line; got exit $rc, $lines lines)"
    cat err.txt; fails=$((fails+1))
  fi
}
finish() { [ "$fails" = 0 ] && echo "all ok" || { echo "$fails failures"; exit 1; }; }
