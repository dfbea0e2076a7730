#!/usr/bin/env bash
# End-to-end: malformed .npy inputs are rejected by `shortcut simulate parity --input-npy F`
# with exit code exactly 4 (not a crash), exactly one line on stderr naming the file, nothing on
# stdout, and no output file (--out) left behind. numpy-written inputs of every integer dtype
# are accepted, and --out writes a file numpy reads back exactly.
# Runs in a fresh temp dir; $SHORTCUT, $PY (/usr/bin/python3 with numpy).
set -u
: "${SHORTCUT:?}" "${PY:=/usr/bin/python3}"
fails=0
ok()  { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails+1)); }

# ---- craft the files -------------------------------------------------------------------------
mkdir -p bad good
"$PY" - <<'PYEOF' || { echo "FAIL: cannot generate the inputs with $PY"; exit 1; }
import struct, numpy as np

def mk(d, data=b'', major=1, minor=0, align=64, end=b'\n'):
    pre = 10 if major == 1 else 12
    hl = len(d) + 1
    pad = (align - (pre + hl) % align) % align
    h = hl + pad
    hdr = struct.pack('<H', h) if major == 1 else struct.pack('<I', h)
    return b'\x93NUMPY' + bytes([major, minor]) + hdr + d + b' ' * pad + end + data

