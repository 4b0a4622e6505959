#!/usr/bin/python3
# hangar-fake-ssh.py
#
# Copyright 2026 The Hangar authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""A stand-in for OpenSSH's ssh in Hangar's tests, installed as "ssh" in a
folder on $PATH.  Like ssh without a terminal, it asks the SSH_ASKPASS
program for the password (only when SSH_ASKPASS_REQUIRE is "force": else
ssh could have asked on a terminal), checks it against the "password" file
beside it, and then joins its standard input and output to the UNIX socket
named in the "socket" file beside it, a test libvirtd's, as ssh would join
them to the remote side.  Exits 255, as ssh does, when refused."""

import os
import select
import socket
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]

askpass = os.environ.get("SSH_ASKPASS", "")
if os.environ.get("SSH_ASKPASS_REQUIRE") != "force" or not askpass:
    sys.stderr.write("ssh: SSH_ASKPASS is not forced: ssh would ask on a terminal\n")
    sys.exit(255)

user = args[args.index("-l") + 1] if "-l" in args else os.environ.get("USER", "root")
host = args[args.index("--") + 1] if "--" in args else "?"

answer = subprocess.run([askpass, "%s@%s's password: " % (user, host)],
                        stdout=subprocess.PIPE).stdout
with open(os.path.join(here, "password")) as f:
    expected = f.read()
if answer != (expected + "\n").encode():
    sys.stderr.write("%s@%s: Permission denied (password).\n" % (user, host))
    sys.exit(255)

with open(os.path.join(here, "socket")) as f:
    path = f.read()
remote = socket.socket(socket.AF_UNIX)
remote.connect(path)

watched = [0, remote.fileno()]
while True:
    ready, _, _ = select.select(watched, [], [])
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            remote.sendall(data)
        else:
            remote.shutdown(socket.SHUT_WR)
            watched.remove(0)
    if remote.fileno() in ready:
        data = remote.recv(65536)
        if not data:
            break
        os.write(1, data)
