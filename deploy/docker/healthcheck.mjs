#!/usr/bin/env node
// Container HEALTHCHECK: GET one URL, healthy on a 2xx within the timeout. Node 20 slim images
// carry neither curl nor wget, and a check in JavaScript needs nothing installed.
//   node /app/healthcheck.mjs [URL]     (default: $HEALTHCHECK_URL)
// HTTPS URLs are checked against $HEALTHCHECK_CA_FILE when set (the emulator's own CA).
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const url = process.argv[2] ?? process.env.HEALTHCHECK_URL;
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS ?? 4000);
if (!url) {
  console.error('healthcheck: give a URL or set HEALTHCHECK_URL');
  process.exit(2);
}
const target = new URL(url);
const caFile = process.env.HEALTHCHECK_CA_FILE;
const options = target.protocol === 'https:' && caFile ? { ca: readFileSync(caFile, 'utf8') } : {};
const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
const request = send(target, { method: 'GET', timeout: timeoutMs, ...options }, (response) => {
  response.resume();
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) process.exit(0);
  console.error(`healthcheck: ${url} answered ${status}`);
  process.exit(1);
});
request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
request.on('error', (error) => {
  console.error(`healthcheck: ${url}: ${error.message}`);
  process.exit(1);
});
request.end();
