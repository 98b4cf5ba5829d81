// The extension's features, each built on first use so that activation does almost nothing.

import { AwsClients } from './aws';
import type { ConnectionManager } from './connection';
import type { Ctx } from './ctx';
import { FunctionActions } from './function-actions';
import { FunctionsTree } from './functions-tree';
import { Invoker } from './invoker';
import { LocalEmulator } from './local-emulator';
import { LocalApi } from './local-api';
import { LogPanels } from './log-panel';
import { LambdaDebugger } from './debug';
import { Deployer } from './deployer';
import { HandlerCodeLens } from './handler-codelens';
import { LocalActions } from './local-actions';
import { LocalFunctions } from './local-functions';
import { LocalTree } from './local-tree';
import { RecentEvents } from './recent-events';
import { ResultView } from './result-view';

export class Features {
  private invokerValue: Invoker | undefined;
  private localFunctionsValue: LocalFunctions | undefined;
  private emulatorValue: LocalEmulator | undefined;
  private localApiValue: LocalApi | undefined;
  private awsValue: AwsClients | undefined;
  private resultsValue: ResultView | undefined;
  private functionsTreeValue: FunctionsTree | undefined;
  private functionActionsValue: FunctionActions | undefined;
  private logPanelsValue: LogPanels | undefined;
  private localTreeValue: LocalTree | undefined;
  private codeLensValue: HandlerCodeLens | undefined;
  private debuggerValue: LambdaDebugger | undefined;
  private deployerValue: Deployer | undefined;
  private localActionsValue: LocalActions | undefined;

  constructor(
    private readonly ctx: Ctx,
    readonly connections: ConnectionManager,
  ) {}

  get functionsTree(): FunctionsTree {
    this.functionsTreeValue ??= this.ctx.extensionScope.add(new FunctionsTree(this.ctx, this.aws));
    return this.functionsTreeValue;
  }

  get logPanels(): LogPanels {
    this.logPanelsValue ??= this.ctx.extensionScope.add(new LogPanels(this.ctx, this.aws, this.emulator));
    return this.logPanelsValue;
  }

  get functionActions(): FunctionActions {
    this.functionActionsValue ??= new FunctionActions(this.aws, this.functionsTree, this.localFunctions, this.logPanels);
    return this.functionActionsValue;
  }

  get invoker(): Invoker {
    this.invokerValue ??= new Invoker(
      this.ctx,
      this.localFunctions,
      this.emulator,
      this.aws,
      this.results,
      new RecentEvents(this.ctx.extension.workspaceState),
    );
    return this.invokerValue;
  }

  get deployer(): Deployer {
    this.deployerValue ??= this.ctx.extensionScope.add(new Deployer(this.ctx, this.localFunctions, this.localActions, this.aws));
    return this.deployerValue;
  }

  get localActions(): LocalActions {
    this.localActionsValue ??= new LocalActions(this.localFunctions);
    return this.localActionsValue;
  }

  get localTree(): LocalTree {
    this.localTreeValue ??= this.ctx.extensionScope.add(new LocalTree(this.localFunctions, this.localApi));
    return this.localTreeValue;
  }

  get codeLens(): HandlerCodeLens {
    this.codeLensValue ??= this.ctx.extensionScope.add(new HandlerCodeLens(this.ctx, this.localFunctions));
    return this.codeLensValue;
  }

  get debugger(): LambdaDebugger {
    this.debuggerValue ??= this.ctx.extensionScope.add(
      new LambdaDebugger(this.ctx, this.localFunctions, this.emulator, this.results, this.invoker),
    );
    return this.debuggerValue;
  }

  get localFunctions(): LocalFunctions {
    this.localFunctionsValue ??= this.ctx.extensionScope.add(new LocalFunctions(this.ctx));
    return this.localFunctionsValue;
  }

  /** Whether discovery's threads have started (without starting them). */
  get discoveryStarted(): boolean {
    return this.localFunctionsValue?.threadsStarted === true;
  }

  get localApi(): LocalApi {
    this.localApiValue ??= this.ctx.extensionScope.add(new LocalApi(this.ctx, () => this.connections.current()));
    return this.localApiValue;
  }

  get emulator(): LocalEmulator {
    this.emulatorValue ??= this.ctx.extensionScope.add(new LocalEmulator(this.ctx, () => this.connections.current()));
    return this.emulatorValue;
  }

  get aws(): AwsClients {
    this.awsValue ??= new AwsClients(this.ctx, this.connections);
    return this.awsValue;
  }

  get results(): ResultView {
    this.resultsValue ??= this.ctx.extensionScope.add(new ResultView(this.ctx));
    return this.resultsValue;
  }

  /** The result on screen, if any; for tests and other extensions. */
  get shownResult(): ResultView['current'] {
    return this.resultsValue?.current;
  }
}
