// The active AWS connection (profile, region, endpoint), the pickers that change it, and the
// status-bar item that shows it. A change rebuilds the connection scope and tells the views.
//
// Where each part comes from:
// - profile: the `lambdaWorkbench.aws.profile` setting; empty means the SDK's default chain.
// - region: the `lambdaWorkbench.aws.region` setting when set; else the region last chosen for
//   this profile; else the profile's `region` in the config file; else AWS_REGION; else us-east-1.
// - endpoint: the `lambdaWorkbench.aws.endpointUrl` setting.
import * as vscode from 'vscode';
import type { AwsConnection } from '../core/aws/connection';
import {
  describeProfileCredentials,
  readProfiles,
  sharedFilePaths,
  type ProfileCatalog,
  type SharedFileProblem,
} from '../core/aws/profiles';
import { LAMBDA_REGIONS, isRegionId } from '../core/aws/regions';
import type { Ctx } from './ctx';

const REGION_CHOICES_KEY = 'lambdaWorkbench.regionByProfile';
const DEFAULT_CHAIN = '';

export class ConnectionManager implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AwsConnection>();
  /** Fires after the connection scope was rebuilt for a new profile, region or endpoint. */
  readonly onDidChange = this.changed.event;
  private readonly statusItem: vscode.StatusBarItem;
  private catalog: Promise<ProfileCatalog> | undefined;
  private resolved: AwsConnection | undefined;
  /** The connection listeners last heard of, as JSON, so that two refreshes announce one change. */
  private announced: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly reportedProblems = new Set<string>();
  /** How long the profile picker last took to show its items; read by the benchmark. */
  lastPickerMs: number | undefined;

  constructor(private readonly ctx: Ctx) {
    this.statusItem = vscode.window.createStatusBarItem('lambdaWorkbench.connection', vscode.StatusBarAlignment.Left, 20);
    this.statusItem.name = 'Lambda Workbench: AWS connection';
    this.statusItem.command = 'lambdaWorkbench.chooseProfile';
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((change) => {
        if (change.affectsConfiguration('lambdaWorkbench.aws')) void this.refresh();
      }),
    );
    this.showStatus(this.settingsConnection(undefined));
    // The profile's own region needs the config file; read it after activation, off the hot path.
    setTimeout(
      () =>
        void this.current().then((connection) => {
          this.announced ??= JSON.stringify(connection);
          this.showStatus(connection);
        }),
      0,
    );
  }

  /** The connection to use now. */
  async current(): Promise<AwsConnection> {
    if (this.resolved !== undefined) return this.resolved;
    const profile = this.ctx.config.awsProfile;
    const catalog = await this.profiles().catch(() => undefined);
    // Without a chosen profile the SDK's chain reads AWS_PROFILE, else the default profile.
    const named = profile || process.env['AWS_PROFILE'] || 'default';
    const profileRegion = catalog?.profiles.find((p) => p.name === named)?.region;
    this.resolved = this.settingsConnection(profileRegion);
    return this.resolved;
  }

  /** The profiles of the shared files, read once per opening of the picker and cached in between. */
  profiles(reload = false): Promise<ProfileCatalog> {
    if (reload || this.catalog === undefined) {
      this.catalog = readProfiles(sharedFilePaths());
      void this.catalog.then(
        (catalog) => this.reportProblems(catalog.problems),
        () => undefined,
      );
    }
    return this.catalog;
  }

  /** Each problem of the AWS files is logged and shown once; the other profiles keep working. */
  private reportProblems(problems: readonly SharedFileProblem[]): void {
    const fresh = problems.filter((p) => !this.reportedProblems.has(`${p.file}:${p.line}:${p.message}`));
    for (const problem of fresh) {
      this.reportedProblems.add(`${problem.file}:${problem.line}:${problem.message}`);
      this.ctx.log.warn(`${problem.file}:${problem.line}: ${problem.message}`);
    }
    const [first] = fresh;
    if (first === undefined) return;
    const more = fresh.length > 1 ? ` (and ${fresh.length - 1} more problems, listed in the log)` : '';
    void vscode.window
      .showWarningMessage(`${first.file}:${first.line}: ${first.message}${more} The other profiles still work.`, 'Open File')
      .then((choice) => (choice === undefined ? undefined : showProblem(first)));
  }

  /**
   * True when no credentials are selected: no profile chosen, no default profile in the shared
   * files, and nothing in the environment. The Functions view then offers to choose a profile
   * instead of failing to list.
   */
  async hasNoCredentialSource(): Promise<boolean> {
    if (this.ctx.config.awsProfile !== '') return false;
    const env = process.env;
    const fromEnvironment = [
      'AWS_ACCESS_KEY_ID',
      'AWS_PROFILE',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    ];
    if (fromEnvironment.some((name) => env[name])) return false;
    const catalog = await this.profiles().catch(() => undefined);
    return !(catalog?.profiles.some((p) => p.name === 'default') ?? false);
  }

  private settingsConnection(profileRegion: string | undefined): AwsConnection {
    const profile = this.ctx.config.awsProfile;
    const endpointUrl = this.ctx.config.awsEndpointUrl;
    const chosen = this.ctx.extension.globalState.get<Record<string, string>>(REGION_CHOICES_KEY, {})[profile];
    const region =
      this.ctx.config.awsRegion ||
      chosen ||
      profileRegion ||
      process.env['AWS_REGION'] ||
      process.env['AWS_DEFAULT_REGION'] ||
      'us-east-1';
    return {
      ...(profile === DEFAULT_CHAIN ? {} : { profile }),
      region,
      ...(endpointUrl === '' ? {} : { endpointUrl }),
    };
  }

  /** Re-reads the settings; when the connection changed, rebuilds the scope and tells listeners. */
  async refresh(): Promise<void> {
    this.resolved = undefined;
    const after = await this.current();
    this.showStatus(after);
    const key = JSON.stringify(after);
    if (key === this.announced) return;
    this.announced = key;
    this.ctx.resetConnection();
    this.ctx.log.info(`AWS connection: ${describe(after)}.`);
    this.changed.fire(after);
  }

  private showStatus(connection: AwsConnection): void {
    this.statusItem.text = `$(cloud) ${connection.profile ?? 'default'} · ${connection.region}`;
    const tooltip = new vscode.MarkdownString(
      `**Lambda Workbench**: ${describe(connection)}\n\nClick to choose another profile; "Lambda: Choose AWS Region" changes the region.`,
    );
    this.statusItem.tooltip = tooltip;
    this.statusItem.show();
  }

  async chooseProfile(): Promise<AwsConnection | undefined> {
    const started = performance.now();
    const picker = vscode.window.createQuickPick<ProfileItem>();
    picker.title = 'Choose AWS Profile';
    picker.placeholder = 'Profiles of your AWS config and credentials files';
    picker.matchOnDescription = true;
    picker.busy = true;
    // Listen before loading: the picker may be dismissed while the files are read.
    const choice = new Promise<ProfileItem | undefined>((resolve) => {
      picker.onDidAccept(() => resolve(picker.selectedItems[0]));
      picker.onDidHide(() => resolve(undefined));
    });
    picker.show();
    const active = this.ctx.config.awsProfile;
    try {
      const catalog = await this.profiles(true);
      picker.items = profileItems(catalog, active);
      const activeItem = picker.items.find((item) => item.profile === active);
      if (activeItem !== undefined) picker.activeItems = [activeItem];
      picker.busy = false;
      this.lastPickerMs = performance.now() - started;
      this.ctx.log.debug(`The profile picker showed its items in ${this.lastPickerMs.toFixed(1)} ms.`);
    } catch (error) {
      picker.dispose();
      throw error;
    }
    const chosen = await choice;
    picker.dispose();
    if (chosen === undefined) return undefined;
    if (chosen.problem !== undefined) {
      await showProblem(chosen.problem);
      return undefined;
    }
    if (chosen.profile === undefined) return undefined;
    await this.updateSetting('profile', chosen.profile);
    await this.refresh();
    return this.current();
  }

  async chooseRegion(): Promise<AwsConnection | undefined> {
    const current = await this.current();
    const items: (vscode.QuickPickItem & { region: string })[] = LAMBDA_REGIONS.map(([id, name]) => ({
      label: id,
      description: name,
      region: id,
      ...(id === current.region ? { detail: 'current region' } : {}),
    }));
    const picker = vscode.window.createQuickPick<vscode.QuickPickItem & { region: string }>();
    picker.title = `Choose AWS Region for ${current.profile ?? 'the default credentials'}`;
    picker.placeholder = 'Type to filter, or type a region id that is not listed';
    picker.matchOnDescription = true;
    picker.items = items;
    const activeItem = items.find((item) => item.region === current.region);
    if (activeItem !== undefined) picker.activeItems = [activeItem];
    picker.show();
    const chosen = await new Promise<string | undefined>((resolve) => {
      picker.onDidAccept(() => resolve(picker.selectedItems[0]?.region ?? picker.value.trim()));
      picker.onDidHide(() => resolve(undefined));
    });
    picker.dispose();
    if (chosen === undefined || chosen === '') return undefined;
    if (!isRegionId(chosen)) {
      void vscode.window.showErrorMessage(`"${chosen}" is not a region id (like eu-west-1). Choose the region again.`);
      return undefined;
    }
    if (this.ctx.config.awsRegion !== '') {
      // The setting fixes the region for every profile; change it where it is defined.
      await this.updateSetting('region', chosen);
    } else {
      const choices = this.ctx.extension.globalState.get<Record<string, string>>(REGION_CHOICES_KEY, {});
      await this.ctx.extension.globalState.update(REGION_CHOICES_KEY, { ...choices, [this.ctx.config.awsProfile]: chosen });
    }
    await this.refresh();
    return this.current();
  }

  /** Writes an `aws.*` setting at the level that defines it now (workspace or user). */
  private async updateSetting(key: 'profile' | 'region', value: string): Promise<void> {
    const section = vscode.workspace.getConfiguration('lambdaWorkbench.aws');
    const inspected = section.inspect<string>(key);
    const target =
      inspected?.workspaceFolderValue !== undefined || inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
    await section.update(key, value, target);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
    this.statusItem.dispose();
    this.changed.dispose();
  }
}

