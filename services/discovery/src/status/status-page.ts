/**
 * The status page (issue #20): a static shell; `/status.js` fills it from `GET /status` and
 * `GET /status/objects` and re-renders every `refreshSeconds`. Nothing here carries data, so
 * nothing here needs escaping; the script writes every value as text, never as markup.
 */
export function statusPageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>akv-replicator status</title>
<link rel="stylesheet" href="/status.css">
<script src="/status.js" defer></script>
</head>
<body>
<header>
  <h1>akv-replicator status</h1>
  <p><span id="overall" class="badge">loading…</span> <span id="generated"></span></p>
</header>
<main>
  <section>
    <h2>Topology</h2>
    <div id="topology"></div>
  </section>
  <section>
    <h2>Event lag</h2>
    <p id="lag">–</p>
  </section>
  <section>
    <h2>Recent failures</h2>
    <div id="failures"></div>
  </section>
  <section>
    <h2>Objects not in sync</h2>
    <form id="filter" role="search">
      <input id="q" type="search" placeholder="object, vault or link" aria-label="search">
      <select id="state" aria-label="state">
        <option value="">every state</option>
        <option>drifted</option><option>missing</option><option>not-ours</option>
        <option>deleted-at-source</option><option>unknown</option>
        <option>failed</option><option>pending</option>
      </select>
    </form>
    <p id="objects-total"></p>
    <div id="objects"></div>
  </section>
</main>
<footer id="error" role="alert"></footer>
</body>
</html>
`;
}

/** What a browser without the session sees: how to sign in, no data. */
export function unauthorizedPageHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>akv-replicator status</title>
<link rel="stylesheet" href="/status.css"></head>
<body><h1>akv-replicator status</h1>
<p>Sign in: open this address with <code>?token=&lt;status token&gt;</code> (the token of
<code>status.token</code>; <code>up --local</code> prints the full address).</p></body></html>
`;
}

export const STATUS_PAGE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 2rem 2rem; color: #1b1f24; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .25rem .6rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.badge { padding: .15rem .6rem; border-radius: .8rem; font-weight: 600; background: #eaeef2; white-space: nowrap; }
.in-sync { background: #dafbe1; color: #116329; }
.not-in-sync { background: #ffebe9; color: #a40e26; }
.rebuilding { background: #fff8c5; color: #7d4e00; }
.source { margin: .8rem 0 .3rem; font-weight: 600; }
.muted { color: #57606a; }
form { margin: .5rem 0; } input, select { font: inherit; padding: .2rem .4rem; }
#error { color: #a40e26; margin-top: 1rem; }
`;
