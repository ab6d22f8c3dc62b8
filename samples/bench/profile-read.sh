#!/bin/bash
# Usage: samples/bench/profile-read.sh samples/target/keyward-quickstart.jar [jfr]
# Compares direct, a blocking HttpClient 5 servlet proxy (BlockingProxyAnchor) and a Keyward read on
# the benchmark's placement (wrk and an nginx vendor on CPU 0, the proxy on CPU 1), with Keyward's CPU
# per read split by thread group; with "jfr", records a JFR profile of Keyward's warm-up
# (docs/perf/profile.md says how it was read). Needs wrk, nginx, taskset and python3.

JAR=$1; OUT=$(realpath -m "${OUT:-samples/target/profile-read}"); HERE=$(cd "$(dirname "$0")" && pwd); mkdir -p $OUT/spool
# A MariaDB the gateway may create its database on (the CI user's by default, as in docs/testing.md).
JDBC=${KEYWARD_BENCH_JDBC_URL:-'jdbc:mariadb://127.0.0.1:3306/kwtest_profile?user=keyward&password=keyward-ci-password&createDatabaseIfNotExist=true'}
TOKEN=kwadmin_bench_exp0123456789abcdef; SHA=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill $p 2>/dev/null || true; done; }
trap cleanup EXIT
port() { for i in $(seq 1 120); do p=$(grep -m1 -o 'PORT [0-9]*' $1 2>/dev/null | cut -d' ' -f2); [ -n "$p" ] && { echo $p; return; }; sleep 0.5; done; echo "no port in $1" >&2; exit 1; }
VP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p $OUT/ng/logs $OUT/ng/tmp
cat > $OUT/ng/nginx.conf <<NG
user root; worker_processes 1; daemon off; pid $OUT/ng/nginx.pid; error_log $OUT/ng/logs/error.log warn;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path $OUT/ng/tmp/b; proxy_temp_path $OUT/ng/tmp/p; fastcgi_temp_path $OUT/ng/tmp/f; uwsgi_temp_path $OUT/ng/tmp/u; scgi_temp_path $OUT/ng/tmp/s;
 keepalive_requests 1000000000; keepalive_timeout 600s;
 server { listen 127.0.0.1:$VP; default_type application/json; add_header Request-Id req_bench always;
  location = /v1/customers/cus_1 { return 200 '{"id":"cus_1","object":"customer","email":"jenny@example.com","name":"Jenny Rosen","livemode":false}'; } } }
NG
taskset -c 0 nginx -p $OUT/ng -c $OUT/ng/nginx.conf & PIDS+=($!); sleep 1
taskset -c 1 java -Xms512m -Xmx512m -cp $JAR io.keyward.samples.bench.BlockingProxyAnchor http://127.0.0.1:$VP > $OUT/classic.log 2>&1 & PIDS+=($!); CPID=$!
JFR=""; [ "$2" = jfr ] && JFR="-XX:StartFlightRecording=filename=$OUT/keyward.jfr,settings=profile,delay=95s,duration=25s"
taskset -c 1 java -Xms512m -Xmx512m $JFR -cp $JAR io.keyward.samples.bench.BenchGateway "$JDBC" http://127.0.0.1:$VP $SHA pepper0123456789pepper0123456789 $OUT/spool > $OUT/keyward.log 2>&1 & PIDS+=($!); KPID=$!
CP=$(port $OUT/classic.log); KP=$(port $OUT/keyward.log)
KEY=$(curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' http://127.0.0.1:$KP/admin/keys \
  -d '{"vendor":"stripe","agent_name":"bench-reader","expires_in":"2h","policy":{"allow":[{"operation":"customers.retrieve"}]}}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
measure() { # name url pid auth
  local b=$(cpu $3); [ -n "$4" ] && python3 $HERE/threads.py $3 > $OUT/threads-before.json; local r=$(taskset -c 0 wrk -t1 -c16 -d10s --latency ${4:+-H "Authorization: $4"} $2)
  local a=$(cpu $3); local rps=$(echo "$r" | awk '/Requests\/sec/{print $2}'); local n=$(echo "$r" | awk '/requests in/{print $1}')
  [ -n "$4" ] && python3 $HERE/threads.py $3 > $OUT/threads-after.json && python3 -c "
import json; b=json.load(open('$OUT/threads-before.json')); a=json.load(open('$OUT/threads-after.json')); n=$n
d={k: (a[k]-b.get(k,0))*10000/n for k in a if a[k]-b.get(k,0)>0}
print('   per thread group, us/req:', ', '.join(f'{k} {v:.1f}' for k,v in sorted(d.items(), key=lambda x:-x[1])))"
  echo "$1: $rps req/s, CPU $(python3 -c "print(round(($a-$b)*10000/$n,1))") us/req, $(echo "$r" | awk '/ 50%/{print "p50 "$2}')"
}
echo "warming (60 s each)"; taskset -c 0 wrk -t1 -c16 -d60s http://127.0.0.1:$CP/v1/customers/cus_1 >/dev/null
taskset -c 0 wrk -t1 -c16 -d60s -H "Authorization: Bearer $KEY" http://127.0.0.1:$KP/stripe/v1/customers/cus_1 >/dev/null
for round in 1 2 3; do
  measure "direct" http://127.0.0.1:$VP/v1/customers/cus_1 $(pgrep -f "nginx: worker" | head -1)
  measure "classic HttpClient 5 servlet proxy" http://127.0.0.1:$CP/v1/customers/cus_1 $CPID
  measure "Keyward read" http://127.0.0.1:$KP/stripe/v1/customers/cus_1 $KPID "Bearer $KEY"
done
