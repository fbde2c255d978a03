#!/usr/bin/env python3
# How wrong is the effective-memory maths' independence assumption (docs/models.md)? For pairs of
# concurrent sessions of a trace: the Pearson correlation of their memory over the overlap (1 s,
# sample-and-hold), against a null of the same pairs with one series circularly shifted.
#   python3 tools/trace-independence.py levels TRACE...   usage levels (shared growth trends show here)
#   python3 tools/trace-independence.py diff TRACE...     15 s increments (where bursts show)
# At most 3,000 pairs per trace; seeded, so the figures repeat.
import gzip, json, sys, random, statistics, collections, math
random.seed(1)
def load(f):
    sess = collections.defaultdict(list)
    with gzip.open(f, 'rt') as fh:
        fh.readline()
        for l in fh:
            s = json.loads(l); sess[s['session']].append((s['t'], s['memBytes']))
    out = {}
    for k, v in sess.items():
        v.sort(); t0 = int(v[0][0]); t1 = int(v[-1][0])
        if t1 - t0 < 60: continue
        arr = []; j = 0
        for t in range(t0, t1 + 1):
            while j + 1 < len(v) and v[j + 1][0] <= t: j += 1
            arr.append(v[j][1])
        out[k] = (t0, arr)
    return out
def corr(a, b):
    n = len(a); ma = sum(a)/n; mb = sum(b)/n
    va = sum((x-ma)**2 for x in a); vb = sum((x-mb)**2 for x in b)
    if va == 0 or vb == 0: return None
    return sum((x-ma)*(y-mb) for x, y in zip(a, b)) / math.sqrt(va*vb)
DIFF = sys.argv[1] == 'diff'
for f in sys.argv[2:]:
    S = load(f); keys = list(S)
    rs = []; nulls = []; pairs = 0
    for i in range(len(keys)):
        for j in range(i+1, len(keys)):
            (ta, a), (tb, b) = S[keys[i]], S[keys[j]]
            lo = max(ta, tb); hi = min(ta+len(a), tb+len(b))
            if hi - lo < 60: continue
            x = a[lo-ta:hi-ta]; y = b[lo-tb:hi-tb]
            if DIFF:
                x = [x[i+15]-x[i] for i in range(0, len(x)-15, 15)]; y = [y[i+15]-y[i] for i in range(0, len(y)-15, 15)]
                if len(x) < 4: continue
            r = corr(x, y)
            if r is None: continue
            rs.append(r); pairs += 1
            k = random.randrange(1, len(y)); ys = y[k:] + y[:k]
            rn = corr(x, ys)
            if rn is not None: nulls.append(rn)
            if pairs >= 3000: break
        if pairs >= 3000: break
    if not rs: print(f.split('/')[-1], 'no overlapping pairs'); continue
    q = lambda a, p: sorted(a)[int(p*(len(a)-1))]
    print(f"{f.split('/')[-1]}: {len(rs)} concurrent pairs; corr mean {statistics.mean(rs):+.3f} median {statistics.median(rs):+.3f} p90 {q(rs,.9):+.3f}; null (shifted) mean {statistics.mean(nulls):+.3f} p90 {q(nulls,.9):+.3f}; share |r|>0.5: {sum(abs(r)>0.5 for r in rs)/len(rs):.2f} vs null {sum(abs(r)>0.5 for r in nulls)/len(nulls):.2f}")
