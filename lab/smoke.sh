#!/usr/bin/env bash
# lab/smoke.sh — prove the lab can build and run real services, end to end.
#
# Builds two tiny services on the lab's base images, runs each with its port published on
# 127.0.0.1 only, and checks GET /health answers {"status":"healthy"}:
#   lessonproof-smoke/fastapi  FROM debian:bookworm-slim + Debian's python3-fastapi/uvicorn
#   lessonproof-smoke/c        static C server built in debian:bookworm, run FROM scratch
# The images are kept (tagged) so a second run reuses the layer cache (~1 s);
# `lab/smoke.sh --clean` removes them.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
say() { echo "smoke: $*" >&2; }

if [[ "${1:-}" == --clean ]]; then
  docker rmi lessonproof-smoke/fastapi lessonproof-smoke/c >/dev/null 2>&1 || true
  exit 0
fi

"$HERE/base-images.sh"

WORK=$(mktemp -d /tmp/lessonproof-smoke.XXXXXX)
CIDS=()
cleanup() {
  for c in "${CIDS[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/fastapi" "$WORK/c"
cat >"$WORK/fastapi/main.py" <<'EOF'
from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "healthy"}
EOF
# Debian ships the `uvicorn` command in its own package; python3-uvicorn is only the module.
cat >"$WORK/fastapi/Dockerfile" <<'EOF'
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3-fastapi python3-uvicorn uvicorn && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY main.py .
EXPOSE 8000
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
EOF
cat >"$WORK/c/server.c" <<'EOF'
/* GET /health -> {"status":"healthy"}; anything else -> 404. */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
static void on_term(int sig) { (void)sig; _exit(0); } /* PID 1 has no default SIGTERM action */
int main(void) {
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_term);
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(8000)};
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 64) < 0) { perror("listen"); return 1; }
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        char req[1024] = {0}, out[256];
        int ok = read(c, req, sizeof req - 1) > 0 && strncmp(req, "GET /health ", 12) == 0;
        const char *body = ok ? "{\"status\":\"healthy\"}" : "{\"detail\":\"Not Found\"}";
        int n = snprintf(out, sizeof out, "HTTP/1.1 %s\r\nContent-Type: application/json\r\n"
                         "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                         ok ? "200 OK" : "404 Not Found", strlen(body), body);
        (void)!write(c, out, n);
        close(c);
    }
}
EOF
cat >"$WORK/c/Dockerfile" <<'EOF'
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
COPY server.c /src/
RUN gcc -Os -static -s -o /server /src/server.c

FROM scratch
COPY --from=build /server /server
EXPOSE 8000
ENTRYPOINT ["/server"]
EOF

check() { # $1 = name
  local name=$1 img=lessonproof-smoke/$1 t0=$SECONDS cid port body=""
  # --force-rm: a failed legacy build would otherwise leave its stopped container behind.
  docker build --force-rm -q -t "$img" "$WORK/$name" >/dev/null 2>"$WORK/$name.err" \
    || { cat "$WORK/$name.err" >&2; say "$name: build failed"; return 1; }
  cid=$(docker run -d -p 127.0.0.1::8000 "$img")
  CIDS+=("$cid")
  port=$(docker port "$cid" 8000/tcp | head -n1 | sed 's/.*://')
  # Poll: docker-proxy accepts TCP before the app listens, so only an HTTP answer counts.
  for _ in $(seq 60); do
    body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/health" 2>/dev/null) && break
    sleep 0.5
  done
  if [[ "$body" != '{"status":"healthy"}' ]]; then
    say "$name: /health answered '${body}'"; docker logs "$cid" 2>&1 | tail -n 20 >&2 || true
    return 1
  fi
  docker rm -f "$cid" >/dev/null
  say "$name: ok in $((SECONDS - t0))s, image $(docker image inspect --format '{{.Size}}' "$img") bytes"
}

check c
check fastapi
