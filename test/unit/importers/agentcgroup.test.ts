import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../../../bench/record/importers/csv.js';
import { agentcgroupActivities, agentcgroupRealSessions } from '../../../bench/record/importers/agentcgroup.js';

const TASKS = `run,task,paper_filter_ok
haiku_nolimit,good,1
haiku_nolimit,short,0
haiku_4g2cpu_study,lim,1
other_run,x,1
`;
const SAMPLES = `run,task,t_s,mem_bytes,cpu_cores,tool,context_tokens,tool_calls_cum,tool_errors_cum
haiku_nolimit,good,0.000,11710000,0.9,,,0,0
haiku_nolimit,good,0.500,100000000,0.5,,,0,0
haiku_nolimit,good,1.040,186000000,0.5,,,0,0
haiku_nolimit,good,2.080,190000000,0.1,Bash:test,12000,2,1
haiku_nolimit,good,3.120,900000000,2.4,Bash:test,12000,3,1
haiku_nolimit,short,0.000,11000000,0.1,,,0,0
haiku_4g2cpu_study,lim,0.000,12000000,0.1,,,0,0
other_run,x,0.000,1,0.1,,,0,0
`;
const CALLS = `run,task,start_s,end_s,tool,is_error,bash_category,sidechain,tool_use_id,source
haiku_nolimit,good,1.5,1.6,Read,1,,0,a,t
haiku_nolimit,good,1.7,3.5,Bash,0,test,0,b,t
haiku_nolimit,good,2.0,2.1,Read,0,,1,c,t
`;

test('real sessions: paper filter, known runs only, thinned to ~1 s, counters differenced', () => {
  const sessions = agentcgroupRealSessions(parseCsv(SAMPLES), parseCsv(TASKS));
  assert.deepEqual(sessions.map((s) => s.id), ['haiku_4g2cpu_study/lim', 'haiku_nolimit/good']);
  const good = sessions[1];
  assert.deepEqual(good?.samples.map((s) => s.t), [0, 1.04, 2.08, 3.12], 'the 0.5 s sample is thinned away');
  assert.deepEqual(good?.samples.map((s) => s.toolCalls), [0, 0, 2, 1]);
  assert.deepEqual(good?.samples.map((s) => s.toolErrors), [0, 0, 1, 0]);
  assert.equal(good?.samples[0]?.contextTokens, undefined, 'unknown context stays absent');
  assert.equal(good?.samples[3]?.tool, 'Bash:test');
  assert.equal(good?.samples[3]?.memBytes, 900000000);
  assert.equal(sessions[0]?.samples[0]?.agentClass, 'swe-limited');
  assert.equal(good?.samples[0]?.agentClass, 'swe');
});

test('activities: main-thread calls with Bash categories, retries after failures, context points', () => {
  const [lim, good] = agentcgroupActivities(parseCsv(CALLS), parseCsv(SAMPLES), parseCsv(TASKS));
  assert.equal(lim?.tools.length, 0);
  assert.deepEqual(good?.tools.map((c) => c.tool), ['Read', 'Bash:test'], 'the sidechain call is left out');
  assert.equal(good?.tools[0]?.error, true);
  assert.equal(good?.tools[1]?.retry, false, 'a different tool is not a retry');
  assert.deepEqual(good?.contextPoints, [{ t: 2.08, tokens: 12000 }]);
  assert.equal(good?.durationSeconds, 3.5);
});
