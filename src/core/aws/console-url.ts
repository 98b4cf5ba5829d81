// Links into the AWS Management Console, per partition.

function consoleHost(region: string): string {
  if (region.startsWith('cn-')) return 'console.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'console.amazonaws-us-gov.com';
  return `${region}.console.aws.amazon.com`;
}

/** The Lambda console page of a function, or of one of its versions or aliases. */
export function functionConsoleUrl(
  region: string,
  functionName: string,
  qualifier?: { kind: 'version' | 'alias'; name: string },
): string {
  const base = `https://${consoleHost(region)}/lambda/home?region=${encodeURIComponent(region)}#/functions/${encodeURIComponent(functionName)}`;
  if (qualifier === undefined) return base;
  return `${base}/${qualifier.kind === 'version' ? 'versions' : 'aliases'}/${encodeURIComponent(qualifier.name)}`;
}

/** The CloudWatch console page of a log group (the console escapes the name twice, "%" as "$25"). */
export function logGroupConsoleUrl(region: string, logGroupName: string): string {
  const name = encodeURIComponent(logGroupName).replace(/%/g, '$25');
  return `https://${consoleHost(region)}/cloudwatch/home?region=${encodeURIComponent(region)}#logsV2:log-groups/log-group/${name}`;
}
