// The sharded tune and plan Jobs (deploy/jobs/tune-job.yaml, plan-job.yaml) against the real API server:
// a server-side dry run accepts each as written (Indexed completion mode, per-index back-off, the index in
// the args), and its shard count in the args matches `completions`. No kubelet: nothing runs, nothing is
// stored.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { withControlPlane } from './harness/api-fixture.js';
import { adminKubeConfig } from './harness/kube.js';

const jobFile = (name: string): string => new URL(`../../deploy/jobs/${name}`, import.meta.url).pathname;

describe('deploy/jobs: the sharded tune and plan Jobs', { timeout: 120_000 }, () => {
  const api = withControlPlane('shard-jobs');

  const cases = [
    { file: 'tune-job.yaml', shardOut: '--shard-out=/work/shards/shard-$(JOB_COMPLETION_INDEX).json' },
    { file: 'plan-job.yaml', shardOut: '--shard-out=/work/shards/plan-shard-$(JOB_COMPLETION_INDEX).json' },
  ];
  for (const c of cases) {
    it(`${c.file} is an Indexed Job whose --shard count matches completions, accepted by a server-side dry run`, async () => {
      const job = k8s.loadYaml<k8s.V1Job>(readFileSync(jobFile(c.file), 'utf8'));
      assert.equal(job.spec?.completionMode, 'Indexed');
      const args = job.spec?.template.spec?.containers[0]?.args ?? [];
      const shard = args.find((a) => a.startsWith('--shard='));
      assert.equal(shard, `--shard=$(JOB_COMPLETION_INDEX)/${job.spec?.completions}`);
      assert.ok(args.some((a) => a === c.shardOut));
      assert.equal(job.spec?.template.spec?.automountServiceAccountToken, false, 'the pods need no API access');
      job.metadata = { ...job.metadata, namespace: api.ns };
      const created = await api.admin.objects.create(job, undefined, 'All');
      assert.equal(created.spec?.completionMode, 'Indexed');
      const stored = await adminKubeConfig(api.cp).makeApiClient(k8s.BatchV1Api).listNamespacedJob({ namespace: api.ns });
      assert.equal(stored.items.length, 0, 'a dry run stores nothing');
    });
  }
});
