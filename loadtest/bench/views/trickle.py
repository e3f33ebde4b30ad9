# Used by ../views-lifecycle.sh.
# Posts one order every 200 ms through the gateway and times until order_status serves it.
import json, sys, time, urllib.request, random
api, token, out, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
lat = []; failed = 0; end = time.time() + seconds; i = 0; last_seen = None
with open(out, "w") as log:
    while time.time() < end:
        i += 1
        oid = f"trickle-{int(time.time()*1000)}-{i}"
        ev = {"orderId": oid, "userId": "user-trickle", "productId": "sku-0001", "amount": 1.0, "status": "created", "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        t0 = time.time()
        req = urllib.request.Request(api + "/v1/events/orders", data=json.dumps(ev).encode(), headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        try:
            urllib.request.urlopen(req).read()
        except urllib.error.HTTPError as e:
            # A 503 (Kafka slow to acknowledge on a loaded machine) is counted, not fatal.
            failed += 1
            time.sleep(max(0, 0.2 - (time.time() - t0)))
            continue
        while True:
            try:
                r = urllib.request.urlopen(urllib.request.Request(f"{api}/v1/views/order_status/{oid}", headers={"Authorization": "Bearer " + token}))
                r.read(); break
            except urllib.error.HTTPError as e:
                if time.time() - t0 > 30: break
                time.sleep(0.01)
        t1 = time.time(); lat.append(t1 - t0)
        log.write(json.dumps({"t": t0, "latency": t1 - t0, "event": ev}) + "\n"); log.flush()
        time.sleep(max(0, 0.2 - (time.time() - t0)))
lat.sort()
print(f"order_status freshness over {len(lat)} events: p50 {lat[len(lat)//2]*1000:.0f} ms, p99 {lat[int(len(lat)*0.99)]*1000:.0f} ms, max {lat[-1]*1000:.0f} ms"
      + (f" ({failed} posts refused and skipped)" if failed else ""))
