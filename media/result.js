// The result view's only script: its buttons tell the extension what the user asked for.
// @ts-check
(function () {
  // @ts-expect-error acquireVsCodeApi is provided by the webview host.
  const vscode = acquireVsCodeApi();
  for (const button of document.querySelectorAll('button[data-action]')) {
    button.addEventListener('click', () => {
      vscode.postMessage({ type: button.getAttribute('data-action') });
    });
  }
})();
