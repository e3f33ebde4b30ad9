# Orders for the views benchmark: N "created" events over 2,000 users and 50 products.
#   python3 orders.py N FILE
import json, random, sys
random.seed(7)
n = int(sys.argv[1])
users = [f"user-{i:04d}" for i in range(2000)]
with open(sys.argv[2], "w") as f:
    for i in range(n):
        oid = f"bulk-{i}"
        amt = round(random.uniform(1, 200), 2)
        f.write(json.dumps({"orderId": oid, "userId": random.choice(users), "productId": f"sku-{random.randrange(50):04d}", "amount": amt, "status": "created", "ts": "2026-12-05T12:00:00Z"}) + "\n")