def D(descr="'<i4'", shape="(2, 3)", fo="False"):
    return ("{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (descr, fo, shape)).encode()

ok = bytes(24)  # 2x3 int32 zeros
bad = {
    'wrong_magic':      b'\x93NUMPZ' + mk(D(), ok)[6:],
    'bad_version':      mk(D(), ok, major=1, minor=1),
    'version_4':        mk(D(), ok)[:6] + b'\x04\x00' + mk(D(), ok)[8:],
    'empty':            b'',
    'magic_only':       b'\x93NUMPY\x01\x00',
    'header_past_eof':  mk(D(), ok)[:8] + struct.pack('<H', 5000) + mk(D(), ok)[10:],
    'header_too_big':   mk(D(), ok, major=2)[:8] + struct.pack('<I', 20000) + b' ' * 20010,
    'missing_key':      mk(b"{'descr': '<i4', 'shape': (2, 3), }", ok),
    'extra_key':        mk(b"{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), 'x': 0}", ok),
    'duplicate_key':    mk(b"{'descr': '<i4', 'descr': '<i4', 'fortran_order': False, 'shape': (2, 3)}", ok),
    'fortran_true':     mk(D(fo='True'), ok),
    'object_dtype':     mk(D("'|O'"), bytes(48)),
    'big_endian':       mk(D("'>i4'"), ok),
    'unknown_dtype':    mk(D("'<c8'"), bytes(48)),
    'unicode_dtype':    mk(D("'<U1'"), ok),
    'structured':       mk(D("[('a', '<i4')]"), ok),
    'negative_dim':     mk(D(shape='(-2, 3)'), ok),
    'float_dim':        mk(D(shape='(2.0, 3)'), ok),
    'dim_overflow':     mk(D(shape='(4294967296, 4294967296)'), ok),
    'dim_huge':         mk(D(shape='(99999999999999999999, 1)'), ok),
    'truncated':        mk(D(), ok[:-1]),
    'trailing':         mk(D(), ok + b'\0'),
    'unterminated':     mk(b"{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), ", ok),
    'unterm_string':    mk(b"{'fortran_order': False, 'shape': (2, 3), 'descr': '<i4", ok),
    'no_newline':       mk(D(), ok, end=b' '),
    'not_a_dict':       mk(b"('<i4', False, (2, 3))", ok),
    'nul_in_header':    mk(D().replace(b"False", b"Fal\0e"), ok),
    'one_tuple_no_comma': mk(D(shape='(6)'), ok),
}
for k, v in bad.items():
    open('bad/%s.npy' % k, 'wb').write(v)

x = np.array([[1, 0, 1, 1], [0, 0, 1, 0], [1, 1, 1, 1]])
for dt in ['<i4', '|u1', '|i1', '<i2', '<u2', '<u4', '<i8', '<u8', '|b1']:
    np.save('good/%s.npy' % dt.strip('<|'), x.astype(dt))
np.lib.format.write_array(open('good/v2.npy', 'wb'), x.astype('<i4'), version=(2, 0))
np.lib.format.write_array(open('good/v3.npy', 'wb'), x.astype('|u1'), version=(3, 0))
PYEOF

# ---- every malformed file: exit 4, one stderr line naming it, empty stdout, no --out file ----
n=0
for f in bad/*.npy; do
  n=$((n+1))
  rm -f labels.npy labels.npy.*
  "$SHORTCUT" simulate parity --input-npy "$f" --out labels.npy > out.txt 2> err.txt
  rc=$?
  lines=$(wc -l < err.txt)
  if [ "$rc" != 4 ]; then
    bad "$f: exit $rc, expected 4$([ "$rc" -gt 128 ] && echo " (killed by signal $((rc-128)))")"
    head -n 3 err.txt; continue
  fi
  if [ -s out.txt ]; then bad "$f: stdout not empty: $(head -c 200 out.txt)"; continue; fi
  if [ "$lines" != 1 ] || [ "$(wc -c < err.txt)" -le 1 ]; then
    bad "$f: stderr has $lines lines, expected exactly 1"; head -n 5 err.txt; continue; fi
  if ! grep -qF "$f" err.txt; then bad "$f: stderr does not name the file: $(cat err.txt)"; continue; fi
  if ! grep -q "expected" err.txt; then bad "$f: stderr does not say what was expected: $(cat err.txt)"; continue; fi
  if ls labels.npy labels.npy.* >/dev/null 2>&1; then bad "$f: an output file was left behind"; continue; fi
  ok "$f: $(cat err.txt)"
done
[ "$n" -ge 12 ] || bad "only $n malformed files were generated"

# a file that does not exist, and a directory
for f in nosuch.npy bad; do
  "$SHORTCUT" simulate parity --input-npy "$f" > out.txt 2> err.txt; rc=$?
  if [ "$rc" = 4 ] && [ "$(wc -l < err.txt)" = 1 ] && grep -qF "$f" err.txt && [ ! -s out.txt ]
  then ok "$f: $(cat err.txt)"; else bad "$f: exit $rc: $(cat err.txt)"; fi
done

# ---- numpy-written inputs are accepted; --out round trips through numpy --------------------
want=$'1,1,0,1\n0,0,1,1\n1,0,1,0'
for f in good/*.npy; do
  got=$("$SHORTCUT" simulate parity --input-npy "$f" 2> err.txt); rc=$?
  if [ "$rc" = 0 ] && [ "$got" = "$want" ]; then ok "$f accepted"
  else bad "$f: exit $rc, got '$got'"; cat err.txt; fi
done
rm -f labels.npy
if "$SHORTCUT" simulate parity --input-npy good/i4.npy --out labels.npy > /dev/null 2> err.txt; then
  if "$PY" - <<'PYEOF'
import numpy as np, io, sys
a = np.load('labels.npy')
want = np.array([[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 1, 0]], dtype='<i4')
buf = io.BytesIO(); np.save(buf, want)
same_bytes = open('labels.npy', 'rb').read() == buf.getvalue()
sys.exit(0 if a.dtype == want.dtype and (a == want).all() and same_bytes else 1)
PYEOF
  then ok "--out labels.npy is byte-identical to np.save"
  else bad "--out labels.npy differs from np.save of the expected labels"; fi
  left=$(ls -a | grep -c '\.tmp\.' || true)
  [ "$left" = 0 ] || bad "temporary files left behind: $(ls -a)"
else
  bad "simulate --out failed: $(cat err.txt)"
fi

[ "$fails" = 0 ] && echo "all ok" || { echo "$fails failures"; exit 1; }
