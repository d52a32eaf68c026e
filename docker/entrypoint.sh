#!/bin/bash
# The image's entrypoint: runs chaos-lab with the given arguments, after checking that the folders compose
# mounted from the host are writable by this container's user. Otherwise the part would stop on its
# first write with a path inside the container (/app/logs); this names the host folder and the fix.
for dir in state logs charts; do
  if grep -q " /app/$dir " /proc/self/mountinfo && [ ! -w "/app/$dir" ]; then
    echo "chaos-lab: ./$dir is not writable by uid $(id -u) (owner $(stat -c %u:%g "/app/$dir")): in the project folder run 'sudo chown -R $(id -u):$(id -g) state logs charts', or set LAB_UID and LAB_GID in .env to the owner's ids" >&2
    exit 2
  fi
done
exec node /app/lab/bin/chaos-lab.js "$@"
