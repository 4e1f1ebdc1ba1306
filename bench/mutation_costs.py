#!/usr/bin/env python3
"""Where a PIT run's time went, per mutated class, from a log of `make mutation` with MUTATION_ARGS=-Dverbose=true:
mutants, killed, survived, timed out, tests run (the killing test's place in PIT's order, or every covering test for
a survivor) and the minion's time. Tests run is CPU-independent; the time is not. Usage: mutation_costs.py LOG"""
import re,sys,collections
cur=None; agg=collections.defaultdict(lambda: collections.Counter())
for line in open(sys.argv[1],errors='replace'):
    m=re.search(r'Running mutation MutationDetails \[id=MutationIdentifier \[location=Location \[clazz=([^,]+),.*?testsInOrder=\[(.*)\]',line)
    if m:
        order=re.findall(r'(io\.bqexport\.[\w.]+Test\.\[engine[^,]*?\]/\[class:[^\]]*\]/\[(?:method|test-template):[^\]]*\](?:/\[test-template-invocation:[^\]]*\])?)',m.group(2))
        cur=dict(cls=m.group(1).rsplit('.',1)[1].split('$')[0],order=order);continue
    m=re.search(r'detected = (\w+)(?: by \[(.*?)\]\s*$)?',line)
    if m and cur:
        cur['st']=m.group(1); k=m.group(2) or ''
        if cur['st']=='KILLED':
            pos=[i for i,t in enumerate(cur['order']) if t and t in k]
            cur['run']=(pos[0]+1) if pos else 1
        else: cur['run']=len(cur['order'])
        continue
    m=re.search(r'processed mutation in (\d+) ms',line)
    if m and cur and 'st' in cur:
        a=agg[cur['cls']]; a['mutants']+=1; a[cur['st']]+=1; a['testsRun']+=cur['run']; a['ms']+=int(m.group(1))
        if cur['st']=='SURVIVED': a['survTests']+=cur['run']
        cur=None
tot=collections.Counter()
for c,a in sorted(agg.items(),key=lambda x:-x[1]['ms']):
    tot+=a; print(f"{c:28s} {a['mutants']:4d} mut {a['KILLED']:4d} K {a['SURVIVED']:3d} S {a['TIMED_OUT']:2d} TO  tests run {a['testsRun']:5d} (survivors {a['survTests']:4d})  {a['ms']/1000:7.0f} s")
print('total',dict(tot))
