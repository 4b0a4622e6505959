#!/usr/bin/python3
# test-summary.py - the closing line of the test command, from meson's logs.
#
# Counts each TAP test case of a TAP test program (ok / not ok / # SKIP),
# and each other test program as one, then prints "N passed, N failed,
# N skipped" and exits non-zero when anything failed.
import json
import re
import sys

passed = failed = skipped = 0
tap_line = re.compile(r'^(not ok|ok)\b(.*)$')

for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            test = json.loads(line)
            result = test.get('result')
            out = test.get('stdout') or ''
            cases = [tap_line.match(l) for l in out.splitlines()]
            cases = [m for m in cases if m]
            # meson's log does not record the protocol: a plan line marks TAP.
            is_tap = re.search(r'^1\.\.\d+', out, re.M) is not None
            if is_tap and cases:
                for m in cases:
                    directive = m.group(2)
                    if '# SKIP' in directive.upper():
                        skipped += 1
                    elif m.group(1) == 'ok':
                        passed += 1
                    else:
                        failed += 1
                # A crash after the last case, or a plan not met.
                if result not in ('OK', 'SKIP', 'EXPECTEDFAIL') and \
                   all(m.group(1) == 'ok' for m in cases):
                    failed += 1
            elif result in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            elif result == 'SKIP':
                skipped += 1
            else:
                failed += 1

print(f'{passed} passed, {failed} failed, {skipped} skipped')
sys.exit(1 if failed else 0)
