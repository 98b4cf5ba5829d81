// The one place a failed command is reported: logged with its causes, shown with "View Logs".
import * as vscode from 'vscode';
import { AwsError } from '../core/aws/aws-errors';
import { WorkbenchError, describeErrorChain } from '../core/errors';
import type { Ctx } from './ctx';

const VIEW_LOGS = 'View Logs';
const SSO_LOGIN = 'Run aws sso login';

export function isCancellation(error: unknown): boolean {
  if (error instanceof vscode.CancellationError) return true;
  return error instanceof Error && (error.name === 'Canceled' || error.name === 'AbortError');
}

/**
 * Logs `error` and shows it; cancellations are expected and only logged at debug level.
 * Returns without waiting for the user to answer the message, so the command settles at once.
 */
export function reportFailure(ctx: Ctx, action: string, error: unknown): void {
  if (isCancellation(error)) {
    ctx.log.debug(`${action} was cancelled.`);
    return;
  }
  ctx.log.error(`${action} failed.\n${describeErrorChain(error)}`);
  const message =
    error instanceof WorkbenchError
      ? error.message
      : `${action} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}. ` +
        'The log has the details; please report it if it happens again.';
  const remedy = error instanceof AwsError ? error.remedy : undefined;
  const buttons = remedy?.kind === 'ssoLogin' ? [SSO_LOGIN, VIEW_LOGS] : [VIEW_LOGS];
  void vscode.window.showErrorMessage(message, ...buttons).then((choice) => {
    if (choice === VIEW_LOGS) ctx.log.show(true);
    if (choice === SSO_LOGIN && remedy !== undefined) runSsoLogin(remedy.profile);
  });
}

/** Opens a terminal running `aws sso login` for the profile; the AWS CLI opens the browser. */
export function runSsoLogin(profile: string | undefined): void {
  const terminal = vscode.window.createTerminal({ name: `AWS SSO login${profile === undefined ? '' : ` (${profile})`}` });
  terminal.show();
  terminal.sendText(profile === undefined ? 'aws sso login' : `aws sso login --profile ${shellQuote(profile)}`);
}

/** Single-quotes a word for POSIX shells when it holds anything unusual. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
