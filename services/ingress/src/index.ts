// What other packages use: the CLI starts the app.
export { createIngressApp } from './app';
export type { IngressApp, IngressDeps } from './app';
