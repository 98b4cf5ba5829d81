// Following a log group with Live Tail, and falling back to polling. Live Tail's event stream comes
// from a stand-in (live-tail-stand-in.ts: no server here streams it) in front of moto, which serves
// everything else; the SDK's own client decodes the stream.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { followLogGroup, type LogSourceMode } from '../../src/core/aws/logs/follow-log-group';
import { logGroupArn } from '../../src/core/aws/logs/live-tail';
import type { CloudWatchLogEvent, TailStatus } from '../../src/core/aws/logs/log-events';
import { motoCredentials, startMoto } from '../support/moto.mjs';
import { startLiveTailStandIn } from './live-tail-stand-in';

const GROUP = '/aws/lambda/orders';

describe('Live Tail and its fallback', () => {
  let moto: Awaited<ReturnType<typeof startMoto>>;
  let standIn: Awaited<ReturnType<typeof startLiveTailStandIn>>;
  let client: CloudWatchLogsClient;
  let direct: CloudWatchLogsClient;

  before(async () => {
    moto = await startMoto();
    standIn = await startLiveTailStandIn(moto.url);
    // Live Tail's host prefix ("streaming-") cannot apply to an endpoint given as an address.
    client = new CloudWatchLogsClient({
      endpoint: standIn.url,
      region: 'us-east-1',
      credentials: motoCredentials,
      disableHostPrefix: true,
    });
    direct = new CloudWatchLogsClient({
      endpoint: moto.url,
      region: 'us-east-1',
      credentials: motoCredentials,
      disableHostPrefix: true,
    });
    await direct.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await direct.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 's' }));
  });

  beforeEach(() => standIn.behave('stream'));

  after(async () => {
    client?.destroy();
    direct?.destroy();
    await standIn?.stop();
    await moto?.stop();
  });

  /** Follows GROUP, runs `scenario` with helpers, and stops following when it returns. */
  async function follow(
    mode: LogSourceMode,
    scenario: (seen: {
      events: CloudWatchLogEvent[];
      statuses: TailStatus[];
      until: (check: () => boolean) => Promise<void>;
    }) => Promise<void>,
    target = client,
    shortestSessionMs?: number,
  ) {
    const events: CloudWatchLogEvent[] = [];
    const statuses: TailStatus[] = [];
    const controller = new AbortController();
    const following = followLogGroup(target, {
      mode,
      logGroupName: GROUP,
      logGroupArn: logGroupArn('us-east-1', '123456789012', GROUP),
      startTime: Date.now(),
      signal: controller.signal,
      minIntervalMs: 100,
      maxIntervalMs: 300,
      onEvents: (batch) => events.push(...batch),
      onStatus: (status) => statuses.push(status),
      ...(shortestSessionMs === undefined ? {} : { shortestSessionMs }),
    });
    const until = async (check: () => boolean) => {
      for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      assert.ok(check(), `reached in time; statuses: ${JSON.stringify(statuses.map((s) => s.kind))}`);
    };
    try {
      await scenario({ events, statuses, until });
    } finally {
      controller.abort();
      await following;
    }
    return { events, statuses };
  }

  const messages = (events: CloudWatchLogEvent[]) => events.map((e) => e.message);

  test('Live Tail is used when available; its events arrive as they are pushed, and an ended session restarts', async () => {
    // The stand-in's sessions last milliseconds, not the hours of real ones: none counts as too short (0).
    await follow(
      'auto',
      async ({ events, statuses, until }) => {
        await until(() => standIn.openSessions === 1);
        assert.deepEqual(statuses[0], { kind: 'streaming', via: 'liveTail' });
        const now = Date.now();
        standIn.push(GROUP, [
          { logStreamName: 's', message: 'one', timestamp: now },
          { logStreamName: 's', message: 'two', timestamp: now + 1 },
        ]);
        await until(() => events.length === 2);
        // Live Tail ends sessions after three hours; a new one starts at once.
        standIn.endSessions();
        await until(() => standIn.openSessions === 1 && standIn.sessions === 2);
        standIn.push(GROUP, [{ logStreamName: 's', message: 'three', timestamp: now + 2 }]);
        await until(() => events.length === 3);
        assert.deepEqual(messages(events), ['one', 'two', 'three']);
        assert.ok(!statuses.some((s) => s.kind === 'fellBack'));
      },
      client,
      0,
    );
  });

  for (const behaviour of ['denied', 'unsupported'] as const) {
    test(`when Live Tail is ${behaviour}, polling takes over and says why`, async () => {
      standIn.behave(behaviour);
      await follow('auto', async ({ events, statuses, until }) => {
        await until(() => statuses.some((s) => s.kind === 'streaming'));
        const [first, second] = statuses;
        assert.equal(first?.kind, 'fellBack');
        assert.match((first as { reason: Error }).reason.name, behaviour === 'denied' ? /AccessDenied/ : /UnknownOperation/);
        assert.deepEqual(second, { kind: 'streaming', via: 'poll' });
        await direct.send(
          new PutLogEventsCommand({
            logGroupName: GROUP,
            logStreamName: 's',
            logEvents: [{ timestamp: Date.now(), message: `polled after ${behaviour}` }],
          }),
        );
        await until(() => events.some((e) => e.message === `polled after ${behaviour}`));
      });
    });
  }

  test('with Live Tail forced and denied, following stops with the reason', async () => {
    standIn.behave('denied');
    const { statuses } = await follow('liveTail', async ({ statuses, until }) => {
      await until(() => statuses.length > 0);
    });
    assert.equal(statuses[0]?.kind, 'stopped');
  });

  test('a broken stream reconnects with backoff and says so', async () => {
    standIn.behave('break');
    await follow('auto', async ({ events, statuses, until }) => {
      await until(() => statuses.some((s) => s.kind === 'retrying'));
      await until(() => standIn.openSessions === 1);
      const retry = statuses.find((s) => s.kind === 'retrying');
      assert.equal((retry as { retryInMs: number }).retryInMs, 1000);
      standIn.push(GROUP, [{ logStreamName: 's', message: 'after reconnect', timestamp: Date.now() }]);
      await until(() => events.some((e) => e.message === 'after reconnect'));
    });
  });

  test("moto's own StartLiveTail (the group's events, then closed) falls back to polling without repeating them", async () => {
    const before = Date.now() - 5_000;
    await direct.send(
      new PutLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: 's',
        logEvents: [{ timestamp: before + 1000, message: 'history' }],
      }),
    );
    const seen = await follow(
      'auto',
      async ({ statuses, until }) => {
        await until(() => statuses.some((s) => s.kind === 'streaming' && s.via === 'poll'));
        await direct.send(
          new PutLogEventsCommand({
            logGroupName: GROUP,
            logStreamName: 's',
            logEvents: [{ timestamp: Date.now(), message: 'new' }],
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 800));
      },
      direct,
    );
    assert.ok(seen.statuses.some((s) => s.kind === 'fellBack'));
    const counts = new Map<string, number>();
    for (const message of messages(seen.events)) counts.set(message, (counts.get(message) ?? 0) + 1);
    assert.equal(counts.get('new'), 1);
    assert.ok(
      [...counts.values()].every((n) => n === 1),
      `each event once: ${JSON.stringify([...counts])}`,
    );
  });
});
