#!/bin/bash
# Container health check for compose: exits 0 when http://127.0.0.1:PORT/PATH answers 2xx, 1 otherwise.
#   lab-healthcheck PORT [PATH]        PATH defaults to /health
# Plain bash (its /dev/tcp redirection and one HTTP/1.0 GET), not a Node process: a check costs a few
# milliseconds of CPU instead of 0.3 s, so checks stay cheap and on time on a loaded machine. The
# connection is to loopback, so it is refused at once when nothing listens; a slow answer is bounded by
# `read -t` here and by the compose healthcheck's timeout.
port=${1:?usage: lab-healthcheck PORT [PATH]}
path=${2:-/health}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3 || exit 1
# Status line: HTTP/1.1 200 OK
read -r -t 20 _ status _ <&3 || exit 1
[[ $status == 2[0-9][0-9] ]]
