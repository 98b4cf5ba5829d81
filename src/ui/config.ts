// Typed settings. Each getter reads the current value; a malformed value is reported once, in a
// message that names the setting, and the default is used instead.
import * as vscode from 'vscode';
import type { NodeRuntime } from '../core/runtimes';
import {
  SETTINGS,
  SETTINGS_SECTION,
  fullKey,
  readSetting,
  type SettingName,
  type SettingSpec,
  type SettingValue,
} from '../core/settings';

export class Config implements vscode.Disposable {
  /** `key=value` pairs already reported, so a bad value is explained once, not on every read. */
  private readonly reported = new Set<string>();
  private readonly watcher: vscode.Disposable;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.watcher = vscode.workspace.onDidChangeConfiguration((change) => {
      if (!change.affectsConfiguration(SETTINGS_SECTION)) return;
      for (const name of Object.keys(SETTINGS) as SettingName[]) {
        if (change.affectsConfiguration(fullKey(SETTINGS[name]))) this.read(name);
      }
    });
  }

  get defaultNodeRuntime(): NodeRuntime {
    return this.read('defaultNodeRuntime');
  }

  get bundleMinify(): boolean {
    return this.read('bundleMinify');
  }

  get bundleSourcemap(): boolean {
    return this.read('bundleSourcemap');
  }

  /** An AWS profile name, or '' for the default credential chain. */
  get awsProfile(): string {
    return this.read('awsProfile');
  }

  /** An AWS region, or '' to take the profile's or the environment's. */
  get awsRegion(): string {
    return this.read('awsRegion');
  }

  /** An endpoint to use instead of AWS (LocalStack, moto), or ''. */
  get awsEndpointUrl(): string {
    return this.read('awsEndpointUrl');
  }

  /** How the log panel follows CloudWatch: Live Tail with a fallback to polling, or one of them. */
  get logsSource(): 'auto' | 'liveTail' | 'poll' {
    return this.read('logsSource');
  }

  /** Records a log panel keeps before it drops the oldest. */
  get logsMaxRecords(): number {
    return this.read('logsMaxRecords');
  }

  /** Whether handlers get "Invoke locally | Debug | Deploy" lenses. */
  get codeLensEnabled(): boolean {
    return this.read('codeLensEnabled');
  }

  /** Bundle the AWS SDK v3 into handlers instead of using the one the Node.js runtime ships. */
  get bundleAwsSdk(): boolean {
    return this.read('bundleAwsSdk');
  }

  /** Bucket deploy uploads packages over 50 MB through, or ''. */
  get deployS3Bucket(): string {
    return this.read('deployS3Bucket');
  }

  /** Publish a version after each deploy. */
  get deployPublishVersion(): boolean {
    return this.read('deployPublishVersion');
  }

  /** Alias moved to the published version after each deploy, or ''. */
  get deployAlias(): string {
    return this.read('deployAlias');
  }

  /** Host names the local emulator answers besides loopback ones. */
  get localApiPort(): number {
    return this.read('localApiPort');
  }

  get emulatorAllowedHosts(): readonly string[] {
    return this.read('emulatorAllowedHosts');
  }

  /** Origins whose web pages may call the local emulator. */
  get emulatorAllowedOrigins(): readonly string[] {
    return this.read('emulatorAllowedOrigins');
  }

  /** Reads every setting once, so malformed values are reported without waiting for their first use. */
  checkAll(): void {
    for (const name of Object.keys(SETTINGS) as SettingName[]) this.read(name);
  }

  dispose(): void {
    this.watcher.dispose();
  }

  private read<N extends SettingName>(name: N): SettingValue<N> {
    const spec = SETTINGS[name];
    const raw = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<unknown>(spec.key);
    // TypeScript cannot tie SETTINGS[N] to SettingValue<N> through the generic, so say it once here.
    const reading = readSetting(spec as SettingSpec<SettingValue<N>>, raw);
    if (reading.problem !== undefined) this.report(fullKey(spec), raw, reading.problem);
    return reading.value;
  }

  private report(key: string, raw: unknown, problem: string): void {
    const id = `${key}=${JSON.stringify(raw)}`;
    if (this.reported.has(id)) return;
    this.reported.add(id);
    this.log.warn(problem);
    void vscode.window.showWarningMessage(problem, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', key);
    });
  }
}
