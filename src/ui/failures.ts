// The one place a failed command is reported: logged with its causes, shown with "View Logs".
import * as vscode from 'vscode';
import { WorkbenchError, describeErrorChain } from '../core/errors';
import type { Ctx } from './ctx';

const VIEW_LOGS = 'View Logs';

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
  void vscode.window.showErrorMessage(message, VIEW_LOGS).then((choice) => {
    if (choice === VIEW_LOGS) ctx.log.show(true);
  });
}
