#!/usr/bin/env python3
"""Where a Spark processor's CPU goes, by stage of a micro-batch, from a JFR recording (issue 19).

    jcmd <processor pid> JFR.start name=p duration=60s filename=/tmp/p.jfr settings=profile
    loadtest/bench/jfr-categories.py /tmp/p.jfr

Each execution sample counts once, for the first category (in the order below) any frame of
its stack matches; "other" is the rest. Needs the JDK's `jfr` tool on the PATH.
"""
import json, sys, collections, subprocess
if len(sys.argv) != 2 or sys.argv[1] in ('-h', '--help'):
    sys.exit(__doc__)
f = sys.argv[1]
cats = [
 ('codegen', ['expressions/codegen/', 'WholeStageCodegenExec.doExecute', 'CodeGenerator']),
 ('closure-clean', ['ClosureCleaner']),
 ('task-serde', ['ObjectInputStream', 'ObjectOutputStream', 'JavaSerializer', 'KryoSerializer']),
 ('state-store', ['state/HDFSBackedStateStore', 'state/RocksDB', 'StateStore', 'state/']),
 ('checkpoint-log', ['HDFSMetadataLog', 'OffsetSeqLog', 'CommitLog', 'CheckpointFileManager']),
 ('kafka-client', ['org/apache/kafka/']),
 ('json-parse', ['catalyst/json/']),
 ('redis-write', ['io/streamgate/processor/sink', 'redis/clients', 'io/lettuce']),
 ('analysis/optimizer/planner', ['catalyst/rules/RuleExecutor', 'QueryPlanner', 'catalyst/analysis', 'QueryExecution']),
 ('spark-listener/ui/status', ['spark/status/', 'LiveListenerBus', 'SparkPlanInfo', 'SQLAppStatusListener', 'AsyncEventQueue']),
 ('scheduler', ['spark/scheduler/', 'spark/rpc/']),
 ('task-run', ['spark/executor/Executor$TaskRunner']),
 ('gc/jit', []),
]
data = json.loads(subprocess.check_output(['jfr', 'print', '--stack-depth', '400', '--json', '--events', 'jdk.ExecutionSample', f]))
evs = data['recording']['events']; c = collections.Counter()
for e in evs:
    st = e['values']['stackTrace']
    names = [x['method']['type']['name'] + '.' + x['method']['name'] for x in st['frames']] if st else []
    for cat, pats in cats:
        if any(p in m for m in names for p in pats): c[cat] += 1; break
    else: c['other'] += 1
print('samples', len(evs))
for k, v in c.most_common(): print(f'{v*100/len(evs):5.1f}% {k}')