function describe(connection: AwsConnection): string {
  const who = connection.profile === undefined ? 'default credentials' : `profile ${connection.profile}`;
  return `${who}, ${connection.region}${connection.endpointUrl === undefined ? '' : `, endpoint ${connection.endpointUrl}`}`;
}

interface ProfileItem extends vscode.QuickPickItem {
  /** The setting's value: a profile name, or '' for the default chain. */
  readonly profile?: string;
  readonly problem?: SharedFileProblem;
}

function profileItems(catalog: ProfileCatalog, active: string): ProfileItem[] {
  const env = process.env;
  const envNote = env['AWS_ACCESS_KEY_ID']
    ? 'access keys from the environment first'
    : env['AWS_PROFILE']
      ? `AWS_PROFILE=${env['AWS_PROFILE']}`
      : 'environment, then the default profile';
  const items: ProfileItem[] = [
    {
      label: 'Default credentials',
      description: active === DEFAULT_CHAIN ? `${envNote} · active` : envNote,
      detail: "The AWS SDK's default chain: environment variables, the default profile, then container or instance roles.",
      profile: DEFAULT_CHAIN,
    },
    { label: 'Profiles', kind: vscode.QuickPickItemKind.Separator },
  ];
  // One object per profile and nothing else: 5,000 profiles stay well under a second.
  for (const profile of catalog.profiles) {
    const source = describeProfileCredentials(profile.credentials);
    items.push({
      label: profile.name,
      description: `${source}${profile.region === undefined ? '' : ` · ${profile.region}`}${profile.name === active ? ' · active' : ''}`,
      profile: profile.name,
    });
  }
  if (catalog.problems.length > 0) {
    items.push({ label: 'Problems in your AWS files', kind: vscode.QuickPickItemKind.Separator });
    for (const problem of catalog.problems) {
      items.push({
        label: `$(warning) ${problem.message}`,
        description: `${problem.file}:${problem.line}`,
        problem,
      });
    }
  }
  return items;
}

/** Opens the file of a problem at its line. */
async function showProblem(problem: SharedFileProblem): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(problem.file));
  const line = Math.max(0, problem.line - 1);
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(line, 0, line, 0) });
}
