import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/rng.js';
import { parseCsv } from '../../../bench/record/importers/csv.js';
import { miniSweAgentActivities } from '../../../bench/record/importers/mini-swe-agent.js';
import { sweAgentActivities, sweAgentTool } from '../../../bench/record/importers/swe-agent.js';
import { claudeCodeActivities, isoSeconds } from '../../../bench/record/importers/claude-code.js';
import { tau2Activities } from '../../../bench/record/importers/tau2.js';
import { bashCategory } from '../../../bench/record/synth/activity.js';

const near = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b} (±${tol})`);

test('bashCategory classes commands by their first word', () => {
  const cases: [string, string][] = [
    ['pytest', 'Bash:test'],
    ['./tests/runtests.py', 'Bash:test'],
    ['pip', 'Bash:pkg_install'],
    ['python3', 'Bash:python_run'],
    ['git', 'Bash:git'],
    ['grep', 'Bash:file_explore'],
    ['sed', 'Bash:text_proc'],
    ['cd', 'Bash:other'],
  ];
  for (const [head, want] of cases) assert.equal(bashCategory(head), want, head);
});

const MINI = `instance_id,step,created_unix,prompt_tokens,cached_tokens,completion_tokens,reasoning_tokens,cost,assistant_chars,command_head,obs_returncode,obs_chars,obs_kind
a,0,1000,1500,0,60,0,0,1,ls,0,10,exec
a,1,1010,2000,0,60,0,0,1,python,1,10,exec
a,2,1012,2100,0,60,0,0,1,,,10,format_error_retry
a,3,1020,2600,0,60,0,0,1,python,0,10,exec
a,4,1030,2700,0,60,0,0,1,echo,0,10,submission
`;

test('mini-swe-agent: run time = gap minus next model call, retries after format errors, errors from return codes', () => {
  const [a] = miniSweAgentActivities(parseCsv(MINI));
  assert.ok(a);
  assert.equal(a.id, 'a');
  assert.equal(a.agentClass, 'swe');
  // t0 is 3 s before the first response; model time for 60 output tokens is 1.5 + 1 = 2.5 s.
  assert.deepEqual(a.contextPoints.map((p) => p.t), [3, 13, 15, 23, 33]);
  assert.deepEqual(a.contextPoints.map((p) => p.tokens), [1500, 2000, 2100, 2600, 2700]);
  assert.equal(a.tools.length, 4, 'the format error runs no command');
  const [ls, py1, py2, sub] = a.tools;
  near(ls?.end ?? 0, 3 + 10 - 2.5);
  assert.equal(ls?.tool, 'Bash:file_explore');
  // python ran 2 - 2.5 -> floor 0.05 s: stays python_run; it failed.
  assert.equal(py1?.tool, 'Bash:python_run');
  assert.equal(py1?.error, true);
  // 10 s gap - 2.5 s = 7.5 s of python: a long python run is classed as a test run, and is a retry.
  assert.equal(py2?.tool, 'Bash:test');
  assert.equal(py2?.retry, true);
  assert.equal(sub?.tool, 'Bash:git');
  assert.ok(a.durationSeconds >= 33);
});

const SWE = `run,instance_id,step,execution_time_s,action_head,action_chars,observation_chars,thought_chars,query_messages,query_chars,history_ctx_chars,obs_error_hint
r,x,0,0.5,find,40,10,200,0,0,4000,
r,x,1,10,python,40,10,200,0,0,8000,Traceback
r,x,2,0.1,,0,10,200,0,0,8400,
r,x,3,12,python,40,10,200,0,0,9000,
`;

test('swe-agent: timeline from estimated model time plus measured run time; hints are errors; empty actions make retries', () => {
  const [a] = sweAgentActivities(parseCsv(SWE));
  assert.ok(a);
  assert.equal(a.id, 'r/x');
  const model = 1.5 + 60 / 60; // (200 + 40) chars / 4 = 60 tokens
  const tools = a.tools;
  assert.equal(tools.length, 3);
  near(tools[0]?.start ?? 0, model);
  near(tools[1]?.start ?? 0, 2 * model + 0.5);
  assert.equal(tools[1]?.tool, 'Bash:test', '10 s of python');
  assert.equal(tools[1]?.error, true);
  assert.equal(tools[2]?.retry, true, 'after a step without an action');
  assert.deepEqual(a.contextPoints.map((p) => p.tokens), [1000, 2000, 2100, 2250]);
  const emptyStep = 1.5 + 50 / 60; // no action chars
  near(a.durationSeconds, 3 * model + emptyStep + 0.5 + 10 + 0.1 + 12);
  assert.equal(sweAgentTool('str_replace_editor'), 'Edit');
});

const CC_API = `file,kind,session_id,msg_id,model,ts_first,ts_last,input_tokens,cache_creation_input_tokens,cache_read_input_tokens,context_tokens,output_tokens,n_tool_uses,tool_names
f1,main,abcdef12-0000,m1,opus,2026-02-11T20:00:00.000Z,2026-02-11T20:00:01.000Z,1,1,1,100000,10,1,Bash
f1,main,abcdef12-0000,m2,opus,2026-02-11T20:00:30.000Z,2026-02-11T20:00:31.000Z,1,1,1,168000,10,1,Read
f1,main,abcdef12-0000,m3,opus,2026-02-11T20:01:30.000Z,2026-02-11T20:01:31.000Z,1,1,1,30000,10,0,
f1,main,abcdef12-0000,m4,opus,2026-02-11T20:30:00.000Z,2026-02-11T20:30:01.000Z,1,1,1,32000,10,1,Bash
f1,main,abcdef12-0000,m5,opus,2026-02-11T20:31:30.000Z,2026-02-11T20:31:31.000Z,1,1,1,33000,10,0,
f2,subagent,abcdef12-0000,m9,opus,2026-02-11T20:00:00.000Z,2026-02-11T20:00:01.000Z,1,1,1,5,10,0,
`;
const CC_TOOLS = `file,kind,tool_use_id,tool_name,ts_call,ts_result,latency_s,is_error,result_chars,interrupted,tool_duration_ms
f1,main,t1,Bash,2026-02-11T20:00:02.000Z,2026-02-11T20:00:22.000Z,20,True,1,False,
f1,main,t2,Bash,2026-02-11T20:00:40.000Z,2026-02-11T20:00:40.500Z,0.5,False,1,False,
f1,main,t3,Read,2026-02-11T20:00:41.000Z,2026-02-11T20:00:41.100Z,0.1,False,1,False,
f1,main,t4,Bash,2026-02-11T20:30:02.000Z,2026-02-11T20:30:04.000Z,2,False,1,False,
`;

test('claude-code: sessions cut at idle gaps, Bash classed by run time, context keeps the compaction drop', () => {
  const acts = claudeCodeActivities(parseCsv(CC_API), parseCsv(CC_TOOLS));
  assert.deepEqual(acts.map((a) => a.id), ['abcdef12#0', 'abcdef12#1']);
  const [first, second] = acts;
  assert.deepEqual(first?.contextPoints.map((p) => p.tokens), [100000, 168000, 30000]);
  assert.deepEqual(first?.contextPoints.map((p) => p.t), [2, 32, 92]);
  assert.deepEqual(first?.tools.map((c) => c.tool), ['Bash:test', 'Bash:file_explore', 'Read']);
  assert.equal(first?.tools[0]?.error, true);
  near(first?.tools[0]?.end ?? 0, 24);
  assert.deepEqual(second?.tools.map((c) => c.tool), ['Bash:other']);
  assert.equal(second?.agentClass, 'coding-assistant');
  assert.equal(isoSeconds('2026-02-11T20:00:00'), isoSeconds('2026-02-11T20:00:00Z'));
});

function tauRows(sim: string, file: string, start: number, errors: boolean): string {
  const ts = (s: number): string => new Date(Date.UTC(2026, 2, 20, 18, 0, 0) + s * 1000).toISOString().replace('Z', '');
  return [
    `${file},gpt,airline,${sim},0,0,0,0,assistant,${ts(start)},,,0,0,,,5`,
    `${file},gpt,airline,${sim},0,0,1,1,user,${ts(start + 2)},400,5,0,0,,,5`,
    `${file},gpt,airline,${sim},0,0,2,2,assistant,${ts(start + 5)},5000,40,0,1,get_user,,5`,
    `${file},gpt,airline,${sim},0,0,3,3,tool,${ts(start + 5)},,,,0,,${errors ? 'True' : 'False'},5`,
    `${file},gpt,airline,${sim},0,0,4,4,assistant,${ts(start + 9)},5400,40,0,1,get_user,,5`,
    `${file},gpt,airline,${sim},0,0,5,5,tool,${ts(start + 9)},,,,0,,False,5`,
    `${file},gpt,airline,${sim},0,0,6,6,assistant,${ts(start + 60)},5600,40,0,0,,,5`,
  ].join('\n');
}

test('tau2: conversations chained into pod sessions of at least podSeconds, tools are Api calls', () => {
  const header = 'source_file,agent_llm,domain,sim_id,task_id,trial,msg_idx,turn_idx,role,timestamp,prompt_tokens,completion_tokens,cost,n_tool_calls,tool_names,tool_error,content_chars';
  const body = [tauRows('s1', 'F', 0, true), tauRows('s2', 'F', 100, false), tauRows('s3', 'F', 200, false), tauRows('s4', 'G', 0, false)].join('\n');
  const acts = tau2Activities(parseCsv(`${header}\n${body}\n`), createRng(1), { podSeconds: 100 });
  assert.deepEqual(acts.map((a) => a.id), ['pod-0-0', 'pod-0-1', 'pod-1-0']);
  const [pod] = acts;
  assert.equal(pod?.agentClass, 'api-agent');
  assert.equal(pod?.tools.length, 4, 'two conversations of two tool calls');
  assert.deepEqual(pod?.tools.map((c) => c.tool), ['Api:get_user', 'Api:get_user', 'Api:get_user', 'Api:get_user']);
  assert.equal(pod?.tools[0]?.error, true);
  assert.equal(pod?.tools[1]?.retry, true, 'same tool right after a failure');
  // The second conversation starts 1-4 s after the first ends (60 s).
  const second = pod?.tools[2]?.start ?? 0;
  assert.ok(second >= 65 && second <= 68, String(second));
  assert.deepEqual(pod?.contextPoints.slice(0, 3).map((p) => p.tokens), [5000, 5400, 5600]);
});
