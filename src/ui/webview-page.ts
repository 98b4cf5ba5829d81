// The page every webview of the extension uses: a strict content security policy, and its own
// style and script inlined under a nonce, so it loads nothing from anywhere.
import { randomBytes } from 'node:crypto';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A whole HTML page; `body` is markup the caller has escaped. */
export function webviewPage(page: { title: string; style: string; script: string; body: string }): string {
  const nonce = randomBytes(16).toString('base64');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">${page.style}</style>
<title>${escapeHtml(page.title)}</title>
</head>
<body>
${page.body}
<script nonce="${nonce}">${page.script}</script>
</body>
</html>`;
}
