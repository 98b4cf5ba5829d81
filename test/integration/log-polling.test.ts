// Following a log group by polling FilterLogEvents, against moto's CloudWatch Logs (which has no
// Live Tail): every event once, in order, across streams, and a group that does not exist yet.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { toAwsError } from '../../src/core/aws/aws-errors';
import type { CloudWatchLogEvent, TailStatus } from '../../src/core/aws/logs/log-events';
import { pollLogEvents } from '../../src/core/aws/logs/poll-log-events';
import { createLimitedUser, motoCredentials, startMoto } from '../support/moto.mjs';
import { freePort } from '../support/processes.mjs';

describe('polling a log group (moto)', () => {
  let moto: Awaited<ReturnType<typeof startMoto>>;
  let client: CloudWatchLogsClient;

  before(async () => {
    moto = await startMoto();
    client = new CloudWatchLogsClient({ endpoint: moto.url, region: 'us-east-1', credentials: motoCredentials });
  });

  after(async () => {
    client?.destroy();
    await moto?.stop();
  });

  /** Follows `group` until `until` holds for what arrived, or `timeoutMs` passes. */
  async function follow(
    group: string,
    write: () => Promise<void>,
    until: (events: CloudWatchLogEvent[]) => boolean,
    timeoutMs = 60_000,
  ): Promise<{ events: CloudWatchLogEvent[]; statuses: TailStatus[]; batches: number }> {
    const events: CloudWatchLogEvent[] = [];
    const statuses: TailStatus[] = [];
    let batches = 0;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const done = new Promise<void>((resolve) => {
      const polling = pollLogEvents(client, {
        logGroupName: group,
        startTime: Date.now() - 60_000,
        signal: controller.signal,
        minIntervalMs: 250,
        maxIntervalMs: 1000,
        onEvents: (batch) => {
          batches++;
          events.push(...batch);
          if (until(events)) controller.abort();
        },
        onStatus: (status) => statuses.push(status),
      });
      void polling.then(resolve);
    });
    await write();
    await done;
    clearTimeout(timer);
    return { events, statuses, batches };
  }

  test('10,000 events written to two streams arrive in order, none twice, none lost', async () => {
    const group = '/aws/lambda/busy';
    await client.send(new CreateLogGroupCommand({ logGroupName: group }));
    for (const stream of ['a', 'b'])
      await client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    const total = 10_000;
    const base = Date.now() - 30_000;
    const write = async () => {
      // 20 batches of 500, alternating streams, timestamps increasing across both, as two
      // environments of one function would write them; the poller reads while they are written.
      for (let batch = 0; batch < 20; batch++) {
        const stream = batch % 2 === 0 ? 'a' : 'b';
        const logEvents = Array.from({ length: 500 }, (_, i) => {
          const n = batch * 500 + i;
          return { timestamp: base + n, message: `event ${n} in ${stream}` };
        });
        await client.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents }));
      }
    };
    const { events, statuses, batches } = await follow(group, write, (all) => all.length >= total);
    assert.equal(events.length, total, `received ${events.length} events in ${batches} batches`);
    assert.equal(new Set(events.map((e) => e.eventId)).size, total, 'no event twice');
    assert.deepEqual(
      events.map((e) => e.message),
      Array.from({ length: total }, (_, n) => `event ${n} in ${Math.floor(n / 500) % 2 === 0 ? 'a' : 'b'}`),
      'every event, in timestamp order',
    );
    assert.deepEqual(statuses[0], { kind: 'streaming', via: 'poll' });
  });

  test('a group that does not exist yet is "waiting", and its events arrive once it does', async () => {
    const group = '/aws/lambda/never-invoked';
    const write = async () => {
      await new Promise((resolve) => setTimeout(resolve, 600));
      await client.send(new CreateLogGroupCommand({ logGroupName: group }));
      await client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
      await client.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: 's',
          logEvents: [{ timestamp: Date.now(), message: 'first' }],
        }),
      );
    };
    const { events, statuses } = await follow(group, write, (all) => all.length >= 1, 20_000);
    assert.deepEqual(
      events.map((e) => e.message),
      ['first'],
    );
    assert.equal(statuses[0]?.kind, 'waiting');
    assert.ok(statuses.some((s) => s.kind === 'streaming'));
  });

  test('an endpoint that stops answering is retried with growing delays, each announced', async () => {
    const port = Number(await freePort());
    const unreachable = new CloudWatchLogsClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: motoCredentials,
      maxAttempts: 1,
    });
    const statuses: TailStatus[] = [];
    const controller = new AbortController();
    const polling = pollLogEvents(unreachable, {
      logGroupName: '/aws/lambda/any',
      startTime: Date.now(),
      signal: controller.signal,
      minIntervalMs: 50,
      maxRetryMs: 400,
      onEvents: () => assert.fail('no events can come'),
      onStatus: (status) => {
        statuses.push(status);
        if (statuses.length === 4) controller.abort();
      },
    });
    await polling;
    unreachable.destroy();
    const delays = statuses.map((s) => (s.kind === 'retrying' ? s.retryInMs : -1));
    assert.deepEqual(delays, [100, 200, 400, 400]);
  });

  test('access denied stops following, and the message names the missing permission', async () => {
    const guarded = await startMoto({ enforceIamAfter: 3 });
    const reader = await createLimitedUser(guarded.url, 'no-logs', ['lambda:ListFunctions']);
    const limited = new CloudWatchLogsClient({ endpoint: guarded.url, region: 'us-east-1', credentials: reader });
    const statuses: TailStatus[] = [];
    try {
      await pollLogEvents(limited, {
        logGroupName: '/aws/lambda/any',
        startTime: Date.now(),
        signal: new AbortController().signal,
        onEvents: () => assert.fail('no events can come'),
        onStatus: (status) => statuses.push(status),
      });
    } finally {
      limited.destroy();
      await guarded.stop();
    }
    assert.equal(statuses.length, 1);
    const [stopped] = statuses;
    assert.equal(stopped?.kind, 'stopped');
    const error = toAwsError(
      (stopped as { error: unknown }).error,
      { doing: 'Reading /aws/lambda/any', action: 'logs:FilterLogEvents', service: 'logs' },
      { region: 'us-east-1', endpointUrl: guarded.url },
    );
    assert.equal(error.kind, 'accessDenied');
    assert.match(error.message, /lacks the IAM permission logs:FilterLogEvents/);
  });
});
