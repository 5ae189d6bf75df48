// What other packages use: the CLI starts the app.
export { createNotifierApp } from './app';
export type { NotifierApp, NotifierDeps } from './app';
