// The log panel's script. Records arrive from the extension in batches; they are kept grouped by
// invocation (START ... REPORT), filtered here, and drawn as a virtualised list: every row has the
// same height, so only the rows on screen exist in the page, whatever the number of records.
// @ts-check
(function () {
  // @ts-expect-error acquireVsCodeApi is provided by the webview host.
  const vscode = acquireVsCodeApi();
  const ROW_HEIGHT = 20;
  const OVERSCAN = 20;
  const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

  /** @param {string} id */
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const list = $('list');
  const rowsBox = $('rows');
  const details = $('details');
  const statusText = $('status-text');
  const droppedNote = $('dropped');
  const filterInput = /** @type {HTMLInputElement} */ ($('filter'));
  const regexButton = $('regex');
  const levelSelect = /** @type {HTMLSelectElement} */ ($('level'));
  const requestBox = $('request-filter');
  const followButton = $('follow');
  const pauseButton = $('pause');
  const rangeSelect = /** @type {HTMLSelectElement} */ ($('range'));

  const state = {
    /** Groups in order of their first record: { key, req, origin, first, records, summary, collapsed }. */
    groups: /** @type {any[]} */ ([]),
    byKey: new Map(),
    total: 0,
    dropped: 0,
    cap: 100000,
    filter: { text: '', regex: /** @type {RegExp | undefined} */ (undefined), useRegex: false, level: -1, req: '' },
    follow: true,
    paused: false,
    pending: /** @type {any[]} */ ([]),
    /** The rows to draw: { group } or { record, group }. */
    visible: /** @type {any[]} */ ([]),
    selected: /** @type {any} */ (undefined),
    dirty: true,
    scheduled: false,
    programmaticScroll: false,
    /** Bumped by every change of what the rows show; with the range drawn, it tells when to redraw. */
    version: 0,
    drawn: '',
  };

  function groupKey(record) {
    return record.req ? `${record.origin}:${record.req}` : `${record.origin}:solo:${record.id}`;
  }

  /** Inserts a group where its first timestamp belongs; almost always at the end. */
  function insertGroup(group) {
    const groups = state.groups;
    let index = groups.length;
    while (index > 0 && groups[index - 1].first > group.first) index--;
    groups.splice(index, 0, group);
  }

  function addRecords(records) {
    for (const record of records) {
      const key = groupKey(record);
      let group = state.byKey.get(key);
      if (group === undefined) {
        group = {
          key,
          req: record.req,
          origin: record.origin,
          first: record.t,
          records: [],
          summary: undefined,
          collapsed: false,
        };
        state.byKey.set(key, group);
        insertGroup(group);
      }
      group.records.push(record);
      state.total++;
    }
    // Past the cap the oldest invocations go first, whole, and the panel says how many records went.
    while (state.total > state.cap && state.groups.length > 0) {
      const oldest = state.groups.shift();
      state.byKey.delete(oldest.key);
      state.total -= oldest.records.length;
      state.dropped += oldest.records.length;
    }
    invalidate();
  }

  function matches(record) {
    const filter = state.filter;
    if (filter.level >= 0 && LEVELS.indexOf(record.level) < filter.level) return false;
    if (filter.regex !== undefined) {
      filter.regex.lastIndex = 0;
      return filter.regex.test(record.text) || (record.json !== undefined && filter.regex.test(record.json));
    }
    if (filter.text !== '') {
      const text = filter.text.toLowerCase();
      return record.text.toLowerCase().includes(text) || (record.json !== undefined && record.json.toLowerCase().includes(text));
    }
    return true;
  }

  function rebuild() {
    const visible = [];
    const filtering = state.filter.level >= 0 || state.filter.text !== '' || state.filter.regex !== undefined;
    for (const group of state.groups) {
      if (state.filter.req !== '' && group.req !== state.filter.req) continue;
      const shown = filtering ? group.records.filter(matches) : group.records;
      if (group.req === undefined) {
        for (const record of shown) visible.push({ record, group });
        continue;
      }
      if (shown.length === 0 && filtering) continue;
      visible.push({ group });
      if (!group.collapsed) for (const record of shown) visible.push({ record, group });
    }
    state.visible = visible;
  }

  function invalidate() {
    state.dirty = true;
    state.version++;
    if (state.scheduled) return;
    state.scheduled = true;
    requestAnimationFrame(render);
  }

  function time(t) {
    const date = new Date(t);
    const pad = (n, width = 2) => String(n).padStart(width, '0');
    return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  }

  function span(className, text) {
    const element = document.createElement('span');
    element.className = className;
    element.textContent = text;
    return element;
  }

  function drawRow(entry, index) {
    const row = document.createElement('div');
    row.style.top = `${index * ROW_HEIGHT}px`;
    row.dataset['index'] = String(index);
    if (entry.record === undefined) {
      const group = entry.group;
      const summary = group.summary;
      row.className = 'row group';
      row.append(
        span('twistie', group.collapsed ? '▸ ' : '▾ '),
        span('time', time(group.first)),
        ' ',
        span('origin', group.origin === 'local' ? 'local' : 'cloud'),
        ` ${group.req} `,
      );
      if (summary !== undefined && summary.chip !== '') row.append(span(summary.failed ? 'chip failed' : 'chip', summary.chip));
      row.title = 'Click to fold or unfold this invocation';
      return row;
    }
    const record = entry.record;
    row.className = `row${entry.group.req === undefined ? '' : ' record'}${record === state.selected ? ' selected' : ''}`;
    const firstLine = record.text.split('\n', 1)[0];
    const more = record.text.includes('\n') || record.json !== undefined ? ' …' : '';
    row.append(span('time', time(record.t)), ' ');
    if (entry.group.req === undefined) row.append(span('origin', record.origin === 'local' ? 'local' : 'cloud'), ' ');
    if (record.level !== undefined) row.append(span(`level-${record.level}`, record.level.padEnd(5)), ' ');
    row.append(span(record.kind === 'message' ? `level-${record.level ?? 'INFO'}` : 'platform', firstLine + more));
    return row;
  }

  function render() {
    state.scheduled = false;
    if (state.dirty) {
      rebuild();
      state.dirty = false;
    }
    const height = state.visible.length * ROW_HEIGHT;
    rowsBox.style.height = `${height}px`;
    const end = Math.max(0, height - list.clientHeight);
    if (state.follow && Math.abs(list.scrollTop - end) > 1) {
      // Marked so the scroll event it causes is not taken for the user's.
      state.programmaticScroll = true;
      list.scrollTop = end;
    }
    const first = Math.max(0, Math.floor(list.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(state.visible.length, Math.ceil((list.scrollTop + list.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    // Scrolling within the rows already drawn (the overscan) needs no work at all.
    const drawn = `${first}:${last}:${state.version}`;
    if (drawn !== state.drawn) {
      state.drawn = drawn;
      const fragment = document.createDocumentFragment();
      for (let index = first; index < last; index++) fragment.append(drawRow(state.visible[index], index));
      rowsBox.replaceChildren(fragment);
    }
    $('empty').hidden = state.total > 0 || state.pending.length > 0;
    droppedNote.textContent =
      state.dropped === 0
        ? ''
        : `${state.dropped} older records were dropped to stay within ${state.cap} (setting lambdaWorkbench.logs.maxRecords).`;
    pauseButton.textContent = state.paused ? `Resume (${state.pending.length} new)` : 'Pause';
    $('counts').textContent = `${state.visible.length} rows · ${state.total} records`;
  }

  function showDetails(record) {
    state.selected = record;
    details.hidden = false;
    details.replaceChildren();
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = [
      new Date(record.t).toISOString(),
      record.origin === 'local' ? 'local emulator' : 'CloudWatch',
      record.stream,
      record.level,
      record.req === undefined ? undefined : `request ${record.req}`,
    ]
      .filter(Boolean)
      .join(' · ');
    const text = document.createElement('pre');
    text.textContent = record.text;
    details.append(meta, text);
    if (record.json !== undefined) {
      const json = document.createElement('pre');
      json.className = 'json';
      json.textContent = record.json;
      details.append(json);
    }
    const copy = document.createElement('button');
    copy.textContent = 'Copy';
    copy.addEventListener('click', () => vscode.postMessage({ type: 'copy', text: record.json ?? record.text }));
    details.append(copy);
    if (record.req !== undefined) {
      const only = document.createElement('button');
      only.textContent = 'Only this invocation';
      only.addEventListener('click', () => setRequestFilter(record.req));
      details.append(' ', only);
    }
    invalidate();
  }

  function setRequestFilter(req) {
    state.filter.req = req;
    requestBox.hidden = req === '';
    $('request-id').textContent = req;
    invalidate();
  }

  function setFollow(follow) {
    state.follow = follow;
    followButton.setAttribute('aria-pressed', String(follow));
    if (follow) invalidate();
  }

  list.addEventListener('scroll', () => {
    if (state.programmaticScroll) {
      state.programmaticScroll = false;
    } else {
      // Scrolling away from the end stops following; scrolling back to it follows again.
      const atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - ROW_HEIGHT;
      if (atEnd !== state.follow) setFollow(atEnd);
    }
    if (!state.scheduled) {
      state.scheduled = true;
      requestAnimationFrame(render);
    }
  });

  rowsBox.addEventListener('click', (event) => {
    const row = /** @type {HTMLElement} */ (event.target).closest('.row');
    if (!(row instanceof HTMLElement)) return;
    const entry = state.visible[Number(row.dataset['index'])];
    if (entry === undefined) return;
    if (entry.record === undefined) {
      entry.group.collapsed = !entry.group.collapsed;
      invalidate();
    } else {
      showDetails(entry.record);
    }
  });

  filterInput.addEventListener('input', applyTextFilter);
  regexButton.addEventListener('click', () => {
    state.filter.useRegex = !state.filter.useRegex;
    regexButton.setAttribute('aria-pressed', String(state.filter.useRegex));
    applyTextFilter();
  });

  function applyTextFilter() {
    const value = filterInput.value;
    state.filter.text = '';
    state.filter.regex = undefined;
    filterInput.setCustomValidity('');
    if (state.filter.useRegex && value !== '') {
      try {
        state.filter.regex = new RegExp(value, 'i');
      } catch (error) {
        filterInput.setCustomValidity(String(error));
        filterInput.title = `Not a regular expression: ${String(error)}`;
      }
    } else {
      state.filter.text = value;
    }
    invalidate();
  }

  levelSelect.addEventListener('change', () => {
    state.filter.level = levelSelect.value === '' ? -1 : LEVELS.indexOf(levelSelect.value);
    invalidate();
  });
  $('clear-request').addEventListener('click', () => setRequestFilter(''));
  followButton.addEventListener('click', () => setFollow(!state.follow));
  pauseButton.addEventListener('click', () => {
    state.paused = !state.paused;
    if (!state.paused && state.pending.length > 0) addRecords(state.pending.splice(0));
    invalidate();
  });
  $('clear').addEventListener('click', () => {
    state.groups = [];
    state.byKey.clear();
    state.total = 0;
    state.dropped = 0;
    state.pending = [];
    state.selected = undefined;
    details.hidden = true;
    invalidate();
  });
  rangeSelect.addEventListener('change', () => {
    if (rangeSelect.value === 'custom') vscode.postMessage({ type: 'customRange' });
    else vscode.postMessage({ type: 'range', minutes: Number(rangeSelect.value) });
  });
  $('console').addEventListener('click', () => vscode.postMessage({ type: 'openConsole' }));
  $('copy-visible').addEventListener('click', () => {
    const lines = state.visible
      .filter((entry) => entry.record !== undefined)
      .map((entry) => `${new Date(entry.record.t).toISOString()} ${entry.record.text}`);
    vscode.postMessage({ type: 'copy', text: lines.join('\n') });
  });

  window.addEventListener('message', (event) => {
    const message = event.data;
    switch (message.type) {
      case 'records':
        if (state.paused) state.pending.push(...message.records);
        else addRecords(message.records);
        break;
      case 'summaries':
        for (const summary of message.summaries) {
          const group = state.byKey.get(`${summary.origin}:${summary.req}`);
          if (group !== undefined) group.summary = { chip: summary.chip, failed: summary.failed };
        }
        invalidate();
        break;
      case 'status':
        statusText.textContent = message.text;
        $('status').className = `status ${message.tone}`;
        break;
      case 'reset':
        $('clear').click();
        break;
      case 'config':
        state.cap = message.cap;
        $('console').hidden = !message.cloud;
        rangeSelect.hidden = !message.cloud;
        break;
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
