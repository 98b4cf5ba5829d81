// A trigger as a tree row, the same in the Functions view (deployed) and the Local view (declared):
// the label says what calls the function, the description how, the icon which kind it is.
import type { Trigger } from '../core/model/trigger';

export function describeTrigger(trigger: Trigger): { label: string; description: string; icon: string } {
  switch (trigger.kind) {
    case 'route':
      return {
        label: trigger.path === '$default' ? '$default route' : `${trigger.method} ${trigger.path}`,
        description: [
          trigger.api === 'http' ? 'HTTP API' : 'REST API',
          trigger.apiId,
          `payload ${trigger.payloadVersion}`,
          trigger.authorizer === undefined ? undefined : `authorizer ${trigger.authorizer}`,
        ]
          .filter((part) => part !== undefined)
          .join(' · '),
        icon: 'globe',
      };
    case 'url':
      return {
        label: trigger.url === undefined ? 'Function URL' : `Function URL: ${trigger.url}`,
        description: [`auth ${trigger.authType}`, trigger.invokeMode === 'RESPONSE_STREAM' ? 'streaming' : undefined]
          .filter((part) => part !== undefined)
          .join(' · '),
        icon: 'link',
      };
    case 'eventSource':
      return {
        label: `${trigger.service}: ${trigger.source}`,
        description: [trigger.state, trigger.batchSize === undefined ? undefined : `batch ${trigger.batchSize}`]
          .filter((part) => part !== undefined)
          .join(' · '),
        icon: 'inbox',
      };
    case 'policy':
      if (trigger.schedule !== undefined) {
        return { label: `Schedule: ${trigger.schedule}`, description: trigger.service, icon: 'watch' };
      }
      return {
        label: trigger.source === '' ? trigger.service : `${trigger.service}: ${trigger.source}`,
        description:
          trigger.statementId !== undefined
            ? `policy ${trigger.statementId}`
            : trigger.events !== undefined
              ? trigger.events.join(', ')
              : trigger.sourceAccount !== undefined || trigger.sourceArn !== undefined
                ? 'resource policy'
                : '',
        icon: trigger.service === 'EventBridge' ? 'zap' : 'shield',
      };
  }
}

/** The row's tooltip: the ARN or URL behind the label, when there is one. */
export function triggerTooltip(trigger: Trigger): string {
  if (trigger.kind === 'url') return trigger.url ?? `Function URL, auth ${trigger.authType}`;
  if (trigger.kind === 'route') return `${trigger.method} ${trigger.path}`;
  return trigger.sourceArn ?? describeTrigger(trigger).label;
}
